#!/bin/sh
# bad_state.sh: the bad-target corpus, state half: keel's own state on a
# target damaged or made hostile (tests/bad-targets/state_*.sh); every
# command refuses with exit 1, naming the path, and changes nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/apply_fixture.sh"
. "$top_srcdir/tests/bad-targets/lib.sh"
need_pki
bt_templates

# --- controls: the harness sees a change, and the templates are good ---------
new_case "$TMP/t-one"
accepted "control: a good target with one level answers" status
bt_snap before
printf 'x' >>"$S/sub/tool"
bt_snap after
_why=
bt_unchanged outside
[ -n "$_why" ]
ok $? "control: a byte added to a sentinel file is seen"
new_case "$TMP/t-two"
refused 10 'older than the installed 1\.1\.0' "control: a refused downgrade is seen as a refusal" \
	apply --yes "$PACK1"

run_cases "$top_srcdir/tests/bad-targets/state_links.sh"
run_cases "$top_srcdir/tests/bad-targets/state_records.sh"
done_testing
