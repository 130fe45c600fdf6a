/* apply_cpu.c: runs the CPU check of `keel check-cpu` on every online CPU
 * for `keel apply` and turns the worst verdict into go or refuse. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "apply_cpu.h"
#include "cli_state.h"
#include "cpu_live.h"
#include "i18n.h"

/* The worst report over all online CPUs (the reasons point into l). */
static int worst_report(struct cpu_live *l, struct cpu_report *worst,
			struct keel_error *err)
{
	struct keel_error why = { 0 };
	struct cpu_source src;
	struct cpu_report r;
	size_t i;
	int rc = cpu_live_open(l, err);

	if (rc)
		return rc;
	worst->verdict = CPU_CAPABLE;
	worst->n_reasons = 0;
	for (i = 0; i < l->n; i++) {
		if (cpu_live_select(l, i, &src, &why) != KEEL_OK) {
			cpu_live_unreachable(l, i, &why, &r);
		} else {
			cpu_check(&src, &r);
			cpu_live_refine(l, i, &r);
		}
		if (i == 0 || r.verdict > worst->verdict)
			*worst = r;
	}
	return KEEL_OK;
}

static int refuse(const struct cpu_report *r, struct keel_error *err)
{
	/* The last reason is the decisive one; earlier ones are context. */
	const char *why = r->n_reasons ? r->reasons[r->n_reasons - 1] : "";

	if (r->verdict == CPU_DISABLED)
		return keel_error_set(err, KEEL_ECPU_DISABLED,
			_("CPU %u can run keel-hv, but virtualization is "
			  "switched off in the firmware, so nothing was "
			  "installed. %s Enable it in the firmware setup, or "
			  "apply anyway with --skip-cpu-check (keel-hv then "
			  "boots the system without itself); \"keel "
			  "check-cpu\" tells more."),
			r->cpu, why);
	return keel_error_set(err, KEEL_ECPU_INCAPABLE,
		_("CPU %u cannot run keel-hv, so nothing was installed. %s "
		  "\"keel check-cpu\" tells more; --skip-cpu-check installs "
		  "anyway."), r->cpu, why);
}

int apply_check_cpu(const struct cli_state_args *a, struct keel_error *err)
{
	struct cpu_live l = { .pinned = -1 };
	struct cpu_report worst;
	int rc;

	if (!cli_root_is_live(a->root)) {
		if (!a->json)
			fprintf(stderr, _("keel: %s is not the running system: "
					  "its processor cannot be checked from "
					  "here; keel-hv checks it at boot and "
					  "boots the system without itself if it "
					  "cannot run.\n"), a->root);
		return KEEL_OK;
	}
	if (a->skip_cpu_check)
		return KEEL_OK;
	rc = worst_report(&l, &worst, err);
	if (rc == KEEL_OK && (worst.verdict == CPU_INCAPABLE ||
			      worst.verdict == CPU_DISABLED))
		rc = refuse(&worst, err);
	else if (rc == KEEL_OK && worst.verdict == CPU_UNKNOWN)
		fprintf(stderr, _("keel: warning: whether CPU %u can run keel-hv "
				  "is unknown; installing anyway. %s\n"),
			worst.cpu, worst.n_reasons ?
			worst.reasons[worst.n_reasons - 1] : "");
	cpu_live_close(&l);
	return rc;
}
