/* panic.h: the end of keel-hv when something is wrong: a message on the
 * serial line, then a reset so that GRUB's fallback entry takes over. */
#ifndef KEEL_HV_PANIC_H
#define KEEL_HV_PANIC_H

_Noreturn void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Port 0xCF9, then the keyboard controller, then a triple fault. */
_Noreturn void machine_reset(void);

#endif
