// app: the main loop and the player's lifecycle. It owns every module;
// other threads (decoders) reach it only through the wake eventfd, signals
// arrive on a signalfd, so the loop waits in exactly one place. The control
// verbs are app_control.c's, hot reload app_reload.c's.
#include "app/app.h"

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <SDL.h>

#include "app/app_internal.h"
#include "app/diagnostics.h"
#include "app/local_time.h"
#include "app/slide_view.h"
#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"
#include "platform/signals.h"

// Wayland has no fd we can watch without linking it; the compositor's pings
// still need answers, so input is pumped at least this often there.
#define EVENT_PUMP_MAX_WAIT_NS (100 * NS_PER_MS)

char *app_default_content_root(const char *playlist_path)
{
    char *copy = xstrdup(playlist_path);
    char *root = xasprintf("%s/../content", dirname(copy));
    free(copy);
    return root;
}

void app_wake_main_loop(void *context)
{
    const struct app *app = context;
    uint64_t one = 1;
    ssize_t ignored = write(app->wake_fd, &one, sizeof one);
    (void)ignored; // a full eventfd counter already means "wake up"
}

// The canvas may have changed size (a resized window, another display, a
// turned screen): slides and the banner are laid out again for it.
static void app_refresh_output_size(struct app *app)
{
    int width, height;
    presenter_get_output_size(app->presenter, &width, &height);
    if (width != app->output_width_px || height != app->output_height_px) {
        app->output_width_px = width;
        app->output_height_px = height;
        if (app->sequence)
            sequence_set_output_size(app->sequence, width, height, monotime_now_ns());
        app_announcement_update(app, monotime_now_ns(), true);
        app_overlay_update(app, monotime_now_ns(), true);
    }
    presenter_invalidate(app->presenter);
}

// The screen follows the settings of the playlist on screen (rotate,
// display): at start, and when a reload's playlist takes over, before its
// first picture is presented.
static void app_follow_screen_settings(struct app *app, const struct program *program)
{
    if (!program)
        return;
    const struct playlist_settings *settings = program_settings(program);
    if (app_screen_follow_display(app, settings->display_number - 1))
        return;
    presenter_set_display(app->presenter, settings->display_number - 1);
    if (presenter_rotation(app->presenter) == settings->rotate_degrees)
        return;
    presenter_set_rotation(app->presenter, settings->rotate_degrees);
    app_refresh_output_size(app);
    log_info("rotate = %d: laid out for the turned screen at %dx%d", settings->rotate_degrees,
             app->output_width_px, app->output_height_px);
}

static void handle_window_event(struct app *app, const SDL_WindowEvent *event)
{
    switch (event->event) {
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_DISPLAY_CHANGED:
        app_refresh_output_size(app);
        break;
    case SDL_WINDOWEVENT_EXPOSED:
        presenter_invalidate(app->presenter);
        break;
    default:
        break;
    }
}

// A screen plugged in, unplugged or switched on (x11, wayland; SDL 2.26
// reports none under kmsdrm): back to the display asked for, laid out anew.
static void handle_display_event(struct app *app, const SDL_DisplayEvent *event)
{
    static const char *const what[] = {"changed", "turned", "connected", "disconnected"};
    log_info("display %u %s", event->display + 1,
             event->event < sizeof what / sizeof what[0] ? what[event->event] : "changed");
    presenter_handle_display_change(app->presenter);
    app_refresh_output_size(app);
}

// SIGHUP (systemctl reload, logrotate): reopen the play log, check the playlist.
static void handle_hangup(struct app *app)
{
    char error[APP_ERROR_SIZE];
    if (app->play_log && play_log_reopen(app->play_log, error, sizeof error) != 0)
        log_error("play log: %s", error);
    app_reload_request(app, false, "SIGHUP");
}

static void app_handle_events(struct app *app)
{
    uint64_t count;
    while (read(app->wake_fd, &count, sizeof count) > 0) {
    }
    int signal_number;
    while ((signal_number = signals_read(app->signal_fd)) > 0) {
        if (signal_number == SIGINT || signal_number == SIGTERM) {
            log_info("%s: stopping", strsignal(signal_number));
            app->should_quit = true;
        } else if (signal_number == SIGHUP) {
            handle_hangup(app);
        }
    }
    app_control_handle(app);
    app_screen_handle(app);
    SDL_Event event;
    while (SDL_PollEvent(&event)) {
        if (event.type == SDL_QUIT) {
            app->should_quit = true;
        } else if (event.type == SDL_WINDOWEVENT) {
            handle_window_event(app, &event.window);
        } else if (event.type == SDL_DISPLAYEVENT) {
            handle_display_event(app, &event.display);
        } else if (event.type == SDL_KEYDOWN && app->options->window_width_px > 0 &&
                   (event.key.keysym.sym == SDLK_ESCAPE || event.key.keysym.sym == SDLK_q)) {
            app->should_quit = true; // a preview window closes like any other program
        }
    }
}

