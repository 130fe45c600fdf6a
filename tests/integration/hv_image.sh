#!/bin/sh
# hv_image.sh: payload/keel-hv is an ELF64 x86-64 image GRUB accepts as
# Multiboot2, loaded at 2 MiB, its memory range 2 MiB-aligned; size as diag.
. "$top_srcdir/tests/lib.sh"

HV="$top_builddir/payload/keel-hv"
command -v grub-file >/dev/null 2>&1 || skip_all "grub-file is not installed"
[ -s "$HV" ] || { echo "Bail out! $HV is not built"; exit 1; }

grub-file --is-x86-multiboot2 "$HV"
ok $? "grub-file --is-x86-multiboot2 accepts keel-hv"

# ELF magic, class 2 (64-bit), little-endian, e_machine 0x3e (x86-64).
[ "$(od -An -tx1 -N 6 "$HV" | tr -d ' ')" = 7f454c460201 ] &&
	[ "$(od -An -tx1 -j 18 -N 2 "$HV" | tr -d ' ')" = 3e00 ]
ok $? "keel-hv is ELF64 for x86-64"

if command -v readelf >/dev/null 2>&1 && command -v nm >/dev/null 2>&1; then
	first=$(readelf -lW "$HV" | awk '$1 == "LOAD" { print $4; exit }')
	[ $((first)) -eq $((0x200000)) ]
	ok $? "the first loaded segment starts at 0x200000"
	[ $((first)) -eq $((0x200000)) ] || diag "first LOAD at physical $first"
	start=$(nm "$HV" | awk '$3 == "__hv_start" { print $1 }')
	end=$(nm "$HV" | awk '$3 == "__hv_end" { print $1 }')
	[ -n "$start" ] && [ -n "$end" ] &&
		[ $((0x$start % 0x200000)) -eq 0 ] &&
		[ $((0x$end % 0x200000)) -eq 0 ] && [ $((0x$end)) -gt $((0x$start)) ]
	ok $? "[__hv_start, __hv_end) = [0x$start, 0x$end) is 2 MiB-aligned"
	diag "hypervisor range: $(((0x$end - 0x$start) / 1024)) KiB"
fi

size=$(wc -c <"$HV")
diag "keel-hv file size: $size bytes ($((size / 1024)) KiB; goal <= 256 KiB)"
if command -v size >/dev/null 2>&1; then
	diag "$(size "$HV" | tail -n 1 | awk '{ printf "text %s data %s bss %s", $1, $2, $3 }')"
fi

done_testing
