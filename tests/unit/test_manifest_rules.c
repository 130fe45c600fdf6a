/* test_manifest_rules.c: one refusal per rule of the manifest format, each
 * checked for KEEL_EPACK and for a message naming the key and the fault. */
#include "config.h"

#include "tests/unit/manifest_fixture.h"

struct mut_case {
	const char *path;
	const char *value;      /* JSON text, NULL = delete the key */
	const char *fragment;   /* expected in the message */
};

static void run_cases(enum manifest_mode mode, const char *base,
		      const struct mut_case *cases, size_t n)
{
	char what[200];
	size_t i;
	char *json;

	for (i = 0; i < n; i++) {
		json = mutate(base, cases[i].path, cases[i].value, NULL, NULL);
		snprintf(what, sizeof what, "%s %s = %s",
			 mode == MANIFEST_SIGNED ? "signed" : "template",
			 cases[i].path, cases[i].value ? cases[i].value : "(gone)");
		refuse(mode, json, cases[i].fragment, what);
		free(json);
	}
}


/* --- one refusal per rule ------------------------------------------------- */

static const struct mut_case signed_cases[] = {
	/* wrong types */
	{ "format", "\"1\"", "format must be an integer" },
	{ "format", "1.0", "format must be an integer" },
	{ "name", "1", "name must be a string" },
	{ "name", "null", "name must be a string" },
	{ "version", "[\"1.0.0\"]", "version must be a string" },
	{ "level", "\"1\"", "level must be an integer" },
	{ "level", "true", "level must be an integer" },
	{ "level", "1e2", "level must be an integer" },
	{ "build_time", "1700000000", "build_time must be a string" },
	{ "description", "[]", "description must be a string" },
	{ "description", "null", "description must be a string" },
	{ "supersedes", "\"1.0.0\"", "supersedes must be an array" },
	{ "supersedes[0]", "1", "supersedes[0] must be a string" },
	{ "requires", "[]", "requires must be an object" },
	{ "requires.arch", "1", "requires.arch must be a string" },
	{ "requires.cpu", "\"vt-x\"", "requires.cpu must be an array" },
	{ "requires.cpu[1]", "{}", "requires.cpu[1] must be a string" },
	{ "requires.min_keel", "1", "requires.min_keel must be a string" },
	{ "boot", "\"x\"", "boot must be an object" },
	{ "boot.hypervisor", "1", "boot.hypervisor must be a string" },
	{ "boot.options", "false", "boot.options must be a string" },
	{ "files", "{}", "files must be an array" },
	{ "files[1]", "\"usr/bin/x\"", "files[1] must be an object" },
	{ "files[1]", "null", "files[1] must be an object" },
	{ "files[0].path", "1", "files[0].path must be a string" },
	{ "files[0].size", "\"3\"", "files[0].size must be an integer" },
	{ "files[0].size", "3.0", "files[0].size must be an integer" },
	{ "files[0].mode", "420", "files[0].mode must be a string" },
	{ "files[0].sha256", "null", "files[0].sha256 must be a string" },
	{ "files[0].role", "0", "files[0].role must be a string" },
	/* unknown keys */
	{ "extra", "1", "unknown key \"extra\"" },
	{ "Format", "1", "unknown key \"Format\"" },
	{ "requires.gpu", "[]", "requires has an unknown key \"gpu\"" },
	{ "boot.cmdline", "\"x\"", "boot has an unknown key \"cmdline\"" },
	{ "files[2].owner", "\"root\"", "files[2] has an unknown key \"owner\"" },
	/* missing keys */
	{ "format", NULL, "required key format is missing" },
	{ "name", NULL, "required key name is missing" },
	{ "version", NULL, "required key version is missing" },
	{ "level", NULL, "required key level is missing" },
	{ "build_time", NULL, "required key build_time is missing" },
	{ "requires", NULL, "required key requires is missing" },
	{ "requires.arch", NULL, "required key requires.arch is missing" },
	{ "boot.hypervisor", NULL, "required key boot.hypervisor is missing" },
	{ "files", NULL, "required key files is missing" },
	{ "files[3].path", NULL, "required key files[3].path is missing" },
	{ "files[3].size", NULL, "required key files[3].size is missing" },
	{ "files[3].mode", NULL, "required key files[3].mode is missing" },
	{ "files[3].sha256", NULL, "required key files[3].sha256 is missing" },
	{ "files[3].role", NULL, "required key files[3].role is missing" },
	/* values */
	{ "format", "2", "unsupported manifest format 2; this keel "
	  "understands format 1: update keel" },
	{ "format", "0", "unsupported manifest format 0" },
	{ "format", "-1", "unsupported manifest format -1" },
	{ "name", "\"Keel\"", "name \"Keel\" is not a valid product name" },
	{ "name", "\"-keel\"", "is not a valid product name" },
	{ "name", "\"\"", "is not a valid product name" },
	{ "name", "\"keel pack\"", "is not a valid product name" },
	{ "version", "\"1.0\"", "version \"1.0\" is not a semantic version" },
	{ "version", "\"1.0.0+build.1\"", "is not a semantic version" },
	{ "version", "\"01.0.0\"", "is not a semantic version" },
	{ "level", "0", "level is 0; it must be between 1 and 999" },
	{ "level", "1000", "level is 1000; it must be between 1 and 999" },
	{ "level", "-3", "level is -3" },
	{ "build_time", "\"2023-02-29T00:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"1900-02-29T00:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-04-31T00:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-13-01T00:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-00-01T00:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-01-01T24:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-01-01T00:60:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-01-01T00:00:60Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-01-01 00:00:00Z\"", "is not a UTC time" },
	{ "build_time", "\"2024-01-01T00:00:00\"", "is not a UTC time" },
	{ "build_time", "\"2024-01-01T00:00:00+00:00\"", "is not a UTC time" },
	{ "build_time", "\"+024-01-01T00:00:00Z\"", "is not a UTC time" },
	{ "description", "\"red \\u001b[31m\"", "description contains a "
	  "control character (0x1b)" },
	{ "supersedes[1]", "\"1.1\"", "supersedes[1] \"1.1\" is not a "
	  "semantic version" },
	{ "requires.arch", "\"\"", "requires.arch \"\" is not an architecture" },
	{ "requires.arch", "\"x86-64\"", "is not an architecture name" },
	{ "requires.arch", "\"X86_64\"", "is not an architecture name" },
	{ "requires.cpu[0]", "\"arm\"", "requires.cpu[0] \"arm\" is not a CPU "
	  "feature" },
	{ "requires.cpu[0]", "\"amd-v\"", "requires.cpu[1] names \"amd-v\" a "
	  "second time" },
	{ "requires.min_keel", "\"latest\"", "requires.min_keel \"latest\" is "
	  "not a semantic version" },
	{ "boot.hypervisor", "\"/boot/keel/keel-hv-1.2.0\"", "boot.hypervisor "
	  "\"/boot/keel/keel-hv-1.2.0\" is not a valid pack path: the path is "
	  "absolute" },
	{ "boot.hypervisor", "\"boot/keel/other\"", "boot.hypervisor "
	  "\"boot/keel/other\" is not one of the files" },
	{ "boot.hypervisor", "\"usr/sbin/keel-agent\"", "names a file of role "
	  "\"tool\"; it must name a file of role \"hypervisor\"" },
	{ "boot.options", "\"a\\nb\"", "boot.options contains a control "
	  "character (0x0a)" },
	{ "boot.options", "\"serial=0x3f8 entry=keel-9.9.9\"", "boot.options "
	  "sets entry=, which keel writes itself" },
	{ "boot.options", "\"entry=x\"", "boot.options sets entry=" },
	{ "files", "[]", "files is empty" },
	{ "files[1].path", "\"/usr/sbin/keel-agent\"", "files[1].path "
	  "\"/usr/sbin/keel-agent\" is not a valid pack path: the path is "
	  "absolute" },
	{ "files[1].path", "\"../keel-agent\"", "\"..\" component" },
	{ "files[1].path", "\"usr//keel-agent\"", "empty component" },
	{ "files[1].path", "\"usr/keel agent\"", "has a character other" },
	{ "files[1].path", "\"MANIFEST.json\"", "the path is reserved" },
	{ "files[1].path", "\"usr/x.keel-new\"", "the path is reserved" },
	{ "files[1].path", "\"\"", "the path is empty" },
	{ "files[1].path", "\"boot/keel/keel-hv-1.2.0\"", "files[0] and "
	  "files[1] list the same path \"boot/keel/keel-hv-1.2.0\" twice" },
	{ "files[1].path", "\"boot/keel/keel-hv-1.2.0/x\"", "files[1] "
	  "\"boot/keel/keel-hv-1.2.0/x\" is below files[0] "
	  "\"boot/keel/keel-hv-1.2.0\", which is a file" },
	{ "files[1].path", "\"boot\"", "files[0] \"boot/keel/keel-hv-1.2.0\" "
	  "is below files[1] \"boot\"" },
	/* what protects the target (pack_path_protected) */
	{ "files[1].path", "\"etc/keel/trust.d/evil.pem\"", "files[1].path "
	  "\"etc/keel/trust.d/evil.pem\" is in keel's trust store, which "
	  "a pack may never install into" },
	{ "files[1].path", "\"etc/keel/trust.d\"", "is in keel's trust "
	  "store" },
	{ "files[1].path", "\"etc/keel/crl.d/x.crl\"", "is in keel's "
	  "certificate revocation lists" },
	{ "files[1].path", "\"boot/grub/grub.cfg\"", "is in GRUB's menu, "
	  "environment and modules" },
	{ "files[1].path", "\"boot/grub/grubenv\"", "is in GRUB's menu" },
	{ "files[1].path", "\"boot/grub/custom.cfg\"", "is in GRUB's menu" },
	{ "files[1].path", "\"BOOT/Grub/GRUB.CFG\"", "is in GRUB's menu" },
	{ "files[1].path", "\"boot/efi/EFI/BOOT/BOOTX64.EFI\"", "is in the "
	  "EFI system partition" },
	{ "files[1].path", "\"var/lib/keel/journal\"", "is in keel's own "
	  "state" },
	{ "files[1].path", "\"var/lib/keel\"", "is in keel's own state" },
	{ "files[1].path", "\"etc/systemd/system/keel-commit.service\"",
	  "is in the commit unit keel writes itself" },
	{ "files[1].path", "\"etc/kernel/postinst.d/zzz-keel\"", "is in "
	  "the kernel hooks keel writes itself" },
	{ "files[1].mode", "\"0666\"", "files[1].mode \"0666\" lets every "
	  "user write the file; a pack may not install world-writable files" },
	{ "files[1].mode", "\"0002\"", "world-writable" },
	{ "files[1].mode", "\"0777\"", "world-writable" },
	{ "boot.options", "\"x=\\\"y\\\"\"", "boot.options contains a double "
	  "quote (\"), which GRUB would pass to keel-hv with a backslash "
	  "added" },
	{ "boot.options", "\"x='y'\"", "boot.options contains a single "
	  "quote (')" },
	{ "boot.options", "\"a\\\\b\"", "boot.options contains a "
	  "backslash (\\)" },
	{ "boot.options", "\"a\\tb\"", "boot.options contains a control "
	  "character (0x09)" },
	{ "boot.options", "\"x {\"", "boot.options has the word \"{\" on its "
	  "own" },
	{ "boot.options", "\"} x\"", "boot.options has the word \"}\"" },
	{ "files[1].size", "-1", "files[1].size is -1; it must be between 0 "
	  "and 2147483648" },
	{ "files[1].size", "2147483649", "files[1].size is 2147483649" },
	{ "files[1].size", "99999999999999999999", "files[1].size is "
	  "18446744073709551615" },
	{ "files[1].mode", "\"644\"", "files[1].mode \"644\" is not a "
	  "permission mode" },
	{ "files[1].mode", "\"0o644\"", "files[1].mode \"0o644\" is not a "
	  "permission mode" },
	{ "files[1].mode", "\"04755\"", "without setuid, setgid or sticky" },
	{ "files[1].mode", "\"4755\"", "is not a permission mode" },
	{ "files[1].mode", "\"0758\"", "is not a permission mode" },
	{ "files[1].mode", "\"0x1ed\"", "is not a permission mode" },
	{ "files[1].mode", "\"0755 \"", "is not a permission mode" },
	{ "files[1].mode", "\"\"", "is not a permission mode" },
	{ "files[1].sha256", "\"" SHA_EMPTY "0\"", "files[1].sha256 is not a "
	  "SHA-256 digest" },
	{ "files[1].sha256", "\"e3b0c442\"", "is not a SHA-256 digest" },
	{ "files[1].sha256", "\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E464"
	  "9B934CA495991B7852B855\"", "is not a SHA-256 digest" },
	{ "files[1].sha256", "\"z3b0c44298fc1c149afbf4c8996fb92427ae41e464"
	  "9b934ca495991b7852b855\"", "is not a SHA-256 digest" },
	{ "files[1].role", "\"binary\"", "files[1].role \"binary\" is not a "
	  "file role" },
	{ "files[1].role", "\"Tool\"", "is not a file role" },
	{ "files[1].source", "\"bin/agent\"", "files[1].source is allowed "
	  "only in a manifest template" },
	/* NUL inside strings (json-c keeps them; keys get cut at them) */
	{ "description", "\"a\\u0000b\"", "NUL character" },
	{ "name", "\"keel\\u0000x\"", "NUL character" },
	{ "files[0].path", "\"a\\u0000b\"", "NUL character" },
};

