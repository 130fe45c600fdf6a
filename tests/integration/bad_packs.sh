#!/bin/sh
# bad_packs.sh: a corpus of damaged, malformed and forged packs, made at test
# time from one good pack; keel verify refuses each, saying why, writing nothing.
. "$top_srcdir/tests/lib.sh"
need_pki
root=$TMP/root
make_root "$root"
W=$TMP/work   # manifests, signatures, tars: never beside a pack under test
X=$W/x        # the good pack, unpacked by GNU tar
mkdir -p "$W/src" "$X"

P1=usr/share/doc/bad/README
P2=usr/share/bad/table.bin
P3=usr/sbin/bad-tool

# --- the good pack ---------------------------------------------------------
printf 'keel bad-pack corpus: the documentation entry.\n' >"$W/src/readme"
# Incompressible but reproducible, so the gzip stream is as long as the data
# and a failure can be replayed byte for byte.
head -c 20000 /dev/zero | "$OPENSSL" enc -aes-128-ctr -nosalt \
	-K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 >"$W/src/table"
printf '#!/bin/sh\n' >"$W/src/tool"  # 10 bytes: the size the bomb lies about
cat >"$W/bad.json" <<JSON
{ "format": 1, "name": "bad", "version": "1.0.0", "level": 1,
  "description": "the good pack the corpus is forged from",
  "requires": { "arch": "x86_64" },
  "files": [
    { "path": "$P1", "source": "readme", "mode": "0644", "role": "doc" },
    { "path": "$P2", "source": "table", "mode": "0644", "role": "data" },
    { "path": "$P3", "source": "tool", "mode": "0755", "role": "tool" } ] }
JSON
good=$W/good.ksp
run "$KEEL_PACK" --manifest "$W/bad.json" --from "$W/src" \
	--key "$PKI/signer.key" --cert "$PKI/signer.pem" --chain "$PKI/chain.pem" \
	--out "$good"
[ $rc -eq 0 ] || { cat "$TMP/err" >&2; echo "Bail out! keel-pack failed"; exit 1; }
tar -xzf "$good" -C "$X" && gzip -dc "$good" >"$W/good.tar" ||
	{ echo "Bail out! GNU tar cannot read the good pack"; exit 1; }

EM="file:MANIFEST.json=$X/MANIFEST.json"
ES="file:MANIFEST.json.p7s=$X/MANIFEST.json.p7s"
E1="file:$P1=$X/$P1"
E2="file:$P2=$X/$P2"
E3="file:$P3=$X/$P3"
S1=$(wc -c <"$W/src/readme") S2=$(wc -c <"$W/src/table") S3=$(wc -c <"$W/src/tool")
H1=$(sha256sum <"$W/src/readme" | cut -d' ' -f1)
H2=$(sha256sum <"$W/src/table" | cut -d' ' -f1)
H3=$(sha256sum <"$W/src/tool" | cut -d' ' -f1)

# --- tools -------------------------------------------------------------------
n_case=0
new_case() {  # a fresh, empty directory $C for the next case's pack.ksp
	n_case=$((n_case + 1))
	C=$TMP/case$n_case
	mkdir "$C"
}

# forge ENTRY...: $C/pack.ksp from ENTRY... (see ksp-forge --help).
forge() { "$FORGE" "$C/pack.ksp" "$@" || diag "ksp-forge failed in case $n_case"; }

# sign MANIFEST [SIGNER]: MANIFEST.p7s, made by the real OpenSSL as a
# vendor would, with $PKI/SIGNER.pem and .key (default: signer).
sign() {
	"$OPENSSL" cms -sign -binary -outform DER -signer "$PKI/${2:-signer}.pem" \
		-inkey "$PKI/${2:-signer}.key" -certfile "$PKI/chain.pem" \
		-md sha256 -in "$1" -out "$1.p7s" || diag "openssl cms -sign failed on $1"
}

