/* cmd_hv.c: `keel hv info|log|stats`: shows the keel hypervisor this
 * system runs on, asked through the hypercall gate of hv_gate.c. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "hv_gate.h"
#include "i18n.h"
#include "report.h"

/* Values start in this column: after the longest label, German
 * "Austrittsgründe:", and a space. */
enum { LABEL_COLUMN = 17 };

/* The log ring holds 64 KiB; reading 16 times that means the hypervisor
 * writes faster than we read, and we stop rather than loop for ever. */
enum { LOG_READ_MAX = 16 * 65536 };

/* A subcommand, run once keel-hv has answered KEEL_HC_VERSION. */
typedef int hv_run_fn(const struct hv_gate *g, const struct hv_version *v,
		      int json, struct keel_error *err);

struct hv_args {
	hv_run_fn *run;   /* the subcommand; NULL until one is named */
	int json;
	int help;
};

/* What `keel hv log` read: the text and where the ring lost some. */
struct hv_log {
	char *text;
	size_t len;
	uint64_t first;   /* stream position of the first byte read */
	uint64_t next;    /* position after the last byte read */
	uint64_t lost;    /* bytes overwritten before we could read them */
	int truncated;    /* stopped at LOG_READ_MAX */
	int json;         /* keep text and gaps for a JSON answer */
	struct json_object *gaps;  /* [{position, bytes}], with json */
};

static const char *usage(void)
{
	return _("Usage: keel hv info|log|stats [--json]\n"
		 "Ask the keel hypervisor (keel-hv) this system runs on.\n\n"
		 "  info    hypercall ABI, backend, gate port, features, uptime\n"
		 "  log     the hypervisor's log, as far as its ring still holds "
		 "it\n"
		 "  stats   exits to the hypervisor since it started, by reason\n\n"
		 "  --json  answer in JSON\n"
		 "  --help  show this help\n\n"
		 "Needs root (CAP_SYS_RAWIO): the hypervisor gate is an I/O "
		 "port.\n");
}

static hv_run_fn run_info, run_log, run_stats;

static int operand(struct hv_args *a, const char *arg, struct keel_error *err)
{
	if (a->run)
		return keel_error_set(err, KEEL_EUSAGE,
			_("hv: unexpected argument \"%s\"; see \"keel hv "
			  "--help\""), arg);
	if (strcmp(arg, "info") == 0)
		a->run = run_info;
	else if (strcmp(arg, "log") == 0)
		a->run = run_log;
	else if (strcmp(arg, "stats") == 0)
		a->run = run_stats;
	else
		return keel_error_set(err, KEEL_EUSAGE,
			_("hv: unknown subcommand \"%s\": expected info, log "
			  "or stats; see \"keel hv --help\""), arg);
	return KEEL_OK;
}

/* Options and the subcommand in any order: "-" in the option string hands
 * us operands in place, whatever POSIXLY_CORRECT says. */
static int parse_args(int argc, char **argv, struct hv_args *a,
		      struct keel_error *err)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	*a = (struct hv_args){ 0 };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		switch (c) {
		case 1:
			rc = operand(a, optarg, err);
			if (rc)
				return rc;
			break;
		case 'j': a->json = 1; break;
		case 'h':
			fputs(usage(), stdout);
			a->help = 1;
			return KEEL_OK;
		default:
			return cli_bad_option(argv, err);
		}
	}
	if (!a->run)
		return keel_error_set(err, KEEL_EUSAGE,
			_("hv: expected a subcommand: info, log or stats; see "
			  "\"keel hv --help\""));
	return KEEL_OK;
}

static const char *backend_text(uint32_t backend, char *buf, size_t size)
{
	const char *name = hv_backend_name(backend);

	if (name)
		return name;
	snprintf(buf, size, "%" PRIu32, backend);
	return buf;
}

/* Indexed by the bit number of KEEL_HC_F_*. */
static const char *const feature_names[] = { "log", "stats", "time",
					     "entry" };

