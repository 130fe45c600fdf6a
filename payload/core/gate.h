/* gate.h: the hypercall gate, vendor-neutral: a backend that sees a 32-bit
 * OUT to the gate port hands the guest's registers to gate_call. */
#ifndef KEEL_HV_GATE_H
#define KEEL_HV_GATE_H

#include <stdint.h>

#include "keel/hypercall.h"

struct gate_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi;
};

/* Runs the call in r->rax (low 32 bits) with its arguments; writes status
 * and results back into r. Never trusts an argument. */
void gate_call(struct gate_regs *r);

/* The port, from hcport= on the command line (KEEL_HC_PORT_DEFAULT). */
extern uint16_t gate_port;
extern enum keel_backend gate_backend;
/* The boot entry's id, from entry= on the command line ("" if none). */
extern char gate_entry[KEEL_HC_ENTRY_MAX + 1];

#endif
