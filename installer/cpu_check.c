/* cpu_check.c: whether one logical CPU can run keel-hv, by the rule keel-hv
 * itself applies (keel/cpu_requirements.h), with the reasons in words. */
#include "config.h"

#include <string.h>

#include "cpu_check.h"
#include "i18n.h"

/* CPUID leaves and bits. */
#define LEAF_VENDOR        0x00000000u
#define LEAF_FEATURES      KEEL_CPUID_FEATURES
#define LEAF_HV_VENDOR     0x40000000u
#define LEAF_EXT_MAX       KEEL_CPUID_EXT_MAX
#define LEAF_EXT_FEATURES  KEEL_CPUID_EXT_FEATURES
#define LEAF_BRAND_FIRST   0x80000002u
#define LEAF_BRAND_LAST    0x80000004u

#define F1_ECX_HYPERVISOR  (1u << 31)
/* Not requirements: what check-cpu reports beside the verdict. */
#define SVM_EDX_NRIPS      (1u << 3)
#define SVM_EDX_DECODE     (1u << 7)

/* Adds a reason once: several unreadable MSRs often share one. */
static void add_reason(struct cpu_report *r, const char *text)
{
	unsigned int i;

	for (i = 0; i < r->n_reasons; i++)
		if (strcmp(r->reasons[i], text) == 0)
			return;
	if (r->n_reasons < CPU_REASONS_MAX)
		r->reasons[r->n_reasons++] = text;
}

/* The verdict only ever gets worse: the enum is ordered best to worst. */
static void worsen(struct cpu_report *r, enum cpu_verdict v, const char *why)
{
	if (v > r->verdict)
		r->verdict = v;
	if (why)
		add_reason(r, why);
}

/* A leaf above the maximum of its range reads as zeros, as the processor
 * would answer it; one inside the range that cannot be read is unknown. */
static int read_leaf(const struct cpu_source *src, uint32_t leaf,
		     uint32_t max, struct cpuid_regs4 *out)
{
	memset(out, 0, sizeof *out);
	if (leaf > max)
		return 0;
	if (src->cpuid(src->ctx, leaf, 0, out) != 0) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

static void regs_to_text(char *dst, uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(dst, &a, 4);
	memcpy(dst + 4, &b, 4);
	memcpy(dst + 8, &c, 4);
	dst[12] = '\0';
}

static enum cpu_vendor vendor_of(const char *id)
{
	static const struct {
		const char *id;
		enum cpu_vendor v;
	} known[] = {
		{ "GenuineIntel", CPU_VENDOR_INTEL },
		{ "AuthenticAMD", CPU_VENDOR_AMD },
		{ "HygonGenuine", CPU_VENDOR_HYGON },
		{ "CentaurHauls", CPU_VENDOR_CENTAUR },
		{ "  Shanghai  ", CPU_VENDOR_ZHAOXIN },
	};
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(id, known[i].id) == 0)
			return known[i].v;
	return CPU_VENDOR_OTHER;
}

/* Display family and model: the extended family counts only for base
 * family 0Fh; the extended model for base family 6 and above (Intel's 6
 * and 0Fh, AMD's 0Fh, and Zhaoxin's 7, as /proc/cpuinfo shows them). */
static void read_signature(uint32_t eax, struct cpu_report *r)
{
	uint32_t base_family = (eax >> 8) & 0xf;
	uint32_t base_model = (eax >> 4) & 0xf;

	r->stepping = eax & 0xf;
	r->family = base_family;
	if (base_family == 0xf)
		r->family += (eax >> 20) & 0xff;
	r->model = base_model;
	if (base_family >= 6)
		r->model += ((eax >> 16) & 0xf) << 4;
}

/* The brand string is NUL-padded on some processors and space-padded on
 * others, on either side: keep only what lies between. */
static void read_brand(const struct cpu_source *src, uint32_t ext_max,
		       struct cpu_report *r)
{
	char raw[49];
	struct cpuid_regs4 q;
	uint32_t leaf;
	size_t start = 0, end;

