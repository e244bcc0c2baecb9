// app_overlay: the clock the playlist on screen asks for, on the presenter's
// overlay layer: a plate in a corner over whatever plays (overlay = clock),
// or the whole screen while nothing is scheduled (idle = clock). It is drawn
// again only when the wall clock turns a minute (a deadline in the loop's
// list, never a per-frame redraw), when another playlist or the idle state
// takes over, and for a new screen size. The drawing is render/clock_face's.
#include <stdio.h>
#include <time.h>

#include "app/app_internal.h"
#include "base/log.h"
#include "base/monotime.h"
#include "render/clock_face.h"

// Woken this long after the minute turns, so that the wall clock read then
// has surely turned too (the monotonic clock and a slewed wall clock drift
// apart by up to 0.5 ms a second); a wake that still comes early just
// waits again.
#define MINUTE_SLACK_NS (20 * NS_PER_MS)

static enum presenter_overlay_place place_of(enum playlist_corner corner)
{
    switch (corner) {
    case PLAYLIST_CORNER_TOP_LEFT:
        return PRESENTER_OVERLAY_TOP_LEFT;
    case PLAYLIST_CORNER_BOTTOM_LEFT:
        return PRESENTER_OVERLAY_BOTTOM_LEFT;
    case PLAYLIST_CORNER_BOTTOM_RIGHT:
        return PRESENTER_OVERLAY_BOTTOM_RIGHT;
    case PLAYLIST_CORNER_TOP_RIGHT:
        break;
    }
    return PRESENTER_OVERLAY_TOP_RIGHT;
}

// The wall clock now, as a clock on the wall shows it. Not
// local_time_civil_at(): the schedule's civil minute stands still through
// the hour repeated when the clocks go back, a wall clock must not. The
// zone is the same (TZ, else /etc/localtime). *minute: the minute's first
// instant (a key that changes every minute, the repeated hour included);
// *next_ns: monotonic, just after the next minute begins.
static struct clock_face_time wall_clock_now(int64_t now_ns, long long *minute, int64_t *next_ns)
{
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    struct tm tm;
    localtime_r(&wall.tv_sec, &tm);
    int seconds = tm.tm_sec < 60 ? tm.tm_sec : 59; // a leap second belongs to its minute
    *minute = ((long long)wall.tv_sec - seconds) / 60;
    *next_ns = now_ns + (int64_t)(60 - seconds) * NS_PER_S - wall.tv_nsec + MINUTE_SLACK_NS;
    return (struct clock_face_time){tm.tm_year + 1900,    tm.tm_mon + 1, tm.tm_mday,
                                    (tm.tm_wday + 6) % 7, tm.tm_hour,    tm.tm_min};
}

// Draws the clock for time and hands it to the presenter; logged on failure
// (the layer is then empty, and the next minute tries again).
static void show_clock(struct app *app, const struct playlist_settings *settings,
                       const struct clock_face_time *time)
{
    char error[APP_ERROR_SIZE];
    double margin = settings->safe_margin_percent / 100.0;
    int width = app->output_width_px, height = app->output_height_px;
    SDL_Surface *surface =
        app->is_overlay_idle_clock
            ? clock_face_draw_screen(app->fonts, time, width, height, margin, error, sizeof error)
            : clock_face_draw_plate(app->fonts, time, width, height, margin, error, sizeof error);
    enum presenter_overlay_place place = app->is_overlay_idle_clock
                                             ? PRESENTER_OVERLAY_FULL_SCREEN
                                             : place_of(settings->overlay_corner);
    int result = presenter_set_overlay(app->presenter, surface, place, (int)(width * margin + 0.5),
                                       (int)(height * margin + 0.5));
    if (!surface)
        log_error("clock: %s", error);
    else if (result != 0)
        log_error("clock: %s", SDL_GetError());
    SDL_FreeSurface(surface);
}

void app_overlay_update(struct app *app, int64_t now_ns, bool is_resized)
{
    if (!app->sequence)
        return;
    const struct program *program = sequence_program(app->sequence);
    const struct playlist_settings *settings = program_settings(program);
    bool is_idle_clock = settings->is_idle_clock && sequence_is_idle(app->sequence);
    bool is_wanted = is_idle_clock || settings->overlay == PLAYLIST_OVERLAY_CLOCK;
    bool is_same = program == app->overlay_program && is_wanted == app->is_overlay_shown &&
                   is_idle_clock == app->is_overlay_idle_clock;
    if (is_same && !is_resized && (!is_wanted || now_ns < app->overlay_deadline_ns))
        return;
    if (!is_same && is_wanted)
        log_info("clock %s", is_idle_clock ? "on the whole screen while nothing is scheduled"
                                           : playlist_corner_name(settings->overlay_corner));
    app->overlay_program = program;
    app->is_overlay_idle_clock = is_idle_clock;
    if (!is_wanted) {
        if (app->is_overlay_shown)
            presenter_set_overlay(app->presenter, NULL, PRESENTER_OVERLAY_FULL_SCREEN, 0, 0);
        app->is_overlay_shown = false;
        return;
    }
    long long minute;
    struct clock_face_time time = wall_clock_now(now_ns, &minute, &app->overlay_deadline_ns);
    if (is_same && !is_resized && minute == app->overlay_minute)
        return; // woken before the wall clock turned: wait for it again
    app->is_overlay_shown = true;
    app->overlay_minute = minute;
    show_clock(app, settings, &time);
}

int64_t app_overlay_deadline_ns(const struct app *app)
{
    return app->is_overlay_shown ? app->overlay_deadline_ns : INT64_MAX;
}
