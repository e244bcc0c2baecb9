// playlist_settings: the settings lines of a playlist (KEY = VALUE, above the
// first item and the first section): their values, their order and the
// "unknown setting" suggestions. Items and sections are playlist.c's.
#include "show/playlist_parser.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "show/duration.h"
#include "show/parse_report.h"
#include "show/playlist.h"

static const char *const setting_names[SETTING_COUNT] = {
    "slide-time", "audio",  "transition", "safe-margin", "hwdec",  "volume",
    "reload",     "rotate", "display",    "idle",        "overlay"};
// Shown when a setting has no value, and in unknown-setting messages.
static const char *const setting_examples[SETTING_COUNT] = {"slide-time = 8s",
                                                            "audio = on",
                                                            "transition = fade 400ms",
                                                            "safe-margin = 5%",
                                                            "hwdec = off",
                                                            "volume = 80%",
                                                            "reload = now",
                                                            "rotate = 90",
                                                            "display = 2",
                                                            "idle = image closed.png",
                                                            "overlay = clock top-right"};
#define SETTING_KNOWN_LIST                                                                         \
    "slide-time, audio, transition, safe-margin, hwdec, volume, reload, rotate, display, idle, "   \
    "overlay"
#define SETTING_VALUE_TOKENS_MAX 2 // "fade 400ms", "clock top-right"
// Indexed by enum playlist_overlay.
static const char *const overlay_names[] = {"none", "clock"};
#define OVERLAY_COUNT (sizeof overlay_names / sizeof overlay_names[0])
// Indexed by enum playlist_corner.
static const char *const corner_names[] = {"top-right", "top-left", "bottom-left", "bottom-right"};
#define CORNER_COUNT (sizeof corner_names / sizeof corner_names[0])

static bool token_equals(const struct token *token, const char *word)
{
    return token->length == strlen(word) && memcmp(token->text, word, token->length) == 0;
}

// [A-Za-z], or after the first [A-Za-z0-9_-]; ASCII whatever the locale.
static bool is_key_char(char c, bool is_first)
{
    bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return is_letter || (!is_first && ((c >= '0' && c <= '9') || c == '_' || c == '-'));
}

// Matches KEY [spaces] '=' at offset; KEY is [A-Za-z][A-Za-z0-9_-]*.
static bool setting_match(const struct parser *parser, size_t offset, size_t *key_end,
                          size_t *value_start)
{
    const char *text = parser->line_text;
    size_t length = parser->line_length, i = offset;
    if (i == length || !is_key_char(text[i], true))
        return false;
    while (i < length && is_key_char(text[i], false))
        i++;
    *key_end = i;
    i = parse_skip_spaces(text, length, i);
    if (i == length || text[i] != '=')
        return false;
    *value_start = i + 1;
    return true;
}

static void apply_audio(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    if (token_equals(value, "on") || token_equals(value, "off"))
        parser->settings->is_audio_on = token_equals(value, "on");
    else
        playlist_parser_report(parser, value->text, "audio must be on or off, not '%s'",
                               snippet(&shown, value->text, value->length));
}

static int64_t parse_duration_value(struct parser *parser, const char *name,
                                    const struct token *value)
{
    struct parse_snippet shown;
    const char *why;
    int64_t ms = duration_parse_ms(value->text, value->length, &why);
    if (ms < 0)
        playlist_parser_report(parser, value->text, "%s '%s': %s", name,
                               snippet(&shown, value->text, value->length), why);
    return ms;
}

// transition = none | fade [DURATION]
static void apply_transition(struct parser *parser, const struct token *values, size_t n_values)
{
    struct playlist_settings *settings = parser->settings;
    struct parse_snippet shown;
    if (n_values == 1 && token_equals(&values[0], "none")) {
        settings->transition_ms = 0;
        return;
    }
    if (!token_equals(&values[0], "fade")) {
        playlist_parser_report(parser, values[0].text,
                               "transition must be 'none' or 'fade', not '%s'",
                               snippet(&shown, values[0].text, values[0].length));
        return;
    }
    if (n_values == 1) {
        settings->transition_ms = PLAYLIST_DEFAULT_TRANSITION_MS;
        return;
    }
    int64_t ms = parse_duration_value(parser, "transition", &values[1]);
    if (ms > PLAYLIST_TRANSITION_MAX_MS)
        playlist_parser_report(parser, values[1].text,
                               "a fade of more than %d s would hide the slides",
                               (int)(PLAYLIST_TRANSITION_MAX_MS / 1000));
    else if (ms > 0)
        settings->transition_ms = ms;
}

// safe-margin = N% with N a whole number from 0 to PLAYLIST_SAFE_MARGIN_MAX_PERCENT.
static void apply_safe_margin(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    int percent =
        playlist_parser_percent_parse(value->text, value->length, PLAYLIST_SAFE_MARGIN_MAX_PERCENT);
    if (percent < 0) {
        playlist_parser_report(
            parser, value->text,
            "safe-margin must be a percentage from 0%% to %d%%, e.g. 5%%, not '%s'",
            PLAYLIST_SAFE_MARGIN_MAX_PERCENT, snippet(&shown, value->text, value->length));
        return;
    }
    parser->settings->safe_margin_percent = percent;
}

