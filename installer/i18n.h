/* i18n.h: the gettext macros every user-facing string goes through.
 * _() translates at run time; N_() marks a string for extraction only. */
#ifndef KEEL_I18N_H
#define KEEL_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
