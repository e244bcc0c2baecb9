// signals: SIGINT, SIGTERM and SIGHUP delivered as readable data on a
// signalfd, so the main loop sees them in its one wait instead of in a
// handler. SIGPIPE is ignored (a control client that hangs up is not fatal).
#ifndef SIGNAGE_PLATFORM_SIGNALS_H
#define SIGNAGE_PLATFORM_SIGNALS_H

#include <spawn.h>

// Main thread, before any other thread starts (threads inherit the mask).
// Blocks the signals and returns a non-blocking signalfd, or -errno.
int signals_open(void);

// Reads one pending signal from fd. Returns its number, 0 when none is
// pending, or -errno.
int signals_read(int fd);

// Main thread. Initializes attributes (caller destroys) so a child started
// with posix_spawn() gets the default mask and handlers back for the signals
// signals_open() blocks and ignores. Returns 0 or an errno value.
int signals_spawn_attributes(posix_spawnattr_t *attributes);

#endif
