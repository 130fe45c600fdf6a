#!/bin/sh
# bench/apply.sh: times keel apply on packs of mixed file sizes next to the
# floor (bench/apply_floor) and dpkg -i of the same files; never fails on time.
#
# Run from the build tree (make bench-apply). Environment:
#   BENCH_SIZES  payload sizes in MiB, one pack each, or NNNf for a pack of
#                NNN small files (default "64 1024 4096f": 4096 is the most
#                files a pack may hold, which is what keel's memory grows with)
#   BENCH_RUNS   runs per measurement, the median is reported (default 3)
#   BENCH_DIR    work directory (default $top_builddir/bench/work)
#   BENCH_KEEP   1 keeps the payloads, packs and .debs after the run
#   DPKG, DPKG_DEB  the dpkg programs (default dpkg, dpkg-deb)
#
# The payload of a pack of S MiB (S MiB exactly; the same for every run,
# the sizes drawn from a generator seeded with S):
#   small   min(S/8, 96) MiB in files of 1-64 KiB, 64 to a directory
#           (96 MiB is about 3000 files; a pack holds at most 4096)
#   medium  3S/8 MiB in files of 1-8 MiB
#   large   the rest in files of up to 256 MiB
# A pack of NNNf: NNN files of 1-8 KiB, 64 to a directory.
# Every other small and medium file is /dev/urandom bytes (incompressible),
# the others numbered text lines (about 10:1 under gzip); each large file
# is half of each. So about half the bytes are incompressible.
#
# Each run, with a fresh target directory for each tool, measures in turn:
#   floor  bench/apply_floor PACK DIR: inflate, tar, SHA-256, write, fsync
#          each file as it is written, then each directory
#   floor, deferred sync: bench/apply_floor --deferred-sync: the same, but
#          like dpkg it only starts each file's write-back and fsyncs all
#          files at the end (in the details table, not the main one)
#   keel   keel apply --root ROOT --yes PACK, ROOT trusting the test root CA
#   dpkg   dpkg --root=ROOT -i DEB, ROOT holding an empty dpkg database
# all under bench/peak_rss. Before each timed command the pack (or .deb) is
# read once and sync is run: every tool starts with its input in the page
# cache and no dirty pages of earlier steps left to flush.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${BENCH_SIZES:=64 1024 4096f}"
: "${BENCH_RUNS:=3}"
: "${BENCH_DIR:=$top_builddir/bench/work}"
: "${BENCH_KEEP:=0}"
: "${DPKG:=dpkg}"
: "${DPKG_DEB:=dpkg-deb}"
export LC_ALL=C LANGUAGE=
export SOURCE_DATE_EPOCH=1700000000

KEEL="$top_builddir/keel"
KEEL_PACK="$top_builddir/keel-pack"
PEAK="$top_builddir/bench/peak_rss"
FLOOR="$top_builddir/bench/apply_floor"
PKI="$top_builddir/tests/pki/out"
PREFIX=opt/keel-bench	# where the payload goes below the target root
# keel-pack writes gzip through libarchive at zlib's default level, 6;
# the .deb gets the same compressor and level.
DEB_COMPRESS="-Zgzip -z6"

BENCH_NAME=bench/apply
. "$top_srcdir/bench/lib.sh"

