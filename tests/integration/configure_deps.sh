#!/bin/sh
# configure_deps.sh: configure refuses to go on without each library keel
# needs, and names the Debian package that provides it.
. "$top_srcdir/tests/lib.sh"
command -v pkg-config >/dev/null || skip_all "pkg-config missing"
# configure refuses a second build tree while the source tree is configured.
[ -f "$top_srcdir/config.status" ] && skip_all "the source tree is configured in place; run this test from a separate build directory"

# A pkg-config search directory holding every installed .pc file but one.
all_pc="$TMP/pc-all"
mkdir -p "$all_pc"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
	[ -d "$d" ] && for f in "$d"/*.pc; do
		[ -e "$f" ] && ln -sf "$f" "$all_pc/"
	done
done

for case in libarchive:libarchive-dev zlib:zlib1g-dev \
	libcrypto:libssl-dev json-c:libjson-c-dev; do
	pc=${case%%:*} pkg=${case#*:}
	dir="$TMP/pc-no-$pc"
	mkdir -p "$dir" "$TMP/b-$pc"
	cp -P "$all_pc"/*.pc "$dir/"
	rm -f "$dir/$pc.pc"
	(cd "$TMP/b-$pc" && PKG_CONFIG_LIBDIR="$dir" PKG_CONFIG_PATH= \
		"$top_srcdir/configure" -q >/dev/null 2>"$TMP/err.$pc")
	rc=$?
	[ $rc -ne 0 ] && grep -q "Install the Debian package $pkg" "$TMP/err.$pc"
	ok $? "without $pc.pc configure stops and names $pkg"
	[ $rc -ne 0 ] || diag "$(tail -3 "$TMP/err.$pc")"
done

done_testing
