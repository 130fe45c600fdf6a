#!/bin/bash
# tools/demo.sh: the main job for a newcomer: build keel, make a test-signed
# service pack from manifests/, verify it and show what it holds; then apply
# one with keel-hv to a server disk image, boot it under QEMU through GRUB,
# commit, reboot, and show the root session's keel hv info.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/setup.sh" _build
build=$top/_build
demo=$build/demo
rm -rf "$demo"
mkdir -p "$demo"

step() { printf '\n=== %s\n' "$*"; }

step "A test PKI (root CA -> intermediate -> code-signing certificate)"
"$top/tests/pki/make-pki.sh" "$build/tests/pki/out"
pki=$build/tests/pki/out
ls "$pki"/root.pem "$pki"/chain.pem "$pki"/signer.pem

step "keel-pack: a signed service pack from manifests/keel-1.0.json"
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$top/manifests/keel-1.0.json" | head -1)
pack=$demo/keel-$version.ksp
# Its files: keel-hv from the build tree, the documents from the sources.
"$top/tools/pack_from.sh" "$top/manifests/keel-1.0.json" "$top" "$build" "$demo/from"
"$build/keel-pack" --manifest "$top/manifests/keel-1.0.json" --from "$demo/from" \
	--key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/chain.pem" \
	--out "$pack"
ls -l "$pack"

step "A target directory whose trust store holds the test root CA"
target=$demo/target
mkdir -p "$target/etc/keel/trust.d" "$target/etc/keel/crl.d"
cp "$pki/root.pem" "$target/etc/keel/trust.d/keel-test-root.pem"
echo "$target/etc/keel/trust.d/keel-test-root.pem"

step "keel verify --root $target $pack"
"$build/keel" verify --root "$target" "$pack"

step "keel info --root $target $pack"
"$build/keel" info --root "$target" "$pack"

step "A pack altered after signing is refused"
cp "$pack" "$demo/tampered.ksp"
size=$(stat -c %s "$demo/tampered.ksp")
printf '\377' | dd of="$demo/tampered.ksp" bs=1 seek=$((size / 2)) conv=notrunc status=none
if "$build/keel" verify --root "$target" "$demo/tampered.ksp"; then
	echo "demo: the tampered pack was accepted" >&2
	exit 1
else
	echo "(refused with exit code $?, as it must be)"
fi

step "A server image: keel applied offline, trial boot, commit, reboot (QEMU, AMD-V under TCG)"
LC_PACK=$pack "$top/tools/demo_boot.sh" "$build"
