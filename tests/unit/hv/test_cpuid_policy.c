/* test_cpuid_policy.c: unit tests of what the root session sees of CPUID:
 * keel's leaves replace anyone else's, virtualization bits are hidden. */
#include <stdint.h>
#include <string.h>

#include "cpuid_policy.h"
#include "gate.h"
#include "tests/tap.h"

/* gate.c owns these in keel-hv; the policy only reads them. */
uint16_t gate_port = 0x1234;
enum keel_backend gate_backend = KEEL_BACKEND_SVM;

static struct cpuid_regs all_ones(void)
{
	struct cpuid_regs r = { 0xffffffffu, 0xffffffffu, 0xffffffffu,
				0xffffffffu };

	return r;
}

static void test_signature(void)
{
	/* What QEMU/KVM answer themselves: "TCGTCGTCGTCG" with max leaf. */
	struct cpuid_regs r = { 0x40000001u, 0x54474354u, 0x43544743u,
				0x47435447u };
	char sig[13];
	const char *got = sig;

	cpuid_policy(0x40000000u, 0, &r);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	diag("signature \"%s\"", got);
	is_str(got, KEEL_HC_SIGNATURE, "0x40000000: keel's signature "
	       "replaces the layer below's");
	is_int(r.eax, KEEL_HC_LEAF_ABI, "0x40000000: highest leaf 0x40000001");
}

static void test_abi_leaf(void)
{
	struct cpuid_regs r = all_ones();

	cpuid_policy(0x40000001u, 0, &r);
	is_int(r.eax, KEEL_HC_ABI, "0x40000001: EAX = ABI");
	is_int(r.ebx, 0x1234, "0x40000001: EBX = gate port");
	is_int(r.ecx, KEEL_BACKEND_SVM, "0x40000001: ECX = backend");
	is_int(r.edx, 0, "0x40000001: EDX = 0");

	gate_port = KEEL_HC_PORT_DEFAULT;
	gate_backend = KEEL_BACKEND_VMX;
	r = all_ones();
	cpuid_policy(0x40000001u, 7, &r);
	ok(r.ebx == KEEL_HC_PORT_DEFAULT && r.ecx == KEEL_BACKEND_VMX,
	   "0x40000001 follows the configured port and backend");
}

static void test_other_hv_leaves(void)
{
	static const uint32_t leaves[] = { 0x40000002u, 0x40000003u,
					   0x40000010u, 0x400000ffu };
	size_t i;

	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct cpuid_regs r = all_ones();

		cpuid_policy(leaves[i], 0, &r);
		ok(!r.eax && !r.ebx && !r.ecx && !r.edx, "leaf %#x zeroed",
		   leaves[i]);
	}
}

static void test_feature_bits(void)
{
	struct cpuid_regs r = all_ones();

	cpuid_policy(1, 0, &r);
	ok(r.ecx & (1u << 31), "leaf 1: hypervisor bit set");
	ok(!(r.ecx & (1u << 5)), "leaf 1: VMX cleared");
	is_int(r.ecx | (1u << 5), 0xffffffffu, "leaf 1: other ECX bits kept");
	ok(r.eax == 0xffffffffu && r.ebx == 0xffffffffu &&
	   r.edx == 0xffffffffu, "leaf 1: EAX, EBX, EDX kept");

	r = (struct cpuid_regs){ 1, 2, 0, 4 };
	cpuid_policy(1, 0, &r);
	is_int(r.ecx, 1u << 31, "leaf 1: hypervisor bit set from zero");

	r = all_ones();
	cpuid_policy(0x80000001u, 0, &r);
	ok(!(r.ecx & (1u << 2)), "0x80000001: SVM cleared");
	is_int(r.ecx | (1u << 2), 0xffffffffu, "0x80000001: other bits kept");
	is_int(r.edx, 0xffffffffu, "0x80000001: EDX kept");

	r = all_ones();
	cpuid_policy(0x8000000au, 0, &r);
	ok(!r.eax && !r.ebx && !r.ecx && !r.edx, "0x8000000A zeroed");

	r = all_ones();
	cpuid_policy(0x80000007u, 0, &r);
	is_int(r.ebx, ~(1u << 3), "0x80000007: scalable MCA hidden, rest kept");
	ok(r.eax == 0xffffffffu && r.ecx == 0xffffffffu && r.edx == 0xffffffffu,
	   "0x80000007: EAX, ECX, EDX kept");
}

static void test_passthrough(void)
{
	static const uint32_t leaves[] = { 0, 7, 0xd, 0x3fffffffu, 0x40000100u,
					   0x80000000u, 0x80000008u };
	size_t i;

	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct cpuid_regs r = { 0x11, 0x22, 0x33, 0x44 };

		cpuid_policy(leaves[i], 1, &r);
		ok(r.eax == 0x11 && r.ebx == 0x22 && r.ecx == 0x33 &&
		   r.edx == 0x44, "leaf %#x passed through", leaves[i]);
	}
}

/* OSXSAVE and OSPKE follow the session's CR4, not the host's, and only
 * where the processor has XSAVE and PKU at all. */
static void test_mirror_cr4(void)
{
	const uint64_t osxsave = 1ull << 18, pke = 1ull << 22;
	struct cpuid_regs r = { 0, 0, (1u << 26) | (1u << 27), 0 };

	cpuid_mirror_cr4(0, 1, 0, &r);
	is_int(r.ecx, 1u << 26, "leaf 1: OSXSAVE clear when the session's "
	       "CR4 has it clear");
	cpuid_mirror_cr4(osxsave, 1, 0, &r);
	is_int(r.ecx, (1u << 26) | (1u << 27), "leaf 1: OSXSAVE set from "
	       "the session's CR4");
	r = (struct cpuid_regs){ 0, 0, 0, 0 };
	cpuid_mirror_cr4(osxsave, 1, 0, &r);
	is_int(r.ecx, 0, "leaf 1: no OSXSAVE without XSAVE");
	r = (struct cpuid_regs){ 0, 0, (1u << 3) | (1u << 4), 0 };
	cpuid_mirror_cr4(0, 7, 0, &r);
	is_int(r.ecx, 1u << 3, "leaf 7: OSPKE clear when CR4.PKE is clear");
	cpuid_mirror_cr4(pke, 7, 0, &r);
	is_int(r.ecx, (1u << 3) | (1u << 4), "leaf 7: OSPKE from CR4.PKE");
	r = (struct cpuid_regs){ 0, 0, (1u << 3) | (1u << 4), 0 };
	cpuid_mirror_cr4(0, 7, 1, &r);
	is_int(r.ecx, (1u << 3) | (1u << 4), "leaf 7 subleaf 1 untouched");
}

int main(void)
{
	test_signature();
	test_abi_leaf();
	test_other_hv_leaves();
	test_feature_bits();
	test_passthrough();
	test_mirror_cr4();
	return done_testing();
}
