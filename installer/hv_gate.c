/* hv_gate.c: detection of keel-hv through CPUID and the hypercalls, each a
 * 32-bit OUT to the gate port that the hypervisor intercepts. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <sys/io.h>
#endif

#include "hv_gate.h"
#include "i18n.h"

/* More exit reasons than this is not a counter table but a broken answer;
 * it bounds the loop of `keel hv stats`. */
enum { HV_EXITS_MAX = 1024 };

/* The registers a hypercall takes and returns, besides RAX. */
struct hv_regs {
	uint64_t rbx, rcx, rsi, rdi, rdx;
};

static const char *const exit_names[] = KEEL_EXIT_NAMES;
_Static_assert(sizeof exit_names / sizeof exit_names[0] == KEEL_EXIT_COUNT,
	       "KEEL_EXIT_NAMES must name every enum keel_exit_reason");

#if defined(__x86_64__)
static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__cpuid(leaf, r[0], r[1], r[2], r[3]);
}

/* The gate: call number in EAX, port in DX. Every argument register is
 * also a result register, so all are in/out for the compiler; "memory"
 * because the call is a side effect the compiler must not move. The
 * status is the low 32 bits of RAX, read as signed, so that a hypervisor
 * that writes it sign-extended to 64 bits or zero-extended from 32 bits
 * is understood alike. */
static int32_t hv_call(uint16_t port, uint32_t nr, struct hv_regs *r)
{
	uint64_t rax = nr;

	r->rdx = port;
	__asm__ volatile("out %%eax, %%dx"
			 : "+a"(rax), "+b"(r->rbx), "+c"(r->rcx),
			   "+S"(r->rsi), "+D"(r->rdi), "+d"(r->rdx)
			 :
			 : "memory");
	return (int32_t)(uint32_t)rax;
}
#endif