# signed_as SIGNER MANIFEST ENTRY...: forges $C/pack.ksp from MANIFEST, a
# fresh signature over it by SIGNER, then ENTRY...; signed: by the signer.
signed_as() {
	_s=$1 _m=$2; shift 2
	sign "$_m" "$_s"
	forge "file:MANIFEST.json=$_m" "file:MANIFEST.json.p7s=$_m.p7s" "$@"
}
signed() { signed_as signer "$@"; }

# The signed-form manifest, written by hand so each case changes one thing.
TOP='  "format": 1,
  "name": "bad",
  "version": "1.0.0",
  "level": 1,
  "build_time": "2023-11-14T22:13:20Z",
  "description": "the good pack the corpus is forged from",
  "requires": { "arch": "x86_64" }'
fentry() {  # fentry PATH SIZE SHA256 ROLE [MODE]: one element of "files"
	printf '    { "path": "%s", "size": %s, "mode": "%s", "sha256": "%s", "role": "%s" }' \
		"$1" "$2" "${5:-0644}" "$3" "$4"
}
F1=$(fentry "$P1" "$S1" "$H1" doc)
F2=$(fentry "$P2" "$S2" "$H2" data)
F3=$(fentry "$P3" "$S3" "$H3" tool 0755)
FILES="$F1,
$F2,
$F3"
# manifest OUT [FILES [TOP]]: writes a manifest to $W/OUT.
manifest() {
	printf '{\n%s,\n  "files": [\n%s\n  ]\n}\n' "${3:-$TOP}" "${2:-$FILES}" >"$W/$1"
}
top_with() {  # top_with SED-SCRIPT: $TOP edited
	printf '%s\n' "$TOP" | sed "$1"
}

# tar_offset TAR NAME: where NAME's data starts in the uncompressed TAR.
tar_offset() {
	_off=0
	while :; do
		_name=$(dd if="$1" bs=1 skip="$_off" count=100 2>/dev/null | tr -d '\000')
		[ -n "$_name" ] || return 1
		_size=$(dd if="$1" bs=1 skip=$((_off + 124)) count=11 2>/dev/null | tr -dc 0-7)
		_type=$(dd if="$1" bs=1 skip=$((_off + 156)) count=1 2>/dev/null)
		if [ "$_name" = "$2" ] && [ "$_type" = 0 ]; then
			echo $((_off + 512))
			return 0
		fi
		_off=$((_off + 512 + (0$_size + 511) / 512 * 512))
	done
}

