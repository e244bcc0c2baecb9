// control_request: every verb, every refusal, the length limits, durations,
// JSON escaping and reply building, table-driven.
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf8.h"
#include "io/control_request.h"

#define UNTIL_CLEARED (-1)

struct parse_case {
    const char *line;
    int expected; // 0 or -EINVAL
    enum control_verb verb;
    int64_t duration_ms;
    bool is_clear;
    const char *argument; // the expected text (announce) or path (screenshot), else ""
    const char *message;  // a part of the expected error message
};

#define OK(line_, verb_, argument_)                                                                \
    {                                                                                              \
        line_, 0, CONTROL_VERB_##verb_, UNTIL_CLEARED, false, argument_, NULL                      \
    }
#define ANNOUNCE_FOR(line_, duration_ms_, text_)                                                   \
    {                                                                                              \
        line_, 0, CONTROL_VERB_ANNOUNCE, duration_ms_, false, text_, NULL                          \
    }
#define BAD(line_, message_)                                                                       \
    {                                                                                              \
        line_, -EINVAL, CONTROL_VERB_STATUS, UNTIL_CLEARED, false, "", message_                    \
    }

static const struct parse_case cases[] = {
    // Verbs without arguments, and the spacing around them.
    OK("status", STATUS, ""),
    OK("next", NEXT, ""),
    OK("prev", PREV, ""),
    OK("pause", PAUSE, ""),
    OK("resume", RESUME, ""),
    OK("reload", RELOAD, ""),
    OK("schedule", SCHEDULE, ""),
    OK(" schedule \r", SCHEDULE, ""),
    OK("  status  ", STATUS, ""),
    OK("status\r", STATUS, ""), // CRLF clients
    BAD("status now", "status takes no arguments"),
    BAD("next 2", "next takes no arguments"),
    BAD("reload   x", "reload takes no arguments"),
    BAD("schedule today", "schedule takes no arguments"),
    OK("restart", RESTART, ""),
    BAD("restart now", "restart takes no arguments"),
    BAD("", "empty request"),
    BAD("    ", "empty request"),
    BAD("\r", "empty request"),
    BAD("stauts", "unknown verb 'stauts' (known: status, next, prev, pause, resume, reload, "
                  "screenshot, announce, schedule, restart)"),
    BAD("STATUS", "unknown verb 'STATUS'"),
    BAD("{\"verb\":\"status\"}", "unknown verb '{\"verb\":\"status\"}'"),
    BAD("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "unknown verb 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"),
    // screenshot
    OK("screenshot /tmp/a.png", SCREENSHOT, "/tmp/a.png"),
    OK("screenshot   /tmp/my shot.png  ", SCREENSHOT, "/tmp/my shot.png"),
    OK("screenshot /srv/截图/大厅.PNG", SCREENSHOT, "/srv/截图/大厅.PNG"),
    OK("screenshot /.png", SCREENSHOT, "/.png"),
    BAD("screenshot", "screenshot needs a file"),
    BAD("screenshot    ", "screenshot needs a file"),
    BAD("screenshot a.png", "must be absolute"),
    BAD("screenshot ~/a.png", "must be absolute"),
    BAD("screenshot /tmp/a.jpg", "must end in .png"),
    BAD("screenshot /tmp/png", "must end in .png"),
    BAD("screenshot .png", "must be absolute"),
    // announce
    OK("announce Lunch is served", ANNOUNCE, "Lunch is served"),
    OK("announce   two  spaces inside  ", ANNOUNCE, "two  spaces inside"),
    OK("announce 新质生产力 讲座 14:00", ANNOUNCE, "新质生产力 讲座 14:00"),
    OK("announce -5 degrees outside", ANNOUNCE, "-5 degrees outside"),
    OK("announce -- --clear", ANNOUNCE, "--clear"),
    ANNOUNCE_FOR("announce --for 30s Fire drill at 10", 30000, "Fire drill at 10"),
    ANNOUNCE_FOR("announce --for 1500ms x", 1500, "x"),
    ANNOUNCE_FOR("announce --for 5m x", 300000, "x"),
    ANNOUNCE_FOR("announce --for 2h x", 7200000, "x"),
    ANNOUNCE_FOR("announce --for 24h x", 86400000, "x"),
    ANNOUNCE_FOR("announce --for 1440m x", 86400000, "x"),
    ANNOUNCE_FOR("announce --for 007s x", 7000, "x"),
    ANNOUNCE_FOR("announce   --for   5s   --   --x", 5000, "--x"),
    {"announce --clear", 0, CONTROL_VERB_ANNOUNCE, UNTIL_CLEARED, true, "", NULL},
    {"announce   --clear  ", 0, CONTROL_VERB_ANNOUNCE, UNTIL_CLEARED, true, "", NULL},
    BAD("announce", "announce needs a text, or --clear"),
    BAD("announce   ", "announce needs a text, or --clear"),
    BAD("announce --for 5s", "announce needs a text"),
    BAD("announce --", "announce needs a text"),
    BAD("announce --for", "announce --for needs a duration (like 1500ms, 30s, 5m, 2h)"),
    BAD("announce --clear now", "announce --clear takes nothing else"),
    BAD("announce --for 5s --clear", "announce --clear takes nothing else"),
    BAD("announce --bold x", "announce: unknown option '--bold'"),
    BAD("announce --for=5s x", "announce: unknown option '--for=5s'"),
    BAD("announce --for 5s --for 6s x", "announce: --for given twice"),
    BAD("announce --for 0s x", "duration must be more than 0"),
    BAD("announce --for 0ms x", "duration must be more than 0"),
    BAD("announce --for 25h x", "'25h' is longer than 24h"),
    BAD("announce --for 1441m x", "'1441m' is longer than 24h"),
    BAD("announce --for 99999999999999999999999s x", "is longer than 24h"),
    BAD("announce --for 30 x", "bad duration '30' (a whole number and a unit: 1500ms, 30s, "
                               "5m, 2h)"),
    BAD("announce --for 1.5s x", "bad duration '1.5s'"),
    BAD("announce --for s x", "bad duration 's'"),
    BAD("announce --for 30x x", "bad duration '30x'"),
    BAD("announce --for 30S x", "bad duration '30S'"),
    BAD("announce --for -5s x", "bad duration '-5s'"),
    BAD("announce --for 5 s x", "bad duration '5'"),
    // Characters
    BAD("announce a\tb", "request contains a control character (0x09)"),
    BAD("status\n", "request contains a control character (0x0a)"),
    BAD("announce a\rb", "control character (0x0d)"),
    BAD("announce \x1b[31mred", "control character (0x1b)"),
    BAD("announce \x7f", "control character (0x7f)"),
    BAD("announce \xff", "request is not valid UTF-8"),
    BAD("announce \xc0\xaf", "request is not valid UTF-8"),     // overlong '/'
    BAD("announce \xed\xa0\x80", "request is not valid UTF-8"), // a surrogate
    BAD("announce \xe6\x96", "request is not valid UTF-8"),     // cut short
    BAD("screenshot /tmp/\xff.png", "request is not valid UTF-8"),
};

static void check_case(const struct parse_case *c, const char *line, size_t length)
{
    static struct control_request request;
    char error[512];
    memset(&request, 0x5A, sizeof request); // parse must overwrite every field it promises
    int result = control_request_parse(line, length, &request, error, sizeof error);
    if (result != c->expected)
        fail_msg("'%s': returned %d, expected %d (error: %s)", c->line, result, c->expected, error);
    if (result != 0) {
        if (!strstr(error, c->message))
            fail_msg("'%s': error \"%s\" lacks \"%s\"", c->line, error, c->message);
        if (!utf8_is_valid(error, strlen(error)))
            fail_msg("'%s': the error message is not valid UTF-8", c->line);
        return;
    }
    const char *argument = request.verb == CONTROL_VERB_SCREENSHOT ? request.path : request.text;
    if (request.verb != c->verb || request.duration_ms != c->duration_ms ||
        request.is_clear != c->is_clear || strcmp(argument, c->argument) != 0)
        fail_msg("'%s': got verb %s, %lld ms, clear %d, \"%s\"; expected %s, %lld ms, clear %d, "
                 "\"%s\"",
                 c->line, control_verb_name(request.verb), (long long)request.duration_ms,
                 request.is_clear, argument, control_verb_name(c->verb), (long long)c->duration_ms,
                 c->is_clear, c->argument);
    if (request.verb != CONTROL_VERB_SCREENSHOT && request.path[0] != '\0')
        fail_msg("'%s': path not cleared", c->line);
    if (request.verb != CONTROL_VERB_ANNOUNCE && request.text[0] != '\0')
        fail_msg("'%s': text not cleared", c->line);
}

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_case(&cases[i], cases[i].line, strlen(cases[i].line));
    }
}

