/* boot_running.h: on the running system, whether the kernel and command
 * line keel chains are the ones running now (uname -r, /proc/cmdline). */
#ifndef KEEL_BOOT_RUNNING_H
#define KEEL_BOOT_RUNNING_H

struct boot_running {
	int kernel_differs;   /* 1: another kernel runs; -1: cannot tell */
	int cmdline_differs;  /* 1: another command line; -1: cannot tell */
};

/* Compares the chained kernel (a GRUB path, .../vmlinuz-RELEASE) and its
 * command line (as written in grub.cfg) with release (uname -r) and
 * proc_cmdline (/proc/cmdline, GRUB's BOOT_IMAGE= first). Words are
 * compared after GRUB's quoting; a line with $variables cannot be told. */
void boot_running_compare(const char *kernel, const char *cmdline,
			  const char *release, const char *proc_cmdline,
			  struct boot_running *out);

#endif
