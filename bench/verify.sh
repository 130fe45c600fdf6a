#!/bin/sh
# bench/verify.sh: times keel verify on an incompressible and a compressible
# pack next to openssl dgst and gzip -dc | sha256sum; never fails on time.
#
# Run from the build tree (make bench-verify). Environment:
#   BENCH_MIB   payload MiB per pack (default 1024; 64 for a quick run)
#   BENCH_RUNS  runs per measurement, the median is reported (default 3)
#   BENCH_DIR   work directory (default $top_builddir/bench/work)
#   BENCH_KEEP  1 keeps the packs and payloads after the run
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${OPENSSL:=openssl}"
: "${BENCH_MIB:=1024}"
: "${BENCH_RUNS:=3}"
: "${BENCH_DIR:=$top_builddir/bench/work}"
: "${BENCH_KEEP:=0}"
export LC_ALL=C LANGUAGE=
export SOURCE_DATE_EPOCH=1700000000

KEEL="$top_builddir/keel"
KEEL_PACK="$top_builddir/keel-pack"
PEAK="$top_builddir/bench/peak_rss"
PKI="$top_builddir/tests/pki/out"
PART_MIB=256	# one payload file; a file is limited to 2 GiB

BENCH_NAME=bench/verify
. "$top_srcdir/bench/lib.sh"

check_setup() {
	case $BENCH_MIB in
	'' | *[!0-9]* | 0) die "BENCH_MIB must be a positive number of MiB, not '$BENCH_MIB'." ;;
	esac
	case $BENCH_RUNS in
	'' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive number, not '$BENCH_RUNS'." ;;
	esac
	for prog in "$KEEL" "$KEEL_PACK" "$PEAK"; do
		[ -x "$prog" ] || die "$prog is missing; run make (or make bench-verify) in the build tree first."
	done
	for prog in "$OPENSSL" gzip sha256sum split seq; do
		command -v "$prog" >/dev/null 2>&1 || die "$prog is not installed."
	done
}

# The disk space the run needs: each pack is measured and then removed
# (unless kept), so at most one payload and its pack exist at a time.
check_space() {
	if [ "$BENCH_KEEP" = 1 ]; then
		need=$((BENCH_MIB * 3 + 64))
	else
		need=$((BENCH_MIB * 2 + 64))
	fi
	need_space "$need" BENCH_MIB
}

make_pki_and_root() {
	make_pki
	ROOT="$RUN/root"
	mkdir -p "$ROOT/etc/keel/trust.d"
	cp "$PKI/root.pem" "$ROOT/etc/keel/trust.d/root.pem"
}

# payload KIND DIR: writes BENCH_MIB MiB of KIND data to DIR/part-NN.
# The compressible data is numbered text lines, about 10:1 under gzip.
payload() {
	bytes=$((BENCH_MIB * 1048576))
	mkdir -p "$2"
	case $1 in
	incompressible) head -c "$bytes" /dev/urandom ;;
	compressible) seq -f 'keel benchmark line %.0f' 1 1000000000000 |
		head -c "$bytes" ;;
	esac | split -b $((PART_MIB * 1048576)) -d -a 2 - "$2/part-"
	got=$(cat "$2"/part-* | wc -c)
	[ "$got" -eq "$bytes" ] || die "wrote $got payload bytes to $2, expected $bytes."
}

