// local_time: the wall clock as the schedule sees it. Instants become civil
// minutes in the local zone (TZ, /etc/localtime) that never go back across a
// daylight-saving fold, and civil minutes become the first instant reaching
// them (in a spring-forward gap: the first minute after it). The pure
// schedule (show/schedule) never reads a clock or a zone; this does.
#ifndef SIGNAGE_APP_LOCAL_TIME_H
#define SIGNAGE_APP_LOCAL_TIME_H

#include <time.h>

#include "show/schedule.h"

// Any thread. The civil minute at instant t: local time, except inside the
// hour repeated after the clock went back, where it stays at the latest
// minute already seen until the clock reaches it again (no window starts or
// ends twice).
struct schedule_civil_time local_time_civil_at(time_t t);

// Any thread. The first instant at or after from whose local_time_civil_at()
// is at or after target.
time_t local_time_instant_of(time_t from, const struct schedule_civil_time *target);

// Orders civil times: a < b exactly when key(a) < key(b).
long long local_time_key(const struct schedule_civil_time *time);

#endif
