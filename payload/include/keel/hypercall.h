/* keel/hypercall.h: the hypercall ABI between keel-hv and the root session's
 * privileged user space; shared by payload/ and installer/, versioned. */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

#include <stdint.h>

/*
 * Discovery, all through CPUID so that unprivileged code can ask:
 *   CPUID 0x40000000: EAX = highest hypervisor leaf (0x40000001),
 *                     EBX, ECX, EDX = "Keel" "Keel" "Keel"
 *   CPUID 0x40000001: EAX = KEEL_HC_ABI (major << 16 | minor),
 *                     EBX = the gate's I/O port, ECX = backend (below)
 *
 * The gate: a 32-bit OUT of the call number in EAX to the gate port
 * (`out %eax, %dx`). Arguments in RBX, RCX, RSI, RDI; on return RAX holds
 * a status (0 or a negative KEEL_HC_E*), results in RBX, RCX, RSI, RDI
 * and RDX as each call says. Ring-3 code reaches the port only when the
 * kernel allows it (ioperm/iopl, i.e. CAP_SYS_RAWIO): the CPU's own I/O
 * permission check runs before the hypervisor ever sees the access.
 * Any other access to the gate's ports (another width, an IN) is carried
 * out on the hardware's port for the session (core/gate_io.c) and counted
 * as KEEL_EXIT_GATE_BAD; string I/O there raises #GP.
 */
#define KEEL_HC_SIGNATURE   "KeelKeelKeel"
#define KEEL_HC_LEAF_BASE   0x40000000u
#define KEEL_HC_LEAF_ABI    0x40000001u
#define KEEL_HC_ABI_MAJOR   1u
#define KEEL_HC_ABI_MINOR   1u   /* 1: KEEL_HC_ENTRY */
#define KEEL_HC_ABI         ((KEEL_HC_ABI_MAJOR << 16) | KEEL_HC_ABI_MINOR)
#define KEEL_HC_PORT_DEFAULT 0x4b48u   /* "KH"; hcport= on the hv command line */

enum keel_backend {
	KEEL_BACKEND_NONE = 0,   /* native: no hypervisor below (never seen) */
	KEEL_BACKEND_SVM = 1,
	KEEL_BACKEND_VMX = 2,
};

/* Call numbers (EAX). */
enum keel_hc {
	/* -> RBX = ABI, RCX = feature bits (KEEL_HC_F_*), RSI = backend,
	 *    RDI = number of exit reasons (KEEL_EXIT_COUNT of the hv) */
	KEEL_HC_VERSION = 0,
	/* RBX = stream position wanted.
	 * -> RBX = bytes returned (0..24; 0 = nothing newer), RDX = stream
	 *    position of the first returned byte (later than asked when the
	 *    ring has overwritten what was asked for), RCX, RSI, RDI = the
	 *    bytes, little-endian, 8 per register. */
	KEEL_HC_LOG_READ = 1,
	/* RBX = exit reason (enum keel_exit_reason).
	 * -> RBX = exits of that reason since the hypervisor started. */
	KEEL_HC_STATS = 2,
	/* -> RBX = nanoseconds since the hypervisor started,
	 *    RCX = TSC frequency in kHz the hypervisor measured. */
	KEEL_HC_TIME = 3,
	/* RBX = byte offset into the id of the boot entry that started the
	 * hypervisor (entry= on its command line; keel writes keel-VERSION).
	 * -> RBX = the id's length (0: none given), RCX, RSI, RDI = up to 24
	 *    of its bytes from the offset, little-endian, zero-padded.
	 *    KEEL_HC_EINVAL for an offset past the end. */
	KEEL_HC_ENTRY = 4,
	KEEL_HC_COUNT
};

#define KEEL_HC_F_LOG   (1u << 0)
#define KEEL_HC_F_STATS (1u << 1)
#define KEEL_HC_F_TIME  (1u << 2)
#define KEEL_HC_F_ENTRY (1u << 3)

#define KEEL_HC_ENTRY_MAX 64   /* bytes of an entry id */

/* Status in RAX. */
#define KEEL_HC_OK       0
#define KEEL_HC_ENOSYS (-38)   /* unknown call number */
#define KEEL_HC_EINVAL (-22)   /* argument out of range */

#define KEEL_HC_LOG_CHUNK 24   /* bytes per KEEL_HC_LOG_READ */

/* Exit reasons as the statistics count them, the same for both backends.
 * New reasons are only ever appended. */
enum keel_exit_reason {
	KEEL_EXIT_CPUID = 0,
	KEEL_EXIT_GATE,          /* a hypercall */
	KEEL_EXIT_GATE_BAD,      /* wrong width or direction at the gate port */
	KEEL_EXIT_MSR_READ,
	KEEL_EXIT_MSR_WRITE,
	KEEL_EXIT_VIRT_INSN,     /* VMRUN, VMMCALL, VMCALL ...: #UD injected */
	KEEL_EXIT_NPF,           /* nested/EPT page fault */
	KEEL_EXIT_SHUTDOWN,      /* triple fault */
	KEEL_EXIT_OTHER,
	KEEL_EXIT_CR,            /* a control register write keel-hv checks */
	KEEL_EXIT_XSETBV,        /* XCR0 written (checked, then set) */
	KEEL_EXIT_COUNT
};

/* Names for keel hv stats; indexed by enum keel_exit_reason. */
#define KEEL_EXIT_NAMES { "cpuid", "hypercall", "hypercall-bad", \
	"msr-read", "msr-write", "virt-insn", "npf", "shutdown", "other", \
	"cr-write", "xsetbv" }

#endif
