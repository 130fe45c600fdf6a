# tests/integration/apply_fixture.sh: two service packs (1.0.0, and 1.1.0
# superseding it) and a target root with files they replace; sourced.
# Sets PACK1, PACK2 and makes $TMP/base, a target nothing was applied to;
# need_shim finds the fault-injection library.
make_apply_fixture() {
	src=$TMP/src
	mkdir -p "$src"
	printf 'keel-hv 1.0\n' >"$src/hv10"
	printf 'keel-hv 1.1\n' >"$src/hv11"
	printf '#!/bin/sh\necho tool 1.0\n' >"$src/tool10"
	printf '#!/bin/sh\necho tool 1.1\n' >"$src/tool11"
	printf '[Unit]\nDescription=keel\n' >"$src/unit"
	head -c 200000 /dev/urandom >"$src/blob"
	cat >"$TMP/keel-1.0.json" <<'JSON'
{ "format": 1, "name": "keel", "version": "1.0.0", "level": 1,
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "files": [
    { "path": "boot/keel/keel-hv-1.0", "source": "hv10", "mode": "0644", "role": "hypervisor" },
    { "path": "usr/sbin/keel-tool", "source": "tool10", "mode": "0755", "role": "tool" },
    { "path": "lib/systemd/system/keel.service", "source": "unit", "mode": "0644", "role": "unit" },
    { "path": "etc/keel/link", "source": "unit", "mode": "0600", "role": "config" }
  ] }
JSON
	cat >"$TMP/keel-1.1.json" <<'JSON'
{ "format": 1, "name": "keel", "version": "1.1.0", "level": 2,
  "supersedes": ["1.0.0"],
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "files": [
    { "path": "boot/keel/keel-hv-1.1", "source": "hv11", "mode": "0644", "role": "hypervisor" },
    { "path": "usr/sbin/keel-tool", "source": "tool11", "mode": "0750", "role": "tool" },
    { "path": "usr/share/keel/data/blob", "source": "blob", "mode": "0644", "role": "data" }
  ] }
JSON
	PACK1=$TMP/keel-1.0.0.ksp PACK2=$TMP/keel-1.1.0.ksp
	make_pack "$TMP/keel-1.0.json" "$src" "$PACK1" >/dev/null &&
		make_pack "$TMP/keel-1.1.json" "$src" "$PACK2" >/dev/null ||
		{ echo "Bail out! cannot build the test packs"; exit 1; }
	# The target: merged /usr (lib is a relative symlink, resolved inside
	# the root), a tool keel replaces, a symlink keel replaces.
	base=$TMP/base
	make_root "$base"
	mkdir -p "$base/usr/lib" "$base/usr/sbin" "$base/boot" "$base/var/lib"
	ln -s usr/lib "$base/lib"
	printf 'the old tool\n' >"$base/usr/sbin/keel-tool"
	chmod 0700 "$base/usr/sbin/keel-tool"
	ln -s /nonexistent/target "$base/etc/keel/link"
}

# need_shim: SHIM, the fault-injection library keel is run under (skips
# the test when it is not built).
need_shim() {
	SHIM=$top_builddir/tests/fault/faultshim.so
	[ -f "$SHIM" ] || skip_all "tests/fault/faultshim.so is not built"
	# An ASan keel must accept a preloaded library ahead of its runtime.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	export ASAN_OPTIONS
}
