#!/bin/sh
# signers.sh: keel verify trusts exactly the right signers: chain, validity,
# codeSigning, revocation lists, trust store and --keyring.
. "$top_srcdir/tests/lib.sh"
need_pki

mkdir -p "$TMP/src"
printf 'signer test\n' >"$TMP/src/README"
cat >"$TMP/t.json" <<JSON
{ "format": 1, "name": "signers", "version": "1.0.0", "level": 1,
  "requires": { "arch": "x86_64" },
  "files": [ { "path": "usr/share/doc/signers/README", "source": "README",
               "mode": "0644", "role": "doc" } ] }
JSON

# build NAME [CHAIN]: $TMP/NAME.ksp, signed with $PKI/NAME.key and .pem.
# keel-pack signs with whatever it is given; judging signers is keel's job.
build() {
	run "$KEEL_PACK" --manifest "$TMP/t.json" --from "$TMP/src" \
		--key "$PKI/$1.key" --cert "$PKI/$1.pem" ${2:+--chain "$2"} \
		--out "$TMP/$1.ksp"
	[ $rc -eq 0 ] || diag "keel-pack failed for $1: $(cat "$TMP/err")"
}

for s in signer ecsigner expired notyet noeku noext revoked casigner; do
	build $s "$PKI/chain.pem"
done
build untrusted

# A target root trusting the test root, with the given files in crl.d.
root_with_crls() {  # root_with_crls DIR CRL...
	_dir=$1; shift
	make_root "$_dir"
	for _crl in "$@"; do cp "$_crl" "$_dir/etc/keel/crl.d/"; done
}

# refused DESC PATTERN ROOT PACK [OPTION...]: keel verify exits 4, says
# PATTERN, and the target root is byte for byte what it was.
refused() {
	_desc=$1 _pat=$2 _root=$3 _pack=$4; shift 4
	_before=$(tree_sum "$_root")
	run "$KEEL" verify --root "$_root" "$@" "$_pack"
	_after=$(tree_sum "$_root")
	if [ "$rc" -eq 4 ] && grep -Eq -- "$_pat" "$TMP/err" &&
	   [ "$_before" = "$_after" ]; then
		ok 0 "$_desc"
	else
		ok 1 "$_desc"
		[ "$_before" = "$_after" ] || diag "the target root changed"
		diag "exit $rc (want 4); stderr:" "$(cat "$TMP/err")"
	fi
}

accepted() {  # accepted DESC SIGNER-CN ROOT PACK [OPTION...]
	_desc=$1 _cn=$2 _root=$3 _pack=$4; shift 4
	run "$KEEL" verify --root "$_root" "$@" "$_pack"
	if [ "$rc" -eq 0 ] && grep -q "^signed by CN=$_cn," "$TMP/out"; then
		ok 0 "$_desc"
	else
		ok 1 "$_desc"
		diag "exit $rc (want 0); stderr:" "$(cat "$TMP/err")"
	fi
}

plain=$TMP/plain
make_root "$plain"
crls=$TMP/crls
root_with_crls "$crls" "$PKI/inter.crl.pem" "$PKI/root.crl.pem"

# Good signers.
accepted "the code-signing signer is accepted" "keel test signer" \
	"$plain" "$TMP/signer.ksp"
accepted "the EC P-256 signer is accepted" "keel test EC signer" \
	"$plain" "$TMP/ecsigner.ksp"
accepted "the signer is accepted with current root and intermediate CRLs" \
	"keel test signer" "$crls" "$TMP/signer.ksp"
accepted "the EC signer is accepted with current CRLs" "keel test EC signer" \
	"$crls" "$TMP/ecsigner.ksp"
# A CA that publishes no CRL is tolerated (policy in installer/trust.c).
root_only=$TMP/root-only
root_with_crls "$root_only" "$PKI/root.crl.pem"
accepted "a CA without a CRL in crl.d is tolerated" "keel test signer" \
	"$root_only" "$TMP/signer.ksp"

# Bad signers: each refused with the reason named.
refused "an expired signer is refused" \
	"signer's certificate CN=keel test expired signer,O=keel test expired on 2021-01-01 00:00:00 UTC" \
	"$plain" "$TMP/expired.ksp"
refused "a not-yet-valid signer is refused" \
	"CN=keel test future signer,O=keel test is not yet valid \(valid from 2099-01-01" \
	"$plain" "$TMP/notyet.ksp"
refused "a signer whose EKU is emailProtection only is refused" \
	"CN=keel test e-mail signer,O=keel test is not authorized for code signing" \
	"$plain" "$TMP/noeku.ksp"
refused "a signer without an EKU extension is refused" \
	"CN=keel test signer without EKU,O=keel test is not authorized for code signing" \
	"$plain" "$TMP/noext.ksp"
