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
#include "app/program.h"
#include "app/sequence.h"
#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"
#include "media/audio_out.h"
#include "media/clip.h"
#include "media/still_image.h"
#include "platform/signals.h"
#include "render/font.h"
#include "render/presenter.h"

#include <libavutil/frame.h>

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
    struct pollfd fds[3] = {
        {.fd = app->wake_fd, .events = POLLIN},
        {.fd = app->signal_fd, .events = POLLIN},
        {.fd = display_fd, .events = POLLIN},
    };
    nfds_t n_fds = display_fd >= 0 ? 3 : 2;
    struct timespec timeout, *timeout_pointer = NULL;
    if (deadline_ns != INT64_MAX) {
        int64_t wait_ns = deadline_ns - monotime_now_ns();
        if (wait_ns <= 0)
            return;
        timeout.tv_sec = (time_t)(wait_ns / NS_PER_S);
        timeout.tv_nsec = (long)(wait_ns % NS_PER_S);
        timeout_pointer = &timeout;
    }
    if (ppoll(fds, n_fds, timeout_pointer, NULL) < 0 && errno != EINTR)
        log_error("waiting: %s", strerror(errno));
}

static void app_destroy(struct app *app)
{
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
    return 0;
}

int app_run(const struct app_options *options)
{
    struct app app_storage = {.options = options, .wake_fd = -1, .signal_fd = -1};
    struct app *app = &app_storage;
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
