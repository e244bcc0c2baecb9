// Tests for schedule: every section header a teacher may write and every
// mistake with its column; which section plays when (precedence, midnight,
// leap day, New Year, an empty day); when that next changes; and, end to end
// through the real time zone database, the daylight-saving changes in
// Europe/Berlin and America/New_York, minute by minute over a week each.
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/local_time.h"
#include "show/schedule.h"

#define SPECS_MAX 8
#define NONE      -1

// "2026-12-01 08:00" -> civil time; fails the test on a typo in the table.
static struct schedule_civil_time at(const char *text)
{
    struct schedule_civil_time time;
    const char *why;
    if (schedule_civil_time_parse(text, strlen(text), &time, &why) != 0)
        fail_msg("bad time in the test table '%s': %s", text, why);
    return time;
}

static const char *format_civil(char out[32], const struct schedule_civil_time *time)
{
    snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", time->year, time->month, time->day,
             time->minute_of_day / 60, time->minute_of_day % 60);
    return out;
}

static struct schedule_window parse_ok(const char *spec)
{
    struct schedule_window window;
    struct parse_error error;
    if (schedule_window_parse(spec, strlen(spec), &window, &error) != 0)
        fail_msg("'%s': expected a window, got column %d: %s", spec, error.column, error.message);
    return window;
}

// A schedule of specs (NULL-terminated list, at most SPECS_MAX).
static struct schedule *schedule_of(const char *const *specs)
{
    struct schedule *schedule = schedule_create();
    for (size_t i = 0; i < SPECS_MAX && specs[i]; i++) {
        struct schedule_window window = parse_ok(specs[i]);
        assert_int_equal(schedule_add(schedule, &window), i);
    }
    return schedule;
}

// ---- Section headers that parse ----------------------------------------------

#define MON (1u << SCHEDULE_WEEKDAY_MONDAY)
#define TUE (1u << SCHEDULE_WEEKDAY_TUESDAY)
#define WED (1u << SCHEDULE_WEEKDAY_WEDNESDAY)
#define THU (1u << SCHEDULE_WEEKDAY_THURSDAY)
#define FRI (1u << SCHEDULE_WEEKDAY_FRIDAY)
#define SAT (1u << SCHEDULE_WEEKDAY_SATURDAY)
#define SUN (1u << SCHEDULE_WEEKDAY_SUNDAY)

struct valid_case {
    const char *spec;
    const char *same_as; // another spelling of the same window, or NULL
    bool is_otherwise;
    unsigned weekday_mask; // 0: no days part
    int n_date_days;       // 0: no dates part
    int start_minute;      // -1: no times part
    int end_minute;
};

static const struct valid_case valid_cases[] = {
    {"mon-fri 07:30-17:30", NULL, false, MON | TUE | WED | THU | FRI, 0, 450, 1050},
    {"sat,sun", "sun,sat", false, SAT | SUN, 0, -1, -1},
    {"mon,wed-fri", "mon, wed - fri", false, MON | WED | THU | FRI, 0, -1, -1},
    {"Mon-Fri", "mon,tue,wed,thu,fri", false, MON | TUE | WED | THU | FRI, 0, -1, -1},
    {"fri-mon", "fri,sat,sun,mon", false, FRI | SAT | SUN | MON, 0, -1, -1},
    {"sun-sat", "mon-sun", false, 0x7f, 0, -1, -1},
    {"mon,mon-tue", "mon-tue", false, MON | TUE, 0, -1, -1},
    {"2026-12-24..2027-01-02", "2026-12-24 .. 2027-01-02", false, 0, 10, -1, -1},
    {"2026-12-24", "2026-12-24..2026-12-24", false, 0, 1, -1, -1},
    {"2028-02-28..2028-03-01", "2028-2-28..2028-3-1", false, 0, 3, -1, -1},
    {"2028-02-29", NULL, false, 0, 1, -1, -1},
    {"22:00-06:00", "22:00 - 6:00", false, 0, 0, 1320, 360},
    {"22:00-24:00", "22:00-00:00", false, 0, 0, 1320, 1440},
    {"00:00-24:00", NULL, false, 0, 0, 0, 1440},
    {"7:05-7:06", "07:05-07:06", false, 0, 0, 425, 426},
    {"otherwise", "  Otherwise\t", true, 0, 0, -1, -1},
    {"sat 2026-12-01..2026-12-31 10:00-12:00", "10:00-12:00 2026-12-01..2026-12-31 sat", false, SAT,
     31, 600, 720},
    {"\tmon  07:30-17:30 ", "mon 07:30-17:30", false, MON, 0, 450, 1050},
};

static int check_valid_case(const struct valid_case *c)
{
    struct schedule_window window = parse_ok(c->spec);
    int n_date_days = window.has_dates ? window.last_day - window.first_day + 1 : 0;
    int start = window.has_times ? window.start_minute : -1;
    int end = window.has_times ? window.end_minute : -1;
    unsigned mask = window.has_days ? window.weekday_mask : 0;
    int n_failed = 0;
    if (window.is_otherwise != c->is_otherwise || mask != c->weekday_mask ||
        n_date_days != c->n_date_days || start != c->start_minute || end != c->end_minute) {
        print_error("'%s':\n  expected otherwise %d days 0x%x dates %d times %d-%d\n"
                    "  got      otherwise %d days 0x%x dates %d times %d-%d\n",
                    c->spec, c->is_otherwise, c->weekday_mask, c->n_date_days, c->start_minute,
                    c->end_minute, window.is_otherwise, mask, n_date_days, start, end);
        n_failed++;
    }
    if (c->same_as) {
        struct schedule_window other = parse_ok(c->same_as);
        if (!schedule_window_equals(&window, &other) || !schedule_window_equals(&other, &window)) {
            print_error("'%s' and '%s' should be the same window\n", c->spec, c->same_as);
            n_failed++;
        }
    }
    return n_failed;
}

