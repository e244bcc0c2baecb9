// monotime: the player's one time base, CLOCK_MONOTONIC in nanoseconds.
#ifndef SIGNAGE_BASE_MONOTIME_H
#define SIGNAGE_BASE_MONOTIME_H

#include <stdint.h>

#define NS_PER_US INT64_C(1000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S  INT64_C(1000000000)

// Any thread. Nanoseconds since an arbitrary fixed point (boot).
int64_t monotime_now_ns(void);

#endif
