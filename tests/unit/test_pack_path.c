/* test_pack_path.c: unit tests of the payload path rules: every verdict
 * with several inputs, and the length and depth limits at their edges. */
#include "config.h"

#include <string.h>

#include "pack_limits.h"
#include "pack_path.h"
#include "tests/tap.h"

struct verdict_case {
	const char *path;
	enum pack_path_verdict want;
};

static const struct verdict_case cases[] = {
	{ "a", PACK_PATH_OK },
	{ "usr/share/doc/keel/README.md", PACK_PATH_OK },
	{ "boot/keel/keel-hv-1.0.0", PACK_PATH_OK },
	{ "A-Z_a+z@x=y,z.txt", PACK_PATH_OK },
	{ ".hidden", PACK_PATH_OK },
	{ "a/..b/c..", PACK_PATH_OK },
	{ "...", PACK_PATH_OK },
	{ "usr/MANIFEST.json", PACK_PATH_OK },
	{ "MANIFEST.json.sig", PACK_PATH_OK },
	{ "x.keel-new.txt", PACK_PATH_OK },
	{ "", PACK_PATH_EMPTY },
	{ "/etc/passwd", PACK_PATH_ABSOLUTE },
	{ "/", PACK_PATH_ABSOLUTE },
	{ "//a", PACK_PATH_ABSOLUTE },
	{ "..", PACK_PATH_DOTDOT },
	{ "../etc/passwd", PACK_PATH_DOTDOT },
	{ "a/../../b", PACK_PATH_DOTDOT },
	{ "a/..", PACK_PATH_DOTDOT },
	{ ".", PACK_PATH_DOT },
	{ "./a", PACK_PATH_DOT },
	{ "a/./b", PACK_PATH_DOT },
	{ "a//b", PACK_PATH_DOT },
	{ "a/", PACK_PATH_DOT },
	{ "a/.", PACK_PATH_DOT },
	{ "a b", PACK_PATH_BAD_CHAR },
	{ "a\\b", PACK_PATH_BAD_CHAR },
	{ "a\nb", PACK_PATH_BAD_CHAR },
	{ "caf\xc3\xa9", PACK_PATH_BAD_CHAR },
	{ "a*", PACK_PATH_BAD_CHAR },
	{ "a:b", PACK_PATH_BAD_CHAR },
	{ "$HOME", PACK_PATH_BAD_CHAR },
	{ "a\x7f", PACK_PATH_BAD_CHAR },
	{ "MANIFEST.json", PACK_PATH_RESERVED },
	{ "MANIFEST.json.p7s", PACK_PATH_RESERVED },
	{ "usr/bin/keel.keel-new", PACK_PATH_RESERVED },
	{ ".keel-new", PACK_PATH_RESERVED },
	{ "a.keel-new/b", PACK_PATH_RESERVED },
};

static void test_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_int(pack_path_check(cases[i].path), cases[i].want,
		       "\"%s\" -> %s", cases[i].path,
		       pack_path_reason(cases[i].want));
	is_int(pack_path_check(NULL), PACK_PATH_EMPTY, "NULL is empty");
}

/* A path of len bytes: "aaaa..." split into components of 15 bytes. */
static void make_long(char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (i % 16 == 15) ? '/' : 'a';
	if (len > 0 && buf[len - 1] == '/')
		buf[len - 1] = 'b';
	buf[len] = '\0';
}

static void test_length(void)
{
	char buf[KEEL_PATH_MAX + 16];

	make_long(buf, KEEL_PATH_MAX);
	is_int(pack_path_check(buf), PACK_PATH_OK, "%d bytes is fine",
	       KEEL_PATH_MAX);
	make_long(buf, KEEL_PATH_MAX + 1);
	is_int(pack_path_check(buf), PACK_PATH_TOO_LONG, "%d bytes is too long",
	       KEEL_PATH_MAX + 1);
	memset(buf, 'x', KEEL_PATH_MAX + 10);
	buf[KEEL_PATH_MAX + 10] = '\0';
	is_int(pack_path_check(buf), PACK_PATH_TOO_LONG,
	       "one long component too");
	buf[0] = '/';
	is_int(pack_path_check(buf), PACK_PATH_TOO_LONG,
	       "length is checked before anything else");
}