static void test_valid_headers(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++)
        n_failed += check_valid_case(&valid_cases[i]);
    assert_int_equal(n_failed, 0);
}

static void test_different_windows_are_not_equal(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"mon-fri", "mon-thu"},           {"mon-sun", "00:00-24:00"},
        {"mon-sun", "otherwise"},         {"2026-12-24", "2026-12-25"},
        {"22:00-06:00", "22:00-07:00"},   {"sat 10:00-12:00", "sat"},
        {"2026-12-24 sat", "2026-12-24"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct schedule_window a = parse_ok(pairs[i][0]), b = parse_ok(pairs[i][1]);
        if (schedule_window_equals(&a, &b))
            fail_msg("'%s' and '%s' should differ", pairs[i][0], pairs[i][1]);
    }
}

// ---- Section headers with a mistake ---------------------------------------------

struct error_case {
    const char *spec;
    int column; // 1-based byte column in spec
    const char *contains;
    const char *absent; // must not be in the message, or NULL
};

static const struct error_case error_cases[] = {
    // Nothing said
    {"", 1, "say when the section plays, e.g. [mon-fri 07:30-17:30], or [otherwise]", NULL},
    {"   ", 4, "say when the section plays", NULL},
    // Days
    {"monday", 1,
     "unknown day 'monday' (days are mon tue wed thu fri sat sun); did you mean 'mon'?", NULL},
    {"Tues-Fri", 1,
     "unknown day 'Tues' (days are mon tue wed thu fri sat sun); did you mean 'tue'?", NULL},
    {"mon-fir", 5, "unknown day 'fir' (days are mon tue wed thu fri sat sun); did you mean 'fri'?",
     NULL},
    {"thurs", 1, "did you mean 'thu'?", NULL},
    {"weekend", 1,
     "unknown day 'weekend' (days are mon tue wed thu fri sat sun); did you mean "
     "'sat,sun'?",
     NULL},
    {"weekdays 08:00-17:00", 1, "did you mean 'mon-fri'?", NULL},
    {"xyz", 1, "unknown day 'xyz' (days are mon tue wed thu fri sat sun)", "did you mean"},
    {"mon-", 4, "'-' needs a last day after it, e.g. mon-fri", NULL},
    {"mon - 07:30", 5, "'-' needs a last day after it", NULL},
    {"sat,", 4, "',' needs a day after it, e.g. sat,sun", NULL},
    {"mon-fri,", 8, "',' needs a day after it", NULL},
    {"sat sun", 5,
     "a second list of days 'sun': write all the days as one list, e.g. sat,sun or mon,wed-fri",
     NULL},
    {"mon\xE2\x80\x93"
     "fri",
     4, "use a plain '-' instead of '\xE2\x80\x93'", NULL},
    {"sat\xEF\xBC\x8Csun", 4, "use a plain ',' instead of '\xEF\xBC\x8C'", NULL},
    {"mon-fri07:30-17:30", 8,
     "unexpected '07:30-17:30' after 'mon-fri' (separate parts with a space)", NULL},
    // always / otherwise
    {"always", 1,
     "[always] is not a section: items above the first section always play; use [otherwise] "
     "for items that play when no other section does",
     NULL},
    {"otherwise mon", 11, "otherwise stands alone: it plays when no other section does", NULL},
    {"mon otherwise", 5, "otherwise stands alone", NULL},
    {"otherwise otherwise", 11, "a second otherwise 'otherwise'", NULL},
    // Dates
    {"2026-13-01", 1, "'2026-13-01' is not a date: months go from 01 to 12", NULL},
    {"2027-02-29", 1, "'2027-02-29' is not a date: February 2027 has 28 days", NULL},
    {"2100-02-29", 1, "February 2100 has 28 days", NULL},
    {"2026-04-31", 1, "'2026-04-31' is not a date: April 2026 has 30 days", NULL},
    {"2026-12-00", 1, "December 2026 has 31 days", NULL},
    {"1969-12-31", 1, "'1969-12-31': the year must be from 1970 to 9999", NULL},
    {"2026/12/24", 1, "'2026/12/24' is not a date: write YYYY-MM-DD, e.g. 2026-12-24", NULL},
    {"2026-123-01", 1, "'2026-123-01' is not a date: write YYYY-MM-DD", NULL},
    {"26-12-24", 1,
     "'26-12-24' is not days (mon-fri), a date (2026-12-24), a time range (07:30-17:30) or "
     "otherwise",
     NULL},
    {"2026-12-24..2026-01-02", 13,
     "the date range ends on 2026-01-02, before it starts on 2026-12-24; did you mean "
     "2027-01-02?",
     NULL},
    {"2026-12-24..2026-12-01", 13,
     "the date range ends on 2026-12-01, before it starts on "
     "2026-12-24",
     "did you mean"},
    {"2026-12-24..", 11, "'..' needs a last date after it, e.g. 2026-12-24..2027-01-02", NULL},
    {"2026-12-24..2027-13-01", 13, "'2027-13-01' is not a date: months go from 01 to 12", NULL},
    {"2026-12-24-2027-01-02", 11, "write a range of dates with '..', e.g. 2026-12-24..2027-01-02",
     NULL},
    {"2026-12-24 ~ 2027-01-02", 12, "write a range of dates with '..'", NULL},
    {"2026-12-24 2027-01-02", 12,
     "a second date '2027-01-02': a section has one date or date range; start another section",
     NULL},
    // Times
    {"07:30", 1, "a time needs an end: write a range, e.g. 07:30-17:30", NULL},
    {"sat 10:00", 5, "a time needs an end: write a range, e.g. 10:00-17:30", NULL},
    {"7.30-17.30", 1, "'7.30' is not a time: write HH:MM, e.g. 07:30", NULL},
    {"07:5-08:00", 1, "'07:5' is not a time: write HH:MM", NULL},
    {"07:30-25:00", 7, "'25:00' is not a time: hours go from 00 to 23 (24:00 ends a day)", NULL},
    {"07:30-24:01", 7, "'24:01' is not a time: hours go from 00 to 23", NULL},
    {"07:60-08:00", 1, "'07:60' is not a time: minutes go from 00 to 59", NULL},
    {"24:00-06:00", 1, "a time range cannot start at 24:00; start at 00:00", NULL},
    {"08:00-08:00", 1, "the time range 08:00-08:00 is empty; to play all day, leave the times out",
     NULL},
    {"00:00-00:00", 1, "the time range 00:00-00:00 is empty", NULL},
    {"07:30-", 6, "'-' needs an end time after it, e.g. 07:30-17:30", NULL},
    {"07:30\xE2\x80\x93"
     "17:30",
     6, "use a plain '-' instead of '\xE2\x80\x93'", NULL},
    {"07:30\xEF\xBD\x9E"
     "17:30",
     6, "use a plain '-' instead of '\xEF\xBD\x9E'", NULL},
    {"07\xEF\xBC\x9A"
     "30-17:30",
     3, "use a plain ':' instead of '\xEF\xBC\x9A'", NULL},
    {"07:30-12:00 13:00-17:30", 13,
     "a second time range '13:00-17:30': a section has one; start another section for it", NULL},
    {"07:30-17:30x", 12, "unexpected 'x' after '07:30-17:30' (separate parts with a space)", NULL},
    {"07:30-17:30-18:00", 12, "unexpected '-18:00' after '07:30-17:30'", NULL},
    // Anything else
    {"#weekend", 1, "'#weekend' is not days (mon-fri), a date (2026-12-24), a time range", NULL},
    {"mon @", 5, "'@' is not days", NULL},
    {"\xE5\x91\xA8\xE4\xB8\x80", 1, "'\xE5\x91\xA8\xE4\xB8\x80' is not days", NULL},
};

