/* cpuid_dump.c: reads CPUID register dumps (InstLatx64 and AIDA layouts)
 * and MSR dumps, and answers CPUID and RDMSR for one logical CPU from them. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_check.h"
#include "cpuid_dump.h"
#include "i18n.h"

#define EXT_BASE 0x80000000u
#define WHY_MAX 192

/* What a cpu_source over one CPU needs: the dump, the CPU, and buffers for
 * reasons naming the MSR. A report keeps up to CPU_REASONS_MAX reason
 * pointers, so the buffers are used in turn. The fixed header has no field
 * for this, so these live in the same allocation, behind d->cpus. */
struct dump_ctx {
	const struct cpuid_dump *d;
	size_t cpu;
	unsigned int next_why;
	char why[CPU_REASONS_MAX][WHY_MAX];
};

struct parse {
	const char *path;
	unsigned long line;
	struct cpuid_dump *d;
	size_t cap_cpus, cap_e;     /* capacities of d->cpus, last CPU's e */
	int header_seen;            /* a CPU header: next CPUID line starts one */
};

static size_t ctx_offset(size_t n_cpus)
{
	size_t a = _Alignof(struct dump_ctx);

	return (n_cpus * sizeof(struct cpuid_dump_cpu) + a - 1) / a * a;
}

static struct dump_ctx *ctx_area(const struct cpuid_dump *d)
{
	return (struct dump_ctx *)(void *)((char *)d->cpus +
					   ctx_offset(d->n_cpus));
}

/* Exactly n hex digits at s. */
static int hex_fixed(const char *s, int n, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		x = x << 4 | (uint32_t)(isdigit((unsigned char)s[i]) ?
			s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*v = x;
	return 0;
}

/* A whole word of 1..max hex digits, "0x" allowed: the MSR dump fields. */
static int hex_word(const char *s, size_t len, size_t max, uint64_t *v)
{
	char buf[24], *end;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > max || strspn(s, "0123456789abcdefABCDEF") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtoull(buf, &end, 16);
	return *end || errno ? -1 : 0;
}

/* "EAX-EBX-ECX-EDX", 8 hex digits each, then the end or a blank. */
static int parse_regs(const char *s, struct cpuid_regs4 *r, const char **end)
{
	uint32_t *v[4] = { &r->eax, &r->ebx, &r->ecx, &r->edx };
	int i;

	for (i = 0; i < 4; i++, s += 9) {
		if (hex_fixed(s, 8, v[i]))
			return -1;
		if (i < 3 && s[8] != '-')
			return -1;
	}
	s--;
	if (*s && !isblank((unsigned char)*s))
		return -1;
	*end = s;
	return 0;
}

/* An optional "[SL nn]" after the registers; 1 when there, -1 if broken. */
static int parse_subleaf(const char *s, uint32_t *sl)
{
	size_t n;

	s += strspn(s, " \t");
	if (strncmp(s, "[SL ", 4) != 0)
		return 0;
	s += 4;
	n = strspn(s, "0123456789abcdefABCDEF");
	if (n == 0 || n > 8 || s[n] != ']' || hex_fixed(s, (int)n, sl))
		return -1;
	return 1;
}

/* "CPUID " and a word with a digit in it is meant as a leaf; other
 * "CPUID ..." lines (Manufacturer, CPU Name, Registers) are headers. */
static int is_cpuid_line(const char *s, size_t *wlen)
{
	size_t n;

	if (strncmp(s, "CPUID ", 6) != 0)
		return 0;
	n = strcspn(s + 6, ": \t");
	*wlen = n;
	return strcspn(s + 6, "0123456789") < n;
}

/* "Logical CPU #3", "CPU#003 AffMask", "CPUID Registers (CPU #2)". */
static int is_cpu_header(const char *s)
{
	const char *p;

	for (p = strstr(s, "CPU"); p; p = strstr(p + 3, "CPU")) {
		const char *q = p + 3;

		if (*q == ' ')
			q++;
		if (*q == '#' && isdigit((unsigned char)q[1]))
			return 1;
	}
	return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int oom(struct parse *p, struct keel_error *err)
{
	return keel_error_set(err, KEEL_EFAIL,
		_("out of memory reading the dump %s"), p->path);
}

static int has_entry(const struct cpuid_dump_cpu *c, uint32_t leaf,
		     uint32_t sl)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].leaf == leaf && c->e[i].subleaf == sl)
			return 1;
	return 0;
}