static void app_wait_until(struct app *app, int64_t deadline_ns)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    int display_fd = presenter_event_fd(app->presenter);
    if (display_fd < 0 && driver && strcmp(driver, "wayland") == 0) {
        int64_t cap = monotime_now_ns() + EVENT_PUMP_MAX_WAIT_NS;
        deadline_ns = deadline_ns < cap ? deadline_ns : cap;
    }
    struct pollfd fds[5 + APP_RELOAD_POLL_FDS_MAX + CONTROL_SERVER_POLL_FDS_MAX] = {
        {.fd = app->wake_fd, .events = POLLIN},
        {.fd = app->signal_fd, .events = POLLIN},
        {.fd = display_fd, .events = POLLIN},
    };
    nfds_t n_fds = display_fd >= 0 ? 3 : 2;
    n_fds += app_reload_poll_fds(app, fds + n_fds);
    int power_fd = display_power_fd(app->display_power);
    if (power_fd >= 0)
        fds[n_fds++] = (struct pollfd){.fd = power_fd, .events = POLLIN};
    int screen_fd = app_screen_fd(app);
    nfds_t screen_at = n_fds;
    if (screen_fd >= 0)
        fds[n_fds++] = (struct pollfd){.fd = screen_fd, .events = POLLIN};
    nfds_t control_at = n_fds;
    n_fds += control_server_poll_fds(app->control, fds + control_at, CONTROL_SERVER_POLL_FDS_MAX);
    int64_t control_ns = control_server_next_deadline_ns(app->control);
    deadline_ns = control_ns < deadline_ns ? control_ns : deadline_ns;
    app->n_control_fds = 0;
    struct timespec timeout, *timeout_pointer = NULL;
    if (deadline_ns != INT64_MAX) {
        int64_t wait_ns = deadline_ns - monotime_now_ns();
        if (wait_ns <= 0)
            return;
        timeout.tv_sec = (time_t)(wait_ns / NS_PER_S);
        timeout.tv_nsec = (long)(wait_ns % NS_PER_S);
        timeout_pointer = &timeout;
    }
    if (ppoll(fds, n_fds, timeout_pointer, NULL) < 0 && errno != EINTR) {
        log_error("waiting: %s", strerror(errno));
        return;
    }
    app->has_screen_event = screen_fd >= 0 && (fds[screen_at].revents & POLLIN);
    app->n_control_fds = n_fds - control_at;
    memcpy(app->control_fds, fds + control_at, app->n_control_fds * sizeof fds[0]);
}

static void app_destroy(struct app *app)
{
    app_reload_close(app);
    display_power_destroy(app->display_power);
    control_server_close(app->control);
    sequence_destroy(app->sequence, monotime_now_ns()); // before the clips' audio device goes
    audio_out_close(app->audio);
    presenter_still_destroy(app->presenter, app->problem_card);
    presenter_destroy(app->presenter);
    app_screen_close(app);
    fonts_destroy(app->fonts);
    play_log_close(app->play_log);
    program_destroy(app->pending);
    program_destroy(app->program);
    free(app->announcement);
    free(app->content_root);
    service_notify_close(app->notify);
    if (app->wake_fd >= 0)
        close(app->wake_fd);
    if (app->signal_fd >= 0)
        close(app->signal_fd);
    SDL_Quit();
}

// The playlist as it is at start. NULL when it cannot be played at all
// (each problem logged as FILE:LINE); problems with single items are logged
// and those items skipped in their turn.
static struct program *load_first_program(struct app *app, char *problem, size_t problem_size)
{
    struct diagnostics *diagnostics = diagnostics_create();
    struct program *program =
        program_load(app->options->playlist_path, app->content_root, diagnostics);
    for (size_t i = 0; i < diagnostics_count(diagnostics); i++)
        log_error("%s", diagnostics_at(diagnostics, i));
    snprintf(problem, problem_size, "%s",
             diagnostics_count(diagnostics) > 0 ? diagnostics_at(diagnostics, 0) : "");
    diagnostics_destroy(diagnostics);
    if (program && program_n_entries(program) == 0) {
        snprintf(problem, problem_size, "%s: nothing to play", app->options->playlist_path);
        log_error("%s", problem);
        program_destroy(program);
        program = NULL;
    }
    return program;
}