static const struct mut_case template_cases[] = {
	{ "build_time", "\"2024-01-01T00:00:00Z\"", "keel-pack computes "
	  "build_time; remove it from the template" },
	{ "files[1].size", "3", "keel-pack computes files[1].size; remove it "
	  "from the template" },
	{ "files[0].sha256", "\"" SHA_ABC "\"", "keel-pack computes "
	  "files[0].sha256; remove it" },
	{ "files[0].source", "\"../README.md\"", "files[0].source "
	  "\"../README.md\" is not a valid pack path" },
	{ "files[0].source", "\"/etc/shadow\"", "the path is absolute" },
	{ "files[0].source", "7", "files[0].source must be a string" },
	{ "files[0].mode", "\"0644x\"", "is not a permission mode" },
	{ "format", "3", "unsupported manifest format 3" },
	{ "boot.hypervisor", "\"usr/share/doc/keel/README.md\"", "names a file "
	  "of role \"doc\"" },
	{ "files[0].sha", "\"x\"", "files[0] has an unknown key \"sha\"" },
};

struct text_case {
	const char *json;
	size_t len;             /* 0 = strlen(json) */
	const char *fragment;
	const char *what;
};

/* Cases that need the raw text: bad JSON, odd bytes, repeated keys. */
static const struct text_case text_cases[] = {
	{ "", 0, "not valid JSON: it ends early", "empty input" },
	{ "{\"format\": 1", 0, "not valid JSON: it ends early", "cut short" },
	{ "{\"format\": 1,}", 0, "not valid JSON", "trailing comma" },
	{ "{'format': 1}", 0, "not valid JSON", "single quotes" },
	{ "/* c */ {\"format\": 1}", 0, "not valid JSON", "a comment" },
	{ "{\"format\": 1} {}", 0, "not valid JSON", "two documents" },
	{ "{\"format\": 1} ", 0, "required key name is missing",
	  "trailing whitespace is fine" },
	{ "{\"format\": 1}x", 0, "not valid JSON", "trailing garbage" },
	{ "{\"format\": 1}\0{}", 16, "NUL byte at offset 13",
	  "a NUL byte after the object" },
	{ "{\"format\": 01}", 0, "not valid JSON", "leading zero" },
	{ "{\"format\": NaN}", 0, "not valid JSON: unexpected character at "
	  "offset 11", "NaN" },
	{ "{\"format\": -Infinity}", 0, "not valid JSON", "Infinity" },
	{ "{\"format\": 1, 'name': \"keel\"}", 0, "not valid JSON",
	  "a single-quoted key" },
	{ "{\"format\": 1, name: \"keel\"}", 0, "not valid JSON",
	  "a bare key" },
	{ "not json", 0, "not valid JSON", "words" },
	{ "[]", 0, "must be a JSON object", "a top-level array" },
	{ "[{\"format\": 1}]", 0, "must be a JSON object", "object in array" },
	{ "\"keel\"", 0, "must be a JSON object", "a top-level string" },
	{ "1", 0, "not valid JSON", "a lone number (json-c wants more)" },
	{ "1 ", 0, "must be a JSON object", "a top-level number" },
	{ "null ", 0, "must be a JSON object", "a top-level null" },
	{ "true\n", 0, "must be a JSON object", "a top-level true" },
	{ "{\"format\": 1, \"format\": 1}", 0, "the same key twice",
	  "a repeated key" },
	{ "{\"format\": 1, \"requires\": {\"arch\": \"a\", \"arch\": \"b\"}}",
	  0, "the same key twice", "a repeated nested key" },
	{ "{\"format\": 1, \"form\\u0061t\": 2}", 0, "the same key twice",
	  "a repeated key spelt with an escape" },
	{ "{\"format\": 1, \"name\": \"k\xc3\"}", 0, "not valid UTF-8",
	  "a cut UTF-8 sequence" },
	{ "{\"format\": 1, \"name\": \"\xc0\xaf\"}", 0, "not valid UTF-8",
	  "an overlong UTF-8 form" },
	{ "{\"format\": 1, \"name\": \"\xed\xa0\x80\"}", 0, "not valid UTF-8",
	  "a UTF-8 surrogate" },
	{ "{\"format\": 1, \"name\": \"\xf4\x90\x80\x80\"}", 0,
	  "not valid UTF-8", "beyond U+10FFFF" },
	{ "\xef\xbb\xbf{\"format\": 1}", 0, "not valid JSON: unexpected "
	  "character at offset 0", "a BOM" },
	{ "{\"format\": 1, \"name\": \"a\tb\"}", 0, "unescaped control "
	  "character inside a string", "a raw tab in a string" },
	{ "{\"format\": 1, \"form\\u0000at\": 1}", 0, "NUL character "
	  "(\\u0000)", "a NUL escape in a key" },
	{ "{\"format\": 99999999999999999999}", 0, "unsupported manifest "
	  "format 9223372036854775807", "a huge format" },
};

