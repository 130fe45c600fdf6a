/* hv_gate.h: keel's side of the keel-hv hypercall ABI: finds the running
 * hypervisor through CPUID and makes the calls of keel/hypercall.h. */
#ifndef KEEL_INSTALLER_HV_GATE_H
#define KEEL_INSTALLER_HV_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "payload/include/keel/hypercall.h"

/* What CPUID says about the hypervisor (no privilege needed to ask). */
struct hv_gate {
	uint32_t abi;      /* KEEL_HC_ABI of the running hypervisor */
	uint16_t port;     /* the gate's I/O port */
	uint32_t backend;  /* enum keel_backend */
};

/* The answer of KEEL_HC_VERSION. */
struct hv_version {
	uint32_t abi;
	uint64_t features;   /* KEEL_HC_F_* */
	uint32_t backend;
	uint32_t n_exits;    /* exit reasons the hypervisor counts */
};

/* One KEEL_HC_LOG_READ: up to KEEL_HC_LOG_CHUNK bytes of the log stream,
 * starting at stream position pos. */
struct hv_log_chunk {
	uint64_t pos;
	size_t len;
	unsigned char bytes[KEEL_HC_LOG_CHUNK];
};

/* Fills g from CPUID 0x40000000/0x40000001. KEEL_ENOHV if no keel-hv runs
 * below us; KEEL_EFAIL if it speaks another major ABI version. */
int hv_gate_detect(struct hv_gate *g, struct keel_error *err);

/* Asks the kernel for the gate's I/O port (needs CAP_SYS_RAWIO). */
int hv_gate_open(const struct hv_gate *g, struct keel_error *err);

int hv_gate_version(const struct hv_gate *g, struct hv_version *v,
		    struct keel_error *err);

/* Exits of one reason since the hypervisor started. */
int hv_gate_stat(const struct hv_gate *g, uint32_t reason, uint64_t *count,
		 struct keel_error *err);

/* Nanoseconds since the hypervisor started, and its TSC rate in kHz. */
int hv_gate_time(const struct hv_gate *g, uint64_t *ns, uint64_t *tsc_khz,
		 struct keel_error *err);

/* The log bytes at stream position want or, if the ring has overwritten
 * those, the oldest ones it still holds (c->pos > want then). c->len == 0:
 * nothing at or after want yet. */
int hv_gate_log_read(const struct hv_gate *g, uint64_t want,
		     struct hv_log_chunk *c, struct keel_error *err);

/* The id of the boot entry that started keel-hv (entry= on its command
 * line), "" if it was given none. Needs KEEL_HC_F_ENTRY. */
int hv_gate_entry(const struct hv_gate *g, char id[KEEL_HC_ENTRY_MAX + 1],
		  struct keel_error *err);

/* "svm", "vmx", "none", or NULL for a backend this keel does not know. */
const char *hv_backend_name(uint32_t backend);

/* The name of an exit reason, or NULL beyond those this keel knows. */
const char *hv_exit_name(uint32_t reason);

#endif
