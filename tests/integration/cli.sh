#!/bin/sh
# cli.sh: the command line of keel and keel-pack: help, version, and usage
# errors with exit code 2 and a message saying what to do.
. "$top_srcdir/tests/lib.sh"

run "$KEEL" --help
[ $rc -eq 0 ] && grep -q verify "$TMP/out" && grep -q info "$TMP/out"
ok $? "keel --help lists the commands"
run "$KEEL" --version
[ $rc -eq 0 ] && grep -Eq '^keel [0-9]' "$TMP/out"
ok $? "keel --version"
run "$KEEL_PACK" --version
[ $rc -eq 0 ] && grep -Eq '^keel-pack [0-9]' "$TMP/out"
ok $? "keel-pack --version"
for c in verify info; do
	run "$KEEL" $c --help
	[ $rc -eq 0 ] && grep -q -- "--keyring" "$TMP/out"
	ok $? "keel $c --help"
done
expect_fail 2 "Usage" "keel without a command prints usage" "$KEEL"
expect_fail 2 'unknown command "frobnicate".*--help' "an unknown command" \
	"$KEEL" frobnicate
expect_fail 2 "exactly one pack" "verify without a pack" "$KEEL" verify
expect_fail 2 "exactly one pack" "verify with two packs" "$KEEL" verify a b
expect_fail 2 'unknown option.*--bogus' "an unknown option" \
	"$KEEL" verify --bogus x.ksp
expect_fail 2 "not a directory" "--root that does not exist" \
	"$KEEL" info --root "$TMP/nowhere" x.ksp
expect_fail 2 "are required" "keel-pack without options" "$KEEL_PACK"
expect_fail 2 'unexpected argument "extra"' "keel-pack with an operand" \
	"$KEEL_PACK" --manifest m --key k --cert c --out o extra
SOURCE_DATE_EPOCH=yesterday expect_fail 2 'SOURCE_DATE_EPOCH="yesterday"' \
	"keel-pack refuses a SOURCE_DATE_EPOCH that is not a number" \
	"$KEEL_PACK" --manifest m --key k --cert c --out o
expect_fail 2 "manifest template" "keel-pack names a missing template" \
	"$KEEL_PACK" --manifest "$TMP/none.json" --key k --cert c --out "$TMP/o.ksp"

# With --json a failure is a JSON answer too: exit_code and error on
# stdout, the same message on stderr.
mkdir -p "$TMP/empty"
for cmd in "apply --yes $TMP/none.ksp" "info $TMP/none.ksp" "commit" \
	"rollback --yes"; do
	run "$KEEL" $cmd --root "$TMP/empty" --json
	msg=$(sed 's/^keel: //' "$TMP/err")
	[ "$rc" -ne 0 ] && grep -q "^  \"exit_code\": $rc,\$" "$TMP/out" &&
		grep -qF "\"error\": \"$msg\"" "$TMP/out"
	ok $? "keel ${cmd%% *} --json answers a failure (exit $rc) in JSON"
done

done_testing
