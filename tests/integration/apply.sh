#!/bin/sh
# apply.sh: keel apply, status, history, rollback and uninstall on real
# target roots: levels stack, supersedes, downgrades, dry runs, byte-exact
# rollback and uninstall, the lock, and refusals that change nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/apply_fixture.sh"
need_pki
make_apply_fixture
R=$TMP/root
cp -a "$TMP/base" "$R"
tree_state "$R" >"$TMP/s0"

# --- a dry run and the first apply ------------------------------------
run "$KEEL" apply --root "$R" --dry-run "$PACK1"
ok $rc "apply --dry-run succeeds"
grep -q "replace  usr/sbin/keel-tool" "$TMP/out" &&
	grep -q "install  boot/keel/keel-hv-1.0" "$TMP/out" &&
	grep -q "mkdir    lib/systemd/" "$TMP/out"
ok $? "apply --dry-run lists what it would install, replace and create"
tree_state "$R" | cmp -s - "$TMP/s0" && [ ! -e "$R/var/lib/keel" ]
ok $? "apply --dry-run changes nothing, not even keel's state directory"

expect_fail 2 "add --yes" "apply without a terminal and without --yes is refused" \
	"$KEEL" apply --root "$R" "$PACK1" </dev/null
[ ! -e "$R/var/lib/keel" ]
ok $? "the unconfirmed apply left no trace"

run "$KEEL" apply --root "$R" --yes "$PACK1"
ok $rc "apply 1.0.0"
grep -q "applied to $R in transaction 1: 2 files installed, 2 replaced, 0 removed" "$TMP/out"
ok $? "apply says what it did"
grep -q "not the running system" "$TMP/err"
ok $? "apply --root says the target's CPU cannot be checked from here"
[ -L "$R/lib" ] && [ "$(readlink "$R/lib")" = usr/lib ] &&
	cmp -s "$R/usr/lib/systemd/system/keel.service" "$TMP/src/unit"
ok $? "a path through the target's own symlink (lib -> usr/lib) lands inside the target"
[ "$(stat -c %a "$R/usr/sbin/keel-tool")" = 755 ] && [ -f "$R/etc/keel/link" ] &&
	[ ! -L "$R/etc/keel/link" ] && [ "$(stat -c %a "$R/etc/keel/link")" = 600 ]
ok $? "installed files have the manifest's modes; a symlink in the way is replaced by the file"
tree_state "$R" >"$TMP/s1"
! ls -a "$R/usr/sbin" "$R/boot/keel" | grep -q 'keel-\(new\|undo\|tmp\)'
ok $? "no staging files are left behind"

run "$KEEL" apply --root "$R" --yes "$PACK1"
[ $rc -eq 0 ] && grep -q "already installed" "$TMP/out" && tree_state "$R" | cmp -s - "$TMP/s1"
ok $? "re-applying the installed version says so and changes nothing"
run "$KEEL" apply --root "$R" --yes --json "$PACK1"
grep -Eq '"changed": ?false' "$TMP/out" && grep -Eq '"kind": ?"same"' "$TMP/out"
ok $? "apply --json reports changed: false for the installed version"

# A damaged copy of the installed version is refused before any "nothing
# to do": the signed manifest intact, one byte of a payload file changed
# inside the tar (gzip'd again), or data after the tar's end.
gzip -dc "$PACK1" >"$TMP/same.tar"
off=$(grep -obaF 'echo tool 1.0' "$TMP/same.tar" | head -n 1 | cut -d: -f1)
printf E | dd of="$TMP/same.tar" bs=1 seek="$off" conv=notrunc 2>/dev/null
gzip -n <"$TMP/same.tar" >"$TMP/same-flipped.ksp"
gzip -dc "$PACK1" >"$TMP/same.tar"
{ cat "$TMP/same.tar"; printf 'hidden data'; } | gzip -n >"$TMP/same-trailing.ksp"
state1=$(tree_sum "$R/var/lib/keel")
for opt in --yes --dry-run --json; do
	expect_fail 3 "same-flipped.ksp: usr/sbin/keel-tool does not match the SHA-256" \
		"re-applying the installed version from a pack with a changed byte is refused ($opt)" \
		"$KEEL" apply --root "$R" --yes $opt "$TMP/same-flipped.ksp"
	tree_state "$R" | cmp -s - "$TMP/s1" && [ "$(tree_sum "$R/var/lib/keel")" = "$state1" ]
	ok $? "  and changes nothing, keel's state directory included"
