/* entry.S: from GRUB's 32-bit hand-over (EAX = magic, EBX = MBI) to
 * keel_main in 64-bit long mode on identity-mapped page tables of our own. */

#include "keel/cpu_requirements.h"

#define CR0_PE (1 << 0)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define PTE_P_W 0x003                /* present, writable */
#define PTE_P_W_PS 0x083             /* present, writable, large page */
#define CPUID_PDPE1GB (1 << 26)      /* 0x80000001 EDX: 1 GiB pages */
#define COM1 0x3f8
#define BOOT_STACK_SIZE 0x8000
#define SEL_CODE64 0x08
#define SEL_DATA 0x10

	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	/* EAX and EBX are needed in C later; CPUID and the loops below
	 * clobber them, EBP and ESI they leave alone. */
	movl %eax, %ebp
	movl %ebx, %esi
	movl $boot_stack_top, %esp

	/* Long mode: the one requirement keel check-cpu shares with this
	 * code rather than with a backend's probe. */
	movl $KEEL_CPUID_EXT_MAX, %eax
	cpuid
	cmpl $KEEL_CPUID_EXT_FEATURES, %eax
	jb no_long_mode
	movl $KEEL_CPUID_EXT_FEATURES, %eax
	cpuid
	testl $KEEL_CPUID_EXT1_EDX_LM, %edx
	jz no_long_mode
	movl %edx, %ebx                 /* keep the feature bits */

	/* The page tables are outside .bss and were maybe not zeroed. */
	movl $boot_pagetables, %edi
	movl $(boot_pagetables_end - boot_pagetables) / 4, %ecx
	xorl %eax, %eax
	rep stosl

	movl $boot_pdpt + PTE_P_W, boot_pml4

	testl $CPUID_PDPE1GB, %ebx
	jz 2f
	/* 512 x 1 GiB: PDPT entry i maps i GiB; the high dword is i >> 2. */
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $30, %eax
	orl $PTE_P_W_PS, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	movl %ecx, %eax
	shrl $2, %eax
	movl %eax, boot_pdpt + 4(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jb 1b
	movl $0x80, boot_map_end + 4    /* 512 GiB = 0x80_0000_0000 */
	jmp 4f

	/* No 1 GiB pages: 4 page directories of 2 MiB pages, 0..4 GiB. */
2:	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd + PTE_P_W, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb 3b
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $PTE_P_W_PS, %eax
	movl %eax, boot_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, boot_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 3b
	movl $0x1, boot_map_end + 4     /* 4 GiB */

4:	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0

	lgdt gdt64_ptr
	ljmp $SEL_CODE64, $long_mode

/* A CPU without long mode cannot run keel-hv; say so on COM1 (GRUB has
 * usually set it up) and stop, there is no way to reset politely yet. */
no_long_mode:
	movl $no_lm_msg, %esi
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $COM1 + 5, %dx
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	cli
	hlt
	jmp 3b

	.code64
long_mode:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	/* The host never uses FS or GS: the root session's stay in the CPU. */
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp

	/* .bss holds neither this stack nor the page tables. */
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	shrq $3, %rcx
	xorl %eax, %eax
	rep stosq

	movl %ebp, %edi                 /* magic */
	/* ESI: MBI physical address, upper half zeroed by the 32-bit move */
	xorl %ebp, %ebp                 /* end of frame chain for debuggers */
	call keel_main
1:	cli
	hlt
	jmp 1b

	.section .rodata
no_lm_msg:
	.asciz "keel-hv: panic: this CPU has no 64-bit long mode\r\n"

	.section .data
	.balign 16
	.globl gdt64, gdt64_end
/* Selectors: 0x08 64-bit code, 0x10 flat data, 0x18 32-bit code (for
 * native.S on its way out of long mode), 0x20 a 16-byte TSS descriptor
 * that VT-x fills (its host state needs a task register). Accessed bits
 * preset. */
gdt64:
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
	.quad 0x00cf9b000000ffff
	.globl gdt64_tss
gdt64_tss:
	.quad 0, 0
gdt64_end:
	.balign 8
	.short 0
gdt64_ptr:
	.short gdt64_end - gdt64 - 1
	.quad gdt64

	.balign 8
	.globl boot_map_end
/* Physical addresses below this are mapped 1:1 (phys.c checks them). */
boot_map_end:
	.quad 0

	.section .boot.pagetables, "aw", @nobits
	.balign 4096
boot_pagetables:
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
boot_pagetables_end:

	.section .boot.stack, "aw", @nobits
	.balign 16
	.globl boot_stack_top
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
