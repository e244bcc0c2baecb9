// app_control: what signage-ctl's verbs do to the running player, and the
// announcement banner they put over the loop. The socket and its protocol
// are io/control_server's; this file only answers.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_internal.h"
#include "app/local_time.h"
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

// Builds today's timeline as JSON text into a growing string.
struct timeline {
    char *json; // owned
    size_t length, size;
};

static void timeline_append(struct timeline *timeline, const char *text)
{
    size_t n = strlen(text);
    if (timeline->length + n + 1 > timeline->size) {
        timeline->size = (timeline->length + n + 1) * 2;
        timeline->json = xreallocarray(timeline->json, timeline->size, 1);
    }
    memcpy(timeline->json + timeline->length, text, n + 1);
    timeline->length += n;
}

// Appends "key":"spec" (escaped) of section index, or "key":null for -1.
static void timeline_append_section(struct timeline *timeline, const struct program *program,
                                    const char *key, int index)
{
    timeline_append(timeline, "\"");
    timeline_append(timeline, key);
    timeline_append(timeline, "\":");
    if (index < 0) {
        timeline_append(timeline, "null");
        return;
    }
    const char *spec = program_section_at(program, (size_t)index)->spec;
    size_t size = control_json_escape(spec, NULL, 0) + 1;
    char *escaped = xcalloc(1, size);
    control_json_escape(spec, escaped, size);
    timeline_append(timeline, "\"[");
    timeline_append(timeline, escaped);
    timeline_append(timeline, "]\"");
    free(escaped);
}

static void timeline_append_minute(struct timeline *timeline, const char *key, int minute)
{
    char text[32];
    snprintf(text, sizeof text, "\"%s\":\"%02d:%02d\"", key, minute / 60, minute % 60);
    timeline_append(timeline, text);
}

// schedule: today's plan from 00:00 to 24:00 (local civil minutes), each
// stretch with the section that plays then (null: none, the screen is idle;
// in a playlist without sections, null with "sections":false: everything).
static void reply_schedule(struct app *app, struct control_reply *reply)
{
    const struct program *program = app->sequence ? sequence_program(app->sequence) : NULL;
    if (!program) {
        control_reply_set_error(reply, "no playlist is playing: %s", app->reload_problem);
        return;
    }
    const struct schedule *schedule = program_schedule(program);
    bool has_sections = program_n_sections(program) > 0;
    struct schedule_civil_time now = local_time_civil_at(time(NULL));
    char text[64];
    snprintf(text, sizeof text, "%04d-%02d-%02d", now.year, now.month, now.day);
    control_reply_add_string(reply, "today", text);
    snprintf(text, sizeof text, "%02d:%02d", now.minute_of_day / 60, now.minute_of_day % 60);
    control_reply_add_string(reply, "now", text);
    control_reply_add_bool(reply, "sections", has_sections);
    control_reply_add_bool(reply, "idle", sequence_is_idle(app->sequence));
    int active = has_sections ? schedule_active_section(schedule, &now) : -1;
    if (active >= 0) {
        char *spec = xasprintf("[%s]", program_section_at(program, (size_t)active)->spec);
        control_reply_add_string(reply, "active", spec);
        free(spec);
    } else {
        control_reply_add_null(reply, "active");
    }
    struct timeline timeline = {0};
    timeline_append(&timeline, "[");
    struct schedule_civil_time at = now;
    at.minute_of_day = 0;
    while (at.minute_of_day < SCHEDULE_MINUTES_PER_DAY) {
        struct schedule_civil_time next;
        int to = SCHEDULE_MINUTES_PER_DAY;
        if (has_sections && schedule_next_change(schedule, &at, &next) && next.year == now.year &&
            next.month == now.month && next.day == now.day)
            to = next.minute_of_day;
        timeline_append(&timeline, at.minute_of_day == 0 ? "{" : ",{");
        timeline_append_minute(&timeline, "from", at.minute_of_day);
        timeline_append(&timeline, ",");
        timeline_append_minute(&timeline, "to", to);
        timeline_append(&timeline, ",");
        timeline_append_section(&timeline, program, "section",
                                has_sections ? schedule_active_section(schedule, &at) : -1);
        timeline_append(&timeline, "}");
        at.minute_of_day = to;
    }
    timeline_append(&timeline, "]");
    control_reply_add_json(reply, "timeline", timeline.json);
    free(timeline.json);
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
    case CONTROL_VERB_SCHEDULE:
        reply_schedule(app, reply);
        return;
    case CONTROL_VERB_RESTART:
        log_notice("starting again, as asked through the control socket");
        app->should_restart = true; // once this reply is sent
        app->should_quit = true;
        break;
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
