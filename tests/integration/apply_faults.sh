#!/bin/sh
# apply_faults.sh: crash safety, proven: apply, upgrade, rollback and
# uninstall, and an apply and a rollback that change GRUB's files, are
# interrupted at every write, fsync, rename, link, unlink and mkdir in
# turn (killed, or failed with EIO/ENOSPC). After the next
# keel command the target must be exactly the tree before or the tree after,
# and keel's state must say which.
# Thousands of fsyncs: on tmpfs they cost nothing, and what is proven
# here is the order of steps, not the disk's.
[ -z "${TMPDIR-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && TMPDIR=/dev/shm
. "$top_srcdir/tests/lib.sh"
# KEEL_FAULT_STRIDE=N tries every Nth fault point only, from the
# KEEL_FAULT_FIRST th (tools/check.sh: the gcc stage tries them all, the
# others a share, a different one from day to day).
STRIDE=${KEEL_FAULT_STRIDE:-1} FIRST=${KEEL_FAULT_FIRST:-1}
case $STRIDE in [1-9] | [1-9][0-9]) ;; *) echo "Bail out! KEEL_FAULT_STRIDE=$STRIDE: give 1 to 99"; exit 1 ;; esac
case $FIRST in [1-9] | [1-9][0-9]) ;; *) echo "Bail out! KEEL_FAULT_FIRST=$FIRST: give 1 to 99"; exit 1 ;; esac
. "$top_srcdir/tests/integration/apply_fixture.sh"
need_shim
need_pki
make_apply_fixture
points=0
W=$TMP

# The installed version keel reports ("none" without levels).
version_of() {  # version_of ROOT
	"$KEEL" status --root "$1" --json >"$W/status.json" 2>"$W/status.err" ||
		{ echo "status-failed"; return; }
	v=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$W/status.json" | head -n1)
	echo "${v:-none}"
}

# keel's own records agree with its levels: an installed manifest and a
# backup store for each level, nothing else, no transaction left open.
state_agrees() {  # state_agrees ROOT
	st=$1/var/lib/keel
	txs=$(sed -n 's/^ *"tx": \([0-9]*\),*$/\1/p' "$W/status.json" | sort -n | tr '\n' ' ')
	[ -d "$st" ] || { [ -z "$txs" ]; return; }
	inst=$(ls "$st/installed" 2>/dev/null | sed -n 's/^\([0-9]*\)\.json$/\1/p' | sort -n | tr '\n' ' ')
	back=$(ls "$st/backup" 2>/dev/null | sort -n | tr '\n' ' ')
	[ "$inst" = "$txs" ] && [ "$back" = "$txs" ] &&
		! ls "$st/installed" 2>/dev/null | grep -qv '^[0-9]*\.json\(\.p7s\)\{0,1\}$' &&
		grep -Eq '"interrupted": ?false' "$W/status.json"
}

# scenario NAME START-ROOT KEEL-ARGS...: every fault point of the command,
# in its own directory $W; prints "ok"/"not ok" lines and diagnostics to
# $W/result, so scenarios can run side by side.
scenario() {
	name=$1 start=$2
	shift 2
	W=$TMP/$(echo "$name" | tr -c 'a-z0-9\n' '_')
	mkdir -p "$W"
	exec 3>"$W/result"
	tree_state "$start" >"$W/before"
	v_before=$(version_of "$start")
	rm -rf "$W/work" && cp -a "$start" "$W/work"
	KEEL_FAULT_COUNT=$W/count LD_PRELOAD=$SHIM "$KEEL" "$@" --root "$W/work" \
		>/dev/null 2>"$W/err"
	rc=$?
	[ $rc -eq 11 ] && rc=0  # done, reboot required: the boot chain changed
	result $rc "$name: runs cleanly under the shim"
	total=$(cat "$W/count")
	tree_state "$W/work" >"$W/after"
	v_after=$(version_of "$W/work")
	! cmp -s "$W/before" "$W/after"
	result $? "$name: changes the tree ($v_before -> $v_after)"
	bad=0 n=$FIRST tried=0
	while [ "$n" -le "$total" ]; do
		tried=$((tried + 2))
		errno=eio
		# EIO and ENOSPC alternate from one point tried to the next.
		[ $((tried / 2 % 2)) -eq 0 ] && errno=enospc
		for action in kill $errno; do
			rm -rf "$W/work" && cp -a "$start" "$W/work"
			KEEL_FAULT_AT=$n KEEL_FAULT_ACTION=$action LD_PRELOAD=$SHIM \
				"$KEEL" "$@" --root "$W/work" >/dev/null 2>&1
			v=$(version_of "$W/work")
			tree_state "$W/work" >"$W/now"
			if { cmp -s "$W/now" "$W/before" && [ "$v" = "$v_before" ]; } ||
			   { cmp -s "$W/now" "$W/after" && [ "$v" = "$v_after" ]; }; then
				state_agrees "$W/work" && continue
				echo "# $name: $action at call $n: keel's records disagree with its levels" >&3
			else
				echo "# $name: $action at call $n: neither before nor after (version $v)" >&3
				diff "$W/before" "$W/now" | head -n 20 | sed 's/^/# /' >&3
				sed 's/^/# /' "$W/status.err" >&3
			fi
			bad=$((bad + 1))
		done
		n=$((n + STRIDE))
	done
	echo "# $name: $tried fault points" >&3
	# A shim that counted nothing (or garbage) leaves the loop unrun:
	# that proves nothing, so it fails.
	[ "$tried" -gt 0 ] ||
		{ echo "# $name: no fault point tried (calls counted: '$total')" >&3; bad=1; }
	if [ "$STRIDE" -eq 1 ]; then
		result $bad "$name: every one of $total fault points, killed and failed, leaves before or after"
	else
		result $bad "$name: fault points $FIRST, $((FIRST + STRIDE)), ... of $total, killed and failed, leave before or after"
	fi
	exec 3>&-
}

