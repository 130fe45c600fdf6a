/* test_cpu_agree.c: keel check-cpu (installer/cpu_check.c) and keel-hv's own
 * probes (svm/probe.c, vmx/caps.c, picked by core/virt_probe.c as main.c
 * does) give the same verdict on every real CPUID dump, bare and with each
 * MSR set of tests/cpu. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_check.h"
#include "cpuid_dump.h"
#include "keel/cpu_requirements.h"
#include "svm/svm.h"
#include "tests/tap.h"
#include "tests/unit/cpu_testdata.h"
#include "virt_probe.h"
#include "vmx/vmx.h"

/* keel-hv's probes read the processor through hv_cpu_io; here they read
 * the dump through the same adapter check-cpu uses. */
static struct keel_cpu_io probe_io;

static enum virt_probe svm_dump_probe(const char **why)
{
	return svm_caps_probe(&probe_io, why);
}

static enum virt_probe vmx_dump_probe(const char **why)
{
	struct vmx_caps c;

	return vmx_caps_probe(&probe_io, &c, why);
}

static const struct virt_backend svm_dump = { .name = "AMD-V",
					      .probe = svm_dump_probe };
static const struct virt_backend vmx_dump = { .name = "VT-x",
					      .probe = vmx_dump_probe };

/* What keel-hv does on this CPU: boot/entry.S stops without long mode
 * (it cannot run on the host, so its one CPUID bit is read here), then
 * main.c's pick over both backends in its order. */
static bool hv_runs(const struct cpu_source *src, const char **why)
{
	static const struct virt_backend *const all[] = { &svm_dump,
							  &vmx_dump };
	struct cpu_source_io ctx;
	struct cpuid_regs4 q;

	*why = "no 64-bit long mode: boot/entry.S stops";
	if (src->cpuid(src->ctx, KEEL_CPUID_EXT_FEATURES, 0, &q) != 0 ||
	    !(q.edx & KEEL_CPUID_EXT1_EDX_LM))
		return false;
	probe_io = cpu_source_io(&ctx, src);
	return virt_pick(all, 2, why) != NULL;
}

struct tally {
	unsigned int both_run, both_refuse, no_2m_refused;
};

/* One dump with one MSR set (or none): every logical CPU must agree. */
static void check_case(const struct cpuid_dump *d, const char *name,
		       const char *msr_name, struct tally *t)
{
	size_t i, disagree = 0;
	enum cpu_verdict first = CPU_UNKNOWN;

	for (i = 0; i < d->n_cpus; i++) {
		struct cpu_source src = cpuid_dump_source(d, i);
		struct cpu_report r;
		const char *why = "";
		bool hv;

		cpu_check(&src, &r);
		hv = hv_runs(&src, &why);
		if (i == 0)
			first = r.verdict;
		if (hv != (r.verdict == CPU_CAPABLE) && disagree++ == 0)
			diag("CPU %zu: check-cpu says %s, keel-hv %s (%s)", i,
			     cpu_verdict_name(r.verdict),
			     hv ? "runs" : "refuses", hv ? "" : why);
		/* The case of issue 18: EPT without 2 MiB pages. */
		if (strcmp(msr_name, "vmx-ept-no-2m.msr") == 0 && r.vmx &&
		    r.verdict == CPU_INCAPABLE && !hv &&
		    strstr(why, "2 MiB") && i == 0)
			t->no_2m_refused++;
	}
	ok(disagree == 0, "%s with %s: check-cpu and keel-hv agree (%s, %zu "
	   "CPUs)", name, msr_name, cpu_verdict_name(first), d->n_cpus);
	if (disagree == 0 && first == CPU_CAPABLE)
		t->both_run++;
	else if (disagree == 0)
		t->both_refuse++;
}

static void check_dump(const char *path, const char *name,
		       const char *msr_path, const char *msr_name,
		       struct tally *t)
{
	struct keel_error err = { 0 };
	struct cpuid_dump d;

	if (cpuid_dump_load(path, &d, &err) != 0) {
		ok(0, "%s loads", name);
		diag("%s", err.msg);
		return;
	}
	if (msr_path && cpuid_dump_load_msrs(msr_path, &d, &err) != 0) {
		ok(0, "%s loads", msr_name);
		diag("%s", err.msg);
	} else {
		check_case(&d, name, msr_name, t);
	}
	cpuid_dump_free(&d);
}

static int is_dump(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 10 && strcmp(e->d_name + n - 10, "_CPUID.txt") == 0;
}

static int is_msr_set(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && strcmp(e->d_name + n - 4, ".msr") == 0;
}

