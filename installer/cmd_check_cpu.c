/* cmd_check_cpu.c: `keel check-cpu`: can this machine (or the processor of
 * a CPUID dump) run keel-hv, on every CPU, and if not, exactly why. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "cpu_check.h"
#include "cpu_live.h"
#include "cpuid_dump.h"
#include "i18n.h"
#include "report.h"


/* Values start here: after the longest label, German "Empfehlung:". */
enum { LABEL_COLUMN = 13 };

struct cc_args {
	const char *cpuid_dump;
	const char *msr_dump;
	int json;
	int help;
};

/* The reports of every CPU checked, and where they came from. */
struct cc_run {
	struct cpu_report *r;
	size_t n;
	int live;
	int module_loaded;
	size_t *cls;   /* cls[i]: the first CPU whose report equals i's */
};

static const char *usage(void)
{
	return _("Usage: keel check-cpu [--json] [--cpuid-dump FILE "
		 "[--msr-dump FILE]]\n"
		 "Check whether this machine's processor can run keel-hv, on "
		 "every online CPU:\nVT-x or AMD-V, nested paging, the "
		 "firmware settings, an outer hypervisor.\n\n"
		 "  --json              answer in JSON\n"
		 "  --cpuid-dump FILE   check the CPUs of a CPUID dump instead "
		 "of this machine\n"
		 "  --msr-dump FILE     with --cpuid-dump: the MSR values "
		 "(\"MSR VALUE\" lines, hex)\n"
		 "  --help              show this help\n\n"
		 "Exit status: 0 capable, 6 not capable, 7 disabled in the "
		 "firmware, 8 unknown.\nRun it as root: the firmware settings "
		 "are read from MSRs.\n");
}

static int parse_args(int argc, char **argv, struct cc_args *a,
		      struct keel_error *err)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "cpuid-dump", required_argument, NULL, 'c' },
		{ "msr-dump", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*a = (struct cc_args){ 0 };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': a->json = 1; break;
		case 'c': a->cpuid_dump = optarg; break;
		case 'm': a->msr_dump = optarg; break;
		case 'h':
			fputs(usage(), stdout);
			a->help = 1;
			return KEEL_OK;
		default:
			return cli_bad_option(argv, err);
		}
	}
	if (optind < argc)
		return keel_error_set(err, KEEL_EUSAGE,
			_("check-cpu: unexpected argument \"%s\"; see \"keel "
			  "check-cpu --help\""), argv[optind]);
	if (a->msr_dump && !a->cpuid_dump)
		return keel_error_set(err, KEEL_EUSAGE,
			_("check-cpu: --msr-dump needs --cpuid-dump: the MSRs "
			  "of this machine are read from the processor"));
	return KEEL_OK;
}

static int alloc_reports(struct cc_run *run, size_t n, struct keel_error *err)
{
	if (n == 0)
		return keel_error_set(err, KEEL_EUSAGE,
			_("check-cpu: no CPU to check"));
	run->n = n;
	run->r = calloc(n, sizeof *run->r);
	run->cls = calloc(n, sizeof *run->cls);
	if (!run->r || !run->cls)
		return keel_error_set(err, KEEL_EFAIL,
			_("out of memory checking %zu CPUs"), n);
	return KEEL_OK;
}

static int check_dump(const struct cc_args *a, struct cpuid_dump *d,
		      struct cc_run *run, struct keel_error *err)
{
	struct cpu_source src;
	size_t i;
	int rc = cpuid_dump_load(a->cpuid_dump, d, err);

	if (rc == KEEL_OK && a->msr_dump)
		rc = cpuid_dump_load_msrs(a->msr_dump, d, err);
	if (rc == KEEL_OK)
		rc = alloc_reports(run, d->n_cpus, err);
	for (i = 0; rc == KEEL_OK && i < run->n; i++) {
		src = cpuid_dump_source(d, i);
		cpu_check(&src, &run->r[i]);
	}
	return rc;
}

static int check_live(struct cpu_live *l, struct cc_run *run,
		      struct keel_error *err)
{
	struct keel_error why = { 0 };
	struct cpu_source src;
	size_t i;
	int rc = cpu_live_open(l, err);

	run->live = 1;
	if (rc == KEEL_OK)
		rc = alloc_reports(run, l->n, err);
	if (rc)
		return rc;
	run->module_loaded = l->module_loaded;
	if (l->module_loaded)
		fprintf(stderr, _("keel: loaded the msr kernel module to read "
				  "the firmware settings\n"));
	for (i = 0; i < run->n; i++) {
		if (cpu_live_select(l, i, &src, &why) != KEEL_OK) {
			cpu_live_unreachable(l, i, &why, &run->r[i]);
			continue;
		}
		cpu_check(&src, &run->r[i]);
		cpu_live_refine(l, i, &run->r[i]);
	}
	return KEEL_OK;
}