result() {  # result STATUS DESCRIPTION: for the main shell to report
	if [ "$1" -eq 0 ]; then echo "PASS $2" >&3; else echo "FAIL $2" >&3; fi
}

run_ok() {  # run_ok ROOT ARGS...: a step that builds a scenario's start
	r=$1
	shift
	"$KEEL" "$@" --root "$r" --yes >/dev/null 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; echo "Bail out! keel $* failed"; exit 1; }
}

cp -a "$TMP/base" "$TMP/s1" && run_ok "$TMP/s1" apply "$PACK1"
cp -a "$TMP/s1" "$TMP/s2" && run_ok "$TMP/s2" apply "$PACK2"
# The administrator edited a file of keel's since: uninstall keeps the
# edit as usr/sbin/keel-tool.keel-old, a file of the same transaction.
cp -a "$TMP/s2" "$TMP/s3"
printf '#!/bin/sh\necho my local fix\n' >"$TMP/s3/usr/sbin/keel-tool"

# Two at a time: the CI machine has two cores.
scenario "apply 1.0.0 to a fresh target" "$TMP/base" apply --yes "$PACK1" &
scenario "apply 1.1.0 over 1.0.0" "$TMP/s1" apply --yes "$PACK2"
wait
scenario "rollback 1.1.0" "$TMP/s2" rollback --yes &
scenario "uninstall" "$TMP/s2" uninstall --yes
wait
scenario "uninstall that keeps an edited file" "$TMP/s3" uninstall --yes
edit_sum=$(sha256sum <"$TMP/s3/usr/sbin/keel-tool" | cut -d' ' -f1)
grep -qx "$edit_sum  \./usr/sbin/keel-tool\.keel-old" \
	"$TMP/uninstall_that_keeps_an_edited_file/after"
ok $? "that uninstall kept the edit as keel-tool.keel-old"
# The boot chain: custom.cfg, grubenv, the commit unit and the kernel
# hooks are files of the same transaction.
want=16
if unshare -rm true 2>/dev/null && [ -x /etc/grub.d/10_linux ]; then
	. "$top_srcdir/tests/integration/boot_fixture.sh"
	pack 1.0.0 1 "$TMP/boot10.ksp"
	fixture grub FX_CUSTOM_CFG='# the administrator'"'"'s line'
	mkdir -p "$R/etc/systemd/system" "$R/etc/kernel/postinst.d" \
		"$R/etc/kernel/postrm.d"
	keel_on_target "$R"   # what the commit unit runs
	cp -a "$R" "$TMP/g1"
	"$KEEL" apply --root "$TMP/g1" --yes "$TMP/boot10.ksp" >/dev/null 2>&1
	[ $? -eq 11 ] || { echo "Bail out! the boot pack does not apply"; exit 1; }
	scenario "apply 1.0.0 with its GRUB entry" "$R" apply --yes "$TMP/boot10.ksp" &
	scenario "rollback of the GRUB entry" "$TMP/g1" rollback --yes
	wait
	want=22
else
	ok 0 "the boot-chain scenarios # SKIP unshare -rm or grub-common missing"
	want=17
fi
for f in "$TMP"/*/result; do
	while IFS= read -r line; do
		case $line in
		"PASS "*) ok 0 "${line#PASS }" ;;
		"FAIL "*) ok 1 "${line#FAIL }" ;;
		"# "*" fault points") n=${line##*: }; points=$((points + ${n%% *})) ;;
		*) echo "$line" ;;
		esac
	done <"$f"
done
[ "$tap_n" -eq "$want" ]
ok $? "all scenarios reported"
diag "fault points exercised: $points"
done_testing
