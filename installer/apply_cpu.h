/* apply_cpu.h: the processor check `keel apply` makes before installing on
 * the running system (the same evaluation as `keel check-cpu`). */
#ifndef KEEL_APPLY_CPU_H
#define KEEL_APPLY_CPU_H

#include "cli_state.h"
#include "error.h"

/* Online: refuses (KEEL_ECPU_INCAPABLE / KEEL_ECPU_DISABLED) a machine
 * whose CPUs cannot run keel-hv, unless --skip-cpu-check; an unknown
 * verdict is a warning. Offline (--root of another system): says that the
 * target's CPU cannot be seen from here and leaves it to keel-hv. */
int apply_check_cpu(const struct cli_state_args *a, struct keel_error *err);

#endif