/* What info shows beyond the version: uptime, TSC rate, boot entry. */
struct hv_info {
	int has_time;
	uint64_t ns, khz;
	char entry[KEEL_HC_ENTRY_MAX + 1];  /* "" when not offered or none */
};

static int has_feature(uint64_t features, size_t i)
{
	return (features >> i) & 1u;
}

static struct json_object *features_json(uint64_t features)
{
	struct json_object *list = json_object_new_array();
	size_t i;

	for (i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++)
		if (has_feature(features, i))
			json_object_array_add(list,
				json_object_new_string(feature_names[i]));
	return list;
}

static void print_features(uint64_t features)
{
	const char *sep = "";
	size_t i;

	report_print_label(_("Features:"), LABEL_COLUMN);
	for (i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++)
		if (has_feature(features, i)) {
			printf("%s%s", sep, feature_names[i]);
			sep = " ";
		}
	printf("%s\n", *sep ? "" : "-");
}

/* Called only when the hypervisor has the feature: KEEL_HC_F_TIME. */
static void print_time(uint64_t ns, uint64_t khz)
{
	report_print_label(_("Uptime:"), LABEL_COLUMN);
	printf("%" PRIu64 ".%03" PRIu64 " s\n", ns / 1000000000u,
	       ns / 1000000u % 1000u);
	report_print_label(_("TSC rate:"), LABEL_COLUMN);
	printf("%" PRIu64 ".%03" PRIu64 " MHz\n", khz / 1000u, khz % 1000u);
}

static void print_info(const struct hv_gate *g, const struct hv_version *v,
		       const struct hv_info *in)
{
	char buf[16];

	report_print_label(_("Hypervisor:"), LABEL_COLUMN);
	printf("keel-hv\n");
	report_print_label(_("ABI:"), LABEL_COLUMN);
	printf("%" PRIu32 ".%" PRIu32 "\n", v->abi >> 16, v->abi & 0xffffu);
	report_print_label(_("Backend:"), LABEL_COLUMN);
	printf("%s\n", backend_text(v->backend, buf, sizeof buf));
	report_print_label(_("Gate port:"), LABEL_COLUMN);
	printf("0x%04x\n", (unsigned)g->port);
	print_features(v->features);
	report_print_label(_("Exit reasons:"), LABEL_COLUMN);
	printf("%" PRIu32 "\n", v->n_exits);
	if (in->entry[0]) {
		report_print_label(_("Boot entry:"), LABEL_COLUMN);
		printf("%s\n", in->entry);
	}
	if (in->has_time)
		print_time(in->ns, in->khz);
}

static void info_json(const struct hv_gate *g, const struct hv_version *v,
		      const struct hv_info *in)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	json_object_object_add(o, "running", json_object_new_boolean(1));
	snprintf(buf, sizeof buf, "%" PRIu32 ".%" PRIu32, v->abi >> 16,
		 v->abi & 0xffffu);
	json_object_object_add(o, "abi", json_object_new_string(buf));
	json_object_object_add(o, "backend", json_object_new_string(
		backend_text(v->backend, buf, sizeof buf)));
	json_object_object_add(o, "gate_port", json_object_new_int(g->port));
	json_object_object_add(o, "features", features_json(v->features));
	json_object_object_add(o, "exit_reasons",
			       json_object_new_int64(v->n_exits));
	if (in->entry[0])
		json_object_object_add(o, "entry",
				       json_object_new_string(in->entry));
	if (in->has_time) {
		json_object_object_add(o, "uptime_ns",
				       json_object_new_uint64(in->ns));
		json_object_object_add(o, "tsc_khz",
				       json_object_new_uint64(in->khz));
	}
	report_print_json(o);
}

/* Without the feature the hypervisor would answer KEEL_HC_ENOSYS; say
 * plainly which part it lacks instead. */
static int need_feature(const struct hv_version *v, uint64_t bit,
			const char *name, struct keel_error *err)
{
	if (v->features & bit)
		return KEEL_OK;
	return keel_error_set(err, KEEL_EFAIL,
		_("this keel-hv (hypercall ABI %" PRIu32 ".%" PRIu32 ") does "
		  "not offer its %s"), v->abi >> 16, v->abi & 0xffffu, name);
}

