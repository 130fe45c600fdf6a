#!/bin/sh
# hv_cli.sh: `keel hv` on a host without keel-hv: it says so plainly with
# its own exit code, its command line and its German (keel.8: man_pages.sh).
. "$top_srcdir/tests/lib.sh"

# The hypercalls themselves need keel-hv below us: tests/e2e/ runs them.
nohv='keel-hv is not running on this machine \(CPUID reports no keel hypervisor\)'
for sub in info log stats; do
	expect_fail 5 "^keel: $nohv\$" "keel hv $sub says keel-hv is not running" \
		"$KEEL" hv $sub
done
run "$KEEL" hv info --json
[ $rc -eq 5 ] && grep -q '"running": false' "$TMP/out" &&
	grep -q '"exit_code": 5' "$TMP/out" &&
	grep -Eq "\"error\": \"$nohv\"" "$TMP/out"
ok $? "keel hv info --json answers running false, exit_code 5, the error"
run "$KEEL" hv --json stats
[ $rc -eq 5 ] && grep -q '"running": false' "$TMP/out"
ok $? "--json may come before the subcommand"
if command -v python3 >/dev/null; then
	"$KEEL" hv log --json 2>/dev/null | python3 -c 'import json, sys
o = json.load(sys.stdin)
sys.exit(0 if o["running"] is False and o["exit_code"] == 5 else 1)'
	ok $? "keel hv log --json prints valid JSON"
fi

# Help and usage errors.
run "$KEEL" hv --help
[ $rc -eq 0 ] && grep -q 'info|log|stats' "$TMP/out" && grep -q -- --json "$TMP/out"
ok $? "keel hv --help"
run "$KEEL" hv stats --help
[ $rc -eq 0 ] && grep -q 'info|log|stats' "$TMP/out"
ok $? "keel hv stats --help"
run "$KEEL" --help
grep -Eq '^  hv ' "$TMP/out"
ok $? "keel --help lists hv"
expect_fail 2 'expected a subcommand: info, log or stats' \
	"keel hv without a subcommand" "$KEEL" hv
expect_fail 2 'unknown subcommand "frobnicate".*--help' \
	"keel hv with an unknown subcommand" "$KEEL" hv frobnicate
expect_fail 2 'unknown option or missing argument "--bogus".*keel hv --help' \
	"keel hv with an unknown option" "$KEEL" hv info --bogus
expect_fail 2 'unexpected argument "stats"' "keel hv with two subcommands" \
	"$KEEL" hv info stats

# Nothing outside the binary and its libraries is needed: no catalogue,
# no locale, an empty environment (as in a busybox initramfs).
env -i LANGUAGE=de LC_ALL=de_DE.UTF-8 KEEL_LOCALEDIR="$TMP/none" \
	"$KEEL" hv info >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 5 ] && grep -Eq "$nohv" "$TMP/err"
ok $? "keel hv info without catalogues or locales falls back to English"

if command -v msgfmt >/dev/null; then
	mkdir -p "$TMP/locale/de/LC_MESSAGES"
	msgfmt -o "$TMP/locale/de/LC_MESSAGES/keel.mo" "$top_srcdir/po/de.po"
	LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$TMP/locale" \
		"$KEEL" hv info >"$TMP/out" 2>"$TMP/err"
	grep -q 'keel-hv läuft auf diesem Rechner nicht' "$TMP/err"
	ok $? "LANGUAGE=de keel hv info speaks German"
fi

# The way tests/e2e runs keel: copied with the libraries ldd names into a
# root of its own. chroot needs root, so others skip this; so does a
# sanitizer build, whose runtime reads its options from /proc, absent there.
if grep -qa __asan_init "$KEEL"; then
	ok 0 "keel hv info in a bare root # SKIP a sanitizer build needs /proc"
elif [ "$(id -u)" -eq 0 ] && command -v ldd >/dev/null &&
	command -v chroot >/dev/null; then
	mkdir -p "$TMP/root"
	cp "$KEEL" "$TMP/root/keel"
	for lib in $(ldd "$KEEL" | grep -Eo '/[^ ]+'); do
		mkdir -p "$TMP/root${lib%/*}"
		cp -L "$lib" "$TMP/root$lib"
	done
	env -i "$(command -v chroot)" "$TMP/root" /keel hv info \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 5 ] && grep -Eq "$nohv" "$TMP/err"
	ok $? "keel hv info in a root holding only keel and its libraries"
	[ $rc -eq 5 ] || diag "exit $rc: $(cat "$TMP/err")"
else
	ok 0 "keel hv info in a bare root # SKIP needs root, ldd and chroot"
fi

done_testing
