# tests/bad-targets/lib.sh: the harness of the bad-target corpus: a case is
# a copy of a good target made hostile, with a sentinel beside it; sourced.
#
# new_case TEMPLATE makes $C (the case), $R=$C/root (the target, a copy of
# TEMPLATE) and $S=$C/sentinel; everything in $C outside $R counts as
# "outside the target" and must never change. A case function (case_*)
# damages $R, then asserts with refused/accepted. Needs tests/lib.sh and
# tests/integration/apply_fixture.sh.

# Every keel run is bounded: a FIFO that blocks keel is a failure, not a hang.
BT_TIMEOUT=20
BT_WRAP=        # a command keel runs under (a mount namespace), or empty
BT_LOOPS=       # loop devices to detach at exit
n_case=0

bt_cleanup() {
	for _l in $BT_LOOPS; do losetup -d "$_l" 2>/dev/null; done
	rm -rf "$TMP"
}
trap bt_cleanup EXIT

# bt_templates: $TMP/t-base (nothing applied), $TMP/t-one (PACK1 applied,
# transaction 1) and $TMP/t-two (PACK1, then PACK2: transactions 1 and 2).
bt_templates() {
	make_apply_fixture
	mv "$TMP/base" "$TMP/t-base"
	cp -a "$TMP/t-base" "$TMP/t-one"
	"$KEEL" apply --root "$TMP/t-one" --yes "$PACK1" >/dev/null 2>&1 &&
		cp -a "$TMP/t-one" "$TMP/t-two" &&
		"$KEEL" apply --root "$TMP/t-two" --yes "$PACK2" >/dev/null 2>&1 ||
		{ echo "Bail out! cannot apply the packs to the templates"; exit 1; }
}

# make_sentinel DIR: regular files, a symlink, a hard-linked pair and a
# subdirectory, with modes keel would never choose.
make_sentinel() {
	mkdir -p "$1/sub"
	printf 'the sentinel: keel must never touch this file\n' >"$1/file"
	printf '#!/bin/sh\necho not keel\n' >"$1/sub/tool"
	printf 'one of a hard-linked pair\n' >"$1/pair1"
	ln "$1/pair1" "$1/pair2"
	ln -s file "$1/link"
	chmod 0640 "$1/file"
	chmod 0751 "$1/sub/tool"
	chmod 0710 "$1/sub"
}

new_case() {  # new_case TEMPLATE
	n_case=$((n_case + 1))
	C=$TMP/cases/$n_case
	mkdir -p "$C" "$TMP/snap"
	cp -a "$1" "$C/root"
	R=$C/root S=$C/sentinel
	make_sentinel "$S"
}

# The listings a case compares: every path with type, mode, owner, link
# count, size and link target, then every regular file's SHA-256.
bt_list() {  # bt_list PATH [PRUNE]: PATH relative to the current directory
	find "$1" ${2:+-path "$2" -prune -o} \
		-printf '%p %y %m %U %G %n %s %l\n' 2>/dev/null | LC_ALL=C sort
	find "$1" ${2:+-path "$2" -prune -o} -type f -print0 2>/dev/null |
		LC_ALL=C sort -z | xargs -0r sha256sum
}
bt_snap() {  # bt_snap NAME: $TMP/snap/NAME.{tree,state,outside}
	tree_state "$R" >"$TMP/snap/$1.tree"
	(cd "$R" && bt_list var/lib/keel) >"$TMP/snap/$1.state"
	# A loop device's bytes are read through the device too: a write to
	# it can sit in the device's page cache, not yet in its backing file.
	{ (cd "$C" && bt_list . ./root); sha256sum /etc/passwd; \
		for _l in $BT_LOOPS; do sha256sum "$_l"; done; } \
		>"$TMP/snap/$1.outside"
}

# bt_keel VERB ARGS...: keel VERB --root $R ARGS, bounded, under $BT_WRAP.
bt_keel() {
	_v=$1
	shift
	run $BT_WRAP timeout -k 5 "$BT_TIMEOUT" "$KEEL" "$_v" --root "$R" "$@" \
		</dev/null
}