static void test_text_cases(void)
{
	const struct text_case *t;
	size_t i;

	for (i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
		t = &text_cases[i];
		refuse_len(MANIFEST_SIGNED, t->json,
			   t->len ? t->len : strlen(t->json), t->fragment,
			   t->what);
	}
}

static void test_advice(void)
{
	char *json = mutate(signed_base, "level", "0", NULL, NULL);
	char *tmpl = mutate(template_base, "level", "0", NULL, NULL);

	refuse(MANIFEST_SIGNED, json, "obtain a correct pack from your "
	       "vendor.", "signed: advice to get a correct pack");
	refuse(MANIFEST_TEMPLATE, tmpl, "Correct the manifest template.",
	       "template: advice to fix the template");
	free(json);
	free(tmpl);
}

/* A signed manifest of n files of size bytes each, without boot. */
/* In strcmp order "a-x" sorts between "a" and "a/c": the conflict of "a"
 * and "a/c" must still be found. */
static void test_prefix_between(void)
{
	char *json = mutate(signed_base, "files[1].path",
			    "\"boot/keel/keel-hv-1.2.0-x\"", "files[2].path",
			    "\"boot/keel/keel-hv-1.2.0/c\"");
	char *fine = mutate(signed_base, "files[1].path",
			    "\"boot/keel/keel-hv-1.2.0-x\"", "files[2].path",
			    "\"boot/keel/keel-hv-1.2.0.d/c\"");

	refuse(MANIFEST_SIGNED, json, "files[2] \"boot/keel/keel-hv-1.2.0/c\" "
	       "is below files[0]", "a conflict with a name sorting between");
	manifest_free(parse_ok(fine, MANIFEST_SIGNED,
			       "similar names without a conflict"));
	free(json);
	free(fine);
}

