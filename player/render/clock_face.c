// clock_face: laying out and drawing the two clocks. Sizes follow the
// output's shorter side, as the banner's do; positions follow the ink of the
// drawn text (not the font's line boxes), so that what is centred looks
// centred and what must stay inside the plate provably does.
#include "render/clock_face.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

// The corner plate, in fractions of the output's shorter side: a time about
// as tall as the banner's text, a date line readable from a few metres.
#define PLATE_TIME_SIZE 0.085
#define PLATE_DATE_SIZE 0.027
#define PLATE_PAD       0.02  // around the text, above and below
#define PLATE_PAD_X     0.028 // left and right: more, for the rounded corners
#define PLATE_GAP       0.014 // between the time's ink and the date's
#define PLATE_RADIUS    0.018
#define PLATE_MAX_WIDTH 0.5 // of the width inside the safe margin: the plate is not the slide
// The full-screen clock.
#define SCREEN_TIME_SIZE  0.33
#define SCREEN_DATE_SIZE  0.06
#define SCREEN_LATIN_SIZE 0.045
#define SCREEN_GAP        0.05  // between the time, the rule and the dates
#define SCREEN_LINE_GAP   0.025 // between the two dates
#define SCREEN_RULE_WIDTH 0.14
#define SCREEN_RULE_SIZE  0.006
#define SCREEN_MAX_WIDTH  0.9  // of the width inside the safe margin
#define SCREEN_DRIFT      0.02 // how far the block moves, of the shorter side (burn-in)
#define MIN_SIZE_PX       4    // below it SDL_ttf draws nothing useful
#define DEFAULT_MARGIN    0.05
#define MAX_MARGIN        0.45 // as the slide layout's
#define CORNER_SAMPLES    4    // per axis, for the rounded corners' edge coverage

// Over white, the plate (88% of #0B1220) is at worst #292F3B: white text on
// it is 13.4:1, the date's grey 10.5:1 (WCAG AA asks 4.5:1). Opaque enough
// that a slide's text under it does not read through, translucent enough to
// show that the picture goes on. On the full-screen clock the same colours
// on the opaque background are 18.7:1 and 14.6:1; the rule is the slides'
// warm accent.
static const SDL_Color plate_color = {0x0B, 0x12, 0x20, 0xE0};
static const SDL_Color time_color = {0xFF, 0xFF, 0xFF, 0xFF};
static const SDL_Color date_color = {0xDD, 0xE4, 0xEE, 0xFF};
static const SDL_Color screen_color = {0x0B, 0x12, 0x20, 0xFF};
static const SDL_Color rule_color = {0xFF, 0xC8, 0x57, 0xFF};

static const char *const weekdays_short_zh[] = {"周一", "周二", "周三", "周四",
                                                "周五", "周六", "周日"};
static const char *const weekdays_long_zh[] = {"星期一", "星期二", "星期三", "星期四",
                                               "星期五", "星期六", "星期日"};
