/* log.c: keel-hv's log: each message goes to the serial line and into a
 * 64 KiB ring that the root session reads by stream position. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "log.h"
#if !__STDC_HOSTED__
#include "serial.h"
#endif

/* Longer messages are cut; no message of keel-hv comes near this. */
#define LOG_LINE_MAX 512

static char ring[LOG_RING_SIZE];
/* Bytes written since the start: the stream position of the next byte. */
static uint64_t log_total;

static void ring_append(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ring[(log_total + i) % LOG_RING_SIZE] = s[i];
	log_total += n;
}

void log_printf(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_v(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= sizeof(line)) {
		/* Cut, but keep the line ending so the next line stays apart. */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
#if !__STDC_HOSTED__
	serial_write(line, n);
#endif
	ring_append(line, n);
}

size_t log_read(uint64_t pos, void *buf, size_t len, uint64_t *first)
{
	uint64_t oldest = log_total > LOG_RING_SIZE ?
			  log_total - LOG_RING_SIZE : 0;
	uint8_t *out = buf;
	size_t i, n;

	if (pos < oldest)
		pos = oldest;
	if (pos > log_total)
		pos = log_total;
	*first = pos;
	n = log_total - pos < len ? (size_t)(log_total - pos) : len;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)ring[(pos + i) % LOG_RING_SIZE];
	return n;
}
