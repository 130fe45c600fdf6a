/* cpu_live.c: reads the running processor for keel check-cpu: each online
 * CPU in turn, pinned, CPUID directly and MSRs through the msr driver. */
#include "config.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpu_live.h"
#include "i18n.h"

/* More than any machine Linux runs on today; a bound for parsing. */
enum { CPU_LIVE_MAX = 65536 };

static const char online_path[] = "/sys/devices/system/cpu/online";

static char *read_small_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *grown = realloc(buf, cap + 65536);

			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int add_cpu(struct cpu_live *l, unsigned long cpu)
{
	struct cpu_live_cpu *grown;

	grown = realloc(l->cpus, (l->n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	l->cpus = grown;
	l->cpus[l->n] = (struct cpu_live_cpu){ .live = l,
		.cpu = (unsigned int)cpu, .msr_fd = -1 };
	l->n++;
	return 0;
}

/* The kernel's CPU list format: "0-3,8,10-11". */
static int parse_cpu_list(struct cpu_live *l, const char *s)
{
	unsigned long a, b, c;
	char *end;

	while (*s && *s != '\n') {
		a = strtoul(s, &end, 10);
		if (end == s)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s)
				return -1;
		}
		if (b < a || b >= CPU_LIVE_MAX)
			return -1;
		for (c = a; c <= b; c++)
			if (add_cpu(l, c))
				return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return l->n ? 0 : -1;
}

static int list_online(struct cpu_live *l, struct keel_error *err)
{
	char *text = read_small_file(online_path);
	int bad;

	if (!text)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot read the list of online CPUs %s"),
			online_path);
	bad = parse_cpu_list(l, text);
	free(text);
	if (bad)
		return keel_error_set(err, KEEL_EFAIL,
			_("cannot understand the list of online CPUs in %s"),
			online_path);
	return KEEL_OK;
}

/* Runs "modprobe msr" once, quietly: we explain the outcome ourselves. */
static int modprobe_msr(void)
{
	pid_t pid = fork();
	int status, fd;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("modprobe", "modprobe", "-q", "msr", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void msr_path(char *buf, size_t size, unsigned int cpu)
{
	snprintf(buf, size, "/dev/cpu/%u/msr", cpu);
}

static void probe_msr(struct cpu_live *l)
{
	char path[64];
	int fd, e;

	msr_path(path, sizeof path, l->cpus[0].cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0 && errno == ENOENT && geteuid() == 0 &&
	    modprobe_msr() == 0) {
		fd = open(path, O_RDONLY);
		l->module_loaded = fd >= 0;
	}
	if (fd >= 0) {
		l->cpus[0].msr_fd = fd;
		l->msr_ok = true;
		return;
	}
	e = errno;
	if (e == ENOENT)
		snprintf(l->msr_why, sizeof l->msr_why,
			 _("MSRs cannot be read (%s does not exist and "
			   "\"modprobe msr\" did not load the module): run "
			   "as root; the msr kernel module is needed."), path);
	else
		snprintf(l->msr_why, sizeof l->msr_why,
			 _("MSRs cannot be read (%s: %s): run as root; the "
			   "msr kernel module is needed."), path, strerror(e));
}

int cpu_live_open(struct cpu_live *l, struct keel_error *err)
{
	int rc;

	*l = (struct cpu_live){ .pinned = -1 };
	rc = list_online(l, err);
	if (rc)
		return rc;
	l->mask_size = CPU_ALLOC_SIZE(CPU_LIVE_MAX);
	l->saved_mask = CPU_ALLOC(CPU_LIVE_MAX);
	if (!l->saved_mask)
		return keel_error_set(err, KEEL_EFAIL,
			_("out of memory listing the CPUs"));
	/* Without the mask we started with we could not give it back after
	 * pinning to each CPU in turn. */
	if (sched_getaffinity(0, l->mask_size, l->saved_mask) != 0) {
		int e = errno;

		CPU_FREE(l->saved_mask);
		l->saved_mask = NULL;
		cpu_live_close(l);
		return keel_error_set(err, KEEL_EFAIL,
			_("cannot read which CPUs keel may run on (%s)"),
			strerror(e));
	}
	probe_msr(l);
	l->cpuinfo = read_small_file("/proc/cpuinfo");
	return KEEL_OK;
}

static int pin(struct cpu_live *l, unsigned int cpu)
{
	cpu_set_t *set;
	int rc;

	if (l->pinned == (long)cpu)
		return 0;
	set = CPU_ALLOC(CPU_LIVE_MAX);
	if (!set)
		return -1;
	CPU_ZERO_S(l->mask_size, set);
	CPU_SET_S(cpu, l->mask_size, set);
	rc = sched_setaffinity(0, l->mask_size, set);
	CPU_FREE(set);
	/* The kernel moves us before it returns: CPUID now runs there. */
	l->pinned = rc == 0 ? (long)cpu : -1;
	return rc;
}

static int live_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		      struct cpuid_regs4 *r)
{
	struct cpu_live_cpu *c = ctx;
	unsigned int a, b, cx, d;

	if (pin(c->live, c->cpu))
		return -1;
	__cpuid_count(leaf, subleaf, a, b, cx, d);
	*r = (struct cpuid_regs4){ a, b, cx, d };
	return 0;
}

static char *next_why(struct cpu_live_cpu *c)
{
	return c->why[c->n_why++ % CPU_REASONS_MAX];
}

static int open_msr(struct cpu_live_cpu *c, const char **why)
{
	char path[64], *buf;

	if (c->msr_fd >= 0)
		return 0;
	if (!c->live->msr_ok) {
		*why = c->live->msr_why;
		return -1;
	}
	msr_path(path, sizeof path, c->cpu);
	c->msr_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->msr_fd >= 0)
		return 0;
	buf = next_why(c);
	snprintf(buf, CPU_LIVE_WHY_MAX, _("MSRs cannot be read (%s: %s): "
		 "run as root; the msr kernel module is needed."), path,
		 strerror(errno));
	*why = buf;
	return -1;
}

