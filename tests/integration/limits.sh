#!/bin/sh
# limits.sh: every limit of installer/pack_limits.h at its boundary: a pack at the
# limit is accepted, one unit over is refused (exit 3) by a message naming it.
. "$top_srcdir/tests/lib.sh"
need_pki
root=$TMP/root
make_root "$root"
W=$TMP/work
mkdir -p "$W/src"
cd "$W" || exit 1

lim() {  # lim NAME: the value of NAME in installer/pack_limits.h
	_e=$(sed -n "s/^#define $1[[:space:]]*\([^/]*\).*/\1/p" \
		"$top_srcdir/installer/pack_limits.h" | sed 's/\([0-9]\)[uUlL]\{1,\}/\1/g')
	[ -n "$_e" ] || { echo "Bail out! $1 is not in pack_limits.h"; exit 1; }
	echo $(($_e))
}
MANIFEST_MAX=$(lim KEEL_MANIFEST_MAX)
SIGNATURE_MAX=$(lim KEEL_SIGNATURE_MAX)
FILES_MAX=$(lim KEEL_FILES_MAX)
PATH_MAX=$(lim KEEL_PATH_MAX)
DEPTH_MAX=$(lim KEEL_PATH_DEPTH_MAX)
STRING_MAX=$(lim KEEL_STRING_MAX)
OPTIONS_MAX=$(lim KEEL_OPTIONS_MAX)
LIST_MAX=$(lim KEEL_LIST_MAX)
FILE_SIZE_MAX=$(lim KEEL_FILE_SIZE_MAX)
TOTAL_SIZE_MAX=$(lim KEEL_TOTAL_SIZE_MAX)
TAIL_MAX=$(lim KEEL_TAIL_PADDING_MAX)

: >"$W/src/empty"
printf 'one\n' >"$W/src/one"
printf 'hypervisor image\n' >"$W/src/hv"
EMPTY_SHA=$(sha256sum <"$W/src/empty" | cut -d' ' -f1)
ONE_SHA=$(sha256sum <"$W/src/one" | cut -d' ' -f1)
HV_SHA=$(sha256sum <"$W/src/hv" | cut -d' ' -f1)

# --- tools -------------------------------------------------------------------
chars() { head -c "$2" /dev/zero | tr '\0' "$1"; }  # chars C N: N times C
# A path of exactly LEN bytes in components of at most 100 (a file name).
long_path() {
	_p=$(chars d 99)/$(chars d 99)/$(chars f 200)
	printf '%s' "$_p" | head -c "$1"
}
deep_path() {  # deep_path N: a path of N components
	_i=1 _p=f
	while [ $_i -lt "$1" ]; do _p=d$_i/$_p; _i=$((_i + 1)); done
	printf '%s' "$_p"
}
# tfile PATH [SOURCE [ROLE]]: a template element; sfile PATH SIZE SHA [ROLE]:
# a signed-manifest element.
tfile() {
	printf '    { "path": "%s", "source": "%s", "mode": "0644", "role": "%s" }' \
		"$1" "${2:-one}" "${3:-data}"
}
sfile() {
	printf '    { "path": "%s", "size": %s, "mode": "0644", "sha256": "%s", "role": "%s" }' \
		"$1" "$2" "$3" "${4:-data}"
}
# json OUT FILES [MORE [NAME]]: a manifest; MORE are extra top-level
# members ending in a comma. Signed form if FILES have sizes.
json() {
	case $2 in *'"size"'*) _bt='"build_time": "2023-11-14T22:13:20Z",' ;; *) _bt= ;; esac
	printf '{ "format": 1, "name": "%s", "version": "1.0.0", "level": 1, %s\n  %s\n  "requires": { "arch": "x86_64" },\n  "files": [\n%s\n  ] }\n' \
		"${4:-lim}" "$_bt" "${3:-}" "$2" >"$W/$1"
}

n_case=0
new_case() { n_case=$((n_case + 1)); C=$TMP/case$n_case; mkdir "$C"; }

