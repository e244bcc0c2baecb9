// schedule_parse: the text side of schedule: section headers ("mon-fri
// 07:30-17:30") into windows, with the messages a teacher reads when one is
// wrong, and civil times as typed on a command line. When a window plays is
// schedule.c's.
#include "show/schedule.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "show/parse_report.h"
#include "show/schedule_calendar.h"

#define SNIPPET_BYTES_MAX 24 // quoted user text in a message; messages hold 160 bytes
// User text quoted in messages, cut at SNIPPET_BYTES_MAX (parse_report.h).
#define snippet(out, text, length) parse_snippet((out), (text), (length), SNIPPET_BYTES_MAX)
#define SUGGEST_WORD_MAX           16 // longer words are no near miss of a day name
#define DAY_NAME_LENGTH            3
#define CIVIL_TIME_PATTERN         "dddd-dd-dd dd:dd" // d: a digit

static const char *const day_names[DAYS_PER_WEEK] = {"mon", "tue", "wed", "thu",
                                                     "fri", "sat", "sun"};
static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

// "2026-12-24" for a day number.
static const char *format_day(char out[16], int days)
{
    struct schedule_civil_time date = schedule_civil_from_days(days, 0);
    snprintf(out, 16, "%04d-%02d-%02d", date.year, date.month, date.day);
    return out;
}

// ---- Scanning -----------------------------------------------------------------

struct scanner {
    const char *text;
    size_t length;
    size_t offset;
    struct parse_error *error;
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char to_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char peek_at(const struct scanner *scanner, size_t offset)
{
    return offset < scanner->length ? scanner->text[offset] : '\0';
}

static char peek(const struct scanner *scanner)
{
    return peek_at(scanner, scanner->offset);
}

static size_t spaces_end(const struct scanner *scanner, size_t offset)
{
    while (offset < scanner->length && parse_is_space(scanner->text[offset]))
        offset++;
    return offset;
}

static bool starts_with(const struct scanner *scanner, size_t offset, const char *word)
{
    size_t length = strlen(word);
    return offset <= scanner->length && scanner->length - offset >= length &&
           memcmp(scanner->text + offset, word, length) == 0;
}

// Case-insensitive: length bytes at text spell word exactly.
static bool spells(const char *text, size_t length, const char *word)
{
    if (strlen(word) != length)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (to_lower(text[i]) != word[i])
            return false;
    }
    return true;
}

// The user's word at offset: up to the next space.
static const char *word_at(struct parse_snippet *out, const struct scanner *scanner, size_t offset)
{
    size_t end = offset;
    while (end < scanner->length && !parse_is_space(scanner->text[end]))
        end++;
    return snippet(out, scanner->text + offset, end - offset);
}

// The user's text at offset made of bytes in allowed (a date, a time).
static const char *span_at(struct parse_snippet *out, const struct scanner *scanner, size_t offset,
                           const char *allowed)
{
    size_t end = offset;
    while (end < scanner->length && scanner->text[end] && strchr(allowed, scanner->text[end]))
        end++;
    return snippet(out, scanner->text + offset, end - offset);
}

