// xalloc: thin wrappers that turn allocation failure into abort().
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *pointer)
{
    if (!pointer) {
        fputs("<2>out of memory\n", stderr);
        abort();
    }
    return pointer;
}

void *xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1));
}

void *xreallocarray(void *pointer, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return check(NULL);
    size_t bytes = n * size;
    return check(realloc(pointer, bytes ? bytes : 1));
}

char *xstrdup(const char *text)
{
    return xstrndup(text, strlen(text));
}

char *xstrndup(const char *text, size_t length)
{
    char *copy = check(malloc(length + 1));
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *xasprintf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (n < 0)
        return check(NULL);
    char *text = check(malloc((size_t)n + 1));
    va_start(args, format);
    vsnprintf(text, (size_t)n + 1, format, args);
    va_end(args);
    return text;
}