static int same_reasons(const struct cpu_report *a, const struct cpu_report *b)
{
	unsigned int i;

	if (a->n_reasons != b->n_reasons)
		return 0;
	for (i = 0; i < a->n_reasons; i++)
		if (strcmp(a->reasons[i], b->reasons[i]) != 0)
			return 0;
	return 1;
}

/* Equal in everything shown, so that only real differences are listed. */
static int same_report(const struct cpu_report *a, const struct cpu_report *b)
{
	return a->vendor == b->vendor && a->backend == b->backend &&
		a->verdict == b->verdict && a->long_mode == b->long_mode &&
		a->svm == b->svm && a->npt == b->npt &&
		a->nrip_save == b->nrip_save &&
		a->decode_assists == b->decode_assists &&
		a->asids == b->asids && a->vmx == b->vmx && a->ept == b->ept &&
		a->unrestricted_guest == b->unrestricted_guest &&
		a->vpid == b->vpid && a->fw_known == b->fw_known &&
		a->fw_enabled == b->fw_enabled &&
		a->fw_locked == b->fw_locked &&
		a->under_hypervisor == b->under_hypervisor &&
		strcmp(a->hypervisor_id, b->hypervisor_id) == 0 &&
		strcmp(a->brand, b->brand) == 0 && same_reasons(a, b);
}

/* Groups the CPUs; returns how many groups there are. */
static size_t classify(struct cc_run *run)
{
	size_t i, j, groups = 0;

	for (i = 0; i < run->n; i++) {
		run->cls[i] = i;
		for (j = 0; j < i; j++)
			if (run->cls[j] == j && same_report(&run->r[j],
							    &run->r[i])) {
				run->cls[i] = j;
				break;
			}
		groups += run->cls[i] == i;
	}
	return groups;
}

/* The CPU whose report stands for all: the first with the worst verdict. */
static size_t worst_cpu(const struct cc_run *run)
{
	size_t i, w = 0;

	for (i = 1; i < run->n; i++)
		if (run->r[i].verdict > run->r[w].verdict)
			w = i;
	return w;
}

static int exit_code(enum cpu_verdict v)
{
	switch (v) {
	case CPU_CAPABLE: return KEEL_OK;
	case CPU_DISABLED: return KEEL_ECPU_DISABLED;
	case CPU_INCAPABLE: return KEEL_ECPU_INCAPABLE;
	default: return KEEL_ECPU_UNKNOWN;
	}
}

/* print_group's group of every CPU. */
#define ALL_CPUS ((size_t)-1)

static int in_group(const struct cc_run *run, size_t i, size_t g)
{
	return g == ALL_CPUS || run->cls[i] == g;
}

/* CPU numbers of group g as "0-3,6". */
static void print_group(const struct cc_run *run, size_t g)
{
	const char *sep = "";
	size_t i = 0, j;

	while (i < run->n) {
		if (!in_group(run, i, g)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < run->n && in_group(run, j + 1, g) &&
		     run->r[j + 1].cpu == run->r[j].cpu + 1; j++)
			;
		if (j > i)
			printf("%s%u-%u", sep, run->r[i].cpu, run->r[j].cpu);
		else
			printf("%s%u", sep, run->r[i].cpu);
		sep = ",";
		i = j + 1;
	}
}

/* The one word of a verdict, for the per-CPU lines. */
static const char *verdict_word(enum cpu_verdict v)
{
	switch (v) {
	case CPU_CAPABLE: return _("capable");
	case CPU_DISABLED: return _("disabled");
	case CPU_INCAPABLE: return _("not capable");
	default: return _("unknown");
	}
}

static const char *verdict_text(enum cpu_verdict v)
{
	switch (v) {
	case CPU_CAPABLE:
		return _("capable: keel-hv can run on this processor");
	case CPU_DISABLED:
		return _("disabled: capable, but switched off in the firmware");
	case CPU_INCAPABLE:
		return _("not capable: keel-hv cannot run on this processor");
	default:
		return _("unknown: something needed could not be read");
	}
}

