/* cpu_live.h: the processor this system runs on as a cpu_source: every
 * online CPU, pinned in turn, CPUID and /dev/cpu/N/msr, /proc/cpuinfo. */
#ifndef KEEL_CPU_LIVE_H
#define KEEL_CPU_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu_check.h"
#include "cpu_source.h"
#include "error.h"

/* Longest sentence kept for a reason; reasons point into these buffers. */
#define CPU_LIVE_WHY_MAX 320

/* One online CPU: the ctx of its cpu_source. */
struct cpu_live_cpu {
	struct cpu_live *live;
	unsigned int cpu;
	int msr_fd;                      /* -1 until opened */
	/* rdmsr reasons, in turn: a report may keep several of them */
	char why[CPU_REASONS_MAX][CPU_LIVE_WHY_MAX];
	unsigned int n_why;
	char note[KEEL_ERROR_MAX];       /* added to its report */
};

struct cpu_live {
	struct cpu_live_cpu *cpus;       /* online CPUs, ascending */
	size_t n;
	bool msr_ok;                     /* /dev/cpu/N/msr can be opened */
	bool module_loaded;              /* we ran "modprobe msr" and it took */
	char msr_why[CPU_LIVE_WHY_MAX];  /* why not, when !msr_ok */
	void *saved_mask;                /* our affinity before, to restore */
	size_t mask_size;
	long pinned;                     /* the CPU we run on now, -1: none */
	char *cpuinfo;                   /* /proc/cpuinfo, NULL if unreadable */
};

/* Lists the online CPUs and finds out whether MSRs can be read (loading
 * the msr module once when /dev/cpu/N/msr is missing). KEEL_EFAIL when
 * the online CPUs cannot be listed. */
int cpu_live_open(struct cpu_live *l, struct keel_error *err);

/* Pins this thread to online CPU i and gives its source. KEEL_EFAIL, with
 * the reason, when this thread may not run there (a cpuset). */
int cpu_live_select(struct cpu_live *l, size_t i, struct cpu_source *src,
		    struct keel_error *err);

/* The report of a CPU we could not run on: verdict unknown, why. */
void cpu_live_unreachable(struct cpu_live *l, size_t i,
			  const struct keel_error *why, struct cpu_report *r);

/* When the MSRs could not be read and r is therefore unknown, decides
 * what /proc/cpuinfo lets us decide (the kernel's "vmx flags" exist only
 * where the firmware enabled VT-x) and says so in the reasons. */
void cpu_live_refine(struct cpu_live *l, size_t i, struct cpu_report *r);

/* Restores the affinity we started with and closes what was opened. */
void cpu_live_close(struct cpu_live *l);

#endif
