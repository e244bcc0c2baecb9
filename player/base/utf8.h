// utf8: decoding one code point at a time, for code that walks text.
#ifndef SIGNAGE_BASE_UTF8_H
#define SIGNAGE_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID UINT32_C(0xFFFFFFFF)

// Decodes the code point at text[*offset] (length bytes in all) and advances
// *offset past it. Returns UTF8_INVALID for a malformed, overlong or surrogate
// sequence (then *offset advances by one byte).
uint32_t utf8_next(const char *text, size_t length, size_t *offset);

// True when length bytes of text are well-formed UTF-8.
bool utf8_is_valid(const char *text, size_t length);

#endif
