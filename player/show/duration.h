// duration: "8s", "1500ms", "2m", "1.5s", "1h" -> milliseconds. Pure.
#ifndef SIGNAGE_SHOW_DURATION_H
#define SIGNAGE_SHOW_DURATION_H

#include <stddef.h>
#include <stdint.h>

#define DURATION_MAX_MS (INT64_C(24) * 3600 * 1000) // longer than a day is a typo

// Parses length bytes of text (no surrounding spaces) as a duration with a
// unit (ms, s, m, h); a bare number is refused so "8" never means 8 ms.
// Returns the duration in ms (> 0), or -1 with a reason in why (static text).
int64_t duration_parse_ms(const char *text, size_t length, const char **why);

#endif
