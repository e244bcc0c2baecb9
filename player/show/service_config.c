// service_config: a line-by-line KEY = VALUE parser for the service settings
// file. Knows the keys and their syntax, and splits a command into words;
// what the paths mean is main's, running a command is app/display_power's.
#include "show/service_config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

#define SNIPPET_BYTES_MAX 48 // quoted user text in a message; messages hold 160 bytes
// User text quoted in messages, cut at SNIPPET_BYTES_MAX (parse_report.h).
#define snippet(out, text, length) parse_snippet((out), (text), (length), SNIPPET_BYTES_MAX)

enum key {
    KEY_PLAYLIST,
    KEY_CONTENT,
    KEY_PLAY_LOG,
    KEY_CONTROL,
    KEY_DISPLAY_OFF,
    KEY_DISPLAY_ON,
    KEY_COUNT,
};

static const char *const key_names[KEY_COUNT] = {"playlist", "content",     "play-log",
                                                 "control",  "display-off", "display-on"};
#define KEY_KNOWN_LIST "playlist, content, play-log, control, display-off, display-on"
// Shown when a setting has no value.
static const char *const key_examples[KEY_COUNT] = {
    "playlist = playlists/hallway.playlist",
    "content = /srv/signage/content",
    "play-log = /var/log/signage/play.jsonl",
    "control = /run/signage/control.sock",
    "display-off = /usr/bin/cec-ctl --to 0 --standby",
    "display-on = /usr/bin/cec-ctl --to 0 --image-view-on"};

// A command's value is kept as written: its quotes are the command's words.
static bool key_is_command(size_t key)
{
    return key == KEY_DISPLAY_OFF || key == KEY_DISPLAY_ON;
}

struct service_config {
    char *values[KEY_COUNT]; // owned; NULL when not set
};

struct parser {
    struct service_config *config;
    struct parse_report *report;
    const char *line_text; // current line, without its line ending
    size_t line_length;
    int line;                 // current 1-based line number
    int key_lines[KEY_COUNT]; // line where each key was set, or 0
};

// End of text[start, end) without its trailing spaces.
static size_t trim_end(const char *text, size_t start, size_t end)
{
    while (end > start && parse_is_space(text[end - 1]))
        end--;
    return end;
}

#define WHOLE_LINE SIZE_MAX // report()'s offset for a problem of the whole line

// Records a problem on the current line at byte offset (0-based), or on the
// whole line (column 0) when offset is WHOLE_LINE.
static void report(struct parser *parser, size_t offset, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct parser *parser, size_t offset, const char *format, ...)
{
    char message[sizeof parser->report->errors[0].message];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    int column = 0;
    if (offset != WHOLE_LINE)
        column = offset < INT_MAX ? (int)offset + 1 : INT_MAX;
    parse_report_add(parser->report, parser->line, column, "%s", message);
}

// Reports a NUL byte or invalid UTF-8 on the current line; true if it is clean.
static bool line_check_encoding(struct parser *parser)
{
    const char *text = parser->line_text;
    size_t length = parser->line_length;
    const char *nul = memchr(text, '\0', length);
    if (nul) {
        report(parser, (size_t)(nul - text),
               "line contains a NUL byte (save the file as plain UTF-8 text)");
        return false;
    }
    for (size_t offset = 0, start = 0; offset < length; start = offset) {
        if (utf8_next(text, length, &offset) == UTF8_INVALID) {
            report(parser, start, "line is not valid UTF-8 (save the file as UTF-8)");
            return false;
        }
    }
    return true;
}

// Index of the key spelled by length bytes of text, or KEY_COUNT.
static size_t key_find(const char *text, size_t length)
{
    size_t i = 0;
    while (i < KEY_COUNT &&
           !(strlen(key_names[i]) == length && memcmp(key_names[i], text, length) == 0))
        i++;
    return i;
}

// The value between quotes starting at text[start] ('"'), unescaping a
// backslash before '"' or another backslash (other backslashes stay).
// Reports an unterminated quote or text after the closing quote and returns
// NULL. Caller frees.
static char *quoted_value(struct parser *parser, size_t start, size_t end)
{
    const char *text = parser->line_text;
    char *value = xcalloc(end - start, 1);
    size_t out = 0, i = start + 1;
    for (; i < end && text[i] != '"'; i++) {
        if (text[i] == '\\' && i + 1 < end && (text[i + 1] == '"' || text[i + 1] == '\\'))
            i++;
        value[out++] = text[i];
    }
    struct parse_snippet shown;
    size_t after = i < end ? parse_skip_spaces(text, end, i + 1) : end; // end is trimmed
    if (i == end)
        report(parser, start, "unterminated quote (add a closing \")");
    else if (after < end)
        report(parser, after, "unexpected '%s' after the closing quote (quote the whole value)",
               snippet(&shown, text + after, end - after));
    else
        return value;
    free(value);
    return NULL;
}

