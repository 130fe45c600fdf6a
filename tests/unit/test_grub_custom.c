/* test_grub_custom.c: keel's block in custom.cfg is added, replaced and
 * removed without touching the administrator's lines, and GRUB accepts it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_custom.h"
#include "tests/tap.h"

#define ENTRY_A "menuentry 'keel 1.0.0' --id 'keel-1.0.0' {\n\ttrue\n}\n"
#define ENTRY_B "menuentry 'keel 1.1.0' --id 'keel-1.1.0' {\n\ttrue\n}\n"
#define USER_HEAD "# my entries\nmenuentry 'rescue' {\n\tlinux /rescue\n}\n"
#define USER_TAIL "set timeout=3\n"
#define BLOCK(entries) GRUB_CUSTOM_BEGIN "\n" entries GRUB_CUSTOM_END "\n"

static char *update(const char *old, const char *block)
{
	struct keel_error err = { 0 };
	char *out = NULL;

	if (grub_custom_update(old, block, "custom.cfg", &out, &err) != KEEL_OK)
		diag("%s", err.msg);
	return out;
}

/* grub-script-check on text: 0 if GRUB's parser accepts it. */
static int script_check(const char *text)
{
	char path[] = "/tmp/keel-custom-XXXXXX", cmd[128];
	int fd = mkstemp(path), rc;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "grub-script-check %s", path);
	rc = system(cmd);
	remove(path);
	return rc;
}

int main(void)
{
	struct keel_error err = { 0 };
	char *a, *b, *c, *out;

	a = update(NULL, ENTRY_A);
	is_str(a, BLOCK(ENTRY_A), "no custom.cfg yet: the file is keel's block");
	free(a);

	a = update(USER_HEAD USER_TAIL, ENTRY_A);
	is_str(a, USER_HEAD USER_TAIL BLOCK(ENTRY_A),
	       "the administrator's lines first, keel's block at the end");
	is_int(script_check(a), 0, "grub-script-check accepts the file");
	b = update(a, ENTRY_B);
	is_str(b, USER_HEAD USER_TAIL BLOCK(ENTRY_B),
	       "a new level replaces keel's entries, nothing else");
	free(a);
	free(b);

	a = update(USER_HEAD BLOCK(ENTRY_A) USER_TAIL, ENTRY_A ENTRY_B);
	is_str(a, USER_HEAD BLOCK(ENTRY_A ENTRY_B) USER_TAIL,
	       "the block is replaced where it is: lines after it stay after it");
	is_int(script_check(a), 0, "grub-script-check accepts two keel entries");
	c = update(a, NULL);
	is_str(c, USER_HEAD USER_TAIL, "without a block: the administrator's "
	       "lines exactly as they were");
	free(a);
	free(c);

	a = update("set timeout=3", ENTRY_A);
	is_str(a, "set timeout=3\n" BLOCK(ENTRY_A),
	       "a last line without a newline gets one before the block");
	free(a);

	a = update("# " GRUB_CUSTOM_BEGIN "\n" USER_TAIL, ENTRY_A);
	is_str(a, "# " GRUB_CUSTOM_BEGIN "\n" USER_TAIL BLOCK(ENTRY_A),
	       "a marker that does not start its line is the user's text");
	free(a);

	out = NULL;
	is_int(grub_custom_update(USER_HEAD GRUB_CUSTOM_BEGIN "\n" ENTRY_A,
				  ENTRY_B, "/boot/grub/custom.cfg", &out, &err),
	       KEEL_ENOTAPPLICABLE, "the start of the block without its end "
	       "is refused");
	ok(out == NULL && strstr(err.msg, "/boot/grub/custom.cfg has the start "
				 "of keel's block but not its end") != NULL,
	   "%s", err.msg);
	return done_testing();
}
