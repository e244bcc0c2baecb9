// app_internal: the state app.c, app_control.c and app_reload.c share. The
// player's one struct app lives on app_run()'s stack; only the main thread
// touches it. Not a public header: nothing outside app_*.c includes it.
#ifndef SIGNAGE_APP_APP_INTERNAL_H
#define SIGNAGE_APP_APP_INTERNAL_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/display_power.h"
#include "app/play_log.h"
#include "app/playlist_check.h"
#include "app/program.h"
#include "app/sequence.h"
#include "io/control_server.h"
#include "io/file_watch.h"
#include "io/screen_watch.h"
#include "media/audio_out.h"
#include "platform/service_notify.h"
#include "render/font.h"
#include "render/presenter.h"

enum reload_state {
    RELOAD_STATE_NONE,     // nothing asked since start
    RELOAD_STATE_CHECKING, // the child --check runs
    RELOAD_STATE_PENDING,  // accepted: takes over at the next switch
    RELOAD_STATE_DONE,     // the new playlist is on screen
    RELOAD_STATE_REJECTED, // the old playlist plays on
};

#define APP_ERROR_SIZE 512

struct app {
    const struct app_options *options;
    char *content_root;      // as given, or the default beside the playlist; owned
    struct program *program; // on screen; NULL until a playlist could be loaded
    struct program *pending; // accepted, waiting in the sequence for its turn
    struct fonts *fonts;
    struct presenter *presenter;
    struct audio_out *audio; // NULL: no playlist wanted sound yet, or no device
    bool has_tried_audio;    // opening it failed once: do not retry on every reload
    struct play_log *play_log;
    struct sequence *sequence;            // NULL until a playlist could be loaded
    struct presenter_still *problem_card; // "the playlist has errors", before any played
    struct control_server *control;       // NULL: no control socket
    struct pollfd control_fds[CONTROL_SERVER_POLL_FDS_MAX]; // as ppoll() returned them
    size_t n_control_fds;
    struct service_notify *notify;
    bool is_ready_sent;
    int64_t started_ns;
    int wake_fd;
    int signal_fd;
    bool should_quit;
    bool should_restart; // with should_quit: app_run() returns APP_RUN_RESTART
    int output_width_px, output_height_px;
    // Hot reload (app_reload.c)
    struct file_watch *watch;     // NULL: no hot reload (--check-like runs, or no inotify)
    struct playlist_check *check; // the running validation, or NULL
    bool is_check_wanted_again;   // something changed while the check ran
    bool is_reload_now;           // the reload in progress switches at once
    bool is_reload_announced;     // RELOADING=1 sent, READY=1 not yet
    enum reload_state reload_state;
    char reload_problem[APP_ERROR_SIZE]; // the first problem of the last rejected reload
    // The schedule (app.c): the civil minute and program last told to the sequence
    const struct program *clock_program;
    long long clock_key;
    int64_t schedule_change_ns; // monotonic: when the active section may change; INT64_MAX
    // Display power (app.c): the commands, and what the screen was last told
    struct display_power *display_power; // NULL: no display-off/display-on set
    bool is_display_known;               // false until the first sequence_update()
    bool is_display_on;
    // The screen under kmsdrm (app_screen.c)
    struct screen_watch *screen_watch; // NULL: not kmsdrm, or no netlink
    char *screen_snapshot;             // the connectors when video started; owned; NULL: not kmsdrm
    bool is_screen_away;               // unplugged since; the loop plays on
    bool has_screen_event;             // the last wait found a uevent waiting
    int screen_display_index;          // the display SDL opened the window on
    // Announcement banner (app_control.c)
    char *announcement;            // owned; NULL when none
    int64_t announcement_until_ns; // INT64_MAX: until cleared
    // Clock overlay (app_overlay.c): what the presenter's overlay layer shows
    const struct program *overlay_program; // the playlist it was chosen for
    bool is_overlay_shown;                 // a clock is up
    bool is_overlay_idle_clock;            // the full-screen one (idle = clock), not the corner's
    long long overlay_minute;              // the wall-clock minute drawn
    int64_t overlay_deadline_ns;           // monotonic: just after the next minute begins
};

// app.c
// Decoder threads call it through the sequence's wakeup; it only signals.
void app_wake_main_loop(void *context);

// app_reload.c
#define APP_RELOAD_POLL_FDS_MAX 2 // the watcher's inotify fd and the check's pipe
int app_reload_open(struct app *app);
void app_reload_close(struct app *app);
// Starts a validation of the playlist (or queues one after the running one).
void app_reload_request(struct app *app, bool is_now, const char *why);
// Handles watcher and check fds/deadlines; switches programs when accepted.
void app_reload_handle(struct app *app, int64_t now_ns);
// Retires the old program once the sequence no longer shows it.
void app_reload_collect(struct app *app);
int64_t app_reload_next_deadline_ns(const struct app *app);
// Adds the watcher's and the check's fds to fds; returns how many.
size_t app_reload_poll_fds(const struct app *app, struct pollfd *fds);
const char *app_reload_state_name(enum reload_state state);
// Makes the sequence for program (the first one that loads).
void app_start_sequence(struct app *app, struct program *program);
// Opens the audio device the first time a playlist asks for sound.
struct audio_out *app_audio_for(struct app *app, const struct program *program);

// app_screen.c
// Starts SDL's video. Under kmsdrm with no screen plugged in, waits for one
// (hot-plug uevents; READY=1 and watchdog pings meanwhile). Returns 0 when
// video runs, 1 when SIGTERM/SIGINT came while waiting, -1 on failure (logged).
int app_screen_open(struct app *app);
void app_screen_close(struct app *app);
// The hot-plug socket to poll while playing under kmsdrm, or -1.
int app_screen_fd(const struct app *app);
// After a hot-plug: redraws for a screen plugged back in, notes one unplugged,
// and asks for a restart (should_restart) when other screens or modes appeared.
void app_screen_handle(struct app *app);
// A playlist asks for display_index (0 = the first): under kmsdrm, where the
// window cannot move, a restart in place when that display is plugged in and
// is not the one shown on. Returns true when a restart was asked for.
bool app_screen_follow_display(struct app *app, int display_index);

// app_control.c
void app_control_open(struct app *app);
void app_control_handle(struct app *app);
// Ends an announcement whose time ran out; redraws it for a new screen size.
void app_announcement_update(struct app *app, int64_t now_ns, bool is_resized);
int64_t app_announcement_deadline_ns(const struct app *app);

// app_overlay.c
// Shows the clock the playlist on screen asks for (overlay = clock in its
// corner, idle = clock while the sequence is idle, else none): drawn again
// when the wall clock's minute turns, another playlist or the idle state
// takes over, or (is_resized) the screen changed size. Cheap when nothing
// changed: call it every iteration, before presenting.
void app_overlay_update(struct app *app, int64_t now_ns, bool is_resized);
// When the clock shown next turns a minute; INT64_MAX when none is shown.
int64_t app_overlay_deadline_ns(const struct app *app);

#endif
