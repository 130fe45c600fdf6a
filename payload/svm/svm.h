/* svm.h: the AMD-V backend's internals shared by svm.c, exit.c, vmcb.c and
 * vmrun.S: MSRs, the guest register save area, the world switch. */
#ifndef KEEL_HV_SVM_SVM_H
#define KEEL_HV_SVM_SVM_H

#define MSR_VM_HSAVE_PA 0xc0010117u

/* Offsets in struct svm_gprs, for vmrun.S. */
#define GPR_RBX 0
#define GPR_RCX 8
#define GPR_RDX 16
#define GPR_RSI 24
#define GPR_RDI 32
#define GPR_RBP 40
#define GPR_R8 48
#define GPR_R9 56
#define GPR_R10 64
#define GPR_R11 72
#define GPR_R12 80
#define GPR_R13 88
#define GPR_R14 96
#define GPR_R15 104
#define GPR_SIZE 112

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "keel/cpu_requirements.h"
#include "svm/vmcb.h"
#include "virt.h"

/* Whether AMD-V, read through io, has all keel-hv needs: the rule of
 * keel/cpu_requirements.h that keel check-cpu applies too (probe.c). */
enum virt_probe svm_caps_probe(const struct keel_cpu_io *io, const char **why);

/* The guest's general registers that VMRUN does not switch: RAX and RSP
 * live in the VMCB, everything else here. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

_Static_assert(offsetof(struct svm_gprs, rbx) == GPR_RBX, "rbx");
_Static_assert(offsetof(struct svm_gprs, rdi) == GPR_RDI, "rdi");
_Static_assert(offsetof(struct svm_gprs, rbp) == GPR_RBP, "rbp");
_Static_assert(offsetof(struct svm_gprs, r8) == GPR_R8, "r8");
_Static_assert(offsetof(struct svm_gprs, r15) == GPR_R15, "r15");
_Static_assert(sizeof(struct svm_gprs) == GPR_SIZE, "size");

/* Runs the guest of the VMCB at vmcb_pa with g until the next #VMEXIT
 * (vmrun.S); g holds the guest's registers before and after. */
void svm_vmrun(struct svm_gprs *g, uint64_t vmcb_pa);

/* Marks in the MSR permission map the MSRs keel-hv handles (msr.c). */
void svm_msr_intercepts(uint8_t *msrpm);
/* An intercepted RDMSR/WRMSR of the session: 0, or -1 for #GP. */
int svm_msr_read(const struct vmcb *v, uint32_t msr, uint64_t *val);
int svm_msr_write(struct vmcb *v, uint32_t msr, uint64_t val);

/* Handles the exit the VMCB reports, counts it, and returns when the
 * guest may run again (exit.c). */
void svm_handle_exit(struct vmcb *vmcb, struct svm_gprs *g);
#endif

#endif