// A service must not die on a broken playlist (systemd would restart it
// into the same error, with a black screen between): the screen says what
// is wrong, and the first playlist that passes a reload check takes over.
static void show_problem_card(struct app *app, const char *problem)
{
    char text[APP_ERROR_SIZE];
    snprintf(text, sizeof text, "%s", problem[0] ? problem : app->options->playlist_path);
    SDL_Surface *surface = slide_view_draw_card(
        app->fonts, "播放列表有错误 · The playlist has errors", text, app->output_width_px,
        app->output_height_px, PLAYLIST_DEFAULT_SAFE_MARGIN_PERCENT / 100.0);
    if (surface) {
        app->problem_card = presenter_still_create(app->presenter, surface);
        SDL_FreeSurface(surface);
    }
    if (app->problem_card)
        presenter_show_still(app->presenter, app->problem_card, 0, monotime_now_ns());
    app->reload_state = RELOAD_STATE_REJECTED;
    snprintf(app->reload_problem, sizeof app->reload_problem, "%s", text);
    log_error("waiting for a playlist that can be played: fix %s (it is watched) or send SIGHUP",
              app->options->playlist_path);
}

// program: the playlist to start with (its display), or NULL.
static int open_outputs(struct app *app, const struct program *program)
{
    char error[APP_ERROR_SIZE];
    if (app->options->play_log_path) {
        app->play_log = play_log_open(app->options->play_log_path, error, sizeof error);
        if (!app->play_log) {
            log_error("play log: %s", error);
            return -1;
        }
    }
    app->fonts = fonts_create(error, sizeof error);
    if (!app->fonts) {
        log_error("%s", error);
        return -1;
    }
    struct presenter_options options = {
        .window_width_px = app->options->window_width_px,
        .window_height_px = app->options->window_height_px,
        .title = "signage-player",
        .display_index = program ? program_settings(program)->display_number - 1 : 0};
    app->presenter = presenter_create(&options, error, sizeof error);
    if (!app->presenter) {
        log_error("%s", error);
        return -1;
    }
    app->screen_display_index =
        options.display_index < SDL_GetNumVideoDisplays() ? options.display_index : 0;
    presenter_get_output_size(app->presenter, &app->output_width_px, &app->output_height_px);
    log_info("showing %s on %s at %dx%d, text in %s", app->options->playlist_path,
             presenter_describe(app->presenter), app->output_width_px, app->output_height_px,
             fonts_primary_description(app->fonts));
    return 0;
}

// ---- The schedule's clock ----------------------------------------------------------

// Tells the sequence the local time once per civil minute, and computes when
// the playlist's active section may next change (a window edge), so the loop
// sleeps until then and not a minute longer.
static void app_handle_clock(struct app *app, int64_t now_ns)
{
    if (!app->sequence)
        return;
    time_t now = time(NULL);
    struct schedule_civil_time civil = local_time_civil_at(now);
    const struct program *program = sequence_program(app->sequence);
    if (program == app->clock_program && local_time_key(&civil) == app->clock_key &&
        now_ns < app->schedule_change_ns)
        return;
    app->clock_program = program;
    app->clock_key = local_time_key(&civil);
    sequence_set_clock(app->sequence, &civil);
    struct schedule_civil_time next;
    app->schedule_change_ns = INT64_MAX;
    if (program_n_sections(program) > 0 &&
        schedule_next_change(program_schedule(program), &civil, &next)) {
        time_t at = local_time_instant_of(now, &next);
        app->schedule_change_ns = now_ns + (int64_t)(at - now) * NS_PER_S;
    }
    if (app->schedule_change_ns <= now_ns) // a clock that jumped: look again in a while
        app->schedule_change_ns = now_ns + NS_PER_S;
}

// ---- Display power -----------------------------------------------------------------

// The screen goes off when the schedule leaves it idle and on when something
// plays again (the command runs as the first entry shows; a screen takes
// seconds to wake anyway). At start only an idle screen is told (off): one
// that plays is on already. A broken playlist's problem card counts as playing.
static void app_handle_display_power(struct app *app, int64_t now_ns)
{
    display_power_handle(app->display_power, now_ns);
    if (!app->display_power || !app->sequence)
        return;
    bool is_on = !sequence_is_idle(app->sequence);
    if (app->is_display_known && is_on == app->is_display_on)
        return;
    if (app->is_display_known || !is_on)
        display_power_set(app->display_power, is_on, now_ns);
    app->is_display_known = true;
    app->is_display_on = is_on;
}

// ---- Telling systemd --------------------------------------------------------------

// Evidence the player is really presenting: the main loop runs (it is here),
// and the entry on screen is not stuck waiting for a decoder that stopped.
static bool is_presenting(const struct app *app, int64_t now_ns)
{
    return !app->sequence || !sequence_is_stalled(app->sequence, now_ns);
}

