// parse_report: the problems a parser found in one text, each with its line.
// Parsers fill it and never log; app prints each as FILE:LINE: message.
#ifndef SIGNAGE_SHOW_PARSE_REPORT_H
#define SIGNAGE_SHOW_PARSE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#define PARSE_REPORT_MAX_ERRORS 64 // a teacher fixes the first screenful first

struct parse_error {
    int line;   // 1-based line in the parsed text
    int column; // 1-based column in bytes, 0 when the whole line is meant
    char message[160];
};

struct parse_report {
    size_t n_errors;  // how many are stored in errors[]
    size_t n_dropped; // further errors found after errors[] was full
    struct parse_error errors[PARSE_REPORT_MAX_ERRORS];
};

// Empties report (caller's storage).
void parse_report_init(struct parse_report *report);

// Records one problem; message is printf-formatted and truncated to fit.
void parse_report_add(struct parse_report *report, int line, int column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

// Total problems found, stored or dropped.
size_t parse_report_count(const struct parse_report *report);

// ---- Helpers every line parser in show/ shares ----------------------------------

#define PARSE_SNIPPET_BYTES_MAX 48 // quoted user text in a message; messages hold 160 bytes

// A piece of user text, cut short to fit in a message (caller's storage).
struct parse_snippet {
    char text[PARSE_SNIPPET_BYTES_MAX + sizeof "..."];
};

// Copies at most max_bytes (at most PARSE_SNIPPET_BYTES_MAX) of length bytes
// of text into out, never splitting a UTF-8 sequence, with "..." when cut.
// Returns out->text.
const char *parse_snippet(struct parse_snippet *out, const char *text, size_t length,
                          size_t max_bytes);

// A space or a tab: what separates words on a line.
bool parse_is_space(char c);

// The first offset at or after offset in text that is not a space or tab.
size_t parse_skip_spaces(const char *text, size_t length, size_t offset);

// Walks a text line by line, as every line-based format here reads: a UTF-8
// BOM at the start is skipped, "\n" or "\r\n" ends a line, and a last line
// without an end still counts. Caller's storage; the text is borrowed.
struct parse_lines {
    const char *next, *end;
    int line; // 1-based number of the line parse_lines_next() gave last (stops at INT_MAX)
};

// NULL text (with length 0) has no lines.
void parse_lines_init(struct parse_lines *lines, const char *text, size_t length);

// The next line, without its end, in *text and *length (pointing into the
// text); false when none is left.
bool parse_lines_next(struct parse_lines *lines, const char **text, size_t *length);

#endif