static int check_error_case(const struct error_case *c)
{
    struct schedule_window window;
    struct parse_error error = {0};
    if (schedule_window_parse(c->spec, strlen(c->spec), &window, &error) == 0) {
        print_error("'%s': expected an error, got a window\n", c->spec);
        return 1;
    }
    if (error.column == c->column && error.line == 0 && strstr(error.message, c->contains) &&
        !(c->absent && strstr(error.message, c->absent)))
        return 0;
    print_error("'%s':\n  expected column %d: ...%s...%s%s\n  got      column %d: %s\n", c->spec,
                c->column, c->contains, c->absent ? " without " : "", c->absent ? c->absent : "",
                error.column, error.message);
    return 1;
}

static void test_mistakes_are_reported(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
        n_failed += check_error_case(&error_cases[i]);
    assert_int_equal(n_failed, 0);
}

// A long word is cut at a character boundary so the message stays whole.
static void test_long_words_are_cut(void **state)
{
    (void)state;
    const char spec[] = "mon \xE5\x91\xA8\xE4\xB8\x80\xE5\x91\xA8\xE4\xB8\x80\xE5\x91\xA8\xE4\xB8"
                        "\x80\xE5\x91\xA8\xE4\xB8\x80\xE5\x91\xA8\xE4\xB8\x80";
    struct schedule_window window;
    struct parse_error error;
    assert_int_equal(schedule_window_parse(spec, strlen(spec), &window, &error), -22);
    assert_non_null(strstr(error.message, "'\xE5\x91\xA8\xE4\xB8\x80\xE5\x91\xA8\xE4\xB8\x80"
                                          "\xE5\x91\xA8\xE4\xB8\x80\xE5\x91\xA8\xE4\xB8\x80...'"));
}

// ---- Which section plays ----------------------------------------------------------

// A school's playlist: school hours, a lunch loop, weekends, the winter
// holidays (with a late-morning concert), Friday's late opening, and
// everything else.
static const char *const school[] = {
    "mon-fri 07:30-17:30",                // 0
    "sat,sun",                            // 1
    "2026-12-24..2027-01-02",             // 2
    "fri 22:00-06:00",                    // 3
    "otherwise",                          // 4
    "2026-12-24..2027-01-02 10:00-12:00", // 5
    "mon-fri 12:00-13:00",                // 6
    NULL,
};

struct active_case {
    const char *name;
    const char *const *specs;
    const char *now;
    int expected;
};

