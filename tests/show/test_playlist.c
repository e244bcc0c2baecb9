// Tests for playlist_parse: playlists a teacher writes, and for every mistake
// the line, column and words they will see.
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "show/playlist.h"

#define ITEMS_MAX  6
#define ERRORS_MAX 8

// ---- Valid playlists ----------------------------------------------------------

struct expected_item {
    enum playlist_item_kind kind;
    int line;
    const char *path;
    int slide_number;
    int64_t duration_ms;
};

struct valid_case {
    const char *name;
    const char *text;
    int64_t slide_time_ms;
    bool is_audio_on;
    size_t n_items;
    struct expected_item items[ITEMS_MAX];
};

#define DEFAULT_MS PLAYLIST_DEFAULT_SLIDE_TIME_MS

static const struct valid_case valid_cases[] = {
    {"one deck, defaults",
     "deck lesson/lesson.md\n",
     DEFAULT_MS,
     false,
     1,
     {{PLAYLIST_ITEM_DECK, 1, "lesson/lesson.md", 0, -1}}},
    {"BOM, CRLF, settings and comments",
     "\xEF\xBB\xBF# Morning loop\r\n"
     "slide-time = 8s\r\n"
     "audio=on   # the hall has speakers\r\n"
     "\r\n"
     "   # indented comment\r\n"
     "deck lesson/lesson.md   # every slide\r\n"
     "image lesson/title.png 5s\r\n",
     8000,
     true,
     2,
     {{PLAYLIST_ITEM_DECK, 6, "lesson/lesson.md", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 7, "lesson/title.png", 0, 5000}}},
    {"quoted Chinese clip names with spaces and full-width punctuation",
     "video \"clips/探访钢材“黑灯工厂” 你的汽车可能和这里也有关系.mp4\"\n"
     "video \"clips/第一课：你好，世界？！.mp4\"   # 注释\n"
     "image \"photos/class photo.png\" 3s\n",
     DEFAULT_MS,
     false,
     3,
     {{PLAYLIST_ITEM_VIDEO, 1, "clips/探访钢材“黑灯工厂” 你的汽车可能和这里也有关系.mp4", 0, -1},
      {PLAYLIST_ITEM_VIDEO, 2, "clips/第一课：你好，世界？！.mp4", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 3, "photos/class photo.png", 0, 3000}}},
    {"slide #N, plain and quoted",
     "slide lesson/lesson.md#3\n"
     "slide \"my deck.md\"#4 4s\n"
     "slide \"my deck.md#12\"\n"
     "slide lesson/a#b.md#2\n"
     "slide \"odd#name.md\"#5\n",
     DEFAULT_MS,
     false,
     5,
     {{PLAYLIST_ITEM_SLIDE, 1, "lesson/lesson.md", 3, -1},
      {PLAYLIST_ITEM_SLIDE, 2, "my deck.md", 4, 4000},
      {PLAYLIST_ITEM_SLIDE, 3, "my deck.md", 12, -1},
      {PLAYLIST_ITEM_SLIDE, 4, "lesson/a#b.md", 2, -1},
      {PLAYLIST_ITEM_SLIDE, 5, "odd#name.md", 5, -1}}},
    {"per-item durations override slide-time",
     "slide-time=20s\n"
     "deck lesson/lesson.md 1.5s\n"
     "image a.png 1500ms\n"
     "slide b.md#1 2m\n"
     "image c.png\n",
     20000,
     false,
     4,
     {{PLAYLIST_ITEM_DECK, 2, "lesson/lesson.md", 0, 1500},
      {PLAYLIST_ITEM_IMAGE, 3, "a.png", 0, 1500},
      {PLAYLIST_ITEM_SLIDE, 4, "b.md", 1, 120000},
      {PLAYLIST_ITEM_IMAGE, 5, "c.png", 0, -1}}},
    {"'#' is a comment only after whitespace and outside quotes",
     "image pics/a#1.png\n"
     "image \"pics/a #b.png\" # comment\n",
     DEFAULT_MS,
     false,
     2,
     {{PLAYLIST_ITEM_IMAGE, 1, "pics/a#1.png", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 2, "pics/a #b.png", 0, -1}}},
    {"escapes in quotes; other backslashes kept",
     "image \"say \\\"hi\\\".png\"\n"
     "image \"a\\\\b.png\"\n"
     "image dir\\pic.png\n"
     "image \"x\\y.png\"\n",
     DEFAULT_MS,
     false,
     4,
     {{PLAYLIST_ITEM_IMAGE, 1, "say \"hi\".png", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 2, "a\\b.png", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 3, "dir\\pic.png", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 4, "x\\y.png", 0, -1}}},
    {"tabs, lone CR and no final newline",
     "\taudio\t=\toff\n"
     "image\ta.png\t2s\r\n"
     "deck b.md\r",
     DEFAULT_MS,
     false,
     2,
     {{PLAYLIST_ITEM_IMAGE, 2, "a.png", 0, 2000}, {PLAYLIST_ITEM_DECK, 3, "b.md", 0, -1}}},
    {"dots that do not leave the folder",
     "image ./a.png\nimage a..b.png\nimage .../c.png\n",
     DEFAULT_MS,
     false,
     3,
     {{PLAYLIST_ITEM_IMAGE, 1, "./a.png", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 2, "a..b.png", 0, -1},
      {PLAYLIST_ITEM_IMAGE, 3, ".../c.png", 0, -1}}},
};

