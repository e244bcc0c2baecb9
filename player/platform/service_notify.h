// service_notify: the one place that talks to systemd (sd_notify): readiness,
// status text, reload and stop notices, watchdog pings. It does not decide
// when the player is healthy: the caller pings only with evidence it is.
#ifndef SIGNAGE_PLATFORM_SERVICE_NOTIFY_H
#define SIGNAGE_PLATFORM_SERVICE_NOTIFY_H

#include <stdint.h>

// Not under systemd (no NOTIFY_SOCKET) the object still exists and every call
// is a cheap no-op, so callers never test for systemd. The environment is
// read once, at open, and left as it is. All functions: main thread only.
// Send failures are logged once (as a warning) and otherwise ignored: a lost
// notification must not stop the show.
struct service_notify;

// Reads NOTIFY_SOCKET, and WATCHDOG_USEC / WATCHDOG_PID through
// sd_watchdog_enabled(). Returns a new object (caller closes); never NULL.
// The first watchdog interval starts now.
struct service_notify *service_notify_open(void);

// Frees notify; NULL is a no-op. Sends nothing (call service_notify_stopping()
// first when stopping).
void service_notify_close(struct service_notify *notify);

// "READY=1": startup is done, or a reload announced with
// service_notify_reloading() is done.
void service_notify_ready(struct service_notify *notify);

// "STATUS=<text>", the one line `systemctl status` shows. format is printf's;
// the text is cut to 255 bytes, and control characters (a newline would start
// a new assignment) become spaces. Sends only when the text differs from the
// last status sent, so calling it on every change of state is cheap.
void service_notify_status(struct service_notify *notify, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

// "RELOADING=1\nMONOTONIC_USEC=<µs>", with now_monotonic_ns from
// monotime_now_ns() (CLOCK_MONOTONIC, the clock systemd compares against;
// systemd 253+ needs it for Type=notify-reload, 252 ignores it). Send
// service_notify_ready() when the reload is done.
void service_notify_reloading(struct service_notify *notify, int64_t now_monotonic_ns);

// "STOPPING=1": the player is shutting down on purpose.
void service_notify_stopping(struct service_notify *notify);

// When the next watchdog ping is due, in monotime_now_ns() nanoseconds: half
// the interval systemd gave (WatchdogSec=) after the last ping (or after
// open). INT64_MAX when there is no watchdog, so it can go straight into a
// min() of deadlines.
int64_t service_notify_watchdog_deadline_ns(const struct service_notify *notify);

// "WATCHDOG=1" now, and the next interval starts at now_ns (monotime_now_ns()).
// No-op without a watchdog. Call at or after the deadline, and only when the
// loop has shown it is really working; a stuck player must miss its pings.
void service_notify_watchdog(struct service_notify *notify, int64_t now_ns);

#endif
