/* gate_io.h: what an intercepted port access of the root session does,
 * for both backends: a hypercall, or the hardware's own port, or #GP. */
#ifndef KEEL_HV_GATE_IO_H
#define KEEL_HV_GATE_IO_H

#include <stdbool.h>

#include "gate.h"

/* One IN or OUT as the backend decoded it from its exit information. */
struct gate_io_access {
	uint16_t port;
	unsigned int size;       /* 1, 2 or 4 bytes */
	bool in;
	bool string;             /* INS/OUTS, with or without REP */
};

/* Carries the access out on r (the session's registers; only rax for a
 * plain port access) and counts it. Returns false when the session must
 * get #GP instead; the backend then leaves RIP where it is. */
bool gate_io(const struct gate_io_access *a, struct gate_regs *r);

#endif