/* Each dump bare (MSRs unreadable) and with every MSR set. */
static void check_all(const char *dir, const char *msr_dir, struct tally *t)
{
	struct dirent **dumps, **msrs;
	int n_dumps = scandir(dir, &dumps, is_dump, alphasort);
	int n_msrs = scandir(msr_dir, &msrs, is_msr_set, alphasort);
	char path[8192], msr_path[8192];

	ok(n_dumps > 0 && n_msrs > 0, "dumps in %s and MSR sets in %s", dir,
	   msr_dir);
	for (int i = 0; i < n_dumps; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, dumps[i]->d_name);
		check_dump(path, dumps[i]->d_name, NULL, "no MSRs", t);
		for (int j = 0; j < n_msrs; j++) {
			snprintf(msr_path, sizeof msr_path, "%s/%s", msr_dir,
				 msrs[j]->d_name);
			check_dump(path, dumps[i]->d_name, msr_path,
				   msrs[j]->d_name, t);
		}
		free(dumps[i]);
	}
	for (int j = 0; j < n_msrs; j++)
		free(msrs[j]);
	if (n_dumps >= 0)
		free(dumps);
	if (n_msrs >= 0)
		free(msrs);
}

#define SKYLAKE "GenuineIntel0050654_SkylakeXeon_CPUID.txt"

/* Skylake's dump with one MSR set, as probe_io; 0 when both load. */
static int load_skylake(const char *dir, const char *msr_dir, const char *msr,
			struct cpuid_dump *d, struct cpu_source *src,
			struct cpu_source_io *ctx)
{
	struct keel_error err = { 0 };
	char path[8192];

	snprintf(path, sizeof path, "%s/%s", dir, SKYLAKE);
	if (cpuid_dump_load(path, d, &err) != 0) {
		ok(0, "%s loads", SKYLAKE);
		diag("%s", err.msg);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", msr_dir, msr);
	if (cpuid_dump_load_msrs(path, d, &err) != 0) {
		ok(0, "%s loads", msr);
		diag("%s", err.msg);
		cpuid_dump_free(d);
		return -1;
	}
	*src = cpuid_dump_source(d, 0);
	probe_io = cpu_source_io(ctx, src);
	return 0;
}

/* keel-hv's own answers: what each probe says, and the controls
 * vmx/caps.c chose from the MSR set. */
static void check_probes(const char *dir, const char *msr_dir)
{
	struct cpuid_dump d;
	struct cpu_source src;
	struct cpu_source_io ctx;
	struct vmx_caps c;
	const char *why = "";

	if (load_skylake(dir, msr_dir, "vmx-enabled.msr", &d, &src, &ctx) == 0) {
		is_int(svm_caps_probe(&probe_io, &why), VIRT_ABSENT,
		       "Skylake: AMD-V absent");
		is_int(vmx_caps_probe(&probe_io, &c, &why), VIRT_USABLE,
		       "Skylake with vmx-enabled.msr: VT-x usable");
		ok(c.revision == 4 && c.vpid && c.ept_gib_pages &&
		   c.invept_all, "revision 4, VPID, 1 GiB EPT pages, INVEPT "
		   "all-context");
		ok((c.proc2 & KEEL_VMX_PROC2_EPT) &&
		   (c.proc2 & KEEL_VMX_PROC2_VPID) &&
		   (c.proc2 & KEEL_VMX_PROC2_UNRESTRICTED) &&
		   (c.pin & KEEL_VMX_PIN_REQUIRED) == KEEL_VMX_PIN_REQUIRED &&
		   (c.exit & KEEL_VMX_EXIT_REQUIRED) == KEEL_VMX_EXIT_REQUIRED,
		   "the required controls are chosen");
		ok(c.cr0_fixed0 == 0x80000021u && c.cr4_fixed0 == 0x2000u,
		   "the fixed CR0 and CR4 bits are read");
		cpuid_dump_free(&d);
	}
	if (load_skylake(dir, msr_dir, "vmx-locked-off.msr", &d, &src,
			 &ctx) == 0) {
		is_int(vmx_caps_probe(&probe_io, &c, &why), VIRT_UNUSABLE,
		       "Skylake with vmx-locked-off.msr: VT-x unusable");
		ok(strstr(why, "firmware") != NULL, "and keel-hv says why: %s",
		   why);
		cpuid_dump_free(&d);
	}
}

int main(void)
{
	char buf[4096], msr_dir[4096];
	const char *dir = cpu_testdata_dir(buf, sizeof buf);
	const char *top = getenv("top_srcdir");
	struct tally t = { 0, 0, 0 };

	if (!dir) {
		ok(1, "# SKIP no CPUID dumps (KEEL_TESTDATA unset, and no "
		   "../shared/testdata next to the source tree)");
		return done_testing();
	}
	snprintf(msr_dir, sizeof msr_dir, "%s/tests/cpu", top ? top : ".");
	check_all(dir, msr_dir, &t);
	check_probes(dir, msr_dir);
	/* Agreement alone would hold if both refused everything. */
	ok(t.both_run > 0, "some dump runs keel-hv by both checks (%u)",
	   t.both_run);
	ok(t.both_refuse > 0, "some dump is refused by both checks (%u)",
	   t.both_refuse);
	ok(t.no_2m_refused > 0, "a VT-x dump whose EPT lacks 2 MiB pages is "
	   "incapable to check-cpu and refused by keel-hv (%u)",
	   t.no_2m_refused);
	return done_testing();
}
