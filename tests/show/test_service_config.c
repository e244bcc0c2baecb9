// Tests for service_config_parse: settings files an administrator writes, and
// for every mistake the line, column and words they will see.
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "show/service_config.h"

#define ERRORS_MAX 6

// ---- Valid files ----------------------------------------------------------------

struct valid_case {
    const char *name;
    const char *text;
    // Expected values; NULL when the file does not set the key.
    const char *playlist;
    const char *content;
    const char *play_log;
    const char *control;
};

static const struct valid_case valid_cases[] = {
    {"empty file", "", NULL, NULL, NULL, NULL},
    {"only comments and blank lines", "# signage\n\n   \n\t# indented\n", NULL, NULL, NULL, NULL},
    {"every key, LF",
     "# Hallway screen\n"
     "playlist = /usr/local/share/signage-player/playlists/hallway.playlist\n"
     "content = ../content\n"
     "play-log = /var/log/signage/play.jsonl\n"
     "control = /run/signage/control.sock\n",
     "/usr/local/share/signage-player/playlists/hallway.playlist", "../content",
     "/var/log/signage/play.jsonl", "/run/signage/control.sock"},
    {"BOM, CRLF, any spacing around '=', no final newline",
     "\xEF\xBB\xBFplaylist=hallway.playlist\r\n"
     "\r\n"
     "  content\t =\t/srv/content  \r\n"
     "# comment\r\n"
     "play-log   =    log/play.jsonl\r",
     "hallway.playlist", "/srv/content", "log/play.jsonl", NULL},
    {"quotes keep spaces; escapes; inner quotes of an unquoted value stay",
     "playlist = \" spaced name.playlist \"\n"
     "content = \"say \\\"hi\\\" \\\\ c:\\d\"\n"
     "play-log = a \"b\" c\n",
     " spaced name.playlist ", "say \"hi\" \\ c:\\d", "a \"b\" c", NULL},
    {"'#' after a value is part of it; spaces inside a value stay",
     "playlist = lesson#1.playlist # not a comment\n"
     "content = /srv/my content\n",
     "lesson#1.playlist # not a comment", "/srv/my content", NULL, NULL},
    {"UTF-8 paths", "playlist = 播放列表/走廊.playlist\ncontrol = \"/run/标牌/控制.sock\"\n",
     "播放列表/走廊.playlist", NULL, NULL, "/run/标牌/控制.sock"},
};

static const char *shown(const char *value)
{
    return value ? value : "(unset)";
}

static int check_value(const char *case_name, const char *key, const char *got,
                       const char *expected)
{
    if ((!got && !expected) || (got && expected && strcmp(got, expected) == 0))
        return 0;
    print_error("%s: %s\n  expected '%s'\n  got      '%s'\n", case_name, key, shown(expected),
                shown(got));
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
    struct service_config *config = service_config_parse(c->text, strlen(c->text), &report);
    if (!config) {
        print_error("%s: expected a config, got %zu errors:\n", c->name,
                    parse_report_count(&report));
        print_report(&report);
        return 1;
    }
    int n_failed = check_value(c->name, "playlist", service_config_playlist(config), c->playlist) +
                   check_value(c->name, "content", service_config_content(config), c->content) +
                   check_value(c->name, "play-log", service_config_play_log(config), c->play_log) +
                   check_value(c->name, "control", service_config_control(config), c->control);
    if (parse_report_count(&report) != 0) {
        print_error("%s: report not empty on success\n", c->name);
        n_failed++;
    }
    service_config_destroy(config);
    return n_failed;
}

static void test_valid_files(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++)
        n_failed += check_valid_case(&valid_cases[i]);
    assert_int_equal(n_failed, 0);
}

static void test_null_text_is_empty(void **state)
{
    (void)state;
    struct parse_report report;
    struct service_config *config = service_config_parse(NULL, 0, &report);
    assert_non_null(config);
    assert_null(service_config_playlist(config));
    assert_int_equal(parse_report_count(&report), 0);
    service_config_destroy(config);
    service_config_destroy(NULL);
}

