/* pack_path.c: the rules a payload path must follow so that it can only
 * name a file below the target root, and the text explaining a refusal. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "boot_hooks.h"
#include "boot_unit.h"
#include "i18n.h"
#include "pack_limits.h"
#include "pack_path.h"
#include "state.h"

#define STAGING_SUFFIX ".keel-new"

/* pack_path_reason() spells these limits out in translated text. */
_Static_assert(KEEL_PATH_MAX == 255, "update pack_path_reason()");
_Static_assert(KEEL_PATH_DEPTH_MAX == 16, "update pack_path_reason()");

static int allowed_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c != '\0' && strchr("._+@=,-", c));
}

/* A component named like a staging file could be mistaken for one by
 * apply or crash recovery, wherever it sits in the path. */
static int is_staging_name(const char *comp, size_t len)
{
	size_t n = sizeof STAGING_SUFFIX - 1;

	return len >= n && memcmp(comp + len - n, STAGING_SUFFIX, n) == 0;
}

static enum pack_path_verdict check_component(const char *comp, size_t len)
{
	if (len == 0 || (len == 1 && comp[0] == '.'))
		return PACK_PATH_DOT;
	if (len == 2 && comp[0] == '.' && comp[1] == '.')
		return PACK_PATH_DOTDOT;
	if (is_staging_name(comp, len))
		return PACK_PATH_RESERVED;
	return PACK_PATH_OK;
}

static enum pack_path_verdict check_components(const char *path)
{
	enum pack_path_verdict v;
	unsigned depth = 0;
	size_t len;

	for (;;) {
		len = strcspn(path, "/");
		v = check_component(path, len);
		if (v != PACK_PATH_OK)
			return v;
		if (++depth > KEEL_PATH_DEPTH_MAX)
			return PACK_PATH_TOO_DEEP;
		if (path[len] == '\0')
			return PACK_PATH_OK;
		path += len + 1;
	}
}

enum pack_path_verdict pack_path_check(const char *path)
{
	size_t len, i;

	if (!path || path[0] == '\0')
		return PACK_PATH_EMPTY;
	len = strlen(path);
	if (len > KEEL_PATH_MAX)
		return PACK_PATH_TOO_LONG;
	if (path[0] == '/')
		return PACK_PATH_ABSOLUTE;
	for (i = 0; i < len; i++)
		if (path[i] != '/' && !allowed_char(path[i]))
			return PACK_PATH_BAD_CHAR;
	/* The two manifest entries share the tar namespace with the payload. */
	if (strcmp(path, "MANIFEST.json") == 0 ||
	    strcmp(path, "MANIFEST.json.p7s") == 0)
		return PACK_PATH_RESERVED;
	return check_components(path);
}

const char *pack_path_reason(enum pack_path_verdict v)
{
	switch (v) {
	case PACK_PATH_OK:
		return _("the path is acceptable");
	case PACK_PATH_EMPTY:
		return _("the path is empty");
	case PACK_PATH_TOO_LONG:
		return _("the path is longer than 255 bytes");
	case PACK_PATH_TOO_DEEP:
		return _("the path has more than 16 components");
	case PACK_PATH_ABSOLUTE:
		return _("the path is absolute; it must be relative to the "
			 "target root");
	case PACK_PATH_DOTDOT:
		return _("the path has a \"..\" component");
	case PACK_PATH_DOT:
		return _("the path has a \".\" or empty component, or ends "
			 "in \"/\"");
	case PACK_PATH_BAD_CHAR:
		return _("the path has a character other than letters, digits, "
			 "\"/\" and \"._+@=,-\"");
	case PACK_PATH_RESERVED:
		return _("the path is reserved: it is MANIFEST.json, "
			 "MANIFEST.json.p7s, or a name ending in \".keel-new\"");
	}
	return _("the path is not acceptable");
}

/* What a pack must never install into: whoever writes there decides which
 * signers keel trusts, which revocations it sees, what GRUB runs at boot
 * (its menu, environment, modules, fonts: all of boot/grub, and the EFI
 * system partition), what keel believes it installed, or replaces a file
 * keel writes itself and takes back on rollback (the commit unit and the
 * kernel hooks), which would then take the pack's file with it. */
static const struct protected_area {
	const char *prefix;
	const char *what;   /* N_() text, translated when shown */
} protected_areas[] = {
	{ "etc/keel/trust.d", N_("keel's trust store") },
	{ "etc/keel/crl.d", N_("keel's certificate revocation lists") },
	{ "boot/grub", N_("GRUB's menu, environment and modules") },
	{ "boot/efi", N_("the EFI system partition") },
	{ STATE_DIR, N_("keel's own state") },
	{ BOOT_UNIT_PATH, N_("the commit unit keel writes itself") },
	{ BOOT_UNIT_WANTS, N_("the commit unit keel writes itself") },
	{ BOOT_HOOK_POSTINST, N_("the kernel hooks keel writes itself") },
	{ BOOT_HOOK_POSTRM, N_("the kernel hooks keel writes itself") },
};

/* path is prefix, or below it: whole components only. */
static int within(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(path, prefix, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

const char *pack_path_protected(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof protected_areas / sizeof protected_areas[0];
	     i++)
		if (within(path, protected_areas[i].prefix))
			return _(protected_areas[i].what);
	return NULL;
}

const char *pack_path_protected_area(size_t i)
{
	return i < sizeof protected_areas / sizeof protected_areas[0] ?
	       protected_areas[i].prefix : NULL;
}