done
grep -Eq '"exit_code": ?3' "$TMP/out" && grep -q 'keel-tool does not match' "$TMP/out"
ok $? "  with --json the refusal is a JSON answer naming the file"
expect_fail 3 "same-trailing.ksp" \
	"re-applying the installed version from a pack with data after its end is refused" \
	"$KEEL" apply --root "$R" --yes "$TMP/same-trailing.ksp"
tree_state "$R" | cmp -s - "$TMP/s1" && [ "$(tree_sum "$R/var/lib/keel")" = "$state1" ]
ok $? "  and changes nothing"
# A dry run installs nothing, so no staging read would find the damage:
# it reads the whole pack itself.
expect_fail 3 "same-flipped.ksp: usr/sbin/keel-tool does not match the SHA-256" \
	"a dry run of a damaged pack on a target without keel is refused" \
	"$KEEL" apply --root "$TMP/base" --dry-run "$TMP/same-flipped.ksp"

# --- SP2 on top, supersedes, downgrade ----------------------------------
run "$KEEL" apply --root "$R" --yes --json "$PACK2"
ok $rc "apply 1.1.0 over 1.0.0"
grep -Eq '"kind": ?"upgrade"' "$TMP/out" && grep -Eq '"remove": ?2' "$TMP/out"
ok $? "apply --json reports an upgrade that takes back the superseded level's files"
[ ! -e "$R/boot/keel/keel-hv-1.0" ] && [ ! -e "$R/usr/lib/systemd/system" ] &&
	[ -f "$R/boot/keel/keel-hv-1.1" ] && [ "$(stat -c %a "$R/usr/sbin/keel-tool")" = 750 ] &&
	[ -L "$R/etc/keel/link" ]
ok $? "the superseded level's files and emptied directories are gone, what it replaced is back"
tree_state "$R" >"$TMP/s2"

expect_fail 10 "older than the installed 1.1.0.*--allow-downgrade" \
	"an older pack is refused" "$KEEL" apply --root "$R" --yes "$PACK1"
tree_state "$R" | cmp -s - "$TMP/s2"
ok $? "the refused downgrade changed nothing"

run "$KEEL" status --root "$R" --json
[ $rc -eq 0 ] && [ "$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$TMP/out" | tr '\n' ' ')" = "1.1.0 1.0.0 " ]
ok $? "status --json lists the levels, running one first"
grep -q '"signer": "CN=keel test signer' "$TMP/out" && grep -Eq '"interrupted": ?false' "$TMP/out"
ok $? "status --json names the signer and no interrupted transaction"
run "$KEEL" status --root "$R"
grep -q "^Installed: *keel 1.1.0 (service-pack level 2), transaction 2" "$TMP/out" &&
	grep -q "^Below it: *keel 1.0.0" "$TMP/out"
ok $? "status shows the installed level and the one below"

# --- rollback, byte for byte --------------------------------------------
run "$KEEL" rollback --root "$R" --dry-run
[ $rc -eq 0 ] && grep -q "restore  usr/sbin/keel-tool" "$TMP/out" &&
	grep -q "remove   usr/share/keel/data/blob" "$TMP/out" && tree_state "$R" | cmp -s - "$TMP/s2"
ok $? "rollback --dry-run lists the changes and makes none"
run "$KEEL" rollback --root "$R" --yes
ok $rc "rollback"
tree_state "$R" | cmp -s - "$TMP/s1"
ok $? "after rollback the tree equals the tree under 1.0.0: content, modes, owners, symlinks"
run "$KEEL" apply --root "$R" --yes "$PACK2"
ok $rc "1.1.0 applies again after its rollback"
tree_state "$R" | cmp -s - "$TMP/s2"
ok $? "and gives the same tree as the first time"

