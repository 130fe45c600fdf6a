/* panic.c: ends keel-hv on a fatal error: the reason on the serial line
 * (and in the log ring), then a machine reset so GRUB's fallback can run. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "log.h"
#include "panic.h"
#include "x86.h"

#define PORT_RESET_CONTROL 0xcf9
#define RESET_CONTROL_HARD 0x06  /* full reset, reset CPU */
#define PORT_KBC_STATUS 0x64
#define PORT_KBC_COMMAND 0x64
#define KBC_INPUT_FULL 0x02
#define KBC_PULSE_RESET 0xfe
#define PORT_POST 0x80

#define PANIC_MSG_MAX 400

/* Roughly a microsecond per write on PC hardware; a reset needs a
 * moment to take effect before the next method is tried. */
static void io_delay(unsigned n)
{
	while (n--)
		outb(PORT_POST, 0);
}

static void kbc_reset(void)
{
	unsigned i;

	for (i = 0; i < 100000; i++)
		if (!(inb(PORT_KBC_STATUS) & KBC_INPUT_FULL))
			break;
	outb(PORT_KBC_COMMAND, KBC_PULSE_RESET);
}

/* An IDT of limit 0: the next exception cannot be delivered, which
 * escalates to a triple fault, and that resets the processor. */
static _Noreturn void triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	halt_forever();
	__builtin_unreachable();
}

_Noreturn void machine_reset(void)
{
	__asm__ volatile("cli");
	outb(PORT_RESET_CONTROL, RESET_CONTROL_HARD);
	io_delay(10000);
	kbc_reset();
	io_delay(10000);
	triple_fault();
}

_Noreturn void panic(const char *fmt, ...)
{
	static bool panicking;
	char msg[PANIC_MSG_MAX];
	va_list ap;

	/* A fault while panicking (in format or the serial code) must not
	 * loop: the second time, reset straight away. */
	if (!panicking) {
		panicking = true;
		va_start(ap, fmt);
		format_v(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		log_printf("keel-hv: panic: %s\n", msg);
		log_printf("keel-hv: resetting the machine\n");
	}
	machine_reset();
}