// KEY = VALUE: KEY starts at key_start, '=' is at equals. A repeated key
// keeps its first line's value.
static void parse_setting(struct parser *parser, size_t key_start, size_t equals)
{
    const char *text = parser->line_text;
    size_t key_end = trim_end(text, key_start, equals);
    struct parse_snippet shown;
    if (key_end == key_start) {
        report(parser, equals, "missing setting name before '=' (known: " KEY_KNOWN_LIST ")");
        return;
    }
    size_t key = key_find(text + key_start, key_end - key_start);
    if (key == KEY_COUNT) {
        report(parser, key_start, "unknown setting '%s' (known: " KEY_KNOWN_LIST ")",
               snippet(&shown, text + key_start, key_end - key_start));
        return;
    }
    if (parser->key_lines[key]) {
        report(parser, WHOLE_LINE, "'%s' is already set on line %d; give each setting once",
               key_names[key], parser->key_lines[key]);
        return;
    }
    parser->key_lines[key] = parser->line;
    size_t value_start = parse_skip_spaces(text, parser->line_length, equals + 1);
    size_t value_end = trim_end(text, value_start, parser->line_length);
    char *value = value_start < value_end && text[value_start] == '"' && !key_is_command(key)
                      ? quoted_value(parser, value_start, value_end)
                      : xstrndup(text + value_start, value_end - value_start);
    if (value && value[0] == '\0') {
        report(parser, WHOLE_LINE, "'%s' needs a value, e.g. %s", key_names[key],
               key_examples[key]);
        free(value);
        value = NULL;
    }
    const char *why = NULL;
    char **words = value && key_is_command(key) ? service_config_command_split(value, &why) : NULL;
    free(words);
    if (why) {
        report(parser, value_start, "'%s': %s", key_names[key], why);
        free(value);
        value = NULL;
    }
    parser->config->values[key] = value;
}

static void parse_line(struct parser *parser)
{
    const char *text = parser->line_text;
    size_t length = parser->line_length;
    if (!line_check_encoding(parser))
        return;
    size_t start = parse_skip_spaces(text, length, 0);
    if (start == length || text[start] == '#')
        return;
    const char *equals = memchr(text + start, '=', length - start);
    if (equals)
        parse_setting(parser, start, (size_t)(equals - text));
    else
        report(parser, WHOLE_LINE, "missing '=': write each setting as KEY = VALUE, e.g. %s",
               key_examples[KEY_PLAYLIST]);
}

struct service_config *service_config_parse(const char *text, size_t length,
                                            struct parse_report *report)
{
    struct service_config *config = xcalloc(1, sizeof *config);
    struct parser parser = {.config = config, .report = report};
    parse_report_init(report);
    struct parse_lines lines;
    parse_lines_init(&lines, text, text ? length : 0); // NULL text is an empty file
    while (parse_lines_next(&lines, &parser.line_text, &parser.line_length)) {
        parser.line = lines.line;
        parse_line(&parser);
    }
    if (parse_report_count(report) == 0)
        return config;
    service_config_destroy(config);
    return NULL;
}

void service_config_destroy(struct service_config *config)
{
    if (!config)
        return;
    for (size_t i = 0; i < KEY_COUNT; i++)
        free(config->values[i]);
    free(config);
}

const char *service_config_playlist(const struct service_config *config)
{
    return config->values[KEY_PLAYLIST];
}

const char *service_config_content(const struct service_config *config)
{
    return config->values[KEY_CONTENT];
}

const char *service_config_play_log(const struct service_config *config)
{
    return config->values[KEY_PLAY_LOG];
}

const char *service_config_control(const struct service_config *config)
{
    return config->values[KEY_CONTROL];
}

const char *service_config_display_off(const struct service_config *config)
{
    return config->values[KEY_DISPLAY_OFF];
}

const char *service_config_display_on(const struct service_config *config)
{
    return config->values[KEY_DISPLAY_ON];
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

// Splits command into words written to chars (when not NULL, each NUL-ended)
// and counts them in *n_words; returns the bytes the words take with their
// NULs, or SIZE_MAX with *why set for an unterminated quote.
static size_t split_words(const char *command, char *chars, size_t *n_words, const char **why)
{
    size_t used = 0, i = 0;
    *n_words = 0;
    for (;;) {
        while (is_blank(command[i]))
            i++;
        if (command[i] == '\0')
            return used;
        (*n_words)++;
        bool is_quoted = false;
        for (; command[i] && (is_quoted || !is_blank(command[i])); i++) {
            if (command[i] == '"') {
                is_quoted = !is_quoted;
                continue;
            }
            if (is_quoted && command[i] == '\\' &&
                (command[i + 1] == '"' || command[i + 1] == '\\'))
                i++;
            if (chars)
                chars[used] = command[i];
            used++;
        }
        if (is_quoted) {
            *why = "unterminated quote in the command (add a closing \")";
            return SIZE_MAX;
        }
        if (chars)
            chars[used] = '\0';
        used++;
    }
}

char **service_config_command_split(const char *command, const char **why)
{
    size_t n_words;
    size_t n_chars = split_words(command, NULL, &n_words, why);
    if (n_chars == SIZE_MAX)
        return NULL;
    if (n_words == 0) {
        *why = "the command is empty";
        return NULL;
    }
    // One block: the pointers, their NULL, then the words they point into.
    char **words = xcalloc(1, (n_words + 1) * sizeof *words + n_chars);
    char *chars = (char *)(words + n_words + 1);
    split_words(command, chars, &n_words, why);
    for (size_t i = 0; i < n_words; i++) {
        words[i] = chars;
        chars += strlen(chars) + 1;
    }
    words[n_words] = NULL;
    return words;
}
