# tests/bad-targets/state_records.sh: keel's records damaged or cut: the
# journal, the backups, the transaction records and what they must agree
# on. Sourced by tests/integration/bad_state.sh; one case_* per case.
# Damage is refused with exit 1, the journal never rewritten or cut.

J=var/lib/keel/journal

# garble LINE: a character of the journal's record LINE changed, so that
# its CRC no longer holds (the file is rewritten here, before the snapshot).
garble() {
	sed -i "${1}s/\"tx\":/\"tX\":/" "$R/$J"
}

case_journal_garbled_middle() {
	new_case "$TMP/t-one"
	garble 2
	refused_installed 1 "$J" "the journal garbled in its second (not the last) record"
}

case_journal_garbled_final() {
	new_case "$TMP/t-one"
	garble "\$"
	refused_installed 1 "$J" "the journal's final record garbled, ending with its newline"
}

# An interrupted append leaves a last line without its newline: the one
# damage the format can prove harmless. It is cut off; the rest stands.
case_journal_torn_final() {
	new_case "$TMP/t-one"
	cp "$R/$J" "$TMP/journal.intact"
	_torn='5e636058 {"tx":2,"state":"beg'
	printf '%s' "$_torn" >>"$R/$J"
	accepted "a torn final record (no newline) is accepted" status
	cmp -s "$R/$J" "$TMP/journal.intact"
	ok $? "the torn final record is discarded, the records before it kept byte for byte"
	accepted "a torn final record does not stop the next apply" apply --yes "$PACK2"
	[ "$(head -c "$(wc -c <"$TMP/journal.intact")" "$R/$J" | sha256sum)" = \
		"$(sha256sum <"$TMP/journal.intact")" ] && ! grep -Fq "$_torn" "$R/$J"
	ok $? "the apply after it appended to the intact records, not to the torn one"
}

# keep_records SED-RANGE: the journal of t-two cut to those lines (at a
# record boundary, so every line left is intact).
keep_records() {
	new_case "$TMP/t-two"
	sed -n "$1p" "$R/$J" >"$TMP/journal.cut"
	cat "$TMP/journal.cut" >"$R/$J"
}

case_journal_last_tx_cut() {
	keep_records 1,4  # transaction 2 gone; installed/2.json, tx/2.json stay
	# Found up front as records that disagree, not only when the next
	# transaction (2 again) collides with them ("tx/2.json exists already").
	refused_installed 1 '(installed|tx|backup)/2[^ ]* belongs to' \
		"the journal cut before its last transaction (records disagree)"
}

case_journal_first_tx_cut() {
	keep_records 5,8  # transaction 1 gone; its records and backups stay
	refused_installed 1 'journal|installed/1|tx/1|backup/1' \
		"the journal without its first transaction (records disagree)"
}

# A crash just before "closed" leaves the journal without it and no
# tx/2.end (written after "closed"): keel finishes that transaction, and
# the target keeps the level it has.
case_journal_closed_crash() {
	keep_records 1,7
	rm "$R/var/lib/keel/tx/2.end"
	tree_state "$R" >"$TMP/tree.before"
	accepted "the journal without its final \"closed\" record (a crash) is recovered" status
	tree_state "$R" | cmp -s - "$TMP/tree.before" && [ "$(wc -l <"$R/$J")" -eq 8 ]
	ok $? "recovery closes that transaction and leaves the target as it is"
}

# A crash after transaction 2 switched its files, before "committed": the
# undo needs its saved copies, and one lost since must not pass for "the
# target is as before".
case_journal_prepared_copy_lost() {
	keep_records 1,6
	rm "$R/var/lib/keel/tx/2.end"
	rm -f "$R/var/lib/keel/backup/2/"*
	refused 1 'backup/2/[0-9]+\) is missing' \
		"an interrupted upgrade whose saved copy is lost" status
}

# Only the copy of a file it replaced (usr/sbin/keel-tool, entry 1) lost:
# the file there is the new one, not the one the copy held.
case_journal_prepared_file_copy_lost() {
	keep_records 1,6
	rm "$R/var/lib/keel/tx/2.end" "$R/var/lib/keel/backup/2/1"
	refused 1 'keel-tool \(.*backup/2/1\) is missing' \
		"an interrupted upgrade whose copy of a replaced file is lost" status
}