kpack() {  # kpack TEMPLATE: keel-pack builds $C/pack.ksp (result in $rc)
	run "$KEEL_PACK" --manifest "$W/$1" --from "$W/src" --key "$PKI/signer.key" \
		--cert "$PKI/signer.pem" --chain "$PKI/chain.pem" --out "$C/pack.ksp"
}
sign() {  # sign MANIFEST [CMS-SIGN-OPTIONS]: MANIFEST.p7s
	_m=$1; shift
	"$OPENSSL" cms -sign -binary -outform DER -signer "$PKI/signer.pem" \
		-inkey "$PKI/signer.key" -certfile "$PKI/chain.pem" -md sha256 \
		"$@" -in "$_m" -out "$_m.p7s" || diag "openssl cms -sign failed on $_m"
}
# presigned MANIFEST ENTRY...: $C/pack.ksp from MANIFEST, MANIFEST.p7s and
# ENTRY...; signed: the same after signing MANIFEST afresh.
presigned() {
	_m=$W/$1; shift
	"$FORGE" "$C/pack.ksp" "file:MANIFEST.json=$_m" \
		"file:MANIFEST.json.p7s=$_m.p7s" "$@" ||
		diag "ksp-forge failed in case $n_case"
}
signed() {
	sign "$W/$1"
	presigned "$@"
}

accept() {  # accept DESCRIPTION: keel verify accepts $C/pack.ksp
	run "$KEEL" verify --root "$root" "$C/pack.ksp"
	[ "$rc" -eq 0 ] && grep -q "verified: " "$TMP/out"
	ok $? "$1"
	[ "$rc" -eq 0 ] || diag "exit $rc; stderr:" "$(cat "$TMP/err")"
}
# built DESCRIPTION: keel-pack built $C/pack.ksp and keel verify accepts it.
built() {
	if [ "$rc" -ne 0 ]; then
		ok 1 "$1"
		diag "keel-pack: exit $rc; stderr:" "$(cat "$TMP/err")"
		return
	fi
	accept "$1"
}
# refuse PATTERN DESCRIPTION [CMD...]: CMD (default keel verify of
# $C/pack.ksp) exits 3 with a message matching PATTERN (grep -Ei),
# writing nothing in the target root or beside the pack.
refuse() {
	_pat=$1 _desc=$2; shift 2
	[ $# -gt 0 ] || set -- "$KEEL" verify --root "$root" "$C/pack.ksp"
	_r0=$(tree_sum "$root") _c0=$(tree_sum "$C")
	run "$@"
	_why=
	[ "$rc" -eq 3 ] || _why="exit $rc, want 3;"
	grep -Eiq -- "$_pat" "$TMP/err" || _why="$_why no /$_pat/ on stderr;"
	[ "$(tree_sum "$root")" = "$_r0" ] || _why="$_why the target root changed;"
	[ "$(tree_sum "$C")" = "$_c0" ] || _why="$_why the pack's directory changed;"
	[ -z "$_why" ]
	ok $? "$_desc"
	[ -z "$_why" ] || diag "$_why stderr:" "$(cat "$TMP/err")"
}
# Refusals by keel-pack: exit 3, the limit named, no pack left behind.
refuse_build() {  # refuse_build PATTERN DESCRIPTION TEMPLATE
	refuse "$1" "$2" "$KEEL_PACK" --manifest "$W/$3" --from "$W/src" \
		--key "$PKI/signer.key" --cert "$PKI/signer.pem" \
		--chain "$PKI/chain.pem" --out "$C/pack.ksp"
}

# --- KEEL_FILES_MAX --------------------------------------------------------------
many_t() {  # many_t N: N template elements, all sharing one empty source
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "%s    { \"path\": \"f/%d\", \"source\": \"empty\", \"mode\": \"0644\", \"role\": \"data\" }",
			i ? ",\n" : "", i }'
}
json t-files "$(many_t "$FILES_MAX")"
new_case
t0=$(date +%s)
kpack t-files
t1=$(date +%s)
built "$FILES_MAX files (KEEL_FILES_MAX) are built and verified"
diag "$FILES_MAX empty files: keel-pack $((t1 - t0)) s, keel verify $(($(date +%s) - t1)) s"
json t-files1 "$(many_t $((FILES_MAX + 1)))"
new_case
refuse_build "$FILES_MAX" "keel-pack refuses $((FILES_MAX + 1)) files" t-files1
awk -v n=$((FILES_MAX + 1)) -v h="$EMPTY_SHA" 'BEGIN { for (i = 0; i < n; i++)
	printf "%s    { \"path\": \"f/%d\", \"size\": 0, \"mode\": \"0644\", \"sha256\": \"%s\", \"role\": \"data\" }",
		i ? ",\n" : "", i, h }' >"$W/files1"
json m-files1 "$(cat "$W/files1")"
awk -v n=$((FILES_MAX + 1)) -v e="$W/src/empty" \
	'BEGIN { for (i = 0; i < n; i++) printf "file:f/%d=%s\n", i, e }' >"$W/entries1"
