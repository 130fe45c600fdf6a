/* test_boot_running.c: apply's check that the entry it chains boots the
 * kernel and command line running now: GRUB's quoting, BOOT_IMAGE=. */
#include "config.h"

#include "boot_running.h"
#include "tests/tap.h"

#define K "/boot/vmlinuz-6.1.0-28-amd64"
#define REL "6.1.0-28-amd64"

static struct boot_running cmp(const char *kernel, const char *cmdline,
			       const char *release, const char *proc)
{
	struct boot_running r;

	boot_running_compare(kernel, cmdline, release, proc, &r);
	return r;
}

/* Says what came out when a check fails. */
static void show(const struct boot_running *r)
{
	diag("kernel_differs %d, cmdline_differs %d", r->kernel_differs,
	     r->cmdline_differs);
}

int main(void)
{
	struct boot_running r;

	r = cmp(K, "root=UUID=abc ro  quiet", REL,
		"BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-amd64 root=UUID=abc ro quiet");
	if (!ok(r.kernel_differs == 0 && r.cmdline_differs == 0,
		"the same kernel and line (GRUB's double blank, BOOT_IMAGE=)"))
		show(&r);
	r = cmp("/vmlinuz-" REL, "root=/dev/sda1", REL, "root=/dev/sda1");
	if (!ok(r.kernel_differs == 0 && r.cmdline_differs == 0,
		"a separate /boot's path; a loader without BOOT_IMAGE="))
		show(&r);
	r = cmp(K, "quiet", "6.1.0-25-amd64", "BOOT_IMAGE=/boot/vmlinuz-6.1.0-25-amd64 quiet");
	if (!ok(r.kernel_differs == 1 && r.cmdline_differs == 0,
		"another kernel runs (a newer one installed since)"))
		show(&r);
	r = cmp("/boot/linux", "quiet", REL, "quiet");
	is_int(r.kernel_differs, -1, "a kernel name without the release: cannot tell");
	r = cmp(K, "ro quiet", REL, "BOOT_IMAGE=" K " ro quiet splash");
	is_int(r.cmdline_differs, 1, "one word more is another line");
	r = cmp(K, "ro quiet splash", REL, "BOOT_IMAGE=" K " ro quiet");
	is_int(r.cmdline_differs, 1, "one word less is another line");
	r = cmp(K, "ro nomodeset", REL, "BOOT_IMAGE=" K " ro quiet");
	is_int(r.cmdline_differs, 1, "another word is another line");
	r = cmp(K, "ro 'quiet' \"console=ttyS0,115200\"", REL,
		"BOOT_IMAGE=" K " ro quiet console=ttyS0,115200");
	is_int(r.cmdline_differs, 0, "GRUB's quotes are not part of the words");
	r = cmp(K, "ro quiet $vt_handoff", REL, "BOOT_IMAGE=" K " ro quiet");
	is_int(r.cmdline_differs, -1, "a $variable in the line: cannot tell");
	r = cmp(K, "", REL, "BOOT_IMAGE=" K);
	is_int(r.cmdline_differs, 0, "an empty line on both sides");
	r = cmp(K, "ro 'unclosed", REL, "BOOT_IMAGE=" K " ro");
	is_int(r.cmdline_differs, -1, "a line GRUB's lexer refuses: cannot tell");
	return done_testing();
}
