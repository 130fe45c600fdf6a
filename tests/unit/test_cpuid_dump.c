/* test_cpuid_dump.c: unit tests of the CPUID and MSR dump readers: every
 * real dump of shared data, register values read by hand, broken files. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuid_dump.h"
#include "tests/tap.h"
#include "tests/unit/cpu_testdata.h"


/* Leaf 0 names the vendor in EBX, EDX, ECX order. */
static void vendor_of(const struct cpuid_regs4 *r, char out[13])
{
	memcpy(out, &r->ebx, 4);
	memcpy(out + 4, &r->edx, 4);
	memcpy(out + 8, &r->ecx, 4);
	out[12] = '\0';
}

static void regs_text(const struct cpuid_regs4 *r, char *buf, size_t size)
{
	snprintf(buf, size, "%08X-%08X-%08X-%08X", (unsigned int)r->eax,
		 (unsigned int)r->ebx, (unsigned int)r->ecx,
		 (unsigned int)r->edx);
}

/* Every CPU of the file answers leaf 0 with the vendor its name starts
 * with (the InstLatx64 file names begin with the vendor id). */
static void check_file(const char *dir, const char *name)
{
	struct cpuid_dump d;
	struct keel_error err = { 0 };
	struct cpuid_regs4 r;
	struct cpu_source s;
	char path[8192], vendor[13];
	size_t i, bad = 0;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!is_int(cpuid_dump_load(path, &d, &err), KEEL_OK, "%s loads",
		    name)) {
		diag("%s", err.msg);
		return;
	}
	ok(d.n_cpus >= 1, "%s: %zu CPUs", name, d.n_cpus);
	for (i = 0; i < d.n_cpus; i++) {
		s = cpuid_dump_source(&d, i);
		if (s.cpuid(s.ctx, 0, 0, &r) != 0)
			bad++;
		vendor_of(&r, vendor);
		if (strncmp(name, vendor, 12) != 0)
			bad++;
		if (i == 0)
			ok(strncmp(name, vendor, 12) == 0,
			   "%s: CPU 0 leaf 0 says %s", name, vendor);
	}
	is_int(bad, 0, "%s: every CPU has leaf 0 with that vendor", name);
	cpuid_dump_free(&d);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All *.txt of dir, sorted so the TAP output is stable. */
static void check_all_files(const char *dir)
{
	char *names[256];
	size_t n = 0, i, len;
	struct dirent *de;
	DIR *dh = opendir(dir);

	if (!ok(dh != NULL, "open %s", dir))
		return;
	while ((de = readdir(dh)) && n < 256) {
		len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".txt") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(dh);
	ok(n > 0, "%zu dumps in %s", n, dir);
	qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		check_file(dir, names[i]);
		free(names[i]);
	}
}

static int load(const char *dir, const char *name, struct cpuid_dump *d)
{
	struct keel_error err = { 0 };
	char path[8192];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (cpuid_dump_load(path, d, &err) == KEEL_OK)
		return 0;
	diag("%s", err.msg);
	return -1;
}

/* CPU cpu, leaf/subleaf of the dump reads as want (copied by hand). */
static void is_leaf(const struct cpuid_dump *d, size_t cpu, uint32_t leaf,
		    uint32_t sl, const char *want, const char *what)
{
	struct cpu_source s = cpuid_dump_source(d, cpu);
	struct cpuid_regs4 r;
	char buf[40] = "(failed)";
	const char *got = buf;

	if (s.cpuid(s.ctx, leaf, sl, &r) == 0)
		regs_text(&r, buf, sizeof buf);
	is_str(got, want, "%s", what);
}

