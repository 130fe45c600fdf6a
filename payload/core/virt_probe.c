/* virt_probe.c: turns the shared CPU rule's verdict into a backend's probe
 * answer and picks the backend, so core never names svm/ or vmx/. */
#include <stddef.h>
#include <stdint.h>

#include "virt_probe.h"

enum virt_probe virt_probe_of(struct keel_cpu_verdict v, uint32_t absent_need,
			      const char **why)
{
	if (keel_cpu_fit(v) == KEEL_CPU_FITS)
		return VIRT_USABLE;
	/* What was seen missing says more than what could not be read. */
	*why = keel_cpu_need_text(keel_cpu_need_first(v.missing ? v.missing
							       : v.unknown));
	return (v.missing & absent_need) ? VIRT_ABSENT : VIRT_UNUSABLE;
}

const struct virt_backend *virt_pick(const struct virt_backend *const *all,
				     size_t n, const char **why)
{
	const char *reason;
	size_t i;

	*why = "the processor has neither AMD-V (SVM) nor VT-x (VMX)";
	for (i = 0; i < n; i++) {
		switch (all[i]->probe(&reason)) {
		case VIRT_USABLE:
			return all[i];
		case VIRT_UNUSABLE:
			*why = reason;
			break;
		case VIRT_ABSENT:
			break;
		}
	}
	return NULL;
}
