/* test_options.c: unit tests of keel-hv's command line: defaults, each
 * option, bad values keeping the defaults, and unknown words. */
#include <stddef.h>
#include <string.h>

#include "keel/hypercall.h"
#include "options.h"
#include "serial.h"
#include "tests/tap.h"

static struct hv_options o;
static const char *why;

static int parse(const char *line)
{
	why = NULL;
	memset(&o, 0x5a, sizeof(o));     /* defaults must be set, not kept */
	return hv_options_parse(line, &o, &why);
}

static int is_default(void)
{
	return o.serial_port == SERIAL_COM1 && o.serial_baud == SERIAL_BAUD &&
	       o.gate_port == KEEL_HC_PORT_DEFAULT && !o.native &&
	       !o.test_panic &&
	       o.entry[0] == '\0';
}

static void test_defaults(void)
{
	is_int(parse(""), 0, "empty line");
	ok(is_default(), "empty line: defaults");
	is_int(parse(NULL), 0, "no line");
	ok(is_default(), "no line: defaults");
	is_int(parse("   \t "), 0, "blanks only");
	ok(is_default(), "blanks: defaults");
	is_int(parse("/boot/keel/keel-hv-1.0 native"), 0,
	       "a leading image path is skipped");
	ok(o.native, "... and the rest parsed");
}

static void test_good(void)
{
	is_int(parse("native"), 0, "native");
	ok(o.native, "native set");
	ok(!o.test_panic, "test-panic not set by native");
	is_int(parse("serial=0x2f8 test-panic"), 0, "test-panic");
	ok(o.test_panic && !o.native && o.serial_port == 0x2f8,
	   "test-panic set, the other words kept");
	is_int(parse("serial=0x2f8"), 0, "serial=0x2f8");
	is_int(o.serial_port, 0x2f8, "serial port hex");
	is_int(o.serial_baud, SERIAL_BAUD, "baud stays default");
	is_int(parse("serial=760,9600"), 0, "serial=760,9600");
	is_int(o.serial_port, 760, "serial port decimal");
	is_int(o.serial_baud, 9600, "baud 9600");
	is_int(parse("  hcport=0x5000   serial=0x3E8,57600 native "), 0,
	       "three words, extra blanks");
	is_int(o.gate_port, 0x5000, "hcport");
	is_int(o.serial_port, 0x3e8, "serial port, upper-case hex");
	is_int(o.serial_baud, 57600, "baud 57600");
	ok(o.native, "native among others");
}

static void bad(const char *line, const char *what)
{
	int rc = parse(line);

	ok(rc == -1 && why && *why, "refused: %s", what);
	diag("why: %s", why ? why : "(none)");
}

static void test_entry(void)
{
	char longest[KEEL_HC_ENTRY_MAX + 8];

	is_int(parse("entry=keel-1.0.0 serial=0x2f8"), 0, "entry=keel-1.0.0");
	is_str(o.entry, "keel-1.0.0", "entry id kept");
	is_int(parse("entry=keel-2.0.0~rc1+b_2"), 0, "entry with . _ + ~ -");
	is_str(o.entry, "keel-2.0.0~rc1+b_2", "every allowed character kept");
	memset(longest, 'a', sizeof(longest));
	memcpy(longest, "entry=", 6);
	longest[6 + KEEL_HC_ENTRY_MAX] = '\0';
	is_int(parse(longest), 0, "an id of KEEL_HC_ENTRY_MAX bytes");
	is_int((int)strlen(o.entry), KEEL_HC_ENTRY_MAX, "all of it kept");
	longest[6 + KEEL_HC_ENTRY_MAX] = 'a';
	longest[7 + KEEL_HC_ENTRY_MAX] = '\0';
	ok(parse(longest) == -1 && o.entry[0] == '\0',
	   "one byte longer: refused, no id");
	ok(parse("entry=") == -1 && o.entry[0] == '\0', "empty id refused");
	ok(parse("entry=keel'1") == -1 && o.entry[0] == '\0' &&
	   why && strstr(why, "entry id"), "a quote in the id is refused");
}

static void test_bad(void)
{
	bad("serial=0x2f8,1000", "baud 1000");
	is_int(o.serial_port, SERIAL_COM1, "bad baud: the port stays default");
	bad("serial=0", "serial port 0");
	bad("serial=0xfffc", "serial port past the port space");
	bad("serial=0x2g8", "serial port not a number");
	bad("serial=", "serial without a port");
	bad("serial=0x2f8,", "serial with an empty baud");
	bad("serial=99999999999", "serial port overflowing");
	bad("hcport=0", "hcport 0");
	bad("hcport=0xcfc", "hcport on PCI config");
	bad("hcport=0x20", "hcport on the PIC");
	bad("hcport=0xa0", "hcport on the slave PIC");
	bad("hcport=0x3f6", "hcport whose 4 bytes reach COM1");
	bad("hcport=0x80", "hcport on the POST port");
	bad("hcport=0xfffe", "hcport past the port space");
	is_int(o.gate_port, KEEL_HC_PORT_DEFAULT, "bad hcport: default kept");
	bad("hcport=0x5000 serial=0x4ffe", "serial overlapping the gate");
	is_int(o.gate_port, KEEL_HC_PORT_DEFAULT,
	       "overlap: the gate goes back to its default");
	is_int(o.serial_port, 0x4ffe, "... the serial port stays");
	bad("nativ", "a misspelt word");
	bad("native=1", "native with a value");
	bad("test-panic=1", "test-panic with a value");
	is_int(parse("quiet native hcport=0x6000 bogus=1"), -1,
	       "unknown words among good ones");
	ok(o.native && o.gate_port == 0x6000, "the good words still apply");
	ok(why && strstr(why, "\"quiet\""), "why names the first bad word");
	diag("why: %s", why ? why : "(none)");
}

int main(void)
{
	test_entry();
	test_defaults();
	test_good();
	test_bad();
	return done_testing();
}