static void check_rome(const char *dir)
{
	struct cpuid_dump d;
	struct cpu_source s;
	struct cpuid_regs4 r;

	if (!ok(load(dir, "AuthenticAMD0830F10_K17_Rome_CPUID.txt", &d) == 0,
		"Rome loads"))
		return;
	is_int(d.n_cpus, 256, "Rome: 256 logical CPUs");
	is_leaf(&d, 0, 1, 0, "00830F10-00800800-7EF8320B-178BFBFF",
		"Rome CPU 0 leaf 1");
	is_leaf(&d, 1, 1, 0, "00830F10-01800800-7EF8320B-178BFBFF",
		"Rome CPU 1 leaf 1 (its own APIC id)");
	is_leaf(&d, 0, 0xB, 1, "00000007-00000080-00000201-00000000",
		"Rome leaf B [SL 01]");
	is_leaf(&d, 0, 0xD, 9, "00000040-00000340-00000000-00000000",
		"Rome leaf D [SL 09]");
	is_leaf(&d, 0, 0x8000000A, 0, "00000001-00008000-00000000-0013BCFF",
		"Rome leaf 8000000A");
	is_leaf(&d, 0, 4, 0, "00000000-00000000-00000000-00000000",
		"Rome leaf 4, missing below the maximum 10: zeros");
	s = cpuid_dump_source(&d, 0);
	is_int(s.cpuid(s.ctx, 0x11, 0, &r), -1, "Rome leaf 11, beyond 10: fails");
	is_int(s.cpuid(s.ctx, 0x80000021, 0, &r), -1,
	       "Rome leaf 80000021, beyond 80000020: fails");
	is_int(s.cpuid(s.ctx, 0x40000000, 0, &r), -1,
	       "Rome leaf 40000000, outside both ranges: fails");
	is_int(s.cpuid(s.ctx, 0xD, 3, &r), -1,
	       "Rome leaf D subleaf 3, missing among others: fails");
	is_int(s.cpuid(s.ctx, 0x8000001D, 4, &r), -1,
	       "Rome leaf 8000001D subleaf 4, missing among 0-3: fails");
	is_int(s.cpuid(s.ctx, 1, 1, &r), -1,
	       "Rome leaf 1 subleaf 1, not in the dump: fails");
	s = cpuid_dump_source(&d, 256);
	is_int(s.cpuid(s.ctx, 0, 0, &r), -1, "Rome CPU 256 does not exist");
	cpuid_dump_free(&d);
}

/* Prescott is the one file in the AIDA layout (a tab, no [SL nn]). */
static void check_aida(const char *dir)
{
	struct cpuid_dump d;

	if (!ok(load(dir, "GenuineIntel0000F34_P4_Prescott_CPUID.txt",
		     &d) == 0, "Prescott (AIDA layout) loads"))
		return;
	is_int(d.n_cpus, 2, "Prescott: 2 logical CPUs");
	is_leaf(&d, 1, 1, 0, "00000F34-01020800-0000441D-BFEBFBFF",
		"Prescott CPU 1 leaf 1");
	is_leaf(&d, 0, 4, 1, "00004143-01C0103F-000003FF-00000000",
		"Prescott leaf 4, second line: subleaf 1");
	is_leaf(&d, 0, 0x80000008, 0, "00002024-00000000-00000000-00000000",
		"Prescott leaf 80000008");
	cpuid_dump_free(&d);
}

/* Vermeer has neither CPU headers nor [SL nn]: leaf 0 starts a CPU. */
static void check_headerless(const char *dir)
{
	struct cpuid_dump d;

	if (!ok(load(dir, "AuthenticAMD0A20F12_K19_Vermeer_00_CPUID.txt",
		     &d) == 0, "Vermeer loads"))
		return;
	is_int(d.n_cpus, 16, "Vermeer: 16 logical CPUs");
	is_leaf(&d, 0, 0xB, 1, "00000004-00000010-00000201-00000000",
		"Vermeer leaf B, second line: subleaf 1");
	cpuid_dump_free(&d);
	if (!ok(load(dir, "CentaurHauls0000698_C5P_Nehemiah_CPUID.txt",
		     &d) == 0, "Nehemiah loads"))
		return;
	is_leaf(&d, 0, 0xC0000001, 0, "00000000-00000000-00000000-000000DD",
		"Nehemiah Centaur leaf C0000001");
	cpuid_dump_free(&d);
	if (!ok(load(dir, "GenuineIntel0050654_SkylakeXeon_CPUID.txt",
		     &d) == 0, "Skylake Xeon (CPU#nnn headers) loads"))
		return;
	is_int(d.n_cpus, 36, "Skylake Xeon: 36 logical CPUs");
	cpuid_dump_free(&d);
}