static int run_info(const struct hv_gate *g, const struct hv_version *v,
		    int json, struct keel_error *err)
{
	struct hv_info in = { .has_time = (v->features & KEEL_HC_F_TIME) != 0 };
	int rc = in.has_time ? hv_gate_time(g, &in.ns, &in.khz, err) : KEEL_OK;

	if (!rc && (v->features & KEEL_HC_F_ENTRY))
		rc = hv_gate_entry(g, in.entry, err);
	if (rc)
		return rc;
	if (json)
		info_json(g, v, &in);
	else
		print_info(g, v, &in);
	return KEEL_OK;
}

static void stats_header(int has_time, uint64_t ns)
{
	if (has_time)
		printf(_("Exits by reason, %" PRIu64 ".%03" PRIu64 " s after "
			 "keel-hv started:\n"), ns / 1000000000u,
		       ns / 1000000u % 1000u);
	else
		printf(_("Exits by reason since keel-hv started:\n"));
}

/* Reasons this keel has no name for (a newer hypervisor appends them)
 * are shown by number. */
static void stats_row(struct json_object *exits, uint32_t reason,
		      uint64_t count)
{
	const char *name = hv_exit_name(reason);
	char num[16];

	if (!name) {
		snprintf(num, sizeof num, "%" PRIu32, reason);
		name = num;
	}
	if (exits)
		json_object_object_add(exits, name,
				       json_object_new_uint64(count));
	else
		printf("  %-16s %20" PRIu64 "\n", name, count);
}

static void stats_done(struct json_object *exits, uint64_t total,
		       int has_time, uint64_t ns)
{
	struct json_object *o;

	if (!exits) {
		printf("  %-16s %20" PRIu64 "\n", _("total"), total);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "running", json_object_new_boolean(1));
	if (has_time)
		json_object_object_add(o, "uptime_ns",
				       json_object_new_uint64(ns));
	json_object_object_add(o, "exits", exits);
	json_object_object_add(o, "total", json_object_new_uint64(total));
	report_print_json(o);
}

static int run_stats(const struct hv_gate *g, const struct hv_version *v,
		     int json, struct keel_error *err)
{
	struct json_object *exits = NULL;
	uint64_t ns = 0, khz = 0, count, total = 0;
	int has_time = (v->features & KEEL_HC_F_TIME) != 0;
	uint32_t r;
	int rc = need_feature(v, KEEL_HC_F_STATS, "stats", err);

	if (rc == KEEL_OK && has_time)
		rc = hv_gate_time(g, &ns, &khz, err);
	if (rc)
		return rc;
	if (json)
		exits = json_object_new_object();
	else
		stats_header(has_time, ns);
	for (r = 0; r < v->n_exits; r++) {
		rc = hv_gate_stat(g, r, &count, err);
		if (rc) {
			json_object_put(exits);
			return rc;
		}
		total += count;
		stats_row(exits, r, count);
	}
	stats_done(exits, total, has_time, ns);
	return KEEL_OK;
}

/* The ring overwrote [want, pos): people learn it on stderr, so that
 * standard output stays the log itself; --json lists it in "gaps". */
static void log_gap(struct hv_log *log, uint64_t want, uint64_t pos)
{
	struct json_object *gap;

	log->lost += pos - want;
	if (!log->json) {
		fprintf(stderr, _("keel: %" PRIu64 " bytes of the hypervisor "
				  "log (positions %" PRIu64 " to %" PRIu64 ") "
				  "were overwritten before they could be "
				  "read\n"), pos - want, want, pos - 1);
		return;
	}
	gap = json_object_new_object();
	json_object_object_add(gap, "position", json_object_new_uint64(want));
	json_object_object_add(gap, "bytes", json_object_new_uint64(pos - want));
	json_object_array_add(log->gaps, gap);
}

