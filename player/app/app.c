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

#include "app/frame_picture.h"
#include "app/play_log.h"
#include "app/program.h"
#include "app/slide_view.h"
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

#define FALLBACK_RETRY_NS (10 * NS_PER_S) // how often to retry when nothing can play
// Wayland has no fd we can watch without linking it; the compositor's pings
// still need answers, so input is pumped at least this often there.
#define EVENT_PUMP_MAX_WAIT_NS (100 * NS_PER_MS)

struct current {
    bool is_active;
    size_t index;
    const struct program_entry *entry;
    struct presenter_still *still; // slide or image on screen
    struct clip *clip;
    bool has_shown;   // something of this entry reached the screen
    int64_t shown_ns; // monotonic, when it reached the screen
    struct timespec shown_wall;
    int64_t end_ns; // slides and images: when they are due to end
};

struct app {
    const struct app_options *options;
    struct program *program;
    struct fonts *fonts;
    struct presenter *presenter;
    struct audio_out *audio;
    struct frame_picture *converter;
    struct play_log *play_log;
    int wake_fd;
    int signal_fd;
    bool should_quit;
    int exit_code;
    long loops_done;
    size_t failures_in_a_row; // entries skipped since something last played
    struct current current;
    struct presenter_still *previous_still; // on screen until the current entry shows
    struct presenter_still *fading_still;   // the still a running cross-fade starts from
    int64_t next_fade_ns;                   // fade for the next still shown; 0 = cut
    struct presenter_still *fallback_still;
    int64_t fallback_until_ns;
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

static const char *entry_kind_name(enum entry_kind kind)
{
    switch (kind) {
    case ENTRY_KIND_IMAGE:
        return "image";
    case ENTRY_KIND_VIDEO:
        return "video";
    case ENTRY_KIND_SLIDE:
        break;
    }
    return "slide";
}

static void write_record(struct app *app, const struct program_entry *entry,
                         enum play_result result, const char *error, int64_t now_ns)
{
    struct current *current = &app->current;
    struct play_record record = {
        .shown_at = current->shown_wall,
        .line = entry->line,
        .kind = entry_kind_name(entry->kind),
        .path = entry->display_path,
        .duration_ms = current->has_shown ? (now_ns - current->shown_ns) / NS_PER_MS : 0,
        .result = result,
        .error = error,
        .is_video = entry->kind == ENTRY_KIND_VIDEO,
    };
    if (!current->has_shown)
        clock_gettime(CLOCK_REALTIME, &record.shown_at);
    if (current->clip) {
        struct clip_stats stats = clip_get_stats(current->clip);
        record.frames_shown = stats.frames_shown;
        record.frames_dropped = stats.frames_dropped;
        record.decoder = clip_get_info(current->clip)->decoder_name;
    }
    if (result != PLAY_RESULT_OK)
        log_warning("%s:%d: %s %s: %s", program_playlist_path(app->program), entry->line,
                    entry->display_path, result == PLAY_RESULT_SKIPPED ? "skipped" : "cut short",
                    error ? error : "unknown error");
    if (app->play_log) {
        int written = play_log_write(app->play_log, &record);
        if (written != 0)
            log_error("play log: %s", strerror(-written));
    }
}

// The picture of the previous entry stays on screen until the next entry's
// first picture replaces it (never a black frame), then it can go.
static void drop_previous_still(struct app *app)
{
    presenter_still_destroy(app->presenter, app->previous_still);
    app->previous_still = NULL;
}

static void retire_still(struct app *app, struct presenter_still *still, int64_t now_ns)
{
    if (!still)
        return;
    if (presenter_is_fading(app->presenter, now_ns)) {
        presenter_still_destroy(app->presenter, app->fading_still);
        app->fading_still = still;
        return;
    }
    if (app->current.has_shown) {
        presenter_still_destroy(app->presenter, still);
        return;
    }
    drop_previous_still(app);
    app->previous_still = still;
}

static void mark_shown(struct app *app, int64_t now_ns)
{
    struct current *current = &app->current;
    if (current->has_shown)
        return;
    drop_previous_still(app);
    current->has_shown = true;
    current->shown_ns = now_ns;
    // The wall time of now_ns (which may be a little in the past), so ts and
    // duration_ms of consecutive records add up.
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    int64_t wall_ns = (int64_t)wall.tv_sec * NS_PER_S + wall.tv_nsec;
    wall_ns -= monotime_now_ns() - now_ns;
    current->shown_wall.tv_sec = (time_t)(wall_ns / NS_PER_S);
    current->shown_wall.tv_nsec = (long)(wall_ns % NS_PER_S);
    app->failures_in_a_row = 0;
}

// Ends the current entry. The picture stays on screen until the next entry
// replaces it: stills are destroyed only after the next one is shown.
static struct presenter_still *finish_current(struct app *app, enum play_result result,
                                              const char *error, int64_t now_ns)
{
    struct current *current = &app->current;
    write_record(app, current->entry, result, error, now_ns);
    clip_close(current->clip);
    struct presenter_still *old_still = current->still;
    *current = (struct current){0};
    return old_still;
}

static double safe_margin(const struct app *app)
{
    return program_settings(app->program)->safe_margin_percent / 100.0;
}

static SDL_Surface *draw_entry_surface(struct app *app, const struct program_entry *entry,
                                       char *error, size_t error_size)
{
    if (entry->kind == ENTRY_KIND_SLIDE) {
        const struct deck_slide *slide = deck_slide_at(entry->deck, entry->slide_index);
        SDL_Surface *surface =
            slide_view_draw(app->fonts, slide, program_content_root(app->program), entry->deck_dir,
                            app->output_width_px, app->output_height_px, safe_margin(app));
        if (!surface)
            snprintf(error, error_size, "cannot draw the slide: %s", SDL_GetError());
        return surface;
    }
    AVFrame *frame = still_image_load(entry->file_path, error, error_size);
    if (!frame)
        return NULL;
    SDL_Surface *surface = frame_picture_to_surface(frame);
    av_frame_free(&frame);
    if (!surface)
        snprintf(error, error_size, "cannot convert the image");
    return surface;
}

// Starts entry; returns false (with error) when it cannot be shown at all.
static bool start_entry(struct app *app, const struct program_entry *entry, int64_t now_ns,
                        char *error, size_t error_size)
{
    struct current *current = &app->current;
    if (entry->problem) {
        snprintf(error, error_size, "%s", entry->problem);
        return false;
    }
    if (entry->kind == ENTRY_KIND_VIDEO) {
        struct clip_options options = {
            .audio = program_settings(app->program)->is_audio_on ? app->audio : NULL,
            .wakeup = wake_main_loop,
            .wakeup_context = app,
        };
        current->clip = clip_open(entry->file_path, &options, error, error_size);
        if (!current->clip)
            return false;
        // The clip's clock (and sound) start when its first frame is returned,
        // so a slow first decode never makes the first frames late.
        clip_play(current->clip, now_ns);
        return true;
    }
    SDL_Surface *surface = draw_entry_surface(app, entry, error, error_size);
    if (!surface)
        return false;
    current->still = presenter_still_create(app->presenter, surface);
    SDL_FreeSurface(surface);
    if (!current->still) {
        snprintf(error, error_size, "cannot upload the picture: %s", SDL_GetError());
        return false;
    }
    presenter_show_still(app->presenter, current->still, app->next_fade_ns, now_ns);
    current->end_ns = now_ns + entry->duration_ms * NS_PER_MS;
    mark_shown(app, now_ns);
    return true;
}

static void show_fallback(struct app *app, int64_t now_ns)
{
    if (!app->fallback_still) {
        char text[512];
        snprintf(text, sizeof text, "Nothing in %s can be played right now. See the log.",
                 program_playlist_path(app->program));
        SDL_Surface *surface =
            slide_view_draw_card(app->fonts, "暂无可播放的内容", text, app->output_width_px,
                                 app->output_height_px, safe_margin(app));
        if (surface) {
            app->fallback_still = presenter_still_create(app->presenter, surface);
            SDL_FreeSurface(surface);
        }
    }
    if (app->fallback_still) {
        presenter_show_still(app->presenter, app->fallback_still, 0, now_ns);
        drop_previous_still(app);
    }
    log_error("nothing in %s can be played; retrying in %lld s",
              program_playlist_path(app->program), (long long)(FALLBACK_RETRY_NS / NS_PER_S));
    app->fallback_until_ns = now_ns + FALLBACK_RETRY_NS;
}

// Moves to the entry after index, counting completed passes.
static size_t next_index(struct app *app, size_t index)
{
    if (index + 1 < program_n_entries(app->program))
        return index + 1;
    app->loops_done++;
    if (app->options->loops > 0 && app->loops_done >= app->options->loops)
        app->should_quit = true;
    return 0;
}

// Starts entries from index on until one starts; skipped ones are logged.
static void advance_to(struct app *app, size_t index, int64_t now_ns,
                       struct presenter_still *old_still)
{
    size_t n_entries = program_n_entries(app->program);
    // Consecutive stills cross-fade; a video cuts in and out (its first and
    // last frames are already where the eye expects them).
    app->next_fade_ns = old_still ? program_settings(app->program)->transition_ms * NS_PER_MS : 0;
    while (!app->should_quit) {
        const struct program_entry *entry = program_entry_at(app->program, index);
        app->current.is_active = true;
        app->current.index = index;
        app->current.entry = entry;
        char error[512] = "";
        if (start_entry(app, entry, now_ns, error, sizeof error))
            break;
        finish_current(app, PLAY_RESULT_SKIPPED, error, now_ns);
        if (++app->failures_in_a_row >= n_entries) {
            show_fallback(app, now_ns);
            app->failures_in_a_row = 0;
            break;
        }
        index = next_index(app, index);
    }
    app->next_fade_ns = 0;
    retire_still(app, old_still, now_ns);
}

static bool is_entry_done(struct app *app, int64_t now_ns)
{
    struct current *current = &app->current;
    if (current->clip)
        return clip_is_finished(current->clip, now_ns);
    return now_ns >= current->end_ns;
}

static void app_handle_schedule(struct app *app, int64_t now_ns)
{
    if (app->fallback_until_ns) {
        if (now_ns < app->fallback_until_ns)
            return;
        app->fallback_until_ns = 0;
        advance_to(app, 0, now_ns, NULL);
        return;
    }
    if (!app->current.is_active) {
        advance_to(app, 0, now_ns, NULL);
        return;
    }
    if (!is_entry_done(app, now_ns))
        return;
    // A clip that ended without a single picture was never really shown.
    const char *clip_failure = app->current.clip ? clip_error(app->current.clip) : NULL;
    enum play_result result = clip_failure ? PLAY_RESULT_ERROR : PLAY_RESULT_OK;
    if (!app->current.has_shown) {
        result = PLAY_RESULT_SKIPPED;
        clip_failure = clip_failure ? clip_failure : "no picture could be decoded";
    }
    char failure[512] = "";
    if (clip_failure)
        snprintf(failure, sizeof failure, "%s", clip_failure);
    size_t index = app->current.index;
    struct presenter_still *old_still =
        finish_current(app, result, clip_failure ? failure : NULL, now_ns);
    index = next_index(app, index);
    if (app->should_quit) {
        presenter_still_destroy(app->presenter, old_still);
        return;
    }
    advance_to(app, index, now_ns, old_still);
}

static void app_handle_render(struct app *app, int64_t now_ns)
{
    struct current *current = &app->current;
    if (current->clip) {
        const struct AVFrame *frame = clip_frame_due(current->clip, now_ns);
        struct picture picture;
        if (frame && frame_picture_map(app->converter, frame, &picture) == 0 &&
            presenter_show_picture(app->presenter, &picture) == 0)
            mark_shown(app, now_ns);
    }
    presenter_present(app->presenter, now_ns);
    if (app->fading_still && !presenter_is_fading(app->presenter, now_ns)) {
        presenter_still_destroy(app->presenter, app->fading_still);
        app->fading_still = NULL;
    }
}

static void relayout_current(struct app *app)
{
    struct current *current = &app->current;
    if (!current->still || !current->entry)
        return;
    char error[256];
    SDL_Surface *surface = draw_entry_surface(app, current->entry, error, sizeof error);
    if (!surface)
        return;
    struct presenter_still *still = presenter_still_create(app->presenter, surface);
    SDL_FreeSurface(surface);
    if (!still)
        return;
    presenter_show_still(app->presenter, still, 0, monotime_now_ns());
    presenter_still_destroy(app->presenter, current->still);
    current->still = still;
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
            relayout_current(app);
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

static int64_t entry_deadline_ns(const struct app *app, int64_t now_ns)
{
    if (app->fallback_until_ns)
        return app->fallback_until_ns;
    const struct current *current = &app->current;
    if (!current->is_active)
        return now_ns;
    if (current->clip)
        return clip_next_deadline_ns(current->clip, now_ns);
    return current->end_ns;
}

static int64_t app_next_deadline_ns(const struct app *app, int64_t now_ns)
{
    int64_t entry_ns = entry_deadline_ns(app, now_ns);
    int64_t screen_ns = presenter_next_deadline_ns(app->presenter, now_ns);
    return entry_ns < screen_ns ? entry_ns : screen_ns;
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
    if (app->current.is_active) {
        int64_t now_ns = monotime_now_ns();
        presenter_still_destroy(app->presenter, finish_current(app, PLAY_RESULT_OK, NULL, now_ns));
    }
    drop_previous_still(app);
    presenter_still_destroy(app->presenter, app->fading_still);
    presenter_still_destroy(app->presenter, app->fallback_still);
    frame_picture_destroy(app->converter);
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
    app->converter = frame_picture_create();
    if (load_program(app) != 0 || open_outputs(app) != 0) {
        app_destroy(app);
        return 1;
    }
    while (!app->should_quit) {
        int64_t now_ns = monotime_now_ns();
        app_handle_events(app);
        if (app->should_quit)
            break;
        app_handle_schedule(app, now_ns);
        app_handle_render(app, monotime_now_ns());
        SDL_PumpEvents(); // drain what Xlib buffered while presenting
        if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT))
            continue;
        app_wait_until(app, app_next_deadline_ns(app, monotime_now_ns()));
    }
    app_destroy(app);
    return 0;
}