/* --- files written here ------------------------------------------------ */

static char tmp_path[64];

static const char *write_tmp(const char *text)
{
	const char *t = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(tmp_path, sizeof tmp_path, "%.40s/keel-cpuidXXXXXX",
		 t && *t ? t : "/tmp");
	fd = mkstemp(tmp_path);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return NULL;
	fputs(text, f);
	fclose(f);
	return tmp_path;
}

/* Loading text fails with KEEL_EUSAGE, naming the file and "line N". */
static void bad_cpuid(const char *text, const char *line, const char *what)
{
	struct cpuid_dump d;
	struct keel_error err = { 0 };
	const char *path = write_tmp(text);

	if (!ok(path != NULL, "write a dump: %s", what))
		return;
	is_int(cpuid_dump_load(path, &d, &err), KEEL_EUSAGE, "%s: refused",
	       what);
	ok(strstr(err.msg, path) && strstr(err.msg, line),
	   "%s: message names the file and %s", what, line);
	diag("%s", err.msg);
	is_int(d.n_cpus, 0, "%s: nothing kept", what);
	unlink(path);
}

static void check_bad_cpuid(void)
{
	struct cpuid_dump d;
	struct keel_error err = { 0 };

	bad_cpuid("", "empty", "empty file");
	bad_cpuid("CPUID Manufacturer : GenuineIntel\nhello\n", "line 2",
		  "no CPUID line");
	bad_cpuid("CPUID 00000000: 00000001-756E6547-6C65746E-49656E69\n"
		  "CPUID 0000000Z: 00000001-00000002-00000003-00000004\n",
		  "line 2", "leaf not hexadecimal");
	bad_cpuid("CPUID 00000000: 00000001-756E6547-6C65746E-49656E69\n\n"
		  "CPUID 00000001: 00000F34-00020800-0000441D\n",
		  "line 3", "three registers");
	bad_cpuid("CPUID 00000001: 00000F34-00020800-0000441D-BFEBFB\n",
		  "line 1", "short register");
	bad_cpuid("CPUID 00000001: 00000F34-00020800-0000441D-BFEBFBFFX\n",
		  "line 1", "register too long");
	bad_cpuid("CPUID 0000000B: 00000001-00000002-00000100-00000000 "
		  "[SL x1]\n", "line 1", "bad subleaf mark");
	bad_cpuid("CPUID 001: 00000001-00000002-00000100-00000000\n",
		  "line 1", "short leaf");
	is_int(cpuid_dump_load("/nonexistent/keel/dump.txt", &d, &err),
	       KEEL_EUSAGE, "missing file: refused");
	ok(strstr(err.msg, "/nonexistent/keel/dump.txt") != NULL,
	   "missing file: message names it");
}

/* A CRLF file with a header per CPU and leaves 0 and 1 only. */
static const char small_dump[] =
	"------[ Logical CPU #0 ]------\r\n"
	"CPUID 00000000: 00000001-756E6547-6C65746E-49656E69\r\n"
	"CPUID 00000001: 000906EA-00100800-7FFAFBBF-BFEBFBFF\r\n"
	"CPUID 80000000: 80000008-00000000-00000000-00000000\r\n"
	"------[ Logical CPU #1 ]------\r\n"
	"CPUID 00000001: 000906EA-01100800-7FFAFBBF-BFEBFBFF\r\n";

static void is_msr(const struct cpu_source *s, uint32_t msr, uint64_t want,
		   const char *what)
{
	const char *why = NULL;
	uint64_t v = 0;

	is_int(s->rdmsr(s->ctx, msr, &v, &why), 0, "%s: read", what);
	is_int(v, want, "%s: value", what);
}

