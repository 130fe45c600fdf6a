#!/bin/sh
# ansible_rollout.sh: contrib/ansible's rollout.yml and rollback.yml with
# real boots. The server of tests/e2e/server.sh (a BIOS disk image: GRUB 2,
# grub-mkconfig's grub.cfg, Debian's kernel, keel) is the target, through
# keel --root on its root directory; keel_reboot_command boots its disk
# under QEMU (AMD-V) through its own GRUB, where the server's
# keel-commit.service command commits the trial, and reads the disk back.
# The playbooks must then find keel-1.0.0 committed, and after the
# rollback the server's boot chain as it was; a keel-hv that panics in its
# trial boot must leave the host reported failed, the trial not completed.
#
# With --boot SRV UUID SECTORS OUT it is that command: a power cycle of
# the server in SRV: a boot, and when the machine reset itself before the
# root session's end, the next boot, as real hardware would (QEMU runs
# with -no-reboot); serial logs kept as OUT/boot-N.log; exit 0 when a root
# session reached its end.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/server.sh"
. "$top_srcdir/tests/e2e/steps.sh"

if [ "${1-}" = --boot ]; then
	SRV=$2 SRV_UUID=$3 SRV_SECTORS=$4 SRV_EMU=qemu
	PATH=$PATH:/usr/sbin:/sbin
	n=1
	while [ -e "$5/boot-$n.log" ]; do n=$((n + 1)); done
	for try in 1 2; do
		server_boot "$SRV" boot || exit 1
		cp "$TMP/boot.log" "$5/boot-$n.log"
		echo "boot $n: GRUB booted '$(server_chose "$TMP/boot.log")'," \
			"$(server_mode "$TMP/boot.log") (QEMU exit $qemu_rc, ${qemu_secs}s)"
		n=$((n + 1))
		[ "$qemu_rc" -eq 0 ] || exit 1
		! grep -q '^KEEL-E2E-END' "$TMP/boot.log" || exit 0
	done
	exit 1
fi

# KEEL_ECOSYSTEM=0 skips it, as ansible.sh (tools/check.sh: once).
[ "${KEEL_ECOSYSTEM:-1}" != 0 ] || skip_all "KEEL_ECOSYSTEM=0"
command -v ansible-playbook >/dev/null 2>&1 || skip_all "ansible-playbook is not installed"
lc_need
SRV_EMU=qemu
AN=$top_srcdir/contrib/ansible
DEBIAN="Debian GNU/Linux"

server_root "$SRV" "$E2E_KCMD" || lc_bail "cannot make the server's root"
server_boot_sectors || lc_bail "cannot make GRUB's boot sectors"
server_pack 1.0.0 1 "$TMP/keel-1.0.0.ksp" || lc_bail "cannot make keel-1.0.0.ksp"
server_chain "$SRV" >"$TMP/chain.orig" && server_env "$SRV" >"$TMP/env.orig" ||
	lc_bail "cannot list the server's boot chain"

mkdir -p "$TMP/home" "$TMP/boots"
: >"$TMP/ansible.cfg"
export HOME=$TMP/home ANSIBLE_CONFIG=$TMP/ansible.cfg \
	ANSIBLE_LOCAL_TEMP=$TMP/ansible/local ANSIBLE_REMOTE_TEMP=$TMP/ansible/remote \
	ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_NOCOLOR=1 \
	ANSIBLE_SHOW_CUSTOM_STATS=True ANSIBLE_STDOUT_CALLBACK=default \
	ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_LOCALHOST_WARNING=False
# The CPU is QEMU's EPYC with SVM: no dump of it to check, so keel-hv
# decides at boot (keel_check_cpu false), as the role offers for images.
cat >"$TMP/inventory.yml" <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: /usr/bin/python3
    ansible_become: false
  children:
    keel:
      hosts:
        server:
          keel_command: $KEEL
          keel_root: $SRV
          keel_pack: $TMP/keel-1.0.0.ksp
          keel_pack_dir: $TMP/incoming
          keel_check_cpu: false
          keel_reboot: true
          keel_reboot_command: [env, "top_srcdir=$top_srcdir", "top_builddir=$top_builddir",
            sh, "$top_srcdir/tests/e2e/ansible_rollout.sh", --boot, "$SRV", "$SRV_UUID",
            "$SRV_SECTORS", "$TMP/boots"]