static const char *advice_text(const struct cpu_report *r)
{
	switch (r->verdict) {
	case CPU_CAPABLE:
		return NULL;
	case CPU_DISABLED:
		return _("Switch virtualization on in the firmware setup as "
			 "described above, power the machine off and on, and "
			 "run keel check-cpu again.");
	case CPU_INCAPABLE:
		return r->under_hypervisor ?
			_("Have the outer hypervisor offer nested "
			  "virtualization to this virtual machine, or install "
			  "keel on a machine that can run keel-hv.") :
			_("Install keel on a machine with VT-x (EPT, "
			  "unrestricted guest) or AMD-V (nested paging).");
	default:
		return _("Run keel check-cpu as root with the msr kernel "
			 "module available, so that the firmware settings can "
			 "be read.");
	}
}

static const char *yes_no(bool b)
{
	return b ? _("yes") : _("no");
}

static void print_features(const struct cpu_report *r)
{
	report_print_label(_("Features:"), LABEL_COLUMN);
	if (r->backend == CPU_BACKEND_VTX)
		printf(_("EPT %s, unrestricted guest %s, VPID %s\n"),
		       yes_no(r->ept), yes_no(r->unrestricted_guest),
		       yes_no(r->vpid));
	else if (r->backend == CPU_BACKEND_AMDV)
		printf(_("nested paging %s, NRIP save %s, decode assists %s, "
			 "ASIDs %u\n"), yes_no(r->npt), yes_no(r->nrip_save),
		       yes_no(r->decode_assists), (unsigned)r->asids);
	else
		printf("-\n");
}

static void print_firmware(const struct cpu_report *r)
{
	report_print_label(_("Firmware:"), LABEL_COLUMN);
	if (r->backend == CPU_BACKEND_NONE)
		printf("-\n");
	else if (!r->fw_known)
		printf(r->fw_enabled ? _("enabled (seen by the kernel)\n") :
		       _("unknown (could not be read)\n"));
	else
		printf("%s, %s\n", r->fw_enabled ? _("enabled") :
		       _("disabled"), r->fw_locked ? _("locked") :
		       _("not locked"));
}

static void print_identity(const struct cpu_report *r)
{
	static const char *const backends[] = { "-", "VT-x", "AMD-V" };

	report_print_label(_("Vendor:"), LABEL_COLUMN);
	printf("%s (%s)\n", r->vendor_id[0] ? r->vendor_id : "-",
	       cpu_vendor_name(r->vendor));
	report_print_label(_("Processor:"), LABEL_COLUMN);
	printf(_("%s (family %u, model %u, stepping %u)\n"),
	       r->brand[0] ? r->brand : "-", (unsigned)r->family,
	       (unsigned)r->model, (unsigned)r->stepping);
	report_print_label(_("Backend:"), LABEL_COLUMN);
	printf("%s\n", backends[r->backend]);
}

static void print_summary(const struct cc_run *run, size_t groups)
{
	const struct cpu_report *r = &run->r[worst_cpu(run)];
	const char *advice = advice_text(r);
	unsigned int i;

	report_print_label(_("CPUs:"), LABEL_COLUMN);
	print_group(run, ALL_CPUS);
	printf(run->live ? _(" (%zu online)\n") : _(" (%zu in the dump)\n"),
	       run->n);
	print_identity(r);
	print_features(r);
	print_firmware(r);
	report_print_label(_("Hypervisor:"), LABEL_COLUMN);
	if (r->under_hypervisor)
		printf(_("%s (keel-hv then needs nested virtualization from "
			 "it)\n"), r->hypervisor_id[0] ? r->hypervisor_id :
		       _("unnamed"));
	else
		printf("%s\n", _("none"));
	report_print_label(_("Verdict:"), LABEL_COLUMN);
	printf("%s\n", verdict_text(r->verdict));
	for (i = 0; i < r->n_reasons; i++)
		printf("  - %s\n", r->reasons[i]);
	if (groups > 1)
		printf(_("The CPUs disagree; shown above is CPU %u.\n"), r->cpu);
	if (advice) {
		report_print_label(_("Advice:"), LABEL_COLUMN);
		printf("%s\n", advice);
	}
}

static void print_groups(const struct cc_run *run)
{
	const struct cpu_report *r;
	size_t g;

	printf(_("\nBy CPU:\n"));
	for (g = 0; g < run->n; g++) {
		if (run->cls[g] != g)
			continue;
		r = &run->r[g];
		printf("  %s ", _("CPU"));
		print_group(run, g);
		printf(": %s%s%s\n", verdict_word(r->verdict),
		       r->n_reasons ? ": " : "",
		       r->n_reasons ? r->reasons[0] : "");
	}
}

