#!/bin/sh
# reproducible.sh: the same inputs and SOURCE_DATE_EPOCH give a
# byte-identical pack; another SOURCE_DATE_EPOCH gives another one.
. "$top_srcdir/tests/lib.sh"
need_pki

mkdir -p "$TMP/a" "$TMP/b"
printf 'one\n' >"$TMP/a/one"
head -c 300000 /dev/urandom >"$TMP/a/two"
cat >"$TMP/a/t.json" <<JSON
{ "format": 1, "name": "repro", "version": "2.0.0", "level": 1,
  "requires": { "arch": "x86_64" },
  "files": [ { "path": "usr/share/repro/one", "source": "one", "mode": "0644", "role": "data" },
             { "path": "usr/share/repro/two", "source": "two", "mode": "0644", "role": "data" } ] }
JSON
cp -p "$TMP/a/one" "$TMP/a/two" "$TMP/a/t.json" "$TMP/b/"

build() {  # build SRC-DIR OUT [umask]
	(umask "${3:-022}" && cd "$1" &&
		"$KEEL_PACK" --manifest t.json --key "$PKI/signer.key" \
			--cert "$PKI/signer.pem" --chain "$PKI/chain.pem" --out "$2")
}

build "$TMP/a" "$TMP/1.ksp"
ok $? "first build"
# Different directory, file times, umask and wall clock: same bytes.
touch -d '2001-02-03 04:05:06' "$TMP/b/one" "$TMP/b/two"
sleep 1
build "$TMP/b" "$TMP/2.ksp" 077
ok $? "second build from a copy with other times and umask"
cmp "$TMP/1.ksp" "$TMP/2.ksp"
ok $? "the two packs are byte-identical"

SOURCE_DATE_EPOCH=1700000001 build "$TMP/a" "$TMP/3.ksp" &&
	! cmp -s "$TMP/1.ksp" "$TMP/3.ksp"
ok $? "another SOURCE_DATE_EPOCH gives another pack"

printf 'changed\n' >"$TMP/b/one"
build "$TMP/b" "$TMP/4.ksp" && ! cmp -s "$TMP/1.ksp" "$TMP/4.ksp"
ok $? "changed content gives another pack"

done_testing
