// playlist: a line-by-line parser for playlist format v1: the walk over the
// lines, items and section grouping; the settings lines are
// playlist_settings.c's. Checks paths only lexically (no file access); app
// resolves them with content_path. Section headers are parsed by
// show/schedule; here they only group the items.
#include "show/playlist.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "show/duration.h"
#include "show/playlist_parser.h"

#define SUGGEST_DISTANCE_MAX 2      // "did you mean" only for near misses
#define SUGGEST_WORD_MAX     16     // longer words are no near miss of a short keyword
#define SLIDE_NUMBER_MAX     100000 // far beyond any deck; keeps N in an int

struct playlist {
    struct playlist_settings settings;
    struct playlist_item *items; // paths owned here
    size_t n_items;
    size_t capacity;
    struct playlist_section *sections; // specs owned here
    size_t n_sections;
    struct schedule *schedule; // one window per section, same index
};

static const char *const kind_names[] = {"deck", "slide", "image", "video"};
#define KIND_COUNT (sizeof kind_names / sizeof kind_names[0])

static int column_of(const struct parser *parser, const char *at)
{
    size_t offset = (size_t)(at - parser->line_text);
    return offset < INT_MAX ? (int)offset + 1 : INT_MAX;
}

// Records a problem on the current line at the byte at points to, or on the
// whole line (column 0) when at is NULL.
void playlist_parser_report(struct parser *parser, const char *at, const char *format, ...)
{
    char message[sizeof parser->report->errors[0].message];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    parse_report_add(parser->report, parser->line, at ? column_of(parser, at) : 0, "%s", message);
}

// Index of the keyword spelled by length bytes of text, or n_keywords.
size_t playlist_parser_keyword_find(const char *text, size_t length, const char *const *keywords,
                                    size_t n_keywords)
{
    size_t i = 0;
    while (i < n_keywords &&
           !(strlen(keywords[i]) == length && memcmp(keywords[i], text, length) == 0))
        i++;
    return i;
}

// ---- Suggestions ------------------------------------------------------------

// Levenshtein distance; words longer than SUGGEST_WORD_MAX count as far.
static size_t edit_distance(const char *word, size_t length, const char *keyword)
{
    size_t keyword_length = strlen(keyword);
    size_t row[SUGGEST_WORD_MAX + 1];
    if (length > SUGGEST_WORD_MAX || keyword_length > SUGGEST_WORD_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= keyword_length; j++)
        row[j] = j;
    for (size_t i = 1; i <= length; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= keyword_length; j++) {
            size_t substitute = diagonal + (word[i - 1] != keyword[j - 1]);
            size_t insert_or_delete = (row[j] < row[j - 1] ? row[j] : row[j - 1]) + 1;
            diagonal = row[j];
            row[j] = substitute < insert_or_delete ? substitute : insert_or_delete;
        }
    }
    return row[keyword_length];
}

// Writes "; did you mean 'x'?" for the nearest keyword, or "" if none is near.
void playlist_parser_suggest(char *out, size_t size, const char *word, size_t length,
                             const char *const *keywords, size_t n_keywords)
{
    const char *best = NULL;
    size_t best_distance = SUGGEST_DISTANCE_MAX + 1;
    for (size_t i = 0; i < n_keywords; i++) {
        size_t distance = edit_distance(word, length, keywords[i]);
        if (distance < best_distance) {
            best = keywords[i];
            best_distance = distance;
        }
    }
    if (best)
        snprintf(out, size, "; did you mean '%s'?", best);
    else
        out[0] = '\0';
}

// ---- Encoding ---------------------------------------------------------------

// Reports a NUL byte or invalid UTF-8 on the current line; true if it is clean.
static bool line_check_encoding(struct parser *parser)
{
    const char *text = parser->line_text;
    size_t length = parser->line_length;
    const char *nul = memchr(text, '\0', length);
    if (nul) {
        playlist_parser_report(parser, nul,
                               "line contains a NUL byte (save the playlist as plain UTF-8 text)");
        return false;
    }
    for (size_t offset = 0, start = 0; offset < length; start = offset) {
        if (utf8_next(text, length, &offset) == UTF8_INVALID) {
            playlist_parser_report(parser, text + start,
                                   "line is not valid UTF-8 (save the file as UTF-8)");
            return false;
        }
    }
    return true;
}

// ---- Tokens -----------------------------------------------------------------

