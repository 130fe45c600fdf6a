/* test_gate.c: unit tests of the hypercalls behind the gate: every call,
 * unknown numbers, out-of-range arguments, the log read in chunks. */
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "gate.h"
#include "log.h"
#include "stats.h"
#include "tests/tap.h"

#define NS 123456789012ull
#define KHZ 2994000u

/* clock.c reads the TSC; the test supplies fixed values. */
uint64_t clock_ns(void)
{
	return NS;
}

uint32_t clock_tsc_khz(void)
{
	return KHZ;
}

static struct gate_regs call(uint64_t rax, uint64_t rbx)
{
	struct gate_regs r = { rax, rbx, 0x1111, 0x2222, 0x3333, 0x4444 };

	gate_call(&r);
	return r;
}

static uint64_t st(int s)
{
	return (uint64_t)(int64_t)s;
}

static void test_version(void)
{
	struct gate_regs r;

	gate_backend = KEEL_BACKEND_SVM;
	r = call(KEEL_HC_VERSION, 0);
	is_int(r.rax, 0, "version: status 0");
	is_int(r.rbx, KEEL_HC_ABI, "version: RBX = ABI");
	is_int(r.rcx, KEEL_HC_F_LOG | KEEL_HC_F_STATS | KEEL_HC_F_TIME |
	       KEEL_HC_F_ENTRY, "version: RCX = features");
	is_int(r.rsi, KEEL_BACKEND_SVM, "version: RSI = backend");
	is_int(r.rdi, KEEL_EXIT_COUNT, "version: RDI = exit reasons");
	r = call(0xdeadbeef00000000ull | KEEL_HC_VERSION, 0);
	is_int(r.rax, 0, "only EAX is the call number (OUT sends EAX)");
}

static void test_unknown(void)
{
	static const uint64_t nr[] = { KEEL_HC_COUNT, 6, 0x100, 0x7fffffff,
				       0xffffffffu, 0x80000000u };
	size_t i;

	for (i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
		struct gate_regs r = call(nr[i], 7);

		ok(r.rax == st(KEEL_HC_ENOSYS) && r.rbx == 7 &&
		   r.rcx == 0x1111 && r.rdi == 0x4444,
		   "call %#llx: ENOSYS, registers untouched",
		   (unsigned long long)nr[i]);
	}
}

static void test_stats(void)
{
	static const uint64_t bad[] = { KEEL_EXIT_COUNT, 1000, 1ull << 32,
					~0ull };
	struct gate_regs r;
	size_t i;
	int k;

	for (k = 0; k < 3; k++)
		stats_count(KEEL_EXIT_CPUID);
	stats_count(KEEL_EXIT_GATE_BAD);
	stats_count((enum keel_exit_reason)99);   /* counted as other */
	r = call(KEEL_HC_STATS, KEEL_EXIT_CPUID);
	ok(r.rax == 0 && r.rbx == 3, "stats: cpuid 3");
	r = call(KEEL_HC_STATS, KEEL_EXIT_GATE_BAD);
	ok(r.rax == 0 && r.rbx == 1, "stats: gate-bad 1");
	r = call(KEEL_HC_STATS, KEEL_EXIT_OTHER);
	ok(r.rax == 0 && r.rbx == 1, "stats: an unknown reason counts as other");
	r = call(KEEL_HC_STATS, KEEL_EXIT_NPF);
	ok(r.rax == 0 && r.rbx == 0, "stats: npf 0");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = call(KEEL_HC_STATS, bad[i]);
		ok(r.rax == st(KEEL_HC_EINVAL), "stats %#llx: EINVAL",
		   (unsigned long long)bad[i]);
	}
	is_int(stats_get((enum keel_exit_reason)KEEL_EXIT_COUNT), 0,
	       "stats_get out of range is 0");
}

static void test_time(void)
{
	struct gate_regs r = call(KEEL_HC_TIME, 0);

	ok(r.rax == 0 && r.rbx == NS && r.rcx == KHZ, "time: ns and kHz");
}

/* Reads the stream from pos in gate-sized chunks into out. */
static size_t read_all(uint64_t pos, char *out, size_t max, uint64_t *first)
{
	size_t got = 0;
	int firstcall = 1;

	for (;;) {
		struct gate_regs r = call(KEEL_HC_LOG_READ, pos);
		uint64_t words[3] = { r.rcx, r.rsi, r.rdi };

		if (r.rax != 0 || r.rbx > KEEL_HC_LOG_CHUNK)
			return (size_t)-1;
		if (r.rbx == 0)
			return got;
		if (firstcall)
			*first = r.rdx;
		else if (r.rdx != pos)
			return (size_t)-1;
		firstcall = 0;
		if (got + r.rbx > max)
			return (size_t)-1;
		memcpy(out + got, words, r.rbx);   /* x86: little-endian */
		got += r.rbx;
		pos = r.rdx + r.rbx;
	}
}

