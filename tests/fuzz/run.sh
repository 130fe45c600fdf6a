#!/bin/sh
# tests/fuzz/run.sh: runs each libFuzzer target for FUZZ_SECONDS (default
# 60) on a seed corpus made from the test PKI; fails on any crash or leak.
set -u
top_builddir=${top_builddir:-$(pwd)}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
seconds=${FUZZ_SECONDS:-60}
work=$top_builddir/tests/fuzz/work
pki=$top_builddir/tests/pki/out
keel_pack=$top_builddir/keel-pack

die() { echo "fuzz: $*" >&2; exit 1; }

for t in fuzz_manifest fuzz_pack; do
	[ -x "$top_builddir/tests/fuzz/$t" ] ||
		die "$top_builddir/tests/fuzz/$t is missing: configure with --enable-fuzzing CC=clang"
done
[ -x "$keel_pack" ] || die "$keel_pack is missing: run make first"
rm -rf "$work"
mkdir -p "$work/root/etc/keel/trust.d" "$work/manifest" "$work/pack" "$work/src"
"$top_srcdir/tests/pki/make-pki.sh" "$pki" || die "cannot make the test PKI"
cp "$pki/root.pem" "$work/root/etc/keel/trust.d/"

# --- seeds: small packs signed by the test PKI ------------------------------
printf 'payload one\n' >"$work/src/one"
head -c 3000 /dev/urandom >"$work/src/two"
: >"$work/src/empty"
cat >"$work/seed.json" <<JSON
{ "format": 1, "name": "seed", "version": "1.0.0-rc.1", "level": 1,
  "supersedes": ["0.9.0"], "requires": { "arch": "x86_64", "cpu": ["amd-v"] },
  "boot": { "hypervisor": "boot/keel/hv", "options": "serial=0x3f8" },
  "files": [ { "path": "boot/keel/hv", "source": "one", "mode": "0644", "role": "hypervisor" },
             { "path": "usr/share/seed/two", "source": "two", "mode": "0600", "role": "data" },
             { "path": "etc/seed/empty", "source": "empty", "mode": "0644", "role": "config" } ] }
JSON
# A path over 100 bytes: the writer puts it in a pax extended header.
long=usr/share/seed/$(printf '%090d' 0)/$(printf '%030d' 1)/long-name.txt
cat >"$work/long.json" <<JSON
{ "format": 1, "name": "long", "version": "2.0.0", "level": 7,
  "description": "a pax header", "requires": { "arch": "x86_64", "min_keel": "0.1.0" },
  "files": [ { "path": "$long", "source": "one", "mode": "0755", "role": "tool" } ] }
JSON

pack() {  # pack NAME TEMPLATE FROM: $work/pack/NAME.ksp and its manifest
	SOURCE_DATE_EPOCH=1700000000 "$keel_pack" --manifest "$2" --from "$3" \
		--key "$pki/signer.key" --cert "$pki/signer.pem" \
		--chain "$pki/chain.pem" --out "$work/pack/$1.ksp" ||
		die "keel-pack could not build the seed $1"
	tar -xzOf "$work/pack/$1.ksp" MANIFEST.json >"$work/manifest/$1.json" ||
		die "cannot take MANIFEST.json out of the seed $1"
}
pack seed "$work/seed.json" "$work/src"
pack long "$work/long.json" "$work/src"
# The shipped template names keel-hv, which lies in the build tree.
sh "$top_srcdir/tools/pack_from.sh" "$top_srcdir/manifests/keel-1.0.json" \
	"$top_srcdir" "$top_builddir" "$work/keel-src" ||
	die "cannot gather the files of manifests/keel-1.0.json"
pack keel "$top_srcdir/manifests/keel-1.0.json" "$work/keel-src"
head -c 2000 "$work/pack/seed.ksp" >"$work/pack/truncated.ksp"
cp "$top_srcdir/manifests/keel-1.0.json" "$work/manifest/template.json"
cp "$work/seed.json" "$work/manifest/seed-template.json"

# --- fuzzing ------------------------------------------------------------------
status=0
fuzz() {  # fuzz TARGET CORPUS
	log=$work/$1.log
	if KEEL_FUZZ_ROOT=$work/root "$top_builddir/tests/fuzz/$1" \
		-max_total_time="$seconds" -rss_limit_mb=2048 -detect_leaks=1 \
		-artifact_prefix="$work/$1-" -print_final_stats=1 "$2" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz: $1: no crash or leak in $seconds s (${runs:-?} runs, $(ls "$2" | wc -l) corpus files)"
	else
		echo "fuzz: $1: FAILED; the input is in $work/$1-*, the log in $log"
		tail -40 "$log"
		status=1
	fi
}
fuzz fuzz_manifest "$work/manifest"
fuzz fuzz_pack "$work/pack"
exit $status