new_case
# shellcheck disable=SC2046 # one argument per line; the paths have no blanks
signed m-files1 $(cat "$W/entries1")
refuse "$FILES_MAX" "keel verify refuses a signed manifest of $((FILES_MAX + 1)) files"

# --- KEEL_PATH_MAX and KEEL_PATH_DEPTH_MAX ------------------------------------------
p=$(long_path "$PATH_MAX")
json t-path "$(tfile "$p")"
new_case; kpack t-path
built "a path of $PATH_MAX bytes (KEEL_PATH_MAX) is built and verified"
p1=$(long_path $((PATH_MAX + 1)))
json t-path1 "$(tfile "$p1")"
new_case
refuse_build "$PATH_MAX" "keel-pack refuses a path of $((PATH_MAX + 1)) bytes" t-path1
json m-path1 "$(sfile "$p1" 4 "$ONE_SHA")"
new_case; signed m-path1 "file:$p1=$W/src/one"
refuse "$PATH_MAX" "keel verify refuses a path of $((PATH_MAX + 1)) bytes"

p=$(deep_path "$DEPTH_MAX")
json t-deep "$(tfile "$p")"
new_case; kpack t-deep
built "a path of $DEPTH_MAX components (KEEL_PATH_DEPTH_MAX) is built and verified"
p1=$(deep_path $((DEPTH_MAX + 1)))
json t-deep1 "$(tfile "$p1")"
new_case
refuse_build "$DEPTH_MAX" "keel-pack refuses a path of $((DEPTH_MAX + 1)) components" t-deep1
json m-deep1 "$(sfile "$p1" 4 "$ONE_SHA")"
new_case; signed m-deep1 "file:$p1=$W/src/one"
refuse "$DEPTH_MAX" "keel verify refuses a path of $((DEPTH_MAX + 1)) components"

# --- KEEL_STRING_MAX, the name, KEEL_OPTIONS_MAX, KEEL_LIST_MAX ---------------------
json t-desc "$(tfile usr/share/lim/one)" "\"description\": \"$(chars x "$STRING_MAX")\","
new_case; kpack t-desc
built "a description of $STRING_MAX characters (KEEL_STRING_MAX) is built and verified"
desc1="\"description\": \"$(chars x $((STRING_MAX + 1)))\","
json t-desc1 "$(tfile usr/share/lim/one)" "$desc1"
new_case
refuse_build "$STRING_MAX" "keel-pack refuses a description of $((STRING_MAX + 1)) characters" t-desc1
json m-desc1 "$(sfile usr/share/lim/one 4 "$ONE_SHA")" "$desc1"
new_case; signed m-desc1 "file:usr/share/lim/one=$W/src/one"
refuse "$STRING_MAX" "keel verify refuses a description of $((STRING_MAX + 1)) characters"

json t-name "$(tfile usr/share/lim/one)" "" "$(chars n 64)"
new_case; kpack t-name
built "a name of 64 characters is built and verified"
json m-name1 "$(sfile usr/share/lim/one 4 "$ONE_SHA")" "" "$(chars n 65)"
new_case; signed m-name1 "file:usr/share/lim/one=$W/src/one"
refuse "64" "keel verify refuses a name of 65 characters"

hvf=$(tfile boot/keel/hv hv hypervisor)
json t-opt "$hvf" "\"boot\": { \"hypervisor\": \"boot/keel/hv\", \"options\": \"$(chars o "$OPTIONS_MAX")\" },"
new_case; kpack t-opt
built "hypervisor options of $OPTIONS_MAX characters (KEEL_OPTIONS_MAX) are built and verified"
opt1="\"boot\": { \"hypervisor\": \"boot/keel/hv\", \"options\": \"$(chars o $((OPTIONS_MAX + 1)))\" },"
json t-opt1 "$hvf" "$opt1"
new_case
refuse_build "$OPTIONS_MAX" "keel-pack refuses hypervisor options of $((OPTIONS_MAX + 1)) characters" t-opt1
json m-opt1 "$(sfile boot/keel/hv 17 "$HV_SHA" hypervisor)" "$opt1"
new_case; signed m-opt1 "file:boot/keel/hv=$W/src/hv"
refuse "$OPTIONS_MAX" "keel verify refuses hypervisor options of $((OPTIONS_MAX + 1)) characters"

