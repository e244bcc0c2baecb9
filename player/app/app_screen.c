// app_screen: the screen itself under kmsdrm (a Pi without a desktop), where
// SDL sees the connectors only once, when its video starts. A Pi that booted
// with the TV off waits here until a screen is plugged in or switched on; a
// screen unplugged and plugged back in gets a fresh picture; a different
// screen (or mode) makes the player start again in place, so SDL drives it in
// its own mode. Under X11 and Wayland the session does all this and SDL
// reports it (app.c's display events): nothing here runs.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "app/app_internal.h"
#include "base/log.h"
#include "base/monotime.h"
#include "platform/signals.h"

// Hot-plug uevents can be lost (a full socket buffer): while waiting for a
// screen, SDL looks again this often anyway, at the cost of one wakeup.
#define SCREEN_RETRY_NS (60 * NS_PER_S)

// Tests point this at a folder laid out like /sys/class/drm.
#define SCREEN_SYSFS_ENV "SIGNAGE_DRM_SYSFS"

static const char *drm_sysfs_dir(void)
{
    const char *dir = getenv(SCREEN_SYSFS_ENV);
    return dir && *dir ? dir : SCREEN_WATCH_SYSFS_DIR;
}

// True when SDL may pick kmsdrm: it was asked for, or nothing was (SDL then
// tries x11, wayland and kmsdrm in turn).
static bool is_kmsdrm_wanted(void)
{
    const char *drivers = SDL_GetHint(SDL_HINT_VIDEODRIVER);
    return !drivers || !*drivers || strstr(drivers, "kmsdrm") != NULL;
}

// A GPU with ports but no screen in any of them: worth waiting for one. A
// machine with no DRM driver at all (or a screen that is there but that SDL
// refused for another reason) is an error for systemd to see.
static bool is_waiting_worthwhile(const char *snapshot)
{
    int n_connectors, n_connected;
    screen_watch_count(snapshot, &n_connectors, &n_connected);
    return n_connectors > 0 && n_connected == 0;
}

static int open_watch(struct app *app)
{
    if (app->screen_watch)
        return 0;
    char error[APP_ERROR_SIZE];
    app->screen_watch = screen_watch_open(error, sizeof error);
    if (!app->screen_watch) {
        log_error("%s", error);
        return -1;
    }
    return 0;
}

// The snapshot's lines joined with ", " for one log line.
static void describe(const char *snapshot, char *text, size_t text_size)
{
    size_t used = 0;
    text[0] = '\0';
    for (const char *line = snapshot; *line && used + 1 < text_size;) {
        size_t length = strcspn(line, "\n");
        int written =
            snprintf(text + used, text_size - used, "%s%.*s", used ? ", " : "", (int)length, line);
        used += written > 0 ? (size_t)written : 0;
        line += length + (line[length] == '\n');
    }
}

// Sleeps until a hot-plug uevent, SCREEN_RETRY_NS, or a signal; pings the
// watchdog meanwhile (waiting for a screen is the player doing its job).
// Returns false when asked to stop.
static bool wait_for_hotplug(struct app *app)
{
    int64_t retry_ns = monotime_now_ns() + SCREEN_RETRY_NS;
    for (;;) {
        int64_t now_ns = monotime_now_ns();
        if (now_ns >= service_notify_watchdog_deadline_ns(app->notify))
            service_notify_watchdog(app->notify, now_ns);
        int64_t deadline_ns = service_notify_watchdog_deadline_ns(app->notify);
        deadline_ns = deadline_ns < retry_ns ? deadline_ns : retry_ns;
        if (now_ns >= retry_ns)
            return true;
        struct pollfd fds[] = {
            {.fd = app->signal_fd, .events = POLLIN},
            {.fd = screen_watch_fd(app->screen_watch), .events = POLLIN},
        };
        int64_t wait_ns = deadline_ns - now_ns;
        struct timespec timeout = {.tv_sec = (time_t)(wait_ns / NS_PER_S),
                                   .tv_nsec = (long)(wait_ns % NS_PER_S)};
        if (ppoll(fds, 2, &timeout, NULL) < 0 && errno != EINTR) {
            log_error("waiting for a screen: %s", strerror(errno));
            return false;
        }
        int signal_number;
        while ((signal_number = signals_read(app->signal_fd)) > 0) {
            if (signal_number == SIGINT || signal_number == SIGTERM) {
                log_info("%s: stopping", strsignal(signal_number));
                return false;
            }
        }
        if (screen_watch_read(app->screen_watch) == SCREEN_WATCH_EVENT_HOTPLUG)
            return true;
    }
}