# template KIND SRC: the keel-pack template listing every part file.
template() {
	printf '{\n  "format": 1,\n  "name": "bench-%s",\n' "$1"
	printf '  "version": "1.0.0",\n  "level": 1,\n'
	printf '  "description": "keel verify benchmark: %s MiB of %s data",\n' \
		"$BENCH_MIB" "$1"
	printf '  "requires": { "arch": "x86_64" },\n  "files": [\n'
	sep=''
	for f in "$2"/part-*; do
		f=${f##*/}
		printf '%s    { "path": "usr/share/keel-bench/%s", "source": "%s",' \
			"$sep" "$f" "$f"
		printf ' "mode": "0644", "role": "data" }'
		sep=',
'
	done
	printf '\n  ]\n}\n'
}

# measure CMD...: measure_into $RUN/samples.
measure() {
	measure_into "$RUN/samples" "$@"
}

# row PACK SIZE TOOL: turns $RUN/samples into a table row: the median
# seconds and the largest peak RSS of the runs.
row() {
	n=$(wc -l <"$RUN/samples")
	[ "$n" -gt 0 ] || die "peak_rss printed no figures for $3."
	secs=$(sort -n "$RUN/samples" | sed -n "$(((n + 1) / 2))p" | cut -d' ' -f1)
	kib=$(sort -n -k2 "$RUN/samples" | tail -n 1 | cut -d' ' -f2)
	rm -f "$RUN/samples"
	awk -v p="$1" -v s="$2" -v t="$3" -v secs="$secs" -v kib="$kib" \
		-v mib="$BENCH_MIB" 'BEGIN {
		rate = secs > 0 ? sprintf("%.1f", mib / secs) : "-"
		printf "%-15s %10s  %-26s %8.3f %9s %9.1f\n",
			p, s, t, secs, rate, kib / 1024
	}' >>"$RUN/table"
}

# repeat N CMD...: measure CMD N times.
repeat() {
	i=$1
	shift
	while [ "$i" -gt 0 ]; do
		measure "$@"
		i=$((i - 1))
	done
}

bench_pack() {
	kind=$1
	dir="$RUN/$kind"
	pack="$dir/bench-$kind.ksp"
	echo "# $kind: writing $BENCH_MIB MiB of payload"
	payload "$kind" "$dir/src"
	template "$kind" "$dir/src" >"$dir/template.json"

	echo "# $kind: building the pack with keel-pack"
	measure "$KEEL_PACK" --manifest "$dir/template.json" \
		--key "$PKI/signer.key" --cert "$PKI/signer.pem" \
		--chain "$PKI/chain.pem" --from "$dir/src" --out "$pack"
	size=$(awk -v b="$(wc -c <"$pack")" 'BEGIN { printf "%.1f MiB", b / 1048576 }')
	row "$kind" "$size" "keel-pack (build, 1 run)"

	echo "# $kind: timing keel verify, openssl dgst, gzip -dc | sha256sum"
	repeat "$BENCH_RUNS" "$KEEL" verify --root "$ROOT" "$pack"
	sed 's/^/# /' "$RUN/out"
	row "$kind" "$size" "keel verify"
	repeat "$BENCH_RUNS" "$OPENSSL" dgst -sha256 "$dir/src"/part-*
	row "$kind" "$size" "openssl dgst -sha256"
	# A plain pipeline would hide a failing gzip; its status goes via a file.
	# shellcheck disable=SC2016 # expanded by the inner sh
	repeat "$BENCH_RUNS" sh -c '{ gzip -dc -- "$1"; echo $? >"$2"; } |
		sha256sum >/dev/null && [ "$(cat "$2")" -eq 0 ]' \
		sh "$pack" "$RUN/gzip.status"
	row "$kind" "$size" "gzip -dc | sha256sum"

	[ "$BENCH_KEEP" = 1 ] || rm -rf "$dir"
}

print_table() {
	echo
	echo "keel verify benchmark: $BENCH_MIB MiB payload per pack," \
		"median of $BENCH_RUNS runs (build: 1 run), warm page cache"
	echo "MiB/s counts payload bytes; peak RSS is the largest of the runs" \
		"(for a pipeline: its largest process)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)," \
		"$($OPENSSL version)"
	printf '%-15s %10s  %-26s %8s %9s %9s\n' pack 'on disk' tool \
		seconds MiB/s 'RSS MiB'
	cat "$RUN/table"
}

check_setup
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$BENCH_DIR"
check_space
RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
make_pki_and_root
: >"$RUN/table"
bench_pack incompressible
bench_pack compressible
print_table
[ "$BENCH_KEEP" != 1 ] || echo "kept: $RUN"