static const char *const weekdays_short_en[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const weekdays_long_en[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
static const char *const months_short_en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const months_long_en[] = {"January",   "February", "March",    "April",
                                             "May",       "June",     "July",     "August",
                                             "September", "October",  "November", "December"};
static const char digits[] = "0123456789";

// A time with every field inside its table's range.
static struct clock_face_time clamped(const struct clock_face_time *time)
{
    struct clock_face_time t = *time;
    t.month = t.month < 1 ? 1 : t.month > 12 ? 12 : t.month;
    t.day = t.day < 1 ? 1 : t.day > 31 ? 31 : t.day;
    t.weekday = t.weekday < 0 ? 0 : t.weekday > 6 ? 6 : t.weekday;
    t.hour = t.hour < 0 ? 0 : t.hour > 23 ? 23 : t.hour;
    t.minute = t.minute < 0 ? 0 : t.minute > 59 ? 59 : t.minute;
    return t;
}

void clock_face_date_text(const struct clock_face_time *time, char *out, size_t size)
{
    struct clock_face_time t = clamped(time);
    snprintf(out, size, "%d月%d日 %s · %s %d %s", t.month, t.day, weekdays_short_zh[t.weekday],
             weekdays_short_en[t.weekday], t.day, months_short_en[t.month - 1]);
}

static bool can_draw_text(struct fonts *fonts, const char *text)
{
    size_t length = strlen(text), offset = 0;
    while (offset < length) {
        uint32_t codepoint = utf8_next(text, length, &offset);
        if (codepoint != ' ' && !fonts_can_draw(fonts, codepoint))
            return false;
    }
    return true;
}

bool clock_face_can_draw(struct fonts *fonts)
{
    bool can = can_draw_text(fonts, digits) && can_draw_text(fonts, ":,·年月日");
    for (size_t i = 0; i < 7; i++)
        can = can && can_draw_text(fonts, weekdays_long_zh[i]) &&
              can_draw_text(fonts, weekdays_short_zh[i]) &&
              can_draw_text(fonts, weekdays_long_en[i]);
    for (size_t i = 0; i < 12; i++)
        can = can && can_draw_text(fonts, months_long_en[i]);
    return can;
}

// ---- Text and its ink -------------------------------------------------------------

// The box of a surface's pixels that have any alpha; x0 == x1 when none.
struct ink {
    int x0, y0, x1, y1;
};

struct line {
    SDL_Surface *surface; // NULL until drawn
    struct ink ink;
};

static struct ink ink_of(const SDL_Surface *surface)
{
    struct ink ink = {surface->w, surface->h, 0, 0};
    for (int y = 0; y < surface->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)surface->pixels + y * surface->pitch);
        for (int x = 0; x < surface->w; x++) {
            if ((row[x] & surface->format->Amask) == 0)
                continue;
            ink.x0 = x < ink.x0 ? x : ink.x0;
            ink.x1 = x + 1 > ink.x1 ? x + 1 : ink.x1;
            ink.y0 = y < ink.y0 ? y : ink.y0;
            ink.y1 = y + 1 > ink.y1 ? y + 1 : ink.y1;
        }
    }
    if (ink.x0 >= ink.x1)
        ink = (struct ink){0, 0, 0, 0};
    return ink;
}

// Draws text on one line; 0, or -1 with SDL_GetError() set.
static int line_draw(struct fonts *fonts, enum text_role role, int size_px, const char *text,
                     SDL_Color color, struct line *line)
{
    int rise_px; // the faces used here (digits, CJK, Latin) all fit the primary's ascent
    line->surface = fonts_render_line(fonts, role, size_px, text, strlen(text), color, &rise_px);
    if (!line->surface)
        return -1;
    line->ink = ink_of(line->surface);
    return 0;
}

static void lines_free(struct line *lines, size_t n_lines)
{
    for (size_t i = 0; i < n_lines; i++) {
        SDL_FreeSurface(lines[i].surface);
        lines[i].surface = NULL;
    }
}

// Blits line so that its ink's top-left lands at (x, y) of target.
static void line_blit(const struct line *line, SDL_Surface *target, int x, int y)
{
    SDL_Rect where = {x - line->ink.x0, y - line->ink.y0, 0, 0};
    SDL_SetSurfaceBlendMode(line->surface, SDL_BLENDMODE_BLEND);
    SDL_BlitSurface(line->surface, NULL, target, &where);
}

static int ink_width(const struct line *line)
{
    return line->ink.x1 - line->ink.x0;
}

static int ink_height(const struct line *line)
{
    return line->ink.y1 - line->ink.y0;
}

