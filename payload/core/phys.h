/* phys.h: the one way core code reaches physical memory. keel-hv maps it
 * 1:1; the host unit tests supply their own phys_ptr over a buffer. */
#ifndef KEEL_HV_PHYS_H
#define KEEL_HV_PHYS_H

#include <stddef.h>
#include <stdint.h>

/* A pointer through which [pa, pa + len) can be read and written. */
void *phys_ptr(uint64_t pa, size_t len);

#endif
