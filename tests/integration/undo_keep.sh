#!/bin/sh
# undo_keep.sh: rollback and uninstall take back keel's own files, and a
# file the administrator changed since is kept as PATH.keel-old, named by
# the dry run and reported by the result; unchanged files leave no copy.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/apply_fixture.sh"
need_pki
make_apply_fixture

fresh() {  # fresh DIR: the base target with 1.0.0 applied
	rm -rf "$1"
	cp -a "$TMP/base" "$1"
	"$KEEL" apply --root "$1" --yes "$PACK1" >/dev/null 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; echo "Bail out! cannot apply 1.0.0"; exit 1; }
}

# --- uninstall after the administrator edited an installed file -------
R=$TMP/root
fresh "$R"
printf '#!/bin/sh\necho my local fix\n' >"$R/usr/sbin/keel-tool"
tree_state "$R" >"$TMP/edited"
run "$KEEL" uninstall --root "$R" --dry-run
ok $rc "uninstall --dry-run succeeds"
grep -q "keep     usr/sbin/keel-tool.keel-old (a copy" "$TMP/out" &&
	grep -q "restore  usr/sbin/keel-tool" "$TMP/out"
ok $? "the dry run names the changed file it will keep"
! grep -q "keel-hv-1.0.keel-old\|keel.service.keel-old" "$TMP/out"
ok $? "the dry run keeps no copy of files nobody changed"
tree_state "$R" | cmp -s - "$TMP/edited"
ok $? "the dry run changes nothing"

run "$KEEL" uninstall --root "$R" --yes --json
ok $rc "uninstall succeeds"
tr -d ' \n' <"$TMP/out" | grep -q '"kept":\["usr/sbin/keel-tool.keel-old"\]'
ok $? "uninstall --json lists the kept copy"
printf '#!/bin/sh\necho my local fix\n' | cmp -s - "$R/usr/sbin/keel-tool.keel-old" &&
	[ "$(stat -c %a "$R/usr/sbin/keel-tool.keel-old")" = 755 ]
ok $? "the administrator's edit survives, content and mode, as keel-tool.keel-old"
rm "$R/usr/sbin/keel-tool.keel-old"
tree_state "$R" | cmp -s - "$(tree_state "$TMP/base" >"$TMP/s0"; echo "$TMP/s0")"
ok $? "apart from the kept copy, the target is as before keel"

# The text result says so instead of claiming "as before keel".
fresh "$R"
printf 'edited\n' >"$R/usr/sbin/keel-tool"
run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 0 ] && grep -q "kept a copy of yours" "$TMP/out" &&
	grep -q "^  usr/sbin/keel-tool.keel-old$" "$TMP/out" &&
	! grep -q "as before keel was applied" "$TMP/out"
ok $? "uninstall says which changed files it kept, not that all is as before"

# --- a file replaced by a symlink, a file deleted ------------------------
fresh "$R"
rm "$R/boot/keel/keel-hv-1.0"
ln -s /elsewhere "$R/boot/keel/keel-hv-1.0"
rm "$R/lib/systemd/system/keel.service"
run "$KEEL" uninstall --root "$R" --yes
ok $rc "uninstall succeeds over a replaced and a deleted file"
[ "$(readlink "$R/boot/keel/keel-hv-1.0.keel-old")" = /elsewhere ] &&
	[ ! -e "$R/boot/keel/keel-hv-1.0" ] && [ ! -L "$R/boot/keel/keel-hv-1.0" ]
ok $? "a symlink the administrator put in keel's place is kept as .keel-old"
[ ! -e "$R/lib/systemd/system/keel.service" ] &&
	[ ! -e "$R/lib/systemd/system/keel.service.keel-old" ]
ok $? "a file the administrator deleted stays deleted, with nothing kept"

# --- rollback keeps the edit and puts the earlier level's file back ----
fresh "$R"
"$KEEL" apply --root "$R" --yes "$PACK2" >/dev/null 2>&1
printf 'edited on 1.1\n' >"$R/usr/sbin/keel-tool"
run "$KEEL" rollback --root "$R" --yes --json
ok $rc "rollback succeeds"
cmp -s "$R/usr/sbin/keel-tool" "$TMP/src/tool10" &&
	[ "$(stat -c %a "$R/usr/sbin/keel-tool")" = 755 ] &&
	printf 'edited on 1.1\n' | cmp -s - "$R/usr/sbin/keel-tool.keel-old"
ok $? "rollback restores 1.0.0's tool and keeps the edit beside it"
grep -q '"usr/sbin/keel-tool.keel-old"' "$TMP/out"
ok $? "rollback --json lists the kept copy"
"$KEEL" uninstall --root "$R" --yes >/dev/null 2>&1
[ -f "$R/usr/sbin/keel-tool.keel-old" ] && printf 'the old tool\n' | cmp -s - "$R/usr/sbin/keel-tool"
ok $? "the kept copy is the administrator's file: uninstall leaves it alone"

# --- something in the way of the copy: refused before any change -------
fresh "$R"
printf 'edited\n' >"$R/usr/sbin/keel-tool"
mkdir "$R/usr/sbin/keel-tool.keel-old"
refused_unchanged "$R" 10 "keel-tool.keel-old is in the way" \
	"a directory where the copy goes is refused with what to move" \
	"$KEEL" uninstall --root "$R" --yes

# An earlier kept copy is the administrator's too: never written over.
rm -rf "$R/usr/sbin/keel-tool.keel-old"
printf 'an earlier copy\n' >"$R/usr/sbin/keel-tool.keel-old"
refused_unchanged "$R" 10 "keel-tool.keel-old is in the way" \
	"an earlier .keel-old is not written over" \
	"$KEEL" uninstall --root "$R" --yes


# A directory where keel left a file: not keel's to remove or copy.
fresh "$R"
"$KEEL" apply --root "$R" --yes "$PACK2" >/dev/null 2>&1
rm "$R/usr/sbin/keel-tool" && mkdir "$R/usr/sbin/keel-tool"
refused_unchanged "$R" 10 "keel-tool is a directory, device, FIFO or socket where keel changes a file; move it aside" \
	"rollback refuses a directory where keel left a file, naming it" \
	"$KEEL" rollback --root "$R" --yes
refused_unchanged "$R" 10 "keel-tool is a directory, device, FIFO or socket" \
	"uninstall refuses it too" "$KEEL" uninstall --root "$R" --yes

# --- a saved copy whose owner changed since keel saved it -------------
# The copy would give the restored file that owner: refused like any
# other damage to the backup store. Records from before keel kept the
# owner (no uid/gid) are still read, the owner then not compared.
if [ "$(id -u)" = 0 ]; then
	fresh "$R"
	copy=$(grep -ls 'the old tool' "$R"/var/lib/keel/backup/1/* | head -n1)
	chown 4242:4242 "$copy"
	refused_unchanged "$R" 1 "saved copy of .*keel-tool.*does not match.*owner" \
		"uninstall refuses a saved copy whose owner changed" \
		"$KEEL" uninstall --root "$R" --yes
	chown 0:0 "$copy"
	sed -i 's/, *"uid": *[0-9]*, *"gid": *[0-9]*//g' "$R/var/lib/keel/tx/1.json"
	! grep -q '"uid"' "$R/var/lib/keel/tx/1.json" &&
		"$KEEL" uninstall --root "$R" --yes >/dev/null 2>"$TMP/err" &&
		printf 'the old tool\n' | cmp -s - "$R/usr/sbin/keel-tool"
	ok $? "a record without uid and gid (an older keel's) still undoes"
else
	diag "not root: the owner checks need chown"
fi

done_testing
