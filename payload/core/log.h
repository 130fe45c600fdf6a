/* log.h: keel-hv's log: every line to the serial port and into a ring in
 * memory that the root session reads through the gate. */
#ifndef KEEL_HV_LOG_H
#define KEEL_HV_LOG_H

#include <stddef.h>
#include <stdint.h>

#define LOG_RING_SIZE 65536

/* printf-style; %s %c %d %i %u %x %lx %llx %lu %llu %zu %p, width, '0'. */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies up to len bytes of the log stream from position pos into buf;
 * *first is the position of the first byte copied (> pos when the ring has
 * overwritten pos). Returns the number of bytes copied, 0 at the end. */
size_t log_read(uint64_t pos, void *buf, size_t len, uint64_t *first);

#endif