static void test_log_small(void)
{
	static char buf[LOG_RING_SIZE + 64];
	const char *text = "keel-hv log line one\nline two: 42\n";
	struct gate_regs r;
	uint64_t first = 99;
	size_t n;

	log_printf("keel-hv log line one\n");
	log_printf("line two: %d\n", 42);
	n = read_all(0, buf, sizeof(buf), &first);
	diag("read %zu bytes of the log in chunks", n);
	is_int(n, strlen(text), "log: the whole stream comes back");
	ok(n == strlen(text) && memcmp(buf, text, n) == 0 && first == 0,
	   "log: byte for byte from position 0");

	r = call(KEEL_HC_LOG_READ, 0);
	is_int(r.rbx, KEEL_HC_LOG_CHUNK, "log: a full chunk is 24 bytes");
	r = call(KEEL_HC_LOG_READ, 30);
	is_int(r.rbx, strlen(text) - 30, "log: the last chunk is short");
	is_int(r.rdx, 30, "log: RDX is the position asked");
	ok((r.rcx >> 32) == 0 && r.rsi == 0 && r.rdi == 0,
	   "log: bytes past the end are zero");
	r = call(KEEL_HC_LOG_READ, strlen(text));
	ok(r.rax == 0 && r.rbx == 0, "log: nothing newer at the end");
	r = call(KEEL_HC_LOG_READ, 1ull << 40);
	ok(r.rax == 0 && r.rbx == 0, "log: nothing past the end");
	r = call(KEEL_HC_LOG_READ, ~0ull);
	ok(r.rax == 0 && r.rbx == 0, "log: position ~0 is harmless");
}

/* After more than the ring holds, an old position yields the oldest
 * byte still there, reported in RDX. */
static void test_log_wrap(void)
{
	static char buf[LOG_RING_SIZE + 64];
	char last[64];
	uint64_t total = 0, first = 0;
	size_t n, len;
	int i;

	n = read_all(0, buf, sizeof(buf), &first);
	total = n;
	for (i = 0; i < 4000; i++) {
		log_printf("line %04d of the wrap test\n", i);
		total += (size_t)snprintf(last, sizeof(last),
					  "line %04d of the wrap test\n", i);
	}
	len = strlen(last);
	n = read_all(0, buf, sizeof(buf), &first);
	is_int(n, LOG_RING_SIZE, "wrap: a full ring comes back");
	is_int(first, total - LOG_RING_SIZE, "wrap: RDX says where it starts");
	ok(n >= len && memcmp(buf + n - len, last, len) == 0,
	   "wrap: the newest line is last");
}

/* The 24 bytes of an answer's RCX, RSI, RDI. */
static void regs_bytes(const struct gate_regs *r, char out[25])
{
	uint64_t v[3] = { r->rcx, r->rsi, r->rdi };
	int i;

	for (i = 0; i < 24; i++)
		out[i] = (char)(v[i / 8] >> (8 * (i % 8)));
	out[24] = '\0';
}

static void test_entry(void)
{
	static const char id[] = "keel-1.0.0-with-a-long-name-beyond-24";
	char got[25];
	struct gate_regs r;

	memset(gate_entry, 0, sizeof(gate_entry));
	r = call(KEEL_HC_ENTRY, 0);
	ok(r.rax == 0 && r.rbx == 0 && r.rcx == 0 && r.rsi == 0 && r.rdi == 0,
	   "entry: none given: length 0, no bytes");
	memcpy(gate_entry, id, sizeof(id));
	r = call(KEEL_HC_ENTRY, 0);
	regs_bytes(&r, got);
	ok(r.rax == 0 && r.rbx == strlen(id) && memcmp(got, id, 24) == 0,
	   "entry: length and the first 24 bytes");
	r = call(KEEL_HC_ENTRY, 24);
	regs_bytes(&r, got);
	ok(r.rax == 0 && strcmp(got, id + 24) == 0,
	   "entry: the rest from offset 24, zero-padded");
	r = call(KEEL_HC_ENTRY, strlen(id));
	ok(r.rax == 0 && r.rcx == 0, "entry: offset at the end: no bytes");
	r = call(KEEL_HC_ENTRY, strlen(id) + 1);
	ok(r.rax == st(KEEL_HC_EINVAL), "entry: offset past the end: EINVAL");
	r = call(KEEL_HC_ENTRY, ~0ull);
	ok(r.rax == st(KEEL_HC_EINVAL), "entry: offset 2^64-1: EINVAL");
	memset(gate_entry, 'x', sizeof(gate_entry));
	r = call(KEEL_HC_ENTRY, 0);
	ok(r.rbx == KEEL_HC_ENTRY_MAX, "entry: never read past its buffer");
}

int main(void)
{
	test_entry();
	test_version();
	test_unknown();
	test_stats();
	test_time();
	test_log_small();
	test_log_wrap();
	return done_testing();
}
