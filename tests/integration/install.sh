#!/bin/sh
# install.sh: make install puts exactly keel's files where configure's
# directories say, under DESTDIR, and the installed programs run from
# there; make uninstall takes every one of them away again.
. "$top_srcdir/tests/lib.sh"
MAKE=${MAKE:-make}
D=$TMP/dest

# The build's own directories, as make resolves them.
cat >"$TMP/dirs.mk" <<'MK'
show-dirs:
	@echo "sbindir=$(sbindir) bindir=$(bindir) pkglibdir=$(pkglibdir)"
	@echo "pkgdatadir=$(pkgdatadir) mandir=$(mandir) localedir=$(localedir)"
	@echo "bashcompletiondir=$(bashcompletiondir)"
MK
$MAKE -s --no-print-directory -C "$top_builddir" -f Makefile -f "$TMP/dirs.mk" \
	show-dirs >"$TMP/dirs" 2>"$TMP/err" || { cat "$TMP/err"; echo "Bail out! cannot read the build's directories"; exit 1; }
# Only NAMEdir=VALUE words: make may print its own lines first (a
# Makefile regenerated because Makefile.am changed).
for kv in $(cat "$TMP/dirs"); do
	case $kv in [a-z]*dir=/*) eval "$kv" ;; esac
done
diag "sbindir $sbindir, localedir $localedir"

run $MAKE -s --no-print-directory -C "$top_builddir" install DESTDIR="$D"
ok $rc "make install DESTDIR=... succeeds"
[ $rc -eq 0 ] || diag "$(tail -20 "$TMP/err")"

cat >"$TMP/want" <<LIST
$sbindir/keel
$bindir/keel-pack
$pkglibdir/keel-hv
$pkgdatadir/schema.json
$mandir/man8/keel.8
$mandir/man7/keel-hv.7
$mandir/man1/keel-pack.1
$mandir/man5/keel-ksp.5
$localedir/de/LC_MESSAGES/keel.mo
$bashcompletiondir/keel
$bashcompletiondir/keel-pack
LIST
sort -o "$TMP/want" "$TMP/want"
(cd "$D" && find . -type f -o -type l) | sed 's/^\.//' | sort >"$TMP/have"
cmp -s "$TMP/want" "$TMP/have"
ok $? "every file lands under DESTDIR in its configured directory, and nothing else"
cmp -s "$TMP/want" "$TMP/have" || diag "$(diff "$TMP/want" "$TMP/have")"
[ -x "$D$sbindir/keel" ] && [ -x "$D$bindir/keel-pack" ] &&
	[ "$(stat -c %a "$D$pkglibdir/keel-hv")" = 644 ] &&
	[ "$(stat -c %a "$D$mandir/man8/keel.8")" = 644 ]
ok $? "programs are executable, keel-hv and the pages are plain data"

want_version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
[ "$("$D$sbindir/keel" --version)" = "keel $want_version" ] &&
	[ "$("$D$bindir/keel-pack" --version)" = "keel-pack $want_version" ]
ok $? "the installed keel and keel-pack run and say version $want_version"
# The catalogue and the unit's path are compiled in from configure.
grep -aq "$localedir" "$D$sbindir/keel" && grep -aq "$sbindir" "$D$sbindir/keel"
ok $? "keel looks for its catalogue in $localedir and knows it lives in $sbindir"
LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$D$localedir" "$D$sbindir/keel" --help 2>&1 |
	grep -q Befehle
ok $? "the installed catalogue makes keel speak German"

run $MAKE -s --no-print-directory -C "$top_builddir" uninstall DESTDIR="$D"
[ $rc -eq 0 ] && [ -z "$(find "$D" -type f -o -type l)" ]
ok $? "make uninstall removes every installed file"

done_testing
