/* header.S: the Multiboot2 header by which GRUB's multiboot2 command
 * recognises keel-hv; GRUB then loads the ELF64 file by its program headers. */

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0              /* 32-bit protected mode entry */

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* No other tags: the ELF headers give the load addresses and the
	 * entry, and GRUB passes command line, modules, memory map and ACPI
	 * tags unasked. */
	.balign 8
	.short 0                     /* end tag: type */
	.short 0                     /* flags */
	.long 8                      /* size */
mb2_header_end:

	.section .note.GNU-stack, "", @progbits