flip() {  # flip FILE OFFSET [MASK]: inverts bits (default the lowest) at OFFSET
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059 # the format is the escaped byte itself
	printf "$(printf '\\%03o' $((_b ^ ${3:-1})))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

size_of() { wc -c <"$1" | tr -d ' '; }

# refuse CODE PATTERN DESCRIPTION [PACK]: keel verify must refuse PACK
# (default $C/pack.ksp) with exit CODE, a message on stderr matching
# PATTERN (grep -Ei) and naming the pack, no verdict on stdout, and no
# change in the target root, in the pack's directory or the working one.
refuse() {
	_code=$1 _pat=$2 _desc=$3 _pack=${4:-$C/pack.ksp}
	_dir=$(dirname "$_pack")
	_r0=$(tree_sum "$root") _d0=$(tree_sum "$_dir")
	cd "$_dir" || return
	run "$KEEL" $verb --root "$root" "$_pack"
	cd "$W" || return
	_why=
	[ "$rc" -eq "$_code" ] || _why="exit $rc, want $_code;"
	grep -Eiq -- "$_pat" "$TMP/err" || _why="$_why no /$_pat/ on stderr;"
	grep -Fq -- "$_pack" "$TMP/err" || _why="$_why stderr does not name the pack;"
	! grep -q verified "$TMP/out" || _why="$_why says verified;"
	[ "$(tree_sum "$root")" = "$_r0" ] || _why="$_why the target root changed;"
	[ "$(tree_sum "$_dir")" = "$_d0" ] || _why="$_why the pack's directory changed;"
	[ -z "$_why" ]
	ok $? "$_desc"
	[ -z "$_why" ] || diag "$_why stderr:" "$(cat "$TMP/err")"
}

verb=verify
refuse_info() {  # refuse_info ARGS...: refuse, by keel info
	verb=info
	refuse "$@"
	verb=verify
}
refuse_apply() {  # refuse_apply ARGS...: refuse, by keel apply --yes
	verb="apply --yes"
	refuse "$@"
	verb=verify
}

accept() {  # accept DESCRIPTION [PACK]: keel verify must accept PACK
	run "$KEEL" verify --root "$root" "${2:-$C/pack.ksp}"
	[ "$rc" -eq 0 ] && grep -q "verified: bad 1.0.0" "$TMP/out"
	ok $? "$1"
	[ "$rc" -eq 0 ] || diag "exit $rc; stderr:" "$(cat "$TMP/err")"
}

# A message fragment for "the bytes are not what was compressed/signed".
DAMAGED='damaged|corrupt|truncated|unexpected end|CRC|SHA-256'

# --- positive controls: the corpus can pass -----------------------------------
cd "$W" || exit 1
accept "control: the pack keel-pack made is accepted" "$good"
new_case; forge "$EM" "$ES" "$E1" "$E2" "$E3"
accept "control: its entries, re-packed by ksp-forge, are accepted"
new_case; manifest m-good; signed "$W/m-good" "$E1" "$E2" "$E3"
accept "control: a hand-written manifest signed by openssl cms is accepted"
new_case; signed_as ecsigner "$W/m-good" "$E1" "$E2" "$E3"
accept "control: a pack signed by the EC (P-256) signer is accepted"

# --- a bit flipped in each entry's data, inside the gzip stream -----------------
flip_entry() {  # flip_entry NAME WHERE: flips a bit of entry NAME at WHERE
	cp "$W/good.tar" "$W/flip.tar"
	_o=$(tar_offset "$W/flip.tar" "$1") || diag "no entry $1 in the tar"
	flip "$W/flip.tar" $((_o + $2))
	new_case
	gzip -n -c "$W/flip.tar" >"$C/pack.ksp"
}
flip_entry MANIFEST.json 20
refuse 4 'signature' "a bit flipped in MANIFEST.json: the signature fails"
refuse_info 4 'signature' "keel info refuses it too"
flip_entry MANIFEST.json.p7s $(($(size_of "$X/MANIFEST.json.p7s") - 1))
refuse 4 'signature' "a bit flipped in the signature value (last byte of the .p7s)"
flip_entry MANIFEST.json.p7s 0
refuse 4 'signature' "a bit flipped in the signature's first DER byte"
flip_entry "$P1" $((S1 / 2))
refuse 3 "$P1.*(SHA-256|digest)" "a bit flipped in payload 1 (doc): digest mismatch"
flip_entry "$P2" $((S2 / 2))
refuse 3 "$P2.*(SHA-256|digest)" "a bit flipped in payload 2 (data): digest mismatch"
flip_entry "$P3" $((S3 - 1))
refuse 3 "$P3.*(SHA-256|digest)" "a bit flipped in payload 3 (tool): digest mismatch"
flip_entry "$P2" -400  # inside the entry's tar header: its checksum fails
refuse 3 'damaged|header|checksum' "a bit flipped in a tar header"

# --- a bit flipped in the gzip stream itself ------------------------------------
gz_flip() {  # gz_flip OFFSET [MASK]
	new_case
	cp "$good" "$C/pack.ksp"
	flip "$C/pack.ksp" "$1" "${2:-1}"
}
gzlen=$(size_of "$good")
gz_flip 0
refuse 3 'gzip' "a bit flipped in the gzip magic"
refuse_info 3 'gzip' "keel info refuses it too"
gz_flip 2
refuse 3 'gzip|damaged|method' "a bit flipped in the gzip compression method"
gz_flip 3 128  # bit 7 is reserved; bit 0 (FTEXT) would be harmless
refuse 3 'gzip|damaged|flag' "a reserved bit set in the gzip header flags"
gz_flip $((gzlen / 2))
refuse 3 "$DAMAGED" "a bit flipped in the middle of the gzip stream"
gz_flip $((gzlen - 8))
refuse 3 'CRC|damaged|check' "a bit flipped in the gzip CRC-32 trailer"
gz_flip $((gzlen - 1))
refuse 3 'length|size|damaged|check' "a bit flipped in the gzip length trailer"

# --- truncation ----------------------------------------------------------------------
truncate_to() {  # truncate_to BYTES
	new_case
	head -c "$1" "$good" >"$C/pack.ksp"
}
truncate_to 10
refuse 3 "$DAMAGED" "truncated to its first 10 bytes (the gzip header)"
truncate_to $((gzlen / 2))
refuse 3 "$DAMAGED" "truncated to half"
truncate_to $((gzlen - 4))
refuse 3 "$DAMAGED" "the last 4 bytes (gzip length) missing"
truncate_to $((gzlen - 1))
refuse 3 "$DAMAGED" "the last byte missing"

# --- after the end -------------------------------------------------------------------
new_case; cp "$good" "$C/pack.ksp"; printf 'garbage\n' >>"$C/pack.ksp"
refuse 3 'after|trailing' "trailing garbage after the gzip member"
new_case; cp "$good" "$C/pack.ksp"; head -c 512 /dev/zero >>"$C/pack.ksp"
refuse 3 'after|trailing' "zero bytes after the gzip member"
new_case; cp "$good" "$C/pack.ksp"; printf 'more\n' | gzip -n >>"$C/pack.ksp"
refuse 3 'after|trailing|member' "a second gzip member appended"
new_case; { cat "$W/good.tar"; printf 'garbage'; } | gzip -n >"$C/pack.ksp"
refuse 3 'after|end|padding|trailing' "non-zero bytes after the tar end marker, inside the gzip stream"
"$FORGE" --no-gzip "$W/extra.tar" "file:usr/share/bad/extra=$W/src/readme"
new_case; cat "$W/good.tar" "$W/extra.tar" | gzip -n >"$C/pack.ksp"
refuse 3 'after|end|padding|trailing' "a second tar archive after the end marker"

# --- entries out of place -------------------------------------------------------------
new_case; forge "$EM" "$ES" "$E2" "$E1" "$E3"
refuse 3 'order|expected|instead' "payload entries swapped"
new_case; forge "$ES" "$EM" "$E1" "$E2" "$E3"
refuse 3 'MANIFEST.json' "the signature before the manifest"
new_case; forge "$E1" "$EM" "$ES" "$E2" "$E3"
refuse 3 'MANIFEST.json' "MANIFEST.json not first"
new_case; forge "$EM" "$ES" "$E1" "$E2" "$E3" "file:usr/share/bad/extra=$W/src/readme"
refuse 3 'usr/share/bad/extra' "an extra entry at the end"
new_case; forge "$EM" "$ES" "$E1" "file:usr/share/bad/extra=$W/src/readme" "$E2" "$E3"
refuse 3 'usr/share/bad/extra' "an extra entry in the middle"
new_case; forge "$EM" "$ES" "$E1" "$E2"
refuse 3 "$P3.*missing|missing.*$P3" "the last payload entry missing"
new_case; forge "$EM" "$ES" "$E1" "$E3"
refuse 3 "$P2" "a payload entry in the middle missing"
new_case; forge "$EM" "$ES" "$E1" "$E1" "$E2" "$E3"
refuse 3 "$P1" "the same payload entry twice in the tar"
new_case; forge "$EM" "$ES" "file:${P1%/*}/readme=$X/$P1" "$E2" "$E3"
refuse 3 "$P1|readme" "a payload entry under another name than the manifest's"
new_case; forge "$EM" "$E1" "$E2" "$E3"
refuse 4 'signature|MANIFEST.json.p7s' "the signature entry missing"
refuse_info 4 'signature|MANIFEST.json.p7s' "keel info refuses it too"
new_case; forge "$EM"
refuse 4 'signature|MANIFEST.json.p7s' "a pack of MANIFEST.json alone"
new_case; forge "$ES" "$E1" "$E2" "$E3"
refuse 3 'MANIFEST.json' "the manifest entry missing"

# --- hostile tar entries where a payload file belongs ---------------------------------
new_case; forge "$EM" "$ES" "file:/$P1=$X/$P1" "$E2" "$E3"
refuse 3 'absolute|/'"$P1" "an absolute path in the tar"
new_case; forge "$EM" "$ES" "file:usr/share/doc/../doc/bad/README=$X/$P1" "$E2" "$E3"
refuse 3 '\.\.' "a .. path in the tar"
new_case; forge "$EM" "$ES" "symlink:$P1=/etc/passwd" "$E2" "$E3"
refuse 3 'link|regular' "a symlink in place of a payload file"
new_case; forge "$EM" "$ES" "$E1" "$E2" "hardlink:$P3=$P1"
refuse 3 'link|regular' "a hardlink in place of a payload file"
new_case; forge "$EM" "$ES" "dir:$P1" "$E2" "$E3"
refuse 3 'director|regular' "a directory in place of a payload file"
new_case; forge "$EM" "$ES" "chardev:$P1" "$E2" "$E3"
refuse 3 'device|regular' "a character device in place of a payload file"
new_case; forge "$EM" "$ES" "blockdev:$P1" "$E2" "$E3"
refuse 3 'device|regular' "a block device in place of a payload file"
new_case; forge "$EM" "$ES" "fifo:$P1" "$E2" "$E3"
refuse 3 'FIFO|pipe|regular' "a FIFO in place of a payload file"
new_case; forge "$EM" "$ES" "filesize:$P1=$X/$P1:$((S1 + 1))" "$E2" "$E3"
refuse 3 "$P1.*size|size.*$P1" "a tar header one byte longer than the manifest's size"
new_case; forge "$EM" "$ES" "$E1" "$E2" "zeros:$P3=209715200"
t0=$(date +%s)
refuse 3 "$P3.*size|size.*$P3" "an entry of 200 MiB of zeros where the manifest says 10 bytes"
diag "the 200 MiB entry was refused in $(($(date +%s) - t0)) s"

# --- signed manifests that lie about the payload -----------------------------------
manifest m-more "$F1,
$F2,
$(fentry "$P3" $((S3 + 1)) "$H3" tool 0755)"
new_case; signed "$W/m-more" "$E1" "$E2" "$E3"
refuse 3 "$P3.*size|size.*$P3" "the manifest says a file is bigger than it is"
manifest m-less "$(fentry "$P1" $((S1 - 1)) "$H1" doc),
$F2,
$F3"
new_case; signed "$W/m-less" "$E1" "$E2" "$E3"
refuse 3 "$P1.*size|size.*$P1" "the manifest says a file is smaller than it is"
manifest m-digest "$F1,
$(fentry "$P2" "$S2" "$H1" data),
$F3"
new_case; signed "$W/m-digest" "$E1" "$E2" "$E3"
refuse 3 "$P2.*(SHA-256|digest)" "the manifest has a wrong SHA-256 for a file"
manifest m-dup "$F1,
$F2,
$F1"
new_case; signed "$W/m-dup" "$E1" "$E2" "$E1"
refuse 3 'duplicate|twice|more than once' "the manifest lists a path twice (and the tar holds it twice)"
manifest m-dotdot "$(fentry "usr/share/doc/../../../etc/passwd" "$S1" "$H1" doc),
$F2,
$F3"
new_case; signed "$W/m-dotdot" "file:usr/share/doc/../../../etc/passwd=$X/$P1" "$E2" "$E3"
refuse 3 '\.\.' "a .. path in the signed manifest (and the tar)"
manifest m-abs "$(fentry "/$P1" "$S1" "$H1" doc),
$F2,
$F3"
new_case; signed "$W/m-abs" "file:/$P1=$X/$P1" "$E2" "$E3"
refuse 3 'absolute' "an absolute path in the signed manifest (and the tar)"
manifest m-prefix "$F1,
$(fentry "$P1/inner" "$S2" "$H2" data),
$F3"
new_case; signed "$W/m-prefix" "$E1" "file:$P1/inner=$X/$P2" "$E3"
refuse 3 "$P1" "a file that is also the directory of another file"
manifest m-setuid "$F1,
$F2,
$(fentry "$P3" "$S3" "$H3" tool 4755)"
new_case; signed "$W/m-setuid" "$E1" "$E2" "$E3"
refuse 3 'mode' "a setuid mode in the manifest"
# --- signed manifests that would take over what protects the target -----------
# at PATH DESC [PATTERN]: a signed pack installing P1's bytes at PATH.
at() {
	new_case
	manifest "m-at$n_case" "$(fentry "$1" "$S1" "$H1" doc),
$F2,
$F3"
	signed "$W/m-at$n_case" "file:$1=$X/$P1" "$E2" "$E3"
	refuse 3 "${3:-files\[0\]\.path \"$1\" is in .*which a pack may never install into}" "$2"
}
at etc/keel/trust.d/vendor.pem "a file in the trust store (a new root CA)" \
	"\"etc/keel/trust.d/vendor.pem\" is in keel's trust store"
refuse_info 3 "is in keel's trust store" "keel info refuses it too"
refuse_apply 3 "is in keel's trust store" "keel apply refuses it too, changing nothing"
at etc/keel/trust.d "the trust store directory itself"
at etc/keel/crl.d/inter.crl "a file in crl.d (a CRL that revokes nothing)" \
	"is in keel's certificate revocation lists"
at boot/grub/grub.cfg "GRUB's menu grub.cfg" "is in GRUB's menu"
at boot/grub/custom.cfg "GRUB's custom.cfg, where keel keeps its block"
at boot/grub/grubenv "GRUB's environment block"
at boot/grub/i386-pc/normal.mod "a GRUB module"
at Boot/GRUB/grub.cfg "GRUB's menu spelt in other case (a FAT /boot folds it)"
at boot/efi/EFI/debian/grubx64.efi "a boot loader on the EFI system partition" \
	"is in the EFI system partition"
at var/lib/keel/installed/bad "keel's own state" "is in keel's own state"
at var/lib/keel "keel's state directory itself"
at etc/systemd/system/keel-commit.service "the commit unit keel writes itself" \
	"is in the commit unit keel writes itself"
at etc/kernel/postinst.d/zzz-keel "the kernel hook keel writes itself" \
	"is in the kernel hooks keel writes itself"
manifest m-near "$(fentry etc/keel/trust.d.example/README "$S1" "$H1" doc),
$F2,
$F3"
new_case; signed "$W/m-near" "file:etc/keel/trust.d.example/README=$X/$P1" "$E2" "$E3"
run "$KEEL" verify --root "$root" "$C/pack.ksp"
[ "$rc" -eq 0 ]
ok $? "control: etc/keel/trust.d.example (a name that only starts the same) is accepted"
manifest m-world "$F1,
$F2,
$(fentry "$P3" "$S3" "$H3" tool 0757)"
new_case; signed "$W/m-world" "$E1" "$E2" "$E3"
refuse 3 'files\[2\]\.mode "0757" lets every user write the file' "a world-writable file (0757)"
manifest m-world2 "$(fentry "$P1" "$S1" "$H1" doc 0666),
$F2,
$F3"
new_case; signed "$W/m-world2" "$E1" "$E2" "$E3"
refuse 3 'world-writable' "a world-writable file (0666)"

# boot.options reach GRUB's menu: what GRUB would change on the way to
# keel-hv is refused; the rest is accepted (grub_quote_args quotes it).
HV=boot/keel/keel-hv-1.0.0
FHV="$(fentry "$HV" "$S1" "$H1" hypervisor),
$F2,
$F3"
boot_top() {  # boot_top OPTIONS-AS-JSON-TEXT
	printf '%s,\n  "boot": { "hypervisor": "%s", "options": "%s" }' "$TOP" "$HV" "$1"
}
manifest m-opts "$FHV" "$(boot_top 'serial=0x3f8 note=a;b$c|d{e}f')"
new_case; signed "$W/m-opts" "file:$HV=$X/$P1" "$E2" "$E3"
accept "control: boot.options with ; \$ | { } are accepted (keel quotes them for GRUB)"
manifest m-optq "$FHV" "$(boot_top 'serial=0x3f8 x=\"y\"')"
new_case; signed "$W/m-optq" "file:$HV=$X/$P1" "$E2" "$E3"
refuse 3 'boot.options contains a double quote \("\), which GRUB would pass to keel-hv with a backslash' \
	"a double quote in boot.options"
manifest m-opta "$FHV" "$(boot_top "x='y'")"
new_case; signed "$W/m-opta" "file:$HV=$X/$P1" "$E2" "$E3"
refuse 3 "boot.options contains a single quote \\(')" "a single quote in boot.options"
manifest m-optb "$FHV" "$(boot_top 'x=a\\b')"
new_case; signed "$W/m-optb" "file:$HV=$X/$P1" "$E2" "$E3"
refuse 3 'boot.options contains a backslash \(\\\)' "a backslash in boot.options"
manifest m-optn "$FHV" "$(boot_top 'x\n}\nmenuentry evil {')"
new_case; signed "$W/m-optn" "file:$HV=$X/$P1" "$E2" "$E3"
refuse 3 'boot.options contains a control character \(0x0a\)' \
	"a newline in boot.options (a second menu entry)"
manifest m-optbr "$FHV" "$(boot_top 'x {')"
new_case; signed "$W/m-optbr" "file:$HV=$X/$P1" "$E2" "$E3"
refuse 3 'boot.options has the word "\{" on its own' "a lone brace word in boot.options"

manifest m-role "$F1,
$(fentry "$P2" "$S2" "$H2" firmware),
$F3"
new_case; signed "$W/m-role" "$E1" "$E2" "$E3"
refuse 3 'role' "an unknown role in the manifest"
manifest m-nofiles " "
new_case; signed "$W/m-nofiles"
refuse 3 'files' "a manifest with no files"

# --- signatures that do not belong to the manifest ------------------------------------
manifest m-other "$FILES" "$(top_with 's/"level": 1/"level": 2/')"
sign "$W/m-other"
new_case; forge "$EM" "file:MANIFEST.json.p7s=$W/m-other.p7s" "$E1" "$E2" "$E3"
refuse 4 'signature' "a valid signature over another manifest"
refuse_info 4 'signature' "keel info refuses it too"
new_case; signed_as untrusted "$W/m-good" "$E1" "$E2" "$E3"
refuse 4 'trust|certificate|verif' "a signer from a root the target does not trust"
new_case; signed_as expired "$W/m-good" "$E1" "$E2" "$E3"
refuse 4 'expired' "an expired signer"
new_case; signed_as noeku "$W/m-good" "$E1" "$E2" "$E3"
refuse 4 'code.?signing|purpose|usage' "a signer without the code-signing usage"

# --- signed manifests that are not format-1 manifests -----------------------------------
printf '{ "format": 1, "name": "bad", ' >"$W/m-json"
new_case; signed "$W/m-json" "$E1" "$E2" "$E3"
refuse 3 'JSON' "invalid JSON (re-signed)"
printf '[ 1, 2, 3 ]\n' >"$W/m-array"
new_case; signed "$W/m-array" "$E1" "$E2" "$E3"
refuse 3 'object' "a JSON array instead of an object (re-signed)"
manifest m-type1 "$FILES" "$(top_with 's/"level": 1/"level": "1"/')"
new_case; signed "$W/m-type1" "$E1" "$E2" "$E3"
refuse 3 'level' "level as a string (re-signed)"
manifest m-type2 "$F1,
$(printf '    { "path": "%s", "size": "%s", "mode": "0644", "sha256": "%s", "role": "data" }' "$P2" "$S2" "$H2"),
$F3"
new_case; signed "$W/m-type2" "$E1" "$E2" "$E3"
refuse 3 'size' "a file size as a string (re-signed)"
manifest m-type3 "$FILES" "$(top_with 's/"requires": { "arch": "x86_64" }/"requires": "x86_64"/')"
new_case; signed "$W/m-type3" "$E1" "$E2" "$E3"
refuse 3 'requires' "requires as a string (re-signed)"
manifest m-format "$FILES" "$(top_with 's/"format": 1/"format": 2/')"
new_case; signed "$W/m-format" "$E1" "$E2" "$E3"
refuse 3 'unsupported manifest format 2' "an unknown format version (re-signed)"
refuse_info 3 'unsupported manifest format 2' "keel info refuses it too"
manifest m-unknown "$FILES" "$TOP,
  \"install_script\": \"rm -rf /\""
new_case; signed "$W/m-unknown" "$E1" "$E2" "$E3"
refuse 3 'unknown key.*install_script|install_script.*unknown' "an unknown key (re-signed)"
manifest m-nul "$FILES" "$(top_with 's/"name": "bad"/"name": "bad\\u0000evil"/')"
new_case; signed "$W/m-nul" "$E1" "$E2" "$E3"
refuse 3 'NUL' "a NUL byte inside the name (re-signed)"
long=$(head -c 10000 /dev/zero | tr '\0' a)
manifest m-longname "$FILES" "$(top_with "s/\"name\": \"bad\"/\"name\": \"$long\"/")"
new_case; signed "$W/m-longname" "$E1" "$E2" "$E3"
refuse 3 'name' "a name of 10000 characters (re-signed)"
manifest m-longdesc "$FILES" "$(top_with "s/\"description\": \"[^\"]*\"/\"description\": \"$long\"/")"
new_case; signed "$W/m-longdesc" "$E1" "$E2" "$E3"
refuse 3 'description' "a description of 10000 characters (re-signed)"
manifest m-longpath "$(fentry "usr/$long" "$S1" "$H1" doc),
$F2,
$F3"
new_case; signed "$W/m-longpath" "$E2" "$E3"
refuse 3 'path|long' "a path of 10000 characters (re-signed)"
EMPTY_SHA=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
many=$(awk -v h=$EMPTY_SHA 'BEGIN { for (i = 0; i < 5000; i++)
	printf "%s    { \"path\": \"usr/share/bad/f%d\", \"size\": 0, \"mode\": \"0644\", \"sha256\": \"%s\", \"role\": \"data\" }",
		i ? ",\n" : "", i, h }')
manifest m-many "$many"
new_case; signed "$W/m-many"
refuse 3 'files|4096' "5000 files (re-signed)"

# --- not a pack at all -------------------------------------------------------------
new_case; printf 'This is not a service pack.\n' >"$C/pack.ksp"
refuse 3 'gzip' "a text file"
new_case; : >"$C/pack.ksp"
refuse 3 'empty' "an empty file"
new_case; cp "$W/good.tar" "$C/pack.ksp"
refuse 3 'gzip' "an uncompressed tar of the right entries"
new_case; mkdir "$C/pack.ksp"
refuse 1 'director' "a directory given as the pack" "$C/pack.ksp"
new_case
refuse 1 'No such file' "a pack file that does not exist"

done_testing
