/* test_version.c: unit tests of semantic version parsing and SemVer 2.0.0
 * precedence, with the examples of the SemVer specification. */
#include "config.h"

#include <string.h>

#include "tests/tap.h"
#include "version.h"

static void test_valid(void)
{
	static const char *const good[] = {
		"0.0.0", "1.0.0", "1.2.3", "10.20.30", "4294967295.0.1",
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
		"1.0.0-x-y-z.--", "1.0.0-0", "1.0.0-rc.1", "1.0.0-0a",
		"1.0.0-00a", "1.0.0-alpha-a.b-c-somethinglong",
		"1.0.0-123456789012345678901234567890",
	};
	struct keel_version v;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		is_int(version_parse(good[i], &v), 0, "valid: %s", good[i]);
}

static void test_fields(void)
{
	struct keel_version v;

	version_parse("4294967295.22.333-rc.1", &v);
	is_int(v.major, 4294967295u, "major up to UINT32_MAX");
	is_int(v.minor, 22, "minor");
	is_int(v.patch, 333, "patch");
	is_str(v.pre, "rc.1", "prerelease kept without the dash");
	version_parse("1.2.3", &v);
	is_str(v.pre, "", "a release has an empty prerelease");
}

static void test_invalid(void)
{
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03",
		"00.0.0", "1.2.3-", "1.2.3-01", "1.2.3-alpha.01", "1.2.3-a..b",
		"1.2.3-a.", "1.2.3-.a", "1.2.3+build", "1.2.3-rc.1+build.5",
		"1.2.3-a_b", "1.2.3-é", "v1.2.3", " 1.2.3", "1.2.3 ", "1.2.3\n",
		"-1.2.3", "1.-2.3", "+1.2.3", "1..3", "1.2.", ".1.2",
		"4294967296.0.0", "0.4294967296.0", "0.0.99999999999999999999",
		"a.b.c", "1.2.x", "1.2.3-a b",
	};
	struct keel_version v;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(version_parse(bad[i], &v), -1, "invalid: \"%s\"", bad[i]);
	is_int(version_parse(NULL, &v), -1, "invalid: NULL");
}

/* struct keel_version holds 63 bytes of prerelease. */
static void test_lengths(void)
{
	struct keel_version v;
	char s[128];

	strcpy(s, "1.0.0-");
	memset(s + 6, 'a', 63);
	s[6 + 63] = '\0';
	is_int(version_parse(s, &v), 0, "63-byte prerelease accepted");
	is_int(strlen(v.pre), 63, "and kept whole");
	s[6 + 63] = 'a';
	s[6 + 64] = '\0';
	is_int(version_parse(s, &v), -1, "64-byte prerelease refused");
	memset(s + 6, '1', 63);
	s[6 + 63] = '\0';
	is_int(version_parse(s, &v), 0, "63-digit numeric identifier");
}

static int cmp(const char *a, const char *b)
{
	struct keel_version va, vb;

	if (version_parse(a, &va) || version_parse(b, &vb))
		return 99;
	return version_compare(&va, &vb);
}

static void test_order(void)
{
	/* Each is lower than the next (SemVer 2.0.0, section 11, and more). */
	static const char *const chain[] = {
		"0.0.0", "0.0.1", "0.1.0", "1.0.0-0", "1.0.0-1", "1.0.0-2",
		"1.0.0-10", "1.0.0-99999999999999999999", "1.0.0-A",
		"1.0.0-a", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
		"1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
		"1.0.0", "1.9.0", "1.10.0", "1.10.1", "2.0.0-rc.1", "2.0.0",
		"4294967295.0.0",
	};
	size_t n = sizeof chain / sizeof chain[0], i, j;
	int good = 1;

	for (i = 0; i + 1 < n; i++) {
		is_int(cmp(chain[i], chain[i + 1]), -1, "%s < %s", chain[i],
		       chain[i + 1]);
		is_int(cmp(chain[i + 1], chain[i]), 1, "%s > %s", chain[i + 1],
		       chain[i]);
	}
	/* Transitivity over every pair, not only neighbours. */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (cmp(chain[i], chain[j]) !=
			    (i < j ? -1 : i > j ? 1 : 0))
				good = 0;
	ok(good, "every pair of the chain orders as expected");
}

static void test_equal(void)
{
	is_int(cmp("1.2.3", "1.2.3"), 0, "1.2.3 == 1.2.3");
	is_int(cmp("1.2.3-rc.1", "1.2.3-rc.1"), 0, "equal prereleases");
	is_int(cmp("1.0.0-alpha.1", "1.0.0-alpha.1.0"), -1,
	       "a longer identifier list ranks higher");
	is_int(cmp("1.0.0-1", "1.0.0-1a"), -1,
	       "numeric ranks below an alphanumeric of the same prefix");
	is_int(cmp("1.0.0-b", "1.0.0-ab"), 1, "alphanumerics in ASCII order");
}

int main(void)
{
	diag("SemVer 2.0.0 parsing and precedence");
	test_valid();
	test_fields();
	test_invalid();
	test_lengths();
	test_order();
	test_equal();
	return done_testing();
}