/* Each CPU's dump starts with leaf 0, also in files without headers. */
static int starts_cpu(struct parse *p, uint32_t leaf, uint32_t sl)
{
	const struct cpuid_dump_cpu *c;

	if (p->d->n_cpus == 0)
		return 1;
	c = &p->d->cpus[p->d->n_cpus - 1];
	if (c->n == 0)
		return 0;
	return p->header_seen || (leaf == 0 && sl == 0 && has_entry(c, 0, 0));
}

static int add_entry(struct parse *p, uint32_t leaf, int has_sl, uint32_t sl,
		     const struct cpuid_regs4 *r, struct keel_error *err)
{
	struct cpuid_dump *d = p->d;
	struct cpuid_dump_cpu *c;

	if (starts_cpu(p, leaf, has_sl ? sl : 0)) {
		if (grow((void **)&d->cpus, &p->cap_cpus, d->n_cpus + 1,
			 sizeof *d->cpus))
			return oom(p, err);
		memset(&d->cpus[d->n_cpus++], 0, sizeof *d->cpus);
		p->cap_e = 0;
	}
	p->header_seen = 0;
	c = &d->cpus[d->n_cpus - 1];
	/* Layouts without [SL nn] list a leaf's subleaves one after another. */
	if (!has_sl)
		sl = c->n && c->e[c->n - 1].leaf == leaf ?
			c->e[c->n - 1].subleaf + 1 : 0;
	if (grow((void **)&c->e, &p->cap_e, c->n + 1, sizeof *c->e))
		return oom(p, err);
	c->e[c->n].leaf = leaf;
	c->e[c->n].subleaf = sl;
	c->e[c->n].r = *r;
	c->n++;
	return KEEL_OK;
}

static int parse_cpuid(struct parse *p, const char *s, size_t wlen,
		       struct keel_error *err)
{
	struct cpuid_regs4 r;
	const char *w = s + 6, *end;
	uint32_t leaf, sl = 0;
	int has_sl;

	if (wlen != 8 || hex_fixed(w, 8, &leaf))
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s, line %lu: the CPUID leaf \"%.*s\" is not 8 "
			  "hexadecimal digits; correct the line or remove it"),
			p->path, p->line, (int)wlen, w);
	s = w + 8;
	if (*s == ':')
		s++;
	s += strspn(s, " \t");
	if (parse_regs(s, &r, &end))
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s, line %lu: expected the four registers "
			  "EAX-EBX-ECX-EDX of leaf %08X, 8 hexadecimal digits "
			  "each; correct the line or remove it"),
			p->path, p->line, (unsigned int)leaf);
	has_sl = parse_subleaf(end, &sl);
	if (has_sl < 0)
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s, line %lu: the subleaf mark of leaf %08X is not "
			  "\"[SL nn]\" with hexadecimal nn; correct the line or "
			  "remove it"), p->path, p->line, (unsigned int)leaf);
	return add_entry(p, leaf, has_sl, sl, &r, err);
}

/* Drops the line end (LF or CRLF). */
static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static int parse_cpuid_file(struct parse *p, FILE *f, struct keel_error *err)
{
	char *buf = NULL;
	size_t cap = 0, wlen;
	int rc = KEEL_OK;

	while (rc == KEEL_OK && getline(&buf, &cap, f) >= 0) {
		p->line++;
		chomp(buf);
		if (is_cpuid_line(buf, &wlen))
			rc = parse_cpuid(p, buf, wlen, err);
		else if (is_cpu_header(buf))
			p->header_seen = 1;
	}
	free(buf);
	if (rc == KEEL_OK && ferror(f))
		rc = keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot read the CPUID dump %s, line %lu"),
			p->path, p->line + 1);
	return rc;
}