static void test_verb_names_round_trip(void **state)
{
    (void)state;
    static struct control_request request;
    char error[256];
    for (int verb = CONTROL_VERB_STATUS; verb <= CONTROL_VERB_RELOAD; verb++) {
        const char *name = control_verb_name((enum control_verb)verb);
        assert_int_equal(control_request_parse(name, strlen(name), &request, error, sizeof error),
                         0);
        assert_int_equal(request.verb, verb);
    }
    assert_string_equal(control_verb_name(CONTROL_VERB_SCREENSHOT), "screenshot");
    assert_string_equal(control_verb_name(CONTROL_VERB_ANNOUNCE), "announce");
    assert_string_equal(control_verb_name(CONTROL_VERB_SCHEDULE), "schedule");
    assert_string_equal(control_verb_name(CONTROL_VERB_RESTART), "restart");
}

// Lines handed over with an explicit length: an embedded NUL, and bytes past
// length that must not be read.
static void test_parse_uses_length(void **state)
{
    (void)state;
    static const char with_nul[] = "announce a\0b";
    struct parse_case nul_case = BAD("announce a<NUL>b", "control character (0x00)");
    check_case(&nul_case, with_nul, sizeof with_nul - 1);
    struct parse_case prefix_case = OK("status (of 'statusXYZ')", STATUS, "");
    check_case(&prefix_case, "statusXYZ", 6);
    struct parse_case empty_case = BAD("(length 0)", "empty request");
    check_case(&empty_case, "status", 0);
}

