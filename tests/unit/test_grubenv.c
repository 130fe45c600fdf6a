/* test_grubenv.c: keel's GRUB environment block against the real
 * grub-editenv, both ways: what one writes, the other reads the same. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grubenv.h"
#include "tests/tap.h"
#include "undo_grubenv.h"

static char dir[] = "/tmp/keel-grubenv-XXXXXX";
static char file[64];

/* Runs grub-editenv FILE ARGS...; its stdout into *out (may be NULL). */
static int editenv(char **out, const char *const *args)
{
	const char *argv[16] = { "grub-editenv", file };
	size_t i, n = 0, cap = 4096;
	int pipefd[2], status;
	ssize_t got;
	pid_t pid;
	char *buf = malloc(cap);

	for (i = 0; args[i] && i < 13; i++)
		argv[i + 2] = args[i];
	if (!buf || pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(pipefd[1], STDOUT_FILENO);
		dup2(null, STDERR_FILENO);  /* its refusals are expected */
		close(pipefd[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while ((got = read(pipefd[0], buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (n + 1 == cap && !(buf = realloc(buf, cap *= 2)))
			return -1;
	}
	close(pipefd[0]);
	buf[n] = '\0';
	waitpid(pid, &status, 0);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *buf, size_t len)
{
	FILE *f = fopen(file, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		printf("Bail out! cannot write %s\n", file);
		exit(1);
	}
}

static char *read_file(size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf = malloc(8192);

	*len = f && buf ? fread(buf, 1, 8192, f) : 0;
	if (f)
		fclose(f);
	return buf;
}

/* What grub-editenv list prints for env: NAME=VALUE lines, raw. */
static char *our_list(const struct grubenv *env)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < env->n; i++)
		if (env->vars[i].name)
			len += strlen(env->vars[i].name) +
			       strlen(env->vars[i].value) + 2;
	s = calloc(1, len);
	for (i = 0; s && i < env->n; i++) {
		if (!env->vars[i].name)
			continue;  /* a comment line: not listed */
		strcat(s, env->vars[i].name);
		strcat(s, "=");
		strcat(s, env->vars[i].value);
		strcat(s, "\n");
	}
	return s;
}

static const char *const tricky[][2] = {
	{ "saved_entry", "keel-1.0" },
	{ "next_entry", "keel-1.1" },
	{ "backslash", "C:\\path\\" },
	{ "newline", "line one\nline two\n" },
	{ "equals", "a=b=c" },
	{ "hash", "#not a comment" },
	{ "spaces", "  two  " },
	{ "utf8", "Gr\xc3\xbc\xc3\x9f" "e" },
	{ "empty", "" },
};
#define N_TRICKY (sizeof tricky / sizeof tricky[0])

/* keel writes, grub-editenv reads. */
static void test_keel_writes(void)
{
	struct keel_error err = { 0 };
	struct grubenv env;
	char *block, *listed, *want;
	size_t i;

	grubenv_init(&env);
	for (i = 0; i < N_TRICKY; i++)
		grubenv_set(&env, tricky[i][0], tricky[i][1]);
	is_int(grubenv_format(&env, file, &block, &err), KEEL_OK,
	       "a block with tricky values is formatted");
	ok(memcmp(block, GRUBENV_SIGNATURE, 25) == 0 && block[1023] == '#',
	   "1024 bytes: the signature, then the variables, then '#' padding");
	write_file(block, GRUBENV_SIZE);
	want = our_list(&env);
	is_int(editenv(&listed, (const char *const[]){ "list", NULL }), 0,
	       "grub-editenv lists what keel wrote");
	is_str(listed, want, "grub-editenv reads every name and value keel wrote");
	free(listed);
	free(want);
	free(block);
	grubenv_free(&env);
}

/* grub-editenv writes, keel reads; and keel rewrites it byte for byte. */
static void test_editenv_writes(void)
{
	const char *set[N_TRICKY + 2] = { "set" };
	struct keel_error err = { 0 };
	struct grubenv env;
	char *block, *raw, *listed, pairs[N_TRICKY][128];
	size_t i, len;

	for (i = 0; i < N_TRICKY; i++) {
		snprintf(pairs[i], sizeof pairs[i], "%s=%s", tricky[i][0],
			 tricky[i][1]);
		set[i + 1] = pairs[i];
	}
	unlink(file);
	is_int(editenv(NULL, (const char *const[]){ "create", NULL }), 0,
	       "grub-editenv creates a block");
	is_int(editenv(NULL, set), 0, "grub-editenv sets tricky values");
	raw = read_file(&len);
	is_int(grubenv_parse(raw, len, file, &env, &err), KEEL_OK,
	       "keel reads the block grub-editenv wrote");
	ok(env.n >= N_TRICKY, "every variable (and %zu comment lines)",
	   env.n - N_TRICKY);
	for (i = 0; i < N_TRICKY; i++)
		is_str(grubenv_get(&env, tricky[i][0]), tricky[i][1],
		       "%s read back", tricky[i][0]);
	is_int(grubenv_format(&env, file, &block, &err), KEEL_OK,
	       "and formats it again");
	if (!ok(len == GRUBENV_SIZE && memcmp(block, raw, len) == 0,
		"keel's block is byte for byte grub-editenv's"))
		diag("grub-editenv wrote %zu bytes: %.200s", len, raw);
	free(block);
	free(raw);
	grubenv_free(&env);

	editenv(NULL, (const char *const[]){ "unset", "equals", NULL });
	raw = read_file(&len);
	grubenv_parse(raw, len, file, &env, &err);
	listed = our_list(&env);
	ok(!grubenv_get(&env, "equals") && strstr(listed, "newline=line one\n"
	   "line two\n\nhash=#not a comment\n") != NULL,
	   "after grub-editenv unset: gone, the others in their order");
	free(listed);
	free(raw);
	grubenv_free(&env);
}

/* grub-editenv sets a value of len bytes into a fresh block: 0 or not. */
static int tool_sets(size_t len)
{
	char arg[1100] = "v=";

	memset(arg + 2, 'x', len);
	arg[len + 2] = '\0';
	unlink(file);
	editenv(NULL, (const char *const[]){ "create", NULL });
	return editenv(NULL, (const char *const[]){ "set", arg, NULL });
}

/* keel formats that value into the block grub-editenv created. */
static int keel_sets(size_t len, struct keel_error *err)
{
	struct grubenv env;
	char value[1100], *raw, *block = NULL;
	size_t n;
	int rc;

	unlink(file);
	editenv(NULL, (const char *const[]){ "create", NULL });
	raw = read_file(&n);
	grubenv_parse(raw, n, file, &env, err);
	free(raw);
	memset(value, 'x', len);
	value[len] = '\0';
	grubenv_set(&env, "v", value);
	rc = grubenv_format(&env, file, &block, err);
	if (rc == KEEL_OK) {
		write_file(block, GRUBENV_SIZE);
		editenv(&raw, (const char *const[]){ "list", NULL });
		if (strlen(raw) != len + 3)  /* "v=" value "\n" */
			rc = -1;
		free(raw);
	}
	free(block);
	grubenv_free(&env);
	return rc;
}

/* Both give up at the same size: the largest value grub-editenv takes
 * fits keel's block exactly, and one byte more fits neither. */
static void test_capacity(void)
{
	struct keel_error err = { 0 };
	size_t most = 0, len;

	for (len = 900; len < 1024; len++)
		if (tool_sets(len) == 0)
			most = len;
	ok(most > 900, "grub-editenv takes a value of at most %zu bytes", most);
	is_int(keel_sets(most, &err), KEEL_OK,
	       "keel takes %zu bytes too, and grub-editenv reads them back",
	       most);
	is_int(keel_sets(most + 1, &err), KEEL_ENOTAPPLICABLE,
	       "keel refuses %zu bytes, as grub-editenv does", most + 1);
	ok(strstr(err.msg, "do not fit into the 1024 bytes") != NULL, "%s",
	   err.msg);
}

/* Odd blocks: keel reads exactly what grub-editenv lists. */
static void test_odd_blocks(void)
{
	static const char *const odd[] = {
		"a=1\n# a comment\nb=2\n",
		"a=1\nbroken line without equals\nb=2\n",
		"a=1\nb=no newline at the end",
		"a=1\na=2\n",
		"=empty name\n",
		"name with spaces=v\n",
		"t=ends in a backslash\\",
		"e=escaped \\# and \\\\ and \\\n newline\n",
		"",
	};
	struct keel_error err = { 0 };
	struct grubenv env;
	char block[GRUBENV_SIZE], *listed, *ours;
	size_t i;

	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		memset(block, '#', sizeof block);
		memcpy(block, GRUBENV_SIGNATURE, 25);
		memcpy(block + 25, odd[i], strlen(odd[i]));
		write_file(block, sizeof block);
		editenv(&listed, (const char *const[]){ "list", NULL });
		is_int(grubenv_parse(block, sizeof block, file, &env, &err),
		       KEEL_OK, "odd block %zu parses", i);
		ours = our_list(&env);
		is_str(ours, listed, "odd block %zu: keel reads what "
		       "grub-editenv lists", i);
		free(ours);
		free(listed);
		grubenv_free(&env);
	}
}

static void test_api(void)
{
	struct keel_error err = { 0 };
	struct grubenv env;
	static const char dup[] = GRUBENV_SIGNATURE "a=1\nb=2\na=3\n";

	grubenv_parse(dup, sizeof dup - 1, file, &env, &err);
	is_str(grubenv_get(&env, "a"), "3", "the last of two equal names "
	       "wins, as in GRUB's load_env");
	grubenv_set(&env, "a", "4");
	ok(env.n == 2 && strcmp(env.vars[0].name, "a") == 0 &&
	   strcmp(grubenv_get(&env, "a"), "4") == 0,
	   "set keeps the first in place and drops the stale copy");
	is_int(grubenv_unset(&env, "a"), 1, "unset");
	is_int(grubenv_unset(&env, "a"), 0, "unset again: nothing there");
	is_int(grubenv_set(&env, "x=y", "1"), -1, "a name with '=' is refused");
	is_int(grubenv_set(&env, "#x", "1"), -1, "a name starting with '#'");
	is_int(grubenv_set(&env, "", "1"), -1, "an empty name");
	grubenv_free(&env);
	is_int(grubenv_parse("# GRUB Environment\n", 19, "/boot/grub/grubenv",
			     &env, &err), KEEL_ENOTAPPLICABLE,
	       "a block without the signature is refused");
	ok(strstr(err.msg, "/boot/grub/grubenv is not a GRUB environment "
		  "block") && strstr(err.msg, "grub-editenv /boot/grub/grubenv "
				     "create"), "%s", err.msg);
}

/* A 1024-byte block holding the NAME, VALUE pairs (NULL-terminated). */
static char *env_of(const char *const *pairs)
{
	struct keel_error err = { 0 };
	struct grubenv env;
	char *out = NULL;

	grubenv_init(&env);
	for (; *pairs; pairs += 2)
		grubenv_set(&env, pairs[0], pairs[1]);
	grubenv_format(&env, file, &out, &err);
	grubenv_free(&env);
	return out;
}

/* undo_grubenv_merge of now and then (NULL: no file), the keel entries
 * keel-1.1.0 and its title going away. */
static enum undo_env_outcome undo(const char *now, const char *then,
				  char **out, int *rc)
{
	struct keel_error err = { 0 };
	struct undo_gone gone = { 0 };
	struct undo_env_in in = { now, now ? GRUBENV_SIZE : 0, then,
				  then ? GRUBENV_SIZE : 0, file };
	enum undo_env_outcome o;
	size_t len;

	undo_gone_add(&gone, "keel-1.1.0");
	undo_gone_add(&gone, "keel 1.1.0: Debian GNU/Linux");
	*rc = undo_grubenv_merge(&in, &gone, out, &len, &o, &err);
	undo_gone_free(&gone);
	if (*out && len != GRUBENV_SIZE)
		printf("# merged block of %zu bytes\n", len);
	return o;
}

/* What grub-editenv list says of a block keel wrote. */
static char *editenv_list(const char *block)
{
	char *listed = NULL;

	write_file(block, GRUBENV_SIZE);
	if (editenv(&listed, (const char *const[]){ "list", NULL }) != 0) {
		free(listed);
		return NULL;
	}
	return listed;
}

static void test_undo(void)
{
	char *now = env_of((const char *const[]){ "next_entry", "keel-1.1.0",
		"saved_entry", "rescue", "admin", "kept", NULL });
	char *then = env_of((const char *const[]){ "next_entry", "keel-1.0.0",
						   NULL });
	char *out = NULL, *listed, garbage[GRUBENV_SIZE];
	int rc;

	ok(undo(now, then, &out, &rc) == UNDO_ENV_WRITE && !rc && out,
	   "undo: keel's next_entry naming a gone entry is undone on the file "
	   "as it is");
	listed = out ? editenv_list(out) : NULL;
	is_str(listed, "next_entry=keel-1.0.0\nsaved_entry=rescue\nadmin=kept\n",
	       "  grub-editenv lists the saved next_entry again, in its place, "
	       "and the administrator's variables");
	free(listed);
	free(out);
	free(then);
	then = env_of((const char *const[]){ "next_entry",
		"keel 1.1.0: Debian GNU/Linux", "admin", "old", NULL });
	undo(now, then, &out, &rc);
	listed = out ? editenv_list(out) : NULL;
	is_str(listed, "saved_entry=rescue\nadmin=kept\n",
	       "  a saved next_entry naming a gone entry (by title) is unset");
	free(listed);
	free(out);
	is_int(undo(now, NULL, &out, &rc), UNDO_ENV_WRITE,
	       "a grubenv keel created that the administrator added to stays");
	free(out);
	free(now);
	free(then);

	now = env_of((const char *const[]){ "next_entry", "keel-1.1.0", NULL });
	ok(undo(now, NULL, &out, &rc) == UNDO_ENV_SAVED && !out && !rc,
	   "one that holds only keel's next_entry goes, as planned");
	then = env_of((const char *const[]){ NULL });
	ok(undo(now, then, &out, &rc) == UNDO_ENV_SAVED && !out,
	   "a result equal to the saved copy lets the saved copy go back");
	free(now);
	now = env_of((const char *const[]){ "next_entry", "rescue", NULL });
	ok(undo(now, then, &out, &rc) == UNDO_ENV_NOW && !out,
	   "a next_entry that names no gone entry is the administrator's: "
	   "the file stays as it is");
	ok(undo(NULL, then, &out, &rc) == UNDO_ENV_NOW && !out && !rc,
	   "a grubenv removed since stays removed");
	memset(garbage, 'x', sizeof garbage);
	ok(undo(garbage, then, &out, &rc) == UNDO_ENV_SAVED &&
	   rc == KEEL_ENOTAPPLICABLE, "a file that is no GRUB environment "
	   "block: refused, and the plan's step stands");
	free(now);
	free(then);
}

static void test_stale(void)
{
	struct undo_gone gone = { 0 };
	char *env = env_of((const char *const[]){ "saved_entry", "keel-1.1.0",
						  NULL });
	char *v;

	undo_gone_add(&gone, "keel-1.1.0");
	v = undo_grubenv_stale(env, GRUBENV_SIZE, &gone);
	is_str(v, "keel-1.1.0", "a saved_entry naming a gone entry is found");
	free(v);
	free(env);
	env = env_of((const char *const[]){ "saved_entry", "keel-1.0.0", NULL });
	ok(!undo_grubenv_stale(env, GRUBENV_SIZE, &gone),
	   "one naming an entry that stays is not");
	free(env);
	undo_gone_free(&gone);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("Bail out! cannot make a temporary directory\n");
		return 1;
	}
	snprintf(file, sizeof file, "%s/grubenv", dir);
	if (editenv(NULL, (const char *const[]){ "create", NULL }) != 0) {
		printf("Bail out! grub-editenv does not run (install grub-common)\n");
		return 1;
	}
	test_keel_writes();
	test_editenv_writes();
	test_capacity();
	test_odd_blocks();
	test_api();
	test_undo();
	test_stale();
	unlink(file);
	rmdir(dir);
	return done_testing();
}