/* Shrinks the CPU array and puts the cpu_source contexts behind it. */
static int seal(struct parse *p, struct keel_error *err)
{
	struct cpuid_dump *d = p->d;
	size_t n = d->n_cpus;
	void *q = realloc(d->cpus,
			  ctx_offset(n) + n * sizeof(struct dump_ctx));

	if (!q)
		return oom(p, err);
	d->cpus = q;
	memset(ctx_area(d), 0, n * sizeof(struct dump_ctx));
	return KEEL_OK;
}

int cpuid_dump_load(const char *path, struct cpuid_dump *d,
		    struct keel_error *err)
{
	struct parse p = { .path = path, .d = d };
	FILE *f;
	int rc;

	memset(d, 0, sizeof *d);
	f = fopen(path, "r");
	if (!f)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the CPUID dump %s"), path);
	rc = parse_cpuid_file(&p, f, err);
	fclose(f);
	if (rc == KEEL_OK && p.line == 0)
		rc = keel_error_set(err, KEEL_EUSAGE,
			_("%s is empty; a CPUID dump has lines \"CPUID LEAF: "
			  "EAX-EBX-ECX-EDX\" as in the InstLatx64 collection"),
			path);
	if (rc == KEEL_OK && d->n_cpus == 0)
		rc = keel_error_set(err, KEEL_EUSAGE,
			_("%s, line %lu: end of file without a CPUID line; "
			  "a CPUID dump has lines \"CPUID LEAF: "
			  "EAX-EBX-ECX-EDX\" as in the InstLatx64 collection"),
			path, p.line);
	if (rc == KEEL_OK)
		rc = seal(&p, err);
	if (rc != KEEL_OK)
		cpuid_dump_free(d);
	return rc;
}

/* One "MSR VALUE" line, comment and blanks already gone; -1 if malformed. */
static int parse_msr_line(char *s, struct msr_dump_entry *m)
{
	size_t n1, gap, n2;
	uint64_t v;

	n1 = strcspn(s, " \t");
	gap = strspn(s + n1, " \t");
	n2 = strcspn(s + n1 + gap, " \t");
	if (gap == 0 || s[n1 + gap + n2 + strspn(s + n1 + gap + n2, " \t")])
		return -1;
	if (hex_word(s, n1, 8, &v))
		return -1;
	m->msr = (uint32_t)v;
	return hex_word(s + n1 + gap, n2, 16, &m->val);
}

static int msr_listed(const struct cpuid_dump *d, uint32_t msr)
{
	size_t i;

	for (i = 0; i < d->n_msrs; i++)
		if (d->msrs[i].msr == msr)
			return 1;
	return 0;
}

static int add_msr_line(struct parse *p, char *s, size_t *cap,
			struct keel_error *err)
{
	struct msr_dump_entry m;
	struct cpuid_dump *d = p->d;

	s[strcspn(s, "#")] = '\0';
	s += strspn(s, " \t");
	if (!*s)
		return KEEL_OK;
	if (parse_msr_line(s, &m))
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s, line %lu: expected \"MSR VALUE\" in hexadecimal, "
			  "for example \"3A 5\" or \"0xC0010114 0x10\"; correct "
			  "the line or remove it"), p->path, p->line);
	if (msr_listed(d, m.msr))
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s, line %lu: MSR %X is listed a second time; keep "
			  "one line per MSR"), p->path, p->line,
			(unsigned int)m.msr);
	if (grow((void **)&d->msrs, cap, d->n_msrs + 1, sizeof *d->msrs))
		return oom(p, err);
	d->msrs[d->n_msrs++] = m;
	return KEEL_OK;
}

int cpuid_dump_load_msrs(const char *path, struct cpuid_dump *d,
			 struct keel_error *err)
{
	struct parse p = { .path = path, .d = d };
	char *buf = NULL;
	size_t cap = 0, bcap = 0;
	FILE *f;
	int rc = KEEL_OK;