static int fail(struct scanner *scanner, size_t offset, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

// Fills the error for the byte at offset; returns -EINVAL.
static int fail(struct scanner *scanner, size_t offset, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(scanner->error->message, sizeof scanner->error->message, format, args);
    va_end(args);
    scanner->error->line = 0;
    scanner->error->column = offset < INT_MAX ? (int)offset + 1 : INT_MAX;
    return -EINVAL;
}

// Punctuation that looks like '-', ':', ',' or ".." but is not ASCII (pasted
// from a word processor, or typed with a Chinese input method).
static const struct lookalike {
    const char *text;
    const char *meant;
} lookalikes[] = {
    {"\xE2\x80\x93", "-"}, // en dash
    {"\xE2\x80\x94", "-"}, // em dash
    {"\xEF\xBD\x9E", "-"}, // full-width tilde
    {"~", "-"},
    {"\xEF\xBC\x9A", ":"}, // full-width colon
    {"\xEF\xBC\x8C", ","}, // full-width comma
    {"\xE3\x80\x81", ","}, // ideographic comma
};

static const struct lookalike *lookalike_at(const struct scanner *scanner, size_t offset)
{
    for (size_t i = 0; i < sizeof lookalikes / sizeof lookalikes[0]; i++) {
        if (starts_with(scanner, offset, lookalikes[i].text))
            return &lookalikes[i];
    }
    return NULL;
}

static int fail_lookalike(struct scanner *scanner, size_t offset, const struct lookalike *found,
                          const char *meant)
{
    return fail(scanner, offset, "use a plain '%s' instead of '%s'", meant, found->text);
}

// Reads the digits at the scanner (value capped, so it never overflows);
// returns how many there were.
static size_t read_digits(struct scanner *scanner, int *value)
{
    size_t n_digits = 0;
    *value = 0;
    while (is_digit(peek(scanner))) {
        if (*value < 100000)
            *value = *value * 10 + (peek(scanner) - '0');
        scanner->offset++;
        n_digits++;
    }
    return n_digits;
}

// ---- Suggestions --------------------------------------------------------------

// Optimal string alignment distance (a swap of two letters counts as one),
// case-insensitive; words longer than SUGGEST_WORD_MAX count as far.
static size_t edit_distance(const char *word, size_t length, const char *name)
{
    size_t name_length = strlen(name);
    size_t rows[3][SUGGEST_WORD_MAX + 1];
    if (length > SUGGEST_WORD_MAX || name_length > SUGGEST_WORD_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= name_length; j++)
        rows[0][j] = j;
    for (size_t i = 1; i <= length; i++) {
        size_t *row = rows[i % 3], *above = rows[(i - 1) % 3], *above2 = rows[(i + 1) % 3];
        row[0] = i;
        for (size_t j = 1; j <= name_length; j++) {
            size_t cost = to_lower(word[i - 1]) != name[j - 1] ? 1 : 0;
            size_t best = above[j - 1] + cost;
            if (above[j] + 1 < best)
                best = above[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (i > 1 && j > 1 && to_lower(word[i - 1]) == name[j - 2] &&
                to_lower(word[i - 2]) == name[j - 1] && above2[j - 2] + 1 < best)
                best = above2[j - 2] + 1;
            row[j] = best;
        }
    }
    return rows[length % 3][name_length];
}

// The day list a mistyped day name most likely meant, or NULL.
static const char *day_suggestion(const char *word, size_t length)
{
    static const struct {
        const char *word, *meant;
    } phrases[] = {{"weekend", "sat,sun"},
                   {"weekends", "sat,sun"},
                   {"weekday", "mon-fri"},
                   {"weekdays", "mon-fri"},
                   {"workdays", "mon-fri"}};
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
        if (spells(word, length, phrases[i].word))
            return phrases[i].meant;
    }
    for (size_t i = 0; i < DAYS_PER_WEEK; i++) { // monday, Tues, thurs
        if (length > DAY_NAME_LENGTH && spells(word, DAY_NAME_LENGTH, day_names[i]))
            return day_names[i];
    }
    for (size_t i = 0; i < DAYS_PER_WEEK; i++) { // mno, wen, tu
        if (edit_distance(word, length, day_names[i]) <= 1)
            return day_names[i];
    }
    return NULL;
}

// ---- Parts of a section header ------------------------------------------------

static int parse_day_name(struct scanner *scanner, int *weekday)
{
    size_t start = scanner->offset;
    while (is_letter(peek(scanner)))
        scanner->offset++;
    size_t length = scanner->offset - start;
    for (int i = 0; i < DAYS_PER_WEEK; i++) {
        if (spells(scanner->text + start, length, day_names[i])) {
            *weekday = i;
            return 0;
        }
    }
    struct parse_snippet shown;
    const char *meant = day_suggestion(scanner->text + start, length);
    char hint[40] = "";
    if (meant)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", meant);
    return fail(scanner, start, "unknown day '%s' (days are mon tue wed thu fri sat sun)%s",
                snippet(&shown, scanner->text + start, length), hint);
}

// mon-fri | sat,sun | mon,wed-fri (spaces allowed around '-' and ','; a
// range may wrap around the week: fri-mon).
static int parse_days(struct scanner *scanner, unsigned *mask)
{
    for (;;) {
        int first = 0, last = 0;
        if (parse_day_name(scanner, &first) != 0)
            return -EINVAL;
        last = first;
        size_t after = spaces_end(scanner, scanner->offset);
        if (peek_at(scanner, after) == '-') {
            scanner->offset = spaces_end(scanner, after + 1);
            if (!is_letter(peek(scanner)))
                return fail(scanner, after, "'-' needs a last day after it, e.g. mon-fri");
            if (parse_day_name(scanner, &last) != 0)
                return -EINVAL;
            after = spaces_end(scanner, scanner->offset);
        }
        for (int day = first;; day = (day + 1) % DAYS_PER_WEEK) {
            *mask |= 1u << day;
            if (day == last)
                break;
        }
        if (peek_at(scanner, after) != ',')
            return 0;
        scanner->offset = spaces_end(scanner, after + 1);
        if (!is_letter(peek(scanner)))
            return fail(scanner, after, "',' needs a day after it, e.g. sat,sun");
    }
}

// YYYY-MM-DD (month and day may have one digit) -> days since 1970-01-01.
static int parse_date(struct scanner *scanner, int *days)
{
    size_t start = scanner->offset;
    int year = 0, month = 0, day = 0;
    bool is_shaped = read_digits(scanner, &year) == 4 && peek(scanner) == '-';
    if (is_shaped) {
        scanner->offset++;
        size_t n_digits = read_digits(scanner, &month);
        is_shaped = n_digits >= 1 && n_digits <= 2 && peek(scanner) == '-';
    }
    if (is_shaped) {
        scanner->offset++;
        size_t n_digits = read_digits(scanner, &day);
        is_shaped = n_digits >= 1 && n_digits <= 2;
    }
    struct parse_snippet shown;
    if (!is_shaped)
        return fail(scanner, start, "'%s' is not a date: write YYYY-MM-DD, e.g. 2026-12-24",
                    span_at(&shown, scanner, start, "0123456789-/."));
    span_at(&shown, scanner, start, "0123456789-");
    if (year < SCHEDULE_YEAR_MIN || year > SCHEDULE_YEAR_MAX)
        return fail(scanner, start, "'%s': the year must be from %d to %d", shown.text,
                    SCHEDULE_YEAR_MIN, SCHEDULE_YEAR_MAX);
    if (month < 1 || month > 12)
        return fail(scanner, start, "'%s' is not a date: months go from 01 to 12", shown.text);
    if (day < 1 || day > schedule_days_in_month(year, month))
        return fail(scanner, start, "'%s' is not a date: %s %d has %d days", shown.text,
                    month_names[month - 1], year, schedule_days_in_month(year, month));
    *days = schedule_days_from_civil(year, month, day);
    return 0;
}

// "; did you mean 2027-01-02?" for a range over New Year written with the
// old year twice (its last month before its first, in the same year).
static void next_year_hint(char *out, size_t size, int first_day, int last_day)
{
    struct schedule_civil_time first = schedule_civil_from_days(first_day, 0);
    struct schedule_civil_time last = schedule_civil_from_days(last_day, 0);
    out[0] = '\0';
    if (last.year == first.year && last.month < first.month && last.year < SCHEDULE_YEAR_MAX &&
        last.day <= schedule_days_in_month(last.year + 1, last.month)) {
        char shown[16];
        snprintf(out, size, "; did you mean %s?",
                 format_day(shown, schedule_days_from_civil(last.year + 1, last.month, last.day)));
    }
}

// 2026-12-24..2027-01-02 (inclusive; spaces allowed around "..") or 2026-12-24.
static int parse_dates(struct scanner *scanner, struct schedule_window *window)
{
    int first = 0, last = 0;
    if (parse_date(scanner, &first) != 0)
        return -EINVAL;
    last = first;
    size_t after = spaces_end(scanner, scanner->offset);
    if (starts_with(scanner, after, "..")) {
        scanner->offset = spaces_end(scanner, after + 2);
        if (!is_digit(peek(scanner)))
            return fail(scanner, after,
                        "'..' needs a last date after it, e.g. "
                        "2026-12-24..2027-01-02");
        size_t last_start = scanner->offset;
        if (parse_date(scanner, &last) != 0)
            return -EINVAL;
        if (last < first) {
            char first_shown[16], last_shown[16], hint[40];
            next_year_hint(hint, sizeof hint, first, last);
            return fail(scanner, last_start, "the date range ends on %s, before it starts on %s%s",
                        format_day(last_shown, last), format_day(first_shown, first), hint);
        }
    } else if (peek_at(scanner, after) == '-' || lookalike_at(scanner, after)) {
        return fail(scanner, after,
                    "write a range of dates with '..', e.g. 2026-12-24..2027-01-02");
    }
    window->has_dates = true;
    window->first_day = first;
    window->last_day = last;
    return 0;
}

// H:MM or HH:MM -> minute of the day; 24:00 (1440) only as the end of a range.
static int parse_clock(struct scanner *scanner, bool is_end, int *minute)
{
    size_t start = scanner->offset;
    int hours = 0, minutes = 0;
    size_t n_hour_digits = read_digits(scanner, &hours);
    const struct lookalike *found = lookalike_at(scanner, scanner->offset);
    if (n_hour_digits >= 1 && found && strcmp(found->meant, ":") == 0)
        return fail_lookalike(scanner, scanner->offset, found, ":");
    bool is_shaped = n_hour_digits >= 1 && n_hour_digits <= 2 && peek(scanner) == ':';
    if (is_shaped) {
        scanner->offset++;
        is_shaped = read_digits(scanner, &minutes) == 2;
    }
    struct parse_snippet shown;
    span_at(&shown, scanner, start, "0123456789:.");
    if (!is_shaped)
        return fail(scanner, start, "'%s' is not a time: write HH:MM, e.g. 07:30", shown.text);
    if (minutes > 59)
        return fail(scanner, start, "'%s' is not a time: minutes go from 00 to 59", shown.text);
    if (hours == 24 && minutes == 0 && !is_end)
        return fail(scanner, start, "a time range cannot start at 24:00; start at 00:00");
    if (hours > 24 || (hours == 24 && minutes > 0))
        return fail(scanner, start, "'%s' is not a time: hours go from 00 to 23 (24:00 ends a day)",
                    shown.text);
    *minute = hours * 60 + minutes;
    return 0;
}

// 07:30-17:30 (end exclusive; spaces allowed around '-'); an end before the
// start crosses midnight (22:00-06:00).
static int parse_times(struct scanner *scanner, struct schedule_window *window)
{
    size_t start = scanner->offset;
    int from = 0, to = 0;
    if (parse_clock(scanner, false, &from) != 0)
        return -EINVAL;
    size_t after = spaces_end(scanner, scanner->offset);
    const struct lookalike *found = lookalike_at(scanner, after);
    if (found && strcmp(found->meant, "-") == 0)
        return fail_lookalike(scanner, after, found, "-");
    struct parse_snippet shown;
    if (peek_at(scanner, after) != '-')
        return fail(scanner, start, "a time needs an end: write a range, e.g. %s-17:30",
                    span_at(&shown, scanner, start, "0123456789:"));
    scanner->offset = spaces_end(scanner, after + 1);
    if (!is_digit(peek(scanner)))
        return fail(scanner, after, "'-' needs an end time after it, e.g. 07:30-17:30");
    if (parse_clock(scanner, true, &to) != 0)
        return -EINVAL;
    if (from == to)
        return fail(scanner, start,
                    "the time range %s is empty; to play all day, leave the times out",
                    snippet(&shown, scanner->text + start, scanner->offset - start));
    window->has_times = true;
    window->start_minute = from;
    window->end_minute = to == 0 ? SCHEDULE_MINUTES_PER_DAY : to; // 22:00-00:00 is 22:00-24:00
    return 0;
}

enum part {
    PART_DAYS,
    PART_DATES,
    PART_TIMES,
    PART_OTHERWISE,
    PART_COUNT,
};

// "a second NAME 'WORD': ADVICE" when a part comes twice.
static const char *const part_names[PART_COUNT] = {"list of days", "date", "time range",
                                                   "otherwise"};
static const char *const part_advice[PART_COUNT] = {
    "write all the days as one list, e.g. sat,sun or mon,wed-fri",
    "a section has one date or date range; start another section",
    "a section has one; start another section for it",
    "once is enough",
};

// Which part starts at the scanner, or PART_COUNT after filling the error.
static enum part part_kind(struct scanner *scanner)
{
    size_t start = scanner->offset, end = start;
    struct parse_snippet shown;
    if (is_letter(peek(scanner))) {
        while (is_letter(peek_at(scanner, end)))
            end++;
        if (spells(scanner->text + start, end - start, "otherwise"))
            return PART_OTHERWISE;
        if (spells(scanner->text + start, end - start, "always")) {
            fail(scanner, start,
                 "[always] is not a section: items above the first section always play; "
                 "use [otherwise] for items that play when no other section does");
            return PART_COUNT;
        }
        return PART_DAYS;
    }
    if (is_digit(peek(scanner))) {
        while (is_digit(peek_at(scanner, end)))
            end++;
        const struct lookalike *found = lookalike_at(scanner, end);
        if (peek_at(scanner, end) == ':' || (found && strcmp(found->meant, ":") == 0) ||
            (end - start <= 2 && peek_at(scanner, end) == '.'))
            return PART_TIMES;
        if (end - start == 4)
            return PART_DATES;
    }
    fail(scanner, start,
         "'%s' is not days (mon-fri), a date (2026-12-24), a time range (07:30-17:30) or "
         "otherwise",
         word_at(&shown, scanner, start));
    return PART_COUNT;
}

int schedule_window_parse(const char *text, size_t length, struct schedule_window *window,
                          struct parse_error *error)
{
    struct scanner scanner = {.text = text, .length = length, .error = error};
    bool is_seen[PART_COUNT] = {false};
    struct parse_snippet shown;
    *window = (struct schedule_window){0};
    scanner.offset = spaces_end(&scanner, 0);
    if (scanner.offset == length)
        return fail(&scanner, scanner.offset,
                    "say when the section plays, e.g. [mon-fri 07:30-17:30], or [otherwise]");
    while (scanner.offset < length) {
        size_t start = scanner.offset;
        enum part part = part_kind(&scanner);
        if (part == PART_COUNT)
            return -EINVAL;
        if (is_seen[part])
            return fail(&scanner, start, "a second %s '%s': %s", part_names[part],
                        word_at(&shown, &scanner, start), part_advice[part]);
        if ((part == PART_OTHERWISE &&
             (is_seen[PART_DAYS] || is_seen[PART_DATES] || is_seen[PART_TIMES])) ||
            (part != PART_OTHERWISE && is_seen[PART_OTHERWISE]))
            return fail(&scanner, start,
                        "otherwise stands alone: it plays when no other section does, so it "
                        "takes no days, dates or times");
        int result = 0;
        switch (part) {
        case PART_DAYS:
            window->has_days = true;
            result = parse_days(&scanner, &window->weekday_mask);
            break;
        case PART_DATES:
            result = parse_dates(&scanner, window);
            break;
        case PART_TIMES:
            result = parse_times(&scanner, window);
            break;
        case PART_OTHERWISE:
            window->is_otherwise = true;
            scanner.offset += strlen("otherwise");
            break;
        case PART_COUNT:
            break;
        }
        if (result != 0)
            return result;
        is_seen[part] = true;
        size_t next = scanner.offset;
        const struct lookalike *found = lookalike_at(&scanner, next);
        if (found)
            return fail_lookalike(&scanner, next, found, found->meant);
        if (next < length && !parse_is_space(text[next]))
            return fail(&scanner, next, "unexpected '%s' after '%s' (separate parts with a space)",
                        word_at(&shown, &scanner, next),
                        snippet(&(struct parse_snippet){0}, text + start, next - start));
        scanner.offset = spaces_end(&scanner, next);
    }
    return 0;
}

// ---- Civil times --------------------------------------------------------------

int schedule_civil_time_parse(const char *text, size_t length, struct schedule_civil_time *time,
                              const char **why)
{
    static const char pattern[] = CIVIL_TIME_PATTERN;
    int fields[5] = {0}; // year, month, day, hour, minute
    size_t field = 0;
    *why = "write it as YYYY-MM-DD HH:MM, e.g. 2026-12-01 08:00";
    if (!text || length != sizeof pattern - 1)
        return -EINVAL;
    for (size_t i = 0; i < length; i++) {
        if (pattern[i] == 'd' && !is_digit(text[i]))
            return -EINVAL;
        if (pattern[i] != 'd' && text[i] != pattern[i])
            return -EINVAL;
        if (pattern[i] == 'd')
            fields[field] = fields[field] * 10 + (text[i] - '0');
        else
            field++;
    }
    if (fields[0] < SCHEDULE_YEAR_MIN || fields[0] > SCHEDULE_YEAR_MAX) {
        *why = "the year must be from 1970 to 9999";
        return -EINVAL;
    }
    if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 ||
        fields[2] > schedule_days_in_month(fields[0], fields[1])) {
        *why = "there is no such date";
        return -EINVAL;
    }
    if (fields[3] > 23 || fields[4] > 59) {
        *why = "the time must be from 00:00 to 23:59";
        return -EINVAL;
    }
    *time =
        (struct schedule_civil_time){fields[0], fields[1], fields[2], fields[3] * 60 + fields[4]};
    *why = NULL;
    return 0;
}
