#!/bin/sh
# man_pages.sh: the man pages render without warnings, document every long
# option the programs accept, and every exit code keel has.
. "$top_srcdir/tests/lib.sh"
command -v groff >/dev/null || skip_all "groff missing (Debian package groff-base)"
doc=$top_srcdir/doc

for page in keel.8 keel-hv.8 keel-pack.1 keel-ksp.5; do
	groff -ww -z -t -man "$doc/$page" 2>"$TMP/groff.err"
	[ $? -eq 0 ] && [ ! -s "$TMP/groff.err" ]
	ok $? "groff -ww renders $page without warnings"
	[ -s "$TMP/groff.err" ] && diag "$(cat "$TMP/groff.err")"
	if command -v man >/dev/null; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 \
			"$doc/$page" >/dev/null 2>"$TMP/man.err"
		[ ! -s "$TMP/man.err" ]
		ok $? "man -l renders $page without warnings"
		[ -s "$TMP/man.err" ] && diag "$(cat "$TMP/man.err")"
	fi
done

# documented PAGE HELP-OUTPUT: every --option in the help is in the page
# (roff writes it \-\-option).
documented() {
	missing=
	for opt in $(grep -Eo -- '--[a-z][a-z-]*' "$2" | sort -u); do
		esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$doc/$1" || missing="$missing $opt"
	done
	[ -z "$missing" ] || diag "$1 lacks:$missing"
	[ -z "$missing" ]
}
for cmd in verify info hv check-cpu apply commit refresh status history rollback uninstall; do
	"$KEEL" $cmd --help >"$TMP/help" 2>&1
	documented keel.8 "$TMP/help"
	ok $? "keel.8 documents every option of keel $cmd"
	grep -q "^\.B $(printf '%s' "$cmd" | sed 's/-/\\\\-/g')\$" "$doc/keel.8"
	ok $? "keel.8 documents the command $cmd"
done
"$KEEL" --help >"$TMP/help" 2>&1
documented keel.8 "$TMP/help"
ok $? "keel.8 documents keel's global options"
"$KEEL_PACK" --help >"$TMP/help" 2>&1
documented keel-pack.1 "$TMP/help"
ok $? "keel-pack.1 documents every option of keel-pack"

# Every word of keel-hv's own command line (payload/core/options.c).
words=$(sed -n 's/.*\(word_is\|starts_with\)(w, n, "\([a-z]*\)=*").*/\2/p' \
	"$top_srcdir/payload/core/options.c")
missing=
for w in $words; do
	grep -q "^\.BI* $w" "$doc/keel-hv.8" || missing="$missing $w"
done
[ -n "$words" ] && [ -z "$missing" ]
ok $? "keel-hv.8 documents keel-hv's options: $(echo $words)"
[ -z "$missing" ] || diag "missing:$missing"

# Every exit code in installer/error.h has an entry in EXIT STATUS.
codes=$(sed -n 's/.*KEEL_E[A-Z_]* = \([0-9]*\),.*/\1/p' "$top_srcdir/installer/error.h")
codes=$(echo $codes)
missing=
for c in 0 $codes; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$doc/keel.8" | grep -qx "\.B $c" ||
		missing="$missing $c"
done
[ -n "$codes" ] && [ -z "$missing" ]
ok $? "keel.8 documents exit codes 0 $codes"
[ -z "$missing" ] || diag "missing:$missing"

done_testing