	free(d->msrs);
	d->msrs = NULL;
	d->n_msrs = 0;
	f = fopen(path, "r");
	if (!f)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the MSR dump %s"), path);
	/* Non-NULL even when empty: it tells "no MSR dump" from "not in it". */
	if (grow((void **)&d->msrs, &cap, 1, sizeof *d->msrs))
		rc = oom(&p, err);
	while (rc == KEEL_OK && getline(&buf, &bcap, f) >= 0) {
		p.line++;
		chomp(buf);
		rc = add_msr_line(&p, buf, &cap, err);
	}
	if (rc == KEEL_OK && ferror(f))
		rc = keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot read the MSR dump %s, line %lu"),
			path, p.line + 1);
	free(buf);
	fclose(f);
	if (rc != KEEL_OK) {
		free(d->msrs);
		d->msrs = NULL;
		d->n_msrs = 0;
	}
	return rc;
}

void cpuid_dump_free(struct cpuid_dump *d)
{
	size_t i;

	for (i = 0; d->cpus && i < d->n_cpus; i++)
		free(d->cpus[i].e);
	free(d->cpus);
	free(d->msrs);
	memset(d, 0, sizeof *d);
}

/* The highest leaf of the range leaf lies in, from the range's first leaf;
 * 0 with *ok clear when the dump does not say. */
static uint32_t range_max(const struct cpuid_dump_cpu *c, uint32_t leaf,
			  int *ok)
{
	uint32_t base = leaf >= EXT_BASE ? EXT_BASE : 0;
	size_t i;

	*ok = 0;
	for (i = 0; i < c->n; i++)
		if (c->e[i].leaf == base && c->e[i].subleaf == 0) {
			/* An extended maximum below 0x80000000 means none. */
			*ok = c->e[i].r.eax >= base;
			return c->e[i].r.eax;
		}
	return 0;
}

static int dump_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		      struct cpuid_regs4 *r)
{
	const struct dump_ctx *x = ctx;
	const struct cpuid_dump_cpu *c;
	uint32_t max;
	size_t i;
	int leaf_seen = 0, ok;

	if (!x)
		return -1;
	c = &x->d->cpus[x->cpu];
	for (i = 0; i < c->n; i++) {
		if (c->e[i].leaf != leaf)
			continue;
		if (c->e[i].subleaf == subleaf) {
			*r = c->e[i].r;
			return 0;
		}
		leaf_seen = 1;
	}
	max = range_max(c, leaf, &ok);
	if (leaf_seen || !ok || leaf > max)
		return -1;
	/* Reserved leaves inside the range read as zeros; dumps skip them. */
	memset(r, 0, sizeof *r);
	return 0;
}

static int dump_rdmsr(void *ctx, uint32_t msr, uint64_t *val,
		      const char **why)
{
	struct dump_ctx *x = ctx;
	const struct cpuid_dump *d;
	char *buf;
	size_t i;

	if (!x) {
		*why = _("There is no such CPU in the CPUID dump.");
		return -1;
	}
	d = x->d;
	for (i = 0; i < d->n_msrs; i++)
		if (d->msrs[i].msr == msr) {
			*val = d->msrs[i].val;
			return 0;
		}
	/* One sentence for all MSRs: without an MSR dump every read fails. */
	if (!d->msrs) {
		*why = _("A CPUID dump holds no model-specific registers; give "
			 "their values in a file with --msr-dump.");
		return -1;
	}
	buf = x->why[x->next_why++ % CPU_REASONS_MAX];
	snprintf(buf, WHY_MAX, _("MSR 0x%X is not in the MSR dump; add a line "
		 "\"%X VALUE\" to it."), (unsigned int)msr, (unsigned int)msr);
	*why = buf;
	return -1;
}

struct cpu_source cpuid_dump_source(const struct cpuid_dump *d, size_t i)
{
	struct cpu_source s = { .cpuid = dump_cpuid, .rdmsr = dump_rdmsr,
				.ctx = NULL, .cpu = (unsigned int)i };
	struct dump_ctx *x;

	if (!d->cpus || i >= d->n_cpus)
		return s;
	x = &ctx_area(d)[i];
	x->d = d;
	x->cpu = i;
	s.ctx = x;
	return s;
}