/* The msr driver reads MSR m at file offset m and answers EIO when the
 * processor faults on it: the MSR does not exist on this model, or an
 * outer hypervisor does not offer it. */
static int live_rdmsr(void *ctx, uint32_t msr, uint64_t *val,
		      const char **why)
{
	struct cpu_live_cpu *c = ctx;
	char *buf;
	ssize_t got;

	if (open_msr(c, why))
		return -1;
	got = pread(c->msr_fd, val, sizeof *val, (off_t)msr);
	if (got == (ssize_t)sizeof *val)
		return 0;
	buf = next_why(c);
	if (got < 0 && errno == EIO)
		snprintf(buf, CPU_LIVE_WHY_MAX, _("The processor refused to "
			 "read MSR 0x%" PRIX32 " (it does not have it, or a "
			 "hypervisor hides it)."), msr);
	else
		snprintf(buf, CPU_LIVE_WHY_MAX, _("MSR 0x%" PRIX32 " cannot "
			 "be read on CPU %u: %s."), msr, c->cpu,
			 got < 0 ? strerror(errno) : _("short read"));
	*why = buf;
	return -1;
}

int cpu_live_select(struct cpu_live *l, size_t i, struct cpu_source *src,
		    struct keel_error *err)
{
	struct cpu_live_cpu *c = &l->cpus[i];
	size_t j;

	/* One msr file open at a time: machines with more CPUs than the
	 * descriptor limit must not run out of descriptors. */
	for (j = 0; j < l->n; j++)
		if (j != i && l->cpus[j].msr_fd >= 0) {
			close(l->cpus[j].msr_fd);
			l->cpus[j].msr_fd = -1;
		}
	if (pin(l, c->cpu))
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("keel may not run on CPU %u, so it cannot read its "
			  "CPUID (is it outside this process's cpuset?)"),
			c->cpu);
	*src = (struct cpu_source){ .cpuid = live_cpuid,
		.rdmsr = live_rdmsr, .ctx = c, .cpu = c->cpu };
	return KEEL_OK;
}

void cpu_live_unreachable(struct cpu_live *l, size_t i,
			  const struct keel_error *why, struct cpu_report *r)
{
	struct cpu_live_cpu *c = &l->cpus[i];

	snprintf(c->note, sizeof c->note, "%s", why->msg);
	*r = (struct cpu_report){ .cpu = c->cpu, .verdict = CPU_UNKNOWN,
		.reasons = { c->note }, .n_reasons = 1 };
}

void cpu_live_close(struct cpu_live *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->cpus[i].msr_fd >= 0)
			close(l->cpus[i].msr_fd);
	if (l->saved_mask) {
		sched_setaffinity(0, l->mask_size, l->saved_mask);
		CPU_FREE(l->saved_mask);
	}
	free(l->cpus);
	free(l->cpuinfo);
	*l = (struct cpu_live){ .pinned = -1 };
}

/* ---- /proc/cpuinfo: what the kernel learnt when it could read MSRs ---- */

/* The value of "key : value" in the block of "processor : cpu"; its length
 * in *len. NULL when the block or the key is missing. */