// The room HH:MM needs whatever the minute: four of the widest digit and
// the colon, in advance widths (what the line's ink spans, give or take a
// side bearing).
static int time_room_px(struct fonts *fonts, enum text_role role, int size_px)
{
    struct text_metrics metrics = fonts_text_metrics(fonts);
    int widest = 0;
    for (size_t i = 0; i < 10; i++) {
        int width = metrics.measure_width_px(metrics.context, role, size_px, &digits[i], 1);
        widest = width > widest ? width : widest;
    }
    return 4 * widest + metrics.measure_width_px(metrics.context, role, size_px, ":", 1);
}

static int scaled_px(int shorter_px, double fraction, double scale)
{
    int px = (int)(shorter_px * fraction * scale + 0.5);
    return px > 1 ? px : 1;
}

static int font_px(int shorter_px, double fraction, double scale)
{
    int px = scaled_px(shorter_px, fraction, scale);
    return px > MIN_SIZE_PX ? px : MIN_SIZE_PX;
}

static double margin_of(double safe_margin)
{
    return !(safe_margin >= 0)        ? DEFAULT_MARGIN
           : safe_margin > MAX_MARGIN ? MAX_MARGIN
                                      : safe_margin;
}

static SDL_Surface *new_surface(int width_px, int height_px)
{
    return SDL_CreateRGBSurfaceWithFormat(0, width_px, height_px, 32, SDL_PIXELFORMAT_ARGB8888);
}

// ---- The corner plate -------------------------------------------------------------------

// How much of pixel (x, y) a rounded rectangle width x height with corner
// radius covers, 0 to CORNER_SAMPLES squared.
static int coverage(int x, int y, int width, int height, int radius)
{
    int cx = x < radius ? radius : x >= width - radius ? width - radius : -1;
    int cy = y < radius ? radius : y >= height - radius ? height - radius : -1;
    if (cx < 0 || cy < 0)
        return CORNER_SAMPLES * CORNER_SAMPLES;
    int n = 0, limit = radius * radius * CORNER_SAMPLES * CORNER_SAMPLES * 4;
    for (int sy = 0; sy < CORNER_SAMPLES; sy++) {
        for (int sx = 0; sx < CORNER_SAMPLES; sx++) {
            // Sample centres in units of 1 / (2 * CORNER_SAMPLES) pixel.
            int dx = (x - cx) * 2 * CORNER_SAMPLES + 2 * sx + 1;
            int dy = (y - cy) * 2 * CORNER_SAMPLES + 2 * sy + 1;
            n += dx * dx + dy * dy <= limit;
        }
    }
    return n;
}

static void fill_plate(SDL_Surface *plate, int radius)
{
    const int full = CORNER_SAMPLES * CORNER_SAMPLES;
    for (int y = 0; y < plate->h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)plate->pixels + y * plate->pitch);
        for (int x = 0; x < plate->w; x++) {
            int alpha = plate_color.a * coverage(x, y, plate->w, plate->h, radius) / full;
            row[x] = SDL_MapRGBA(plate->format, plate_color.r, plate_color.g, plate_color.b,
                                 (Uint8)alpha);
        }
    }
}

// SDL's blended blit can round the destination's alpha a step or two below
// the plate's where a glyph's edge is faint: the plate's body is made whole
// again, so that no pixel of text is more transparent than the plate.
static void restore_plate_alpha(SDL_Surface *plate, int radius)
{
    const Uint32 plate_alpha = (Uint32)plate_color.a << plate->format->Ashift;
    for (int y = 0; y < plate->h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)plate->pixels + y * plate->pitch);
        for (int x = 0; x < plate->w; x++) {
            if ((row[x] & plate->format->Amask) < plate_alpha &&
                coverage(x, y, plate->w, plate->h, radius) == CORNER_SAMPLES * CORNER_SAMPLES)
                row[x] = (row[x] & ~plate->format->Amask) | plate_alpha;
        }
    }
}

struct plate_layout {
    int width_px, height_px;
    int pad_px, pad_x_px, gap_px, radius_px;
    int time_room_px, time_height_px; // the room any HH:MM takes
};