refused "a revoked signer is refused when its CA's CRL lists it" \
	"CN=keel test revoked signer,O=keel test was revoked by its issuer CN=keel test intermediate CA" \
	"$crls" "$TMP/revoked.ksp"

stale=$TMP/stale
root_with_crls "$stale" "$PKI/stale.crl.pem" "$PKI/root.crl.pem"
refused "an expired CRL in crl.d refuses even a good signer" \
	"revocation list of CN=keel test intermediate CA,O=keel test has expired" \
	"$stale" "$TMP/signer.ksp"

# flip_byte FILE OFFSET: inverts one byte in place.
flip_byte() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059 # the octal escape is the point
	printf "$(printf '\\%03o' $((_b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
badcrl=$TMP/badcrl
make_root "$badcrl"
"$OPENSSL" crl -in "$PKI/inter.crl.pem" -outform DER -out "$TMP/crl.der"
flip_byte "$TMP/crl.der" $(($(wc -c <"$TMP/crl.der") - 5))
"$OPENSSL" crl -inform DER -in "$TMP/crl.der" -out "$badcrl/etc/keel/crl.d/inter.pem"
refused "a CRL whose signature does not verify is refused" \
	"revocation list of CN=keel test intermediate CA,O=keel test is not valid" \
	"$badcrl" "$TMP/signer.ksp"

refused "a signer under an untrusted root is refused" \
	"CN=other test signer,O=other test is not issued by a trusted authority \(trust store: $plain/etc/keel/trust.d\)" \
	"$plain" "$TMP/untrusted.ksp"

empty=$TMP/empty
mkdir -p "$empty/etc/keel/trust.d"
refused "an empty trust store refuses and says where a root belongs" \
	"no trusted signing certificates in $empty/etc/keel/trust.d: install your vendor's root certificate there" \
	"$empty" "$TMP/signer.ksp"

refused "--keyring other-root.pem refuses the normal signer" \
	"not issued by a trusted authority \(trust store: $PKI/other-root.pem\)" \
	"$empty" "$TMP/signer.ksp" --keyring "$PKI/other-root.pem"
accepted "--keyring root.pem accepts it" "keel test signer" \
	"$empty" "$TMP/signer.ksp" --keyring "$PKI/root.pem"

garbled=$TMP/garbled
make_root "$garbled"
head -c 400 "$PKI/other-root.pem" >"$garbled/etc/keel/trust.d/vendor.pem"
refused "a garbled PEM file in trust.d is named" \
	"$garbled/etc/keel/trust.d/vendor.pem does not hold valid PEM certificates" \
	"$garbled" "$TMP/signer.ksp"

# A CA's key signs certificates; one that signs packs is refused (its
# chain is valid: it is issued by the trusted root itself).
refused "a signer that is itself a CA (CA:TRUE, codeSigning) is refused" \
	"CN=keel test CA signer,O=keel test is a certificate authority" \
	"$plain" "$TMP/casigner.ksp"

# A revocation list over a digest keel refuses for signatures.
sha1=$TMP/sha1
root_with_crls "$sha1" "$PKI/sha1.crl.pem" "$PKI/root.crl.pem"
refused "a CRL signed over SHA-1 is refused, naming the file" \
	"the revocation list $sha1/etc/keel/crl.d/sha1.crl.pem is signed with sha1WithRSAEncryption" \
	"$sha1" "$TMP/signer.ksp"

# Files in crl.d that keel does not read: a CRL under another name is
# refused (its revocations would be lost), anything else warned about.
der=$TMP/der
make_root "$der"
"$OPENSSL" crl -in "$PKI/inter.crl.pem" -outform DER -out "$der/etc/keel/crl.d/inter.der"
refused "a DER CRL (*.der) in crl.d is refused, not ignored" \
	"$der/etc/keel/crl.d/inter.der looks like a revocation list, but keel reads only PEM files" \
	"$der" "$TMP/revoked.ksp"
hashed=$TMP/hashed
make_root "$hashed"
cp "$PKI/inter.crl.pem" "$hashed/etc/keel/crl.d/0a1b2c3d.r0"
refused "a CRL under its OpenSSL hash name (HASH.r0) is refused, not ignored" \
	"$hashed/etc/keel/crl.d/0a1b2c3d.r0 looks like a revocation list" \
	"$hashed" "$TMP/revoked.ksp"

upper=$TMP/upper
make_root "$upper"
cp "$PKI/inter.crl.pem" "$upper/etc/keel/crl.d/INTER.CRL"
refused "a CRL whose suffix differs in case (*.CRL) is refused, not ignored" \
	"$upper/etc/keel/crl.d/INTER.CRL looks like a revocation list" \
	"$upper" "$TMP/revoked.ksp"