static const char *cpuinfo_value(const char *info, unsigned int cpu,
				 const char *key, size_t *len)
{
	const char *p = info, *eol, *colon;
	size_t klen = strlen(key);
	int in_block = 0;

	for (; p && *p; p = eol ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (p[0] == '\n') {
			if (in_block)
				return NULL;
			continue;
		}
		colon = strchr(p, ':');
		if (!colon || (eol && colon > eol))
			continue;
		if (strncmp(p, "processor", 9) == 0 && strchr(" \t", p[9]))
			in_block = strtoul(colon + 1, NULL, 10) == cpu;
		else if (in_block && strncmp(p, key, klen) == 0 &&
			 strchr(" \t", p[klen])) {
			*len = (eol ? (size_t)(eol - colon) : strlen(colon)) - 1;
			return colon + 1;
		}
	}
	return NULL;
}

static bool has_word(const char *s, size_t len, const char *word)
{
	size_t wlen = strlen(word), i = 0, j;

	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		for (j = i; j < len && s[j] != ' '; j++)
			;
		if (j - i == wlen && strncmp(s + i, word, wlen) == 0)
			return true;
		i = j;
	}
	return false;
}

/* Linux 5.6 and later clear the vmx flag when IA32_FEATURE_CONTROL is
 * locked without VMX and list "vmx flags" when it is enabled. */
static bool kernel_reports_vmx_state(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 6);
}

static void set_reasons(struct cpu_report *r, const char *a, const char *b)
{
	r->n_reasons = 0;
	r->reasons[r->n_reasons++] = a;
	if (b)
		r->reasons[r->n_reasons++] = b;
}

static void refine_vmx(struct cpu_live_cpu *c, struct cpu_report *r,
		       const char *msr_why)
{
	const char *flags, *vflags;
	size_t flen = 0, vlen = 0;

	flags = cpuinfo_value(c->live->cpuinfo, c->cpu, "flags", &flen);
	vflags = cpuinfo_value(c->live->cpuinfo, c->cpu, "vmx flags", &vlen);
	if (!flags || !kernel_reports_vmx_state())
		return;
	if (!has_word(flags, flen, "vmx")) {
		r->verdict = CPU_DISABLED;
		r->fw_enabled = false;
		set_reasons(r, _("VT-x is switched off: CPUID reports VMX, but "
				 "the kernel removed the vmx flag from "
				 "/proc/cpuinfo because IA32_FEATURE_CONTROL "
				 "is locked without it: enable VT-x in the firmware "
				 "setup, then power the machine off and on."),
			    msr_why);
		return;
	}
	if (!vflags)
		return;
	r->fw_enabled = true;
	r->ept = has_word(vflags, vlen, "ept");
	r->unrestricted_guest = has_word(vflags, vlen, "unrestricted_guest");
	r->vpid = has_word(vflags, vlen, "vpid");
	if (!r->ept || !r->unrestricted_guest || !has_word(vflags, vlen, "vnmi")) {
		r->verdict = CPU_INCAPABLE;
		set_reasons(r, _("The kernel's \"vmx flags\" in /proc/cpuinfo "
				 "lack EPT, unrestricted guest or virtual NMIs, "
				 "which keel-hv needs."), msr_why);
		return;
	}
	/* The flags say nothing of EPT's 2 MiB pages, write-back type or
	 * INVEPT, nor of the I/O and MSR bitmaps, which keel-hv's rule
	 * (keel/cpu_requirements.h) also demands: only the MSRs settle it,
	 * and a verdict without them could disagree with keel-hv. */
	set_reasons(r, _("The kernel's \"vmx flags\" in /proc/cpuinfo show "
			 "VT-x enabled by the firmware, with EPT, unrestricted "
			 "guest and virtual NMIs; whether EPT has the 2 MiB "
			 "pages, write-back memory and INVEPT that keel-hv "
			 "also needs, only the VMX capability MSRs tell."),
		    msr_why);
}

void cpu_live_refine(struct cpu_live *l, size_t i, struct cpu_report *r)
{
	struct cpu_live_cpu *c = &l->cpus[i];

	if (r->verdict != CPU_UNKNOWN || r->fw_known || !l->cpuinfo ||
	    r->backend != CPU_BACKEND_VTX || !r->vmx)
		return;
	snprintf(c->note, sizeof c->note, "%s", !l->msr_ok ? l->msr_why :
		 c->n_why ? c->why[(c->n_why - 1) % CPU_REASONS_MAX] : "");
	refine_vmx(c, r, c->note[0] ? c->note : NULL);
}
