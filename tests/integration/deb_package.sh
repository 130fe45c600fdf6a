#!/bin/sh
# deb_package.sh: debian/ builds keel's Debian packages (keel, keel-hv,
# keel-pack) with dpkg-buildpackage from a copy of the source, lintian
# finds no error in them, they install into a scratch root with dpkg, run
# from there, and purge without leaving a file behind.
# KEEL_ECOSYSTEM=0 skips it (the package build ignores this build tree's
# configuration, so a second build tree, e.g. the sanitizer build, would
# only repeat it; tools/check.sh runs it once).
. "$top_srcdir/tests/lib.sh"
T0=$(date +%s)
diag_lines() { sed 's/^/# /'; }  # diag for many lines: diag_lines <FILE

[ "${KEEL_ECOSYSTEM:-1}" != 0 ] || skip_all "KEEL_ECOSYSTEM=0"
# No fakeroot: debian/control says Rules-Requires-Root: no.
for t in dpkg-buildpackage dh dpkg-checkbuilddeps dpkg-parsechangelog \
	dpkg-deb dpkg dpkg-query autoreconf; do
	command -v "$t" >/dev/null 2>&1 ||
		skip_all "$t is missing (Debian packages dpkg-dev, debhelper, autoconf)"
done
[ -f "$top_srcdir/debian/control" ] ||
	{ echo "Bail out! $top_srcdir has no debian/control (not in EXTRA_DIST?)"; exit 1; }

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
debver=$(dpkg-parsechangelog -l "$top_srcdir/debian/changelog" -S Version)
arch=amd64
[ "$(dpkg --print-architecture)" = $arch ] ||
	skip_all "keel's packages are $arch only; this is $(dpkg --print-architecture)"

