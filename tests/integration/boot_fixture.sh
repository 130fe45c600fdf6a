# tests/integration/boot_fixture.sh: targets with a grub.cfg from Debian's
# grub-mkconfig and packs whose manifest names keel-hv; sourced.
SHOW="$top_builddir/tests/grub/grubcfg_show"
MKFIX="$top_srcdir/tests/grub/mkfixture.sh"
unshare -rm true 2>/dev/null || skip_all "unshare -rm is not allowed here"
[ -x /etc/grub.d/10_linux ] || skip_all "grub-common is not installed"
K=${K:-6.1.0-28-amd64}
CUSTOM=boot/grub/custom.cfg ENV=boot/grub/grubenv

# fixture NAME VAR=VALUE...: a target in $TMP/NAME/root (R) trusting the
# test CA.
fixture() {
	_name=$1
	shift
	if ! env FX_KERNELS=$K "$@" sh "$MKFIX" "$TMP/$_name" >"$TMP/mkfix.out" 2>&1; then
		cat "$TMP/mkfix.out" >&2
		echo "Bail out! tests/grub/mkfixture.sh failed for $_name"
		exit 1
	fi
	R=$TMP/$_name/root
	make_root "$R"
	mkdir -p "$R/var/lib"
}

# pack VERSION LEVEL OUT [EXTRA-FILE-ENTRY]: a pack whose manifest names
# its keel-hv as boot.hypervisor; SUPERSEDES='"1.0.0"' for supersedes.
pack() {
	mkdir -p "$TMP/src"
	printf 'keel-hv %s\n' "$1" >"$TMP/src/hv-$1"
	cat >"$TMP/m-$1.json" <<JSON
{ "format": 1, "name": "keel", "version": "$1", "level": $2,
  "supersedes": [${SUPERSEDES-}],
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "boot": { "hypervisor": "boot/keel/keel-hv-$1", "options": "serial=0x3f8" },
  "files": [
    { "path": "boot/keel/keel-hv-$1", "source": "hv-$1", "mode": "0644", "role": "hypervisor" }${4:+,
    $4}
  ] }
JSON
	make_pack "$TMP/m-$1.json" "$TMP/src" "$3" >/dev/null ||
		{ echo "Bail out! cannot build the pack $1"; exit 1; }
}

# block FILE: keel's block of a custom.cfg.
block() { sed -n '/^### BEGIN keel/,/^### END keel ###$/p' "$1"; }
# envvar NAME: a variable of the target's grubenv, as grub-editenv reads it.
envvar() { grub-editenv "$R/$ENV" list | sed -n "s/^$1=//p"; }