# The same journal with tx/2.end still there: no crash leaves that, only a
# journal cut short (or an older copy put back).
case_journal_closed_cut() {
	keep_records 1,7
	refused_installed 1 'tx/2\.end' "the journal cut before a \"closed\" that tx/2.end proves"
}

case_installed_unknown() {
	new_case "$TMP/t-one"
	cp -p "$R/var/lib/keel/installed/1.json" "$R/var/lib/keel/installed/9.json"
	refused_installed 1 'installed/9' "an installed/9.json the journal does not know"
}

case_backup_unknown() {
	new_case "$TMP/t-one"
	mkdir -m 0700 "$R/var/lib/keel/backup/9"
	printf 'not made by keel\n' >"$R/var/lib/keel/backup/9/1"
	refused_installed 1 'backup/9' "a backup/9/ the journal does not know"
}

# tx_path NEW: the record of transaction 1 says it installed NEW instead
# of usr/sbin/keel-tool (whose backup it restores on rollback).
tx_path() {
	new_case "$TMP/t-one"
	sed -i "s|\"path\":\"usr/sbin/keel-tool\"|\"path\":\"$1\"|" \
		"$R/var/lib/keel/tx/1.json"
	grep -Fq "\"path\":\"$1\"" "$R/var/lib/keel/tx/1.json" ||
		diag "tx/1.json was not edited: the case tests nothing"
	refused 1 'tx/1\.json' "a transaction record naming $1" rollback --yes
	refused 1 'tx/1\.json' "a transaction record naming $1" uninstall --yes
	refused 1 'tx/1\.json' "a transaction record naming $1" rollback --dry-run
}
case_tx_path_dotdot() { tx_path ../sentinel/file; }
case_tx_path_dotdot_deeper() { tx_path ../../sentinel/x; }
case_tx_path_absolute() { tx_path /etc/passwd; }
# keel's own state through a target path: no transaction writes there.
case_tx_path_state() { tx_path var/lib/keel/journal; }
case_tx_path_state_dir() { tx_path var/lib/keel; }

# A mode that is not an octal permission: never applied half-read.
case_tx_mode_garbled() {
	new_case "$TMP/t-one"
	sed -i 's|"mode":"0755"|"mode":"07x5"|' "$R/var/lib/keel/tx/1.json"
	grep -Fq '"mode":"07x5"' "$R/var/lib/keel/tx/1.json" ||
		diag "tx/1.json was not edited: the case tests nothing"
	refused 1 'tx/1\.json' "a transaction record with the mode 07x5" rollback --yes
	refused 1 'tx/1\.json' "a transaction record with the mode 07x5" uninstall --yes
}

# backup_damage HOW: transaction 1's copy of the old usr/sbin/keel-tool
# (backup/1/1) changed; rollback and uninstall would put it back.
backup_damage() {
	new_case "$TMP/t-one"
	_b=$R/var/lib/keel/backup/1/1
	case $1 in
	content) printf 'the old toox\n' >"$_b" ;;  # same size, one byte off
	mode) chmod 0755 "$_b" ;;
	removed) rm "$_b" ;;
	symlink) rm "$_b" && ln -s "$S/file" "$_b" ;;
	owner) chown 4242:4242 "$_b" ;;
	esac
	refused 1 'backup/1/1' "backup/1/1: $1" rollback --yes
	refused 1 'backup/1/1' "backup/1/1: $1" uninstall --yes
	refused 1 'backup/1/1' "backup/1/1: $1" rollback --dry-run
}
case_saved_content() { backup_damage content; }
case_saved_mode() { backup_damage mode; }
case_saved_removed() { backup_damage removed; }
case_saved_symlink() { backup_damage symlink; }
# As root only: others cannot give a copy its owner in the first place.
case_saved_owner() {
	if [ "$(id -u)" != 0 ]; then
		diag "skipped: a saved copy's owner (needs root to chown)"
		return 0
	fi
	backup_damage owner
}

# The saved copy of a symlink (etc/keel/link, backup/1/3) pointing
# elsewhere than the link it was.
case_saved_symlink_retargeted() {
	new_case "$TMP/t-one"
	rm "$R/var/lib/keel/backup/1/3"
	ln -s "$S/file" "$R/var/lib/keel/backup/1/3"
	refused 1 'backup/1/3' "backup/1/3 (a saved symlink) retargeted" rollback --yes
	refused 1 'backup/1/3' "backup/1/3 (a saved symlink) retargeted" uninstall --yes
}