// Command values are kept as written, quotes and all: the words are split later.
static void test_display_commands(void **state)
{
    (void)state;
    static const char text[] = "display-off = /usr/bin/cec-ctl --to 0 --standby\n"
                               "display-on = \"/opt/my tools/on\" --name \"a b\"  \n";
    struct parse_report report;
    struct service_config *config = service_config_parse(text, strlen(text), &report);
    assert_non_null(config);
    int n_failed = check_value("commands", "display-off", service_config_display_off(config),
                               "/usr/bin/cec-ctl --to 0 --standby") +
                   check_value("commands", "display-on", service_config_display_on(config),
                               "\"/opt/my tools/on\" --name \"a b\"") +
                   check_value("commands", "playlist", service_config_playlist(config), NULL);
    service_config_destroy(config);
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
    size_t length; // 0: strlen(text); set when text holds a NUL
    size_t n_errors;
    struct expected_error errors[ERRORS_MAX];
};

static const struct error_case error_cases[] = {
    {"unknown setting",
     "# typo below\nplaylst = a.playlist\n",
     0,
     1,
     {{2, 1,
       "unknown setting 'playlst' (known: playlist, content, play-log, control, display-off, "
       "display-on)"}}},
    {"keys are lowercase and exact",
     "  Playlist = a\nplay_log = b\nplay log = c\n",
     0,
     3,
     {{1, 3, "unknown setting 'Playlist'"},
      {2, 1, "unknown setting 'play_log'"},
      {3, 1, "unknown setting 'play log'"}}},
    {"missing '='",
     "playlist = a\r\nplaylist b\r\n",
     0,
     1,
     {{2, 0,
       "missing '=': write each setting as KEY = VALUE, e.g. playlist = "
       "playlists/hallway.playlist"}}},
    {"missing key", "\n = a\n", 0, 1, {{2, 2, "missing setting name before '='"}}},
    {"empty values",
     "playlist =\ncontent =   \t\nplay-log = \"\"\ncontrol=\n",
     0,
     4,
     {{1, 0, "'playlist' needs a value, e.g. playlist = playlists/hallway.playlist"},
      {2, 0, "'content' needs a value, e.g. content = /srv/signage/content"},
      {3, 0, "'play-log' needs a value, e.g. play-log = /var/log/signage/play.jsonl"},
      {4, 0, "'control' needs a value, e.g. control = /run/signage/control.sock"}}},
    {"duplicate key, the first value counts",
     "playlist = a\ncontent = c\n\nplaylist = b\nplaylist = d\n",
     0,
     2,
     {{4, 0, "'playlist' is already set on line 1; give each setting once"},
      {5, 0, "'playlist' is already set on line 1"}}},
    {"unterminated quote",
     "content = \"/srv/a b\ncontrol = \"x\\\"\n",
     0,
     2,
     {{1, 11, "unterminated quote (add a closing \")"}, {2, 11, "unterminated quote"}}},
    {"text after the closing quote",
     "playlist = \"a b\" c\n",
     0,
     1,
     {{1, 18, "unexpected 'c' after the closing quote (quote the whole value)"}}},
    {"invalid UTF-8 and NUL",
     "playlist = a\xFF\ncontent = b\0c\n",
     28,
     2,
     {{1, 13, "line is not valid UTF-8 (save the file as UTF-8)"},
      {2, 12, "line contains a NUL byte"}}},
    {"a command with an unterminated quote, an empty command",
     "display-off = /bin/sh -c \"echo off\ndisplay-on =\n",
     0,
     2,
     {{1, 15, "'display-off': unterminated quote in the command"},
      {2, 0, "'display-on' needs a value, e.g. display-on = /usr/bin/cec-ctl"}}},
    {"every problem is reported, good lines between them are fine",
     "\xEF\xBB\xBF"
     "playlist = a\r\n"
     "contnet = b\r\n"
     "control = c\r\n"
     "nonsense\r\n"
     "control = d\r\n",
     0,
     3,
     {{2, 1, "unknown setting 'contnet'"},
      {4, 0, "missing '='"},
      {5, 0, "'control' is already set on line 3"}}},
};