static struct json_object *report_json(const struct cpu_report *r)
{
	struct json_object *o = json_object_new_object(), *fw, *why;
	unsigned int i;

#define ADD(k, v) json_object_object_add(o, k, v)
#define BOOL(k, b) ADD(k, json_object_new_boolean(b))
	ADD("cpu", json_object_new_int64(r->cpu));
	ADD("verdict", json_object_new_string(cpu_verdict_name(r->verdict)));
	ADD("vendor", json_object_new_string(cpu_vendor_name(r->vendor)));
	ADD("vendor_id", json_object_new_string(r->vendor_id));
	ADD("brand", json_object_new_string(r->brand));
	ADD("family", json_object_new_int64(r->family));
	ADD("model", json_object_new_int64(r->model));
	ADD("stepping", json_object_new_int64(r->stepping));
	ADD("backend", json_object_new_string(cpu_backend_name(r->backend)));
	BOOL("long_mode", r->long_mode);
	BOOL("vmx", r->vmx); BOOL("ept", r->ept);
	BOOL("unrestricted_guest", r->unrestricted_guest);
	BOOL("vpid", r->vpid); BOOL("svm", r->svm); BOOL("npt", r->npt);
	BOOL("nrip_save", r->nrip_save);
	BOOL("decode_assists", r->decode_assists);
	ADD("asids", json_object_new_int64(r->asids));
	fw = json_object_new_object();
	json_object_object_add(fw, "known", json_object_new_boolean(r->fw_known));
	json_object_object_add(fw, "enabled",
			       json_object_new_boolean(r->fw_enabled));
	json_object_object_add(fw, "locked",
			       json_object_new_boolean(r->fw_locked));
	ADD("firmware", fw);
	ADD("hypervisor", r->under_hypervisor ?
	    json_object_new_string(r->hypervisor_id) : NULL);
	why = json_object_new_array();
	for (i = 0; i < r->n_reasons; i++)
		json_object_array_add(why, json_object_new_string(r->reasons[i]));
	ADD("reasons", why);
#undef BOOL
#undef ADD
	return o;
}

static void print_json(const struct cc_run *run, size_t groups)
{
	const struct cpu_report *w = &run->r[worst_cpu(run)];
	struct json_object *o = json_object_new_object(), *cpus, *differ;
	const char *advice = advice_text(w);
	size_t i;

	cpus = json_object_new_array();
	differ = json_object_new_array();
	for (i = 0; i < run->n; i++) {
		json_object_array_add(cpus, report_json(&run->r[i]));
		if (groups > 1 && run->cls[i] != run->cls[0])
			json_object_array_add(differ,
				json_object_new_int64(run->r[i].cpu));
	}
	json_object_object_add(o, "verdict",
		json_object_new_string(cpu_verdict_name(w->verdict)));
	json_object_object_add(o, "exit_code",
			       json_object_new_int(exit_code(w->verdict)));
	json_object_object_add(o, "source",
		json_object_new_string(run->live ? "live" : "dump"));
	json_object_object_add(o, "msr_module_loaded",
			       json_object_new_boolean(run->module_loaded));
	json_object_object_add(o, "disagree", json_object_new_boolean(groups > 1));
	json_object_object_add(o, "differ_from_first", differ);
	json_object_object_add(o, "advice",
			       advice ? json_object_new_string(advice) : NULL);
	json_object_object_add(o, "cpus", cpus);
	report_print_json(o);
}

static void print_refusal(const struct keel_error *err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "exit_code", json_object_new_int(err->code));
	json_object_object_add(o, "error", json_object_new_string(err->msg));
	report_print_json(o);
}

int cmd_check_cpu(int argc, char **argv)
{
	struct keel_error err = { 0 };
	struct cpuid_dump d = { 0 };
	struct cpu_live l = { .pinned = -1 };
	struct cc_run run = { 0 };
	struct cc_args a;
	size_t groups;
	int rc;

	rc = parse_args(argc, argv, &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	rc = a.cpuid_dump ? check_dump(&a, &d, &run, &err) :
		check_live(&l, &run, &err);
	if (rc == KEEL_OK) {
		groups = classify(&run);
		if (a.json) {
			print_json(&run, groups);
		} else {
			print_summary(&run, groups);
			if (groups > 1)
				print_groups(&run);
		}
		rc = exit_code(run.r[worst_cpu(&run)].verdict);
	} else if (a.json) {
		print_refusal(&err);
	}
	free(run.r);
	free(run.cls);
	cpu_live_close(&l);
	cpuid_dump_free(&d);
	return rc >= KEEL_ECPU_INCAPABLE ? rc : cli_finish("keel", rc, &err);
}
