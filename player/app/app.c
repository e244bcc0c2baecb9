// app: the main loop and the state of what is on screen. It owns every
// module; other threads (decoders) reach it only through the wake eventfd,
// and signals arrive on a signalfd, so the loop waits in exactly one place.
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

#include "app/play_log.h"
#include "app/png_file.h"
#include "app/program.h"
#include "app/sequence.h"
#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"
#include "io/control_server.h"
#include "media/audio_out.h"
#include "platform/signals.h"
#include "render/font.h"
#include "render/presenter.h"

// Wayland has no fd we can watch without linking it; the compositor's pings
// still need answers, so input is pumped at least this often there.
#define EVENT_PUMP_MAX_WAIT_NS (100 * NS_PER_MS)

struct app {
    const struct app_options *options;
    struct program *program;
    struct fonts *fonts;
    struct presenter *presenter;
    struct audio_out *audio;
    struct play_log *play_log;
    struct sequence *sequence;
    struct control_server *control;                         // NULL: no control socket
    struct pollfd control_fds[CONTROL_SERVER_POLL_FDS_MAX]; // as ppoll() returned them
    size_t n_control_fds;
    int64_t started_ns;
    int wake_fd;
    int signal_fd;
    bool should_quit;
    int output_width_px, output_height_px;
};

char *app_default_content_root(const char *playlist_path)
{
    char *copy = xstrdup(playlist_path);
    char *root = xasprintf("%s/../content", dirname(copy));
    free(copy);
    return root;
}

// Decoder threads call this; it only signals.
static void wake_main_loop(void *context)
{
    const struct app *app = context;
    uint64_t one = 1;
    ssize_t ignored = write(app->wake_fd, &one, sizeof one);
    (void)ignored; // a full eventfd counter already means "wake up"
}

static void handle_window_event(struct app *app, const SDL_WindowEvent *event)
{
    switch (event->event) {
    case SDL_WINDOWEVENT_SIZE_CHANGED: {
        int width, height;
        presenter_get_output_size(app->presenter, &width, &height);
        if (width != app->output_width_px || height != app->output_height_px) {
            app->output_width_px = width;
            app->output_height_px = height;
            sequence_set_output_size(app->sequence, width, height, monotime_now_ns());
        }
        presenter_invalidate(app->presenter);
        break;
    }
    case SDL_WINDOWEVENT_EXPOSED:
        presenter_invalidate(app->presenter);
        break;
    default:
        break;
    }
}

static void reply_status(struct app *app, struct control_reply *reply, int64_t now_ns)
{
    struct sequence_status status;
    sequence_get_status(app->sequence, now_ns, &status);
    control_reply_add_string(reply, "playlist", app->options->playlist_path);
    if (status.entry) {
        static const char *const kinds[] = {"slide", "image", "video"};
        control_reply_add_string(reply, "item", status.entry->display_path);
        control_reply_add_string(reply, "kind", kinds[status.entry->kind]);
        control_reply_add_int(reply, "line", status.entry->line);
    } else {
        control_reply_add_null(reply, "item");
    }
    control_reply_add_int(reply, "position_ms", status.position_ms);
    control_reply_add_bool(reply, "paused", status.is_paused);
    control_reply_add_int(reply, "uptime_ms", (now_ns - app->started_ns) / NS_PER_MS);
    if (status.decoder) {
        control_reply_add_string(reply, "decoder", status.decoder);
        control_reply_add_int(reply, "frames_shown", status.frames_shown);
        control_reply_add_int(reply, "dropped_frames", status.frames_dropped);
        double seconds = (double)status.position_ms / 1000.0;
        control_reply_add_double(reply, "fps",
                                 seconds > 0 ? (double)status.frames_shown / seconds : 0.0);
    }
    if (status.last_error)
        control_reply_add_string(reply, "last_error", status.last_error);
    else
        control_reply_add_null(reply, "last_error");
}

static void take_screenshot(struct app *app, const char *path, struct control_reply *reply,
                            int64_t now_ns)
{
    SDL_Surface *shot = presenter_capture(app->presenter, now_ns);
    char error[512];
    if (!shot)
        control_reply_set_error(reply, "cannot read the screen: %s", SDL_GetError());
    else if (png_file_write(path, shot, error, sizeof error) != 0)
        control_reply_set_error(reply, "cannot write the screenshot: %s", error);
    else
        control_reply_add_string(reply, "screenshot", path);
    SDL_FreeSurface(shot);
}