check_setup() {
	case $BENCH_RUNS in
	'' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive number, not '$BENCH_RUNS'." ;;
	esac
	[ -n "$BENCH_SIZES" ] || die "BENCH_SIZES is empty; give sizes in MiB, e.g. \"64 1024\"."
	for s in $BENCH_SIZES; do
		case $s in
		*f)
			n=${s%f}
			case $n in
			'' | *[!0-9]* | 0) die "BENCH_SIZES: '$s' must be a number of files followed by f, like 4096f." ;;
			esac
			[ "$n" -le 4096 ] || die "a pack holds at most 4096 files; '$s' in BENCH_SIZES is too many."
			;;
		'' | *[!0-9]* | 0) die "BENCH_SIZES must be positive numbers of MiB (or NNNf), not '$s'." ;;
		*)
			# A pack holds at most 8 GiB of files.
			[ "$s" -le 8192 ] || die "a pack holds at most 8192 MiB; '$s' in BENCH_SIZES is too large."
			;;
		esac
	done
	for prog in "$KEEL" "$KEEL_PACK" "$PEAK" "$FLOOR"; do
		[ -x "$prog" ] || die "$prog is missing; run make bench-apply in the build tree (or make ${prog#"$top_builddir"/} keel keel-pack)."
	done
	for prog in "$DPKG" "$DPKG_DEB" sha256sum seq awk xargs; do
		command -v "$prog" >/dev/null 2>&1 || die "$prog is not installed."
	done
	# keel apply arrives with issue 4; until then its column says so.
	if "$KEEL" apply --help >/dev/null 2>&1; then
		HAVE_APPLY=1
	else
		HAVE_APPLY=0
	fi
	DPKG_ROOT_OPTS=
	[ "$(id -u)" -eq 0 ] || DPKG_ROOT_OPTS=--force-not-root
}

# The disk space the run needs. Sizes are done one after another; a size's
# payload, pack and .deb (about 1 + 0.6 + 0.6 times its size) exist while
# one target (1 times) is written; targets are removed after each run.
# With BENCH_KEEP=1 every size's payload, pack and .deb stay.
check_space() {
	# A pack of NNNf holds at most 32 MiB: counted as 32.
	need=$(echo "$BENCH_SIZES" | sed 's/[0-9]*f/32/g' | awk -v keep="$BENCH_KEEP" '{
		for (i = 1; i <= NF; i++) { sum += $i; if ($i > max) max = $i }
	} END {
		if (keep == 1) print int(sum * 2.2 + max + 64)
		else print int(max * 3.2 + 64)
	}')
	need_space "$need" BENCH_SIZES
}

# plan MIB: one line per payload file, "KIND BYTES PATH", in pack order;
# KIND is bin (random), txt (text) or mix (half each). See the top.
plan() {
	case $1 in
	*f) plan_files "${1%f}" ;;
	*) plan_mib "$1" ;;
	esac
}

plan_files() {
	awk -v n="$1" -v prefix="$PREFIX" 'BEGIN {
		srand(n)
		for (i = 0; i < n; i++)
			printf "%s %d %s/many/%02d/f%04d\n", (i % 2 ? "txt" : "bin"),
				1024 + int(rand() * (7 * 1024 + 1)), prefix,
				int(i / 64), i
	}'
}

plan_mib() {
	awk -v mib="$1" -v prefix="$PREFIX" 'BEGIN {
		K = 1024; M = 1048576
		srand(mib)
		small = int(mib / 8); if (small > 96) small = 96
		small *= M
		medium = int(mib * 3 / 8) * M
		large = mib * M - small - medium
		for (n = 0; small > 0; n++) {
			b = K + int(rand() * (63 * K + 1))
			if (b > small) b = small
			small -= b
			printf "%s %d %s/small/%02d/f%04d\n", (n % 2 ? "txt" : "bin"),
				b, prefix, int(n / 64), n
		}
		for (n = 0; medium > 0; n++) {
			b = M + int(rand() * (7 * M + 1))
			if (b > medium) b = medium
			medium -= b
			printf "%s %d %s/medium/f%03d\n", (n % 2 ? "txt" : "bin"),
				b, prefix, n
		}
		for (n = 0; large > 0; n++) {
			b = large > 256 * M ? 256 * M : large
			large -= b
			printf "mix %d %s/large/f%02d\n", b, prefix, n
		}
	}'
}

# text BYTES TAG: BYTES of numbered text lines, different for each TAG.
text() {
	seq -f "keel apply benchmark $2 line %.0f" 1 1000000000000 | head -c "$1"
}

