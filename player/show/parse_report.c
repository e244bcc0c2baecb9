// parse_report: fixed-size storage for parser problems; no allocation so a
// parser can report even when the input is huge.
#include "show/parse_report.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void parse_report_init(struct parse_report *report)
{
    memset(report, 0, sizeof *report);
}

void parse_report_add(struct parse_report *report, int line, int column, const char *format, ...)
{
    if (report->n_errors == PARSE_REPORT_MAX_ERRORS) {
        report->n_dropped++;
        return;
    }
    struct parse_error *error = &report->errors[report->n_errors++];
    error->line = line;
    error->column = column;
    va_list args;
    va_start(args, format);
    vsnprintf(error->message, sizeof error->message, format, args);
    va_end(args);
}

size_t parse_report_count(const struct parse_report *report)
{
    return report->n_errors + report->n_dropped;
}

const char *parse_snippet(struct parse_snippet *out, const char *text, size_t length,
                          size_t max_bytes)
{
    max_bytes = max_bytes < PARSE_SNIPPET_BYTES_MAX ? max_bytes : PARSE_SNIPPET_BYTES_MAX;
    size_t cut = length;
    if (length > max_bytes) {
        cut = max_bytes;
        while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--; // never split a UTF-8 sequence
    }
    memcpy(out->text, text, cut);
    strcpy(out->text + cut, cut < length ? "..." : "");
    return out->text;
}

bool parse_is_space(char c)
{
    return c == ' ' || c == '\t';
}

size_t parse_skip_spaces(const char *text, size_t length, size_t offset)
{
    while (offset < length && parse_is_space(text[offset]))
        offset++;
    return offset;
}

void parse_lines_init(struct parse_lines *lines, const char *text, size_t length)
{
    *lines = (struct parse_lines){.next = text, .end = text ? text + length : NULL};
    if (text && length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        lines->next += 3;
}

bool parse_lines_next(struct parse_lines *lines, const char **text, size_t *length)
{
    if (lines->next >= lines->end)
        return false;
    const char *newline = memchr(lines->next, '\n', (size_t)(lines->end - lines->next));
    const char *line_end = newline ? newline : lines->end;
    *text = lines->next;
    *length = (size_t)(line_end - lines->next);
    if (*length && (*text)[*length - 1] == '\r')
        (*length)--;
    lines->line += lines->line < INT_MAX;
    lines->next = newline ? newline + 1 : lines->end;
    return true;
}