// volume = N%: the clips' sound level unless an item sets its own.
static void apply_volume(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    int percent = playlist_parser_percent_parse(value->text, value->length, 100);
    if (percent < 0) {
        playlist_parser_report(parser, value->text,
                               "volume must be a percentage from 0%% to 100%%, not '%s'",
                               snippet(&shown, value->text, value->length));
        return;
    }
    parser->settings->volume_percent = percent;
}

static void apply_hwdec(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    if (token_equals(value, "auto") || token_equals(value, "off"))
        parser->settings->is_hwdec_allowed = token_equals(value, "auto");
    else
        playlist_parser_report(parser, value->text, "hwdec must be auto or off, not '%s'",
                               snippet(&shown, value->text, value->length));
}

// reload = next-item | now: when this playlist, published over a running
// one, takes over.
static void apply_reload(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    if (token_equals(value, "now") || token_equals(value, "next-item"))
        parser->settings->is_reload_now = token_equals(value, "now");
    else
        playlist_parser_report(parser, value->text, "reload must be next-item or now, not '%s'",
                               snippet(&shown, value->text, value->length));
}

// "N" with N a whole number from min to max; -1 when it is not one.
static int whole_number_parse(const char *text, size_t length, int min, int max)
{
    int number = 0;
    size_t i = 0;
    while (i < length && text[i] >= '0' && text[i] <= '9' && number <= max)
        number = number * 10 + (text[i++] - '0');
    if (i == 0 || i != length || number < min || number > max)
        return -1;
    return number;
}

// rotate = 0|90|180|270: how far the screen is turned clockwise as mounted.
static void apply_rotate(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    int degrees = whole_number_parse(value->text, value->length, 0, 270);
    if (degrees < 0 || degrees % 90 != 0) {
        playlist_parser_report(
            parser, value->text,
            "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), "
            "not '%s'",
            snippet(&shown, value->text, value->length));
        return;
    }
    parser->settings->rotate_degrees = degrees;
}

// display = N: which screen, counted from 1 as an admin counts HDMI ports.
static void apply_display(struct parser *parser, const struct token *value)
{
    struct parse_snippet shown;
    int number = whole_number_parse(value->text, value->length, 1, PLAYLIST_DISPLAY_MAX);
    if (number < 0) {
        playlist_parser_report(
            parser, value->text,
            "display must be a screen number from 1 (the first, HDMI 0 on a Pi) to %d, "
            "not '%s'",
            PLAYLIST_DISPLAY_MAX, snippet(&shown, value->text, value->length));
        return;
    }
    parser->settings->display_number = number;
}

// idle = black | clock | image PATH: what the screen shows while no section
// is scheduled.
static void apply_idle(struct parser *parser, const struct token *values, size_t n_values)
{
    struct parse_snippet shown;
    if (n_values == 1 && token_equals(&values[0], "black"))
        return;
    if (n_values == 1 && token_equals(&values[0], "clock")) {
        parser->settings->is_idle_clock = true;
        return;
    }
    if (!token_equals(&values[0], "image") || n_values != 2) {
        playlist_parser_report(
            parser, values[0].text,
            "idle must be black, clock or image PATH (a picture in the content folder), "
            "not '%s'",
            snippet(&shown, values[0].text, values[0].length));
        return;
    }
    char *path = playlist_parser_token_value(&values[1]);
    if (!playlist_parser_path_check(parser, values[1].text, path)) {
        free(path);
        return;
    }
    free(parser->settings->idle_image_path);
    parser->settings->idle_image_path = path;
}

// overlay = none | clock [CORNER]: a clock drawn over everything, in a
// corner (top-right when none is named).
static void apply_overlay(struct parser *parser, const struct token *values, size_t n_values)
{
    struct playlist_settings *settings = parser->settings;
    struct parse_snippet shown;
    char hint[48];
    size_t overlay = playlist_parser_keyword_find(values[0].text, values[0].length, overlay_names,
                                                  OVERLAY_COUNT);
    if (overlay == OVERLAY_COUNT) {
        playlist_parser_suggest(hint, sizeof hint, values[0].text, values[0].length, overlay_names,
                                OVERLAY_COUNT);
        playlist_parser_report(parser, values[0].text,
                               "unknown overlay '%s' (none, or clock and a corner)%s",
                               snippet(&shown, values[0].text, values[0].length), hint);
        return;
    }
    if (overlay == PLAYLIST_OVERLAY_NONE && n_values > 1) {
        playlist_parser_report(parser, values[1].text, "unexpected '%s' after none",
                               snippet(&shown, values[1].text, values[1].length));
        return;
    }
    size_t corner = PLAYLIST_CORNER_TOP_RIGHT;
    if (n_values > 1)
        corner = playlist_parser_keyword_find(values[1].text, values[1].length, corner_names,
                                              CORNER_COUNT);
    if (corner == CORNER_COUNT) {
        playlist_parser_suggest(hint, sizeof hint, values[1].text, values[1].length, corner_names,
                                CORNER_COUNT);
        playlist_parser_report(
            parser, values[1].text,
            "unknown corner '%s' (top-left, top-right, bottom-left, bottom-right)%s",
            snippet(&shown, values[1].text, values[1].length), hint);
        return;
    }
    settings->overlay = (enum playlist_overlay)overlay;
    settings->overlay_corner = (enum playlist_corner)corner;
}

