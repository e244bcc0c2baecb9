// The play log is read by scripts and auditors: each record must be one
// line of valid JSON with the fields the README promises.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "app/play_log.h"

static void format(const struct play_record *record, char *line, size_t size)
{
    int length = play_log_format(record, line, size);
    assert_true(length > 0);
    assert_int_equal((size_t)length, strlen(line));
    assert_int_equal(line[length - 1], '\n');
    assert_ptr_equal(strchr(line, '\n'), line + length - 1); // exactly one line
}

static void test_slide_record_has_the_promised_fields(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    struct play_record record = {
        .shown_at = {.tv_sec = 1764374400, .tv_nsec = 250000000}, // 2025-11-29 00:00 UTC
        .line = 7,
        .kind = "slide",
        .path = "lesson/lesson.md#3",
        .duration_ms = 12000,
        .gap_ms = 3,
        .result = PLAY_RESULT_OK,
    };
    char line[1024];
    format(&record, line, sizeof line);
    assert_string_equal(line, "{\"ts\":\"2025-11-29T08:00:00.250+08:00\",\"line\":7,"
                              "\"kind\":\"slide\",\"path\":\"lesson/lesson.md#3\","
                              "\"duration_ms\":12000,\"gap_ms\":3,\"result\":\"ok\"}\n");
}

static void test_video_record_escapes_and_counts(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    struct play_record record = {
        .line = 2,
        .kind = "video",
        .path = "clips/探访钢材“黑灯工厂” \"q\".mp4",
        .result = PLAY_RESULT_SKIPPED,
        .error = "Invalid data\nfound\t",
        .is_video = true,
        .frames_shown = 0,
        .frames_dropped = 0,
        .decoder = "h264",
    };
    char line[1024];
    format(&record, line, sizeof line);
    assert_non_null(strstr(line, "\"ts\":\"1970-01-01T00:00:00.000+00:00\""));
    assert_non_null(strstr(line, "\"path\":\"clips/探访钢材“黑灯工厂” \\\"q\\\".mp4\""));
    assert_non_null(strstr(line, "\"result\":\"skipped\""));
    assert_non_null(strstr(line, "\"error\":\"Invalid data\\nfound\\u0009\""));
    assert_non_null(strstr(line, "\"frames_shown\":0,\"frames_dropped\":0"));
    assert_non_null(strstr(line, "\"decoder\":\"h264\""));
}

static void test_too_long_for_the_buffer_is_refused_not_cut(void **state)
{
    (void)state;
    struct play_record record = {.kind = "slide", .path = "a/very/long/path.md#1"};
    char line[40];
    assert_int_equal(play_log_format(&record, line, sizeof line), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slide_record_has_the_promised_fields),
        cmocka_unit_test(test_video_record_escapes_and_counts),
        cmocka_unit_test(test_too_long_for_the_buffer_is_refused_not_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
