# tests/bad-targets/state_links.sh: keel's state directory, or a file in
# it, that is not what keel made: a symlink, a hard link, a FIFO, a device.
# Sourced by tests/integration/bad_state.sh; one case_* function per case.
# Damaged or hostile state is refused with exit 1, naming the path.

case_state_dir_symlink_absolute() {
	new_case "$TMP/t-base"
	ln -s "$S" "$R/var/lib/keel"
	refused_fresh 1 'var/lib/keel' "var/lib/keel -> the sentinel (absolute)"
}

case_state_dir_symlink_relative() {
	new_case "$TMP/t-base"
	ln -s ../../.. "$R/var/lib/keel"  # the target's parent, the case dir
	refused_fresh 1 'var/lib/keel' "var/lib/keel -> ../../.. (relative)"
}

# A symlink to a real state directory inside the target is refused too:
# what keel finds there is not necessarily what it wrote.
case_state_dir_symlink_inside() {
	new_case "$TMP/t-one"
	mkdir "$R/srv"
	mv "$R/var/lib/keel" "$R/srv/keel-state"
	ln -s ../../srv/keel-state "$R/var/lib/keel"
	refused_installed 1 'var/lib/keel' "var/lib/keel -> ../../srv/keel-state (a real state, inside)"
}

# state_area_link AREA: after one apply, var/lib/keel/AREA is moved into
# the sentinel and a symlink left in its place: a keel that follows it
# reads and writes the sentinel.
state_area_link() {
	new_case "$TMP/t-one"
	mv "$R/var/lib/keel/$1" "$S/$1"
	ln -s "$S/$1" "$R/var/lib/keel/$1"
	refused_installed 1 "var/lib/keel/$1" "var/lib/keel/$1 -> the sentinel"
}
case_backup_symlink() { state_area_link backup; }
case_tx_symlink() { state_area_link tx; }
case_installed_symlink() { state_area_link installed; }

case_journal_symlink() {
	new_case "$TMP/t-one"
	mv "$R/var/lib/keel/journal" "$S/journal"
	ln -s "$S/journal" "$R/var/lib/keel/journal"
	refused_installed 1 'var/lib/keel/journal' "the journal a symlink to a sentinel file"
}

case_journal_hard_link() {
	new_case "$TMP/t-one"
	mv "$R/var/lib/keel/journal" "$S/journal"
	ln "$S/journal" "$R/var/lib/keel/journal"
	refused_installed 1 'var/lib/keel/journal' "the journal a hard link of a sentinel file"
}

# special NAME KIND: var/lib/keel/NAME (after one apply) made a fifo, a
# character device (/dev/null's numbers) or a directory.
special() {
	new_case "$TMP/t-one"
	rm -f "$R/var/lib/keel/$1"
	case $2 in
	fifo) mkfifo "$R/var/lib/keel/$1" ;;
	chardev)
		if ! mknod "$R/var/lib/keel/$1" c 1 3 2>/dev/null; then
			diag "skipped: var/lib/keel/$1 as a device: mknod is not permitted here"
			return 0
		fi ;;
	dir) mkdir "$R/var/lib/keel/$1" ;;
	esac
	# Naming why: an empty journal (a FIFO, /dev/null) is refused anyway,
	# as the records it contradicts show; that must not pass for this.
	refused_installed 1 "var/lib/keel/$1 is a device, FIFO, socket or directory" \
		"var/lib/keel/$1 a $2"
}
case_lock_fifo() { special lock fifo; }
case_lock_chardev() { special lock chardev; }
case_lock_dir() { special lock dir; }
case_journal_fifo() { special journal fifo; }
case_journal_chardev() { special journal chardev; }
case_journal_dir() { special journal dir; }

# A scratch name keel writes a transaction record through, already there
# (a symlink to, or a hard link of, a sentinel file). keel may refuse it
# (exit 1, naming it, nothing changed) or remove it as the leftover of a
# plan that never began; it must never write through it.
tx_scratch() {
	new_case "$TMP/t-one"
	case $1 in
	symlink) ln -s "$S/file" "$R/var/lib/keel/tx/2.json.tmp" ;;
	hardlink) ln "$S/file" "$R/var/lib/keel/tx/2.json.tmp" ;;
	esac
	rm -f "$TMP/snap/why"
	bt_snap before
	bt_keel apply --yes "$PACK2"
	bt_snap after
	_why=
	bt_unchanged outside
	if [ "$rc" -eq 1 ]; then
		grep -q 'var/lib/keel/tx/2\.json\.tmp' "$TMP/err" ||
			_why="$_why the refusal does not name tx/2.json.tmp;"
		bt_unchanged tree state
	elif [ "$rc" -eq 0 ]; then
		[ -f "$R/var/lib/keel/tx/2.json" ] && [ ! -h "$R/var/lib/keel/tx/2.json" ] &&
			[ ! -e "$R/var/lib/keel/tx/2.json.tmp" ] &&
			[ ! -h "$R/var/lib/keel/tx/2.json.tmp" ] ||
			_why="$_why keel applied, yet tx/2.json is not a regular file of its own or the scratch name stayed;"
	else
		_why="$_why exit $rc, want 1 (refused) or 0 (the leftover removed);"
	fi
	bt_report "tx/2.json.tmp a $1 of a sentinel file: never written through: keel apply --yes keel-1.1.0.ksp"
}
case_tx_scratch_symlink() { tx_scratch symlink; }
case_tx_scratch_hardlink() { tx_scratch hardlink; }
