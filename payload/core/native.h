/* native.h: booting the root session without virtualization, when the CPU
 * offers none we can use: leave long mode and jump into the kernel. */
#ifndef KEEL_HV_NATIVE_H
#define KEEL_HV_NATIVE_H

#include "loader.h"

/* Loads e's GDT, returns to 32-bit protected mode with paging off and
 * jumps to e->entry with ESI = e->boot_params (boot/native.S). */
_Noreturn void native_enter(const struct linux_entry *e);

#endif
