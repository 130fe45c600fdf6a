/* vmrun.S: the world switch: host callee-saved registers out, the guest's
 * general registers in, VMRUN, and the reverse after the #VMEXIT. */
#include "svm/svm.h"

	.text
/* void svm_vmrun(struct svm_gprs *g (rdi), uint64_t vmcb_pa (rsi))
 * The host runs with IF=0 throughout; VMRUN sets GIF, #VMEXIT clears it,
 * so no CLGI/STGI is needed. RAX and RSP of the guest are in the VMCB;
 * VMRUN saves and #VMEXIT restores our RSP and RAX (= vmcb_pa). */
	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* g, wanted again after the exit */
	movq %rsi, %rax
	movq GPR_RBX(%rdi), %rbx
	movq GPR_RCX(%rdi), %rcx
	movq GPR_RDX(%rdi), %rdx
	movq GPR_RSI(%rdi), %rsi
	movq GPR_RBP(%rdi), %rbp
	movq GPR_R8(%rdi), %r8
	movq GPR_R9(%rdi), %r9
	movq GPR_R10(%rdi), %r10
	movq GPR_R11(%rdi), %r11
	movq GPR_R12(%rdi), %r12
	movq GPR_R13(%rdi), %r13
	movq GPR_R14(%rdi), %r14
	movq GPR_R15(%rdi), %r15
	movq GPR_RDI(%rdi), %rdi        /* last: it held g */
	vmrun %rax
	/* Guest registers live now, except RAX and RSP (ours again). */
	xchgq %rdi, (%rsp)              /* rdi = g, stack holds guest rdi */
	movq %rbx, GPR_RBX(%rdi)
	movq %rcx, GPR_RCX(%rdi)
	movq %rdx, GPR_RDX(%rdi)
	movq %rsi, GPR_RSI(%rdi)
	movq %rbp, GPR_RBP(%rdi)
	movq %r8, GPR_R8(%rdi)
	movq %r9, GPR_R9(%rdi)
	movq %r10, GPR_R10(%rdi)
	movq %r11, GPR_R11(%rdi)
	movq %r12, GPR_R12(%rdi)
	movq %r13, GPR_R13(%rdi)
	movq %r14, GPR_R14(%rdi)
	movq %r15, GPR_R15(%rdi)
	popq GPR_RDI(%rdi)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
	.size svm_vmrun, . - svm_vmrun

	.section .note.GNU-stack, "", @progbits
