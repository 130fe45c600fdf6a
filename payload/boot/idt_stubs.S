/* idt_stubs.S: one entry stub per exception vector 0..31, each bringing
 * the stack to one frame layout before calling idt_fault() in core/idt.c;
 * the NMI's stub calls idt_nmi() and returns. */

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.code64

/* Frame handed to idt_fault (struct idt_frame): vector, error code, then
 * what the CPU pushed: RIP, CS, RFLAGS, RSP, SS. */
	.macro stub v
	.balign 16
idt_stub_\v:
	.if !HAS_ERROR(\v)
	pushq $0
	.endif
	pushq $\v
	jmp idt_common
	.endm

	.irp v, 0,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub \v
	.endr

/* An NMI is no fault: idt_nmi() decides, and if it returns, so does the
 * stub, with every register the interrupted code used as it was. The CPU
 * aligned RSP to 16 and pushed 40 bytes; 9 pushes here align it again. */
	.balign 16
idt_stub_2:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	call idt_nmi
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	iretq

idt_common:
	movq %rsp, %rdi
	andq $-16, %rsp                 /* the ABI's alignment for the call */
	call idt_fault
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.balign 8
	.globl idt_stub_table
idt_stub_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad idt_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