// Scans a "..." token starting at text[offset]; returns the offset just past
// the closing quote, or 0 if the line ends first.
static size_t quote_end(const char *text, size_t length, size_t offset)
{
    for (size_t i = offset + 1; i < length; i++) {
        if (text[i] == '\\' && i + 1 < length && (text[i + 1] == '"' || text[i + 1] == '\\'))
            i++;
        else if (text[i] == '"')
            return i + 1;
    }
    return 0;
}

// '#' starts a comment at the start of a line or after whitespace; inside a
// word (lesson.md#3) or right after '=' it is text.
static bool is_comment(const char *text, size_t offset)
{
    return text[offset] == '#' && (offset == 0 || parse_is_space(text[offset - 1]));
}

// Splits the current line from offset into up to LINE_TOKENS_MAX tokens,
// stopping at a comment. Reports an unterminated
// quote and returns false.
bool playlist_parser_tokenize(struct parser *parser, size_t offset, struct token *tokens,
                              size_t *n_tokens)
{
    const char *text = parser->line_text;
    size_t length = parser->line_length;
    *n_tokens = 0;
    for (offset = parse_skip_spaces(text, length, offset);
         offset < length && !is_comment(text, offset) && *n_tokens < LINE_TOKENS_MAX;
         offset = parse_skip_spaces(text, length, offset)) {
        struct token *token = &tokens[(*n_tokens)++];
        size_t start = offset;
        *token = (struct token){.text = text + start};
        if (text[start] == '"') {
            offset = quote_end(text, length, start);
            if (offset == 0) {
                playlist_parser_report(parser, text + start,
                                       "unterminated quote (add a closing \")");
                return false;
            }
            token->quoted_length = offset - start;
        }
        while (offset < length && !parse_is_space(text[offset]))
            offset++;
        token->length = offset - start;
    }
    return true;
}

// The token's value: quotes removed and \" \\ unescaped (other backslashes
// stay). Excludes any text after the closing quote. Caller frees.
char *playlist_parser_token_value(const struct token *token)
{
    if (!token->quoted_length)
        return xstrndup(token->text, token->length);
    char *value = xstrndup(token->text + 1, token->quoted_length - 2);
    size_t out = 0;
    for (size_t in = 0; value[in]; in++, out++) {
        if (value[in] == '\\' && (value[in + 1] == '"' || value[in + 1] == '\\'))
            in++;
        value[out] = value[in];
    }
    value[out] = '\0';
    return value;
}

// "N%" with N a whole number from 0 to max_percent; -1 when it is not one.
int playlist_parser_percent_parse(const char *text, size_t length, int max_percent)
{
    int percent = 0;
    size_t i = 0;
    while (i < length && text[i] >= '0' && text[i] <= '9' && percent <= max_percent)
        percent = percent * 10 + (text[i++] - '0');
    if (i == 0 || i + 1 != length || text[i] != '%' || percent > max_percent)
        return -1;
    return percent;
}

// ---- Items ------------------------------------------------------------------

// True if some '/'-separated component of path is "..".
static bool path_has_dot_dot(const char *path)
{
    for (const char *part = path;; part++) {
        if (part[0] == '.' && part[1] == '.' && (part[2] == '/' || part[2] == '\0'))
            return true;
        part = strchr(part, '/');
        if (!part)
            return false;
    }
}

// Lexical checks only: the file itself is app's business.
bool playlist_parser_path_check(struct parser *parser, const char *at, const char *path)
{
    struct parse_snippet shown;
    const char *why = NULL;
    if (path[0] == '\0')
        why = "is empty";
    else if (path[0] == '/')
        why = "is absolute: paths are relative to the content folder";
    else if (path_has_dot_dot(path))
        why = "uses '..': path leaves the content folder";
    if (why)
        playlist_parser_report(parser, at, "path '%s' %s", snippet(&shown, path, strlen(path)),
                               why);
    return !why;
}

// N of PATH#N: a whole number from 1 to SLIDE_NUMBER_MAX, or 0 if it is not.
static int slide_number_parse(const char *text, size_t length)
{
    int number = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9' || number > SLIDE_NUMBER_MAX / 10)
            return 0;
        number = number * 10 + (text[i] - '0');
    }
    return number <= SLIDE_NUMBER_MAX ? number : 0;
}

