// xalloc: allocation that aborts on out-of-memory. On a signage box an OOM is
// unrecoverable; systemd restarts the player. Callers never check for NULL.
#ifndef SIGNAGE_BASE_XALLOC_H
#define SIGNAGE_BASE_XALLOC_H

#include <stddef.h>

// Zeroed array of n elements of size bytes. Caller frees with free().
void *xcalloc(size_t n, size_t size);
// realloc to n elements of size bytes (overflow-checked).
void *xreallocarray(void *pointer, size_t n, size_t size);
// Copy of a NUL-terminated string. Caller frees.
char *xstrdup(const char *text);
// Copy of length bytes of text, NUL-terminated. Caller frees.
char *xstrndup(const char *text, size_t length);
// printf into a new string. Caller frees.
char *xasprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
