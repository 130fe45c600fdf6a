#!/bin/sh
# ansible.sh: the Ansible role and playbooks of contrib/ansible, run by
# Debian's ansible-playbook against target roots on this machine (local
# connection, keel --root): rollout.yml in serial batches over four hosts
# and offline.yml over four images of one staging host. A target whose
# CPU cannot run keel-hv and one given a tampered pack fail, are named with
# why, and stay byte for byte as they were, while the others are applied
# (one that had the pack already: not a byte changed); rollback.yml then
# returns those to where they were. The boots are tests/e2e/ansible_rollout.sh's.
# KEEL_ECOSYSTEM=0 skips it: the plays drive keel as any build would, so
# tools/check.sh runs them once, in the gcc stage.
. "$top_srcdir/tests/lib.sh"
[ "${KEEL_ECOSYSTEM:-1}" != 0 ] || skip_all "KEEL_ECOSYSTEM=0"
command -v ansible-playbook >/dev/null 2>&1 || skip_all "ansible-playbook is not installed"
. "$top_srcdir/tests/integration/boot_fixture.sh"
need_pki

AN=$top_srcdir/contrib/ansible
CPUID=${KEEL_TESTDATA:-$top_srcdir/../shared/testdata}/cpuid
MSR=$top_srcdir/tests/cpu
have_dumps=0
[ -f "$CPUID/AuthenticAMD0020FB1_K8_Manchester_CPUID.txt" ] && have_dumps=1

# ansible-playbook needs a UTF-8 locale; everything else it writes stays
# in $TMP: no configuration but this one, no retry files, no colours.
mkdir -p "$TMP/home" "$TMP/ansible"
: >"$TMP/ansible.cfg"
export HOME=$TMP/home ANSIBLE_CONFIG=$TMP/ansible.cfg \
	ANSIBLE_LOCAL_TEMP=$TMP/ansible/local ANSIBLE_REMOTE_TEMP=$TMP/ansible/remote \
	ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_RETRY_FILES_ENABLED=False \
	ANSIBLE_NOCOLOR=1 ANSIBLE_SHOW_CUSTOM_STATS=True ANSIBLE_STDOUT_CALLBACK=default \
	ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_LOCALHOST_WARNING=False
# play NAME PLAYBOOK ARG...: ansible-playbook contrib/ansible/PLAYBOOK.yml
# with the test's inventory; its output in $TMP/NAME.log, its exit status
# and duration in $TMP/NAME.rc. Plays on disjoint targets may run at once.
play() {
	_n=$1 _p=$2 _t0=$(date +%s)
	shift 2
	(cd "$TMP" && LC_ALL=C.UTF-8 ansible-playbook -i "$TMP/inventory.yml" \
		"$AN/$_p.yml" "$@") >"$TMP/$_n.log" 2>&1
	echo "$? $(($(date +%s) - _t0))" >"$TMP/$_n.rc"
}
# played NAME: $rc, $secs and $_log of the play NAME.
played() {
	_log=$TMP/$1.log
	read -r rc secs <"$TMP/$1.rc"
}
# logged HOST PATTERN: the play's log says PATTERN on HOST's failure line.
logged() { grep -E "^fatal: \[$1\]: FAILED!.*$2" "$_log" >/dev/null; }

run env LC_ALL=C.UTF-8 ansible-playbook --syntax-check -i "$AN/inventory.example.yml" \
	"$AN/rollout.yml" "$AN/rollback.yml" "$AN/offline.yml"
ok $rc "ansible-playbook --syntax-check: rollout.yml, rollback.yml, offline.yml"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out" "$TMP/err")"

# --- the targets -------------------------------------------------------------
# One fixture made by Debian's grub-mkconfig scripts, copied to each root.
fixture base
mkdir -p "$R/etc/systemd/system"
keel_on_target "$R"   # what the commit unit runs
pack 1.0.0 1 "$TMP/keel-1.0.0.ksp"
# The tampered copy: one byte of the signed manifest (in the tar, before
# gzip) changed; the same name, in a directory of its own.
mkdir -p "$TMP/tampered-pack"
gzip -dc "$TMP/keel-1.0.0.ksp" >"$TMP/pack.tar"
off=$(grep -obaF '"version": "1.0.0"' "$TMP/pack.tar" | head -n 1 | cut -d: -f1)
printf 9 | dd of="$TMP/pack.tar" bs=1 seek=$((off + 16)) conv=notrunc status=none
gzip -n <"$TMP/pack.tar" >"$TMP/tampered-pack/keel-1.0.0.ksp"
cmp -s "$TMP/keel-1.0.0.ksp" "$TMP/tampered-pack/keel-1.0.0.ksp" &&
	{ echo "Bail out! the tampered pack is the pack"; exit 1; }