#define SPECS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct active_case active_cases[] = {
    // The school's week
    {"school hours", school, "2026-12-01 08:00", 0},
    {"before school (end exclusive, start inclusive)", school, "2026-12-01 07:29", 4},
    {"school starts", school, "2026-12-01 07:30", 0},
    {"last minute of school", school, "2026-12-01 17:29", 0},
    {"school is out", school, "2026-12-01 17:30", 4},
    {"lunch: fewer minutes win", school, "2026-12-01 12:00", 6},
    {"end of lunch", school, "2026-12-01 13:00", 0},
    {"saturday", school, "2026-12-05 08:00", 1},
    {"friday late opening", school, "2026-12-04 22:00", 3},
    {"friday's window on saturday 03:00 belongs to friday", school, "2026-12-05 03:00", 3},
    {"saturday once friday's window ends", school, "2026-12-05 06:00", 1},
    {"friday 03:00 is thursday's night: no window", school, "2026-12-04 03:00", 4},
    {"holidays beat school days", school, "2026-12-28 08:00", 2},
    {"holidays beat weekends", school, "2026-12-26 08:00", 2},
    {"holidays beat friday's window", school, "2026-12-25 23:00", 2},
    {"holidays beat friday's window after midnight", school, "2027-01-02 03:00", 2},
    {"the concert: dates and times beat dates alone", school, "2026-12-25 11:00", 5},
    {"new year's eve", school, "2026-12-31 23:59", 2},
    {"new year's day", school, "2027-01-01 00:00", 2},
    {"last minute of the holidays", school, "2027-01-02 23:59", 2},
    {"the holidays are over: a sunday", school, "2027-01-03 00:00", 1},
    {"the first school day", school, "2027-01-04 07:30", 0},
    // Precedence
    {"a shorter date range wins", SPECS("2026-12-01..2026-12-31", "2026-12-24..2026-12-26"),
     "2026-12-25 12:00", 1},
    {"a shorter date range wins, whatever the order",
     SPECS("2026-12-24..2026-12-26", "2026-12-01..2026-12-31"), "2026-12-25 12:00", 0},
    {"dates are compared before times", SPECS("2026-12-24", "2026-12-01..2026-12-31 08:00-09:00"),
     "2026-12-24 08:30", 0},
    {"same dates: days win", SPECS("2026-12-01..2026-12-31 sat", "2026-12-01..2026-12-31"),
     "2026-12-05 12:00", 0},
    {"fewer days win", SPECS("mon-fri", "fri"), "2026-12-04 12:00", 1},
    {"fewer days win, whatever the order", SPECS("fri", "mon-fri"), "2026-12-04 12:00", 0},
    {"days beat times", SPECS("sat,sun", "10:00-12:00"), "2026-12-05 11:00", 0},
    {"a shorter time range wins", SPECS("08:00-18:00", "12:00-13:00"), "2026-12-01 12:30", 1},
    {"a shorter time range wins, whatever the order", SPECS("12:00-13:00", "08:00-18:00"),
     "2026-12-01 12:30", 0},
    {"a tie goes to the later section",
     SPECS("mon-fri 08:00-12:00", "mon,tue,wed,thu,sat 10:00-14:00"), "2026-11-30 11:00", 1},
    {"a tie goes to the later section, either way",
     SPECS("mon,tue,wed,thu,sat 10:00-14:00", "mon-fri 08:00-12:00"), "2026-11-30 11:00", 1},
    {"anything beats otherwise", SPECS("00:00-24:00", "otherwise"), "2026-12-01 12:00", 0},
    {"otherwise plays when nothing else does", SPECS("otherwise", "sat"), "2026-12-01 12:00", 0},
    // Nothing scheduled
    {"no sections", SPECS(NULL), "2026-12-01 12:00", NONE},
    {"an empty day", SPECS("sat", "sun 10:00-12:00"), "2026-12-01 12:00", NONE},
    {"an empty hour on a scheduled day", SPECS("sun 10:00-12:00"), "2026-12-06 12:00", NONE},
    // Midnight
    {"times only: after midnight", SPECS("22:00-06:00"), "2026-12-01 03:00", 0},
    {"times only: the end", SPECS("22:00-06:00"), "2026-12-01 06:00", NONE},
    {"times only: the start", SPECS("22:00-06:00"), "2026-12-01 22:00", 0},
    {"24:00 ends the day", SPECS("22:00-24:00"), "2026-12-01 23:59", 0},
    {"24:00 ends the day: midnight is out", SPECS("22:00-24:00"), "2026-12-02 00:00", NONE},
    {"a dated window crossing into the new year", SPECS("2026-12-31 22:00-02:00"),
     "2027-01-01 01:59", 0},
    {"a dated window: the night before is not its own", SPECS("2026-12-31 22:00-02:00"),
     "2026-12-31 01:00", NONE},
    {"a dated window: the next evening is not its own", SPECS("2026-12-31 22:00-02:00"),
     "2027-01-01 22:00", NONE},
    {"days wrap around the week", SPECS("fri-mon"), "2026-12-06 12:00", 0},
    {"days wrap around the week: tuesday is out", SPECS("fri-mon"), "2026-12-01 12:00", NONE},
    // Leap day
    {"a range over the leap day", SPECS("2028-02-28..2028-03-01"), "2028-02-29 12:00", 0},
    {"after the range over the leap day", SPECS("2028-02-28..2028-03-01"), "2028-03-02 00:00",
     NONE},
    {"the leap day itself", SPECS("2028-02-29"), "2028-02-29 00:00", 0},
    {"the day before the leap day", SPECS("2028-02-29"), "2028-02-28 23:59", NONE},
    {"the day after the leap day", SPECS("2028-02-29"), "2028-03-01 00:00", NONE},
    {"a night starting on the leap day", SPECS("2028-02-29 23:00-01:00"), "2028-03-01 00:30", 0},
    {"the leap day is a tuesday", SPECS("tue"), "2028-02-29 12:00", 0},
    {"a range over february in a common year", SPECS("2027-02-27..2027-03-01"), "2027-03-01 23:59",
     0},
};

static void test_active_section(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof active_cases / sizeof active_cases[0]; i++) {
        const struct active_case *c = &active_cases[i];
        struct schedule *schedule = schedule_of(c->specs);
        struct schedule_civil_time now = at(c->now);
        int active = schedule_active_section(schedule, &now);
        if (active != c->expected) {
            print_error("%s: at %s expected section %d, got %d\n", c->name, c->now, c->expected,
                        active);
            n_failed++;
        }
        schedule_destroy(schedule);
    }
    assert_int_equal(n_failed, 0);
}

