// playlist_parser: the line parser state playlist.c (items, sections, the
// walk over the lines) and playlist_settings.c (the settings above the first
// item) share. Not a public header: nothing but those two files includes it.
#ifndef SIGNAGE_SHOW_PLAYLIST_PARSER_H
#define SIGNAGE_SHOW_PLAYLIST_PARSER_H

#include <stdbool.h>
#include <stddef.h>

#include "show/parse_report.h"
#include "show/playlist.h"

#define LINE_TOKENS_MAX   4  // KIND PATH DURATION, plus one to notice extra text
#define SNIPPET_BYTES_MAX 48 // quoted user text in a message; messages hold 160 bytes
// User text quoted in messages, cut at SNIPPET_BYTES_MAX (parse_report.h).
#define snippet(out, text, length) parse_snippet((out), (text), (length), SNIPPET_BYTES_MAX)

// The settings, in the order of setting_names[] (playlist_settings.c).
enum setting {
    SETTING_SLIDE_TIME,
    SETTING_AUDIO,
    SETTING_TRANSITION,
    SETTING_SAFE_MARGIN,
    SETTING_HWDEC,
    SETTING_VOLUME,
    SETTING_RELOAD,
    SETTING_ROTATE,
    SETTING_DISPLAY,
    SETTING_IDLE,
    SETTING_OVERLAY,
    SETTING_COUNT,
};

struct parser {
    struct playlist *playlist;          // being built; owned by playlist_parse()
    struct playlist_settings *settings; // the playlist's, which the settings lines fill
    struct parse_report *report;
    const char *line_text; // current line, without its line ending
    size_t line_length;
    int line;                         // current 1-based line number
    int first_item_line;              // 0 until a line that looks like an item
    int setting_lines[SETTING_COUNT]; // line where each setting was set, or 0
    // The section header items now go under (all 0 above the first one).
    int first_section_line; // 0 until a line starting with '['
    int section_line;       // the current header's line
    int section_column;     // its '[' column
    int section;            // its index in playlist->sections, or -1 (none, or a broken header)
    bool has_section_items; // a line that looks like an item came under it
};

// One whitespace-separated word of a line, as written (quotes included).
struct token {
    const char *text;
    size_t length;
    size_t quoted_length; // quoted: bytes up to and including the closing quote; else 0
};

// ---- playlist.c: what every kind of line needs ----------------------------------

// Records a problem on the current line at the byte at points to, or on the
// whole line (column 0) when at is NULL.
void playlist_parser_report(struct parser *parser, const char *at, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

// Index of the keyword spelled by length bytes of text, or n_keywords.
size_t playlist_parser_keyword_find(const char *text, size_t length, const char *const *keywords,
                                    size_t n_keywords);

// Writes "; did you mean 'x'?" for the nearest keyword, or "" if none is near.
void playlist_parser_suggest(char *out, size_t size, const char *word, size_t length,
                             const char *const *keywords, size_t n_keywords);

// Splits the current line from offset into up to LINE_TOKENS_MAX tokens,
// stopping at a comment. Reports an unterminated quote and returns false.
bool playlist_parser_tokenize(struct parser *parser, size_t offset, struct token *tokens,
                              size_t *n_tokens);

// The token's value: quotes removed and \" \\ unescaped (other backslashes
// stay). Excludes any text after the closing quote. Caller frees.
char *playlist_parser_token_value(const struct token *token);

// "N%" with N a whole number from 0 to max_percent; -1 when it is not one.
int playlist_parser_percent_parse(const char *text, size_t length, int max_percent);

// Lexical checks only: the file itself is app's business. Reports a bad
// path at at and returns false.
bool playlist_parser_path_check(struct parser *parser, const char *at, const char *path);

// ---- playlist_settings.c --------------------------------------------------------

// If the current line from start is KEY = ... (KEY is
// [A-Za-z][A-Za-z0-9_-]*), parses it as a setting into parser->settings,
// reporting any problem, and returns true. Otherwise returns false and
// touches nothing: the line is an item.
bool playlist_settings_parse(struct parser *parser, size_t start);

#endif
