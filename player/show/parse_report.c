// parse_report: fixed-size storage for parser problems; no allocation so a
// parser can report even when the input is huge.
#include "show/parse_report.h"

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
