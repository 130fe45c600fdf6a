/* idt.c: keel-hv's interrupt descriptor table: the exception vectors lead
 * to idt_fault, which panics with what the CPU reported; NMIs are passed on. */
#include <stdint.h>

#include "idt.h"
#include "panic.h"

#define IDT_EXCEPTIONS 32
#define SEL_CODE64 0x08          /* boot/entry.S's GDT */
#define GATE_INTERRUPT 0x8e      /* present, DPL 0, 64-bit interrupt gate */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

/* What boot/idt_stubs.S leaves on the stack. */
struct idt_frame {
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

extern const uint64_t idt_stub_table[IDT_EXCEPTIONS];
void idt_fault(const struct idt_frame *f);
void idt_nmi(void);

void (*idt_nmi_handler)(void);

static struct idt_gate idt[IDT_EXCEPTIONS];

static const char *const vector_names[IDT_EXCEPTIONS] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 floating point", "alignment check",
	"machine check", "SIMD floating point", "virtualization",
	"control protection", "reserved", "reserved", "reserved",
	"reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication", "security", "reserved",
};

void idt_fault(const struct idt_frame *f)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	panic("exception %llu (%s) in keel-hv: error code 0x%llx, RIP "
	      "0x%llx, CS 0x%llx, RFLAGS 0x%llx, RSP 0x%llx, CR2 0x%llx",
	      (unsigned long long)f->vector,
	      f->vector < IDT_EXCEPTIONS ? vector_names[f->vector] : "?",
	      (unsigned long long)f->error, (unsigned long long)f->rip,
	      (unsigned long long)f->cs, (unsigned long long)f->rflags,
	      (unsigned long long)f->rsp, (unsigned long long)cr2);
}

/* An NMI while keel-hv runs belongs to the session (a watchdog, a
 * platform error): the backend takes it over, if it can pass it on. */
void idt_nmi(void)
{
	if (!idt_nmi_handler)
		panic("NMI in keel-hv, which has no way to pass it to the "
		      "root session");
	idt_nmi_handler();
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	int v;

	for (v = 0; v < IDT_EXCEPTIONS; v++) {
		uint64_t a = idt_stub_table[v];

		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)a,
			.selector = SEL_CODE64,
			.type = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(a >> 16),
			.offset_hi = (uint32_t)(a >> 32),
		};
	}
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