// Draws the time (lines[0]), the date (lines[1]) and "00:00" (lines[2], the
// tallest time: round digits overshoot) at scale, and lays the plate out.
static int plate_lay_out(struct fonts *fonts, const struct clock_face_time *time, int shorter_px,
                         double scale, struct line lines[3], struct plate_layout *layout)
{
    char time_text[8], date_text[96];
    snprintf(time_text, sizeof time_text, "%02d:%02d", time->hour, time->minute);
    clock_face_date_text(time, date_text, sizeof date_text);
    int time_px = font_px(shorter_px, PLATE_TIME_SIZE, scale);
    if (line_draw(fonts, TEXT_ROLE_CALLOUT_FIGURE, time_px, time_text, time_color, &lines[0]) ||
        line_draw(fonts, TEXT_ROLE_BODY, font_px(shorter_px, PLATE_DATE_SIZE, scale), date_text,
                  date_color, &lines[1]) ||
        line_draw(fonts, TEXT_ROLE_CALLOUT_FIGURE, time_px, "00:00", time_color, &lines[2]))
        return -1;
    struct plate_layout l = {
        .pad_px = scaled_px(shorter_px, PLATE_PAD, scale),
        .pad_x_px = scaled_px(shorter_px, PLATE_PAD_X, scale),
        .gap_px = scaled_px(shorter_px, PLATE_GAP, scale),
        .radius_px = scaled_px(shorter_px, PLATE_RADIUS, scale),
        .time_room_px = time_room_px(fonts, TEXT_ROLE_CALLOUT_FIGURE, time_px),
        .time_height_px = ink_height(&lines[2]),
    };
    int time_width = ink_width(&lines[0]) > l.time_room_px ? ink_width(&lines[0]) : l.time_room_px;
    int content = time_width > ink_width(&lines[1]) ? time_width : ink_width(&lines[1]);
    l.width_px = content + 2 * l.pad_x_px;
    l.height_px = l.pad_px + l.time_height_px + l.gap_px + ink_height(&lines[1]) + l.pad_px;
    *layout = l;
    return 0;
}

static SDL_Surface *plate_draw(const struct line lines[3], const struct plate_layout *l)
{
    SDL_Surface *plate = new_surface(l->width_px, l->height_px);
    if (!plate)
        return NULL;
    fill_plate(plate, l->radius_px);
    // The text stays inside the plate, clear of its rounded corners.
    SDL_Rect inside = {l->radius_px / 2, l->radius_px / 2, l->width_px - l->radius_px,
                       l->height_px - l->radius_px};
    SDL_SetClipRect(plate, &inside);
    // The time sits on the baseline "00:00" sits on: its ink is placed where
    // the tallest time's ink would be, shifted by their difference.
    int time_y = l->pad_px + lines[0].ink.y0 - lines[2].ink.y0;
    line_blit(&lines[0], plate, (l->width_px - ink_width(&lines[0])) / 2, time_y);
    line_blit(&lines[1], plate, (l->width_px - ink_width(&lines[1])) / 2,
              l->pad_px + l->time_height_px + l->gap_px);
    SDL_SetClipRect(plate, NULL);
    restore_plate_alpha(plate, l->radius_px);
    return plate;
}

