# tests/lib.sh: TAP helpers and fixtures shared by the shell tests.
# Sourced; expects top_srcdir and top_builddir (set by make check).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${OPENSSL:=openssl}"
KEEL="$top_builddir/keel"
KEEL_PACK="$top_builddir/keel-pack"
FORGE="$top_builddir/tests/forge/ksp-forge"
# Messages are asserted in English; po_complete.sh checks German.
export LC_ALL=C LANGUAGE=
export SOURCE_DATE_EPOCH=1700000000

tap_n=0
tap_fail=0

# A private scratch directory, removed on exit.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/keel-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() {  # ok COND-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"
	else echo "not ok $tap_n - $2"; tap_fail=$((tap_fail + 1)); fi
}

diag() { printf '# %s\n' "$@"; }

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

done_testing() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}

# run CMD...: runs a command, keeping its exit status in $rc and its
# output in $TMP/out and $TMP/err.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# expect_fail CODE PATTERN DESCRIPTION CMD...: the command must exit with
# CODE and say something matching PATTERN (grep -E) on stderr.
expect_fail() {
	_code=$1 _pat=$2 _desc=$3; shift 3
	run "$@"
	if [ "$rc" -eq "$_code" ] && grep -Eq -- "$_pat" "$TMP/err"; then
		ok 0 "$_desc"
	else
		ok 1 "$_desc"
		diag "exit $rc (want $_code); stderr:" "$(cat "$TMP/err")"
	fi
}

# refused_unchanged ROOT CODE PATTERN DESC CMD...: expect_fail, then a
# second check that ROOT, keel's state included, is as it was before.
refused_unchanged() {
	_root=$1
	shift
	tree_state "$_root" >"$TMP/refused.before"
	_state=$(tree_sum "$_root/var/lib/keel" 2>/dev/null)
	expect_fail "$@"
	tree_state "$_root" | cmp -s - "$TMP/refused.before" &&
		[ "$(tree_sum "$_root/var/lib/keel" 2>/dev/null)" = "$_state" ]
	ok $? "  and changes nothing, keel's state included"
}

# The test PKI, made once per build tree by tests/pki/make-pki.sh.
PKI="$top_builddir/tests/pki/out"
need_pki() {
	"$top_srcdir/tests/pki/make-pki.sh" "$PKI" >/dev/null 2>"$TMP/pki.err" ||
		{ cat "$TMP/pki.err" >&2; echo "Bail out! cannot make the test PKI"; exit 1; }
}

# A target root that trusts the test root CA.
make_root() {  # make_root DIR
	mkdir -p "$1/etc/keel/trust.d" "$1/etc/keel/crl.d"
	cp "$PKI/root.pem" "$1/etc/keel/trust.d/test-root.pem"
}

# A fingerprint of a directory tree (paths, types, modes, contents), to
# prove a refused command wrote nothing.
tree_sum() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) |
		sha256sum | cut -d' ' -f1
}

# A listing of a target tree outside keel's state directory: every path
# with its type, mode, owner, group, link target and SHA-256, sorted; two
# listings are equal exactly when the trees are (what rollback promises).
tree_state() {  # tree_state DIR
	(cd "$1" && find . -path ./var/lib/keel -prune -o \
		-printf '%p %y %m %U %G %l\n' | LC_ALL=C sort &&
		find . -path ./var/lib/keel -prune -o -type f -print0 |
		LC_ALL=C sort -z | xargs -0r sha256sum)
}

# Builds a test-signed pack: make_pack MANIFEST FROM-DIR OUT
make_pack() {
	"$KEEL_PACK" --manifest "$1" --from "$2" --key "$PKI/signer.key" \
		--cert "$PKI/signer.pem" --chain "$PKI/chain.pem" --out "$3"
}

# keel_on_target DIR: this build's keel where keel-commit.service's
# ExecStart= runs it on a target (apply refuses a unit whose program is
# not there); KEEL_ON_TARGET is that path, as the booted target sees it.
keel_on_target() {
	KEEL_ON_TARGET=$(grep -a -o 'ExecStart=/[^ ]*' "$KEEL" | head -n 1)
	KEEL_ON_TARGET=${KEEL_ON_TARGET#ExecStart=}
	[ -n "$KEEL_ON_TARGET" ] || { echo "Bail out! no ExecStart= in $KEEL"; exit 1; }
	mkdir -p "$1${KEEL_ON_TARGET%/*}" && cp "$KEEL" "$1$KEEL_ON_TARGET"
}
