#!/bin/sh
# make-pki.sh OUTDIR: makes the test PKI (roots, intermediate, good and bad
# signers, CRLs) with the openssl CLI, once; concurrent callers wait for it.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
openssl=${OPENSSL:-openssl}
# Bump when the PKI's contents change, so old build trees get a new one.
stamp="keel test PKI 2"

mkdir -p "$(dirname "$out")"
# Every test of a parallel `make check` calls us: the first one builds,
# the others wait on the lock and then find .complete.
exec 9>"$out.lock"
flock 9
if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$stamp" ]; then
	exit 0
fi
# Only an outdated PKI of ours (it has .complete) is ever replaced.
if [ -e "$out" ] && [ ! -f "$out/.complete" ]; then
	echo "make-pki.sh: $out exists but is not a test PKI; remove it" >&2
	exit 1
fi

tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# q CMD...: runs an openssl step quietly; on failure shows what it said.
q() {
	if ! "$@" >"$log" 2>&1; then
		echo "make-pki.sh: failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

cat >"$tmp/ca.cnf" <<'EOF'
# openssl ca configuration for the keel test PKI; KEEL_CA selects the CA.
[ ca ]
default_ca = ca_default

[ ca_default ]
dir = $ENV::KEEL_CA
database = $dir/index.txt
serial = $dir/serial
crlnumber = $dir/crlnumber
new_certs_dir = $dir/new
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
default_days = 3650
default_crl_days = 3650
policy = policy_any
unique_subject = no
copy_extensions = none
crl_extensions = ext_crl

[ policy_any ]
organizationName = optional
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ ext_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ext_inter ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ext_codesign ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ ext_email ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ ext_noeku ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# A CA that also claims codeSigning: keel refuses it as a signer.
[ ext_casign ]
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ ext_crl ]
authorityKeyIdentifier = keyid:always
EOF

rsa_key() {  # rsa_key NAME
	q "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$tmp/$1.key"
}

# new_ca NAME: the openssl ca database of one CA, under $tmp/ca-NAME.
new_ca() {
	mkdir -p "$tmp/ca-$1/new"
	: >"$tmp/ca-$1/index.txt"
	echo 1000 >"$tmp/ca-$1/serial"
	echo 1000 >"$tmp/ca-$1/crlnumber"
}

# ca NAME ARGS...: runs `openssl ca` as the CA called NAME.
ca() {
	_name=$1; shift
	KEEL_CA=$tmp/ca-$_name q "$openssl" ca -batch -notext \
		-config "$tmp/ca.cnf" "$@"
}

self_signed_root() {  # self_signed_root NAME SUBJECT
	rsa_key "$1"
	KEEL_CA=unused q "$openssl" req -new -x509 -config "$tmp/ca.cnf" \
		-extensions ext_root -key "$tmp/$1.key" -subj "$2" \
		-days 7300 -sha256 -out "$tmp/$1.pem"
	new_ca "$1"
	cp "$tmp/$1.pem" "$tmp/ca-$1/ca.pem"
	cp "$tmp/$1.key" "$tmp/ca-$1/ca.key"
}

# issue CA NAME SUBJECT EXTENSIONS [ca options...]: a certificate for a
# fresh RSA key (or an existing NAME.key), issued by CA.
issue() {
	_ca=$1 _n=$2 _subj=$3 _ext=$4; shift 4
	[ -f "$tmp/$_n.key" ] || rsa_key "$_n"
	KEEL_CA=unused q "$openssl" req -new -config "$tmp/ca.cnf" \
		-key "$tmp/$_n.key" -subj "$_subj" -out "$tmp/$_n.csr"
	ca "$_ca" -extensions "$_ext" -in "$tmp/$_n.csr" -out "$tmp/$_n.pem" "$@"
	rm -f "$tmp/$_n.csr"
}

self_signed_root root "/O=keel test/CN=keel test root CA"
issue root inter "/O=keel test/CN=keel test intermediate CA" ext_inter -days 5475
new_ca inter
cp "$tmp/inter.pem" "$tmp/ca-inter/ca.pem"
cp "$tmp/inter.key" "$tmp/ca-inter/ca.key"
cp "$tmp/inter.pem" "$tmp/chain.pem"

issue inter signer "/O=keel test/CN=keel test signer" ext_codesign -days 3650
issue inter expired "/O=keel test/CN=keel test expired signer" ext_codesign \
	-startdate 20200101000000Z -enddate 20210101000000Z
issue inter notyet "/O=keel test/CN=keel test future signer" ext_codesign \
	-startdate 20990101000000Z -enddate 21000101000000Z
issue inter noeku "/O=keel test/CN=keel test e-mail signer" ext_email -days 3650
issue inter noext "/O=keel test/CN=keel test signer without EKU" ext_noeku \
	-days 3650
issue inter revoked "/O=keel test/CN=keel test revoked signer" ext_codesign \
	-days 3650
q "$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	-out "$tmp/ecsigner.key"
issue inter ecsigner "/O=keel test/CN=keel test EC signer" ext_codesign \
	-days 3650

ca inter -revoke "$tmp/revoked.pem" -crl_reason keyCompromise
ca inter -gencrl -out "$tmp/inter.crl.pem"
# A CRL whose nextUpdate has passed: its issuer stopped publishing.
ca inter -gencrl -crl_lastupdate 20200101000000Z \
	-crl_nextupdate 20200201000000Z -out "$tmp/stale.crl.pem"
ca root -gencrl -out "$tmp/root.crl.pem"
# The same revocations, signed over SHA-1: keel refuses the digest.
ca inter -gencrl -md sha1 -out "$tmp/sha1.crl.pem"
issue root casigner "/O=keel test/CN=keel test CA signer" ext_casign \
	-days 3650

self_signed_root other-root "/O=other test/CN=other test root CA"
issue other-root untrusted "/O=other test/CN=other test signer" ext_codesign \
	-days 3650

rm -rf "$tmp"/ca-* "$tmp/ca.cnf" "$log"
echo "$stamp" >"$tmp/.complete"
rm -rf "$out"
chmod 755 "$tmp"
mv "$tmp" "$out"
trap - EXIT
