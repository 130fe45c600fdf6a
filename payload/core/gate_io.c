/* gate_io.c: the root session's accesses to the gate's ports: the one
 * hypercall form (a 32-bit OUT to gate_port), else the hardware's port. */
#include <stdbool.h>
#include <stdint.h>

#include "gate_io.h"
#include "stats.h"
#include "x86.h"

/* Any other access to the gate's ports is the hardware's: a device may
 * decode them. keel-hv does it for the session, as the session asked. */
static void forward(const struct gate_io_access *a, uint64_t *rax)
{
	if (a->in) {
		if (a->size == 1)
			*rax = (*rax & ~0xffull) | inb(a->port);
		else if (a->size == 2)
			*rax = (*rax & ~0xffffull) | inw(a->port);
		else
			*rax = inl(a->port);   /* a 32-bit write zero-extends */
	} else if (a->size == 1) {
		outb(a->port, (uint8_t)*rax);
	} else if (a->size == 2) {
		outw(a->port, (uint16_t)*rax);
	} else {
		outl(a->port, (uint32_t)*rax);
	}
}

/* String I/O on the gate's ports would need the session's memory through
 * its page tables: it gets #GP instead (no driver uses it on a port
 * keel-hv claimed). */
bool gate_io(const struct gate_io_access *a, struct gate_regs *r)
{
	if (a->port == gate_port && a->size == 4 && !a->in && !a->string) {
		stats_count(KEEL_EXIT_GATE);
		gate_call(r);
		return true;
	}
	stats_count(KEEL_EXIT_GATE_BAD);
	if (a->string)
		return false;
	forward(a, &r->rax);
	return true;
}