static int check_item(const char *name, size_t index, const struct playlist_item *item,
                      const struct expected_item *expected)
{
    if (item->kind == expected->kind && item->line == expected->line &&
        strcmp(item->path, expected->path) == 0 && item->slide_number == expected->slide_number &&
        item->duration_ms == expected->duration_ms)
        return 0;
    print_error("%s, item %zu:\n  expected %s line %d '%s' #%d %lld ms\n"
                "  got      %s line %d '%s' #%d %lld ms\n",
                name, index, playlist_item_kind_name(expected->kind), expected->line,
                expected->path, expected->slide_number, (long long)expected->duration_ms,
                playlist_item_kind_name(item->kind), item->line, item->path, item->slide_number,
                (long long)item->duration_ms);
    return 1;
}

static void print_report(const struct parse_report *report)
{
    for (size_t i = 0; i < report->n_errors; i++)
        print_error("  line %d column %d: %s\n", report->errors[i].line, report->errors[i].column,
                    report->errors[i].message);
}

static int check_valid_case(const struct valid_case *c)
{
    struct parse_report report;
    struct playlist *playlist = playlist_parse(c->text, strlen(c->text), &report);
    if (!playlist) {
        print_error("%s: expected a playlist, got %zu errors:\n", c->name,
                    parse_report_count(&report));
        print_report(&report);
        return 1;
    }
    const struct playlist_settings *settings = playlist_settings(playlist);
    int n_failed = 0;
    if (settings->slide_time_ms != c->slide_time_ms || settings->is_audio_on != c->is_audio_on) {
        print_error("%s: expected slide-time %lld ms audio %d, got %lld ms audio %d\n", c->name,
                    (long long)c->slide_time_ms, c->is_audio_on, (long long)settings->slide_time_ms,
                    settings->is_audio_on);
        n_failed++;
    }
    if (playlist_n_items(playlist) != c->n_items) {
        print_error("%s: expected %zu items, got %zu\n", c->name, c->n_items,
                    playlist_n_items(playlist));
        n_failed++;
    }
    for (size_t i = 0; i < c->n_items && i < playlist_n_items(playlist); i++)
        n_failed += check_item(c->name, i, playlist_item_at(playlist, i), &c->items[i]);
    if (report.n_errors != 0) {
        print_error("%s: report not empty on success\n", c->name);
        n_failed++;
    }
    playlist_destroy(playlist);
    return n_failed;
}

static void test_valid_playlists(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++)
        n_failed += check_valid_case(&valid_cases[i]);
    assert_int_equal(n_failed, 0);
}

// ---- Display settings -------------------------------------------------------------

struct display_case {
    const char *settings;    // lines before "deck a.md"
    int64_t transition_ms;   // expected, or -1 when the playlist must be refused
    int safe_margin_percent; // expected when accepted
    const char *error;       // part of the message when refused
};

static const struct display_case display_cases[] = {
    {"", PLAYLIST_DEFAULT_TRANSITION_MS, PLAYLIST_DEFAULT_SAFE_MARGIN_PERCENT, NULL},
    {"transition = none\n", 0, 5, NULL},
    {"transition = fade\n", PLAYLIST_DEFAULT_TRANSITION_MS, 5, NULL},
    {"transition = fade 1200ms\nsafe-margin = 0%\n", 1200, 0, NULL},
    {"safe-margin = 12%\n", PLAYLIST_DEFAULT_TRANSITION_MS, 12, NULL},
    {"transition = dissolve\n", -1, 0, "transition must be 'none' or 'fade', not 'dissolve'"},
    {"transition = fade 10s\n", -1, 0, "a fade of more than 5 s would hide the slides"},
    {"transition = fade 400\n", -1, 0, "transition '400': add a unit"},
    {"transition = none 400ms\n", -1, 0, "transition must be 'none' or 'fade'"},
    {"transition = fade 1s extra\n", -1, 0, "unexpected 'extra' after the value of transition"},
    {"safe-margin = 5\n", -1, 0, "safe-margin must be a percentage from 0% to 20%"},
    {"safe-margin = 25%\n", -1, 0, "safe-margin must be a percentage from 0% to 20%"},
    {"safe-margin = 5% 6%\n", -1, 0, "unexpected '6%' after the value of safe-margin"},
    {"audio = on off\n", -1, 0, "unexpected 'off' after the value of audio"},
    {"hwdec = on\n", -1, 0, "hwdec must be auto or off, not 'on'"},
};

