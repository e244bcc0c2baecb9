// app_reload: hot reload. A change of the playlist or the content (inotify,
// debounced by file_watch), SIGHUP or `signage-ctl reload` starts a full
// check in a child process; only a playlist that passes it is loaded and
// handed to the sequence, which switches at the next item boundary (or at
// once with `reload = now`). A rejected playlist is logged as FILE:LINE and
// the loop on screen plays on untouched.
#include <string.h>

#include "app/app_internal.h"
#include "app/diagnostics.h"
#include "app/slide_view.h"
#include "base/log.h"
#include "base/monotime.h"

const char *app_reload_state_name(enum reload_state state)
{
    switch (state) {
    case RELOAD_STATE_CHECKING:
        return "checking";
    case RELOAD_STATE_PENDING:
        return "pending";
    case RELOAD_STATE_DONE:
        return "done";
    case RELOAD_STATE_REJECTED:
        return "rejected";
    case RELOAD_STATE_NONE:
        break;
    }
    return "none";
}

struct audio_out *app_audio_for(struct app *app, const struct program *program)
{
    if (app->audio || app->has_tried_audio || !program_settings(program)->is_audio_on)
        return app->audio;
    app->has_tried_audio = true;
    char error[APP_ERROR_SIZE];
    app->audio = audio_out_open(error, sizeof error);
    if (!app->audio)
        log_warning("no audio device (%s): video plays silently", error);
    return app->audio;
}

void app_start_sequence(struct app *app, struct program *program)
{
    app->program = program;
    struct sequence_context context = {
        .program = program,
        .fonts = app->fonts,
        .presenter = app->presenter,
        .audio = app_audio_for(app, program),
        .play_log = app->play_log,
        .wakeup = app_wake_main_loop,
        .wakeup_context = app,
        .loops = app->options->loops,
        .width_px = app->output_width_px,
        .height_px = app->output_height_px,
    };
    app->sequence = sequence_create(&context);
    // The card said the playlist was broken; the first entry replaces it
    // (presenter keeps the card's picture on screen until then).
    presenter_still_destroy(app->presenter, app->problem_card);
    app->problem_card = NULL;
}

int app_reload_open(struct app *app)
{
    char error[APP_ERROR_SIZE];
    app->watch =
        file_watch_open(app->options->playlist_path, app->content_root, error, sizeof error);
    if (!app->watch) {
        log_warning("no hot reload (%s): reload with SIGHUP or signage-ctl reload", error);
        return -1;
    }
    char warning[APP_ERROR_SIZE];
    while (file_watch_take_warning(app->watch, warning, sizeof warning))
        log_warning("hot reload: %s", warning);
    return 0;
}

void app_reload_close(struct app *app)
{
    file_watch_close(app->watch);
    app->watch = NULL;
    playlist_check_destroy(app->check);
    app->check = NULL;
}

void app_reload_request(struct app *app, bool is_now, const char *why)
{
    app->is_reload_now |= is_now;
    if (app->check) { // check again once this one is over: it may have read old files
        app->is_check_wanted_again = true;
        return;
    }
    char error[APP_ERROR_SIZE];
    int64_t now_ns = monotime_now_ns();
    app->check = playlist_check_start(app->options->playlist_path, app->content_root, now_ns, error,
                                      sizeof error);
    if (!app->check) {
        log_error("reload of %s: %s", app->options->playlist_path, error);
        if (app->is_reload_announced) {
            app->is_reload_announced = false;
            service_notify_ready(app->notify);
        }
        return;
    }
    log_info("reload of %s (%s): checking", app->options->playlist_path, why);
    app->reload_state = RELOAD_STATE_CHECKING;
    if (!app->is_reload_announced) { // once per reload, however often it is checked again
        app->is_reload_announced = true;
        service_notify_reloading(app->notify, now_ns);
    }
    service_notify_status(app->notify, "Checking %s", app->options->playlist_path);
}

static void reject(struct app *app, const char *problems)
{
    // Every line as its own log line, so journald and grep see FILE:LINE.
    const char *line = problems;
    app->reload_problem[0] = '\0';
    while (*line) {
        const char *end = strchr(line, '\n');
        int length = end ? (int)(end - line) : (int)strlen(line);
        if (length > 0) {
            log_error("%.*s", length, line);
            if (!app->reload_problem[0])
                snprintf(app->reload_problem, sizeof app->reload_problem, "%.*s", length, line);
        }
        line += length + (end ? 1 : 0);
    }
    log_error("%s rejected: %s", app->options->playlist_path,
              app->program ? "the playlist on screen plays on" : "nothing to play yet");
    app->reload_state = RELOAD_STATE_REJECTED;
}

