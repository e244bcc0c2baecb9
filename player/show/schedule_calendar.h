// schedule_calendar: the proleptic Gregorian arithmetic schedule.c (when a
// window plays) and schedule_parse.c (dates in section headers) share; it
// lives in schedule.c. Not a public header: nothing but those two files
// includes it.
#ifndef SIGNAGE_SHOW_SCHEDULE_CALENDAR_H
#define SIGNAGE_SHOW_SCHEDULE_CALENDAR_H

#include "show/schedule.h"

#define DAYS_PER_WEEK 7

// 28 to 31: the days of month (1-12) in year.
int schedule_days_in_month(int year, int month);

// Days since 1970-01-01 of a valid date (proleptic Gregorian; H. Hinnant's
// days_from_civil).
int schedule_days_from_civil(int year, int month, int day);

// The date of a day number (the inverse of schedule_days_from_civil), at
// minute_of_day.
struct schedule_civil_time schedule_civil_from_days(int days, int minute_of_day);

#endif