# --- uninstall -------------------------------------------------------------
run "$KEEL" uninstall --root "$R" --yes
ok $rc "uninstall"
tree_state "$R" | cmp -s - "$TMP/s0"
ok $? "after uninstall the tree is the one before keel (the old tool and the symlink are back)"
[ -L "$R/etc/keel/link" ] && [ "$(readlink "$R/etc/keel/link")" = /nonexistent/target ]
ok $? "the replaced symlink is restored with its target"
ls "$R/var/lib/keel/tx" | grep -q . && grep -Eq '"action": ?"restore"' "$R/var/lib/keel/tx/5.json" &&
	[ -z "$(ls -A "$R/var/lib/keel/backup")$(ls -A "$R/var/lib/keel/installed")" ]
ok $? "the state directory keeps the record of what uninstall did, and no backups"
run "$KEEL" status --root "$R"
grep -q "keel is not installed on $R" "$TMP/out"
ok $? "status says keel is not installed"
expect_fail 10 "nothing to roll back" "rollback with nothing installed is refused" \
	"$KEEL" rollback --root "$R" --yes
run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 0 ] && grep -q "nothing to do" "$TMP/out"
ok $? "uninstall with nothing installed does nothing, successfully"
run "$KEEL" uninstall --root "$R" --yes --json
[ $rc -eq 0 ] && grep -Eq '"changed": ?false' "$TMP/out" && grep -Fq "\"root\": \"$R\"" "$TMP/out"
ok $? "uninstall --json with nothing installed answers changed: false"

run "$KEEL" history --root "$R" --json
[ "$(grep -c '"outcome": "completed"' "$TMP/out")" = 5 ] &&
	[ "$(sed -n 's/^ *"op": "\(.*\)",*$/\1/p' "$TMP/out" | tr '\n' ' ')" = "apply apply rollback apply uninstall " ]
ok $? "history --json lists the five transactions, all completed"
run "$KEEL" history --root "$R"
grep -Eq "^3 +[0-9T:Z-]+ +rollback +1.1.0 +completed" "$TMP/out"
ok $? "history shows one line per transaction"

# --- downgrade on request --------------------------------------------------
run "$KEEL" apply --root "$R" --yes "$PACK2"
run "$KEEL" apply --root "$R" --yes --allow-downgrade --json "$PACK1"
[ $rc -eq 0 ] && grep -Eq '"kind": ?"downgrade"' "$TMP/out" && [ -f "$R/boot/keel/keel-hv-1.0" ]
ok $? "--allow-downgrade installs the older pack as a new level"
run "$KEEL" rollback --root "$R" --yes
tree_state "$R" | cmp -s - "$TMP/s2"
ok $? "rolling the downgrade back returns to 1.1.0 exactly"
"$KEEL" uninstall --root "$R" --yes >/dev/null 2>&1

# --- refusals that change nothing -----------------------------------------
cp "$PACK2" "$TMP/bad.ksp"
printf 'X' | dd of="$TMP/bad.ksp" bs=1 seek=2000 conv=notrunc 2>/dev/null
before=$(tree_sum "$R")
run "$KEEL" apply --root "$R" --yes "$TMP/bad.ksp"
{ [ $rc -eq 3 ] || [ $rc -eq 4 ]; } && grep -q "bad.ksp" "$TMP/err"
ok $? "a damaged pack is refused (exit $rc), naming it"
[ "$(tree_sum "$R")" = "$before" ]
ok $? "the damaged pack changed nothing, journal included"

# A pack replaced while keel asks for confirmation (between its verifying
# read and the read that stages the files): refused, and undone.
cp "$PACK1" "$TMP/swap.ksp"
tree_state "$R" >"$TMP/swap.before"
mkfifo "$TMP/answer"
script -qfec "'$KEEL' apply --root '$R' '$TMP/swap.ksp'" /dev/null \
	<"$TMP/answer" >"$TMP/swap.out" 2>&1 &