# payload PLAN DIR: writes the files of PLAN below DIR.
payload() {
	while read -r kind bytes path; do
		mkdir -p "$2/${path%/*}"
		case $kind in
		bin) head -c "$bytes" /dev/urandom ;;
		txt) text "$bytes" "$path" ;;
		mix)
			head -c $((bytes / 2)) /dev/urandom
			text $((bytes - bytes / 2)) "$path"
			;;
		esac >"$2/$path"
	done <"$1"
}

# template MIB PLAN: the keel-pack manifest template of PLAN.
template() {
	printf '{\n  "format": 1,\n  "name": "bench-apply",\n'
	printf '  "version": "1.0.0",\n  "level": 1,\n'
	printf '  "description": "keel apply benchmark: %s",\n' "$1"
	printf '  "requires": { "arch": "x86_64" },\n  "files": [\n'
	awk '{
		printf "%s    { \"path\": \"%s\", \"mode\": \"0644\", \"role\": \"data\" }",
			(NR > 1 ? ",\n" : ""), $3
	}' "$2"
	printf '\n  ]\n}\n'
}

# The .deb's control file; the payload tree doubles as the .deb's tree.
control() {
	cat <<'EOF'
Package: keel-bench
Version: 1.0.0
Architecture: all
Maintainer: keel benchmark <keel-bench@invalid>
Description: keel apply benchmark payload
 The same files as the keel apply benchmark pack.
EOF
}

# warm FILE: the timed command finds FILE in the page cache and no dirty
# pages of earlier steps (payload, removed targets) left to write back.
warm() {
	cat "$1" >/dev/null
	sync
}

# measure TOOL CMD...: measure_into $RUN/samples.TOOL.
measure() {
	tool=$1
	shift
	measure_into "$RUN/samples.$tool" "$@"
}

# check TOOL DIR: every payload file is in DIR with the payload's bytes.
check() {
	(cd "$2" && sha256sum -c --quiet --strict "$RUN/expected.sums") \
		>"$RUN/check" 2>&1 ||
		{ head -n 20 "$RUN/check" >&2; die "$1 did not install the payload correctly into $2."; }
}

# median TOOL / maxrss TOOL: over $RUN/samples.TOOL.
median() {
	n=$(wc -l <"$RUN/samples.$1")
	sort -n "$RUN/samples.$1" | sed -n "$(((n + 1) / 2))p" | cut -d' ' -f1
}
maxrss() {
	sort -n -k2 "$RUN/samples.$1" | tail -n 1 | cut -d' ' -f2
}

