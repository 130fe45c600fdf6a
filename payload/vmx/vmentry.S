/* vmentry.S: the VT-x world switch: host callee-saved registers out, the
 * guest's general registers in, VMLAUNCH/VMRESUME, the reverse on exit. */
#include "vmx/vmx.h"

#define VMCS_HOST_RSP 0x6c14
#define G(n) ((n) * 8)

	.text
/* int vmx_enter(struct vmx_gprs *g (rdi), int launched (esi))
 * HOST_RSP is written here, so that an exit lands at vmx_exit_entry on
 * this very stack, with g on top of it. The host runs with IF=0; VT-x
 * keeps RSP, RIP and RFLAGS of the guest in the VMCS. */
	.globl vmx_enter
	.type vmx_enter, @function
vmx_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* g, wanted again after the exit */
	movq $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe 2f
	testl %esi, %esi                /* MOVs below keep ZF */
	movq G(VMX_RAX)(%rdi), %rax
	movq G(VMX_RCX)(%rdi), %rcx
	movq G(VMX_RDX)(%rdi), %rdx
	movq G(VMX_RBX)(%rdi), %rbx
	movq G(VMX_RBP)(%rdi), %rbp
	movq G(VMX_RSI)(%rdi), %rsi
	movq G(8)(%rdi), %r8
	movq G(9)(%rdi), %r9
	movq G(10)(%rdi), %r10
	movq G(11)(%rdi), %r11
	movq G(12)(%rdi), %r12
	movq G(13)(%rdi), %r13
	movq G(14)(%rdi), %r14
	movq G(15)(%rdi), %r15
	movq G(VMX_RDI)(%rdi), %rdi     /* last: it held g */
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
	/* Still here: the instruction failed (CF or ZF); g is unchanged. */
2:	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	movl $1, %eax
	ret
	.size vmx_enter, . - vmx_enter

/* Every exit of the guest: RSP is HOST_RSP, g on top of the stack. */
	.globl vmx_exit_entry
	.type vmx_exit_entry, @function
vmx_exit_entry:
	xchgq %rdi, (%rsp)              /* rdi = g, stack holds guest rdi */
	movq %rax, G(VMX_RAX)(%rdi)
	movq %rcx, G(VMX_RCX)(%rdi)
	movq %rdx, G(VMX_RDX)(%rdi)
	movq %rbx, G(VMX_RBX)(%rdi)
	movq %rbp, G(VMX_RBP)(%rdi)
	movq %rsi, G(VMX_RSI)(%rdi)
	movq %r8, G(8)(%rdi)
	movq %r9, G(9)(%rdi)
	movq %r10, G(10)(%rdi)
	movq %r11, G(11)(%rdi)
	movq %r12, G(12)(%rdi)
	movq %r13, G(13)(%rdi)
	movq %r14, G(14)(%rdi)
	movq %r15, G(15)(%rdi)
	popq G(VMX_RDI)(%rdi)
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	xorl %eax, %eax
	ret
	.size vmx_exit_entry, . - vmx_exit_entry

	.section .note.GNU-stack, "", @progbits
