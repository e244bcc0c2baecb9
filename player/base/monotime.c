// monotime: CLOCK_MONOTONIC, never the wall clock.
#include "base/monotime.h"

#include <time.h>

int64_t monotime_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * NS_PER_S + now.tv_nsec;
}