bench_size() {
	mib=$1
	dir="$RUN/$mib"
	src="$dir/src"
	pack="$dir/bench-apply-$mib.ksp"
	deb="$dir/keel-bench-$mib.deb"
	mkdir -p "$src/DEBIAN" "$dir/t"
	case $mib in
	*f) label="${mib%f} small files" ;;
	*) label="$mib MiB" ;;
	esac

	echo "# $label: writing the payload"
	plan "$mib" >"$dir/plan"
	payload "$dir/plan" "$src"
	got=$(awk '{ s += $2 } END { print s }' "$dir/plan")
	case $mib in
	*f) ;;
	*) [ "$got" -eq $((mib * 1048576)) ] || die "the plan holds $got bytes, not $mib MiB." ;;
	esac
	awk '{ print $3 }' "$dir/plan" | (cd "$src" && xargs sha256sum --) \
		>"$RUN/expected.sums"
	nfiles=$(wc -l <"$dir/plan")
	ndirs=$(awk '{ sub("/[^/]*$", "", $3); print $3 }' "$dir/plan" | sort -u | wc -l)

	echo "# $label: building the pack with keel-pack and the .deb with dpkg-deb $DEB_COMPRESS"
	template "$label" "$dir/plan" >"$dir/template.json"
	"$KEEL_PACK" --manifest "$dir/template.json" --from "$src" \
		--key "$PKI/signer.key" --cert "$PKI/signer.pem" \
		--chain "$PKI/chain.pem" --out "$pack" >"$RUN/out" 2>&1 ||
		{ cat "$RUN/out" >&2; die "keel-pack failed."; }
	control >"$src/DEBIAN/control"
	# shellcheck disable=SC2086 # DEB_COMPRESS is two options
	"$DPKG_DEB" --root-owner-group $DEB_COMPRESS --build "$src" "$deb" \
		>"$RUN/out" 2>&1 || { cat "$RUN/out" >&2; die "dpkg-deb failed."; }

	rm -f "$RUN"/samples.*
	i=1
	while [ "$i" -le "$BENCH_RUNS" ]; do
		echo "# $label: run $i of $BENCH_RUNS: floor, floor with deferred sync, keel apply, dpkg -i"
		t="$dir/t/floor"
		mkdir "$t"
		warm "$pack"
		measure floor "$FLOOR" "$pack" "$t"
		if [ "$i" -eq 1 ]; then
			cmp -s "$RUN/out" "$RUN/expected.sums" ||
				die "apply_floor printed other digests than sha256sum of the payload."
			check apply_floor "$t"
		fi
		rm -rf "$t"

		t="$dir/t/floor-deferred"
		mkdir "$t"
		warm "$pack"
		measure deferred "$FLOOR" --deferred-sync "$pack" "$t"
		[ "$i" -ne 1 ] || check "apply_floor --deferred-sync" "$t"
		rm -rf "$t"

		if [ "$HAVE_APPLY" = 1 ]; then
			t="$dir/t/keel"
			mkdir -p "$t/etc/keel/trust.d"
			cp "$PKI/root.pem" "$t/etc/keel/trust.d/root.pem"
			warm "$pack"
			measure keel "$KEEL" apply --root "$t" --yes "$pack"
			if [ "$i" -eq 1 ]; then
				sed 's/^/# keel: /' "$RUN/out"
				check "keel apply" "$t"
			fi
			rm -rf "$t"
		fi

		# An empty dpkg database of the target's own: the host's is
		# never touched. The host's dpkg.cfg(.d) is still read, so
		# force-unsafe-io (Debian's Docker images set it) is undone.
		t="$dir/t/dpkg"
		mkdir -p "$t/var/lib/dpkg/info" "$t/var/lib/dpkg/updates" \
			"$t/var/lib/dpkg/triggers" "$t/var/log"
		: >"$t/var/lib/dpkg/status"
		warm "$deb"
		# shellcheck disable=SC2086 # DPKG_ROOT_OPTS is empty or one option
		measure dpkg "$DPKG" --root="$t" --log="$t/var/log/dpkg.log" \
			--no-force-unsafe-io $DPKG_ROOT_OPTS -i "$deb"
		if [ "$i" -eq 1 ]; then
			check "dpkg -i" "$t"
		fi
		rm -rf "$t"
		i=$((i + 1))
	done

	floor_s=$(median floor)
	deferred_s=$(median deferred)
	dpkg_s=$(median dpkg)
	floor_kib=$(maxrss floor)
	dpkg_kib=$(maxrss dpkg)
	if [ "$HAVE_APPLY" = 1 ]; then
		keel_s=$(median keel)
		keel_kib=$(maxrss keel)
	else
		keel_s=- keel_kib=-
	fi
	awk -v mib="$mib" -v f="$floor_s" -v k="$keel_s" -v d="$dpkg_s" \
		-v kk="$keel_kib" -v dk="$dpkg_kib" 'BEGIN {
		if (k == "-")
			printf "%8s %9.3f %10s %8s %9.3f %10s %10.1f\n", mib, f,
				"not built", "-", d, "-", dk / 1024
		else
			printf "%8s %9.3f %10.3f %8.2f %9.3f %10.1f %10.1f\n", mib,
				f, k, (f > 0 ? k / f : 0), d, kk / 1024, dk / 1024
	}' >>"$RUN/table"
	awk -v mib="$mib" -v n="$nfiles" -v dirs="$ndirs" \
		-v ksp="$(wc -c <"$pack")" -v deb="$(wc -c <"$deb")" \
		-v fk="$floor_kib" -v ds="$deferred_s" -v k="$keel_s" 'BEGIN {
		printf "%8s %6d %5d %9.1f %9.1f %10.1f %10.3f %12s\n", mib, n,
			dirs, ksp / 1048576, deb / 1048576, fk / 1024, ds,
			(k == "-" ? "-" : sprintf("%.2f", k / ds))
	}' >>"$RUN/details"
	for tool in floor deferred keel dpkg; do
		[ -f "$RUN/samples.$tool" ] || continue
		printf '%8s %-8s %s\n' "$mib" "$tool" \
			"$(cut -d' ' -f1 "$RUN/samples.$tool" | tr '\n' ' ')" >>"$RUN/runs"
	done
	# The floor is the faster of the two orders of syncs.
	if [ "$HAVE_APPLY" = 1 ]; then
		awk -v mib="$mib" -v f="$floor_s" -v ds="$deferred_s" \
			-v k="$keel_s" -v d="$dpkg_s" -v kk="$keel_kib" 'BEGIN {
			if (ds < f) f = ds
			printf "%8s  keel/floor %.2f (goal 1.20, floor %.3f s): %s;  faster than dpkg: %s;  RSS %.1f MiB (goal 16): %s\n",
				mib, k / f, f, (k <= 1.2 * f ? "met" : "NOT met"),
				(k < d ? "yes" : "NO"), kk / 1024,
				(kk <= 16384 ? "met" : "NOT met")
		}' >>"$RUN/goals"
	fi

	[ "$BENCH_KEEP" = 1 ] || rm -rf "$dir"
}