static void setting_apply(struct parser *parser, enum setting setting, const struct token *values,
                          size_t n_values)
{
    struct parse_snippet shown;
    if (setting != SETTING_TRANSITION && setting != SETTING_IDLE && setting != SETTING_OVERLAY &&
        n_values > 1) {
        playlist_parser_report(parser, values[1].text, "unexpected '%s' after the value of %s",
                               snippet(&shown, values[1].text, values[1].length),
                               setting_names[setting]);
        return;
    }
    switch (setting) {
    case SETTING_AUDIO:
        apply_audio(parser, &values[0]);
        break;
    case SETTING_TRANSITION:
        apply_transition(parser, values, n_values);
        break;
    case SETTING_SAFE_MARGIN:
        apply_safe_margin(parser, &values[0]);
        break;
    case SETTING_HWDEC:
        apply_hwdec(parser, &values[0]);
        break;
    case SETTING_VOLUME:
        apply_volume(parser, &values[0]);
        break;
    case SETTING_RELOAD:
        apply_reload(parser, &values[0]);
        break;
    case SETTING_ROTATE:
        apply_rotate(parser, &values[0]);
        break;
    case SETTING_DISPLAY:
        apply_display(parser, &values[0]);
        break;
    case SETTING_IDLE:
        apply_idle(parser, values, n_values);
        break;
    case SETTING_OVERLAY:
        apply_overlay(parser, values, n_values);
        break;
    case SETTING_SLIDE_TIME: {
        int64_t ms = parse_duration_value(parser, "slide-time", &values[0]);
        if (ms > 0)
            parser->settings->slide_time_ms = ms;
        break;
    }
    case SETTING_COUNT:
        break;
    }
}

static void parse_setting(struct parser *parser, size_t key_start, size_t key_end,
                          size_t value_start)
{
    const char *key = parser->line_text + key_start;
    size_t key_length = key_end - key_start;
    struct parse_snippet shown;
    size_t setting = playlist_parser_keyword_find(key, key_length, setting_names, SETTING_COUNT);
    if (setting == SETTING_COUNT) {
        char hint[48];
        playlist_parser_suggest(hint, sizeof hint, key, key_length, setting_names, SETTING_COUNT);
        // A near miss names the one meant; the whole list would not fit a message with it.
        if (hint[0])
            playlist_parser_report(parser, key, "unknown setting '%s'%s",
                                   snippet(&shown, key, key_length), hint);
        else
            playlist_parser_report(parser, key,
                                   "unknown setting '%s' (known: " SETTING_KNOWN_LIST ")",
                                   snippet(&shown, key, key_length));
        return;
    }
    const char *name = setting_names[setting];
    if (parser->first_section_line &&
        (!parser->first_item_line || parser->first_section_line < parser->first_item_line)) {
        playlist_parser_report(parser, NULL,
                               "settings must come before the first section (line %d)",
                               parser->first_section_line);
        return;
    }
    if (parser->first_item_line) {
        playlist_parser_report(parser, NULL, "settings must come before the first item (line %d)",
                               parser->first_item_line);
        return;
    }
    if (parser->setting_lines[setting]) {
        playlist_parser_report(parser, NULL, "'%s' is already set on line %d", name,
                               parser->setting_lines[setting]);
        return;
    }
    parser->setting_lines[setting] = parser->line;
    struct token tokens[LINE_TOKENS_MAX];
    size_t n_tokens;
    if (!playlist_parser_tokenize(parser, value_start, tokens, &n_tokens))
        return;
    if (n_tokens == 0)
        playlist_parser_report(parser, NULL, "%s needs a value, e.g. %s", name,
                               setting_examples[setting]);
    else if (n_tokens > SETTING_VALUE_TOKENS_MAX)
        playlist_parser_report(parser, tokens[SETTING_VALUE_TOKENS_MAX].text,
                               "unexpected '%s' after the value of %s",
                               snippet(&shown, tokens[SETTING_VALUE_TOKENS_MAX].text,
                                       tokens[SETTING_VALUE_TOKENS_MAX].length),
                               name);
    else
        setting_apply(parser, (enum setting)setting, tokens, n_tokens);
}

bool playlist_settings_parse(struct parser *parser, size_t start)
{
    size_t key_end, value_start;
    if (!setting_match(parser, start, &key_end, &value_start))
        return false;
    parse_setting(parser, start, key_end, value_start);
    return true;
}

const char *playlist_corner_name(enum playlist_corner corner)
{
    return (size_t)corner < CORNER_COUNT ? corner_names[corner] : "unknown";
}