# Named like a CRL but not a regular file: refused at once (a FIFO must
# not make keel wait for a writer).
fifo=$TMP/fifo
make_root "$fifo"
mkfifo "$fifo/etc/keel/crl.d/inter.crl"
refused "a FIFO named *.crl in crl.d is refused without blocking" \
	"$fifo/etc/keel/crl.d/inter.crl is not a regular file" \
	"$fifo" "$TMP/signer.ksp"
subdir=$TMP/subdir
make_root "$subdir"
mkdir "$subdir/etc/keel/trust.d/extra.pem"
refused "a directory named *.pem in trust.d is refused" \
	"$subdir/etc/keel/trust.d/extra.pem is not a regular file" \
	"$subdir" "$TMP/signer.ksp"

# warned DESC PATTERN: the last command's stderr has the warning.
warned() {
	grep -Eq -- "$2" "$TMP/err"
	ok $? "$1"
	grep -Eq -- "$2" "$TMP/err" || diag "stderr:" "$(cat "$TMP/err")"
}
stray=$TMP/stray
root_with_crls "$stray" "$PKI/inter.crl.pem"
printf 'CRLs from the vendor go here\n' >"$stray/etc/keel/crl.d/README"
mkdir "$stray/etc/keel/crl.d/old"
cp "$PKI/inter.crl.pem" "$stray/etc/keel/crl.d/.hidden.crl"
cp "$PKI/other-root.pem" "$stray/etc/keel/trust.d/vendor.crt"
accepted "stray files in crl.d and trust.d do not stop a good signer" \
	"keel test signer" "$stray" "$TMP/signer.ksp"
warned "a README in crl.d is reported on stderr" \
	"^keel: warning: $stray/etc/keel/crl.d/README is not read: keel reads revocation lists only from PEM files named \\*.pem or \\*.crl"
warned "a subdirectory of crl.d is reported on stderr" \
	"^keel: warning: $stray/etc/keel/crl.d/old is not read"
warned "a hidden file in crl.d is reported on stderr" \
	"^keel: warning: $stray/etc/keel/crl.d/.hidden.crl is not read"
warned "a *.crt in trust.d is reported on stderr" \
	"^keel: warning: $stray/etc/keel/trust.d/vendor.crt is not read: keel reads trusted certificates only from PEM files named \*.pem"
refused "the CRL next to the stray files is still applied" \
	"CN=keel test revoked signer,O=keel test was revoked" \
	"$stray" "$TMP/revoked.ksp"

# trust.d and crl.d are resolved inside the target, as its own system
# would at boot: an absolute link there means the path inside the image,
# never the file of that name on this machine (made different here).
host=$TMP/host-side
linked=$TMP/linked
make_root "$linked"
mkdir -p "$host/crls" "$linked$host/crls"
cp "$PKI/inter.crl.pem" "$linked$host/crls/inter.crl"
rmdir "$linked/etc/keel/crl.d"
ln -s "$host/crls" "$linked/etc/keel/crl.d"
refused "a crl.d linked to an absolute path reads that path inside the target" \
	"CN=keel test revoked signer,O=keel test was revoked" \
	"$linked" "$TMP/revoked.ksp"
rm -r "$linked$host/crls"
cp "$PKI/inter.crl.pem" "$host/crls/inter.crl"
refused "a crl.d that leads nowhere inside the target is refused, not skipped" \
	"$linked/etc/keel/crl.d is a symbolic link that leads nowhere inside $linked" \
	"$linked" "$TMP/signer.ksp"
ctrust=$TMP/ctrust
make_root "$ctrust"
mkdir -p "$host/certs" "$ctrust/usr/share/vendor"
mv "$ctrust/etc/keel/trust.d/test-root.pem" "$ctrust/usr/share/vendor/root.pem"
ln -s /usr/share/vendor/root.pem "$ctrust/etc/keel/trust.d/vendor.pem"
accepted "a trusted certificate linked to a file inside the target is read" \
	"keel test signer" "$ctrust" "$TMP/signer.ksp"
cp "$PKI/root.pem" "$host/certs/root.pem"
rm "$ctrust/etc/keel/trust.d/vendor.pem"
ln -s "$host/certs/root.pem" "$ctrust/etc/keel/trust.d/vendor.pem"
refused "a trusted certificate linked to this machine's file is not trusted" \
	"cannot read the trust file $ctrust/etc/keel/trust.d/vendor.pem" \
	"$ctrust" "$TMP/signer.ksp"
rm "$ctrust/etc/keel/trust.d/vendor.pem"
mkfifo "$ctrust/usr/share/vendor/fifo"
ln -s /usr/share/vendor/fifo "$ctrust/etc/keel/trust.d/vendor.pem"
refused "a trust file linked to a FIFO is refused without blocking" \
	"$ctrust/etc/keel/trust.d/vendor.pem is not a regular file" \
	"$ctrust" "$TMP/signer.ksp"

done_testing
