/* native.S: native_enter: leaves long mode for 32-bit protected mode with
 * paging off and enters the Linux kernel as its boot protocol asks. */

#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define SEL_CODE32 0x18              /* our GDT (entry.S) */
#define LINUX_CS 0x10                /* __BOOT_CS in the loader's GDT */
#define LINUX_DS 0x18                /* __BOOT_DS */

/* struct linux_entry (core/loader.h) */
#define LE_ENTRY 0
#define LE_BOOT_PARAMS 4
#define LE_GDT_BASE 8
#define LE_GDT_LIMIT 12

	.text
	.code64
	.globl native_enter
	.type native_enter, @function
/* RDI = const struct linux_entry *. Everything here runs 1:1-mapped below
 * 4 GiB (keel-hv lies at 0x200000), so turning paging off changes nothing
 * under our feet; the stack is ours and below 4 GiB too. */
native_enter:
	cli
	cld
	/* The loader's GDT pseudo-descriptor, built while RDI is usable. */
	subq $16, %rsp
	andq $-16, %rsp
	movw LE_GDT_LIMIT(%rdi), %ax
	movw %ax, (%rsp)
	movl LE_GDT_BASE(%rdi), %eax
	movl %eax, 2(%rsp)
	movl LE_BOOT_PARAMS(%rdi), %esi
	movl LE_ENTRY(%rdi), %edi

	/* Into a 32-bit code segment first: long mode can only be left from
	 * compatibility mode. */
	pushq $SEL_CODE32
	leaq compat(%rip), %rax
	pushq %rax
	lretq

	.code32
compat:
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0                 /* clears EFER.LMA too */
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	movl %cr4, %eax
	andl $~CR4_PAE, %eax
	movl %eax, %cr4
	xorl %eax, %eax
	movl %eax, %cr3

	lgdt (%esp)
	ljmp $LINUX_CS, $protected
protected:
	movl $LINUX_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	/* The boot protocol wants EBP, EDI and EBX zero, ESI = boot_params. */
	movl %edi, %eax
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %edi, %edi
	jmp *%eax
	.size native_enter, . - native_enter

	.section .note.GNU-stack, "", @progbits
