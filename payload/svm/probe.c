/* probe.c: whether this processor's AMD-V can run keel-hv, decided by the
 * rule of keel/cpu_requirements.h that keel check-cpu applies too. */
#include "keel/cpu_requirements.h"
#include "svm/svm.h"
#include "virt_probe.h"

/* Without SVM in CPUID the extension is absent; anything else it lacks
 * (nested paging, the firmware's consent) makes it unusable. */
enum virt_probe svm_caps_probe(const struct keel_cpu_io *io, const char **why)
{
	struct keel_svm_state s;

	keel_svm_read(io, &s);
	return virt_probe_of(keel_svm_decide(&s), KEEL_NEED_SVM, why);
}