static int log_keep(struct hv_log *log, const struct hv_log_chunk *c,
		    struct keel_error *err)
{
	char *grown;

	if (!log->json) {
		fwrite(c->bytes, 1, c->len, stdout);
		return KEEL_OK;
	}
	grown = realloc(log->text, log->len + c->len + 1);
	if (!grown)
		return keel_error_set(err, KEEL_EFAIL,
			_("out of memory reading the hypervisor log"));
	log->text = grown;
	memcpy(log->text + log->len, c->bytes, c->len);
	log->len += c->len;
	log->text[log->len] = '\0';
	return KEEL_OK;
}

/* Follows the stream from position 0: each answer says where its bytes
 * start, which is later than asked when the ring overwrote some. */
static int log_follow(const struct hv_gate *g, struct hv_log *log,
		      struct keel_error *err)
{
	struct hv_log_chunk c;
	uint64_t want = 0, got = 0;
	int rc;

	for (;;) {
		rc = hv_gate_log_read(g, want, &c, err);
		if (rc || c.len == 0)
			break;
		if (c.pos > want)
			log_gap(log, want, c.pos);
		if (got == 0)
			log->first = c.pos;
		rc = log_keep(log, &c, err);
		if (rc)
			break;
		want = c.pos + c.len;
		got += c.len;
		if (got >= LOG_READ_MAX) {
			log->truncated = 1;
			break;
		}
	}
	log->next = want;
	return rc;
}

static void log_json(struct hv_log *log)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "running", json_object_new_boolean(1));
	json_object_object_add(o, "first_position",
			       json_object_new_uint64(log->first));
	json_object_object_add(o, "next_position",
			       json_object_new_uint64(log->next));
	json_object_object_add(o, "lost_bytes",
			       json_object_new_uint64(log->lost));
	json_object_object_add(o, "gaps", log->gaps);
	json_object_object_add(o, "truncated",
			       json_object_new_boolean(log->truncated));
	json_object_object_add(o, "text", json_object_new_string_len(
		log->text ? log->text : "", (int)log->len));
	log->gaps = NULL;
	report_print_json(o);
}

static int run_log(const struct hv_gate *g, const struct hv_version *v,
		   int json, struct keel_error *err)
{
	struct hv_log log = { .json = json };
	int rc = need_feature(v, KEEL_HC_F_LOG, "log", err);

	if (rc)
		return rc;
	if (json)
		log.gaps = json_object_new_array();
	rc = log_follow(g, &log, err);
	if (rc == KEEL_OK && log.truncated)
		fprintf(stderr, _("keel: stopped reading the hypervisor log "
				  "after %d bytes: it grows faster than keel "
				  "reads it\n"), LOG_READ_MAX);
	if (rc == KEEL_OK && json)
		log_json(&log);
	else if (rc == KEEL_OK)
		fflush(stdout);
	json_object_put(log.gaps);
	free(log.text);
	return rc;
}

/* With --json a refusal is a JSON answer too (as in `keel verify`), so
 * scripts learn from standard output whether keel-hv runs at all. */
static void print_refusal(int running, const struct keel_error *err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "running", json_object_new_boolean(running));
	json_object_object_add(o, "exit_code", json_object_new_int(err->code));
	json_object_object_add(o, "error", json_object_new_string(err->msg));
	report_print_json(o);
}

int cmd_hv(int argc, char **argv)
{
	struct hv_args a;
	struct keel_error err = { 0 };
	struct hv_gate g;
	struct hv_version v;
	int rc, running;

	rc = parse_args(argc, argv, &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	rc = hv_gate_detect(&g, &err);
	running = rc != KEEL_ENOHV;
	if (rc == KEEL_OK)
		rc = hv_gate_open(&g, &err);
	if (rc == KEEL_OK)
		rc = hv_gate_version(&g, &v, &err);
	if (rc == KEEL_OK)
		rc = a.run(&g, &v, a.json, &err);
	if (rc && a.json)
		print_refusal(running, &err);
	return cli_finish("keel", rc, &err);
}
