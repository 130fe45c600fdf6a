/* hcall_fuzz.c: run as root in the root session: random hypercalls and
 * wrong-width gate accesses; every answer must follow keel/hypercall.h. */
#include <cpuid.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

#include "keel/hypercall.h"

struct regs {
	uint64_t rax, rbx, rcx, rsi, rdi, rdx;
};

struct tally {
	unsigned long calls, ok, enosys, einval, wrong;
};

static uint64_t rng_state;

/* xorshift64*: reproducible from the seed the test prints. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* A register value: often small or at an edge, where checks break. */
static uint64_t rnd_value(void)
{
	static const uint64_t edges[] = { 0, 1, 24, 0xffffffffull,
		0x80000000ull, 0x7fffffffffffffffull, ~0ull, 1ull << 63 };

	switch (rnd() % 4) {
	case 0: return edges[rnd() % (sizeof edges / sizeof edges[0])];
	case 1: return rnd() % 64;
	default: return rnd();
	}
}

static void hcall(uint16_t port, struct regs *r)
{
	r->rdx = port;
	__asm__ volatile("out %%eax, %%dx"
			 : "+a"(r->rax), "+b"(r->rbx), "+c"(r->rcx),
			   "+S"(r->rsi), "+D"(r->rdi), "+d"(r->rdx)
			 :
			 : "memory");
}

static int32_t status(const struct regs *r)
{
	return (int32_t)(uint32_t)r->rax;
}

/* Why the answer to call nr with in's registers breaks the ABI, or NULL. */
static const char *judge(uint32_t n_exits, const struct regs *in,
			 const struct regs *out)
{
	uint32_t nr = (uint32_t)in->rax;   /* the gate decodes EAX only */
	int32_t st = status(out);

	if (st != 0 && st != KEEL_HC_ENOSYS && st != KEEL_HC_EINVAL)
		return "unknown status";
	if (nr >= KEEL_HC_COUNT && st != KEEL_HC_ENOSYS)
		return "unknown call not ENOSYS";
	if (nr == KEEL_HC_VERSION && (st != 0 || out->rbx != KEEL_HC_ABI))
		return "version";
	if (nr == KEEL_HC_STATS && (in->rbx < n_exits) != (st == 0))
		return "stats range";
	if (nr == KEEL_HC_LOG_READ &&
	    (st != 0 || out->rbx > KEEL_HC_LOG_CHUNK))
		return "log read";
	if (nr == KEEL_HC_TIME && st != 0)
		return "time";
	return NULL;
}

static void count(struct tally *t, uint32_t n_exits, const struct regs *in,
		  const struct regs *out)
{
	const char *why = judge(n_exits, in, out);

	if (why) {
		t->wrong++;
		printf("WRONG %s: nr 0x%" PRIx64 " rbx 0x%" PRIx64 " -> rax 0x%"
		       PRIx64 " rbx 0x%" PRIx64 "\n", why, in->rax, in->rbx,
		       out->rax, out->rbx);
	} else if (status(out) == 0) {
		t->ok++;
	} else if (status(out) == KEEL_HC_ENOSYS) {
		t->enosys++;
	} else {
		t->einval++;
	}
}

static uint64_t call_number(void)
{
	switch (rnd() % 4) {
	case 0: return rnd() % (KEEL_HC_COUNT + 4);
	case 1: return (uint32_t)rnd();
	case 2: return rnd();   /* garbage in the upper half of RAX */
	default: return rnd() % KEEL_HC_COUNT;
	}
}

static uint64_t exits(uint16_t port, uint32_t reason)
{
	struct regs r = { .rax = KEEL_HC_STATS, .rbx = reason };

	hcall(port, &r);
	return r.rbx;
}

/* Byte, word and IN accesses at the gate: no call, IN reads all ones,
 * each counted as KEEL_EXIT_GATE_BAD. Returns the number of mistakes. */
static int bad_widths(uint16_t port)
{
	uint64_t before = exits(port, KEEL_EXIT_GATE_BAD), after;
	int bad = 0;

	outb(0, port);
	outw(0, port);
	bad += inb(port) != 0xff;
	bad += inw(port) != 0xffff;
	bad += inl(port) != 0xffffffffu;
	after = exits(port, KEEL_EXIT_GATE_BAD);
	printf("gate-bad exits %" PRIu64 " -> %" PRIu64 "\n", before, after);
	return bad + (after - before != 5);
}

/* "raw": one hypercall without asking the kernel for the port first; in
 * an unprivileged process the CPU must stop it (#GP, SIGSEGV). */
static int raw_call(void)
{
	unsigned a, b, c, d;
	struct regs r = { .rax = KEEL_HC_VERSION };

	__cpuid(KEEL_HC_LEAF_ABI, a, b, c, d);
	hcall((uint16_t)b, &r);
	printf("the hypercall went through: rax 0x%" PRIx64 "\n", r.rax);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n;
	struct tally t = { 0 };
	unsigned a, b, c, d;
	struct regs r = { .rax = KEEL_HC_VERSION };
	uint16_t port;
	uint32_t n_exits;
	uint64_t gates;
	int bad;

	if (argc > 1 && strcmp(argv[1], "raw") == 0)
		return raw_call();
	n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x6b65656cull;
	printf("seed 0x%" PRIx64 "\n", rng_state);
	__cpuid(KEEL_HC_LEAF_ABI, a, b, c, d);
	port = (uint16_t)b;
	if (ioperm(port, 4, 1) != 0) {
		perror("ioperm");
		return 2;
	}
	hcall(port, &r);
	n_exits = (uint32_t)r.rdi;
	gates = exits(port, KEEL_EXIT_GATE);
	for (t.calls = 0; t.calls < n; t.calls++) {
		struct regs in = { call_number(), rnd_value(), rnd_value(),
				   rnd_value(), rnd_value(), 0 };
		struct regs out = in;

		hcall(port, &out);
		count(&t, n_exits, &in, &out);
	}
	bad = bad_widths(port);
	gates = exits(port, KEEL_EXIT_GATE) - gates;
	printf("calls %lu ok %lu enosys %lu einval %lu wrong %lu "
	       "gate-exits %" PRIu64 " bad-width-mistakes %d\n", t.calls, t.ok,
	       t.enosys, t.einval, t.wrong, gates, bad);
	return t.wrong == 0 && bad == 0 && gates >= n ? 0 : 1;
}
