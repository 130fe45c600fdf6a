/* layout.h: where keel-hv lies in physical memory, from its linker script
 * (keel-hv.ld): one 2 MiB-aligned range holding image, heap and stacks. */
#ifndef KEEL_HV_LAYOUT_H
#define KEEL_HV_LAYOUT_H

extern char __hv_start[], __hv_end[];      /* whole reserved range */
extern char __heap_start[], __heap_end[];  /* heap_pages() pool */

#endif
