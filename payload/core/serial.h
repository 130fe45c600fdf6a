/* serial.h: output on a 16550 UART (COM1 by default), polled: keel-hv
 * never takes interrupts. */
#ifndef KEEL_HV_SERIAL_H
#define KEEL_HV_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define SERIAL_COM1 0x3f8
#define SERIAL_BAUD 115200

void serial_init(uint16_t port, uint32_t baud);
/* Writes n bytes, "\n" as "\r\n". */
void serial_write(const char *s, size_t n);

#endif
