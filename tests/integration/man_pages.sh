#!/bin/sh
# man_pages.sh: the man pages render without warnings, document every long
# option the programs accept, and every exit code keel has.
. "$top_srcdir/tests/lib.sh"
command -v groff >/dev/null || skip_all "groff missing (Debian package groff-base)"
doc=$top_srcdir/doc

for page in keel.8 keel-hv.7 keel-pack.1 keel-ksp.5; do
	groff -ww -z -t -man "$doc/$page" 2>"$TMP/groff.err"
	[ $? -eq 0 ] && [ ! -s "$TMP/groff.err" ]
	ok $? "groff -ww renders $page without warnings"
	[ -s "$TMP/groff.err" ] && diag "$(cat "$TMP/groff.err")"
	if command -v man >/dev/null; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 \
			"$doc/$page" >"$TMP/man.out" 2>"$TMP/man.err"
		[ $? -eq 0 ] && [ -s "$TMP/man.out" ] && [ ! -s "$TMP/man.err" ]
		ok $? "man -l renders $page without warnings"
		[ -s "$TMP/man.err" ] && diag "$(cat "$TMP/man.err")"
	fi
done

# documented PAGE HELP-OUTPUT: every --option in the help is in the page
# (roff writes it \-\-option).
documented() {
	missing= opts=$(grep -Eo -- '--[a-z][a-z-]*' "$2" | sort -u)
	for opt in $opts; do
		esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$doc/$1" || missing="$missing $opt"
	done
	[ -z "$missing" ] || diag "$1 lacks:$missing"
	# Every help lists --help at least: none means no help was read.
	[ -n "$opts" ] && [ -z "$missing" ]
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
words=$(sed -n 's/.*\(word_is\|starts_with\)(w, n, "\([a-z-]*[a-z]\)=*").*/\2/p' \
	"$top_srcdir/payload/core/options.c")
missing=
for w in $words; do
	esc=$(printf '%s' "$w" | sed 's/-/\\\\-/g')
	grep -q "^\.BI* $esc" "$doc/keel-hv.7" || missing="$missing $w"
done
[ -n "$words" ] && [ -z "$missing" ]
ok $? "keel-hv.7 documents keel-hv's options: $(echo $words)"
[ -z "$missing" ] || diag "missing:$missing"

# keel-hv.7 keeps up with the hypercall ABI (payload/include/keel/hypercall.h).
hc_h=$top_srcdir/payload/include/keel/hypercall.h
# section NAME: the lines of keel-hv.7's .SH NAME, up to the next .SH.
section() {
	sed -n "/^\.SH $1\$/,/^\.SH /p" "$doc/keel-hv.7"
}
# members ENUM: "NUMBER NAME" for each member of enum ENUM in the header
# (counting on from the last "= N"), without the _COUNT sentinel.
members() {
	sed -n "/^enum $1 {/,/^};/p" "$hc_h" |
		sed -n 's/^[[:space:]]*\(KEEL_[A-Z0-9_]*\)\( = \([0-9]*\)\)*.*/\1 \3/p' |
		{ n=0; while read -r name val; do
			[ -n "$val" ] && n=$val
			case $name in *_COUNT) ;; *) echo "$n $name" ;; esac
			n=$((n + 1))
		done; }
}
# Each entry is a tag line .B "NUMBER NAME" or .BR "NUMBER NAME" ...
tagged() {  # tagged SECTION-FILE NUMBER NAME
	grep -q "^\.BR* \"$2 $3\"" "$1"
}
section "HYPERCALL ABI" >"$TMP/abi"
members keel_hc >"$TMP/calls"
missing=
while read -r n name; do
	tagged "$TMP/abi" "$n" "$name" || missing="$missing $n=$name"
done <"$TMP/calls"
[ -s "$TMP/calls" ] && [ -z "$missing" ]
ok $? "keel-hv.7 documents every hypercall: $(echo $(cut -d' ' -f2 "$TMP/calls"))"
[ -z "$missing" ] || diag "missing under HYPERCALL ABI:$missing"

# Exit reasons with their numbers, and the names keel hv stats shows.
members keel_exit_reason >"$TMP/reasons"
sed -n '/^#define KEEL_EXIT_NAMES/,/}/p' "$hc_h" | grep -o '"[a-z0-9-]*"' |
	tr -d '"' >"$TMP/names"
missing=
while read -r n name; do
	stat=$(sed -n "$((n + 1))p" "$TMP/names")
	esc=$(printf '%s' "$stat" | sed 's/-/\\\\-/g')
	grep -q "^\.BR \"$n $name\" \" (\" $esc )\$" "$TMP/abi" ||
		missing="$missing $n=$name($stat)"
done <"$TMP/reasons"
[ -s "$TMP/reasons" ] && [ -s "$TMP/names" ] && [ -z "$missing" ]
ok $? "keel-hv.7 names every exit reason: $(echo $(cut -d' ' -f2 "$TMP/reasons"))"
[ -z "$missing" ] || diag "missing under HYPERCALL ABI:$missing"

# The hypervisor CPUID leaves.
leaves=$(sed -n 's/^#define KEEL_HC_LEAF_[A-Z]* *\(0x[0-9a-f]*\)u.*/\1/p' "$hc_h")
section CPUID >"$TMP/cpuid"
missing=
for l in $leaves; do
	grep -qx "\.B $l" "$TMP/cpuid" || missing="$missing $l"
done
[ -n "$leaves" ] && [ -z "$missing" ]
ok $? "keel-hv.7 documents the CPUID leaves $(echo $leaves)"
[ -z "$missing" ] || diag "missing under CPUID:$missing"

# The ABI version the page describes is the header's.
abi=$(sed -n 's/^#define KEEL_HC_ABI_MAJOR *\([0-9]*\)u.*/\1/p' "$hc_h").$(
	sed -n 's/^#define KEEL_HC_ABI_MINOR *\([0-9]*\)u.*/\1/p' "$hc_h")
said=$(tr '\n' ' ' <"$TMP/abi" |
	grep -o 'hypercall ABI version [0-9][0-9]*\.[0-9][0-9]*' | sort -u |
	sed 's/.* //')
[ "$said" = "$abi" ]
ok $? "keel-hv.7 describes hypercall ABI version $abi"
[ "$said" = "$abi" ] || diag "the page says: $(echo $said)"

# Every exit code in installer/error.h (KEEL_OK to KEEL_REBOOT) has an entry in EXIT STATUS.
codes=$(sed -n 's/.*KEEL_[A-Z_]* = \([0-9]*\),.*/\1/p' "$top_srcdir/installer/error.h")
codes=$(echo $codes)
missing=
for c in $codes; do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$doc/keel.8" | grep -qx "\.B $c" ||
		missing="$missing $c"
done
[ -n "$codes" ] && [ -z "$missing" ]
ok $? "keel.8 documents exit codes $codes (11: reboot required)"
[ -z "$missing" ] || diag "missing:$missing"

done_testing