versions() {  # versions N: "0.0.0", "0.0.1", ...
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%s\"0.0.%d\"", i ? ", " : "", i }'
}
json t-list "$(tfile usr/share/lim/one)" "\"supersedes\": [ $(versions "$LIST_MAX") ],"
new_case; kpack t-list
built "supersedes with $LIST_MAX versions (KEEL_LIST_MAX) is built and verified"
list1="\"supersedes\": [ $(versions $((LIST_MAX + 1))) ],"
json t-list1 "$(tfile usr/share/lim/one)" "$list1"
new_case
refuse_build "$LIST_MAX" "keel-pack refuses supersedes with $((LIST_MAX + 1)) versions" t-list1
json m-list1 "$(sfile usr/share/lim/one 4 "$ONE_SHA")" "$list1"
new_case; signed m-list1 "file:usr/share/lim/one=$W/src/one"
refuse "$LIST_MAX" "keel verify refuses supersedes with $((LIST_MAX + 1)) versions"

# --- KEEL_MANIFEST_MAX ------------------------------------------------------------
# pad_json IN OUT SIZE: IN with blanks before its last "}", SIZE bytes in all.
pad_json() {
	_n=$(($3 - $(wc -c <"$W/$1")))
	{ head -c -2 "$W/$1"; chars ' ' "$_n"; printf '}\n'; } >"$W/$2"
}
json m-base "$(sfile usr/share/lim/one 4 "$ONE_SHA")"
pad_json m-base m-big "$MANIFEST_MAX"
new_case; signed m-big "file:usr/share/lim/one=$W/src/one"
accept "a manifest of $MANIFEST_MAX bytes (KEEL_MANIFEST_MAX) is verified"
pad_json m-base m-big1 $((MANIFEST_MAX + 1))
new_case; signed m-big1 "file:usr/share/lim/one=$W/src/one"
refuse "MANIFEST.json.*($MANIFEST_MAX|$((MANIFEST_MAX >> 20)) MiB)" \
	"keel verify refuses a manifest of $((MANIFEST_MAX + 1)) bytes"
# keel-pack must not sign what no keel would read: long paths make the
# manifest of the most files allowed bigger than allowed.
awk -v n="$FILES_MAX" -v d="$(chars d 150)" 'BEGIN { for (i = 0; i < n; i++)
	printf "%s    { \"path\": \"%s/%d\", \"source\": \"empty\", \"mode\": \"0644\", \"role\": \"data\" }",
		i ? ",\n" : "", d, i }' >"$W/bigfiles"
json t-big "$(cat "$W/bigfiles")"
new_case
refuse_build "$MANIFEST_MAX|$((MANIFEST_MAX >> 20)) MiB" \
	"keel-pack refuses to write a manifest over $MANIFEST_MAX bytes" t-big

# --- KEEL_SIGNATURE_MAX -----------------------------------------------------------
# A signature grows with the certificates it carries: a self-signed one with
# a long comment is carried along, and its length tunes the total.
sig_of_size() {  # sig_of_size MANIFEST SIZE: MANIFEST.p7s of SIZE bytes, if possible
	_len=$(($2 - 3000)) _try=0
	while [ $_try -lt 6 ]; do
		"$OPENSSL" req -x509 -new -key "$PKI/signer.key" -subj "/CN=keel test ballast" \
			-days 3650 -addext "nsComment=$(chars c "$_len")" \
			-out "$W/ballast.pem" 2>"$W/req.err" || { diag "$(cat "$W/req.err")"; return 1; }
		cat "$PKI/chain.pem" "$W/ballast.pem" >"$W/ballast-chain.pem"
		"$OPENSSL" cms -sign -binary -outform DER -signer "$PKI/signer.pem" \
			-inkey "$PKI/signer.key" -certfile "$W/ballast-chain.pem" \
			-md sha256 -in "$W/$1" -out "$W/$1.p7s" || return 1
		_got=$(wc -c <"$W/$1.p7s")
		[ "$_got" -eq "$2" ] && return 0
		_len=$((_len + $2 - _got)) _try=$((_try + 1))
	done
	diag "could not make a signature of exactly $2 bytes (last: $_got)"
	return 1
}
json m-sig "$(sfile usr/share/lim/one 4 "$ONE_SHA")"
new_case
sig_of_size m-sig "$SIGNATURE_MAX"
presigned m-sig "file:usr/share/lim/one=$W/src/one"
accept "a signature of $SIGNATURE_MAX bytes (KEEL_SIGNATURE_MAX) is verified"
new_case
sig_of_size m-sig $((SIGNATURE_MAX + 1))
presigned m-sig "file:usr/share/lim/one=$W/src/one"
refuse "MANIFEST.json.p7s.*($SIGNATURE_MAX|$((SIGNATURE_MAX >> 10)) KiB)" \
	"keel verify refuses a signature of $((SIGNATURE_MAX + 1)) bytes"