// ---- When the active section next changes ----------------------------------------

struct change_case {
    const char *name;
    const char *const *specs;
    const char *now;
    const char *expected; // NULL: never
};

static const struct change_case change_cases[] = {
    {"school hours -> lunch", school, "2026-12-01 08:00", "2026-12-01 12:00"},
    {"lunch -> school hours", school, "2026-12-01 12:00", "2026-12-01 13:00"},
    {"school hours -> out", school, "2026-12-01 13:00", "2026-12-01 17:30"},
    {"evening -> next morning", school, "2026-12-01 17:30", "2026-12-02 07:30"},
    {"friday evening -> late opening", school, "2026-12-04 17:30", "2026-12-04 22:00"},
    {"late opening runs past midnight into saturday", school, "2026-12-04 22:00",
     "2026-12-05 06:00"},
    {"the weekend -> monday midnight", school, "2026-12-05 06:00", "2026-12-07 00:00"},
    {"-> the holidays", school, "2026-12-23 18:00", "2026-12-24 00:00"},
    {"holidays -> concert", school, "2026-12-24 08:00", "2026-12-24 10:00"},
    {"holidays -> a sunday", school, "2027-01-02 12:00", "2027-01-03 00:00"},
    {"no sections: never", SPECS(NULL), "2026-12-01 12:00", NULL},
    {"only otherwise: never", SPECS("otherwise"), "2026-12-01 12:00", NULL},
    {"every day: never", SPECS("mon-sun"), "2026-12-01 12:00", NULL},
    {"all day every day: never", SPECS("00:00-24:00"), "2026-12-01 12:00", NULL},
    {"empty days -> saturday", SPECS("sat"), "2026-11-30 10:00", "2026-12-05 00:00"},
    {"a date range months ahead", SPECS("2026-12-24..2027-01-02"), "2026-01-01 00:00",
     "2026-12-24 00:00"},
    {"a date years ahead", SPECS("2030-06-01"), "2026-12-01 00:00", "2030-06-01 00:00"},
    {"a date range that is over: never", SPECS("2026-12-24..2027-01-02"), "2027-01-05 00:00", NULL},
    {"weekly and dated", SPECS("mon 08:00-09:00", "2027-03-01..2027-03-31"), "2026-12-01 10:00",
     "2026-12-07 08:00"},
    {"weekly windows and a far date", SPECS("2027-06-01", "sun"), "2027-05-31 00:00",
     "2027-06-01 00:00"},
    {"-> the leap day", SPECS("2028-02-29"), "2028-02-28 12:00", "2028-02-29 00:00"},
    {"the leap day ->", SPECS("2028-02-29"), "2028-02-29 12:00", "2028-03-01 00:00"},
    {"a dated night: its start", SPECS("2026-12-31 22:00-02:00"), "2026-12-31 12:00",
     "2026-12-31 22:00"},
    {"a dated night: its end in the new year", SPECS("2026-12-31 22:00-02:00"), "2026-12-31 22:00",
     "2027-01-01 02:00"},
    {"a dated night: then never", SPECS("2026-12-31 22:00-02:00"), "2027-01-01 02:00", NULL},
    {"a night: its end", SPECS("22:00-06:00"), "2026-12-01 05:00", "2026-12-01 06:00"},
    {"a night: its next start", SPECS("22:00-06:00"), "2026-12-01 06:00", "2026-12-01 22:00"},
    {"one section to the next at midnight", SPECS("sat", "sun"), "2026-12-05 12:00",
     "2026-12-06 00:00"},
    {"an edge where nothing changes is skipped", SPECS("mon-fri", "mon-fri 00:00-24:00"),
     "2026-12-01 12:00", "2026-12-05 00:00"},
};

static void test_next_change(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof change_cases / sizeof change_cases[0]; i++) {
        const struct change_case *c = &change_cases[i];
        struct schedule *schedule = schedule_of(c->specs);
        struct schedule_civil_time now = at(c->now), next;
        char got[32] = "never";
        if (schedule_next_change(schedule, &now, &next))
            format_civil(got, &next);
        const char *expected = c->expected ? c->expected : "never";
        if (strcmp(got, expected) != 0) {
            print_error("%s: from %s expected %s, got %s\n", c->name, c->now, expected, got);
            n_failed++;
        }
        schedule_destroy(schedule);
    }
    assert_int_equal(n_failed, 0);
}

// The next civil minute (plain calendar arithmetic, for the brute force).
static struct schedule_civil_time minute_after(struct schedule_civil_time time)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool is_leap = (time.year % 4 == 0 && time.year % 100 != 0) || time.year % 400 == 0;
    int month_days = time.month == 2 && is_leap ? 29 : days[time.month - 1];
    if (++time.minute_of_day < SCHEDULE_MINUTES_PER_DAY)
        return time;
    time.minute_of_day = 0;
    if (++time.day <= month_days)
        return time;
    time.day = 1;
    if (++time.month <= 12)
        return time;
    time.month = 1;
    time.year++;
    return time;
}