SDL_Surface *clock_face_draw_plate(struct fonts *fonts, const struct clock_face_time *time,
                                   int output_width_px, int output_height_px, double safe_margin,
                                   char *error, size_t error_size)
{
    if (output_width_px <= 0 || output_height_px <= 0) {
        snprintf(error, error_size, "cannot draw a clock for a %dx%d screen", output_width_px,
                 output_height_px);
        return NULL;
    }
    struct clock_face_time t = clamped(time);
    int shorter = output_width_px < output_height_px ? output_width_px : output_height_px;
    double inside = output_width_px * (1 - 2 * margin_of(safe_margin));
    int max_width = (int)(inside * PLATE_MAX_WIDTH);
    struct line lines[3] = {0};
    struct plate_layout layout;
    double scale = 1;
    SDL_Surface *plate = NULL;
    // At most twice: once as designed, once shrunk to the room there is.
    for (int attempt = 0; attempt < 2; attempt++) {
        if (plate_lay_out(fonts, &t, shorter, scale, lines, &layout) != 0)
            goto done;
        if (layout.width_px <= max_width || attempt == 1)
            break;
        scale *= (double)max_width / layout.width_px;
        lines_free(lines, 3);
    }
    plate = plate_draw(lines, &layout);
done:
    if (!plate)
        snprintf(error, error_size, "cannot draw the clock: %s", SDL_GetError());
    lines_free(lines, 3);
    return plate;
}

// ---- The full-screen clock --------------------------------------------------------------

// Where the block stands, in units of SCREEN_DRIFT, at each hour (mod 8):
// never twice in a row in the same place, always near the centre.
static const struct {
    int dx, dy;
} drift[] = {{0, 0}, {1, -1}, {-1, 1}, {1, 1}, {-1, -1}, {0, 1}, {1, 0}, {-1, 0}};

struct screen_layout {
    int gap_px, line_gap_px, rule_width_px, rule_height_px;
    int time_height_px; // of "00:00"
    int block_height_px;
};

// Draws the time, the two dates and "00:00" into lines[0..3] at scale.
static int screen_draw_lines(struct fonts *fonts, const struct clock_face_time *time,
                             int shorter_px, double scale, struct line lines[4])
{
    char time_text[8], zh[64], en[64];
    snprintf(time_text, sizeof time_text, "%02d:%02d", time->hour, time->minute);
    snprintf(zh, sizeof zh, "%d年%d月%d日 %s", time->year, time->month, time->day,
             weekdays_long_zh[time->weekday]);
    snprintf(en, sizeof en, "%s %d %s %d", weekdays_long_en[time->weekday], time->day,
             months_long_en[time->month - 1], time->year);
    int time_px = font_px(shorter_px, SCREEN_TIME_SIZE, scale);
    if (line_draw(fonts, TEXT_ROLE_CALLOUT_FIGURE, time_px, time_text, time_color, &lines[0]) ||
        line_draw(fonts, TEXT_ROLE_BODY, font_px(shorter_px, SCREEN_DATE_SIZE, scale), zh,
                  time_color, &lines[1]) ||
        line_draw(fonts, TEXT_ROLE_BODY, font_px(shorter_px, SCREEN_LATIN_SIZE, scale), en,
                  date_color, &lines[2]) ||
        line_draw(fonts, TEXT_ROLE_CALLOUT_FIGURE, time_px, "00:00", time_color, &lines[3]))
        return -1;
    return 0;
}

static int widest_of(const struct line *lines, size_t n_lines, int at_least)
{
    for (size_t i = 0; i < n_lines; i++)
        at_least = ink_width(&lines[i]) > at_least ? ink_width(&lines[i]) : at_least;
    return at_least;
}

static void fill(SDL_Surface *surface, SDL_Rect rect, SDL_Color color)
{
    SDL_FillRect(surface, &rect, SDL_MapRGBA(surface->format, color.r, color.g, color.b, color.a));
}