static void test_hwdec_setting(void **state)
{
    (void)state;
    const struct {
        const char *text;
        bool is_allowed;
    } cases[] = {
        {"deck a.md\n", true},
        {"hwdec = auto\ndeck a.md\n", true},
        {"hwdec = off\ndeck a.md\n", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct parse_report report;
        struct playlist *playlist = playlist_parse(cases[i].text, strlen(cases[i].text), &report);
        assert_non_null(playlist);
        if (playlist_settings(playlist)->is_hwdec_allowed != cases[i].is_allowed)
            fail_msg("'%s': hwdec allowed %d, expected %d", cases[i].text,
                     playlist_settings(playlist)->is_hwdec_allowed, cases[i].is_allowed);
        playlist_destroy(playlist);
    }
}

// The playlist's volume is every clip's level unless the item sets its own.
static void test_volume(void **state)
{
    (void)state;
    const char text[] = "volume = 40%\nvideo a.mp4\nvideo \"b c.mp4\" volume=0%\n"
                        "video d.mp4 volume=100%\n";
    struct parse_report report;
    struct playlist *playlist = playlist_parse(text, strlen(text), &report);
    assert_non_null(playlist);
    assert_int_equal(playlist_settings(playlist)->volume_percent, 40);
    assert_int_equal(playlist_item_at(playlist, 0)->volume_percent, -1);
    assert_string_equal(playlist_item_at(playlist, 1)->path, "b c.mp4");
    assert_int_equal(playlist_item_at(playlist, 1)->volume_percent, 0);
    assert_int_equal(playlist_item_at(playlist, 2)->volume_percent, 100);
    playlist_destroy(playlist);
    const char plain[] = "deck a.md\n";
    playlist = playlist_parse(plain, strlen(plain), &report);
    assert_int_equal(playlist_settings(playlist)->volume_percent, 100);
    assert_false(playlist_settings(playlist)->is_reload_now);
    playlist_destroy(playlist);
    const char now[] = "reload = now\ndeck a.md\n";
    playlist = playlist_parse(now, strlen(now), &report);
    assert_true(playlist_settings(playlist)->is_reload_now);
    playlist_destroy(playlist);
    const char idle[] = "idle = image \"night/closed sign.png\"\ndeck a.md\n";
    playlist = playlist_parse(idle, strlen(idle), &report);
    assert_string_equal(playlist_settings(playlist)->idle_image_path, "night/closed sign.png");
    playlist_destroy(playlist);
    const char black[] = "idle = black\ndeck a.md\n";
    playlist = playlist_parse(black, strlen(black), &report);
    assert_null(playlist_settings(playlist)->idle_image_path);
    playlist_destroy(playlist);
    const char outside[] = "idle = image ../x.png\ndeck a.md\n";
    assert_null(playlist_parse(outside, strlen(outside), &report));
    assert_string_equal(report.errors[0].message,
                        "path '../x.png' uses '..': path leaves the content folder");
    const char sleep[] = "idle = sleep\ndeck a.md\n";
    assert_null(playlist_parse(sleep, strlen(sleep), &report));
    assert_string_equal(report.errors[0].message,
                        "idle must be black, clock or image PATH (a picture in the content "
                        "folder), not 'sleep'");
    const char bad[] = "reload = later\ndeck a.md\n";
    assert_null(playlist_parse(bad, strlen(bad), &report));
    assert_string_equal(report.errors[0].message, "reload must be next-item or now, not 'later'");
}

// rotate = how the screen is mounted; display = which screen (1-based).
struct screen_case {
    const char *settings; // lines before "deck a.md"
    int rotate_degrees;   // expected, or -1 when the playlist must be refused
    int display_number;   // expected when accepted
    const char *error;    // the message when refused
};

static const struct screen_case screen_cases[] = {
    {"", 0, 1, NULL},
    {"rotate = 0\n", 0, 1, NULL},
    {"rotate = 90\n", 90, 1, NULL},
    {"rotate = 180\ndisplay = 2\n", 180, 2, NULL},
    {"display = 1\nrotate = 270\n", 270, 1, NULL},
    {"display = 8\n", 0, 8, NULL},
    {"rotate = 45\n", -1, 0,
     "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), not '45'"},
    {"rotate = 360\n", -1, 0,
     "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), not '360'"},
    {"rotate = -90\n", -1, 0,
     "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), not '-90'"},
    {"rotate = 90deg\n", -1, 0,
     "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), not '90deg'"},
    {"rotate = portrait\n", -1, 0,
     "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), not "
     "'portrait'"},
    {"rotate = 99999999999\n", -1, 0,
     "rotate must be 0, 90, 180 or 270 (degrees the screen is turned clockwise), not "
     "'99999999999'"},
    {"rotate = 90 180\n", -1, 0, "unexpected '180' after the value of rotate"},
    {"rotate =\n", -1, 0, "rotate needs a value, e.g. rotate = 90"},
    {"display = 0\n", -1, 0,
     "display must be a screen number from 1 (the first, HDMI 0 on a Pi) to 8, not '0'"},
    {"display = 9\n", -1, 0,
     "display must be a screen number from 1 (the first, HDMI 0 on a Pi) to 8, not '9'"},
    {"display = HDMI-A-2\n", -1, 0,
     "display must be a screen number from 1 (the first, HDMI 0 on a Pi) to 8, not 'HDMI-A-2'"},
    {"display = 2\ndisplay = 1\n", -1, 0, "'display' is already set on line 1"},
};

static void test_screen_settings(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof screen_cases / sizeof screen_cases[0]; i++) {
        const struct screen_case *c = &screen_cases[i];
        char text[256];
        snprintf(text, sizeof text, "%sdeck a.md\n", c->settings);
        struct parse_report report;
        struct playlist *playlist = playlist_parse(text, strlen(text), &report);
        if (c->rotate_degrees < 0) {
            if (playlist || report.n_errors != 1 || !strstr(report.errors[0].message, c->error))
                fail_msg("'%s': expected the error \"%s\", got %s \"%s\"", c->settings, c->error,
                         playlist ? "a playlist and" : "",
                         report.n_errors > 0 ? report.errors[0].message : "no error");
            playlist_destroy(playlist);
            continue;
        }
        if (!playlist)
            fail_msg("'%s': refused: %s", c->settings, report.errors[0].message);
        const struct playlist_settings *settings = playlist_settings(playlist);
        if (settings->rotate_degrees != c->rotate_degrees ||
            settings->display_number != c->display_number)
            fail_msg("'%s': rotate %d, display %d; expected rotate %d, display %d", c->settings,
                     settings->rotate_degrees, settings->display_number, c->rotate_degrees,
                     c->display_number);
        playlist_destroy(playlist);
    }
}