// Splits "#N" off a slide path: from after the closing quote if there is text
// there (suffix), otherwise from the last '#' of path (cut off in place).
static bool slide_split(struct parser *parser, const char *at, char *path, const char *suffix,
                        size_t suffix_length, int *slide_number)
{
    const char *number = suffix_length ? suffix + 1 : NULL;
    size_t number_length = suffix_length ? suffix_length - 1 : 0;
    char *hash = suffix_length ? NULL : strrchr(path, '#');
    struct parse_snippet shown;
    if (hash) {
        *hash = '\0';
        number = hash + 1;
        number_length = strlen(number);
    }
    if (!number || number_length == 0) {
        playlist_parser_report(parser, at, "slide needs PATH#N, e.g. slide lesson/lesson.md#3");
        return false;
    }
    *slide_number = slide_number_parse(number, number_length);
    if (*slide_number == 0)
        playlist_parser_report(parser, at,
                               "slide number '%s' must be a whole number from 1 (e.g. lesson.md#3)",
                               snippet(&shown, number, number_length));
    return *slide_number != 0;
}

// Fills item->path (and slide_number) from token. Reports and returns false
// on a problem, leaving item->path NULL.
static bool item_take_path(struct parser *parser, const struct token *token,
                           struct playlist_item *item)
{
    const char *at = token->text;
    const char *suffix = token->text + token->quoted_length;
    size_t suffix_length = token->quoted_length ? token->length - token->quoted_length : 0;
    struct parse_snippet shown;
    if (suffix_length && !(item->kind == PLAYLIST_ITEM_SLIDE && suffix[0] == '#')) {
        playlist_parser_report(parser, suffix, "unexpected '%s' after the closing quote",
                               snippet(&shown, suffix, suffix_length));
        return false;
    }
    char *path = playlist_parser_token_value(token);
    bool is_ok = (item->kind != PLAYLIST_ITEM_SLIDE ||
                  slide_split(parser, at, path, suffix, suffix_length, &item->slide_number)) &&
                 playlist_parser_path_check(parser, at, path);
    if (is_ok)
        item->path = path;
    else
        free(path);
    return is_ok;
}

// The optional third word: a duration, except for a video.
static bool item_take_duration(struct parser *parser, const struct token *token,
                               struct playlist_item *item)
{
    const char *at = token->text;
    struct parse_snippet shown;
    const char *why;
    snippet(&shown, token->text, token->length);
    if (item->kind == PLAYLIST_ITEM_VIDEO) {
        playlist_parser_report(parser, at, "a video plays to its end; remove '%s'", shown.text);
        return false;
    }
    item->duration_ms = duration_parse_ms(token->text, token->length, &why);
    if (item->duration_ms < 0)
        playlist_parser_report(parser, at, "duration '%s': %s", shown.text, why);
    return item->duration_ms >= 0;
}

static void playlist_append(struct playlist *playlist, const struct playlist_item *item)
{
    if (playlist->n_items == playlist->capacity) {
        playlist->capacity = playlist->capacity ? playlist->capacity * 2 : 16;
        playlist->items =
            xreallocarray(playlist->items, playlist->capacity, sizeof *playlist->items);
    }
    playlist->items[playlist->n_items++] = *item;
}

// volume=N% on a video: how loud its sound plays, 0% to 100% of the file's level.
static bool item_take_option(struct parser *parser, const struct token *token,
                             struct playlist_item *item)
{
    struct parse_snippet shown;
    snippet(&shown, token->text, token->length);
    static const char volume_key[] = "volume=";
    size_t key_length = sizeof volume_key - 1;
    if (token->length < key_length || memcmp(token->text, volume_key, key_length) != 0) {
        playlist_parser_report(parser, token->text, "unknown item option '%s' (known: volume=N%%)",
                               shown.text);
        return false;
    }
    if (item->kind != PLAYLIST_ITEM_VIDEO) {
        playlist_parser_report(parser, token->text,
                               "only a video has sound to set a volume for; remove '%s'",
                               shown.text);
        return false;
    }
    int percent =
        playlist_parser_percent_parse(token->text + key_length, token->length - key_length, 100);
    if (percent < 0) {
        playlist_parser_report(parser, token->text,
                               "volume must be a percentage from 0%% to 100%%, not '%s'",
                               shown.text);
        return false;
    }
    item->volume_percent = percent;
    return true;
}

static bool is_option(const struct token *token)
{
    return token->quoted_length == 0 && memchr(token->text, '=', token->length) != NULL;
}

