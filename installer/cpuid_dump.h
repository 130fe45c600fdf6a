/* cpuid_dump.h: reads CPUID register dumps (InstLatx64/AIDA layouts) and
 * MSR dumps, and serves them as a cpu_source for keel check-cpu. */
#ifndef KEEL_CPUID_DUMP_H
#define KEEL_CPUID_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_source.h"
#include "error.h"

struct cpuid_dump_entry {
	uint32_t leaf, subleaf;
	struct cpuid_regs4 r;
};

struct cpuid_dump_cpu {
	struct cpuid_dump_entry *e;
	size_t n;
};

struct msr_dump_entry {
	uint32_t msr;
	uint64_t val;
};

struct cpuid_dump {
	struct cpuid_dump_cpu *cpus;   /* logical CPUs in file order */
	size_t n_cpus;
	struct msr_dump_entry *msrs;   /* applies to every CPU; may be NULL */
	size_t n_msrs;
};

/* Reads path: "CPUID LLLLLLLL: EAX-EBX-ECX-EDX [SL nn] ..." lines under
 * "Logical CPU #n" headers, or the AIDA layout with a tab; lines that are
 * neither are skipped. A file with no CPUID line, a malformed CPUID line
 * or an unreadable file is KEEL_EUSAGE with a message naming file and
 * line. */
int cpuid_dump_load(const char *path, struct cpuid_dump *d,
		    struct keel_error *err);
/* Reads an MSR dump: lines "MSR VALUE" (hex with or without 0x, '#'
 * comments, blank lines). */
int cpuid_dump_load_msrs(const char *path, struct cpuid_dump *d,
			 struct keel_error *err);
void cpuid_dump_free(struct cpuid_dump *d);

/* A cpu_source over logical CPU i of d. A leaf missing from the dump
 * reads as all zeros when it lies within the maximum of its range (CPUID 0
 * or 0x80000000 EAX) — what the processor answers for reserved leaves —
 * and fails (-1) otherwise; a subleaf missing for a leaf that has others
 * fails. MSRs missing from the dump fail with a reason saying so. */
struct cpu_source cpuid_dump_source(const struct cpuid_dump *d, size_t i);

#endif