# In inventory order: rollout.yml's batches of two each hold a failure.
# img-same has keel 1.0.0 applied already.
HOSTS="good-a badcpu good-b tampered" IMAGES="img-tampered img-a img-badcpu img-same"
[ $have_dumps = 1 ] || HOSTS="good-a tampered good-b" IMAGES="img-tampered img-a img-same"
for t in $HOSTS $IMAGES; do
	cp -a "$TMP/base/root" "$TMP/$t"
	tree_state "$TMP/$t" >"$TMP/$t.state0"
	[ $t != img-same ] ||
		"$KEEL" apply --root "$TMP/$t" --yes "$TMP/keel-1.0.0.ksp" >/dev/null 2>&1
	tree_sum "$TMP/$t" >"$TMP/$t.sum0"
done

# cpu host|image KIND: the variables of the CPU a target's server has: its
# CPUID and MSR dumps (keel_cpuid_dump... for a host, cpuid_dump... for an
# image).
cpu() {
	_p=keel_
	[ "$1" = host ] || _p=
	if [ $have_dumps = 0 ]; then
		[ -z "$_p" ] || echo "keel_check_cpu: false"
		return
	fi
	case $2 in
	amd) echo "${_p}cpuid_dump: $CPUID/AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt"
	     echo "${_p}msr_dump: $MSR/svm-enabled.msr" ;;
	intel) echo "${_p}cpuid_dump: $CPUID/GenuineIntel0050654_SkylakeXeon_CPUID.txt"
	     echo "${_p}msr_dump: $MSR/vmx-enabled.msr" ;;
	k8) echo "${_p}cpuid_dump: $CPUID/AuthenticAMD0020FB1_K8_Manchester_CPUID.txt" ;;
	esac
}
# host NAME CPU [PACK]: a host of group keel: keel --root $TMP/NAME.
host() {
	cat <<EOF
        $1:
          keel_root: $TMP/$1
          keel_pack_dir: $TMP/incoming/$1
          keel_pack: ${3:-$TMP/keel-1.0.0.ksp}
EOF
	cpu host "$2" | sed 's/^/          /'
}
# image NAME CPU [PACK]: an image of the staging host, in $TMP/NAME.
image() {
	echo "            - name: $1"
	echo "              root: $TMP/$1"
	[ -z "${3-}" ] || echo "              pack: $3"
	cpu image "$2" | sed 's/^/              /'
}
{
	cat <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: /usr/bin/python3
    ansible_become: false
    keel_command: $KEEL
  children:
    keel:
      hosts:
EOF
	for t in $HOSTS; do
		case $t in
		good-a) host $t amd ;;
		good-b) host $t intel ;;
		badcpu) host $t k8 ;;
		tampered) host $t amd "$TMP/tampered-pack/keel-1.0.0.ksp" ;;
		esac
	done
	cat <<EOF
    staging:
      hosts:
        stage:
          keel_pack: $TMP/keel-1.0.0.ksp
          keel_pack_dir: $TMP/incoming/staging
EOF
	[ $have_dumps = 1 ] || echo "          keel_check_cpu: false"
	echo "          keel_images:"
	for t in $IMAGES; do
		case $t in
		img-a|img-same) image $t intel ;;
		img-badcpu) image $t k8 ;;
		img-tampered) image $t amd "$TMP/tampered-pack/keel-1.0.0.ksp" ;;
		esac
	done
} >"$TMP/inventory.yml"

# applied T: keel status --root says keel 1.0.0 is installed, its trial
# boot pending.
applied() {
	run "$KEEL" status --root "$TMP/$1" --json
	[ $rc -eq 0 ] && grep -q '"version": "1.0.0"' "$TMP/out" &&
		grep -q '"boot": "trial"' "$TMP/out"
}
# untouched T: T's tree is byte for byte what it was (keel's state too).
untouched() { [ "$(tree_sum "$TMP/$1")" = "$(cat "$TMP/$1.sum0")" ]; }
# outcome TARGET PATTERN: the custom stats at the end of the play give
# TARGET's outcome, matching PATTERN.
outcome() { grep '^[[:space:]]*RUN: { "keel":' "$_log" | grep -Eq "\"$1\": \"$2"; }
show_log() { diag "ansible-playbook exit $rc; the end of $_log:" "$(tail -n 40 "$_log")"; }

# rollout.yml over the hosts and offline.yml on the staging host, at once.
play rollout rollout -e keel_serial=2 -e keel_max_fail_percentage=50 &
play offline offline
wait