EOF
# play NAME ARG...: ansible-playbook NAME.yml; $rc, $secs, log in $_log.
play() {
	_log=$TMP/$1.log _t0=$(date +%s) _n=$1
	shift
	(cd "$TMP" && LC_ALL=C.UTF-8 ansible-playbook -i "$TMP/inventory.yml" \
		"$AN/$_n.yml" "$@") >"$_log" 2>&1
	rc=$? secs=$(($(date +%s) - _t0))
}
show_log() { diag "ansible-playbook exit $rc; the end of $_log:" "$(tail -n 30 "$_log")"; }
outcome() { grep '^[[:space:]]*RUN: { "keel":' "$_log" | grep -Eq "\"server\": \"$1"; }

# --- rollout.yml: apply, boot the trial, find it committed ---------------
play rollout
ok $rc "rollout.yml: apply, reboot (QEMU boots the server's disk), confirm ($secs s)"
[ $rc -eq 0 ] || show_log
L=$TMP/boots/boot-1.log
[ -f "$L" ] || L=/dev/null
lc_booted boots/boot-1 "$(lc_title 1.0.0)" hv "the boot took the trial entry keel-1.0.0; keel-hv ran below the root session"
ok_step "$L" unit 0 "the server's keel-commit.service command committed the trial" \
	"keel-1\\.0\\.0 is now GRUB's default"
outcome "ok: applied keel 1\\.0\\.0 .*; rebooted; now keel 1\\.0\\.0 installed .*boot: committed"
ok $? "the play reports: applied, rebooted, keel 1.0.0 committed"
lc_status "committed: keel-1\\.0\\.0 is GRUB's default" "keel status --root on the disk read back: committed"

# --- rollback.yml: roll back, boot, find the server as it was ------------
play rollback -e keel_rollback_version=1.0.0
ok $rc "rollback.yml: rollback, reboot, status ($secs s)"
[ $rc -eq 0 ] || show_log
L=$TMP/boots/boot-2.log
[ -f "$L" ] || L=/dev/null
lc_booted boots/boot-2 "$DEBIAN" native "the boot after the rollback is Debian's own entry, without keel-hv"
outcome "ok: rolled back keel 1\\.0\\.0; rebooted; now keel is not installed"
ok $? "the play reports: rolled back, rebooted, keel not installed"
lc_same_chain "after rollback.yml"

# --- a keel-hv that panics: the trial resets, the old default boots -------
server_pack 1.2.0 3 "$TMP/keel-1.2.0.ksp" test-panic || lc_bail "cannot make keel-1.2.0.ksp"
play rollout -e keel_pack=$TMP/keel-1.2.0.ksp
[ $rc -eq 2 ]
ok $? "rollout.yml of keel-1.2.0, whose keel-hv panics, fails ($secs s)"
[ $rc -eq 2 ] || show_log
[ "$(server_chose "$TMP/boots/boot-3.log")" = "$(lc_title 1.2.0)" ] &&
	grep -q '^keel-hv: panic: "test-panic"' "$TMP/boots/boot-3.log" &&
	! grep -q '^KEEL-E2E-USERSPACE' "$TMP/boots/boot-3.log"
ok $? "the trial boot took keel-1.2.0, whose keel-hv panicked and reset the machine"
lc_booted boots/boot-4 "$DEBIAN" native "the next boot is Debian's own entry by itself"
outcome 'FAILED at .+Confirm [|] the pack.s version is installed and committed.*: after the boot: keel 1\.2\.0 installed .*the trial boot did not complete'
st=$?
ok $st "the play reports the host failed: the trial boot of keel-1.2.0 did not complete"
[ $st -eq 0 ] || diag "$(grep -A2 'CUSTOM STATS' "$_log")"
# rollback.yml's boot back and its second run (nothing to roll back)
# were shown above with 1.0.0 and in ansible.sh: not again (CI time).

done_testing
