/* boot_unit.c: the text of keel-commit.service and of the drop-in that
 * makes multi-user.target want it, for targets that boot with systemd. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "boot_unit.h"

#ifndef SBINDIR
#define SBINDIR "/usr/sbin"
#endif

static const char unit_text[] =
	"# Written by keel apply; keel rollback and uninstall take it back.\n"
	"[Unit]\n"
	"Description=Commit the trial boot of keel's installed service pack\n"
	"Documentation=man:keel(8)\n"
	"RequiresMountsFor=/boot /var/lib/keel\n"
	"After=local-fs.target\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=" SBINDIR "/keel commit\n"
	"# 5: no keel-hv below this system (a native boot): nothing to commit.\n"
	"SuccessExitStatus=5\n";

static const char wants_text[] =
	"# Written by keel apply; keel rollback and uninstall take it back.\n"
	"[Unit]\n"
	"Wants=keel-commit.service\n";

int boot_unit_add(struct boot_files *b, const struct target *t)
{
	struct stat st;

	if (target_lstat(t, "etc/systemd", &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	b->f[b->n++] = (struct boot_file){ BOOT_UNIT_PATH, unit_text,
					   sizeof unit_text - 1, 0644 };
	b->f[b->n++] = (struct boot_file){ BOOT_UNIT_WANTS, wants_text,
					   sizeof wants_text - 1, 0644 };
	return 1;
}