# --- KEEL_FILE_SIZE_MAX and KEEL_TOTAL_SIZE_MAX ------------------------------------
# At the limit for real: a file of exactly KEEL_FILE_SIZE_MAX zero bytes.
# (OpenSSL's SHA-256 is several times faster here than sha256sum's.)
zsha=$(head -c "$FILE_SIZE_MAX" /dev/zero | "$OPENSSL" dgst -sha256 -r | cut -d' ' -f1)
json m-fmax "$(sfile usr/share/lim/zeros "$FILE_SIZE_MAX" "$zsha")"
new_case
t0=$(date +%s)
signed m-fmax "zeros:usr/share/lim/zeros=$FILE_SIZE_MAX"
t1=$(date +%s)
accept "a file of $FILE_SIZE_MAX bytes (KEEL_FILE_SIZE_MAX) is verified"
diag "$FILE_SIZE_MAX zero bytes: forged in $((t1 - t0)) s, verified in $(($(date +%s) - t1)) s"
# Over the limits, only declared: the manifest alone is refused, so the
# data need not exist (the tar entries hold what the manifest says is small).
json m-fsize1 "$(sfile usr/share/lim/zeros $((FILE_SIZE_MAX + 1)) "$zsha")"
new_case; signed m-fsize1 "file:usr/share/lim/zeros=$W/src/one"
refuse "($FILE_SIZE_MAX|$((FILE_SIZE_MAX >> 30)) GiB)" \
	"keel verify refuses a file declared $((FILE_SIZE_MAX + 1)) bytes"
n_total=$((TOTAL_SIZE_MAX / FILE_SIZE_MAX))
total_files() {  # total_files EXTRA: files of FILE_SIZE_MAX up to the total, then EXTRA bytes
	awk -v n="$n_total" -v s="$FILE_SIZE_MAX" -v x="$1" -v h="$zsha" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "    { \"path\": \"usr/share/lim/z%d\", \"size\": %s, \"mode\": \"0644\", \"sha256\": \"%s\", \"role\": \"data\" },\n", i, s, h
		printf "    { \"path\": \"usr/share/lim/x\", \"size\": %d, \"mode\": \"0644\", \"sha256\": \"%s\", \"role\": \"data\" }", x, h }'
}
# Exactly the total: the manifest is fine, so what is refused is the first
# entry, which is not the size the manifest says; the total is not blamed.
json m-total "$(total_files 0)"
new_case; signed m-total "file:usr/share/lim/z0=$W/src/one"
run "$KEEL" verify --root "$root" "$C/pack.ksp"
[ "$rc" -eq 3 ] && grep -q 'usr/share/lim/z0' "$TMP/err" && ! grep -Eiq 'total' "$TMP/err"
ok $? "a total of $TOTAL_SIZE_MAX bytes (KEEL_TOTAL_SIZE_MAX) passes the manifest check"
[ "$rc" -eq 3 ] || diag "exit $rc; stderr:" "$(cat "$TMP/err")"
json m-total1 "$(total_files 1)"
new_case; signed m-total1 "file:usr/share/lim/z0=$W/src/one"
refuse "total.*($TOTAL_SIZE_MAX|$((TOTAL_SIZE_MAX >> 30)) GiB)|($TOTAL_SIZE_MAX|$((TOTAL_SIZE_MAX >> 30)) GiB).*total" \
	"keel verify refuses files totalling $((TOTAL_SIZE_MAX + 1)) bytes"

# --- KEEL_TAIL_PADDING_MAX --------------------------------------------------------
# ksp-forge --no-gzip ends the tar right after its 1024-byte end marker.
json m-tail "$(sfile usr/share/lim/one 4 "$ONE_SHA")"
sign "$W/m-tail"
"$FORGE" --no-gzip "$W/tail.tar" "file:MANIFEST.json=$W/m-tail" \
	"file:MANIFEST.json.p7s=$W/m-tail.p7s" "file:usr/share/lim/one=$W/src/one"
new_case
{ cat "$W/tail.tar"; head -c "$TAIL_MAX" /dev/zero; } | gzip -n >"$C/pack.ksp"
accept "$TAIL_MAX zero bytes (KEEL_TAIL_PADDING_MAX) after the tar end marker are verified"
new_case
{ cat "$W/tail.tar"; head -c $((TAIL_MAX + 1)) /dev/zero; } | gzip -n >"$C/pack.ksp"
refuse "padding|($TAIL_MAX|$((TAIL_MAX >> 10)) KiB)" \
	"keel verify refuses $((TAIL_MAX + 1)) zero bytes after the tar end marker"

done_testing