# bt_unchanged WHAT...: appends to $_why each listing (tree, state,
# outside) that differs between the before and after snapshots.
bt_unchanged() {
	for _w in "$@"; do
		cmp -s "$TMP/snap/before.$_w" "$TMP/snap/after.$_w" && continue
		case $_w in
		tree) _why="$_why the target changed;" ;;
		state) _why="$_why keel's state directory changed;" ;;
		outside) _why="$_why something OUTSIDE the target changed;" ;;
		esac
		diff "$TMP/snap/before.$_w" "$TMP/snap/after.$_w" |
			head -n 12 >>"$TMP/snap/why"
	done
}

bt_report() {  # bt_report DESCRIPTION: one TAP line from $_why
	[ -z "$_why" ]
	ok $? "$1"
	[ -z "$_why" ] && return 0
	diag "$_why" "stderr:" "$(head -c 2000 "$TMP/err")" \
		"differences:" "$(cat "$TMP/snap/why" 2>/dev/null)"
	return 1
}

bt_args() {  # bt_args ARGS...: the words, scratch paths shortened
	printf '%s' "$*" | sed "s|$TMP/||g"
}

# rx TEXT: TEXT as an extended regular expression that matches only itself.
rx() { printf '%s' "$1" | sed 's/[].[*^$\\+?(){}|]/\\&/g'; }

bt_code_is() {  # bt_code_is "CODE..." : is $rc one of them?
	case " $1 " in *" $rc "*) return 0 ;; esac
	return 1
}

# refused CODES PATTERN DESCRIPTION VERB [ARGS...]: keel VERB --root $R
# ARGS must end within the time limit with an exit code in CODES (one
# number, or several in quotes), say PATTERN (grep -Ei) on stderr, and
# change nothing: not the target, not a byte of its state directory (the
# journal included), nothing outside it.
refused() {
	_codes=$1 _pat=$2 _desc=$3
	shift 3
	rm -f "$TMP/snap/why"
	bt_snap before
	bt_keel "$@"
	bt_snap after
	_why=
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] ||
		_why="keel hung: killed after $BT_TIMEOUT s;"
	bt_code_is "$_codes" || _why="$_why exit $rc, want $_codes;"
	grep -Eiq -- "$_pat" "$TMP/err" || _why="$_why stderr does not match /$_pat/;"
	bt_unchanged tree state outside
	bt_report "$_desc: keel $(bt_args "$@")"
}

# accepted DESCRIPTION VERB [ARGS...]: keel must succeed (0, or 11 when it
# changed the boot chain) in time and leave everything outside the target
# as it was.
accepted() {
	_desc=$1
	shift
	rm -f "$TMP/snap/why"
	bt_snap before
	bt_keel "$@"
	bt_snap after
	_why=
	bt_code_is "0 11" || _why="exit $rc, want 0;"
	bt_unchanged outside
	bt_report "$_desc: keel $(bt_args "$@")"
}

# settled DESCRIPTION: keel status succeeds on a target left by a refusal
# with nothing to finish: no interrupted transaction to undo (status would
# undo it and still succeed), and nothing changed, keel's state included.
settled() {
	rm -f "$TMP/snap/why"
	bt_snap before
	bt_keel status
	bt_snap after
	_why=
	bt_code_is "0" || _why="exit $rc, want 0;"
	! grep -q "was interrupted" "$TMP/err" ||
		_why="$_why a transaction was left to undo;"
	bt_unchanged tree state outside
	bt_report "$1: keel status"
}

# The commands every damaged state must refuse: on a target keel never
# changed (PACK1 next), and on one with PACK1 installed (PACK2 next).
refused_fresh() {  # refused_fresh CODES PATTERN DESCRIPTION
	refused "$1" "$2" "$3" apply --yes "$PACK1"
	refused "$1" "$2" "$3" apply --dry-run "$PACK1"
	refused "$1" "$2" "$3" status
	refused "$1" "$2" "$3" history
}
refused_installed() {  # refused_installed CODES PATTERN DESCRIPTION
	refused "$1" "$2" "$3" apply --yes "$PACK2"
	refused "$1" "$2" "$3" apply --dry-run "$PACK2"
	refused "$1" "$2" "$3" rollback --yes
	refused "$1" "$2" "$3" uninstall --yes
	refused "$1" "$2" "$3" status
	refused "$1" "$2" "$3" history
}

# run_cases FILE: sources a corpus file and runs each case_* function in
# it, in the order written.
run_cases() {
	. "$1"
	for _case in $(sed -n 's/^\(case_[a-z0-9_]*\)() .*/\1/p' "$1"); do
		"$_case"
	done
}
