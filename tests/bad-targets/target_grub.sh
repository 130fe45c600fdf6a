# tests/bad-targets/target_grub.sh: GRUB's grubenv, which keel edits, made a
# FIFO or the block device of a loop device backed by a sentinel file.
# Sourced by tests/integration/bad_targets.sh (with boot_fixture.sh) when
# GRUB's scripts can run; one case_* per case. Refused, nothing touched.

# grub_templates: $TMP/g-base (a target grub-mkconfig made, nothing
# applied) and $TMP/g-one (keel 1.0.0 applied: a trial in grubenv), and
# the packs $GPACK1 (1.0.0) and $GPACK2 (1.1.0, superseding it).
grub_templates() {
	GPACK1=$TMP/g10.ksp GPACK2=$TMP/g11.ksp
	pack 1.0.0 1 "$GPACK1"
	SUPERSEDES='"1.0.0"' pack 1.1.0 2 "$GPACK2"
	fixture g
	mv "$TMP/g/root" "$TMP/g-base"
	cp -a "$TMP/g-base" "$TMP/g-one"
	"$KEEL" apply --root "$TMP/g-one" --yes "$GPACK1" >/dev/null 2>&1
	[ $? -eq 11 ] && [ -f "$TMP/g-one/$ENV" ] ||
		{ echo "Bail out! cannot apply keel 1.0.0 to the GRUB template"; exit 1; }
}

# grubenv_fifo TEMPLATE: boot/grub/grubenv replaced by a FIFO; a keel
# that opens it to read or write blocks (the time limit shows it).
grubenv_fifo() {
	new_case "$1"
	rm "$R/$ENV"
	mkfifo "$R/$ENV"
}

# grubenv_loop TEMPLATE: boot/grub/grubenv replaced by the block device
# of a loop device whose backing file is in the sentinel (a GRUB
# environment block, so a keel that reads it sees what it expects). 1 when
# loop devices are not available here.
grubenv_loop() {
	new_case "$1"
	cp "$R/$ENV" "$S/disk"
	_loop=$(losetup -f --show "$S/disk" 2>/dev/null) || {
		diag "skipped: grubenv as a loop device: losetup cannot attach one here"
		return 1
	}
	BT_LOOPS="$BT_LOOPS $_loop"
	# Major and minor in hex, as stat prints them.
	_maj=$(stat -c %t "$_loop") _min=$(stat -c %T "$_loop")
	rm "$R/$ENV"
	mknod "$R/$ENV" b "$((0x$_maj))" "$((0x$_min))" 2>/dev/null || {
		diag "skipped: grubenv as a loop device: mknod is not permitted here"
		return 1
	}
}

GRUBENV_REFUSED="1 10"  # a target file (10) or GRUB state keel keeps (1)

# What every command must do with a grubenv keel cannot use: refuse,
# naming it, on a target keel never changed and on one with a trial.
grubenv_fresh() {  # grubenv_fresh DESCRIPTION
	for _how in --yes --dry-run; do
		refused "$GRUBENV_REFUSED" "$(rx "$ENV")" "$1" apply $_how "$GPACK1"
	done
}
grubenv_installed() {  # grubenv_installed DESCRIPTION
	refused "$GRUBENV_REFUSED" "$(rx "$ENV")" "$1" apply --yes "$GPACK2"
	for _verb in "rollback --yes" "uninstall --yes" "rollback --dry-run"; do
		refused "$GRUBENV_REFUSED" "$(rx "$ENV")" "$1" $_verb
	done
}

case_grubenv_fifo_fresh() {
	grubenv_fifo "$TMP/g-base"
	grubenv_fresh "grubenv a FIFO"
}
case_grubenv_fifo_installed() {
	grubenv_fifo "$TMP/g-one"
	grubenv_installed "grubenv a FIFO after an apply"
}
case_grubenv_loop_fresh() {
	grubenv_loop "$TMP/g-base" || return 0
	grubenv_fresh "grubenv a loop block device"
}
case_grubenv_loop_installed() {
	grubenv_loop "$TMP/g-one" || return 0
	grubenv_installed "grubenv a loop block device after an apply"
}