// overlay = none | clock [CORNER], idle = clock: what they set, and every
// mistake with its column.
struct clock_case {
    const char *settings; // lines before "deck a.md"
    enum playlist_overlay overlay;
    enum playlist_corner corner;
    bool is_idle_clock;
    const char *error; // the message when refused, else NULL
    int column;        // of the error
};

static const struct clock_case clock_cases[] = {
    {"", PLAYLIST_OVERLAY_NONE, PLAYLIST_CORNER_TOP_RIGHT, false, NULL, 0},
    {"overlay = none\n", PLAYLIST_OVERLAY_NONE, PLAYLIST_CORNER_TOP_RIGHT, false, NULL, 0},
    {"overlay = clock\n", PLAYLIST_OVERLAY_CLOCK, PLAYLIST_CORNER_TOP_RIGHT, false, NULL, 0},
    {"overlay = clock top-right\n", PLAYLIST_OVERLAY_CLOCK, PLAYLIST_CORNER_TOP_RIGHT, false, NULL,
     0},
    {"overlay = clock top-left\n", PLAYLIST_OVERLAY_CLOCK, PLAYLIST_CORNER_TOP_LEFT, false, NULL,
     0},
    {"overlay=clock bottom-left # above the banner\n", PLAYLIST_OVERLAY_CLOCK,
     PLAYLIST_CORNER_BOTTOM_LEFT, false, NULL, 0},
    {"idle = clock\noverlay = clock bottom-right\n", PLAYLIST_OVERLAY_CLOCK,
     PLAYLIST_CORNER_BOTTOM_RIGHT, true, NULL, 0},
    {"idle = clock\n", PLAYLIST_OVERLAY_NONE, PLAYLIST_CORNER_TOP_RIGHT, true, NULL, 0},
    {"overlay = weather\n", 0, 0, false, "unknown overlay 'weather' (none, or clock and a corner)",
     11},
    {"overlay = clcok\n", 0, 0, false,
     "unknown overlay 'clcok' (none, or clock and a corner); did you mean 'clock'?", 11},
    {"overlay = clock top\n", 0, 0, false,
     "unknown corner 'top' (top-left, top-right, bottom-left, bottom-right)", 17},
    {"overlay = clock topright\n", 0, 0, false,
     "unknown corner 'topright' (top-left, top-right, bottom-left, bottom-right); did you mean "
     "'top-right'?",
     17},
    {"overlay = clock Top-Left\n", 0, 0, false, "did you mean 'top-left'?", 17},
    {"overlay = clock centre\n", 0, 0, false, "unknown corner 'centre'", 17},
    {"overlay = none top-left\n", 0, 0, false, "unexpected 'top-left' after none", 16},
    {"overlay = clock top-left 2\n", 0, 0, false, "unexpected '2' after the value of overlay", 26},
    {"overlay =\n", 0, 0, false, "overlay needs a value, e.g. overlay = clock top-right", 0},
    {"overlay = clock\noverlay = none\n", 0, 0, false, "'overlay' is already set on line 1", 0},
    {"idle = clock now\n", 0, 0, false, "idle must be black, clock or image PATH", 8},
};

static void test_clock_settings(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof clock_cases / sizeof clock_cases[0]; i++) {
        const struct clock_case *c = &clock_cases[i];
        char text[256];
        snprintf(text, sizeof text, "%sdeck a.md\n", c->settings);
        struct parse_report report;
        struct playlist *playlist = playlist_parse(text, strlen(text), &report);
        if (c->error) {
            if (playlist || report.n_errors != 1 || !strstr(report.errors[0].message, c->error) ||
                report.errors[0].column != c->column)
                fail_msg("'%s': expected the error \"%s\" at column %d, got %s\"%s\" at %d",
                         c->settings, c->error, c->column, playlist ? "a playlist and " : "",
                         report.n_errors > 0 ? report.errors[0].message : "no error",
                         report.n_errors > 0 ? report.errors[0].column : 0);
            playlist_destroy(playlist);
            continue;
        }
        if (!playlist)
            fail_msg("'%s': refused: %s", c->settings, report.errors[0].message);
        const struct playlist_settings *settings = playlist_settings(playlist);
        if (settings->overlay != c->overlay || settings->overlay_corner != c->corner ||
            settings->is_idle_clock != c->is_idle_clock || settings->idle_image_path)
            fail_msg("'%s': overlay %d corner %s idle clock %d; expected %d %s %d", c->settings,
                     settings->overlay, playlist_corner_name(settings->overlay_corner),
                     settings->is_idle_clock, c->overlay, playlist_corner_name(c->corner),
                     c->is_idle_clock);
        playlist_destroy(playlist);
    }
    assert_string_equal(playlist_corner_name(PLAYLIST_CORNER_BOTTOM_RIGHT), "bottom-right");
    assert_string_equal(playlist_corner_name((enum playlist_corner)42), "unknown");
}

