/* virt_probe.h: a verdict of keel/cpu_requirements.h turned into what a
 * backend's probe answers (virt.h), and the processor read as that rule's io. */
#ifndef KEEL_HV_VIRT_PROBE_H
#define KEEL_HV_VIRT_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "keel/cpu_requirements.h"
#include "virt.h"

/* VIRT_ABSENT when v misses the extension itself (absent_need), else
 * VIRT_UNUSABLE with *why naming the first requirement missing (or not
 * read), else VIRT_USABLE. */
enum virt_probe virt_probe_of(struct keel_cpu_verdict v, uint32_t absent_need,
			      const char **why);

/* The first of the n backends whose probe says usable, or NULL with *why
 * saying why none is: the reason of one the processor has but cannot use,
 * else that it has neither extension. */
const struct virt_backend *virt_pick(const struct virt_backend *const *all,
				     size_t n, const char **why);

/* CPUID and RDMSR on the processor keel-hv runs on (cpu_io.c). */
extern const struct keel_cpu_io hv_cpu_io;

#endif
