/* peak_rss.c: runs a command and reports its peak resident set size and
 * wall time on stderr, for the benchmarks; exits with the command's status. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

/* The exit status of a shell for a command that could not be executed. */
#define EXIT_NOEXEC 127

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The status a shell would give: the exit code, or 128 + signal. */
static int shell_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static void run_child(char **argv)
{
	execvp(argv[0], argv);
	fprintf(stderr, "peak_rss: cannot run %s: %s\n", argv[0],
		strerror(errno));
	/* _exit: the parent's stdio buffers must not be flushed twice. */
	_exit(EXIT_NOEXEC);
}

/* Waits for PID, retrying on EINTR; the rusage covers the child and its
 * own waited-for children (a shell pipeline), maxrss being their maximum. */
static int wait_child(pid_t pid, int *status, struct rusage *ru)
{
	pid_t r;

	do {
		r = wait4(pid, status, 0, ru);
	} while (r < 0 && errno == EINTR);
	return r == pid ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double start;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: peak_rss CMD [ARG...]\n");
		return 2;
	}
	start = now_s();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "peak_rss: cannot fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		run_child(argv + 1);
	if (wait_child(pid, &status, &ru) != 0) {
		fprintf(stderr, "peak_rss: cannot wait for %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "peak_rss_kib=%ld wall_s=%.3f\n", ru.ru_maxrss,
		now_s() - start);
	return shell_status(status);
}
