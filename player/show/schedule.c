// schedule: which section's window plays when. Pure civil-time arithmetic
// (days since 1970-01-01 and minutes of the day); time zones and daylight
// saving are the app's side (see the header). Section headers and civil times
// as text are schedule_parse.c's.
#include "show/schedule.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "show/schedule_calendar.h"

#define QUIET_DAYS_ENOUGH 8 // the rest of today and a whole week: every weekday seen
#define NO_DAY            INT_MAX

struct schedule {
    struct schedule_window *windows;
    size_t n_windows;
    size_t capacity;
};

// ---- Calendar -----------------------------------------------------------------

static bool is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int schedule_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a valid date (proleptic Gregorian; H. Hinnant's
// days_from_civil).
int schedule_days_from_civil(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int year_of_era = y - era * 400;
    int day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

struct schedule_civil_time schedule_civil_from_days(int days, int minute_of_day)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int day_of_era = z - era * 146097;
    int year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int month_index = (5 * day_of_year + 2) / 153; // 0 = March
    int month = month_index < 10 ? month_index + 3 : month_index - 9;
    return (struct schedule_civil_time){
        .year = year_of_era + era * 400 + (month <= 2),
        .month = month,
        .day = day_of_year - (153 * month_index + 2) / 5 + 1,
        .minute_of_day = minute_of_day,
    };
}

static enum schedule_weekday weekday_of_day(int days)
{
    int weekday = (days + SCHEDULE_WEEKDAY_THURSDAY) % DAYS_PER_WEEK; // 1970-01-01: a Thursday
    return (enum schedule_weekday)(weekday < 0 ? weekday + DAYS_PER_WEEK : weekday);
}

// ---- When a window plays ------------------------------------------------------

// The window's days and dates allow an occurrence starting on day.
static bool is_day_allowed(const struct schedule_window *window, int day)
{
    if (window->has_dates && (day < window->first_day || day > window->last_day))
        return false;
    return !window->has_days || ((window->weekday_mask >> weekday_of_day(day)) & 1u);
}

// A crossing window's minutes after midnight belong to the day before.
static bool window_holds(const struct schedule_window *window, int day, int minute)
{
    if (window->is_otherwise)
        return true;
    if (!window->has_times)
        return is_day_allowed(window, day);
    if (window->start_minute < window->end_minute)
        return minute >= window->start_minute && minute < window->end_minute &&
               is_day_allowed(window, day);
    return (minute >= window->start_minute && is_day_allowed(window, day)) ||
           (minute < window->end_minute && is_day_allowed(window, day - 1));
}

bool schedule_window_contains(const struct schedule_window *window,
                              const struct schedule_civil_time *now)
{
    return window_holds(window, schedule_days_from_civil(now->year, now->month, now->day),
                        now->minute_of_day);
}

bool schedule_window_equals(const struct schedule_window *a, const struct schedule_window *b)
{
    return a->is_otherwise == b->is_otherwise && a->has_days == b->has_days &&
           a->has_dates == b->has_dates && a->has_times == b->has_times &&
           (!a->has_days || a->weekday_mask == b->weekday_mask) &&
           (!a->has_dates || (a->first_day == b->first_day && a->last_day == b->last_day)) &&
           (!a->has_times ||
            (a->start_minute == b->start_minute && a->end_minute == b->end_minute));
}

static int n_weekdays(const struct schedule_window *window)
{
    int count = 0;
    for (unsigned mask = window->weekday_mask; mask; mask &= mask - 1)
        count++;
    return count;
}

static int n_minutes(const struct schedule_window *window)
{
    int minutes = window->end_minute - window->start_minute;
    return minutes > 0 ? minutes : minutes + SCHEDULE_MINUTES_PER_DAY;
}

// Fewer is more specific: > 0 when a < b.
static int fewer_wins(int a, int b)
{
    return (a < b) - (a > b);
}

// > 0 when a is more specific than b, < 0 when b is, 0 when they tie.
static int specificity_compare(const struct schedule_window *a, const struct schedule_window *b)
{
    if (a->has_dates != b->has_dates)
        return a->has_dates ? 1 : -1;
    if (a->has_dates && a->last_day - a->first_day != b->last_day - b->first_day)
        return fewer_wins(a->last_day - a->first_day, b->last_day - b->first_day);
    if (a->has_days != b->has_days)
        return a->has_days ? 1 : -1;
    if (a->has_days && n_weekdays(a) != n_weekdays(b))
        return fewer_wins(n_weekdays(a), n_weekdays(b));
    if (a->has_times != b->has_times)
        return a->has_times ? 1 : -1;
    if (a->has_times)
        return fewer_wins(n_minutes(a), n_minutes(b));
    return 0;
}

static int active_at(const struct schedule *schedule, int day, int minute)
{
    int best = -1;
    for (size_t i = 0; i < schedule->n_windows; i++) {
        const struct schedule_window *window = &schedule->windows[i];
        if (window_holds(window, day, minute) &&
            (best < 0 || specificity_compare(window, &schedule->windows[best]) >= 0))
            best = (int)i; // a tie goes to the later section
    }
    return best;
}

// The first minute of a day after minute (-1: from midnight on) at which a
// window starts or ends; SCHEDULE_MINUTES_PER_DAY when none is left that day.
static int next_edge(const struct schedule *schedule, int minute)
{
    int edge = minute < 0 ? 0 : SCHEDULE_MINUTES_PER_DAY; // midnight: days and dates turn
    for (size_t i = 0; i < schedule->n_windows; i++) {
        const struct schedule_window *window = &schedule->windows[i];
        if (!window->has_times)
            continue;
        const int edges[2] = {window->start_minute, window->end_minute % SCHEDULE_MINUTES_PER_DAY};
        for (size_t j = 0; j < 2; j++) {
            if (edges[j] > minute && edges[j] < edge)
                edge = edges[j];
        }
    }
    return edge;
}

// Days on which a date window's pattern turns: its first day, its last day's
// next two (a window crossing midnight reaches one day further), and the
// day after its first (where that reach begins).
static bool is_date_event(const struct schedule *schedule, int day)
{
    for (size_t i = 0; i < schedule->n_windows; i++) {
        const struct schedule_window *window = &schedule->windows[i];
        if (window->has_dates && (day == window->first_day || day == window->first_day + 1 ||
                                  day == window->last_day + 1 || day == window->last_day + 2))
            return true;
    }
    return false;
}

// The first date event after day, or NO_DAY.
static int next_date_event(const struct schedule *schedule, int day)
{
    int event = NO_DAY;
    for (size_t i = 0; i < schedule->n_windows; i++) {
        const struct schedule_window *window = &schedule->windows[i];
        if (!window->has_dates)
            continue;
        const int candidates[4] = {window->first_day, window->first_day + 1, window->last_day + 1,
                                   window->last_day + 2};
        for (size_t j = 0; j < 4; j++) {
            if (candidates[j] > day && candidates[j] < event)
                event = candidates[j];
        }
    }
    return event;
}

// ---- The schedule -------------------------------------------------------------

struct schedule *schedule_create(void)
{
    return xcalloc(1, sizeof(struct schedule));
}

void schedule_destroy(struct schedule *schedule)
{
    if (!schedule)
        return;
    free(schedule->windows);
    free(schedule);
}

size_t schedule_add(struct schedule *schedule, const struct schedule_window *window)
{
    if (schedule->n_windows == schedule->capacity) {
        schedule->capacity = schedule->capacity ? schedule->capacity * 2 : 8;
        schedule->windows =
            xreallocarray(schedule->windows, schedule->capacity, sizeof *schedule->windows);
    }
    schedule->windows[schedule->n_windows] = *window;
    return schedule->n_windows++;
}

size_t schedule_n_sections(const struct schedule *schedule)
{
    return schedule->n_windows;
}

const struct schedule_window *schedule_window_at(const struct schedule *schedule, size_t index)
{
    return &schedule->windows[index];
}

int schedule_active_section(const struct schedule *schedule, const struct schedule_civil_time *now)
{
    return active_at(schedule, schedule_days_from_civil(now->year, now->month, now->day),
                     now->minute_of_day);
}

// Walks the window edges day by day. Between two date events the answer
// repeats every week, so once a whole week (and the rest of the first day)
// has passed unchanged, nothing changes before the next date event.
bool schedule_next_change(const struct schedule *schedule, const struct schedule_civil_time *now,
                          struct schedule_civil_time *next)
{
    int day = schedule_days_from_civil(now->year, now->month, now->day);
    int current = active_at(schedule, day, now->minute_of_day);
    int n_quiet_days = 0;
    for (int minute = now->minute_of_day;; minute = -1) {
        for (int edge = next_edge(schedule, minute); edge < SCHEDULE_MINUTES_PER_DAY;
             edge = next_edge(schedule, edge)) {
            if (active_at(schedule, day, edge) != current) {
                *next = schedule_civil_from_days(day, edge);
                return true;
            }
        }
        day++;
        n_quiet_days = is_date_event(schedule, day) ? 0 : n_quiet_days + 1;
        if (n_quiet_days >= QUIET_DAYS_ENOUGH) {
            day = next_date_event(schedule, day);
            if (day == NO_DAY)
                return false;
            n_quiet_days = 0;
        }
    }
}

enum schedule_weekday schedule_weekday(const struct schedule_civil_time *time)
{
    return weekday_of_day(schedule_days_from_civil(time->year, time->month, time->day));
}