swap_pid=$!
exec 3>"$TMP/answer"
n=0
until grep -q "Apply .*\[y/N\]" "$TMP/swap.out" || [ $n -ge 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
cp "$PACK2" "$TMP/swap.ksp"
echo y >&3
exec 3>&-
wait $swap_pid
rc=$?
[ $rc -eq 3 ] && grep -q "swap.ksp changed while it was being installed" "$TMP/swap.out"
ok $? "a pack replaced between the verifying and the staging read is refused"
[ $rc -eq 3 ] || diag "exit $rc:" "$(cat "$TMP/swap.out")"
tree_state "$R" | cmp -s - "$TMP/swap.before" &&
	"$KEEL" history --root "$R" | grep -q "apply .*failed, undone"
ok $? "nothing of it stays: the tree is as before, history shows the apply failed and undone"

printf 'x' >"$TMP/notdir"
expect_fail 2 "is not a directory" "a target that is not a directory is refused" \
	"$KEEL" apply --root "$TMP/notdir" --yes "$PACK1"

R2=$TMP/root2
cp -a "$TMP/base" "$R2"
mkdir -p "$R2/usr/sbin/keel-tool.d" && rm "$R2/usr/sbin/keel-tool" && mkdir "$R2/usr/sbin/keel-tool"
before=$(tree_sum "$R2")
expect_fail 10 "is a directory or a special file.*move it aside" \
	"a directory where the pack puts a file is refused" \
	"$KEEL" apply --root "$R2" --yes "$PACK1"
[ "$(tree_sum "$R2")" = "$before" ]
ok $? "that refusal changed nothing"

# An absolute symlink in the target is resolved inside the target: the
# file lands below R5$TMP/sentinel, and $TMP/sentinel on this machine,
# where the same link would lead from outside, stays byte for byte.
R5=$TMP/root5
cp -a "$TMP/base" "$R5"
mkdir -p "$TMP/sentinel/systemd" "$R5$TMP/sentinel"
printf 'outside\n' >"$TMP/sentinel/systemd/keep"
rm "$R5/lib" && ln -s "$TMP/sentinel" "$R5/lib"
sentinel() { find "$TMP/sentinel" -printf '%p %y %m %n %s %l\n' | LC_ALL=C sort; cat "$TMP/sentinel/systemd/keep"; }
sentinel >"$TMP/sentinel.0"
run "$KEEL" apply --root "$R5" --yes "$PACK1"
[ $rc -eq 0 ] && cmp -s "$R5$TMP/sentinel/systemd/system/keel.service" "$TMP/src/unit"
ok $? "a path through an absolute symlink in the target lands inside the target"
sentinel | cmp -s - "$TMP/sentinel.0"
ok $? "  and nothing is written where that symlink leads outside the target"

# --- one installer at a time ------------------------------------------------
R3=$TMP/root3
cp -a "$TMP/base" "$R3"
"$KEEL" apply --root "$R3" --yes "$PACK1" >/dev/null 2>&1
exec 9>>"$R3/var/lib/keel/lock"
flock -x 9
expect_fail 9 "another keel is changing" "--no-wait fails at once while another keel holds the lock" \
	"$KEEL" apply --root "$R3" --yes --no-wait "$PACK2"
"$KEEL" apply --root "$R3" --yes "$PACK2" >"$TMP/wait.out" 2>"$TMP/wait.err" &
waiter=$!
sleep 1
grep -q "waiting for it to finish" "$TMP/wait.err" && kill -0 $waiter 2>/dev/null
ok $? "without --no-wait a second keel says it waits, and waits"
flock -u 9
exec 9>&-
wait $waiter
ok $? "once the lock is free the waiting keel goes ahead"
grep -q "applied to $R3" "$TMP/wait.out"
ok $? "and applies its pack"

# --- the processor check on the running system ---------------------------
# Only a dry run on /: it must refuse this machine exactly as check-cpu
# judges it, and write nothing either way.
"$KEEL" check-cpu >/dev/null 2>&1
verdict=$?
if [ $verdict -eq 6 ] || [ $verdict -eq 7 ]; then
	expect_fail $verdict "cannot run keel-hv|switched off in the firmware" \
		"apply on the running system refuses this CPU as check-cpu does (exit $verdict)" \
		"$KEEL" apply --root / --dry-run --keyring "$PKI/root.pem" "$PACK1"
	run "$KEEL" apply --root / --dry-run --skip-cpu-check --keyring "$PKI/root.pem" "$PACK1"
	[ $rc -eq 0 ] && grep -q "Dry run: nothing was changed" "$TMP/out"
	ok $? "--skip-cpu-check goes on past the CPU check (dry run)"
else
	diag "check-cpu exits $verdict here: a CPU refusal cannot be shown on this machine"
fi

# --- read-only and full file systems (needs user namespaces) ----------------
if unshare -rm true 2>/dev/null; then
	R4=$TMP/root4
	cp -a "$TMP/base" "$R4"
	before=$(tree_sum "$R4")
	run unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" &&
		exec "$2" apply --root "$1" --yes "$3"' sh "$R4" "$KEEL" "$PACK1"
	[ $rc -eq 1 ] && grep -q "is mounted read-only: remount it read-write" "$TMP/err"
	ok $? "a read-only target is refused with the remedy"
	[ "$(tree_sum "$R4")" = "$before" ]
	ok $? "the read-only target is unchanged"

	mkdir "$TMP/small"
	run unshare -rm sh -c 'mount -t tmpfs -o size=64k keeltest "$1" && cp -a "$2"/. "$1" &&
		"$3" apply --root "$1" --yes "$4"; rc=$?; find "$1" | sort >"$5"; exit $rc' \
		sh "$TMP/small" "$TMP/base" "$KEEL" "$PACK2" "$TMP/small.list"
	[ $rc -eq 1 ] && grep -q "not enough free space for .*free some space and try again. Nothing was changed." "$TMP/err"
	ok $? "a full disk is refused before anything is written"
	(cd "$TMP/base" && find . | sed "s|^\.|$TMP/small|" | sort) | cmp -s - "$TMP/small.list"
	ok $? "the full disk holds exactly what it held before"

	# A subdirectory of a protected area bind-mounted where the pack
	# writes (PACK2 installs usr/share/keel/data/blob): ".." from the
	# mount leaves the area unseen, so keel looks where the mount comes
	# from. A bind mount of an unprotected directory is no alias.
	R6=$TMP/root6
	cp -a "$TMP/base" "$R6"
	mkdir -p "$R6/boot/grub/fonts" "$R6/usr/share/keel/data" "$R6/srv/data"
	printf 'set default=0\n' >"$R6/boot/grub/grub.cfg"
	bound() {  # bound SOURCE-IN-R6 ARGS...: keel ARGS with SOURCE on data
		_src=$1
		shift
		run unshare -rm sh -c 'mount --bind "$1/$2" "$1/usr/share/keel/data" &&
			shift 2 && exec "$@"' sh "$R6" "$_src" "$KEEL" "$@" --root "$R6"
	}
	before=$(tree_sum "$R6")
	bound boot/grub/fonts apply --yes "$PACK2"
	[ $rc -eq 10 ] && grep -q "make a path into GRUB's menu.*$R6/boot/grub" "$TMP/err" &&
		[ "$(tree_sum "$R6")" = "$before" ]
	ok $? "a bind mount of a subdirectory of boot/grub where the pack writes is refused, nothing changed"
	mkdir -p "$R6/var/lib/keel/spare"
	bound var/lib/keel/spare apply --dry-run "$PACK2"
	[ $rc -eq 10 ] && grep -q "make a path into keel's own state" "$TMP/err"
	ok $? "  and one of a subdirectory of keel's state directory"
	bound srv/data apply --dry-run "$PACK2"
	[ $rc -eq 0 ]
	ok $? "a bind mount of an unprotected directory there is no alias"
else
	diag "unshare -rm is not permitted here: read-only and full-disk cases skipped"
fi
done_testing
