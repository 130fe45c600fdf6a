/* test_cpu_live_refine.c: what check-cpu decides from /proc/cpuinfo when
 * it cannot read MSRs: never "capable", which only keel-hv's MSRs settle. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cpu_live.h"
#include "tests/tap.h"

/* One CPU's block of /proc/cpuinfo with the given "vmx flags" line
 * (NULL: none), and the unknown report the MSR-less check gave. */
static enum cpu_verdict refine(const char *flags, const char *vmx_flags,
			       struct cpu_report *r)
{
	/* Static: the reasons point into cpu.note after the return. */
	static char info[512];
	static struct cpu_live_cpu cpu;
	static struct cpu_live l;

	cpu = (struct cpu_live_cpu){ .cpu = 0, .msr_fd = -1 };
	l = (struct cpu_live){ .cpus = &cpu, .n = 1, .msr_ok = false,
			       .pinned = -1, .cpuinfo = info };

	snprintf(l.msr_why, sizeof l.msr_why, "test: no msr driver");
	cpu.live = &l;
	snprintf(info, sizeof info, "processor\t: 0\nflags\t\t: %s\n%s%s%s\n",
		 flags, vmx_flags ? "vmx flags\t: " : "",
		 vmx_flags ? vmx_flags : "", vmx_flags ? "\n" : "");
	memset(r, 0, sizeof *r);
	r->backend = CPU_BACKEND_VTX;
	r->verdict = CPU_UNKNOWN;
	r->vmx = true;
	cpu_live_refine(&l, 0, r);
	return r->verdict;
}

static int says(const struct cpu_report *r, const char *part)
{
	unsigned int i;

	for (i = 0; i < r->n_reasons; i++)
		if (strstr(r->reasons[i], part))
			return 1;
	return 0;
}

int main(void)
{
	struct cpu_report r;
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2 ||
	    major < 5 || (major == 5 && minor < 6)) {
		printf("1..0 # SKIP the kernel (%s) is older than 5.6: no \"vmx "
		       "flags\" to refine with\n", u.release);
		return 0;
	}
	if (!ok(refine("fpu vmx lm", "vnmi preemption_timer invvpid ept_x_only "
		       "ept_ad ept_1gb flexpriority tsc_offset vtpr mtf vapic "
		       "ept vpid unrestricted_guest", &r) == CPU_UNKNOWN &&
		says(&r, "2 MiB") && says(&r, "test: no msr driver"),
		"every flag keel-hv needs is listed: still unknown, saying "
		"what only the MSRs tell and why they were not read"))
		diag("verdict %d, %u reasons, last: %s", (int)r.verdict,
		     r.n_reasons, r.n_reasons ? r.reasons[r.n_reasons - 1]
					      : "-");
	ok(r.fw_enabled && r.ept && r.unrestricted_guest,
	   "  and the report shows VT-x enabled with EPT and unrestricted guest");
	ok(refine("fpu vmx lm", "vnmi ept vpid", &r) == CPU_INCAPABLE,
	   "no unrestricted guest: incapable, as keel-hv would find");
	ok(refine("fpu vmx lm", "ept unrestricted_guest vpid", &r) ==
	   CPU_INCAPABLE, "no virtual NMIs: incapable");
	ok(refine("fpu lm", NULL, &r) == CPU_DISABLED,
	   "the kernel removed the vmx flag: switched off in the firmware");
	ok(refine("fpu vmx lm", NULL, &r) == CPU_UNKNOWN && r.n_reasons == 0,
	   "vmx but no \"vmx flags\" line: nothing to decide from");
	return done_testing();
}