// Main thread, from control_server_dispatch(): one request of signage-ctl.
static void handle_control(void *context, const struct control_request *request,
                           struct control_reply *reply)
{
    struct app *app = context;
    int64_t now_ns = monotime_now_ns();
    switch (request->verb) {
    case CONTROL_VERB_STATUS:
        break;
    case CONTROL_VERB_NEXT:
    case CONTROL_VERB_PREV:
        sequence_skip(app->sequence, request->verb == CONTROL_VERB_NEXT ? 1 : -1, now_ns);
        break;
    case CONTROL_VERB_PAUSE:
    case CONTROL_VERB_RESUME:
        sequence_set_paused(app->sequence, request->verb == CONTROL_VERB_PAUSE, now_ns);
        break;
    case CONTROL_VERB_SCREENSHOT:
        take_screenshot(app, request->path, reply, now_ns);
        return;
    case CONTROL_VERB_RELOAD:
    case CONTROL_VERB_ANNOUNCE:
        control_reply_set_error(reply, "%s is not available in this version of signage-player",
                                control_verb_name(request->verb));
        return;
    }
    reply_status(app, reply, monotime_now_ns());
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
        }
    }
    // Every iteration, polled or not: the server also enforces client time-outs.
    control_server_dispatch(app->control, app->control_fds, app->n_control_fds, handle_control,
                            app);
    app->n_control_fds = 0;
    SDL_Event event;
    while (SDL_PollEvent(&event)) {
        if (event.type == SDL_QUIT) {
            app->should_quit = true;
        } else if (event.type == SDL_WINDOWEVENT) {
            handle_window_event(app, &event.window);
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
    struct pollfd fds[3 + CONTROL_SERVER_POLL_FDS_MAX] = {
        {.fd = app->wake_fd, .events = POLLIN},
        {.fd = app->signal_fd, .events = POLLIN},
        {.fd = display_fd, .events = POLLIN},
    };
    nfds_t n_fds = display_fd >= 0 ? 3 : 2;
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
    app->n_control_fds = n_fds - control_at;
    memcpy(app->control_fds, fds + control_at, app->n_control_fds * sizeof fds[0]);
}

static void app_destroy(struct app *app)
{
    control_server_close(app->control);
    sequence_destroy(app->sequence, monotime_now_ns()); // before the clips' audio device goes
    audio_out_close(app->audio);
    presenter_destroy(app->presenter);
    fonts_destroy(app->fonts);
    play_log_close(app->play_log);
    program_destroy(app->program);
    if (app->wake_fd >= 0)
        close(app->wake_fd);
    if (app->signal_fd >= 0)
        close(app->signal_fd);
    SDL_Quit();
}

static void print_diagnostics(const struct diagnostics *diagnostics)
{
    for (size_t i = 0; i < diagnostics_count(diagnostics); i++)
        log_error("%s", diagnostics_at(diagnostics, i));
}

static int load_program(struct app *app)
{
    char *default_root = NULL;
    const char *root = app->options->content_root;
    if (!root)
        root = default_root = app_default_content_root(app->options->playlist_path);
    struct diagnostics *diagnostics = diagnostics_create();
    app->program = program_load(app->options->playlist_path, root, diagnostics);
    print_diagnostics(diagnostics); // problems with single items: they are skipped
    diagnostics_destroy(diagnostics);
    free(default_root);
    if (!app->program)
        return -1;
    if (program_n_entries(app->program) == 0) {
        log_error("%s: nothing to play", app->options->playlist_path);
        return -1;
    }
    return 0;
}

// The control socket: --control PATH, else $RUNTIME_DIRECTORY/control.sock
// under systemd, else none (a preview on a laptop needs none). Playing goes on
// without it when it cannot be opened.
static void open_control(struct app *app)
{
    const char *runtime_dir = getenv("RUNTIME_DIRECTORY");
    char *path = app->options->control_path ? xstrdup(app->options->control_path)
                 : runtime_dir              ? xasprintf("%s/control.sock", runtime_dir)
                                            : NULL;
    if (!path)
        return;
    char error[512];
    app->control = control_server_open(path, error, sizeof error);
    if (app->control)
        log_info("control socket: %s", path);
    else
        log_error("no control socket: %s", error);
    free(path);
}

static int open_outputs(struct app *app)
{
    char error[512];
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
    struct presenter_options options = {app->options->window_width_px,
                                        app->options->window_height_px, "signage-player"};
    app->presenter = presenter_create(&options, error, sizeof error);
    if (!app->presenter) {
        log_error("%s", error);
        return -1;
    }
    presenter_get_output_size(app->presenter, &app->output_width_px, &app->output_height_px);
    if (program_settings(app->program)->is_audio_on) {
        app->audio = audio_out_open(error, sizeof error);
        if (!app->audio)
            log_warning("no audio device (%s): video plays silently", error);
    }
    log_info("showing %s on %s at %dx%d, text in %s", app->options->playlist_path,
             presenter_describe(app->presenter), app->output_width_px, app->output_height_px,
             fonts_primary_description(app->fonts));
    struct sequence_context context = {
        .program = app->program,
        .fonts = app->fonts,
        .presenter = app->presenter,
        .audio = app->audio,
        .play_log = app->play_log,
        .wakeup = wake_main_loop,
        .wakeup_context = app,
        .loops = app->options->loops,
        .width_px = app->output_width_px,
        .height_px = app->output_height_px,
    };
    app->sequence = sequence_create(&context);
    open_control(app);
    return 0;
}

int app_run(const struct app_options *options)
{
    struct app app_storage = {.options = options, .wake_fd = -1, .signal_fd = -1};
    struct app *app = &app_storage;
    app->started_ns = monotime_now_ns();
    // Before any thread exists (SDL's, decoders'), so every thread inherits the mask.
    app->signal_fd = signals_open();
    app->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (app->signal_fd < 0 || app->wake_fd < 0) {
        log_error("cannot set up the main loop: %s", strerror(errno));
        app_destroy(app);
        return 1;
    }
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_AUDIO) != 0 && SDL_Init(SDL_INIT_VIDEO) != 0) {
        log_error("SDL: %s", SDL_GetError());
        app_destroy(app);
        return 1;
    }
    if (load_program(app) != 0 || open_outputs(app) != 0) {
        app_destroy(app);
        return 1;
    }
    while (!app->should_quit) {
        app_handle_events(app);
        if (app->should_quit)
            break;
        sequence_update(app->sequence, monotime_now_ns());
        if (sequence_is_done(app->sequence))
            break;
        sequence_render(app->sequence, monotime_now_ns());
        SDL_PumpEvents(); // drain what Xlib buffered while presenting
        if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            continue;
        app_wait_until(app, sequence_next_deadline_ns(app->sequence, monotime_now_ns()));
    }
    app_destroy(app);
    return 0;
}