static void app_handle_service(struct app *app, int64_t now_ns)
{
    struct sequence_status status = {0};
    if (app->sequence)
        sequence_get_status(app->sequence, now_ns, &status);
    if (!app->is_ready_sent && (status.is_shown || app->problem_card)) {
        app->is_ready_sent = true;
        service_notify_ready(app->notify);
    }
    if (app->check)
        ; // "Checking ..." stays until the check is over
    else if (status.entry)
        service_notify_status(app->notify, "Showing %s (line %d of %s)%s",
                              status.entry->display_path, status.entry->line,
                              program_playlist_path(sequence_program(app->sequence)),
                              status.is_paused ? ", paused" : "");
    else if (!app->sequence)
        service_notify_status(app->notify, "Waiting for a playable playlist: %s",
                              app->reload_problem);
    if (now_ns >= service_notify_watchdog_deadline_ns(app->notify) && is_presenting(app, now_ns))
        service_notify_watchdog(app->notify, now_ns);
}

// The watchdog's deadline only while pinging: a stalled player sleeps until
// something changes (and systemd restarts it if nothing does).
static int64_t app_service_deadline_ns(const struct app *app, int64_t now_ns)
{
    return is_presenting(app, now_ns) ? service_notify_watchdog_deadline_ns(app->notify)
                                      : now_ns + SEQUENCE_STALL_NS;
}

static int64_t app_next_deadline_ns(const struct app *app, int64_t now_ns)
{
    int64_t deadlines[] = {
        app->sequence ? sequence_next_deadline_ns(app->sequence, now_ns)
                      : presenter_next_deadline_ns(app->presenter, now_ns),
        app_reload_next_deadline_ns(app),
        app_announcement_deadline_ns(app),
        app_overlay_deadline_ns(app),
        display_power_next_deadline_ns(app->display_power),
        app->schedule_change_ns,
        app_service_deadline_ns(app, now_ns),
    };
    int64_t earliest = INT64_MAX;
    for (size_t i = 0; i < sizeof deadlines / sizeof deadlines[0]; i++)
        earliest = deadlines[i] < earliest ? deadlines[i] : earliest;
    return earliest;
}

int app_run(const struct app_options *options)
{
    struct app app_storage = {.options = options, .wake_fd = -1, .signal_fd = -1};
    struct app *app = &app_storage;
    app->schedule_change_ns = INT64_MAX;
    app->started_ns = monotime_now_ns();
    app->notify = service_notify_open();
    app->content_root = options->content_root ? xstrdup(options->content_root)
                                              : app_default_content_root(options->playlist_path);
    // Before any thread exists (SDL's, decoders'), so every thread inherits the mask.
    app->signal_fd = signals_open();
    app->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (app->signal_fd < 0 || app->wake_fd < 0) {
        log_error("cannot set up the main loop: %s", strerror(errno));
        app_destroy(app);
        return 1;
    }
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_AUDIO) != 0) // no sound card: clips play silently
        log_debug("SDL audio: %s", SDL_GetError());
    int screen = app_screen_open(app);
    if (screen != 0) {
        app_destroy(app);
        return screen < 0 ? 1 : 0;
    }
    char problem[APP_ERROR_SIZE];
    struct program *program = load_first_program(app, problem, sizeof problem);
    // With --loops (a test, a timed run) a broken playlist is simply an error.
    if ((!program && options->loops > 0) || open_outputs(app, program) != 0) {
        program_destroy(program);
        app_destroy(app);
        return 1;
    }
    app_follow_screen_settings(app, program);
    if (program)
        app_start_sequence(app, program);
    else
        show_problem_card(app, problem);
    app->display_power =
        display_power_create(options->display_off_command, options->display_on_command);
    app_control_open(app);
    app_reload_open(app);
    while (!app->should_quit) {
        app_handle_events(app);
        if (app->should_quit)
            break;
        app_reload_handle(app, monotime_now_ns());
        app_handle_clock(app, monotime_now_ns());
        if (app->sequence) {
            sequence_update(app->sequence, monotime_now_ns());
            app_reload_collect(app);
            app_follow_screen_settings(app, sequence_program(app->sequence));
            if (sequence_is_done(app->sequence))
                break;
            app_handle_display_power(app, monotime_now_ns());
            app_overlay_update(app, monotime_now_ns(), false);
            sequence_render(app->sequence, monotime_now_ns());
        } else {
            presenter_present(app->presenter, monotime_now_ns());
        }
        app_announcement_update(app, monotime_now_ns(), false);
        app_handle_service(app, monotime_now_ns());
        SDL_PumpEvents(); // drain what Xlib buffered while presenting
        if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            continue;
        app_wait_until(app, app_next_deadline_ns(app, monotime_now_ns()));
    }
    bool should_restart = app->should_restart;
    if (should_restart) // the same process comes back (main executes itself again)
        service_notify_reloading(app->notify, monotime_now_ns());
    else
        service_notify_stopping(app->notify);
    app_destroy(app);
    return should_restart ? APP_RUN_RESTART : 0;
}
