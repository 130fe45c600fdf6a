/* serial.c: polled output on a 16550 UART; keel-hv never enables
 * interrupts, so the transmitter is simply waited for. */
#include <stddef.h>
#include <stdint.h>

#include "serial.h"
#include "x86.h"

/* 16550 registers, as offsets from the base port. */
#define UART_DATA 0              /* divisor low with DLAB */
#define UART_IER 1               /* divisor high with DLAB */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07    /* FIFO on, both cleared */
#define MCR_DTR_RTS 0x03         /* no OUT2: no interrupts reach the PIC */
#define LSR_THRE 0x20
#define UART_CLOCK 115200u
/* A missing or wedged UART must not hang keel-hv: give up on a byte
 * after this many polls (far longer than one character at 300 baud). */
#define THRE_POLLS 1000000

static uint16_t serial_port = SERIAL_COM1;

void serial_init(uint16_t port, uint32_t baud)
{
	uint32_t div = baud ? UART_CLOCK / baud : 1;

	if (div == 0)
		div = 1;
	if (div > 0xffff)
		div = 0xffff;
	serial_port = port;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DATA, (uint8_t)div);
	outb(port + UART_IER, (uint8_t)(div >> 8));
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, MCR_DTR_RTS);
}

static void put_byte(uint8_t c)
{
	int i;

	for (i = 0; i < THRE_POLLS; i++)
		if (inb(serial_port + UART_LSR) & LSR_THRE)
			break;
	outb(serial_port + UART_DATA, c);
}

void serial_write(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_byte('\r');
		put_byte((uint8_t)s[i]);
	}
}