# --- rollout.yml: four hosts in batches of two ---------------------------
played rollout
st=0
[ $rc -eq 2 ] || st=1
ok $st "rollout.yml fails (exit 2: hosts failed), in $secs s"
[ $st -eq 0 ] || show_log
[ "$(grep -c '^PLAY \[Roll out a keel service pack\]' "$_log")" -eq 2 ] &&
	grep -Eq '^good-b +: ok=[0-9]+ +changed=[1-9][0-9]* .* failed=0 ' "$_log"
ok $? "  two batches: good-b in the second is applied although the first had a failure"
for t in good-a good-b; do
	applied $t
	ok $? "  $t: keel 1.0.0 installed, the trial boot pending"
	outcome $t "ok: applied keel 1.0.0 .*boot: trial pending"
	ok $? "  $t: reported ok, applied, trial pending"
done
if [ $have_dumps = 1 ]; then
	untouched badcpu
	ok $? "  badcpu (an Athlon 64 without AMD-V): byte for byte untouched"
	logged badcpu 'CPU verdict incapable \(keel check-cpu exit 6.*no AMD-V' &&
		outcome badcpu 'FAILED at .*CPU verdict incapable'
	ok $? "  badcpu: reported failed: CPU verdict not capable, no AMD-V"
else
	ok 0 "  badcpu # SKIP no CPUID dumps in \$KEEL_TESTDATA"
fi
untouched tampered
ok $? "  tampered (one byte of its pack changed): byte for byte untouched"
logged tampered 'keel verify refused the pack \(exit 4\): .*the signature does not match' &&
	outcome tampered 'FAILED at .*signature does not match'
ok $? "  tampered: reported failed: the signature does not match"

# --- offline.yml: four images on one staging host ------------------------
played offline
st=0
[ $rc -eq 2 ] || st=1
ok $st "offline.yml fails (exit 2: an image failed), in $secs s"
[ $st -eq 0 ] || show_log
applied img-a
ok $? "  img-a: keel 1.0.0 installed with --root, the trial boot pending"
outcome stage:img-a "ok: applied keel 1.0.0 .*boot: trial pending"
ok $? "  img-a: reported ok, although the image before it failed"
untouched img-tampered && outcome stage:img-tampered 'FAILED at .*signature does not match'
ok $? "  img-tampered: byte for byte untouched, reported failed: the signature does not match"
if [ $have_dumps = 1 ]; then
	untouched img-badcpu && outcome stage:img-badcpu 'FAILED at .*CPU verdict incapable'
	ok $? "  img-badcpu: byte for byte untouched, reported failed: CPU verdict not capable"
fi
untouched img-same && outcome stage:img-same "ok: keel 1.0.0 was installed already; .*boot: trial pending"
ok $? "  img-same (1.0.0 applied before): not one byte changed, reported: installed already"
n_failed=$((have_dumps + 1))
logged stage "keel failed on $n_failed of $((n_failed + 2)) target\\(s\\): stage:img-tampered: .*signature does not match"
ok $? "  the play fails at the end, naming every failed image and why"

# rollback.yml on the good hosts and on the staging host, at once.
play rollback rollback -e keel_hosts=all -e keel_serial=2 -e keel_rollback_version=1.0.0 \
	--limit good-a,good-b &
play rollback-stage rollback -e keel_hosts=all -e keel_rollback_version=1.0.0 --limit stage
wait

# --- rollback.yml: the good hosts and the staging host's images -----------
played rollback-stage
st=$rc st_secs=$secs
played rollback
[ $rc -eq 0 ] && [ $st -eq 0 ]
ok $? "rollback.yml on good-a and good-b ($secs s) and on the staging host's images ($st_secs s) succeeds"
[ $rc -eq 0 ] || show_log
_log=$TMP/rollback-stage.log
[ $st -eq 0 ] || { rc=$st; show_log; }
for t in good-a good-b img-a img-same; do
	name=$t _log=$TMP/rollback.log
	case $t in img-*) name=stage:$t _log=$TMP/rollback-stage.log ;; esac
	tree_state "$TMP/$t" | cmp -s - "$TMP/$t.state0" &&
		outcome $name "ok: rolled back keel 1.0.0; now keel is not installed"
	ok $? "  $t: rolled back, byte for byte as before (keel's records aside)"
done
for t in $HOSTS $IMAGES; do
	case $t in good-*|img-a|img-same) continue ;; esac
	untouched $t
	ok $? "  $t: still byte for byte untouched"
done
outcome stage:img-tampered "ok: nothing to roll back; now keel is not installed"
ok $? "  where keel is not installed, rollback.yml changes nothing and says so"

done_testing