// At every minute of a span, schedule_next_change() agrees with stepping
// minute by minute and watching schedule_active_section().
static void check_against_brute_force(const char *const *specs, const char *from, int n_days)
{
    struct schedule *schedule = schedule_of(specs);
    size_t n = (size_t)n_days * SCHEDULE_MINUTES_PER_DAY;
    struct schedule_civil_time *times = calloc(n, sizeof *times);
    int *active = calloc(n, sizeof *active);
    assert_non_null(times);
    assert_non_null(active);
    times[0] = at(from);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            times[i] = minute_after(times[i - 1]);
        active[i] = schedule_active_section(schedule, &times[i]);
    }
    size_t change = n; // the first index after i where active differs; n: none in the span
    int n_failed = 0;
    for (size_t i = n; i-- > 0;) {
        if (i + 1 < n && active[i + 1] != active[i])
            change = i + 1;
        struct schedule_civil_time next;
        bool has_next = schedule_next_change(schedule, &times[i], &next);
        char now_text[32], got[32] = "never", expected[32] = "past the span";
        if (has_next)
            format_civil(got, &next);
        if (change < n)
            format_civil(expected, &times[change]);
        bool is_ok = change < n
                         ? strcmp(got, expected) == 0
                         : !has_next || strcmp(got, format_civil(now_text, &times[n - 1])) > 0;
        if (!is_ok && n_failed++ < 5)
            print_error("from %s (%s): expected %s, got %s\n", format_civil(now_text, &times[i]),
                        specs[0], expected, got);
    }
    free(times);
    free(active);
    schedule_destroy(schedule);
    assert_int_equal(n_failed, 0);
}

static void test_next_change_matches_brute_force(void **state)
{
    (void)state;
    check_against_brute_force(school, "2026-12-18 00:00", 24); // holidays over New Year
    check_against_brute_force(
        SPECS("2028-02-28..2028-03-01 22:00-02:00", "tue", "wed 01:00-03:00", "otherwise"),
        "2028-02-24 00:00", 10); // the leap day
    check_against_brute_force(SPECS("fri-mon 23:00-01:00", "sun", "12:00-12:01", "2026-12-06"),
                              "2026-11-28 00:00", 16);
}

// ---- Civil time -------------------------------------------------------------------

static void test_weekday(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        enum schedule_weekday weekday;
    } cases[] = {
        {"1970-01-01 00:00", SCHEDULE_WEEKDAY_THURSDAY},
        {"2000-02-29 00:00", SCHEDULE_WEEKDAY_TUESDAY},
        {"2026-12-01 00:00", SCHEDULE_WEEKDAY_TUESDAY},
        {"2026-12-06 23:59", SCHEDULE_WEEKDAY_SUNDAY},
        {"2027-01-01 00:00", SCHEDULE_WEEKDAY_FRIDAY},
        {"2028-02-29 00:00", SCHEDULE_WEEKDAY_TUESDAY},
        {"2100-03-01 00:00", SCHEDULE_WEEKDAY_MONDAY},
        {"9999-12-31 00:00", SCHEDULE_WEEKDAY_FRIDAY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct schedule_civil_time time = at(cases[i].date);
        if (schedule_weekday(&time) != cases[i].weekday)
            fail_msg("%s: expected weekday %d, got %d", cases[i].date, cases[i].weekday,
                     schedule_weekday(&time));
    }
}

static void test_civil_time_parse(void **state)
{
    (void)state;
    struct schedule_civil_time time;
    const char *why;
    assert_int_equal(schedule_civil_time_parse("2026-12-01 08:05", 16, &time, &why), 0);
    assert_int_equal(time.year, 2026);
    assert_int_equal(time.month, 12);
    assert_int_equal(time.day, 1);
    assert_int_equal(time.minute_of_day, 8 * 60 + 5);
    assert_null(why);
    assert_int_equal(schedule_civil_time_parse("2028-02-29 23:59", 16, &time, &why), 0);
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"2026-12-01T08:00", "write it as YYYY-MM-DD HH:MM, e.g. 2026-12-01 08:00"},
        {"2026-12-1 08:00", "write it as YYYY-MM-DD HH:MM"},
        {" 2026-12-01 08:00", "write it as YYYY-MM-DD HH:MM"},
        {"2026-12-01 8:00", "write it as YYYY-MM-DD HH:MM"},
        {"", "write it as YYYY-MM-DD HH:MM"},
        {"2026-02-29 08:00", "there is no such date"},
        {"2026-13-01 08:00", "there is no such date"},
        {"2026-12-00 08:00", "there is no such date"},
        {"2026-12-01 24:00", "the time must be from 00:00 to 23:59"},
        {"2026-12-01 08:60", "the time must be from 00:00 to 23:59"},
        {"1969-12-31 23:59", "the year must be from 1970 to 9999"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (schedule_civil_time_parse(bad[i].text, strlen(bad[i].text), &time, &why) != -22 ||
            !strstr(why, bad[i].why))
            fail_msg("'%s': expected -EINVAL with '%s'", bad[i].text, bad[i].why);
    }
    assert_int_equal(schedule_civil_time_parse(NULL, 0, &time, &why), -22);
}

static void test_destroy_null_and_empty(void **state)
{
    (void)state;
    schedule_destroy(NULL);
    struct schedule *schedule = schedule_create();
    assert_int_equal(schedule_n_sections(schedule), 0);
    struct schedule_window window = parse_ok("sat");
    schedule_add(schedule, &window);
    assert_int_equal(schedule_n_sections(schedule), 1);
    assert_true(schedule_window_at(schedule, 0)->has_days);
    struct schedule_civil_time saturday = at("2026-12-05 12:00");
    assert_true(schedule_window_contains(schedule_window_at(schedule, 0), &saturday));
    schedule_destroy(schedule);
}

// ---- Daylight saving, end to end --------------------------------------------------
//
// The reference for what the app does around the pure module (schedule.h):
// instants -> civil minutes that never go back, and civil minutes -> the
// first instant that reaches them. Only tests and app read clocks and zones.

#define local_civil_at   local_time_civil_at
#define local_instant_of local_time_instant_of
#define civil_key        local_time_key

