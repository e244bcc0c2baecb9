// diagnostics: a growing list of formatted problem lines.
#include "app/diagnostics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/xalloc.h"

struct diagnostics {
    size_t n_lines;
    char **lines;
};

struct diagnostics *diagnostics_create(void)
{
    return xcalloc(1, sizeof(struct diagnostics));
}

void diagnostics_destroy(struct diagnostics *diagnostics)
{
    if (!diagnostics)
        return;
    for (size_t i = 0; i < diagnostics->n_lines; i++)
        free(diagnostics->lines[i]);
    free(diagnostics->lines);
    free(diagnostics);
}

static void append(struct diagnostics *diagnostics, char *line)
{
    diagnostics->lines =
        xreallocarray(diagnostics->lines, diagnostics->n_lines + 1, sizeof *diagnostics->lines);
    diagnostics->lines[diagnostics->n_lines++] = line;
}

void diagnostics_add(struct diagnostics *diagnostics, const char *file, int line,
                     const char *format, ...)
{
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (line > 0)
        append(diagnostics, xasprintf("%s:%d: %s", file, line, message));
    else
        append(diagnostics, xasprintf("%s: %s", file, message));
}

void diagnostics_add_report(struct diagnostics *diagnostics, const char *file,
                            const struct parse_report *report)
{
    for (size_t i = 0; i < report->n_errors; i++)
        diagnostics_add(diagnostics, file, report->errors[i].line, "%s", report->errors[i].message);
    if (report->n_dropped > 0)
        diagnostics_add(diagnostics, file, 0, "%zu more problems not shown", report->n_dropped);
}

size_t diagnostics_count(const struct diagnostics *diagnostics)
{
    return diagnostics->n_lines;
}

const char *diagnostics_at(const struct diagnostics *diagnostics, size_t index)
{
    return diagnostics->lines[index];
}