	r->brand[0] = '\0';
	if (ext_max < LEAF_BRAND_LAST)
		return;
	for (leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
		char *p = raw + (leaf - LEAF_BRAND_FIRST) * 16;

		if (read_leaf(src, leaf, ext_max, &q) != 0)
			return;
		regs_to_text(p, q.eax, q.ebx, q.ecx);
		memcpy(p + 12, &q.edx, 4);
	}
	raw[48] = '\0';
	end = strlen(raw);
	while (start < end && raw[start] == ' ')
		start++;
	while (end > start && raw[end - 1] == ' ')
		end--;
	memcpy(r->brand, raw + start, end - start);
	r->brand[end - start] = '\0';
}

static void check_hypervisor(const struct cpu_source *src, uint32_t ecx1,
			     struct cpu_report *r)
{
	struct cpuid_regs4 q;

	r->hypervisor_id[0] = '\0';
	r->under_hypervisor = (ecx1 & F1_ECX_HYPERVISOR) != 0;
	if (!r->under_hypervisor)
		return;
	/* The hypervisor leaves lie outside both ranges: ask directly. */
	if (src->cpuid(src->ctx, LEAF_HV_VENDOR, 0, &q) == 0)
		regs_to_text(r->hypervisor_id, q.ebx, q.ecx, q.edx);
	add_reason(r, _("This system runs under a hypervisor (a virtual "
			"machine): keel-hv then needs nested virtualization "
			"from it; enable nested virtualization for this virtual "
			"machine in the host (QEMU/KVM, Hyper-V, VMware ...)."));
}

/* --- the shared rule: keel/cpu_requirements.h, read through src ------ */

static int io_cpuid(void *ctx, uint32_t leaf, struct keel_cpuid *out)
{
	struct cpu_source_io *io = ctx;
	struct cpuid_regs4 q;

	if (io->src->cpuid(io->src->ctx, leaf, 0, &q) != 0)
		return -1;
	*out = (struct keel_cpuid){ q.eax, q.ebx, q.ecx, q.edx };
	return 0;
}

/* Keeps the source's reason for the first MSR that could not be read. */
static int io_rdmsr(void *ctx, uint32_t msr, uint64_t *val)
{
	struct cpu_source_io *io = ctx;
	const char *why = NULL;

	if (io->src->rdmsr(io->src->ctx, msr, val, &why) == 0)
		return 0;
	if (!io->why)
		io->why = why;
	return -1;
}

struct keel_cpu_io cpu_source_io(struct cpu_source_io *ctx,
				 const struct cpu_source *src)
{
	ctx->src = src;
	ctx->why = NULL;
	return (struct keel_cpu_io){ io_cpuid, io_rdmsr, ctx };
}

static const char *vtx_firmware_advice(enum cpu_vendor v)
{
	if (v == CPU_VENDOR_INTEL)
		return _("VT-x is switched off and locked by the firmware: "
			 "enable Intel Virtualization Technology (VT-x) in the "
			 "firmware setup (BIOS/UEFI), then power the machine "
			 "off and on.");
	return _("VT-x (VMX) is switched off and locked by the firmware: "
		 "enable Virtualization Technology (VMX) in the firmware "
		 "setup (BIOS/UEFI), then power the machine off and on.");
}

static const char *vtx_lacks(uint32_t need)
{
	switch (need) {
	case KEEL_NEED_VMX_TRUE_CTLS:
		return _("The processor's VT-x has no true controls "
			 "(IA32_VMX_BASIC bit 55), so no unrestricted guest: "
			 "keel-hv cannot run on this processor.");
	case KEEL_NEED_VMX_NMI:
		return _("The processor's VT-x has no NMI exiting, virtual "
			 "NMIs or NMI-window exiting: keel-hv needs them and "
			 "cannot run on this processor.");
	case KEEL_NEED_VMX_BITMAPS:
		return _("The processor's VT-x has no I/O or MSR bitmaps: "
			 "keel-hv needs them and cannot run on this "
			 "processor.");
	case KEEL_NEED_VMX_SECONDARY:
		return _("The processor's VT-x has no secondary controls, so "
			 "no EPT and no unrestricted guest: keel-hv needs "
			 "both and cannot run on this processor.");
	case KEEL_NEED_EPT:
		return _("The processor's VT-x has no EPT (extended page "
			 "tables): keel-hv needs it and cannot run on this "
			 "processor.");
	case KEEL_NEED_UNRESTRICTED:
		return _("The processor's VT-x has no unrestricted guest "
			 "mode: keel-hv needs it to run the system's real-mode "
			 "and boot code and cannot run on this processor.");
	case KEEL_NEED_VMX_EFER_PAT:
		return _("The processor's VT-x cannot load and save EFER and "
			 "PAT on VM entry and exit: keel-hv needs this and "
			 "cannot run on this processor.");
	case KEEL_NEED_EPT_WALK_4:
	case KEEL_NEED_EPT_WB:
		return _("The processor's EPT lacks the 4-level page walk or "
			 "write-back paging structures that keel-hv needs: "
			 "keel-hv cannot run on this processor.");
	case KEEL_NEED_EPT_2M:
		return _("The processor's EPT has no 2 MiB pages: keel-hv "
			 "maps the system with them and cannot run on this "
			 "processor.");
	}
	return NULL;
}

