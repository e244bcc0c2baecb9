// service_notify: sd_notify() behind a small API. Decides what to send and
// when it is worth sending; holds no thread and no fd of its own (libsystemd
// opens a socket per message).
#include "platform/service_notify.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"

#define STATUS_TEXT_MAX_BYTES 256 // one line of `systemctl status`; longer is cut

struct service_notify {
    bool is_active;             // NOTIFY_SOCKET is set: messages go somewhere
    bool has_failed;            // a send failed and was logged; later failures are quiet
    int64_t watchdog_period_ns; // half of WATCHDOG_USEC; 0 = no watchdog
    int64_t last_ping_ns;       // monotime of the last WATCHDOG=1, or of open
    bool has_status;            // last_status holds the text last sent
    char last_status[STATUS_TEXT_MAX_BYTES];
};

static void send_message(struct service_notify *notify, const char *message)
{
    int result = sd_notify(0, message);
    if (result >= 0 || notify->has_failed)
        return;
    notify->has_failed = true;
    log_warning("cannot send %.*s to systemd: %s; later failures are not logged",
                (int)strcspn(message, "="), message, strerror(-result));
}

// Reads WATCHDOG_USEC (for this process only: WATCHDOG_PID) into notify.
static void watchdog_setup(struct service_notify *notify)
{
    uint64_t interval_us = 0;
    int result = sd_watchdog_enabled(0, &interval_us);
    if (result < 0) {
        log_warning("ignoring the systemd watchdog settings: %s", strerror(-result));
        return;
    }
    // Far beyond any WatchdogSec=; keeps last ping + period from overflowing.
    if (result == 0 || interval_us == 0 || interval_us > (uint64_t)INT64_MAX / 4 / NS_PER_US)
        return;
    notify->watchdog_period_ns = (int64_t)interval_us * NS_PER_US / 2;
    log_debug("systemd watchdog: %llu ms, pinging every %lld ms",
              (unsigned long long)(interval_us / 1000),
              (long long)(notify->watchdog_period_ns / NS_PER_MS));
}

struct service_notify *service_notify_open(void)
{
    struct service_notify *notify = xcalloc(1, sizeof *notify);
    const char *socket_path = getenv("NOTIFY_SOCKET");
    notify->is_active = socket_path && socket_path[0];
    notify->last_ping_ns = monotime_now_ns();
    if (notify->is_active)
        watchdog_setup(notify);
    return notify;
}

void service_notify_close(struct service_notify *notify)
{
    free(notify);
}

void service_notify_ready(struct service_notify *notify)
{
    if (notify->is_active)
        send_message(notify, "READY=1");
}

void service_notify_status(struct service_notify *notify, const char *format, ...)
{
    if (!notify->is_active)
        return;
    char text[STATUS_TEXT_MAX_BYTES];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    for (char *c = text; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            *c = ' ';
    }
    if (notify->has_status && strcmp(text, notify->last_status) == 0)
        return;
    char message[sizeof "STATUS=" + STATUS_TEXT_MAX_BYTES];
    snprintf(message, sizeof message, "STATUS=%s", text);
    send_message(notify, message);
    memcpy(notify->last_status, text, sizeof text);
    notify->has_status = true;
}

void service_notify_reloading(struct service_notify *notify, int64_t now_monotonic_ns)
{
    if (!notify->is_active)
        return;
    char message[64];
    snprintf(message, sizeof message, "RELOADING=1\nMONOTONIC_USEC=%lld",
             (long long)(now_monotonic_ns / NS_PER_US));
    send_message(notify, message);
}

void service_notify_stopping(struct service_notify *notify)
{
    if (notify->is_active)
        send_message(notify, "STOPPING=1");
}

int64_t service_notify_watchdog_deadline_ns(const struct service_notify *notify)
{
    if (!notify->watchdog_period_ns)
        return INT64_MAX;
    return notify->last_ping_ns + notify->watchdog_period_ns;
}

void service_notify_watchdog(struct service_notify *notify, int64_t now_ns)
{
    if (!notify->watchdog_period_ns)
        return;
    send_message(notify, "WATCHDOG=1");
    notify->last_ping_ns = now_ns;
}
