/* options.c: parses keel-hv's own command line (serial=PORT[,BAUD],
 * hcport=PORT, entry=ID, native, test-panic), keeping the default for any
 * word it cannot use. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/hypercall.h"
#include "options.h"
#include "serial.h"

#define UART_PORTS 8     /* a 16550 decodes 8 consecutive ports */
#define GATE_PORTS 4     /* the gate is a 32-bit OUT: 4 ports wide */

struct port_range {
	uint16_t first, last;
};

/* Legacy devices the root session drives itself: a gate on one of them
 * would steal its accesses. Not complete (ACPI and PCI ports move), just
 * the fixed ones every PC has. */
static const struct port_range taken_ports[] = {
	{ 0x0000, 0x001f },      /* DMA controller 1 */
	{ 0x0020, 0x0021 },      /* PIC 1 */
	{ 0x0040, 0x0043 },      /* PIT */
	{ 0x0060, 0x0064 },      /* keyboard controller, port B */
	{ 0x0070, 0x0071 },      /* CMOS/RTC */
	{ 0x0080, 0x008f },      /* POST port (Linux's I/O delay), DMA pages */
	{ 0x0092, 0x0092 },      /* fast A20 / reset */
	{ 0x00a0, 0x00a1 },      /* PIC 2 */
	{ 0x00c0, 0x00df },      /* DMA controller 2 */
	{ 0x01f0, 0x01f7 },      /* primary IDE */
	{ 0x02e8, 0x02ef },      /* COM4 */
	{ 0x02f8, 0x02ff },      /* COM2 */
	{ 0x03b0, 0x03df },      /* VGA */
	{ 0x03e8, 0x03ef },      /* COM3 */
	{ 0x03f8, 0x03ff },      /* COM1 */
	{ 0x04d0, 0x04d1 },      /* ELCR */
	{ 0x0cf8, 0x0cff },      /* PCI configuration, reset control */
};

static const uint32_t baud_rates[] = {
	115200, 57600, 38400, 19200, 9600, 4800, 2400, 1200, 600, 300,
};

/* The first unusable word, quoted for the log. Static: the text outlives
 * the call, and keel-hv parses its options once, on one CPU. */
static char why_buf[96];

static bool word_is(const char *w, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n && lit[i]; i++)
		if (w[i] != lit[i])
			return false;
	return i == n && lit[i] == '\0';
}

static bool starts_with(const char *w, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; lit[i]; i++)
		if (i >= n || w[i] != lit[i])
			return false;
	return true;
}

/* A whole number, 0x-prefixed hex or decimal, at most max. */
static bool parse_number(const char *s, size_t n, uint32_t max,
			 uint32_t *out)
{
	uint32_t base = 10, v = 0, d;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		if (d > max || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool ports_overlap(uint32_t a, uint32_t a_len, uint32_t b,
			  uint32_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

static bool port_taken(uint32_t port, uint32_t len)
{
	size_t i;

	for (i = 0; i < sizeof(taken_ports) / sizeof(taken_ports[0]); i++)
		if (ports_overlap(port, len, taken_ports[i].first,
				  taken_ports[i].last - taken_ports[i].first +
					  1u))
			return true;
	return false;
}

static bool baud_ok(uint32_t baud)
{
	size_t i;

	for (i = 0; i < sizeof(baud_rates) / sizeof(baud_rates[0]); i++)
		if (baud_rates[i] == baud)
			return true;
	return false;
}

/* serial=PORT[,BAUD]: any UART base that fits in the port space. */
static bool parse_serial(const char *v, size_t n, struct hv_options *o)
{
	size_t comma = 0;
	uint32_t port, baud = o->serial_baud;

	while (comma < n && v[comma] != ',')
		comma++;
	if (!parse_number(v, comma, 0x10000 - UART_PORTS, &port) || port == 0)
		return false;
	if (comma < n && (!parse_number(v + comma + 1, n - comma - 1,
					115200, &baud) || !baud_ok(baud)))
		return false;
	o->serial_port = (uint16_t)port;
	o->serial_baud = baud;
	return true;
}

static bool parse_hcport(const char *v, size_t n, struct hv_options *o)
{
	uint32_t port;

	if (!parse_number(v, n, 0x10000 - GATE_PORTS, &port) || port == 0 ||
	    port_taken(port, GATE_PORTS))
		return false;
	o->gate_port = (uint16_t)port;
	return true;
}

/* entry=ID: the id of the GRUB entry, letters, digits and . _ + ~ -. */
static bool parse_entry(const char *v, size_t n, struct hv_options *o)
{
	size_t i;

	if (n == 0 || n > KEEL_HC_ENTRY_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '+' || c == '~' || c == '-'))
			return false;
	}
	for (i = 0; i < n; i++)
		o->entry[i] = v[i];
	o->entry[n] = '\0';
	return true;
}

/* Remembers the first complaint, with the word it is about (if any). */
static void complain(const char **why, const char *what, const char *w,
		     size_t n)
{
	size_t len = 0, i;

	if (why_buf[0])
		return;
	for (i = 0; what[i] && len < sizeof(why_buf) - 4; i++)
		why_buf[len++] = what[i];
	if (w) {
		why_buf[len++] = '"';
		for (i = 0; i < n && len < sizeof(why_buf) - 2; i++)
			why_buf[len++] = w[i];
		why_buf[len++] = '"';
	}
	why_buf[len] = '\0';
	*why = why_buf;
}

static void parse_word(const char *w, size_t n, struct hv_options *o,
		       const char **why)
{
	if (word_is(w, n, "native"))
		o->native = true;
	else if (word_is(w, n, "test-panic"))
		o->test_panic = true;
	else if (starts_with(w, n, "serial=")) {
		if (!parse_serial(w + 7, n - 7, o))
			complain(why, "bad port or baud rate in ", w, n);
	} else if (starts_with(w, n, "hcport=")) {
		if (!parse_hcport(w + 7, n - 7, o))
			complain(why, "unusable gate port in ", w, n);
	} else if (starts_with(w, n, "entry=")) {
		if (!parse_entry(w + 6, n - 6, o))
			complain(why, "unusable entry id in ", w, n);
	} else
		complain(why, "unknown option ", w, n);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hv_options_parse(const char *cmdline, struct hv_options *o,
		     const char **why)
{
	const char *s = cmdline ? cmdline : "";
	bool first = true;

	o->serial_port = SERIAL_COM1;
	o->serial_baud = SERIAL_BAUD;
	o->gate_port = KEEL_HC_PORT_DEFAULT;
	o->native = false;
	o->test_panic = false;
	o->entry[0] = '\0';
	why_buf[0] = '\0';
	while (*s) {
		size_t n = 0;

		while (is_space(*s))
			s++;
		while (s[n] && !is_space(s[n]))
			n++;
		/* Some loaders put the image's path first: not an option. */
		if (n && !(first && (s[0] == '/' || s[0] == '(')))
			parse_word(s, n, o, why);
		first = false;
		s += n;
	}
	/* The two must not share ports; serial= may come after hcport=. */
	if (ports_overlap(o->gate_port, GATE_PORTS, o->serial_port,
			  UART_PORTS)) {
		complain(why, "the gate port overlaps the serial port; using "
			 "the default", NULL, 0);
		o->gate_port = KEEL_HC_PORT_DEFAULT;
		if (ports_overlap(o->gate_port, GATE_PORTS, o->serial_port,
				  UART_PORTS))
			o->serial_port = SERIAL_COM1;
	}
	return why_buf[0] ? -1 : 0;
}
