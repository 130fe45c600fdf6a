#!/bin/sh
# openssl_interop.sh: the real openssl CLI accepts keel-pack's signatures,
# and keel verify accepts packs signed with `openssl cms -sign`.
. "$top_srcdir/tests/lib.sh"
need_pki
make_root "$TMP/root"

mkdir -p "$TMP/src"
printf 'interop test\n' >"$TMP/src/README"
cat >"$TMP/t.json" <<JSON
{ "format": 1, "name": "interop", "version": "1.0.0", "level": 1,
  "requires": { "arch": "x86_64" },
  "files": [ { "path": "usr/share/doc/interop/README", "source": "README",
               "mode": "0644", "role": "doc" } ] }
JSON
payload=usr/share/doc/interop/README

build() {  # build SIGNER OUT
	run "$KEEL_PACK" --manifest "$TMP/t.json" --from "$TMP/src" \
		--key "$PKI/$1.key" --cert "$PKI/$1.pem" --chain "$PKI/chain.pem" \
		--out "$2"
	ok $rc "keel-pack builds a pack signed by $1"
}

# The openssl CLI verifies for the S/MIME signing purpose unless told
# otherwise, and a code-signing certificate is not an S/MIME one. With
# -purpose any it still checks the signature, chain and validity, which is
# what keel does too (keel then requires codeSigning itself).
cms_verify() {  # cms_verify P7S CONTENT
	"$OPENSSL" cms -verify -binary -inform DER -in "$1" -content "$2" \
		-CAfile "$PKI/root.pem" -purpose any -out /dev/null 2>"$TMP/cms.err"
}

for signer in signer ecsigner; do
	build $signer "$TMP/$signer.ksp"
	rm -rf "$TMP/x" && mkdir "$TMP/x"
	tar -xzf "$TMP/$signer.ksp" -C "$TMP/x" MANIFEST.json MANIFEST.json.p7s
	ok $? "GNU tar extracts MANIFEST.json and MANIFEST.json.p7s ($signer)"
	cms_verify "$TMP/x/MANIFEST.json.p7s" "$TMP/x/MANIFEST.json"
	st=$?
	ok $st "openssl cms -verify accepts keel-pack's signature ($signer)"
	[ $st -eq 0 ] || diag "$(cat "$TMP/cms.err")"
done

# The check above can fail: openssl refuses the same signature over a
# manifest changed by one byte, for the content (after the chain checked
# out), not for a missing file or an untrusted certificate.
sed 's/"level": 1/"level": 2/' "$TMP/x/MANIFEST.json" >"$TMP/changed.json"
! cmp -s "$TMP/x/MANIFEST.json" "$TMP/changed.json" &&
	! cms_verify "$TMP/x/MANIFEST.json.p7s" "$TMP/changed.json" &&
	grep -q 'content verify error' "$TMP/cms.err"
st=$?
ok $st "openssl cms -verify refuses keel-pack's signature over another manifest"
[ $st -eq 0 ] || diag "$(cat "$TMP/cms.err")"

# repack P7S OUT: the RSA signer's pack again, with P7S as its signature,
# written by GNU tar and gzip rather than by keel.
repack() {
	rm -rf "$TMP/re" && mkdir "$TMP/re"
	tar -xzf "$TMP/signer.ksp" -C "$TMP/re"
	cp "$1" "$TMP/re/MANIFEST.json.p7s"
	(cd "$TMP/re" && tar --format=pax --owner=0 --group=0 --numeric-owner \
		-cf - MANIFEST.json MANIFEST.json.p7s "$payload" | gzip -n) >"$2"
}

manifest=$TMP/m/MANIFEST.json
mkdir "$TMP/m"
tar -xzf "$TMP/signer.ksp" -C "$TMP/m" MANIFEST.json

# cms_sign NAME SIGNER CONTENT [openssl options]: $TMP/NAME.p7s
cms_sign() {
	_name=$1 _who=$2 _in=$3; shift 3
	"$OPENSSL" cms -sign -binary -outform DER -in "$_in" \
		-signer "$PKI/$_who.pem" -inkey "$PKI/$_who.key" \
		-certfile "$PKI/chain.pem" -md sha256 "$@" \
		-out "$TMP/$_name.p7s" 2>"$TMP/cms.err" ||
		diag "openssl cms -sign failed: $(cat "$TMP/cms.err")"
}

accepts() {  # accepts NAME SIGNER-CN DESCRIPTION
	repack "$TMP/$1.p7s" "$TMP/$1.ksp"
	run "$KEEL" verify --root "$TMP/root" "$TMP/$1.ksp"
	if [ $rc -eq 0 ] && grep -q "verified: interop 1.0.0" "$TMP/out" &&
	   grep -q "^signed by CN=$2," "$TMP/out"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "exit $rc; stdout: $(cat "$TMP/out")" "stderr: $(cat "$TMP/err")"
	fi
}

cms_sign attrs signer "$manifest"
accepts attrs "keel test signer" \
	"keel verify accepts openssl cms -sign (signed attributes)"
cms_sign noattr signer "$manifest" -noattr
accepts noattr "keel test signer" "keel verify accepts openssl cms -sign -noattr"
cms_sign ec ecsigner "$manifest"
accepts ec "keel test EC signer" \
	"keel verify accepts openssl cms -sign with an EC P-256 key"
cms_sign ecnoattr ecsigner "$manifest" -noattr
accepts ecnoattr "keel test EC signer" \
	"keel verify accepts openssl cms -sign -noattr with an EC P-256 key"

# The repacking itself is not what makes keel accept: keel-pack's own
# signature survives it too.
tar -xzf "$TMP/signer.ksp" -C "$TMP/m" MANIFEST.json.p7s
cp "$TMP/m/MANIFEST.json.p7s" "$TMP/own.p7s"
accepts own "keel test signer" "keel verify accepts a pack repacked by GNU tar"

# A valid openssl signature, but over a different manifest.
sed 's/"version": "1.0.0"/"version": "1.0.1"/' "$manifest" >"$TMP/other.json"
cms_sign other signer "$TMP/other.json"
repack "$TMP/other.p7s" "$TMP/other.ksp"
before=$(tree_sum "$TMP/root")
expect_fail 4 "signature does not match the manifest" \
	"keel verify refuses an openssl signature over another manifest" \
	"$KEEL" verify --root "$TMP/root" "$TMP/other.ksp"
[ "$(tree_sum "$TMP/root")" = "$before" ]
ok $? "the refused pack changed nothing in the target root"

# An openssl signature that embeds the manifest instead of being detached.
cms_sign attached signer "$manifest" -nodetach
repack "$TMP/attached.p7s" "$TMP/attached.ksp"
expect_fail 4 "carries content of its own" \
	"keel verify refuses a signature that is not detached" \
	"$KEEL" verify --root "$TMP/root" "$TMP/attached.ksp"

done_testing