/* depth components "d/d/.../d". */
static void make_deep(char *buf, int depth)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < depth; i++)
		strcat(buf, i ? "/d" : "d");
}

static void test_depth(void)
{
	char buf[2 * KEEL_PATH_DEPTH_MAX + 8];

	make_deep(buf, KEEL_PATH_DEPTH_MAX);
	is_int(pack_path_check(buf), PACK_PATH_OK, "%d components are fine",
	       KEEL_PATH_DEPTH_MAX);
	make_deep(buf, KEEL_PATH_DEPTH_MAX + 1);
	is_int(pack_path_check(buf), PACK_PATH_TOO_DEEP,
	       "%d components are too deep", KEEL_PATH_DEPTH_MAX + 1);
	make_deep(buf, KEEL_PATH_DEPTH_MAX);
	strcat(buf, "/");
	is_int(pack_path_check(buf), PACK_PATH_DOT,
	       "a trailing slash is not an extra level");
}

static void test_reasons(void)
{
	enum pack_path_verdict v;
	const char *seen[PACK_PATH_RESERVED + 1];
	int distinct = 1;
	int w;

	for (v = PACK_PATH_OK; v <= PACK_PATH_RESERVED; v++) {
		seen[v] = pack_path_reason(v);
		ok(seen[v] && strlen(seen[v]) > 10, "reason %d: %s", (int)v,
		   seen[v] ? seen[v] : "(null)");
		for (w = 0; w < (int)v; w++)
			if (strcmp(seen[w], seen[v]) == 0)
				distinct = 0;
	}
	ok(distinct, "every verdict has its own reason");
	ok(strstr(pack_path_reason(PACK_PATH_DOTDOT), "..") != NULL,
	   "the \"..\" reason says \"..\"");
	ok(strstr(pack_path_reason(PACK_PATH_TOO_LONG), "255") != NULL,
	   "the length reason gives the limit");
}

/* Whole components of the protected prefixes, in any ASCII case. */
static void test_protected(void)
{
	static const char *const refused[] = {
		"etc/keel/trust.d", "etc/keel/trust.d/root.pem",
		"etc/keel/crl.d/a/b", "boot/grub/grub.cfg", "boot/grub/grubenv",
		"boot/grub/custom.cfg", "boot/grub", "Boot/Grub/Grub.Cfg",
		"ETC/KEEL/TRUST.D/x", "boot/efi/EFI/debian/shimx64.efi",
		"var/lib/keel", "var/lib/keel/backup/1/x",
		"etc/systemd/system/keel-commit.service",
		"etc/systemd/system/multi-user.target.d/keel-commit.conf",
		"etc/kernel/postinst.d/zzz-keel", "etc/kernel/postrm.d/zzz-keel",
	};
	static const char *const allowed[] = {
		"etc/keel/trust.d.old/x", "etc/keel/trust", "etc/keel/keel.conf",
		"boot/grubenv", "boot/keel/keel-hv-1.0.0", "boot/grub2/grub.cfg",
		"var/lib/keeling", "var/lib", "usr/share/boot/grub/grub.cfg",
		"boot/efi.img", "etc/systemd/system/other.service",
		"etc/kernel/postinst.d/zz-update-grub",
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		why = pack_path_protected(refused[i]);
		ok(why != NULL, "\"%s\" is protected: %s", refused[i],
		   why ? why : "(not refused)");
	}
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		ok(pack_path_protected(allowed[i]) == NULL,
		   "\"%s\" is not protected", allowed[i]);
	why = pack_path_protected("etc/keel/trust.d/x");
	ok(why && strstr(why, "trust store"), "the reason names the area");
}

int main(void)
{
	diag("payload path rules, KEEL_PATH_MAX %d, depth %d", KEEL_PATH_MAX,
	     KEEL_PATH_DEPTH_MAX);
	test_cases();
	test_length();
	test_depth();
	test_reasons();
	test_protected();
	return done_testing();
}
