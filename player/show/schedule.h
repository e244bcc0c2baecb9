// schedule: when each section of a playlist plays. Parses section headers
// ("mon-fri 07:30-17:30") and answers, for a local wall-clock minute, which
// section is active and when that next changes. Pure: it works in civil
// time only; it never reads a clock and knows nothing of time zones.
//
// Precedence (README "Playlist format"): of the sections whose window holds
// a minute, the most specific plays. Compared part by part, dates first,
// then days, then times: a section with the part beats one without it; when
// both have it, the one covering less (fewer days of dates, fewer days of
// the week, fewer minutes) wins. Sections that still tie: the one further
// down the playlist wins. [otherwise] has no parts, so it plays only when no
// other section does. A window that crosses midnight (22:00-06:00) belongs
// to the day it starts on, for its days and its dates.
//
// What the app must do (this module is given civil minutes, never time_t):
// - now -> civil: localtime_r(), which follows TZ and /etc/localtime, except
//   inside the repeated wall-clock time after a daylight-saving fold (the
//   clock goes back): there keep giving the last minute before the clock went
//   back (02:59 in Berlin, 01:59 in New York) until the clock reaches it
//   again. Civil time then never goes backwards, so every window edge in the
//   fold happens once, at its first occurrence, and none is doubled.
// - civil -> instant (a wake-up for schedule_next_change()): the first
//   instant whose civil time, taken as above, is at or after the given
//   minute. For a minute inside a spring-forward gap (02:30 in Berlin on the
//   last Sunday of March) that is the first existing minute after it (03:00);
//   for a minute in a fold, its first occurrence. mktime() alone is wrong in
//   both cases. A window wholly inside a gap does not happen that day.
// tests/show/test_schedule.c holds a reference implementation of both
// (local_civil_at, local_instant_of) and proves it for Europe/Berlin and
// America/New_York.
#ifndef SIGNAGE_SHOW_SCHEDULE_H
#define SIGNAGE_SHOW_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "show/parse_report.h"

#define SCHEDULE_MINUTES_PER_DAY 1440
#define SCHEDULE_YEAR_MIN        1970 // dates before the epoch are a typo on a screen
#define SCHEDULE_YEAR_MAX        9999 // four digits, as written

// A local wall-clock minute. The weekday is not given: it follows from the
// date (schedule_weekday), so it can never disagree with it.
struct schedule_civil_time {
    int year;          // SCHEDULE_YEAR_MIN..SCHEDULE_YEAR_MAX
    int month;         // 1-12
    int day;           // 1-31, a day of that month
    int minute_of_day; // 0-1439: hour * 60 + minute
};

enum schedule_weekday {
    SCHEDULE_WEEKDAY_MONDAY,
    SCHEDULE_WEEKDAY_TUESDAY,
    SCHEDULE_WEEKDAY_WEDNESDAY,
    SCHEDULE_WEEKDAY_THURSDAY,
    SCHEDULE_WEEKDAY_FRIDAY,
    SCHEDULE_WEEKDAY_SATURDAY,
    SCHEDULE_WEEKDAY_SUNDAY,
};

// One section header. Every part is optional, but a window has at least one
// part or is_otherwise.
struct schedule_window {
    bool is_otherwise;     // [otherwise]: no parts; plays when no other section does
    bool has_days;         // mon-fri, sat,sun, mon,wed-fri
    bool has_dates;        // 2026-12-24..2027-01-02 or 2026-12-24, inclusive
    bool has_times;        // 07:30-17:30, end exclusive
    unsigned weekday_mask; // has_days: bit (1u << enum schedule_weekday) set = plays that day
    int first_day;         // has_dates: days since 1970-01-01, first day included
    int last_day;          // has_dates: last day included (>= first_day)
    int start_minute;      // has_times: 0-1439
    int end_minute;        // has_times: 1-1440 (24:00 = 1440); below start_minute
                           // the window crosses midnight into the next day
};

// The sections of one playlist, numbered from 0 in the order they were added.
struct schedule;

// Parses length bytes of a section header's inside (the text between '['
// and ']', spaces allowed around it). Returns 0 and fills window, or -EINVAL
// and fills error: column is 1-based in bytes from text, line is 0 (the
// caller knows the line), message says what is wrong and how to write it.
int schedule_window_parse(const char *text, size_t length, struct schedule_window *window,
                          struct parse_error *error);

// True if a and b have the same parts with the same values (mon-fri equals
// mon,tue,wed,thu,fri; 22:00-00:00 equals 22:00-24:00): the one further
// down a playlist would always win, so the other could never play.
bool schedule_window_equals(const struct schedule_window *a, const struct schedule_window *b);

// True if window holds the minute now (valid civil time), ignoring every
// other section.
bool schedule_window_contains(const struct schedule_window *window,
                              const struct schedule_civil_time *now);

// An empty schedule (caller destroys): with no sections, nothing is active.
struct schedule *schedule_create(void);

// NULL is a no-op.
void schedule_destroy(struct schedule *schedule);

// Appends a copy of window (from schedule_window_parse) as the next section
// and returns its index.
size_t schedule_add(struct schedule *schedule, const struct schedule_window *window);

size_t schedule_n_sections(const struct schedule *schedule);

// index < schedule_n_sections(); borrowed until schedule_destroy().
const struct schedule_window *schedule_window_at(const struct schedule *schedule, size_t index);

// The index of the section that plays at now (a valid civil time): the most
// specific of those whose window holds it (see the top of this file), or -1
// when none does (only a playlist's items before its first section play;
// with none, the screen is idle).
int schedule_active_section(const struct schedule *schedule, const struct schedule_civil_time *now);

// The first minute after now at which schedule_active_section() gives
// another answer. Returns true and fills next, or false when the answer
// never changes again (no sections; only [otherwise]; a date range that has
// ended). Exact however far ahead the change is (a date range next year).
bool schedule_next_change(const struct schedule *schedule, const struct schedule_civil_time *now,
                          struct schedule_civil_time *next);

// The weekday of time's date (valid civil date).
enum schedule_weekday schedule_weekday(const struct schedule_civil_time *time);

// Parses "YYYY-MM-DD HH:MM" (one space; 24-hour clock; a real date between
// SCHEDULE_YEAR_MIN and SCHEDULE_YEAR_MAX) from length bytes of text into
// time. Returns 0, or -EINVAL with a reason in why (static text).
int schedule_civil_time_parse(const char *text, size_t length, struct schedule_civil_time *time,
                              const char **why);

#endif