static char *repeat(const char *prefix, const char *unit, size_t n_units, const char *suffix)
{
    size_t size = strlen(prefix) + strlen(unit) * n_units + strlen(suffix) + 1;
    char *text = calloc(size, 1);
    assert_non_null(text);
    char *end = stpcpy(text, prefix);
    for (size_t i = 0; i < n_units; i++)
        end = stpcpy(end, unit);
    strcpy(end, suffix);
    return text;
}

static void test_length_limits(void **state)
{
    (void)state;
    struct length_case {
        const char *prefix, *unit;
        size_t n_units;
        const char *suffix;
        int expected;
        const char *message;
    } length_cases[] = {
        {"announce ", "a", CONTROL_TEXT_MAX_BYTES, "", 0, NULL},
        {"announce ", "a", CONTROL_TEXT_MAX_BYTES + 1, "", -EINVAL,
         "announce text is 501 bytes (at most 500)"},
        {"announce ", "新", CONTROL_TEXT_MAX_BYTES / 3, "ab", 0, NULL}, // 498 + 2 bytes
        {"announce ", "新", CONTROL_TEXT_MAX_BYTES / 3 + 1, "", -EINVAL, "is 501 bytes"},
        {"announce --for 5s ", "a", CONTROL_TEXT_MAX_BYTES, "", 0, NULL},
        // The longest line: 4095 bytes (the 4096th is the '\n').
        {"screenshot /", "a", CONTROL_REQUEST_MAX_BYTES - 1 - 16, ".png", 0, NULL},
        {"screenshot /", "a", CONTROL_REQUEST_MAX_BYTES - 16, ".png", -EINVAL,
         "request too long (at most 4095 bytes)"},
        {"", "x", 1000000, "", -EINVAL, "request too long"},
    };
    for (size_t i = 0; i < sizeof length_cases / sizeof length_cases[0]; i++) {
        const struct length_case *c = &length_cases[i];
        char *line = repeat(c->prefix, c->unit, c->n_units, c->suffix);
        static struct control_request request;
        char error[512] = "";
        int result = control_request_parse(line, strlen(line), &request, error, sizeof error);
        if (result != c->expected)
            fail_msg("length case %zu (%zu bytes): returned %d, expected %d (%s)", i, strlen(line),
                     result, c->expected, error);
        if (result != 0 && !strstr(error, c->message))
            fail_msg("length case %zu: error \"%s\" lacks \"%s\"", i, error, c->message);
        if (result == 0 && request.verb == CONTROL_VERB_ANNOUNCE)
            assert_string_equal(request.text, line + strlen(line) - strlen(request.text));
        if (result == 0 && request.verb == CONTROL_VERB_SCREENSHOT)
            assert_string_equal(request.path, line + strlen("screenshot "));
        free(line);
    }
}

