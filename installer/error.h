/* error.h: the one error-handling style of keel.
 * A function that can fail returns 0 on success or a keel exit code, after
 * filling a struct keel_error with a complete, translated sentence. */
#ifndef KEEL_ERROR_H
#define KEEL_ERROR_H

#include <stddef.h>

/* Exit codes of keel and keel-pack, documented in keel(8). */
enum keel_exit {
	KEEL_OK = 0,
	KEEL_EFAIL = 1,     /* I/O error, out of memory: the system failed */
	KEEL_EUSAGE = 2,    /* wrong command line */
	KEEL_EPACK = 3,     /* the pack is malformed, damaged or over a limit */
	KEEL_ETRUST = 4,    /* signature invalid, or signer not trusted */
	KEEL_ENOHV = 5,     /* keel hv: keel-hv is not running on this machine */
	KEEL_ECPU_INCAPABLE = 6,  /* check-cpu: the processor cannot run keel-hv */
	KEEL_ECPU_DISABLED = 7,   /* check-cpu: capable, but off in the firmware */
	KEEL_ECPU_UNKNOWN = 8,    /* check-cpu: something needed was unreadable */
	KEEL_EBUSY = 9,           /* another keel holds the target (--no-wait) */
	KEEL_ENOTAPPLICABLE = 10, /* the pack or the request does not fit the
				     target's installed state */
	KEEL_REBOOT = 11,         /* done; the boot chain changed, the change
				     takes effect at the next boot */
};

#define KEEL_ERROR_MAX 1024

struct keel_error {
	int code;                  /* an enum keel_exit value, KEEL_OK if none */
	char msg[KEEL_ERROR_MAX];  /* what failed, where, why, what to do */
};

/* Records the error and returns code, so callers can write
 * `return keel_error_set(err, KEEL_EPACK, _("..."), ...);`. */
int keel_error_set(struct keel_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like keel_error_set, then appends OpenSSL's queued reason (if any) and
 * clears the OpenSSL error queue. */
int keel_error_openssl(struct keel_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like keel_error_set, then appends strerror(errnum). */
int keel_error_errno(struct keel_error *err, int code, int errnum,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Puts "context: " in front of an error already recorded. */
void keel_error_prefix(struct keel_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void keel_error_clear(struct keel_error *err);

/* Writes "PROG: message" and a newline to stderr. */
void keel_error_print(const struct keel_error *err, const char *prog);

#endif