static const char *amdv_lacks(uint32_t need)
{
	if (need == KEEL_NEED_NPT)
		return _("The processor's AMD-V has no nested paging (NPT/RVI): "
			 "keel-hv needs it and cannot run on this processor.");
	if (need == KEEL_NEED_SVM_FIRMWARE)
		return _("AMD-V is switched off by the firmware: enable SVM "
			 "Mode / AMD-V in the firmware setup (BIOS/UEFI), then "
			 "power the machine off and on.");
	return NULL;
}

/* What cannot be read is unknown, not absent: say what is left open. */
static const char *unknown_text(uint32_t need)
{
	if (need == KEEL_NEED_NPT)
		return _("The AMD-V feature leaf (CPUID 8000000Ah) could not "
			 "be read, so nested paging is unknown.");
	if (need == KEEL_NEED_SVM_FIRMWARE)
		return _("The processor's model-specific registers could not "
			 "be read, so whether the firmware enabled AMD-V is "
			 "unknown.");
	return _("The processor's model-specific registers could not be "
		 "read, so whether the firmware enabled VT-x and whether it "
		 "has EPT and unrestricted guest is unknown.");
}

/* The verdict of the rule keel-hv applies at boot, with a reason for each
 * requirement that is missing or could not be read. */
static void report_verdict(struct keel_cpu_verdict v,
			   const struct cpu_source_io *io, struct cpu_report *r)
{
	bool unread = v.unknown != 0;
	uint32_t need;

	for (; v.missing; v.missing &= ~need) {
		need = keel_cpu_need_first(v.missing);
		if (need == KEEL_NEED_VMX_FIRMWARE)
			worsen(r, CPU_DISABLED, vtx_firmware_advice(r->vendor));
		else if (need == KEEL_NEED_SVM_FIRMWARE)
			worsen(r, CPU_DISABLED, amdv_lacks(need));
		else
			worsen(r, CPU_INCAPABLE, r->backend == CPU_BACKEND_VTX ?
			       vtx_lacks(need) : amdv_lacks(need));
	}
	for (; v.unknown; v.unknown &= ~need) {
		need = keel_cpu_need_first(v.unknown);
		worsen(r, CPU_UNKNOWN, unknown_text(need));
	}
	if (unread && io->why)
		add_reason(r, io->why);
}

static void describe_vtx(const struct keel_vmx_state *s,
			 struct keel_cpu_verdict v, struct cpu_report *r)
{
	uint32_t proc2 = KEEL_VMX_ALLOWED1(s->proc2);
	uint32_t ept_caps = KEEL_NEED_EPT_WALK_4 | KEEL_NEED_EPT_WB |
			    KEEL_NEED_EPT_2M;

	r->fw_known = (s->read & KEEL_READ_FC) != 0;
	r->fw_locked = r->fw_known && (s->feature_control & KEEL_FC_LOCK);
	r->fw_enabled = r->fw_known &&
			keel_vmx_firmware_allows(s->feature_control);
	/* EPT counts only as keel-hv can use it: with the walk, WB and 2 MiB
	 * pages its tables need. */
	r->ept = (s->read & KEEL_READ_PROC2) && (proc2 & KEEL_VMX_PROC2_EPT) &&
		 !(v.missing & ept_caps) && !(v.unknown & ept_caps);
	r->unrestricted_guest = (s->read & KEEL_READ_PROC2) &&
				(proc2 & KEEL_VMX_PROC2_UNRESTRICTED);
	r->vpid = keel_vmx_vpid_usable(s);
	if (r->fw_known && !r->fw_locked)
		add_reason(r, _("The firmware left VT-x unlocked: keel-hv "
				"enables and locks it at boot."));
	if ((s->read & KEEL_READ_PROC2) && !r->vpid)
		add_reason(r, _("The processor's VT-x has no VPID: keel-hv "
				"runs, but flushes the TLB on every exit."));
}

