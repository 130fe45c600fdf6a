#!/bin/sh
# tools/pack_from.sh MANIFEST SRCDIR BUILDDIR OUT: gathers in OUT the files a
# manifest template names as "source", for keel-pack --from OUT.
#
# A file is taken from the build tree when it is there (payload/keel-hv,
# which a VPATH build does not put into the source tree), else from the
# source tree.
set -eu
[ $# -eq 4 ] || { echo "usage: pack_from.sh MANIFEST SRCDIR BUILDDIR OUT" >&2; exit 2; }
manifest=$1 src=$2 build=$3 out=$4
rm -rf "$out"
mkdir -p "$out"
grep -o '"source": *"[^"]*"' "$manifest" | sed 's/.*: *"\(.*\)"$/\1/' |
while read -r f; do
	if [ -f "$build/$f" ]; then
		from=$build/$f
	elif [ -f "$src/$f" ]; then
		from=$src/$f
	else
		echo "pack_from.sh: $f, named in $manifest, is in neither $build nor $src (build it first)" >&2
		exit 1
	fi
	mkdir -p "$out/$(dirname "$f")"
	cp "$from" "$out/$f"
done
