/* virt.h: the interface between core code and a virtualization backend
 * (svm/ or vmx/); core code never names a vendor. */
#ifndef KEEL_HV_VIRT_H
#define KEEL_HV_VIRT_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/hypercall.h"
#include "loader.h"
#include "range.h"

/* What the backend needs to know about memory. */
struct hv_memory {
	struct range hv;         /* keel-hv's own memory, 2 MiB aligned */
	uint64_t map_end;        /* identity-map [0, map_end) for the session */
	uint64_t scratch_pa;     /* a 4 KiB page that backs hv in the session */
};

enum virt_probe {
	VIRT_USABLE,
	VIRT_ABSENT,             /* the processor lacks the extension */
	VIRT_UNUSABLE,           /* it has it, but keel-hv cannot use it */
};

struct virt_backend {
	const char *name;
	enum keel_backend id;
	/* Whether this CPU can run the backend; unless usable, *why says
	 * what it lacks (the extension, firmware consent, nested paging). */
	enum virt_probe (*probe)(const char **why);
	/* Whether its nested tables can map 1 GiB pages (after a usable
	 * probe): without, every GiB mapped costs a table page. */
	bool (*gib_pages)(void);
	/* Switches virtualization on, builds the nested page tables and runs
	 * the root session from e; handles its exits forever. */
	void (*run_root)(const struct linux_entry *e,
			 const struct hv_memory *mem) __attribute__((noreturn));
};

extern const struct virt_backend svm_backend;
extern const struct virt_backend vmx_backend;

#endif