// After the path: an optional duration (not for a video), then options.
static bool item_take_extras(struct parser *parser, const struct token *tokens, size_t n_tokens,
                             struct playlist_item *item)
{
    struct parse_snippet shown;
    size_t i = 2;
    if (i < n_tokens && !is_option(&tokens[i]) && !item_take_duration(parser, &tokens[i++], item))
        return false;
    for (; i < n_tokens; i++) {
        if (!is_option(&tokens[i])) {
            playlist_parser_report(parser, tokens[i].text, "unexpected '%s' after the %s",
                                   snippet(&shown, tokens[i].text, tokens[i].length),
                                   item->duration_ms >= 0 ? "duration" : "path");
            return false;
        }
        if (!item_take_option(parser, &tokens[i], item))
            return false;
    }
    return true;
}

static void parse_item(struct parser *parser, size_t offset)
{
    struct token tokens[LINE_TOKENS_MAX];
    size_t n_tokens;
    struct parse_snippet shown;
    struct playlist_item item = {
        .line = parser->line, .duration_ms = -1, .volume_percent = -1, .section = parser->section};
    if (!parser->first_item_line)
        parser->first_item_line = parser->line;
    parser->has_section_items = true;
    if (!playlist_parser_tokenize(parser, offset, tokens, &n_tokens))
        return;
    size_t kind =
        playlist_parser_keyword_find(tokens[0].text, tokens[0].length, kind_names, KIND_COUNT);
    if (kind == KIND_COUNT) {
        char hint[48];
        playlist_parser_suggest(hint, sizeof hint, tokens[0].text, tokens[0].length, kind_names,
                                KIND_COUNT);
        playlist_parser_report(parser, tokens[0].text,
                               "unknown item kind '%s' (expected deck, slide, image or video)%s",
                               snippet(&shown, tokens[0].text, tokens[0].length), hint);
        return;
    }
    item.kind = (enum playlist_item_kind)kind;
    if (n_tokens < 2) {
        playlist_parser_report(parser, NULL, "%s needs a path", kind_names[item.kind]);
        return;
    }
    if (!item_take_path(parser, &tokens[1], &item))
        return;
    if (!item_take_extras(parser, tokens, n_tokens, &item)) {
        free((char *)item.path);
        return;
    }
    playlist_append(parser->playlist, &item);
}

// ---- Sections -----------------------------------------------------------------

// Reports the current section if no line that looks like an item came under
// it (called when it ends: at the next header or the end of the text).
static void section_check_items(struct parser *parser)
{
    struct parse_snippet shown;
    if (parser->section < 0 || parser->has_section_items)
        return;
    const char *spec = parser->playlist->sections[parser->section].spec;
    parse_report_add(parser->report, parser->section_line, parser->section_column,
                     "section [%s] has no items: put items under it, or remove it",
                     snippet(&shown, spec, strlen(spec)));
}

static void section_append(struct parser *parser, const struct schedule_window *window,
                           const char *spec, size_t spec_length)
{
    struct playlist *playlist = parser->playlist;
    while (spec_length && parse_is_space(spec[spec_length - 1]))
        spec_length--;
    size_t start = parse_skip_spaces(spec, spec_length, 0);
    playlist->sections =
        xreallocarray(playlist->sections, playlist->n_sections + 1, sizeof *playlist->sections);
    playlist->sections[playlist->n_sections] = (struct playlist_section){
        .line = parser->line, .spec = xstrndup(spec + start, spec_length - start)};
    schedule_add(playlist->schedule, window);
    parser->section = (int)playlist->n_sections++;
}