static void check_vtx(const struct cpu_source *src, uint32_t ecx1,
		      struct cpu_report *r)
{
	struct cpu_source_io ctx;
	struct keel_cpu_io io = cpu_source_io(&ctx, src);
	struct keel_vmx_state s;
	struct keel_cpu_verdict v;

	r->vmx = (ecx1 & KEEL_CPUID1_ECX_VMX) != 0;
	if (!r->vmx) {
		worsen(r, CPU_INCAPABLE, r->under_hypervisor ?
		       _("The virtual processor has no VT-x (VMX): the "
			 "hypervisor does not pass it on to this virtual "
			 "machine.") :
		       _("The processor has no VT-x (VMX): keel-hv needs "
			 "VT-x with EPT and unrestricted guest and cannot run "
			 "on this processor."));
		return;
	}
	r->backend = CPU_BACKEND_VTX;
	keel_vmx_read(&io, &s);
	v = keel_vmx_decide(&s);
	report_verdict(v, &ctx, r);
	describe_vtx(&s, v, r);
}

static void describe_amdv(const struct keel_svm_state *s,
			  struct cpu_report *r)
{
	if (s->read & KEEL_READ_SVM_LEAF) {
		r->asids = s->svm_leaf.ebx;
		r->npt = (s->svm_leaf.edx & KEEL_CPUID_SVM_EDX_NP) != 0;
		r->nrip_save = (s->svm_leaf.edx & SVM_EDX_NRIPS) != 0;
		r->decode_assists = (s->svm_leaf.edx & SVM_EDX_DECODE) != 0;
		if (!r->nrip_save)
			add_reason(r, _("The processor's AMD-V has no NRIP "
					"save: keel-hv runs, decoding exits "
					"itself."));
		if (!r->decode_assists)
			add_reason(r, _("The processor's AMD-V has no decode "
					"assists: keel-hv runs, decoding exits "
					"itself."));
	}
	/* VM_CR.SVMDIS set means the firmware switched AMD-V off; with LOCK
	 * set only the firmware setup (or the SVM key) can switch it on. */
	if (s->read & KEEL_READ_VM_CR) {
		r->fw_known = true;
		r->fw_locked = (s->vm_cr & KEEL_VM_CR_LOCK) != 0;
		r->fw_enabled = (s->vm_cr & KEEL_VM_CR_SVMDIS) == 0;
	}
}

static void check_amdv(const struct cpu_source *src, uint32_t ext_ecx,
		       struct cpu_report *r)
{
	struct cpu_source_io ctx;
	struct keel_cpu_io io = cpu_source_io(&ctx, src);
	struct keel_svm_state s;

	r->svm = (ext_ecx & KEEL_CPUID_EXT1_ECX_SVM) != 0;
	if (!r->svm) {
		worsen(r, CPU_INCAPABLE, r->under_hypervisor ?
		       _("The virtual processor has no AMD-V (SVM): the "
			 "hypervisor does not pass it on to this virtual "
			 "machine.") :
		       _("The processor has no AMD-V (SVM): keel-hv needs "
			 "AMD-V with nested paging and cannot run on this "
			 "processor."));
		return;
	}
	r->backend = CPU_BACKEND_AMDV;
	keel_svm_read(&io, &s);
	report_verdict(keel_svm_decide(&s), &ctx, r);
	describe_amdv(&s, r);
}