static void screen_compose(SDL_Surface *screen, const struct line lines[4],
                           const struct screen_layout *l, int hour, int shorter_px, double margin)
{
    fill(screen, (SDL_Rect){0, 0, screen->w, screen->h}, screen_color);
    int margin_x = (int)(screen->w * margin + 0.5), margin_y = (int)(screen->h * margin + 0.5);
    int width = widest_of(lines, 3, l->rule_width_px);
    // Centred in the safe area, then moved by the hour's drift as far as it stays inside.
    int step = scaled_px(shorter_px, SCREEN_DRIFT, 1);
    int x = (screen->w - width) / 2 + drift[hour % 8].dx * step;
    int y = (screen->h - l->block_height_px) / 2 + drift[hour % 8].dy * step;
    int max_x = screen->w - margin_x - width, max_y = screen->h - margin_y - l->block_height_px;
    x = x > max_x ? max_x : x;
    y = y > max_y ? max_y : y;
    x = x < margin_x ? margin_x : x;
    y = y < margin_y ? margin_y : y;
    SDL_Rect inside = {margin_x, margin_y, screen->w - 2 * margin_x, screen->h - 2 * margin_y};
    SDL_SetClipRect(screen, &inside);
    int centre = x + width / 2;
    line_blit(&lines[0], screen, centre - ink_width(&lines[0]) / 2,
              y + lines[0].ink.y0 - lines[3].ink.y0);
    y += l->time_height_px + l->gap_px;
    fill(screen, (SDL_Rect){centre - l->rule_width_px / 2, y, l->rule_width_px, l->rule_height_px},
         rule_color);
    y += l->rule_height_px + l->gap_px;
    line_blit(&lines[1], screen, centre - ink_width(&lines[1]) / 2, y);
    y += ink_height(&lines[1]) + l->line_gap_px;
    line_blit(&lines[2], screen, centre - ink_width(&lines[2]) / 2, y);
    SDL_SetClipRect(screen, NULL);
}

static struct screen_layout screen_lay_out(const struct line lines[4], int shorter_px, double scale)
{
    struct screen_layout l = {
        .gap_px = scaled_px(shorter_px, SCREEN_GAP, scale),
        .line_gap_px = scaled_px(shorter_px, SCREEN_LINE_GAP, scale),
        .rule_width_px = scaled_px(shorter_px, SCREEN_RULE_WIDTH, scale),
        .rule_height_px = scaled_px(shorter_px, SCREEN_RULE_SIZE, scale),
        .time_height_px = ink_height(&lines[3]),
    };
    l.block_height_px = l.time_height_px + 2 * l.gap_px + l.rule_height_px + ink_height(&lines[1]) +
                        l.line_gap_px + ink_height(&lines[2]);
    return l;
}

SDL_Surface *clock_face_draw_screen(struct fonts *fonts, const struct clock_face_time *time,
                                    int output_width_px, int output_height_px, double safe_margin,
                                    char *error, size_t error_size)
{
    if (output_width_px <= 0 || output_height_px <= 0) {
        snprintf(error, error_size, "cannot draw a clock for a %dx%d screen", output_width_px,
                 output_height_px);
        return NULL;
    }
    struct clock_face_time t = clamped(time);
    double margin = margin_of(safe_margin);
    int shorter = output_width_px < output_height_px ? output_width_px : output_height_px;
    int max_width = (int)(output_width_px * (1 - 2 * margin) * SCREEN_MAX_WIDTH);
    int max_height = (int)(output_height_px * (1 - 2 * margin));
    struct line lines[4] = {0};
    struct screen_layout layout = {0};
    double scale = 1;
    SDL_Surface *screen = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (screen_draw_lines(fonts, &t, shorter, scale, lines) != 0)
            goto done;
        layout = screen_lay_out(lines, shorter, scale);
        int width = widest_of(lines, 3, layout.rule_width_px);
        double fit_x = (double)max_width / width,
               fit_y = (double)max_height / layout.block_height_px;
        double fit = fit_x < fit_y ? fit_x : fit_y;
        if (fit >= 1 || attempt == 1)
            break;
        scale *= fit;
        lines_free(lines, 4);
    }
    screen = new_surface(output_width_px, output_height_px);
    if (screen)
        screen_compose(screen, lines, &layout, t.hour, shorter, margin);
done:
    if (!screen)
        snprintf(error, error_size, "cannot draw the clock: %s", SDL_GetError());
    lines_free(lines, 4);
    return screen;
}
