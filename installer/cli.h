/* cli.h: what every keel program does at start and end: locale set-up,
 * error printing, and the options all commands share. */
#ifndef KEEL_CLI_H
#define KEEL_CLI_H

#include "error.h"

/* setlocale, bindtextdomain, textdomain. */
void cli_init_i18n(void);

/* Prints the error (if any) with the program name and returns its exit
 * code, so main can end with `return cli_finish("keel", rc, &err);`. */
int cli_finish(const char *prog, int rc, const struct keel_error *err);

/* Refuses a --root that is not an existing directory (KEEL_EUSAGE). */
int cli_check_root(const char *root, struct keel_error *err);

#endif
