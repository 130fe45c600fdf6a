/* clock.c: nanoseconds since keel-hv started, from the TSC, whose rate is
 * measured once against the PIT's channel 2 (a fixed 1.193182 MHz). */
#include <stdint.h>

#include "clock.h"
#include "log.h"
#include "x86.h"

#define PIT_HZ 1193182u
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_ONESHOT 0xb0     /* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B 0x61              /* bit 0: channel 2 gate, bit 1: speaker */
#define PORT_B_GATE 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CALIBRATE_MS 10u
#define PIT_TICKS (PIT_HZ * CALIBRATE_MS / 1000u)
/* When the PIT never answers: assume this, the clock is then only rough. */
#define FALLBACK_KHZ 2000000u
#define OUT2_POLLS 10000000u
#define MIN_KHZ 100000u          /* 100 MHz */
#define MAX_KHZ 10000000u        /* 10 GHz */

static uint64_t tsc_start;
static uint32_t tsc_khz = FALLBACK_KHZ;

/* TSC ticks during PIT_TICKS of the PIT, 0 when OUT2 never rose. */
static uint64_t measure_tsc(void)
{
	uint8_t b = inb(PORT_B);
	uint64_t t0, t1;
	uint32_t i;

	/* Gate low while programming, speaker off; mode 0 then counts down
	 * from the rising gate and raises OUT2 at zero. */
	outb(PORT_B, (uint8_t)((b & ~(PORT_B_GATE | PORT_B_SPEAKER))));
	outb(PIT_COMMAND, PIT_CH2_ONESHOT);
	outb(PIT_CH2_DATA, (uint8_t)PIT_TICKS);
	outb(PIT_CH2_DATA, (uint8_t)(PIT_TICKS >> 8));
	outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE));
	t0 = rdtsc();
	for (i = 0; i < OUT2_POLLS; i++)
		if (inb(PORT_B) & PORT_B_OUT2)
			break;
	t1 = rdtsc();
	outb(PORT_B, b);
	return i < OUT2_POLLS ? t1 - t0 : 0;
}

void clock_init(void)
{
	uint64_t ticks, khz;

	tsc_start = rdtsc();
	ticks = measure_tsc();
	if (ticks == 0 || ticks / CALIBRATE_MS == 0) {
		log_printf("the PIT did not count; assuming a %u kHz TSC\n",
			   tsc_khz);
		return;
	}
	/* PIT_TICKS is not exactly CALIBRATE_MS: scale by the real time. */
	khz = ticks * PIT_HZ / ((uint64_t)PIT_TICKS * 1000u);
	/* A port 0x61 that reads OUT2 high at once (no PIT behind it) gives
	 * a rate no x86 TSC has had: keep the rough assumption then. */
	if (khz < MIN_KHZ || khz > MAX_KHZ) {
		log_printf("the PIT gave an implausible TSC rate of %llu kHz; "
			   "assuming %u kHz\n", (unsigned long long)khz,
			   tsc_khz);
		return;
	}
	tsc_khz = (uint32_t)khz;
	log_printf("TSC runs at %u kHz\n", tsc_khz);
}

uint64_t clock_ns(void)
{
	uint64_t d = rdtsc() - tsc_start;

	/* In two parts so that nothing overflows for centuries. */
	return d / tsc_khz * 1000000u + d % tsc_khz * 1000000u / tsc_khz;
}

uint32_t clock_tsc_khz(void)
{
	return tsc_khz;
}
