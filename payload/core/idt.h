/* idt.h: keel-hv's own exception handlers: any exception in the hypervisor
 * is a bug and ends in panic() with the vector and the registers. */
#ifndef KEEL_HV_IDT_H
#define KEEL_HV_IDT_H

void idt_init(void);

/* Called for an NMI that arrives while keel-hv runs; a backend that can
 * hand NMIs to the session sets it. Unset, such an NMI panics. */
extern void (*idt_nmi_handler)(void);

#endif
