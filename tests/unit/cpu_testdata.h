/* cpu_testdata.h: where the unit tests find the shared real CPUID dumps:
 * $KEEL_TESTDATA/cpuid, else $top_srcdir/../shared/testdata/cpuid. */
#ifndef KEEL_TEST_CPU_TESTDATA_H
#define KEEL_TEST_CPU_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static inline int cpu_testdata_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The dump directory in buf, or NULL when neither place has it. */
static inline const char *cpu_testdata_dir(char *buf, size_t size)
{
	const char *base = getenv("KEEL_TESTDATA");
	const char *top = getenv("top_srcdir");

	snprintf(buf, size, "%s/cpuid", base ? base : "");
	if (base && *base && cpu_testdata_is_dir(buf))
		return buf;
	snprintf(buf, size, "%s/../shared/testdata/cpuid", top ? top : ".");
	return cpu_testdata_is_dir(buf) ? buf : NULL;
}

#endif
