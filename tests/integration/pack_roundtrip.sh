#!/bin/sh
# pack_roundtrip.sh: keel-pack builds a pack that keel verify and keel info
# accept, with the right layout, digests, owner and time stamps.
. "$top_srcdir/tests/lib.sh"
need_pki
make_root "$TMP/root"

src=$TMP/src
mkdir -p "$src/boot" "$src/usr/share/doc/demo" "$src/content"
printf 'hypervisor image\n' >"$src/boot/hv.bin"
printf '#!/bin/sh\necho tool\n' >"$src/content/tool.sh"
head -c 100000 /dev/urandom >"$src/usr/share/doc/demo/blob"
cat >"$TMP/demo.json" <<JSON
{
  "format": 1, "name": "demo", "version": "1.2.3", "level": 2,
  "description": "round trip",
  "supersedes": ["1.2.2"],
  "requires": { "arch": "x86_64", "cpu": ["amd-v"], "min_keel": "0.1.0" },
  "boot": { "hypervisor": "boot/keel/hv-1.2.3", "options": "serial=0x3f8" },
  "files": [
    { "path": "boot/keel/hv-1.2.3", "source": "boot/hv.bin", "mode": "0644", "role": "hypervisor" },
    { "path": "usr/sbin/demo-tool", "source": "content/tool.sh", "mode": "0755", "role": "tool" },
    { "path": "usr/share/doc/demo/blob", "mode": "0600", "role": "doc" }
  ]
}
JSON
pack=$TMP/packs/demo-1.2.3.ksp
mkdir -p "$TMP/packs"
run "$KEEL_PACK" --manifest "$TMP/demo.json" --from "$src" \
	--key "$PKI/signer.key" --cert "$PKI/signer.pem" --chain "$PKI/chain.pem" \
	--out "$pack"
ok $rc "keel-pack builds a pack"
[ "$(ls "$TMP/packs")" = "demo-1.2.3.ksp" ]
ok $? "keel-pack leaves only the pack behind (no temporary file)"

run "$KEEL" verify --root "$TMP/root" "$pack"
ok $rc "keel verify accepts it"
grep -q "verified: demo 1.2.3 (service-pack level 2), 3 files, 100037 bytes" "$TMP/out"
ok $? "keel verify names the pack, its level, files and bytes"
grep -q "^signed by .*CN=" "$TMP/out"
ok $? "keel verify names the signer"

run "$KEEL" verify --json --root "$TMP/root" "$pack"
[ $rc -eq 0 ] && grep -Eq '"verified": ?true' "$TMP/out" &&
	grep -Eq '"level": ?2' "$TMP/out"
ok $? "keel verify --json reports verified, level"

# The digests keel reports must be those of the real file contents.
run "$KEEL" info --root "$TMP/root" "$pack"
ok $rc "keel info accepts it"
all=0
for f in boot/hv.bin content/tool.sh usr/share/doc/demo/blob; do
	sum=$(sha256sum "$src/$f" | cut -d' ' -f1)
	grep -q "sha256 $sum" "$TMP/out" || all=1
done
ok $all "keel info shows each file's true SHA-256"
grep -q "0755  tool" "$TMP/out" && grep -q "usr/share/doc/demo/blob" "$TMP/out" &&
	grep -q "serial=0x3f8" "$TMP/out" && grep -q "1.2.2" "$TMP/out"
ok $? "keel info shows modes, roles, paths, boot options, supersedes"

run "$KEEL" info --json --root "$TMP/root" "$pack"
sum=$(sha256sum "$src/content/tool.sh" | cut -d' ' -f1)
[ $rc -eq 0 ] && grep -q "\"$sum\"" "$TMP/out" && grep -q '"subject"' "$TMP/out"
ok $? "keel info --json carries digests and the signer"

# The container itself, read by GNU tar: order, owner, time, contents.
tar -tzf "$pack" >"$TMP/list"
printf '%s\n' MANIFEST.json MANIFEST.json.p7s boot/keel/hv-1.2.3 \
	usr/sbin/demo-tool usr/share/doc/demo/blob | cmp -s - "$TMP/list"
ok $? "entries are MANIFEST.json, MANIFEST.json.p7s, then files in manifest order"
tar --numeric-owner -tvzf "$pack" | awk '{print $2}' | sort -u >"$TMP/owners"
[ "$(cat "$TMP/owners")" = "0/0" ]
ok $? "every entry is owned by 0/0"
tar -tvzf "$pack" | grep -c ' 2023-11-14 22:13 ' >"$TMP/n"
[ "$(cat "$TMP/n")" -eq 5 ]
ok $? "every entry has the SOURCE_DATE_EPOCH time stamp"
mkdir "$TMP/x"
tar -xzf "$pack" -C "$TMP/x"
cmp -s "$TMP/x/boot/keel/hv-1.2.3" "$src/boot/hv.bin" &&
	cmp -s "$TMP/x/usr/share/doc/demo/blob" "$src/usr/share/doc/demo/blob"
ok $? "payload entries hold the source bytes"
grep -q '"build_time": "2023-11-14T22:13:20Z"' "$TMP/x/MANIFEST.json"
ok $? "build_time comes from SOURCE_DATE_EPOCH"
[ -s "$TMP/x/MANIFEST.json" ] && ! grep -q '"source"' "$TMP/x/MANIFEST.json"
ok $? "the template-only \"source\" key is not in the signed manifest"
[ "$(stat -c %a "$TMP/x/usr/sbin/demo-tool")" = 755 ]
ok $? "entry modes come from the manifest"

# keel-pack refuses what it cannot build, and leaves nothing.
rm -f "$pack"
expect_fail 1 "no-such-file" "keel-pack names a missing content file" \
	"$KEEL_PACK" --manifest "$TMP/demo.json" --from "$TMP/no-such-file" \
	--key "$PKI/signer.key" --cert "$PKI/signer.pem" --out "$pack"
[ -z "$(ls "$TMP/packs")" ]
ok $? "a failed keel-pack leaves no file"
sed 's/"mode": "0600"/"size": 3, "mode": "0600"/' "$TMP/demo.json" >"$TMP/sized.json"
expect_fail 3 "size" "keel-pack refuses a template that sets size" \
	"$KEEL_PACK" --manifest "$TMP/sized.json" --from "$src" \
	--key "$PKI/signer.key" --cert "$PKI/signer.pem" --out "$pack"
# A template's files default to the template's own directory.
cp "$TMP/demo.json" "$src/demo.json"
run "$KEEL_PACK" --manifest "$src/demo.json" \
	--key "$PKI/signer.key" --cert "$PKI/signer.pem" --chain "$PKI/chain.pem" \
	--out "$pack"
ok $rc "without --from, contents are found next to the template"

done_testing
