// app_control: what signage-ctl's verbs do to the running player, and the
// announcement banner they put over the loop. The socket and its protocol
// are io/control_server's; this file only answers.
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "app/png_file.h"
#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"
#include "render/banner.h"

// ---- Announcement ---------------------------------------------------------------

static double safe_margin(const struct app *app)
{
    const struct program *program = app->program;
    int percent = program ? program_settings(program)->safe_margin_percent
                          : PLAYLIST_DEFAULT_SAFE_MARGIN_PERCENT;
    return percent / 100.0;
}

// Draws the announcement for the screen as it is now; 0 or -1 (logged).
static int show_announcement(struct app *app)
{
    char error[APP_ERROR_SIZE];
    SDL_Surface *banner = banner_draw(app->fonts, app->announcement, app->output_width_px,
                                      app->output_height_px, safe_margin(app), error, sizeof error);
    if (!banner) {
        log_error("announcement: %s", error);
        return -1;
    }
    int result = presenter_set_banner(app->presenter, banner);
    SDL_FreeSurface(banner);
    if (result != 0)
        log_error("announcement: %s", SDL_GetError());
    return result;
}

static void clear_announcement(struct app *app)
{
    if (!app->announcement)
        return;
    log_info("announcement ended");
    free(app->announcement);
    app->announcement = NULL;
    presenter_set_banner(app->presenter, NULL);
}

static void announce(struct app *app, const struct control_request *request,
                     struct control_reply *reply, int64_t now_ns)
{
    if (request->is_clear) {
        clear_announcement(app);
        control_reply_add_bool(reply, "announcement", false);
        return;
    }
    free(app->announcement);
    app->announcement = xstrdup(request->text);
    app->announcement_until_ns =
        request->duration_ms < 0 ? INT64_MAX : now_ns + request->duration_ms * NS_PER_MS;
    if (show_announcement(app) != 0) {
        free(app->announcement);
        app->announcement = NULL;
        control_reply_set_error(reply, "cannot draw the announcement: see the player's log");
        return;
    }
    log_info("announcement%s: %s", request->duration_ms < 0 ? " (until cleared)" : "",
             app->announcement);
    control_reply_add_string(reply, "announcement", app->announcement);
    if (request->duration_ms >= 0)
        control_reply_add_int(reply, "announcement_ms", request->duration_ms);
}

void app_announcement_update(struct app *app, int64_t now_ns, bool is_resized)
{
    if (!app->announcement)
        return;
    if (now_ns >= app->announcement_until_ns)
        clear_announcement(app);
    else if (is_resized)
        show_announcement(app);
}

int64_t app_announcement_deadline_ns(const struct app *app)
{
    return app->announcement ? app->announcement_until_ns : INT64_MAX;
}

// ---- Verbs ------------------------------------------------------------------------

static void reply_status(struct app *app, struct control_reply *reply, int64_t now_ns)
{
    struct sequence_status status = {0};
    if (app->sequence)
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
    control_reply_add_string(reply, "reload", app_reload_state_name(app->reload_state));
    if (app->reload_state == RELOAD_STATE_REJECTED)
        control_reply_add_string(reply, "reload_error", app->reload_problem);
    if (app->announcement)
        control_reply_add_string(reply, "announcement", app->announcement);
}

static void take_screenshot(struct app *app, const char *path, struct control_reply *reply,
                            int64_t now_ns)
{
    SDL_Surface *shot = presenter_capture(app->presenter, now_ns);
    char error[APP_ERROR_SIZE];
    if (!shot)
        control_reply_set_error(reply, "cannot read the screen: %s", SDL_GetError());
    else if (png_file_write(path, shot, error, sizeof error) != 0)
        control_reply_set_error(reply, "cannot write the screenshot: %s", error);
    else
        control_reply_add_string(reply, "screenshot", path);
    SDL_FreeSurface(shot);
}

// Main thread, from control_server_dispatch(): one request of signage-ctl.
static void handle_request(void *context, const struct control_request *request,
                           struct control_reply *reply)
{
    struct app *app = context;
    int64_t now_ns = monotime_now_ns();
    switch (request->verb) {
    case CONTROL_VERB_STATUS:
        break;
    case CONTROL_VERB_NEXT:
    case CONTROL_VERB_PREV:
        if (app->sequence) {
            sequence_skip(app->sequence, request->verb == CONTROL_VERB_NEXT ? 1 : -1, now_ns);
            app_reload_collect(app); // a pending reload took over: the reply says "done"
        }
        break;
    case CONTROL_VERB_PAUSE:
    case CONTROL_VERB_RESUME:
        if (app->sequence)
            sequence_set_paused(app->sequence, request->verb == CONTROL_VERB_PAUSE, now_ns);
        break;
    case CONTROL_VERB_SCREENSHOT:
        take_screenshot(app, request->path, reply, now_ns);
        return;
    case CONTROL_VERB_RELOAD:
        app_reload_request(app, false, "asked through the control socket");
        break;
    case CONTROL_VERB_ANNOUNCE:
        announce(app, request, reply, now_ns);
        return;
    }
    reply_status(app, reply, monotime_now_ns());
}

void app_control_handle(struct app *app)
{
    // Every iteration, polled or not: the server also enforces client time-outs.
    control_server_dispatch(app->control, app->control_fds, app->n_control_fds, handle_request,
                            app);
    app->n_control_fds = 0;
}

// The control socket: --control PATH, else $RUNTIME_DIRECTORY/control.sock
// under systemd, else none (a preview on a laptop needs none). Playing goes on
// without it when it cannot be opened.
void app_control_open(struct app *app)
{
    const char *runtime_dir = getenv("RUNTIME_DIRECTORY");
    char *path = app->options->control_path ? xstrdup(app->options->control_path)
                 : runtime_dir              ? xasprintf("%s/control.sock", runtime_dir)
                                            : NULL;
    if (!path)
        return;
    char error[APP_ERROR_SIZE];
    app->control = control_server_open(path, error, sizeof error);
    if (app->control)
        log_info("control socket: %s", path);
    else
        log_error("no control socket: %s", error);
    free(path);
}