// A long unknown verb is quoted cut short, never in the middle of a character.
static void test_unknown_verb_cut_at_character(void **state)
{
    (void)state;
    char *line = repeat("", "新", 20, "");
    static struct control_request request;
    char error[512];
    assert_int_equal(control_request_parse(line, strlen(line), &request, error, sizeof error),
                     -EINVAL);
    assert_true(utf8_is_valid(error, strlen(error)));
    assert_non_null(strstr(error, "unknown verb '新新新新新新新新新新...'"));
    free(line);
}

static void test_error_buffer_small(void **state)
{
    (void)state;
    static struct control_request request;
    char error[8];
    assert_int_equal(control_request_parse("stauts", 6, &request, error, sizeof error), -EINVAL);
    assert_string_equal(error, "unknown");
    assert_int_equal(control_request_parse("stauts", 6, &request, NULL, 0), -EINVAL);
}

struct escape_case {
    const char *text;
    const char *expected;
};

static const struct escape_case escape_cases[] = {
    {"", ""},
    {"plain text", "plain text"},
    {"say \"hi\"", "say \\\"hi\\\""},
    {"C:\\dir", "C:\\\\dir"},
    {"\n\r\t\b\f", "\\n\\r\\t\\b\\f"},
    {"\x01\x1f\x7f", "\\u0001\\u001f\\u007f"},
    {"/slash/", "/slash/"},
    {"新质生产力 ✓ 😀", "新质生产力 ✓ 😀"},
    {"\xff", "\\ufffd"},
    {"a\xe6\x96", "a\\ufffd\\ufffd"},
    {"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"},
};

static void test_json_escape_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof escape_cases / sizeof escape_cases[0]; i++) {
        char out[256];
        size_t n = control_json_escape(escape_cases[i].text, out, sizeof out);
        if (strcmp(out, escape_cases[i].expected) != 0 || n != strlen(escape_cases[i].expected))
            fail_msg("escape case %zu: got \"%s\" (%zu), expected \"%s\"", i, out, n,
                     escape_cases[i].expected);
    }
}

static void test_json_escape_truncates_whole_escapes(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'Z', sizeof out);
    assert_int_equal(control_json_escape("abc\"d", out, 4), 6);
    assert_string_equal(out, "abc"); // "\"" does not fit whole, so it is left out
    assert_int_equal(control_json_escape("abc\"d", out, 5), 6);
    assert_string_equal(out, "abc");
    assert_int_equal(control_json_escape("abc\"d", out, 6), 6);
    assert_string_equal(out, "abc\\\"");
    assert_int_equal(control_json_escape("新", out, 3), 3);
    assert_string_equal(out, ""); // a character is never cut either
    assert_int_equal(control_json_escape("abc", out, 0), 3);
    assert_int_equal(out[0], '\0');
}

static const char *finish(struct control_reply *reply)
{
    size_t length;
    const char *json = control_reply_finish(reply, &length);
    assert_int_equal(length, strlen(json));
    return json;
}

