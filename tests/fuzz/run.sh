#!/bin/sh
# tests/fuzz/run.sh: runs each libFuzzer target for FUZZ_SECONDS (default
# 60) on a seed corpus made from the test PKI; fails on any crash or leak.
set -u
top_builddir=${top_builddir:-$(pwd)}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
seconds=${FUZZ_SECONDS:-60}
work=$top_builddir/tests/fuzz/work
pki=$top_builddir/tests/pki/out
rm -rf "$work"
mkdir -p "$work/root/etc/keel/trust.d" "$work/manifest" "$work/pack" "$work/src"
"$top_srcdir/tests/pki/make-pki.sh" "$pki" || exit 1
cp "$pki/root.pem" "$work/root/etc/keel/trust.d/"

# Seeds: our manifest template, and small packs signed by the test PKI.
cp "$top_srcdir/manifests/keel-1.0.json" "$work/manifest/template.json"
printf 'payload one\n' >"$work/src/one"
head -c 3000 /dev/urandom >"$work/src/two"
: >"$work/src/empty"
cat >"$work/t.json" <<JSON
{ "format": 1, "name": "seed", "version": "1.0.0-rc.1", "level": 1,
  "supersedes": ["0.9.0"], "requires": { "arch": "x86_64", "cpu": ["amd-v"] },
  "boot": { "hypervisor": "boot/keel/hv", "options": "serial=0x3f8" },
  "files": [ { "path": "boot/keel/hv", "source": "one", "mode": "0644", "role": "hypervisor" },
             { "path": "usr/share/seed/two", "source": "two", "mode": "0600", "role": "data" },
             { "path": "etc/seed/empty", "source": "empty", "mode": "0644", "role": "config" } ] }
JSON
SOURCE_DATE_EPOCH=1700000000 "$top_builddir/keel-pack" --manifest "$work/t.json" \
	--from "$work/src" --key "$pki/signer.key" --cert "$pki/signer.pem" \
	--chain "$pki/chain.pem" --out "$work/pack/seed.ksp" || exit 1
head -c 2000 "$work/pack/seed.ksp" >"$work/pack/truncated.ksp"
(cd "$work" && tar -xzf pack/seed.ksp MANIFEST.json && mv MANIFEST.json manifest/signed.json)

status=0
fuzz() {  # fuzz TARGET CORPUS
	log=$work/$1.log
	if KEEL_FUZZ_ROOT=$work/root "$top_builddir/tests/fuzz/$1" \
		-max_total_time="$seconds" -rss_limit_mb=2048 -detect_leaks=1 \
		-artifact_prefix="$work/$1-" -print_final_stats=1 "$2" >"$log" 2>&1; then
		echo "fuzz: $1: no crash or leak in $seconds s ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs)"
	else
		echo "fuzz: $1: FAILED; the input is in $work/$1-*"
		tail -40 "$log"
		status=1
	fi
}
fuzz fuzz_manifest "$work/manifest"
fuzz fuzz_pack "$work/pack"
exit $status