static void use_zone(const char *zone)
{
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    if (access(path, R_OK) != 0)
        fail_msg("%s is missing: install tzdata", path);
    setenv("TZ", zone, 1);
    tzset();
}

// A week of real minutes in zone, from first (local noon) to the same local
// time 7 days later: the civil time the schedule saw and its answer.
struct week {
    size_t n_minutes;
    time_t start;
    struct schedule_civil_time civil[8 * SCHEDULE_MINUTES_PER_DAY];
    int active[8 * SCHEDULE_MINUTES_PER_DAY];
};

static void simulate_week(struct week *week, const struct schedule *schedule, const char *first)
{
    struct schedule_civil_time begin = at(first), end = begin;
    for (int i = 0; i < 7 * SCHEDULE_MINUTES_PER_DAY; i++)
        end = minute_after(end);
    week->start = local_instant_of(0, &begin);
    time_t stop = local_instant_of(week->start, &end);
    week->n_minutes = (size_t)(stop - week->start) / 60;
    assert_true(week->n_minutes <= 8 * SCHEDULE_MINUTES_PER_DAY);
    for (size_t k = 0; k < week->n_minutes; k++) {
        week->civil[k] = local_civil_at(week->start + (time_t)k * 60);
        week->active[k] = schedule_active_section(schedule, &week->civil[k]);
    }
}

// Civil time never goes back, and every existing civil minute is seen.
static void check_civil_minutes(const struct week *week, int n_missing_minutes)
{
    size_t n_distinct = 1;
    for (size_t k = 1; k < week->n_minutes; k++) {
        long long previous = civil_key(&week->civil[k - 1]), now = civil_key(&week->civil[k]);
        assert_true(now >= previous);
        n_distinct += now != previous;
    }
    assert_int_equal(n_distinct, 7 * SCHEDULE_MINUTES_PER_DAY - n_missing_minutes);
}

// From every minute, waking at local_instant_of(schedule_next_change()) finds
// the next change at its exact instant; a wake-up finding no change happens
// only when the minute asked for does not exist (a window edge in a gap).
static void check_wake_ups(const struct week *week, const struct schedule *schedule)
{
    size_t change = week->n_minutes;
    long long cached_key = -1; // local_instant_of() for the same minute, from a later now
    time_t cached_wake = 0;
    for (size_t k = week->n_minutes; k-- > 0;) {
        if (k + 1 < week->n_minutes && week->active[k + 1] != week->active[k])
            change = k + 1;
        time_t now = week->start + (time_t)k * 60, wake = now;
        size_t woken_at = k;
        struct schedule_civil_time next;
        while (schedule_next_change(schedule, &week->civil[woken_at], &next)) {
            if (woken_at != k || civil_key(&next) != cached_key) {
                wake = local_instant_of(now, &next);
                if (woken_at == k) {
                    cached_key = civil_key(&next);
                    cached_wake = wake;
                }
            } else {
                wake = cached_wake; // the same first instant: civil time never goes back
            }
            woken_at = (size_t)(wake - week->start) / 60;
            if (woken_at >= week->n_minutes || week->active[woken_at] != week->active[k])
                break;
            struct schedule_civil_time seen = local_civil_at(wake);
            if (civil_key(&seen) == civil_key(&next)) { // it existed, yet nothing changed
                char text[32];
                fail_msg("woke at %s for nothing", format_civil(text, &next));
            }
            now = wake;
        }
        if (change < week->n_minutes && woken_at != change) {
            char text[32], expected[32];
            fail_msg("from %s: woke at minute %zu, the change is at %s (minute %zu)",
                     format_civil(text, &week->civil[k]), woken_at,
                     format_civil(expected, &week->civil[change]), change);
        }
    }
}

struct dst_case {
    const char *zone;
    const char *first;     // local noon on the Wednesday before the change
    int n_missing_minutes; // 60 in spring (the gap), 0 in autumn
    const char *spec;
    size_t n_runs;             // occurrences of the window seen in the week
    int normal_minutes;        // real length of each other run (0: no other)
    const char *dst_run_start; // civil start of the run the change falls in; NULL: none
    int dst_run_minutes;       // its real length
};

