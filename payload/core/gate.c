/* gate.c: the hypercalls behind the gate port: version, log, statistics,
 * time. Every argument comes from the session and is checked here. */
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "gate.h"
#include "log.h"
#include "stats.h"

uint16_t gate_port = KEEL_HC_PORT_DEFAULT;
enum keel_backend gate_backend = KEEL_BACKEND_NONE;
char gate_entry[KEEL_HC_ENTRY_MAX + 1];

static uint64_t status(int s)
{
	return (uint64_t)(int64_t)s;
}

static void hc_version(struct gate_regs *r)
{
	r->rbx = KEEL_HC_ABI;
	r->rcx = KEEL_HC_F_LOG | KEEL_HC_F_STATS | KEEL_HC_F_TIME |
		 KEEL_HC_F_ENTRY;
	r->rsi = (uint64_t)gate_backend;
	r->rdi = KEEL_EXIT_COUNT;
	r->rax = status(KEEL_HC_OK);
}

/* Little-endian bytes [8 * i, 8 * i + 8) of buf as one register. */
static uint64_t le64(const uint8_t *buf)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | buf[i];
	return v;
}

/* Any position is acceptable: one the ring has overwritten yields the
 * oldest byte still there, one past the end yields nothing. */
static void hc_log_read(struct gate_regs *r)
{
	uint8_t buf[KEEL_HC_LOG_CHUNK] = { 0 };
	uint64_t first = r->rbx;
	size_t n = log_read(r->rbx, buf, sizeof(buf), &first);

	r->rbx = n;
	r->rdx = first;
	r->rcx = le64(buf);
	r->rsi = le64(buf + 8);
	r->rdi = le64(buf + 16);
	r->rax = status(KEEL_HC_OK);
}

static void hc_stats(struct gate_regs *r)
{
	if (r->rbx >= KEEL_EXIT_COUNT) {
		r->rax = status(KEEL_HC_EINVAL);
		return;
	}
	r->rbx = stats_get((enum keel_exit_reason)r->rbx);
	r->rax = status(KEEL_HC_OK);
}

static void hc_time(struct gate_regs *r)
{
	r->rbx = clock_ns();
	r->rcx = clock_tsc_khz();
	r->rax = status(KEEL_HC_OK);
}

/* keel commit asks which entry booted us: the level it may commit. */
static void hc_entry(struct gate_regs *r)
{
	uint8_t buf[KEEL_HC_LOG_CHUNK] = { 0 };
	size_t len = 0, i;

	while (len < KEEL_HC_ENTRY_MAX && gate_entry[len])
		len++;
	if (r->rbx > len) {
		r->rax = status(KEEL_HC_EINVAL);
		return;
	}
	for (i = 0; i < sizeof(buf) && r->rbx + i < len; i++)
		buf[i] = (uint8_t)gate_entry[r->rbx + i];
	r->rbx = len;
	r->rcx = le64(buf);
	r->rsi = le64(buf + 8);
	r->rdi = le64(buf + 16);
	r->rax = status(KEEL_HC_OK);
}

void gate_call(struct gate_regs *r)
{
	switch ((uint32_t)r->rax) {
	case KEEL_HC_VERSION:
		hc_version(r);
		break;
	case KEEL_HC_LOG_READ:
		hc_log_read(r);
		break;
	case KEEL_HC_STATS:
		hc_stats(r);
		break;
	case KEEL_HC_TIME:
		hc_time(r);
		break;
	case KEEL_HC_ENTRY:
		hc_entry(r);
		break;
	default:
		r->rax = status(KEEL_HC_ENOSYS);
		break;
	}
}