/* Long mode and the extended leaves; returns -1 when they are unknown. */
static int check_long_mode(const struct cpu_source *src, uint32_t *ext_max,
			   uint32_t *ext_ecx, struct cpu_report *r)
{
	struct cpuid_regs4 q;

	*ext_max = 0;
	*ext_ecx = 0;
	/* Unreadable is not "absent": without leaf 80000000h nothing says
	 * whether the processor has long mode. */
	if (src->cpuid(src->ctx, LEAF_EXT_MAX, 0, &q) != 0) {
		worsen(r, CPU_UNKNOWN,
		       _("The extended feature leaf (CPUID 80000001h) could "
			 "not be read, so 64-bit support is unknown."));
		return -1;
	}
	if ((q.eax & 0xffff0000u) == LEAF_EXT_MAX)
		*ext_max = q.eax;
	if (read_leaf(src, LEAF_EXT_FEATURES, *ext_max, &q) != 0) {
		worsen(r, CPU_UNKNOWN,
		       _("The extended feature leaf (CPUID 80000001h) could "
			 "not be read, so 64-bit support is unknown."));
		return -1;
	}
	*ext_ecx = q.ecx;
	r->long_mode = (q.edx & KEEL_CPUID_EXT1_EDX_LM) != 0;
	if (!r->long_mode)
		worsen(r, CPU_INCAPABLE,
		       _("The processor has no 64-bit long mode: keel-hv and "
			 "keel need a 64-bit (x86-64) processor."));
	return 0;
}

static void check_backend(const struct cpu_source *src, uint32_t ecx1,
			  uint32_t ext_ecx, struct cpu_report *r)
{
	switch (r->vendor) {
	case CPU_VENDOR_INTEL:
	case CPU_VENDOR_CENTAUR:
	case CPU_VENDOR_ZHAOXIN:
		check_vtx(src, ecx1, r);
		break;
	case CPU_VENDOR_AMD:
	case CPU_VENDOR_HYGON:
		check_amdv(src, ext_ecx, r);
		break;
	default:
		worsen(r, CPU_INCAPABLE,
		       _("The processor is not from Intel, AMD, Hygon, "
			 "Centaur or Zhaoxin: keel-hv supports only their "
			 "VT-x and AMD-V processors."));
		break;
	}
}

void cpu_check(const struct cpu_source *src, struct cpu_report *r)
{
	struct cpuid_regs4 q;
	uint32_t max_basic, ecx1, ext_max, ext_ecx;
	int ext_ok;

	memset(r, 0, sizeof *r);
	r->cpu = src->cpu;
	r->verdict = CPU_CAPABLE;
	if (src->cpuid(src->ctx, LEAF_VENDOR, 0, &q) != 0) {
		worsen(r, CPU_UNKNOWN, _("The processor's identification "
					 "(CPUID leaf 0) could not be read."));
		return;
	}
	max_basic = q.eax;
	regs_to_text(r->vendor_id, q.ebx, q.edx, q.ecx);
	r->vendor = vendor_of(r->vendor_id);
	if (read_leaf(src, LEAF_FEATURES, max_basic, &q) != 0 ||
	    max_basic < LEAF_FEATURES) {
		worsen(r, CPU_UNKNOWN, _("The processor's feature leaf (CPUID "
					 "leaf 1) could not be read."));
		return;
	}
	ecx1 = q.ecx;
	read_signature(q.eax, r);
	check_hypervisor(src, ecx1, r);
	ext_ok = check_long_mode(src, &ext_max, &ext_ecx, r) == 0;
	read_brand(src, ext_max, r);
	/* AMD-V is announced in the extended leaf: without it, say nothing. */
	if (!ext_ok && (r->vendor == CPU_VENDOR_AMD ||
			r->vendor == CPU_VENDOR_HYGON))
		return;
	check_backend(src, ecx1, ext_ecx, r);
}

const char *cpu_verdict_name(enum cpu_verdict v)
{
	switch (v) {
	case CPU_CAPABLE: return "capable";
	case CPU_UNKNOWN: return "unknown";
	case CPU_DISABLED: return "disabled";
	case CPU_INCAPABLE: return "incapable";
	}
	return "unknown";
}

const char *cpu_vendor_name(enum cpu_vendor v)
{
	switch (v) {
	case CPU_VENDOR_INTEL: return "intel";
	case CPU_VENDOR_AMD: return "amd";
	case CPU_VENDOR_HYGON: return "hygon";
	case CPU_VENDOR_CENTAUR: return "centaur";
	case CPU_VENDOR_ZHAOXIN: return "zhaoxin";
	case CPU_VENDOR_OTHER: return "other";
	}
	return "other";
}

const char *cpu_backend_name(enum cpu_backend b)
{
	switch (b) {
	case CPU_BACKEND_VTX: return "vt-x";
	case CPU_BACKEND_AMDV: return "amd-v";
	case CPU_BACKEND_NONE: return "none";
	}
	return "none";
}