int app_screen_open(struct app *app)
{
    bool is_waiting = false;
    for (;;) {
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) == 0)
            break;
        char why[APP_ERROR_SIZE];
        snprintf(why, sizeof why, "%s", SDL_GetError());
        char *snapshot = is_kmsdrm_wanted() ? screen_watch_snapshot(drm_sysfs_dir()) : NULL;
        bool is_worthwhile = snapshot && is_waiting_worthwhile(snapshot);
        char ports[APP_ERROR_SIZE] = "";
        if (snapshot)
            describe(snapshot, ports, sizeof ports);
        free(snapshot);
        if (!is_worthwhile) {
            log_error("SDL: %s", why);
            return -1;
        }
        if (open_watch(app) != 0)
            return -1;
        if (!is_waiting) {
            log_warning("no screen is plugged in or switched on (%s): waiting for one", ports);
            // Up and healthy, just dark: systemd must not time the start out.
            service_notify_status(app->notify, "Waiting for a screen to be plugged in or "
                                               "switched on");
            service_notify_ready(app->notify);
            app->is_ready_sent = true;
            is_waiting = true;
        }
        if (!wait_for_hotplug(app))
            return 1;
    }
    if (is_waiting)
        log_info("a screen is there: starting the loop");
    const char *driver = SDL_GetCurrentVideoDriver();
    if (driver && strcmp(driver, "kmsdrm") == 0) {
        app->screen_snapshot = screen_watch_snapshot(drm_sysfs_dir());
        if (app->screen_snapshot && open_watch(app) != 0)
            log_warning("screens plugged in later are not noticed: restart the player then");
    } else {
        screen_watch_close(app->screen_watch); // X11 and Wayland tell SDL themselves
        app->screen_watch = NULL;
    }
    return 0;
}

void app_screen_close(struct app *app)
{
    screen_watch_close(app->screen_watch);
    app->screen_watch = NULL;
    free(app->screen_snapshot);
    app->screen_snapshot = NULL;
}

int app_screen_fd(const struct app *app)
{
    return app->screen_snapshot ? screen_watch_fd(app->screen_watch) : -1;
}

void app_screen_handle(struct app *app)
{
    // Only when the wait saw a uevent: no system call per frame.
    bool has_event = app->has_screen_event;
    app->has_screen_event = false;
    if (!has_event || !app->screen_snapshot ||
        screen_watch_read(app->screen_watch) != SCREEN_WATCH_EVENT_HOTPLUG)
        return;
    char *now = screen_watch_snapshot(drm_sysfs_dir());
    if (!now)
        return;
    char ports[APP_ERROR_SIZE];
    describe(now, ports, sizeof ports);
    enum screen_watch_change change = screen_watch_compare(app->screen_snapshot, now);
    if (change == SCREEN_WATCH_CHANGE_SAME) {
        // The same screen in the same port: the kernel kept the mode
        // running, so one fresh page flip brings the picture back.
        if (app->is_screen_away)
            log_info("the screen is back (%s): showing the loop again", ports);
        app->is_screen_away = false;
        presenter_invalidate(app->presenter);
    } else if (change == SCREEN_WATCH_CHANGE_NONE_LEFT) {
        if (!app->is_screen_away)
            log_info("no screen is plugged in now (%s): the loop plays on for when one is", ports);
        app->is_screen_away = true;
    } else {
        log_notice("the screens changed (%s): starting again to show on them in their own mode",
                   ports);
        app->should_restart = true;
        app->should_quit = true;
    }
    free(now);
}

bool app_screen_follow_display(struct app *app, int display_index)
{
    if (!app->screen_snapshot || display_index == app->screen_display_index || display_index < 0 ||
        display_index >= SDL_GetNumVideoDisplays())
        return false; // not kmsdrm, already there, or not there (the presenter says so)
    log_notice("display = %d: starting again to show on it (under kmsdrm a picture cannot "
               "move between screens)",
               display_index + 1);
    app->should_restart = true;
    app->should_quit = true;
    return true;
}
