#!/bin/sh
# po_complete.sh: every user-facing message of the sources is translated in
# po/de.po, nothing is fuzzy, and keel really speaks German with it.
. "$top_srcdir/tests/lib.sh"
command -v xgettext >/dev/null || skip_all "xgettext missing (Debian package gettext)"

po=$top_srcdir/po/de.po
run msgfmt --check --statistics -o "$TMP/de.mo" "$po"
ok $rc "msgfmt --check accepts po/de.po"
grep -Eq 'fuzzy|untranslated' "$TMP/err"
[ $? -ne 0 ]
ok $? "de.po has no fuzzy or untranslated message ($(cat "$TMP/err"))"

# Extract the messages of today's sources and compare with de.po.
(cd "$top_srcdir" && grep -v '^#' po/POTFILES.in | xargs xgettext -o "$TMP/keel.pot" \
	--keyword=_ --keyword=N_ --from-code=UTF-8 --language=C)
run msgcmp --use-untranslated "$po" "$TMP/keel.pot"
ok $rc "every message in the sources is in de.po"
[ $rc -eq 0 ] || diag "$(head -20 "$TMP/err")"
run msgcmp "$po" "$TMP/keel.pot"
ok $rc "every message in the sources has a German translation"
diag "messages: $(grep -c '^msgid "' "$TMP/keel.pot") in sources"
gone=0
for f in $(grep -v '^#' "$top_srcdir/po/POTFILES.in"); do
	[ -f "$top_srcdir/$f" ] || { diag "POTFILES.in names missing $f"; gone=1; }
done
ok $gone "po/POTFILES.in names only existing files"
missing=0
for f in "$top_srcdir"/installer/*.c "$top_srcdir"/rollback/*.c; do
	grep -q '_("' "$f" || continue
	rel=${f#"$top_srcdir"/}
	grep -qx "$rel" "$top_srcdir/po/POTFILES.in" || { diag "not in POTFILES.in: $rel"; missing=1; }
done
ok $missing "every source with messages is listed in po/POTFILES.in"

# A sentence printed or put into an error without _() escapes the
# catalogue: words in a string literal handed straight to an output or
# error function. (Log lines, file names and version lines are no
# sentences; txn_log.c's syslog lines are deliberately not translated.)
(cd "$top_srcdir" && grep -nE \
	'\b(printf|fprintf|fputs|puts|keel_error_[a-z]+)\([^;]*[(,] *"[^"]*[a-z]{2,} [a-z]{2,}[^"]*"' \
	installer/*.c rollback/*.c | grep -v '_("') >"$TMP/bare"
[ ! -s "$TMP/bare" ]
ok $? "no sentence reaches the user without _()"
[ -s "$TMP/bare" ] && diag "$(head -10 "$TMP/bare")"

# keel in German, from the catalogue just compiled.
mkdir -p "$TMP/locale/de/LC_MESSAGES"
cp "$TMP/de.mo" "$TMP/locale/de/LC_MESSAGES/keel.mo"
LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$TMP/locale" "$KEEL" --help >"$TMP/de.out" 2>&1
grep -q "Befehle" "$TMP/de.out"
ok $? "LANGUAGE=de keel --help speaks German"
LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$TMP/locale" "$KEEL" verify >"$TMP/de.out" 2>&1
! grep -q "expected exactly one pack" "$TMP/de.out" && [ -s "$TMP/de.out" ]
ok $? "LANGUAGE=de error messages are German"
LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$TMP/locale" "$KEEL_PACK" --help >"$TMP/de.out" 2>&1
LC_ALL=C "$KEEL_PACK" --help >"$TMP/en.out" 2>&1
[ -s "$TMP/de.out" ] && ! cmp -s "$TMP/de.out" "$TMP/en.out"
ok $? "LANGUAGE=de keel-pack --help speaks German"

done_testing
