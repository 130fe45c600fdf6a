/* cpuid_sig.c: run in the root session by the e2e tests; prints what CPUID
 * says about the hypervisor and exits 0 only if it is keel-hv. */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "keel/hypercall.h"

int main(void)
{
	unsigned a, b, c, d, max;
	char sig[13];

	__cpuid(1, a, b, c, d);
	printf("hypervisor-bit %u\n", (c >> 31) & 1);
	/* __get_cpuid would refuse leaves above the basic maximum. */
	__cpuid(KEEL_HC_LEAF_BASE, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	max = a;
	printf("signature \"%s\" max-leaf 0x%x\n", sig, max);
	if (strcmp(sig, KEEL_HC_SIGNATURE) != 0 || max < KEEL_HC_LEAF_ABI)
		return 1;
	__cpuid(KEEL_HC_LEAF_ABI, a, b, c, d);
	printf("abi 0x%x gate-port 0x%x backend %u\n", a, b, c);
	return a >> 16 == KEEL_HC_ABI_MAJOR && b != 0 ? 0 : 1;
}
