#!/bin/sh
# syslog.sh: each transaction, and each refused apply, is logged to syslog
# under "keel" with op, version, pack, signer and outcome, read by a real
# syslogd (busybox) listening on /dev/log in a private mount namespace.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/apply_fixture.sh"
command -v busybox >/dev/null && busybox syslogd --help >/dev/null 2>&1 ||
	skip_all "busybox with syslogd missing (Debian package busybox-static)"
unshare -rm true 2>/dev/null || skip_all "unshare -rm is not allowed here"
need_shim
need_pki
make_apply_fixture
R=$TMP/root
cp -a "$TMP/base" "$R"
# Tampered: the signed manifest says 1.0.9, not 1.0.0 (in the tar, then
# gzip again): the signature no longer matches.
gzip -dc "$PACK1" >"$TMP/pack.tar"
off=$(grep -obaF '"version": "1.0.0"' "$TMP/pack.tar" | head -n 1 | cut -d: -f1)
printf 9 | dd of="$TMP/pack.tar" bs=1 seek=$((off + 16)) conv=notrunc 2>/dev/null
gzip -n <"$TMP/pack.tar" >"$TMP/tampered.ksp"
cmp -s "$PACK1" "$TMP/tampered.ksp" && { echo "Bail out! the tampered pack is the pack"; exit 1; }
signer=$("$KEEL" verify --root "$R" --json "$PACK1" |
	sed -n 's/^ *"subject": "\(.*\)",*$/\1/p' | head -n 1)

# What keel does while the syslogd listens; "step" marks each command
# in the log, so that every line can be told to which it belongs.
cat >"$TMP/plan.sh" <<PLAN
# seen TEXT: waits until the syslogd wrote a line of ours with TEXT.
seen() {
	logger -t keel-test "\$1"
	i=0; while ! grep -q "keel-test: \$1\\\$" "$TMP/messages" && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
}
step() { logger -t keel-test "step \$1"; shift; "\$@" >>"$TMP/keel.out" 2>&1; echo "\$?" >"$TMP/rc.\$step"; }
step=dry; step dry "$KEEL" apply --root "$R" --yes --dry-run "$PACK1"
step=tampered; step tampered "$KEEL" apply --root "$R" --yes "$TMP/tampered.ksp"
step=apply1; step apply1 "$KEEL" apply --root "$R" --yes "$PACK1"
step=apply2; step apply2 "$KEEL" apply --root "$R" --yes "$PACK2"
step=rollback; step rollback "$KEEL" rollback --root "$R" --yes
# A write that fails inside the transaction: the first fault point
# past the start of the transaction, found by trying them in turn.
logger -t keel-test "step fault"
n=1
while [ \$n -lt 400 ]; do
	cp -a "$R" "$TMP/faulty"
	KEEL_FAULT_AT=\$n KEEL_FAULT_ACTION=eio LD_PRELOAD="$SHIM" \
		"$KEEL" uninstall --root "$TMP/faulty" --yes >/dev/null 2>&1
	seen "probe \$n"
	grep -q 'op=uninstall' "$TMP/messages" && break
	rm -rf "$TMP/faulty"
	n=\$((n + 1))
done
step=uninstall; step uninstall "$KEEL" uninstall --root "$R" --yes
step=quiet; step quiet env KEEL_SYSLOG=0 "$KEEL" apply --root "$R" --yes "$PACK1"
logger -t keel-test "step end"
PLAN

# In a mount namespace of its own, /dev is a directory of ours holding
# the devices keel may use and the syslogd's socket.
mkdir "$TMP/dev"
for n in null zero random urandom full; do : >"$TMP/dev/$n"; done
cat >"$TMP/ns.sh" <<NS
export KEEL_SYSLOG=1
for n in null zero random urandom full; do mount --bind /dev/\$n "$TMP/dev/\$n" || exit 1; done
mount --bind "$TMP/dev" /dev || exit 1
busybox syslogd -n -O "$TMP/messages" &
i=0; while [ ! -S /dev/log ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
. "$TMP/plan.sh"
i=0; while ! grep -q 'step end' "$TMP/messages" && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
kill \$!
NS
unshare -rm sh "$TMP/ns.sh"
grep -q 'step end' "$TMP/messages"
ok $? "the syslogd received every line"

# lines STEP: keel's lines logged while STEP ran.
lines() {
	sed -n "/keel-test: step $1\$/,/keel-test: step /p" "$TMP/messages" | grep ' keel\['
}
has() {  # has STEP PATTERN...: STEP logged one line matching every pattern
	_l=$(lines "$1"); shift
	[ "$(printf '%s\n' "$_l" | grep -c .)" -eq 1 ] || return 1
	for _p; do printf '%s\n' "$_l" | grep -qF -- "$_p" || return 1; done
}

grep -q 'keel-test: step dry$' "$TMP/messages" &&
	[ "$(cat "$TMP/rc.dry")" -eq 0 ] && [ -z "$(lines dry)" ]
ok $? "a dry run logs nothing"

q=$(printf '%s' "$signer" | sed 's/["\\]/\\&/g')
has apply1 "user.notice keel[" "transaction op=apply tx=1 root=$R name=keel" \
	"version=1.0.0 level=1 pack=$PACK1" "signer=\"$q\"" "outcome=committed"
ok $? "apply logs op, root, name, version, level, pack, signer and outcome=committed"
[ -n "$signer" ] || diag "no signer subject from keel verify --json"
has apply2 "transaction op=apply tx=2" "version=1.1.0 level=2 pack=$PACK2" \
	"outcome=committed"
ok $? "the second apply logs its own pack and version"
has rollback "user.notice" "transaction op=rollback tx=3" "version=1.1.0 to=1.0.0" \
	"pack=$PACK2" "signer=\"$q\"" "outcome=committed"
ok $? "rollback logs the level it removes, with the pack and signer that installed it"
has uninstall "transaction op=uninstall tx=4" "version=1.0.0" "pack=$PACK1" \
	"outcome=committed"
ok $? "uninstall logs the level it removes"

[ "$(cat "$TMP/rc.tampered")" -ne 0 ] &&
	has tampered "user.warn" "refused op=apply root=$R" "pack=$TMP/tampered.ksp" \
		"outcome=refused reason=\"" "signature"
ok $? "a tampered pack is refused and the refusal is logged with the reason"

has fault "user.err" "transaction op=uninstall" "root=$TMP/faulty" \
	"outcome=undone reason=\""
ok $? "a transaction that fails inside is logged undone, with the reason"

[ "$(cat "$TMP/rc.quiet")" -eq 11 ] || [ "$(cat "$TMP/rc.quiet")" -eq 0 ]
[ $? -eq 0 ] && [ -z "$(lines quiet)" ]
ok $? "KEEL_SYSLOG=0 keeps an apply out of the log"

grep ' keel\[' "$TMP/messages" | grep -v 'keel-test' | grep -vq '^.* keel\[[0-9]*\]: \(transaction\|refused\) op='
[ $? -ne 0 ]
ok $? "every line keel logged is a transaction or refusal line"
diag "$(grep -c ' keel\[' "$TMP/messages") lines from keel"

done_testing