int hv_gate_detect(struct hv_gate *g, struct keel_error *err)
{
#if defined(__x86_64__)
	uint32_t r[4];
	char sig[13];

	cpuid(KEEL_HC_LEAF_BASE, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	if (strcmp(sig, KEEL_HC_SIGNATURE) == 0 && r[0] >= KEEL_HC_LEAF_ABI) {
		cpuid(KEEL_HC_LEAF_ABI, r);
		g->abi = r[0];
		g->port = (uint16_t)r[1];
		g->backend = r[2];
		if (g->abi >> 16 != KEEL_HC_ABI_MAJOR)
			return keel_error_set(err, KEEL_EFAIL,
				_("keel-hv speaks hypercall ABI %u.%u, this keel "
				  "speaks %u.%u: use the keel that came with the "
				  "running hypervisor"), g->abi >> 16,
				g->abi & 0xffffu, KEEL_HC_ABI_MAJOR,
				KEEL_HC_ABI_MINOR);
		return KEEL_OK;
	}
#endif
	(void)g;
	return keel_error_set(err, KEEL_ENOHV,
		_("keel-hv is not running on this machine (CPUID reports no "
		  "keel hypervisor)"));
}

int hv_gate_open(const struct hv_gate *g, struct keel_error *err)
{
#if defined(__x86_64__)
	/* A 32-bit OUT checks the permission bits of all four bytes. */
	if (ioperm(g->port, 4, 1) == 0)
		return KEEL_OK;
	if (errno == EPERM || errno == EACCES)
		return keel_error_set(err, KEEL_EFAIL,
			_("keel hv needs root privileges (CAP_SYS_RAWIO) to "
			  "reach the hypervisor gate; run it as root"));
	/* Kernels built without CONFIG_X86_IOPL_IOPERM refuse ioperm to
	 * everybody, root included. */
	if (errno == ENOSYS)
		return keel_error_set(err, KEEL_EFAIL,
			_("this kernel lets no process use I/O ports (ioperm is "
			  "not implemented; Linux needs CONFIG_X86_IOPL_IOPERM), "
			  "so keel hv cannot reach the hypervisor gate"));
	return keel_error_errno(err, KEEL_EFAIL, errno,
		_("cannot get access to the hypervisor gate at I/O port "
		  "0x%x"), (unsigned)g->port);
#else
	(void)g;
	return keel_error_set(err, KEEL_ENOHV,
		_("keel-hv is not running on this machine (CPUID reports no "
		  "keel hypervisor)"));
#endif
}

/* One call; a status other than KEEL_HC_OK becomes a keel error. */
static int call(const struct hv_gate *g, uint32_t nr, const char *name,
		struct hv_regs *r, struct keel_error *err)
{
#if defined(__x86_64__)
	int32_t status = hv_call(g->port, nr, r);

	if (status == KEEL_HC_OK)
		return KEEL_OK;
	return keel_error_set(err, KEEL_EFAIL,
		_("keel-hv refused the hypercall %s with status %" PRId32),
		name, status);
#else
	(void)g, (void)nr, (void)r;
	return keel_error_set(err, KEEL_EFAIL,
		_("keel-hv refused the hypercall %s with status %" PRId32),
		name, (int32_t)KEEL_HC_ENOSYS);
#endif
}

static int malformed(struct keel_error *err, const char *name)
{
	return keel_error_set(err, KEEL_EFAIL,
		_("keel-hv answered the hypercall %s with values the hypercall "
		  "ABI does not allow"), name);
}

int hv_gate_version(const struct hv_gate *g, struct hv_version *v,
		    struct keel_error *err)
{
	struct hv_regs r = { 0 };
	int rc = call(g, KEEL_HC_VERSION, "version", &r, err);

	if (rc)
		return rc;
	v->abi = (uint32_t)r.rbx;
	v->features = r.rcx;
	v->backend = (uint32_t)r.rsi;
	if (r.rdi > HV_EXITS_MAX)
		return malformed(err, "version");
	v->n_exits = (uint32_t)r.rdi;
	return KEEL_OK;
}

int hv_gate_stat(const struct hv_gate *g, uint32_t reason, uint64_t *count,
		 struct keel_error *err)
{
	struct hv_regs r = { .rbx = reason };
	int rc = call(g, KEEL_HC_STATS, "stats", &r, err);

	if (rc == KEEL_OK)
		*count = r.rbx;
	return rc;
}

int hv_gate_time(const struct hv_gate *g, uint64_t *ns, uint64_t *tsc_khz,
		 struct keel_error *err)
{
	struct hv_regs r = { 0 };
	int rc = call(g, KEEL_HC_TIME, "time", &r, err);

	if (rc == KEEL_OK) {
		*ns = r.rbx;
		*tsc_khz = r.rcx;
	}
	return rc;
}

int hv_gate_log_read(const struct hv_gate *g, uint64_t want,
		     struct hv_log_chunk *c, struct keel_error *err)
{
	struct hv_regs r = { .rbx = want };
	uint64_t words[3];
	int rc = call(g, KEEL_HC_LOG_READ, "log-read", &r, err);

	if (rc)
		return rc;
	/* Bytes from before the position asked for, or more than three
	 * registers hold, would make the reader loop or overflow. */
	if (r.rbx > KEEL_HC_LOG_CHUNK || (r.rbx > 0 && r.rdx < want))
		return malformed(err, "log-read");
	c->len = (size_t)r.rbx;
	c->pos = c->len ? r.rdx : want;
	words[0] = r.rcx;
	words[1] = r.rsi;
	words[2] = r.rdi;
	/* Little-endian, 8 bytes per register: x86's own byte order. */
	memcpy(c->bytes, words, sizeof c->bytes);
	return KEEL_OK;
}

int hv_gate_entry(const struct hv_gate *g, char id[KEEL_HC_ENTRY_MAX + 1],
		  struct keel_error *err)
{
	uint64_t len = 0, off = 0, words[3];
	int rc;

	do {
		struct hv_regs r = { .rbx = off };

		rc = call(g, KEEL_HC_ENTRY, "entry", &r, err);
		if (rc)
			return rc;
		if (r.rbx > KEEL_HC_ENTRY_MAX || (off && r.rbx != len))
			return malformed(err, "entry");
		len = r.rbx;
		words[0] = r.rcx;
		words[1] = r.rsi;
		words[2] = r.rdi;
		memcpy(id + off, words, len - off < KEEL_HC_LOG_CHUNK ?
					 len - off : KEEL_HC_LOG_CHUNK);
		off += KEEL_HC_LOG_CHUNK;
	} while (off < len);
	id[len] = '\0';
	/* The id is only ever compared, never printed raw: still, it
	 * must be what entry= allows. */
	if (strlen(id) != len)
		return malformed(err, "entry");
	return KEEL_OK;
}

const char *hv_backend_name(uint32_t backend)
{
	switch (backend) {
	case KEEL_BACKEND_NONE: return "none";
	case KEEL_BACKEND_SVM: return "svm";
	case KEEL_BACKEND_VMX: return "vmx";
	default: return NULL;
	}
}

const char *hv_exit_name(uint32_t reason)
{
	if (reason < sizeof exit_names / sizeof exit_names[0])
		return exit_names[reason];
	return NULL;
}
