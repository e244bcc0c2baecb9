// duration: parses "<decimal><unit>" into whole milliseconds, rounding to the
// nearest ms. Integer arithmetic only, so no input can overflow or lose bits.
#include "show/duration.h"

#include <stdbool.h>
#include <string.h>

// Fraction digits past this many are ignored: 12 digits times the largest
// unit (3 600 000 ms) still fits in int64, and the rest moves the result by
// less than 0.00001 ms.
#define FRACTION_DIGITS_MAX 12

struct decimal {
    int64_t whole;          // integer part, saturated just above DURATION_MAX_MS
    int64_t fraction;       // fraction digits as an integer ...
    int64_t fraction_scale; // ... over this power of ten (1 when there are none)
    size_t length;          // bytes of text the number took
};

struct unit {
    const char *name;
    int64_t ms;
};

// "ms" before "m" so the longer name wins.
static const struct unit units[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 3600 * 1000},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// Reads digits, optionally '.' and more digits. Returns false when text does
// not start with a digit or a '.' is not followed by a digit.
static bool decimal_parse(const char *text, size_t length, struct decimal *number)
{
    size_t i = 0;
    *number = (struct decimal){.fraction_scale = 1};
    if (length == 0 || !is_digit(text[0]))
        return false;
    for (; i < length && is_digit(text[i]); i++) {
        if (number->whole <= DURATION_MAX_MS)
            number->whole = number->whole * 10 + (text[i] - '0');
    }
    if (i < length && text[i] == '.') {
        i++;
        if (i == length || !is_digit(text[i]))
            return false;
        for (int n_digits = 0; i < length && is_digit(text[i]); i++, n_digits++) {
            if (n_digits < FRACTION_DIGITS_MAX) {
                number->fraction = number->fraction * 10 + (text[i] - '0');
                number->fraction_scale *= 10;
            }
        }
    }
    number->length = i;
    return true;
}

// The unit spelled by exactly length bytes of text, or NULL.
static const struct unit *unit_find(const char *text, size_t length)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].name) == length && memcmp(units[i].name, text, length) == 0)
            return &units[i];
    }
    return NULL;
}

// Why a text that is not a number followed by a unit was refused.
static const char *why_not_a_duration(const char *text, size_t length)
{
    if (length == 0)
        return "empty duration";
    if (text[0] == '-' && length > 1 && is_digit(text[1]))
        return "must be longer than 0";
    return "not a duration (write e.g. 8s, 1500ms or 2m)";
}

int64_t duration_parse_ms(const char *text, size_t length, const char **why)
{
    struct decimal number;
    if (!decimal_parse(text, length, &number)) {
        *why = why_not_a_duration(text, length);
        return -1;
    }
    if (number.length == length) {
        *why = "add a unit: 8s, 1500ms or 2m";
        return -1;
    }
    const struct unit *unit = unit_find(text + number.length, length - number.length);
    if (!unit) {
        *why = "unknown unit (use ms, s, m or h, in lowercase)";
        return -1;
    }
    if (number.whole > DURATION_MAX_MS / unit->ms) {
        *why = "too long (at most 24h)";
        return -1;
    }
    // Round half up: fraction * unit / scale, plus one half.
    int64_t part_ms =
        (number.fraction * unit->ms * 2 + number.fraction_scale) / (number.fraction_scale * 2);
    int64_t total_ms = number.whole * unit->ms + part_ms;
    if (total_ms > DURATION_MAX_MS) {
        *why = "too long (at most 24h)";
        return -1;
    }
    if (total_ms <= 0) {
        *why = number.whole == 0 && number.fraction == 0 ? "must be longer than 0"
                                                         : "must be at least 1ms";
        return -1;
    }
    return total_ms;
}
