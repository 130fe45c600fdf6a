/* boot_running.c: tells whether the entry keel chains boots the kernel
 * and command line this system runs, so apply can say when it does not. */
#include "config.h"

#include <string.h>

#include "boot_running.h"
#include "grubcfg.h"

static int kernel_differs(const char *kernel, const char *release)
{
	const char *base = strrchr(kernel, '/');

	base = base ? base + 1 : kernel;
	if (strncmp(base, "vmlinuz-", 8) != 0)
		return -1;  /* a name that does not carry the release */
	return strcmp(base + 8, release) != 0;
}

/* The words of /proc/cmdline without GRUB's BOOT_IMAGE=, against those
 * of the linux line as GRUB splits them. */
static int cmdline_differs(const char *cmdline, const char *proc_cmdline)
{
	char **want, **have;
	int n_want = grub_split_words(cmdline, &want);
	int n_have = grub_split_words(proc_cmdline, &have);
	int i, skip, differs = -1;

	if (n_want >= 0 && n_have >= 0) {
		skip = n_have > 0 && strncmp(have[0], "BOOT_IMAGE=", 11) == 0;
		differs = n_have - skip != n_want;
		for (i = 0; !differs && i < n_want; i++)
			differs = strcmp(want[i], have[i + skip]) != 0;
		for (i = 0; i < n_want; i++)
			if (strchr(want[i], '$'))
				differs = -1;
	}
	if (n_want >= 0)
		grub_free_words(want);
	if (n_have >= 0)
		grub_free_words(have);
	return differs;
}

void boot_running_compare(const char *kernel, const char *cmdline,
			  const char *release, const char *proc_cmdline,
			  struct boot_running *out)
{
	out->kernel_differs = kernel_differs(kernel, release);
	out->cmdline_differs = cmdline_differs(cmdline, proc_cmdline);
}