static void check_msrs(void)
{
	struct cpuid_dump d;
	struct keel_error err = { 0 };
	struct cpu_source s;
	struct cpuid_regs4 r;
	const char *why = NULL;
	uint64_t v;
	const char *path = write_tmp(small_dump);

	if (!ok(path && cpuid_dump_load(path, &d, &err) == KEEL_OK,
		"small CRLF dump loads"))
		return;
	unlink(path);
	is_int(d.n_cpus, 2, "a header starts CPU 1 without leaf 0");
	is_leaf(&d, 0, 0x80000005, 0, "00000000-00000000-00000000-00000000",
		"leaf 80000005, missing below 80000008: zeros");
	s = cpuid_dump_source(&d, 0);
	is_int(s.cpuid(s.ctx, 0x80000009, 0, &r), -1,
	       "leaf 80000009, beyond 80000008: fails");
	s = cpuid_dump_source(&d, 1);
	is_int(s.cpuid(s.ctx, 0x80000005, 0, &r), -1,
	       "CPU 1 lists no leaf 80000000: extended leaves fail");
	is_int(s.cpuid(s.ctx, 0, 0, &r), -1,
	       "CPU 1 lists no leaf 0: basic leaves fail");
	s = cpuid_dump_source(&d, 1);
	is_int(s.rdmsr(s.ctx, 0x3A, &v, &why), -1, "no MSR dump: MSR fails");
	ok(why && strstr(why, "--msr-dump"), "the reason names --msr-dump: %s",
	   why ? why : "(none)");
	path = write_tmp("# firmware state\n\n0x3a 0x5\n"
			 "C0010114 10   # VM_CR\n\t480\t00DA040000000004\n");
	if (!ok(path && cpuid_dump_load_msrs(path, &d, &err) == KEEL_OK,
		"MSR dump loads"))
		diag("%s", err.msg);
	unlink(path);
	is_int(d.n_msrs, 3, "three MSRs");
	is_msr(&s, 0x3A, 5, "0x3a 0x5");
	is_msr(&s, 0xC0010114, 0x10, "C0010114 10");
	is_msr(&s, 0x480, 0x00DA040000000004ull, "480, tabs");
	why = NULL;
	is_int(s.rdmsr(s.ctx, 0x48B, &v, &why), -1, "MSR not listed fails");
	ok(why && strstr(why, "48B"), "the reason names the MSR: %s",
	   why ? why : "(none)");
	cpuid_dump_free(&d);
}

static void bad_msr(const char *text, const char *line, const char *what)
{
	struct cpuid_dump d = { 0 };
	struct keel_error err = { 0 };
	const char *path = write_tmp(text);

	if (!ok(path != NULL, "write an MSR dump: %s", what))
		return;
	is_int(cpuid_dump_load_msrs(path, &d, &err), KEEL_EUSAGE,
	       "%s: refused", what);
	ok(strstr(err.msg, path) && strstr(err.msg, line),
	   "%s: message names the file and %s", what, line);
	diag("%s", err.msg);
	is_int(d.n_msrs, 0, "%s: nothing kept", what);
	unlink(path);
	cpuid_dump_free(&d);
}

static void check_bad_msrs(void)
{
	bad_msr("# ok\n3A\n", "line 2", "value missing");
	bad_msr("3A 5 6\n", "line 1", "three fields");
	bad_msr("3G 5\n", "line 1", "MSR not hexadecimal");
	bad_msr("3A 0x\n", "line 1", "empty value");
	bad_msr("3A 0x0x5\n", "line 1", "doubled 0x");
	bad_msr("3A 10000000000000000\n", "line 1", "value over 64 bits");
	bad_msr("3A 5\n\n0x3a 1\n", "line 3", "MSR listed twice");
}

int main(void)
{
	char buf[4096];
	const char *dir = cpu_testdata_dir(buf, sizeof buf);

	if (dir) {
		check_all_files(dir);
		check_rome(dir);
		check_aida(dir);
		check_headerless(dir);
	} else {
		ok(1, "# SKIP no CPUID dumps (KEEL_TESTDATA unset, and no "
		   "../shared/testdata next to the source tree)");
	}
	check_bad_cpuid();
	check_msrs();
	check_bad_msrs();
	return done_testing();
}
