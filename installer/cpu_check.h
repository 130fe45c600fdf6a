/* cpu_check.h: can one logical CPU run keel-hv: vendor, VT-x or AMD-V as
 * keel/cpu_requirements.h requires, firmware, an outer hypervisor; verdict. */
#ifndef KEEL_CPU_CHECK_H
#define KEEL_CPU_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu_source.h"
#include "payload/include/keel/cpu_requirements.h"

enum cpu_vendor {
	CPU_VENDOR_OTHER = 0,
	CPU_VENDOR_INTEL,
	CPU_VENDOR_AMD,
	CPU_VENDOR_HYGON,
	CPU_VENDOR_CENTAUR,      /* "CentaurHauls" */
	CPU_VENDOR_ZHAOXIN,      /* "  Shanghai  " */
};

enum cpu_backend { CPU_BACKEND_NONE = 0, CPU_BACKEND_VTX, CPU_BACKEND_AMDV };

/* Ordered from best to worst: the overall verdict of several CPUs is the
 * worst of theirs. */
enum cpu_verdict {
	CPU_CAPABLE = 0,         /* all keel-hv needs is there and enabled */
	CPU_UNKNOWN,             /* something needed could not be read */
	CPU_DISABLED,            /* capable, but switched off in firmware */
	CPU_INCAPABLE,           /* the processor lacks something needed */
};

#define CPU_REASONS_MAX 8

struct cpu_report {
	unsigned int cpu;
	enum cpu_vendor vendor;
	char vendor_id[13];      /* CPUID 0 EBX-EDX-ECX */
	char brand[49];          /* CPUID 0x80000002-4, trimmed; "" if none */
	uint32_t family, model, stepping;   /* display values */
	enum cpu_backend backend;
	enum cpu_verdict verdict;
	bool long_mode;
	/* AMD-V */
	bool svm, npt, nrip_save, decode_assists;
	uint32_t asids;
	/* VT-x */
	bool vmx, ept, unrestricted_guest, vpid;
	/* firmware */
	bool fw_known;           /* the lock/enable MSR could be read */
	bool fw_enabled;         /* VMX enabled outside SMX / SVMDIS clear */
	bool fw_locked;          /* IA32_FEATURE_CONTROL lock / VM_CR lock */
	/* an outer hypervisor, from CPUID.1:ECX[31] and 0x40000000 */
	bool under_hypervisor;
	char hypervisor_id[13];  /* e.g. "KVMKVMKVM", "Microsoft Hv"; "" */
	/* why the verdict is not CPU_CAPABLE, or notes: translated text */
	const char *reasons[CPU_REASONS_MAX];
	unsigned int n_reasons;
};

/* Examines one CPU through src and fills r (never fails: what cannot be
 * read makes the verdict CPU_UNKNOWN with a reason). */
void cpu_check(const struct cpu_source *src, struct cpu_report *r);

/* The rule of keel/cpu_requirements.h reads through a keel_cpu_io; this
 * one reads src, keeping in ctx->why the reason of the first MSR that
 * could not be read. keel-hv's probe, compiled for the host, reads dumps
 * through it in the tests. */
struct cpu_source_io {
	const struct cpu_source *src;
	const char *why;
};
struct keel_cpu_io cpu_source_io(struct cpu_source_io *ctx,
				 const struct cpu_source *src);

/* Names for output and JSON: "capable", "unknown", "disabled",
 * "incapable"; "intel", ...; "vt-x", "amd-v", "none". Not translated. */
const char *cpu_verdict_name(enum cpu_verdict v);
const char *cpu_vendor_name(enum cpu_vendor v);
const char *cpu_backend_name(enum cpu_backend b);

#endif