// The check passed: load the playlist for real and hand it over, if it is
// exactly what the check saw (checked_fingerprint); otherwise it changed
// meanwhile and is checked again.
static void accept(struct app *app, int64_t now_ns, uint64_t checked_fingerprint)
{
    struct diagnostics *diagnostics = diagnostics_create();
    struct program *program =
        program_load(app->options->playlist_path, app->content_root, diagnostics);
    // A file changed between the check and now: it has to pass a check again.
    if (!program || diagnostics_count(diagnostics) > 0 || program_n_entries(program) == 0) {
        char problems[APP_ERROR_SIZE] = "the playlist changed while it was checked";
        if (diagnostics_count(diagnostics) > 0)
            snprintf(problems, sizeof problems, "%s", diagnostics_at(diagnostics, 0));
        reject(app, problems);
        program_destroy(program);
        diagnostics_destroy(diagnostics);
        return;
    }
    diagnostics_destroy(diagnostics);
    if (program_fingerprint(program) != checked_fingerprint) {
        log_info("%s changed while it was checked: checking it again", app->options->playlist_path);
        program_destroy(program);
        app->is_check_wanted_again = true;
        return;
    }
    app_reload_collect(app); // a skip may have let the last accepted one take over
    const struct program *latest = app->pending ? app->pending : app->program;
    if (latest && program_fingerprint(latest) == program_fingerprint(program) &&
        !app->is_reload_now) {
        log_info("%s unchanged: the loop goes on", app->options->playlist_path);
        program_destroy(program);
        app->reload_state = app->pending ? RELOAD_STATE_PENDING : RELOAD_STATE_DONE;
        return;
    }
    bool is_now = app->is_reload_now || program_settings(program)->is_reload_now;
    log_info("%s accepted: %zu items, switching %s", app->options->playlist_path,
             program_n_entries(program), is_now ? "now" : "after the item on screen");
    if (!app->sequence) {
        app_start_sequence(app, program);
        app->reload_state = RELOAD_STATE_DONE;
        return;
    }
    app_reload_collect(app);                 // a skip may have let the last accepted one take over
    struct program *replaced = app->pending; // accepted before, never got its turn
    app->pending = program;
    app->reload_state = RELOAD_STATE_PENDING;
    sequence_set_program(app->sequence, program, app_audio_for(app, program), is_now, now_ns);
    program_destroy(replaced); // after: the sequence let go of it
    app_reload_collect(app);
}

// Watches what the playlist and content paths resolve to now: a publish
// that swapped a symlinked folder above them (signage-site's `site` link)
// moved them to other folders than the watcher was following. Returns true
// when the old watcher had seen a change not yet acted on (it is not lost).
static bool rearm_watch(struct app *app, int64_t now_ns)
{
    if (!app->watch)
        return false;
    file_watch_handle(app->watch, now_ns);
    bool had_change = file_watch_has_pending_change(app->watch);
    file_watch_close(app->watch);
    app->watch = NULL;
    app_reload_open(app);
    return had_change;
}

static void finish_check(struct app *app, int64_t now_ns)
{
    bool is_valid = playlist_check_is_valid(app->check);
    uint64_t fingerprint = 0;
    bool has_fingerprint = playlist_check_fingerprint(app->check, &fingerprint);
    if (rearm_watch(app, now_ns))
        app->is_check_wanted_again = true; // what was checked may be gone already
    if (!is_valid)
        reject(app, playlist_check_problems(app->check));
    else if (!has_fingerprint)
        reject(app, "the check passed but did not say what it checked");
    else if (app->is_check_wanted_again)
        log_info("%s changed while it was checked: checking it again", app->options->playlist_path);
    else
        accept(app, now_ns, fingerprint);
    playlist_check_destroy(app->check);
    app->check = NULL;
    if (app->is_check_wanted_again) {
        app->is_check_wanted_again = false;
        app_reload_request(app, false, "changed again while it was checked");
        return; // RELOADING stays; READY=1 comes with the verdict
    }
    app->is_reload_now = false;
    app->is_reload_announced = false;
    service_notify_ready(app->notify);
}

void app_reload_handle(struct app *app, int64_t now_ns)
{
    char warning[APP_ERROR_SIZE];
    file_watch_handle(app->watch, now_ns);
    while (file_watch_take_warning(app->watch, warning, sizeof warning))
        log_warning("hot reload: %s", warning);
    if (file_watch_take_change(app->watch, now_ns))
        app_reload_request(app, false, "the files changed");
    if (app->check && playlist_check_handle(app->check, now_ns))
        finish_check(app, now_ns);
}

void app_reload_collect(struct app *app)
{
    if (!app->pending || !app->sequence || sequence_program(app->sequence) != app->pending)
        return;
    program_destroy(app->program);
    app->program = app->pending;
    app->pending = NULL;
    if (app->reload_state == RELOAD_STATE_PENDING)
        app->reload_state = RELOAD_STATE_DONE;
}

int64_t app_reload_next_deadline_ns(const struct app *app)
{
    int64_t watch_ns = file_watch_next_deadline_ns(app->watch);
    int64_t check_ns = app->check ? playlist_check_next_deadline_ns(app->check) : INT64_MAX;
    return watch_ns < check_ns ? watch_ns : check_ns;
}

size_t app_reload_poll_fds(const struct app *app, struct pollfd *fds)
{
    size_t n = 0;
    if (file_watch_fd(app->watch) >= 0)
        fds[n++] = (struct pollfd){.fd = file_watch_fd(app->watch), .events = POLLIN};
    if (app->check && playlist_check_fd(app->check) >= 0)
        fds[n++] = (struct pollfd){.fd = playlist_check_fd(app->check), .events = POLLIN};
    return n;
}
