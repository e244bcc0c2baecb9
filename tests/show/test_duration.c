// Tests for duration_parse_ms: what a teacher may type after an item or in
// slide-time, and the reason shown when it is refused.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "show/duration.h"

struct valid_case {
    const char *text;
    size_t length; // 0: strlen(text)
    int64_t expected_ms;
};

static const struct valid_case valid_cases[] = {
    {"8s", 0, 8000},
    {"1500ms", 0, 1500},
    {"2m", 0, 120000},
    {"1h", 0, 3600000},
    {"1.5s", 0, 1500},
    {"0.5m", 0, 30000},
    {"007s", 0, 7000},
    {"1ms", 0, 1},
    {"0.001s", 0, 1},
    {"0.0015s", 0, 2}, // 1.5 ms rounds up
    {"0.0014s", 0, 1}, // 1.4 ms rounds down
    {"1.0005s", 0, 1001},
    {"24h", 0, 86400000},
    {"1440m", 0, 86400000},
    {"86400000ms", 0, 86400000},
    {"1.999999999999999999s", 0, 2000}, // digits past the 12th are ignored
    {"8sXYZ", 2, 8000},                 // only length bytes are read
    {"15ms", 3, 900000},                // "15m"
};

struct invalid_case {
    const char *text;
    size_t length; // 0: strlen(text)
    const char *why_contains;
};

static const struct invalid_case invalid_cases[] = {
    {"", 0, "empty"},
    {"8", 0, "add a unit: 8s, 1500ms or 2m"},
    {"8.5", 0, "add a unit"},
    {"0s", 0, "must be longer than 0"},
    {"0.000ms", 0, "must be longer than 0"},
    {"-5s", 0, "must be longer than 0"},
    {"0.0001s", 0, "at least 1ms"},
    {"0.4ms", 0, "at least 1ms"},
    {"25h", 0, "too long"},
    {"86400001ms", 0, "too long"},
    {"24.0001h", 0, "too long"},
    {"1441m", 0, "too long"},
    {"99999999999999999999999999h", 0, "too long"},
    {"99999999999999999999999999ms", 0, "too long"},
    {"8S", 0, "unknown unit"},
    {"8sec", 0, "unknown unit"},
    {"2min", 0, "unknown unit"},
    {"8 s", 0, "unknown unit"},
    {"1e3ms", 0, "unknown unit"},
    {"s", 0, "not a duration"},
    {".5s", 0, "not a duration"},
    {"1.s", 0, "not a duration"},
    {"abc", 0, "not a duration"},
    {"+5s", 0, "not a duration"},
    {"8s", 1, "add a unit"}, // length cuts the unit off
};

static size_t case_length(const char *text, size_t length)
{
    return length ? length : strlen(text);
}

static void test_valid_durations(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        const struct valid_case *c = &valid_cases[i];
        const char *why = NULL;
        int64_t ms = duration_parse_ms(c->text, case_length(c->text, c->length), &why);
        if (ms != c->expected_ms) {
            print_error("'%s': expected %lld ms, got %lld ms (why: %s)\n", c->text,
                        (long long)c->expected_ms, (long long)ms, why ? why : "-");
            n_failed++;
        }
    }
    assert_int_equal(n_failed, 0);
}

static void test_invalid_durations(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
        const struct invalid_case *c = &invalid_cases[i];
        const char *why = NULL;
        int64_t ms = duration_parse_ms(c->text, case_length(c->text, c->length), &why);
        if (ms != -1 || !why || !strstr(why, c->why_contains)) {
            print_error("'%s': expected -1 with a reason containing '%s', got %lld (why: %s)\n",
                        c->text, c->why_contains, (long long)ms, why ? why : "-");
            n_failed++;
        }
    }
    assert_int_equal(n_failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_durations),
        cmocka_unit_test(test_invalid_durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