// [SPEC] (a comment may follow): the items below, up to the next header,
// play when SPEC says (show/schedule parses it).
static void parse_section(struct parser *parser, size_t start)
{
    const char *text = parser->line_text;
    size_t length = parser->line_length;
    struct parse_snippet shown;
    section_check_items(parser);
    if (!parser->first_section_line)
        parser->first_section_line = parser->line;
    parser->section_line = parser->line;
    parser->section_column = column_of(parser, text + start);
    parser->section = -1; // until the header proves good
    parser->has_section_items = false;
    const char *spec = text + start + 1;
    const char *close = memchr(spec, ']', length - start - 1);
    if (!close) {
        playlist_parser_report(parser, text + start,
                               "a section header needs a closing ']', e.g. [mon-fri 07:30-17:30]");
        return;
    }
    size_t after = parse_skip_spaces(text, length, (size_t)(close - text) + 1);
    if (after < length && text[after] != '#') {
        playlist_parser_report(parser, text + after,
                               "unexpected '%s' after ']': put items on the lines below",
                               snippet(&shown, text + after, length - after));
        return;
    }
    size_t spec_length = (size_t)(close - spec);
    struct schedule_window window;
    struct parse_error error;
    if (schedule_window_parse(spec, spec_length, &window, &error) != 0) {
        playlist_parser_report(parser, spec + error.column - 1, "%s", error.message);
        return;
    }
    const struct playlist *playlist = parser->playlist;
    for (size_t i = 0; i < playlist->n_sections; i++) {
        if (schedule_window_equals(schedule_window_at(playlist->schedule, i), &window)) {
            playlist_parser_report(
                parser, text + start,
                "this section plays exactly when [%s] on line %d does, so one of them would "
                "never play: merge them",
                snippet(&shown, playlist->sections[i].spec, strlen(playlist->sections[i].spec)),
                playlist->sections[i].line);
            return;
        }
    }
    section_append(parser, &window, spec, spec_length);
}

// ---- Lines ------------------------------------------------------------------

static void parse_line(struct parser *parser)
{
    size_t start = parse_skip_spaces(parser->line_text, parser->line_length, 0);
    if (!line_check_encoding(parser))
        return;
    if (start == parser->line_length || parser->line_text[start] == '#')
        return;
    if (parser->line_text[start] == '[')
        parse_section(parser, start);
    else if (!playlist_settings_parse(parser, start))
        parse_item(parser, start);
}

struct playlist *playlist_parse(const char *text, size_t length, struct parse_report *report)
{
    struct playlist *playlist = xcalloc(1, sizeof *playlist);
    struct parser parser = {
        .playlist = playlist, .settings = &playlist->settings, .report = report, .section = -1};
    playlist->settings.slide_time_ms = PLAYLIST_DEFAULT_SLIDE_TIME_MS;
    playlist->settings.transition_ms = PLAYLIST_DEFAULT_TRANSITION_MS;
    playlist->settings.safe_margin_percent = PLAYLIST_DEFAULT_SAFE_MARGIN_PERCENT;
    playlist->settings.is_hwdec_allowed = true;
    playlist->settings.volume_percent = 100;
    playlist->settings.display_number = 1;
    playlist->schedule = schedule_create();
    parse_report_init(report);
    struct parse_lines lines;
    parse_lines_init(&lines, text, length);
    while (parse_lines_next(&lines, &parser.line_text, &parser.line_length)) {
        parser.line = lines.line;
        parse_line(&parser);
    }
    section_check_items(&parser);
    if (!parser.first_item_line)
        parse_report_add(report, parser.line ? parser.line : 1, 0,
                         "playlist has no items (add e.g. deck lesson/lesson.md)");
    if (parse_report_count(report) == 0)
        return playlist;
    playlist_destroy(playlist);
    return NULL;
}

void playlist_destroy(struct playlist *playlist)
{
    if (!playlist)
        return;
    for (size_t i = 0; i < playlist->n_items; i++)
        free((char *)playlist->items[i].path);
    free(playlist->items);
    for (size_t i = 0; i < playlist->n_sections; i++)
        free((char *)playlist->sections[i].spec);
    free(playlist->sections);
    schedule_destroy(playlist->schedule);
    free(playlist->settings.idle_image_path);
    free(playlist);
}

const struct playlist_settings *playlist_settings(const struct playlist *playlist)
{
    return &playlist->settings;
}

size_t playlist_n_items(const struct playlist *playlist)
{
    return playlist->n_items;
}

const struct playlist_item *playlist_item_at(const struct playlist *playlist, size_t index)
{
    return &playlist->items[index];
}

size_t playlist_n_sections(const struct playlist *playlist)
{
    return playlist->n_sections;
}

const struct playlist_section *playlist_section_at(const struct playlist *playlist, size_t index)
{
    return &playlist->sections[index];
}

const struct schedule *playlist_schedule(const struct playlist *playlist)
{
    return playlist->schedule;
}

const char *playlist_item_kind_name(enum playlist_item_kind kind)
{
    return (size_t)kind < KIND_COUNT ? kind_names[kind] : "unknown";
}
