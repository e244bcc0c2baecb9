// local_time: see the header. localtime_r() and mktime() alone are wrong at
// both daylight-saving edges; these wrap them so the schedule sees a civil
// clock that never goes back and never skips a window edge.
#include "app/local_time.h"

#define FOLD_LOOKBACK_S (3 * 3600) // longer than any daylight-saving shift

static struct schedule_civil_time civil_of_tm(const struct tm *tm)
{
    return (struct schedule_civil_time){tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
                                        tm->tm_hour * 60 + tm->tm_min};
}

long long local_time_key(const struct schedule_civil_time *time)
{
    return ((time->year * 13LL + time->month) * 32 + time->day) * SCHEDULE_MINUTES_PER_DAY +
           time->minute_of_day;
}

// The civil minute the schedule is given at instant t: local time, except
// after the clock went back (a fold), where it stays at the latest minute
// already seen until the clock reaches it again.
struct schedule_civil_time local_time_civil_at(time_t t)
{
    struct tm now_tm, back_tm;
    time_t back = t - FOLD_LOOKBACK_S;
    localtime_r(&t, &now_tm);
    localtime_r(&back, &back_tm);
    struct schedule_civil_time civil = civil_of_tm(&now_tm);
    if (back_tm.tm_gmtoff <= now_tm.tm_gmtoff)
        return civil; // the clock has not gone back lately
    for (time_t seen = back; seen < t; seen += 60) {
        struct tm seen_tm;
        localtime_r(&seen, &seen_tm);
        struct schedule_civil_time earlier = civil_of_tm(&seen_tm);
        if (local_time_key(&earlier) > local_time_key(&civil))
            civil = earlier;
    }
    return civil;
}

// The first instant at or after from whose local_time_civil_at() is at or after
// target: in a gap the first existing minute after it, in a fold its first
// occurrence. local_time_civil_at() never goes back, so this bisects.
time_t local_time_instant_of(time_t from, const struct schedule_civil_time *target)
{
    struct schedule_civil_time from_civil = local_time_civil_at(from);
    if (local_time_key(&from_civil) >= local_time_key(target))
        return from;
    struct tm guess = {.tm_year = target->year - 1900,
                       .tm_mon = target->month - 1,
                       .tm_mday = target->day,
                       .tm_hour = target->minute_of_day / 60,
                       .tm_min = target->minute_of_day % 60,
                       .tm_isdst = -1};
    time_t low = from, high = mktime(&guess) + FOLD_LOOKBACK_S; // mktime: off by an hour at most
    if (high <= low)
        high = low + FOLD_LOOKBACK_S;
    for (struct schedule_civil_time c = local_time_civil_at(high);
         local_time_key(&c) < local_time_key(target); c = local_time_civil_at(high))
        high += FOLD_LOOKBACK_S;
    while (high - low > 1) { // local_time_civil_at(low) < target <= local_time_civil_at(high)
        time_t middle = low + (high - low) / 2;
        struct schedule_civil_time c = local_time_civil_at(middle);
        if (local_time_key(&c) >= local_time_key(target))
            high = middle;
        else
            low = middle;
    }
    return high;
}