print_table() {
	echo
	echo "keel apply benchmark: median of $BENCH_RUNS runs, fresh target each run," \
		"warm page cache (input read once and sync before each timed command)"
	echo "floor: bench/apply_floor (inflate + tar + SHA-256 + write + fsync" \
		"of each file and directory, nothing else)"
	echo "dpkg: $DPKG --root=ROOT -i of a .deb built by dpkg-deb $DEB_COMPRESS" \
		"(like keel-pack's gzip), empty database in ROOT, --no-force-unsafe-io"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)," \
		"$(nproc 2>/dev/null || echo '?') cpus; file system: $(df -PT "$BENCH_DIR" | awk 'NR == 2 { print $2 }')" \
		"on $(df -P "$BENCH_DIR" | awk 'NR == 2 { print $1 }');" \
		"$($DPKG --version | sed -n '1s/.*version \([^ ]*\).*/dpkg \1/p')"
	printf '%8s %9s %10s %8s %9s %10s %10s\n' pack 'floor s' 'keel s' \
		keel/floor 'dpkg s' 'keel RSS' 'dpkg RSS'
	cat "$RUN/table"
	echo "(RSS: peak resident set in MiB, the largest of the runs; for dpkg" \
		"the largest of dpkg and the processes it waits for)"
	[ "$HAVE_APPLY" = 1 ] ||
		echo "keel apply: not built ($KEEL has no apply command yet; run make and this again)"
	echo
	printf '%8s %6s %5s %9s %9s %10s %10s %12s\n' pack files dirs 'ksp MiB' \
		'deb MiB' 'floor RSS' 'deferred s' 'keel/deferred'
	cat "$RUN/details"
	echo "(deferred: bench/apply_floor --deferred-sync, the floor's work with" \
		"dpkg's order of syncs: write-back started per file, all fsyncs at the end)"
	echo
	echo "every run, seconds:"
	cat "$RUN/runs"
	if [ -f "$RUN/goals" ]; then
		echo
		echo "goals (not tests; pack: MiB, or NNNf = NNN files of 1-8 KiB; floor: the faster of floor and deferred):"
		cat "$RUN/goals"
	fi
}

check_setup
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$BENCH_DIR"
check_space
RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
make_pki
: >"$RUN/table"
: >"$RUN/details"
: >"$RUN/runs"
for size in $BENCH_SIZES; do
	bench_size "$size"
done
print_table
[ "$BENCH_KEEP" != 1 ] || echo "kept: $RUN"