static int check_error_case(const struct error_case *c)
{
    struct parse_report report;
    size_t length = c->length ? c->length : strlen(c->text);
    struct service_config *config = service_config_parse(c->text, length, &report);
    int n_failed = 0;
    if (config) {
        print_error("%s: expected errors, got a config\n", c->name);
        service_config_destroy(config);
        return 1;
    }
    if (report.n_errors != c->n_errors) {
        print_error("%s: expected %zu errors, got %zu:\n", c->name, c->n_errors, report.n_errors);
        print_report(&report);
        return 1;
    }
    for (size_t i = 0; i < c->n_errors; i++) {
        const struct parse_error *got = &report.errors[i];
        const struct expected_error *expected = &c->errors[i];
        if (got->line != expected->line || got->column != expected->column ||
            !strstr(got->message, expected->contains)) {
            print_error("%s, error %zu:\n  expected line %d column %d: ...%s...\n"
                        "  got      line %d column %d: %s\n",
                        c->name, i, expected->line, expected->column, expected->contains, got->line,
                        got->column, got->message);
            n_failed++;
        }
    }
    return n_failed;
}

static void test_mistakes(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
        n_failed += check_error_case(&error_cases[i]);
    assert_int_equal(n_failed, 0);
}

// A long unknown key is cut short in the message, never mid-character.
static void test_long_key_is_cut(void **state)
{
    (void)state;
    char text[256];
    snprintf(text, sizeof text, "%s = x\n",
             "ééééééééééééééééééééééééééééééééééééééééééééééééé"); // 49 x 2 bytes
    struct parse_report report;
    assert_null(service_config_parse(text, strlen(text), &report));
    assert_int_equal(report.n_errors, 1);
    const char *message = report.errors[0].message;
    assert_non_null(strstr(message, "unknown setting 'éééééééééééééééééééééééé...'"));
}

// ---- Command words ----------------------------------------------------------------

#define WORDS_MAX 6

struct split_case {
    const char *command;
    const char *words[WORDS_MAX + 1]; // NULL-terminated; words[0] NULL: an error
    const char *why;                  // expected error text when words[0] is NULL
};

static const struct split_case split_cases[] = {
    {"vcgencmd display_power 0", {"vcgencmd", "display_power", "0", NULL}, NULL},
    {"  \tcec-ctl\t --standby  ", {"cec-ctl", "--standby", NULL}, NULL},
    {"/bin/sh -c \"echo off >> /tmp/m\"", {"/bin/sh", "-c", "echo off >> /tmp/m", NULL}, NULL},
    {"a\"b c\"d \"\" e", {"ab cd", "", "e", NULL}, NULL},
    {"x \"say \\\"hi\\\" \\\\ c:\\d\"", {"x", "say \"hi\" \\ c:\\d", NULL}, NULL},
    {"wlr-randr --output HDMI-A-1 --off",
     {"wlr-randr", "--output", "HDMI-A-1", "--off", NULL},
     NULL},
    {"outside\\ quotes", {"outside\\", "quotes", NULL}, NULL},
    {"sh -c \"unterminated", {NULL}, "unterminated quote"},
    {"   \t ", {NULL}, "the command is empty"},
};

static int check_split_case(const struct split_case *c)
{
    const char *why = NULL;
    char **words = service_config_command_split(c->command, &why);
    int n_failed = 0;
    if (!c->words[0]) {
        if (words || !why || !strstr(why, c->why)) {
            print_error("'%s': expected the error '%s', got %s\n", c->command, c->why,
                        words ? "words"
                        : why ? why
                              : "(no reason)");
            n_failed++;
        }
        free(words);
        return n_failed;
    }
    if (!words) {
        print_error("'%s': expected words, got the error '%s'\n", c->command, why);
        return 1;
    }
    for (size_t i = 0; i <= WORDS_MAX && (c->words[i] || words[i]); i++) {
        if (!c->words[i] || !words[i] || strcmp(c->words[i], words[i]) != 0) {
            print_error("'%s', word %zu:\n  expected '%s'\n  got      '%s'\n", c->command, i,
                        shown(c->words[i]), shown(words[i]));
            n_failed++;
            break;
        }
    }
    free(words);
    return n_failed;
}

static void test_command_split(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof split_cases / sizeof split_cases[0]; i++)
        n_failed += check_split_case(&split_cases[i]);
    assert_int_equal(n_failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_files),      cmocka_unit_test(test_null_text_is_empty),
        cmocka_unit_test(test_display_commands), cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_long_key_is_cut),  cmocka_unit_test(test_command_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
