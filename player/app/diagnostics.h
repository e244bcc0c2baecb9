// diagnostics: problems found while loading or checking a playlist, each as
// "FILE:LINE: message" (LINE omitted when the whole file is meant).
#ifndef SIGNAGE_APP_DIAGNOSTICS_H
#define SIGNAGE_APP_DIAGNOSTICS_H

#include <stddef.h>

#include "show/parse_report.h"

struct diagnostics;

struct diagnostics *diagnostics_create(void);
void diagnostics_destroy(struct diagnostics *diagnostics);

// Records one problem in file (as the user should see it) at line (0: none).
void diagnostics_add(struct diagnostics *diagnostics, const char *file, int line,
                     const char *format, ...) __attribute__((format(printf, 4, 5)));

// Records every problem of a parser's report against file.
void diagnostics_add_report(struct diagnostics *diagnostics, const char *file,
                            const struct parse_report *report);

size_t diagnostics_count(const struct diagnostics *diagnostics);

// The i-th problem as "FILE:LINE: message"; borrowed until destroy.
const char *diagnostics_at(const struct diagnostics *diagnostics, size_t index);

#endif