static void test_display_settings(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof display_cases / sizeof display_cases[0]; i++) {
        const struct display_case *c = &display_cases[i];
        char text[256];
        snprintf(text, sizeof text, "%sdeck a.md\n", c->settings);
        struct parse_report report;
        struct playlist *playlist = playlist_parse(text, strlen(text), &report);
        if (c->transition_ms < 0) {
            if (playlist || report.n_errors != 1 || !strstr(report.errors[0].message, c->error)) {
                print_error("'%s': expected one error containing '%s', got:\n", c->settings,
                            c->error);
                print_report(&report);
                n_failed++;
            }
        } else if (!playlist) {
            print_error("'%s': expected a playlist, got:\n", c->settings);
            print_report(&report);
            n_failed++;
        } else {
            const struct playlist_settings *settings = playlist_settings(playlist);
            if (settings->transition_ms != c->transition_ms ||
                settings->safe_margin_percent != c->safe_margin_percent) {
                print_error("'%s': expected transition %lld ms margin %d%%, got %lld ms %d%%\n",
                            c->settings, (long long)c->transition_ms, c->safe_margin_percent,
                            (long long)settings->transition_ms, settings->safe_margin_percent);
                n_failed++;
            }
        }
        playlist_destroy(playlist);
    }
    assert_int_equal(n_failed, 0);
}

// ---- Mistakes -------------------------------------------------------------------

struct expected_error {
    int line;
    int column; // 1-based byte column, 0 for the whole line
    const char *contains;
};

struct error_case {
    const char *name;
    const char *text;
    size_t length;      // 0: strlen(text); set when text holds a NUL
    const char *absent; // must appear in no message, or NULL
    size_t n_errors;
    struct expected_error errors[ERRORS_MAX];
};

