/* options.h: keel-hv's own command line (the multiboot2 line in grub.cfg):
 * serial=PORT[,BAUD], hcport=PORT, entry=ID, native, test-panic. */
#ifndef KEEL_HV_OPTIONS_H
#define KEEL_HV_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/hypercall.h"

struct hv_options {
	uint16_t serial_port;    /* SERIAL_COM1; serial=0x2f8,9600 */
	uint32_t serial_baud;    /* SERIAL_BAUD */
	uint16_t gate_port;      /* KEEL_HC_PORT_DEFAULT; hcport=0x... */
	bool native;             /* "native": boot the root session without VMRUN */
	bool test_panic;         /* "test-panic": panic at start (tests of the
				  * trial boot's fallback) */
	char entry[KEEL_HC_ENTRY_MAX + 1];  /* entry=ID: the boot entry's id */
};

/* Fills o with defaults, then the words of cmdline. -1 with *why on an
 * unknown word or a bad value (the defaults stay for that word). */
int hv_options_parse(const char *cmdline, struct hv_options *o,
		     const char **why);

#endif