/* Names that only look like protected ones, a source below --from
 * (not a target path), and options that only need quoting are fine. */
static void test_protected_lookalikes(void)
{
	static const char *const paths[] = {
		"\"etc/keel/trust.d.example/a\"", "\"boot/grubby\"",
		"\"var/lib/keeler/x\"", "\"usr/share/doc/boot/grub/grub.cfg\"",
		"\"etc/keel/keel-trust.d\"",
	};
	char *json, what[120];
	size_t i;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		json = mutate(signed_base, "files[1].path", paths[i], NULL, NULL);
		snprintf(what, sizeof what, "files[1].path %s is accepted",
			 paths[i]);
		manifest_free(parse_ok(json, MANIFEST_SIGNED, what));
		free(json);
	}
	json = mutate(template_base, "files[0].source",
		      "\"etc/keel/trust.d/README\"", NULL, NULL);
	manifest_free(parse_ok(json, MANIFEST_TEMPLATE,
			       "a source in etc/keel/trust.d below --from"));
	free(json);
	json = mutate(signed_base, "files[1].mode", "\"0775\"", NULL, NULL);
	manifest_free(parse_ok(json, MANIFEST_SIGNED, "group-writable 0775"));
	free(json);
	json = mutate(signed_base, "boot.options",
		      "\"serial=0x3f8 a;b$c|d&e<f>g#h{i}j !x if\"", NULL, NULL);
	manifest_free(parse_ok(json, MANIFEST_SIGNED,
			       "boot.options with GRUB-special characters"));
	free(json);
}

int main(void)
{
	diag("manifest refusals, signed and template forms");
	/* The bases must be valid, or every refusal below proves nothing. */
	manifest_free(parse_ok(signed_base, MANIFEST_SIGNED, "signed base"));
	manifest_free(parse_ok(template_base, MANIFEST_TEMPLATE,
			       "template base"));
	run_cases(MANIFEST_SIGNED, signed_base, signed_cases,
		  sizeof signed_cases / sizeof signed_cases[0]);
	run_cases(MANIFEST_TEMPLATE, template_base, template_cases,
		  sizeof template_cases / sizeof template_cases[0]);
	test_prefix_between();
	test_protected_lookalikes();
	test_text_cases();
	test_advice();
	return done_testing();
}