static const struct dst_case dst_cases[] = {
    // Berlin, 2026-03-29: 02:00 CET -> 03:00 CEST. An hour shorter; no window skipped
    // unless it lies wholly in the gap.
    {"Europe/Berlin", "2026-03-25 12:00", 60, "01:30-02:30", 7, 60, "2026-03-29 01:30", 30},
    {"Europe/Berlin", "2026-03-25 12:00", 60, "02:30-04:00", 7, 90, "2026-03-29 03:00", 60},
    {"Europe/Berlin", "2026-03-25 12:00", 60, "02:00-03:00", 6, 60, NULL, 0},
    {"Europe/Berlin", "2026-03-25 12:00", 60, "22:00-06:00", 7, 480, "2026-03-28 22:00", 420},
    {"Europe/Berlin", "2026-03-25 12:00", 60, "sun", 1, 0, "2026-03-29 00:00", 1380},
    {"Europe/Berlin", "2026-03-25 12:00", 60, "2026-03-29", 1, 0, "2026-03-29 00:00", 1380},
    // Berlin, 2026-10-25: 03:00 CEST -> 02:00 CET. 02:00-02:59 comes twice; no window
    // starts twice.
    {"Europe/Berlin", "2026-10-21 12:00", 0, "01:30-02:30", 7, 60, "2026-10-25 01:30", 60},
    {"Europe/Berlin", "2026-10-21 12:00", 0, "02:30-04:00", 7, 90, "2026-10-25 02:30", 150},
    {"Europe/Berlin", "2026-10-21 12:00", 0, "02:00-03:00", 7, 60, "2026-10-25 02:00", 120},
    {"Europe/Berlin", "2026-10-21 12:00", 0, "22:00-06:00", 7, 480, "2026-10-24 22:00", 540},
    {"Europe/Berlin", "2026-10-21 12:00", 0, "sun", 1, 0, "2026-10-25 00:00", 1500},
    {"Europe/Berlin", "2026-10-21 12:00", 0, "2026-10-25 01:00-04:00", 1, 0, "2026-10-25 01:00",
     240},
    // New York, 2026-03-08: 02:00 EST -> 03:00 EDT.
    {"America/New_York", "2026-03-04 12:00", 60, "01:30-02:30", 7, 60, "2026-03-08 01:30", 30},
    {"America/New_York", "2026-03-04 12:00", 60, "02:30-04:00", 7, 90, "2026-03-08 03:00", 60},
    {"America/New_York", "2026-03-04 12:00", 60, "02:00-03:00", 6, 60, NULL, 0},
    {"America/New_York", "2026-03-04 12:00", 60, "22:00-06:00", 7, 480, "2026-03-07 22:00", 420},
    {"America/New_York", "2026-03-04 12:00", 60, "sun", 1, 0, "2026-03-08 00:00", 1380},
    // New York, 2026-11-01: 02:00 EDT -> 01:00 EST. 01:00-01:59 comes twice.
    {"America/New_York", "2026-10-28 12:00", 0, "01:30-02:30", 7, 60, "2026-11-01 01:30", 120},
    {"America/New_York", "2026-10-28 12:00", 0, "00:30-01:30", 7, 60, "2026-11-01 00:30", 60},
    {"America/New_York", "2026-10-28 12:00", 0, "01:00-02:00", 7, 60, "2026-11-01 01:00", 120},
    {"America/New_York", "2026-10-28 12:00", 0, "22:00-06:00", 7, 480, "2026-10-31 22:00", 540},
    {"America/New_York", "2026-10-28 12:00", 0, "sun", 1, 0, "2026-11-01 00:00", 1500},
};

static struct week week; // large; one at a time

// The runs of minutes in which the one section plays.
static int check_runs(const struct dst_case *c)
{
    size_t n_runs = 0;
    bool is_dst_run_seen = false;
    int n_failed = 0;
    for (size_t k = 0; k < week.n_minutes;) {
        if (week.active[k] != 0) {
            k++;
            continue;
        }
        size_t start = k;
        while (k < week.n_minutes && week.active[k] == 0)
            k++;
        int minutes = (int)(k - start);
        char text[32];
        format_civil(text, &week.civil[start]);
        n_runs++;
        bool is_dst_run = c->dst_run_start && strcmp(text, c->dst_run_start) == 0;
        is_dst_run_seen |= is_dst_run;
        int expected = is_dst_run ? c->dst_run_minutes : c->normal_minutes;
        if (minutes != expected) {
            print_error("%s [%s]: the run from %s lasts %d minutes, expected %d\n", c->zone,
                        c->spec, text, minutes, expected);
            n_failed++;
        }
    }
    if (n_runs != c->n_runs || is_dst_run_seen != (c->dst_run_start != NULL)) {
        print_error("%s [%s]: %zu runs (expected %zu), the run on the changing day %s\n", c->zone,
                    c->spec, n_runs, c->n_runs, is_dst_run_seen ? "seen" : "not seen");
        n_failed++;
    }
    return n_failed;
}

static void test_daylight_saving_windows(void **state)
{
    (void)state;
    int n_failed = 0;
    for (size_t i = 0; i < sizeof dst_cases / sizeof dst_cases[0]; i++) {
        const struct dst_case *c = &dst_cases[i];
        use_zone(c->zone);
        struct schedule *schedule = schedule_of(SPECS(c->spec));
        simulate_week(&week, schedule, c->first);
        check_civil_minutes(&week, c->n_missing_minutes);
        n_failed += check_runs(c);
        check_wake_ups(&week, schedule);
        schedule_destroy(schedule);
    }
    assert_int_equal(n_failed, 0);
}

// The school's schedule with windows at the changing hours, through all four
// changes: every wake-up lands on the change.
static void test_daylight_saving_wake_ups(void **state)
{
    (void)state;
    static const struct {
        const char *zone, *first;
    } weeks[] = {
        {"Europe/Berlin", "2026-03-25 12:00"},
        {"Europe/Berlin", "2026-10-21 12:00"},
        {"America/New_York", "2026-03-04 12:00"},
        {"America/New_York", "2026-10-28 12:00"},
    };
    const char *const *specs =
        SPECS("mon-fri 07:30-17:30", "sat,sun", "sun 01:30-02:30", "02:30-04:00", "fri 22:00-06:00",
              "sat 01:00-02:00", "2026-03-29", "2026-11-01 00:30-01:30");
    for (size_t i = 0; i < sizeof weeks / sizeof weeks[0]; i++) {
        use_zone(weeks[i].zone);
        struct schedule *schedule = schedule_of(specs);
        simulate_week(&week, schedule, weeks[i].first);
        check_wake_ups(&week, schedule);
        schedule_destroy(schedule);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_headers),
        cmocka_unit_test(test_different_windows_are_not_equal),
        cmocka_unit_test(test_mistakes_are_reported),
        cmocka_unit_test(test_long_words_are_cut),
        cmocka_unit_test(test_active_section),
        cmocka_unit_test(test_next_change),
        cmocka_unit_test(test_next_change_matches_brute_force),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_civil_time_parse),
        cmocka_unit_test(test_destroy_null_and_empty),
        cmocka_unit_test(test_daylight_saving_windows),
        cmocka_unit_test(test_daylight_saving_wake_ups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