# --- a copy of the source, as a package build would see it ----------------
# In a git checkout: the files git would ship (tracked or not ignored, as
# they are in the work tree); autoreconf makes the rest. Else (an
# unpacked dist tarball, e.g. under make distcheck): the tree without
# build directories. dpkg-buildpackage writes the packages next to it.
OUT=$TMP/deb
SRC=$OUT/keel-$version
mkdir -p "$SRC"
top_real=$(cd "$top_srcdir" && pwd -P)
if command -v git >/dev/null 2>&1 &&
	[ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" = "$top_real" ]; then
	how="git's files"
	(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf "%s\0" "$f"; fi
		done' sh | tar --null -T - -cf -) | tar -C "$SRC" -xf -
else
	how="the source tree"
	(cd "$top_srcdir" && tar --exclude=./.git --exclude='./_build*' --exclude=./_inst \
		--exclude=./_cache --exclude=./autom4te.cache --exclude='*.o' \
		--exclude='*.a' --exclude='./keel-*.tar.gz' -cf - .) | tar -C "$SRC" -xf -
fi
[ -f "$SRC/debian/rules" ] && [ -f "$SRC/configure.ac" ] ||
	{ echo "Bail out! cannot copy the source tree"; exit 1; }
chmod -R u+w "$SRC"  # a distcheck tree is read-only

(cd "$SRC" && dpkg-checkbuilddeps) >"$TMP/out" 2>&1 ||
	skip_all "build dependencies missing: $(sed -n 's/.*Unmet build dependencies: //p' "$TMP/out" | head -1)"

# --- the build --------------------------------------------------------------
# A clean environment: nothing of make check's (MAKEFLAGS, TESTS=...),
# this build's CC/CFLAGS or lib.sh's SOURCE_DATE_EPOCH reaches debian/rules.
# nocheck: make check ran the unit tests already.
t=$(date +%s)
(cd "$SRC" && env -i PATH="$PATH" HOME="${HOME:-$TMP}" TMPDIR="${TMPDIR:-/tmp}" \
	DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1
rc=$?
ok $rc "dpkg-buildpackage -us -uc -b builds keel $debver from $how"
if [ $rc -ne 0 ]; then
	tail -30 "$TMP/build.log" | diag_lines
	echo "Bail out! the package build failed"; exit 1
fi
diag "package build: $(($(date +%s) - t)) s"

[ "${debver%-*}" = "$version" ]
ok $? "debian/changelog's upstream version $debver is configure's $version"

deb() { echo "$OUT/${1}_${debver}_$arch.deb"; }
[ -f "$(deb keel)" ] && [ -f "$(deb keel-hv)" ] && [ -f "$(deb keel-pack)" ] &&
	[ -f "$OUT/keel_${debver}_$arch.changes" ]
rc=$?
ok $rc "keel, keel-hv and keel-pack .debs and the .changes are there"
[ $rc -eq 0 ] || { ls "$OUT" | diag_lines; echo "Bail out! packages missing"; exit 1; }

# --- lintian ----------------------------------------------------------------
if command -v lintian >/dev/null 2>&1; then
	t=$(date +%s)
	lintian --fail-on error "$OUT/keel_${debver}_$arch.changes" >"$TMP/lintian" 2>"$TMP/err"
	rc=$?
	! grep -q '^E:' "$TMP/lintian" && [ $rc -eq 0 ]
	ok $? "lintian reports no error"
	diag "lintian: $(($(date +%s) - t)) s"
	diag_lines <"$TMP/lintian"
	[ $rc -eq 0 ] || { diag "lintian exit $rc:"; grep -v 'root privileges' "$TMP/err" | diag_lines; }
else
	ok 0 "lintian reports no error # SKIP lintian missing"
fi

# --- contents: each file in its package, nothing else ----------------------
# The systemd unit and the kernel hooks are not among them: keel apply
# writes them with the service-pack level that needs them.
for p in keel keel-hv keel-pack; do dpkg-deb -c "$(deb $p)" >"$TMP/c.$p"; done
contents() {  # contents PKG: the package's files and links, sorted
	awk '$1 !~ /^d/ { print $6 }' "$TMP/c.$1" | sed 's|^\./|/|' | LC_ALL=C sort
}
doc=/usr/share/doc
{
	echo /usr/sbin/keel
	echo /usr/share/bash-completion/completions/keel
	echo /usr/share/keel/schema.json
	for l in $(sed 's/#.*//' "$top_srcdir/po/LINGUAS"); do
		echo "/usr/share/locale/$l/LC_MESSAGES/keel.mo"
	done
	echo /usr/share/man/man5/keel-ksp.5.gz
	echo /usr/share/man/man7/keel-hv.7.gz
	echo /usr/share/man/man8/keel.8.gz
	echo $doc/keel/README.md.gz
	echo $doc/keel/README.Debian
	echo $doc/keel/changelog.Debian.gz
	echo $doc/keel/copyright
} | LC_ALL=C sort >"$TMP/want.keel"
printf '%s\n' /usr/lib/keel/keel-hv $doc/keel-hv/changelog.Debian.gz \
	$doc/keel-hv/copyright /usr/share/lintian/overrides/keel-hv |
	LC_ALL=C sort >"$TMP/want.keel-hv"
printf '%s\n' /usr/bin/keel-pack /usr/share/bash-completion/completions/keel-pack \
	/usr/share/man/man1/keel-pack.1.gz $doc/keel-pack/changelog.Debian.gz \
	$doc/keel-pack/copyright | LC_ALL=C sort >"$TMP/want.keel-pack"
for p in keel keel-hv keel-pack; do
	contents $p >"$TMP/have.$p"
	cmp -s "$TMP/want.$p" "$TMP/have.$p"
	ok $? "$p holds exactly its files"
	diff "$TMP/want.$p" "$TMP/have.$p" | diag_lines
done
grep -q '^-rw-r--r-- .* \./usr/lib/keel/keel-hv$' "$TMP/c.keel-hv" &&
	grep -q '^-rwxr-xr-x .* \./usr/sbin/keel$' "$TMP/c.keel" &&
	grep -q '^-rwxr-xr-x .* \./usr/bin/keel-pack$' "$TMP/c.keel-pack"
ok $? "keel-hv is plain data (0644), keel and keel-pack programs (0755)"

# keel-hv was stripped (dh_strip): GRUB must still take it, and every
# byte it loads must be the build's.
X=$TMP/x
dpkg-deb -x "$(deb keel-hv)" "$X"
hv=$X/usr/lib/keel/keel-hv
if command -v grub-file >/dev/null 2>&1; then
	grub-file --is-x86-multiboot2 "$hv"
	ok $? "the packaged keel-hv is a Multiboot2 image (grub-file)"
else
	ok 0 "the packaged keel-hv is a Multiboot2 image # SKIP grub-file missing (grub-common)"
fi
objcopy -O binary "$hv" "$TMP/hv.pkg" && objcopy -O binary "$SRC/payload/keel-hv" "$TMP/hv.build" &&
	cmp -s "$TMP/hv.pkg" "$TMP/hv.build"
ok $? "its loaded segments are byte for byte the unstripped build's"

# --- install into a scratch root ---------------------------------------------
# The root's dpkg database is empty: it does not know the host's libc,
# libssl, ... that keel links against, hence --force-depends (the
# programs then run with the host's libraries). The packages have no
# maintainer scripts, so dpkg never needs to chroot; --force-not-root only
# when not root. --log keeps the host's /var/log/dpkg.log out of it.
ROOT=$TMP/root
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
: >"$ROOT/var/lib/dpkg/status"
nr=
[ "$(id -u)" -eq 0 ] || nr=--force-not-root
DPKG="dpkg --root=$ROOT --log=$TMP/dpkg.log $nr"

run $DPKG --force-depends -i "$(deb keel)" "$(deb keel-hv)" "$(deb keel-pack)"
ok $rc "dpkg --root installs keel, keel-hv and keel-pack"
[ $rc -eq 0 ] || cat "$TMP/out" "$TMP/err" | diag_lines
[ -z "$(find "$ROOT/var/lib/dpkg/info" -name '*.preinst' -o -name '*.postinst' \
	-o -name '*.prerm' -o -name '*.postrm')" ]
ok $? "no maintainer scripts"

dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Package} ${Version} ${Status}\n' \
	keel keel-hv keel-pack >"$TMP/status" 2>&1
printf '%s\n' "keel $debver install ok installed" "keel-hv $debver install ok installed" \
	"keel-pack $debver install ok installed" | cmp -s - "$TMP/status"
ok $? "the root's dpkg database says all three are installed"
files_ok=0
for p in keel keel-hv keel-pack; do
	$DPKG -L $p >"$TMP/list.$p" 2>/dev/null || files_ok=1
	while read -r f; do
		[ -d "$ROOT$f" ] || [ -e "$ROOT$f" ] || { files_ok=1; diag "$p: $f is missing"; }
	done <"$TMP/list.$p"
	grep -qxF /usr/share/doc/$p/copyright "$TMP/list.$p" || files_ok=1
done
ok $files_ok "dpkg -L lists each package's files and they are in the root"

K=$ROOT/usr/sbin/keel
KP=$ROOT/usr/bin/keel-pack
[ "$("$K" --version 2>&1)" = "keel $version" ]
ok $? "the installed keel runs and says keel $version"
[ "$("$KP" --version 2>&1)" = "keel-pack $version" ]
ok $? "the installed keel-pack runs and says keel-pack $version"
# Compiled in from configure: Debian's paths, not /usr/local.
grep -aqF "ExecStart=/usr/sbin/keel commit" "$K" && grep -aqF /usr/share/locale "$K"
ok $? "keel knows it lives in /usr/sbin and its catalogues in /usr/share/locale"
# keel looks in /usr/share/locale; from the scratch root KEEL_LOCALEDIR
# points it at the catalogue the package installed.
LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$ROOT/usr/share/locale" "$K" --help 2>&1 |
	grep -q Befehle
ok $? "the packaged catalogue makes keel speak German"
LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$ROOT/usr/share/locale" "$KP" --help 2>&1 |
	grep -q Aufruf
ok $? "and keel-pack, which shares keel's catalogue"

# --- purge -------------------------------------------------------------------
run $DPKG --purge keel keel-hv keel-pack
ok $rc "dpkg --root --purge removes all three"
[ $rc -eq 0 ] || diag_lines <"$TMP/err"
left=$(cd "$ROOT" && find . -mindepth 1 ! -path ./var ! -path ./var/lib \
	! -path './var/lib/dpkg' ! -path './var/lib/dpkg/*')
[ -z "$left" ] && ! grep -q '^Package: keel' "$ROOT/var/lib/dpkg/status" &&
	[ -z "$(find "$ROOT/var/lib/dpkg/info" -name 'keel*')" ]
ok $? "nothing of them is left in the root, nor in its dpkg database"
[ -z "$left" ] || { diag "left behind:"; echo "$left" | diag_lines; }

diag "deb_package.sh took $(($(date +%s) - T0)) s"
done_testing