static void test_reply_fields(void **state)
{
    (void)state;
    static struct control_reply reply;
    control_reply_init(&reply);
    assert_string_equal(finish(&reply), "{\"ok\":true}\n");

    control_reply_init(&reply);
    control_reply_add_string(&reply, "playlist", "/srv/\"hall\".playlist");
    control_reply_add_string(&reply, "item", "clips/新质生产力.mp4");
    control_reply_add_int(&reply, "position_ms", 12345);
    control_reply_add_int(&reply, "min", INT64_MIN);
    control_reply_add_bool(&reply, "is_paused", false);
    control_reply_add_bool(&reply, "has_audio", true);
    control_reply_add_null(&reply, "last_error");
    control_reply_add_double(&reply, "fps", 29.97);
    control_reply_add_double(&reply, "nan", NAN);
    control_reply_add_double(&reply, "inf", -INFINITY);
    control_reply_add_string(&reply, "odd \"key\"", "line\nbreak");
    control_reply_add_json(&reply, "timeline", "[{\"from\":\"00:00\",\"section\":null}]");
    assert_true(control_reply_is_ok(&reply));
    assert_string_equal(finish(&reply),
                        "{\"ok\":true,\"playlist\":\"/srv/\\\"hall\\\".playlist\","
                        "\"item\":\"clips/新质生产力.mp4\",\"position_ms\":12345,"
                        "\"min\":-9223372036854775808,\"is_paused\":false,\"has_audio\":true,"
                        "\"last_error\":null,\"fps\":29.97,\"nan\":null,\"inf\":null,"
                        "\"odd \\\"key\\\"\":\"line\\nbreak\","
                        "\"timeline\":[{\"from\":\"00:00\",\"section\":null}]}\n");
}

static void test_reply_error(void **state)
{
    (void)state;
    static struct control_reply reply;
    control_reply_init(&reply);
    control_reply_add_int(&reply, "dropped", 1);
    control_reply_set_error(&reply, "cannot write %s: %s", "/tmp/\"x\".png", "No space");
    control_reply_add_int(&reply, "ignored", 2);
    assert_false(control_reply_is_ok(&reply));
    assert_string_equal(finish(&reply),
                        "{\"ok\":false,\"error\":\"cannot write /tmp/\\\"x\\\".png: No space\"}\n");

    // The longest message, every byte escaped six-fold, still fits.
    char *long_message = repeat("", "\x01", 4000, "");
    control_reply_init(&reply);
    control_reply_set_error(&reply, "%s", long_message);
    const char *json = finish(&reply);
    assert_true(strlen(json) < CONTROL_REPLY_MAX_BYTES);
    assert_string_equal(json + strlen(json) - 9, "\\u0001\"}\n");
    free(long_message);
}

// Fields that reach the size limit turn the reply into an error; the reply is
// always one whole JSON line within CONTROL_REPLY_MAX_BYTES.
static void test_reply_overflow(void **state)
{
    (void)state;
    static struct control_reply reply;
    // {"ok":true,"k":"VALUE"}\n plus the NUL must fit in the buffer.
    size_t fitting = CONTROL_REPLY_MAX_BYTES - strlen("{\"ok\":true,\"k\":\"\"}\n") - 1;
    for (size_t length = fitting - 3; length <= fitting + 3; length++) {
        char *value = repeat("", "v", length, "");
        control_reply_init(&reply);
        control_reply_add_string(&reply, "k", value);
        const char *json = finish(&reply);
        if (length <= fitting) {
            assert_true(control_reply_is_ok(&reply));
            assert_int_equal(strlen(json), length + strlen("{\"ok\":true,\"k\":\"\"}\n"));
            assert_memory_equal(json + strlen("{\"ok\":true,\"k\":\""), value, length);
        } else {
            assert_false(control_reply_is_ok(&reply));
            assert_string_equal(json, "{\"ok\":false,\"error\":\"reply too long\"}\n");
        }
        free(value);
    }
    control_reply_init(&reply);
    for (int i = 0; i < 10000; i++)
        control_reply_add_int(&reply, "field", i);
    assert_string_equal(finish(&reply), "{\"ok\":false,\"error\":\"reply too long\"}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_verb_names_round_trip),
        cmocka_unit_test(test_parse_uses_length),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_unknown_verb_cut_at_character),
        cmocka_unit_test(test_error_buffer_small),
        cmocka_unit_test(test_json_escape_table),
        cmocka_unit_test(test_json_escape_truncates_whole_escapes),
        cmocka_unit_test(test_reply_fields),
        cmocka_unit_test(test_reply_error),
        cmocka_unit_test(test_reply_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