static const struct error_case error_cases[] = {
    // Settings
    {"unknown setting, near miss",
     "slide_time = 8s\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 1, "unknown setting 'slide_time'; did you mean 'slide-time'?"}}},
    {"unknown setting, nothing near",
     "brightness = 3\ndeck a.md\n",
     0,
     "did you mean",
     1,
     {{1, 1,
       "unknown setting 'brightness' (known: slide-time, audio, transition, safe-margin, hwdec, "
       "volume, reload, rotate, display, idle, overlay)"}}},
    {"setting keys are lowercase",
     "  Audio = on\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 3, "did you mean 'audio'?"}}},
    {"repeated setting",
     "audio = on\nslide-time = 8s\naudio = off\ndeck a.md\n",
     0,
     NULL,
     1,
     {{3, 0, "'audio' is already set on line 1"}}},
    {"setting after an item",
     "# loop\ndeck a.md\n\naudio = on\nslide-time = 5s\n",
     0,
     NULL,
     2,
     {{4, 0, "settings must come before the first item (line 2)"},
      {5, 0, "settings must come before the first item (line 2)"}}},
    {"audio is on or off",
     "audio = yes\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 9, "audio must be on or off, not 'yes'"}}},
    {"empty values",
     "slide-time =\naudio = # off\ndeck a.md\n",
     0,
     NULL,
     2,
     {{1, 0, "slide-time needs a value"}, {2, 0, "audio needs a value"}}},
    {"slide-time without a unit",
     "slide-time = 8\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 14, "slide-time '8': add a unit: 8s, 1500ms or 2m"}}},
    {"slide-time zero",
     "slide-time=0s\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 12, "must be longer than 0"}}},
    {"'#' right after '=' is not a comment",
     "audio =#on\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 8, "audio must be on or off, not '#on'"}}},
    {"two values", "audio = on off\ndeck a.md\n", 0, NULL, 1, {{1, 12, "unexpected 'off'"}}},
    // Item kinds and paths
    {"unknown kind, near miss",
     "vidoe clips/a.mp4\n",
     0,
     NULL,
     1,
     {{1, 1,
       "unknown item kind 'vidoe' (expected deck, slide, image or video); did you mean "
       "'video'?"}}},
    {"unknown kind, nothing near",
     "  movie clips/a.mp4\n",
     0,
     "did you mean",
     1,
     {{1, 3, "unknown item kind 'movie' (expected deck, slide, image or video)"}}},
    {"kind forgotten", "clips/a.mp4\n", 0, NULL, 1, {{1, 1, "unknown item kind 'clips/a.mp4'"}}},
    {"path missing",
     "video\ndeck   # later\n",
     0,
     NULL,
     2,
     {{1, 0, "video needs a path"}, {2, 0, "deck needs a path"}}},
    {"unterminated quote",
     "video \"clips/a b.mp4\nvideo \"a.mp4\\\"\n",
     0,
     NULL,
     2,
     {{1, 7, "unterminated quote (add a closing \")"}, {2, 7, "unterminated quote"}}},
    {"slide without #N",
     "slide lesson/lesson.md\nslide lesson/lesson.md#\nslide \"a.md\"#\n",
     0,
     NULL,
     3,
     {{1, 7, "slide needs PATH#N, e.g. slide lesson/lesson.md#3"},
      {2, 7, "slide needs PATH#N"},
      {3, 7, "slide needs PATH#N"}}},
    {"slide number not a positive whole number",
     "slide a.md#0\nslide a.md#x\nslide a.md#-1\nslide a.md#99999999999\n",
     0,
     NULL,
     4,
     {{1, 7, "slide number '0' must be a whole number from 1"},
      {2, 7, "slide number 'x'"},
      {3, 7, "slide number '-1'"},
      {4, 7, "slide number '99999999999'"}}},
    {"video takes no duration",
     "video clips/a.mp4 8s\n",
     0,
     NULL,
     1,
     {{1, 19, "a video plays to its end; remove '8s'"}}},
    {"bad item durations",
     "image a.png 8\nimage a.png 0s\nimage c.png#x 2s#3\n",
     0,
     NULL,
     3,
     {{1, 13, "duration '8': add a unit: 8s, 1500ms or 2m"},
      {2, 13, "duration '0s': must be longer than 0"},
      {3, 15, "duration '2s#3'"}}},
    {"bad volumes",
     "volume = 3\nvideo a.mp4 volume=150%\nimage a.png volume=50%\nvideo b.mp4 loud=1\n"
     "video c.mp4 volume=5% 8s\n",
     0,
     NULL,
     5,
     {{1, 10, "volume must be a percentage from 0% to 100%, not '3'"},
      {2, 13, "volume must be a percentage from 0% to 100%, not 'volume=150%'"},
      {3, 13, "only a video has sound to set a volume for; remove 'volume=50%'"},
      {4, 13, "unknown item option 'loud=1' (known: volume=N%)"},
      {5, 23, "unexpected '8s' after the path"}}},
    {"text after the duration",
     "image a.png 8s xyz\n",
     0,
     NULL,
     1,
     {{1, 16, "unexpected 'xyz' after the duration"}}},
    {"text after a closing quote",
     "image \"a.png\"x\nslide \"a.md\"3\n",
     0,
     NULL,
     2,
     {{1, 14, "unexpected 'x' after the closing quote"},
      {2, 13, "unexpected '3' after the closing quote"}}},
    {"paths that are empty or leave the content folder",
     "image \"\"\nimage /home/pi/a.png\nvideo ../secret.mp4\nvideo clips/../../x.mp4\n"
     "deck lesson/..\nslide /abs.md#2\nslide \"\"#2\n",
     0,
     NULL,
     7,
     {{1, 7, "path '' is empty"},
      {2, 7, "paths are relative to the content folder"},
      {3, 7, "path leaves the content folder"},
      {4, 7, "path leaves the content folder"},
      {5, 6, "path leaves the content folder"},
      {6, 7, "paths are relative to the content folder"},
      {7, 7, "is empty"}}},
    // Schedule sections (their inside is show/schedule's, tested in test_schedule)
    {"section without its ']'",
     "deck a.md\n[mon-fri 08:00-17:00\ndeck b.md\n",
     0,
     NULL,
     1,
     {{2, 1, "a section header needs a closing ']', e.g. [mon-fri 07:30-17:30]"}}},
    {"an item on the header's line",
     "deck a.md\n[sat] deck b.md\n",
     0,
     NULL,
     1,
     {{2, 7, "unexpected 'deck b.md' after ']': put items on the lines below"}}},
    {"columns inside a header count from the line's start",
     "deck a.md\n  [mon-fir 08:00-17:00]\ndeck b.md\n",
     0,
     NULL,
     1,
     {{2, 8, "unknown day 'fir' (days are mon tue wed thu fri sat sun); did you mean 'fri'?"}}},
    {"a date range over New Year with the old year twice",
     "[2026-12-24..2026-01-02]\ndeck a.md\n",
     0,
     NULL,
     1,
     {{1, 14,
       "the date range ends on 2026-01-02, before it starts on 2026-12-24; did you mean "
       "2027-01-02?"}}},
    {"[always] and []",
     "[always]\ndeck a.md\n[ ]\ndeck b.md\n",
     0,
     NULL,
     2,
     {{1, 2, "[always] is not a section: items above the first section always play"},
      {3, 3, "say when the section plays, e.g. [mon-fri 07:30-17:30], or [otherwise]"}}},
    {"sections without items",
     "deck a.md\n[sat]\n[sun]\ndeck b.md\n  [otherwise]  # later\n",
     0,
     NULL,
     2,
     {{2, 1, "section [sat] has no items: put items under it, or remove it"},
      {5, 3, "section [otherwise] has no items"}}},
    {"a broken item still counts as the section's",
     "[sat]\nvidoe a.mp4\n",
     0,
     NULL,
     1,
     {{2, 1, "unknown item kind 'vidoe'"}}},
    {"the same schedule twice",
     "[sat,sun]\ndeck a.md\n[sun, sat]\ndeck b.md\n",
     0,
     NULL,
     1,
     {{3, 1,
       "this section plays exactly when [sat,sun] on line 1 does, so one of them would never "
       "play: merge them"}}},
    {"settings after a section",
     "[sat]\naudio = on\ndeck a.md\n",
     0,
     NULL,
     1,
     {{2, 0, "settings must come before the first section (line 1)"}}},
    {"settings after an item and a section",
     "deck a.md\n[sat]\naudio = on\ndeck b.md\n",
     0,
     NULL,
     1,
     {{3, 0, "settings must come before the first item (line 1)"}}},
    {"only a header",
     "[sat]\n",
     0,
     NULL,
     2,
     {{1, 1, "section [sat] has no items"}, {1, 0, "playlist has no items"}}},
    // Encoding
    {"columns count from after the BOM; CR is not part of a word",
     "\xEF\xBB\xBFvidoe a.mp4\r\nimage a.png 8\r\n",
     0,
     NULL,
     2,
     {{1, 1, "unknown item kind 'vidoe'"}, {2, 13, "duration '8': add a unit"}}},
    {"Latin-1 byte",
     "deck a.md\nimage caf\xe9.png\n",
     0,
     NULL,
     1,
     {{2, 10, "line is not valid UTF-8 (save the file as UTF-8)"}}},
    {"overlong, surrogate, truncated, past U+10FFFF",
     "deck a.md\nimage \xC0\xAF.png\nimage \xED\xA0\x80.png\nimage \xE4\xBD\n"
     "image \xF4\x90\x80\x80.png\n",
     0,
     NULL,
     4,
     {{2, 7, "not valid UTF-8"},
      {3, 7, "not valid UTF-8"},
      {4, 7, "not valid UTF-8"},
      {5, 7, "not valid UTF-8"}}},
    {"NUL byte", "deck a.md\nimage b\0.png\n", 22, NULL, 1, {{2, 8, "NUL byte"}}},
    // No items
    {"empty text",
     "",
     0,
     NULL,
     1,
     {{1, 0, "playlist has no items (add e.g. deck lesson/lesson.md)"}}},
    {"only a BOM", "\xEF\xBB\xBF", 0, NULL, 1, {{1, 0, "playlist has no items"}}},
    {"only settings and comments",
     "# nothing yet\naudio = on\n",
     0,
     NULL,
     1,
     {{2, 0, "playlist has no items"}}},
    {"only blank lines", "\n\n\n", 0, NULL, 1, {{3, 0, "playlist has no items"}}},
    // Collect all
    {"every line with a mistake is reported",
     "slide_time = 8s\ndeck a.md\nvidoe b.mp4\nimage /c.png\nvideo d.mp4 5s\naudio = on\n"
     "image \"e.png\n",
     0,
     NULL,
     6,
     {{1, 1, "unknown setting"},
      {3, 1, "unknown item kind"},
      {4, 7, "content folder"},
      {5, 13, "a video plays to its end"},
      {6, 0, "settings must come before the first item (line 2)"},
      {7, 7, "unterminated quote"}}},
    {"long words are cut at a character boundary",
     "x课课课课课课课课课课课课课课课课课课课课 a.png\n",
     0,
     NULL,
     1,
     {{1, 1, "'x课课课课课课课课课课课课课课课...' (expected"}}},
};

static int check_error(const char *name, size_t index, const struct parse_error *error,
                       const struct expected_error *expected)
{
    if (error->line == expected->line && error->column == expected->column &&
        strstr(error->message, expected->contains))
        return 0;
    print_error("%s, error %zu:\n  expected line %d column %d: ...%s...\n"
                "  got      line %d column %d: %s\n",
                name, index, expected->line, expected->column, expected->contains, error->line,
                error->column, error->message);
    return 1;
}

static int check_error_case(const struct error_case *c)
{
    struct parse_report report;
    size_t length = c->length ? c->length : strlen(c->text);
    struct playlist *playlist = playlist_parse(c->text, length, &report);
    int n_failed = 0;
    if (playlist) {
        print_error("%s: expected NULL, got a playlist of %zu items\n", c->name,
                    playlist_n_items(playlist));
        playlist_destroy(playlist);
        return 1;
    }
    if (parse_report_count(&report) != c->n_errors) {
        print_error("%s: expected %zu errors, got %zu:\n", c->name, c->n_errors,
                    parse_report_count(&report));
        print_report(&report);
        return 1;
    }
    for (size_t i = 0; i < c->n_errors; i++) {
        n_failed += check_error(c->name, i, &report.errors[i], &c->errors[i]);
        if (c->absent && strstr(report.errors[i].message, c->absent)) {
            print_error("%s: '%s' should not be in: %s\n", c->name, c->absent,
                        report.errors[i].message);
            n_failed++;
        }
    }
    return n_failed;
}

static void test_mistakes_are_reported(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
        n_failed += check_error_case(&error_cases[i]);
    assert_int_equal(n_failed, 0);
}

// A huge broken file: the first screenful is stored, the rest only counted.
static void test_errors_past_the_report_size_are_counted(void **state)
{
    (void)state;
    enum { N_LINES = PARSE_REPORT_MAX_ERRORS + 36 };
    static const char line[] = "vidoe a.mp4\n";
    char *text = calloc(N_LINES, sizeof line);
    assert_non_null(text);
    for (size_t i = 0; i < N_LINES; i++)
        memcpy(text + i * (sizeof line - 1), line, sizeof line - 1);
    struct parse_report report;
    assert_null(playlist_parse(text, strlen(text), &report));
    assert_int_equal(parse_report_count(&report), N_LINES);
    assert_int_equal(report.n_errors, PARSE_REPORT_MAX_ERRORS);
    assert_int_equal(report.errors[PARSE_REPORT_MAX_ERRORS - 1].line, PARSE_REPORT_MAX_ERRORS);
    free(text);
}

// The report is emptied first, so a stale report never leaks into a success.
static void test_success_empties_the_report(void **state)
{
    (void)state;
    struct parse_report report;
    parse_report_init(&report);
    parse_report_add(&report, 9, 9, "stale");
    struct playlist *playlist = playlist_parse("deck a.md", 9, &report);
    assert_non_null(playlist);
    assert_int_equal(parse_report_count(&report), 0);
    playlist_destroy(playlist);
}

static void test_empty_input_without_a_buffer(void **state)
{
    (void)state;
    struct parse_report report;
    assert_null(playlist_parse(NULL, 0, &report));
    assert_int_equal(parse_report_count(&report), 1);
    assert_int_equal(report.errors[0].line, 1);
}

// Items go under the section header above them; items above the first
// header belong to none (they always play).
static void test_sections(void **state)
{
    (void)state;
    const char text[] = "# school\n"
                        "slide-time = 8s\n"
                        "deck welcome.md\n"
                        "[mon-fri 07:30-17:30]   # school hours\n"
                        "deck lesson.md\n"
                        "video clip.mp4\n"
                        "[ sat,sun ]# the weekend\n"
                        "image weekend.png\n"
                        "\t[otherwise]\n"
                        "\n"
                        "  image night.png\n";
    static const struct {
        int line;
        int section;
    } items[] = {{3, -1}, {5, 0}, {6, 0}, {8, 1}, {11, 2}};
    static const struct {
        int line;
        const char *spec;
    } sections[] = {{4, "mon-fri 07:30-17:30"}, {7, "sat,sun"}, {9, "otherwise"}};
    struct parse_report report;
    struct playlist *playlist = playlist_parse(text, strlen(text), &report);
    if (!playlist) {
        print_report(&report);
        fail_msg("expected a playlist");
    }
    assert_int_equal(playlist_n_items(playlist), 5);
    for (size_t i = 0; i < 5; i++) {
        const struct playlist_item *item = playlist_item_at(playlist, i);
        if (item->line != items[i].line || item->section != items[i].section)
            fail_msg("item %zu: expected line %d section %d, got line %d section %d", i,
                     items[i].line, items[i].section, item->line, item->section);
    }
    assert_int_equal(playlist_n_sections(playlist), 3);
    const struct schedule *schedule = playlist_schedule(playlist);
    assert_int_equal(schedule_n_sections(schedule), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(playlist_section_at(playlist, i)->line, sections[i].line);
        assert_string_equal(playlist_section_at(playlist, i)->spec, sections[i].spec);
    }
    assert_true(schedule_window_at(schedule, 0)->has_times);
    assert_true(schedule_window_at(schedule, 1)->has_days);
    assert_true(schedule_window_at(schedule, 2)->is_otherwise);
    struct schedule_civil_time saturday = {2026, 12, 5, 600};
    assert_int_equal(schedule_active_section(schedule, &saturday), 1);
    playlist_destroy(playlist);

    const char plain[] = "deck a.md\nimage b.png\n";
    playlist = playlist_parse(plain, strlen(plain), &report);
    assert_non_null(playlist);
    assert_int_equal(playlist_n_sections(playlist), 0);
    assert_int_equal(schedule_n_sections(playlist_schedule(playlist)), 0);
    assert_int_equal(playlist_item_at(playlist, 0)->section, -1);
    assert_int_equal(playlist_item_at(playlist, 1)->section, -1);
    playlist_destroy(playlist);
}

static void test_kind_names_and_destroy_null(void **state)
{
    (void)state;
    assert_string_equal(playlist_item_kind_name(PLAYLIST_ITEM_DECK), "deck");
    assert_string_equal(playlist_item_kind_name(PLAYLIST_ITEM_SLIDE), "slide");
    assert_string_equal(playlist_item_kind_name(PLAYLIST_ITEM_IMAGE), "image");
    assert_string_equal(playlist_item_kind_name(PLAYLIST_ITEM_VIDEO), "video");
    playlist_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_playlists),
        cmocka_unit_test(test_display_settings),
        cmocka_unit_test(test_hwdec_setting),
        cmocka_unit_test(test_volume),
        cmocka_unit_test(test_screen_settings),
        cmocka_unit_test(test_clock_settings),
        cmocka_unit_test(test_mistakes_are_reported),
        cmocka_unit_test(test_errors_past_the_report_size_are_counted),
        cmocka_unit_test(test_success_empties_the_report),
        cmocka_unit_test(test_empty_input_without_a_buffer),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_kind_names_and_destroy_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
