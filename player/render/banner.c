// banner: sizing, wrapping and drawing the announcement bar. Line breaking
// is deliberately simple (at spaces, and between CJK characters except
// before closing or after opening punctuation): a banner is one sentence,
// not a slide, so it does without the slide layout's UAX #14 machinery.
#include "render/banner.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

// The text band, of the output's shorter side: with a 5% bottom margin the
// bar is 1/5 of a landscape screen's height and 1/8 of a portrait one's.
#define BAND_FRACTION     0.13
#define PAD_FRACTION      0.1        // of the band, kept free above and below the text
#define RULE_FRACTION     (1.0 / 24) // the accent rule along the bar's top edge, of the band
#define MAX_SIZE_FRACTION 0.5        // one line's em size, of the band (CJK ink is ~1 em)
#define MIN_SIZE_FRACTION 0.25       // half the largest size; below it text is cut instead
#define LINE_PITCH_EMS    1.25       // baseline to baseline
#define MAX_LINES         2          // a third line would be too small to read from afar
#define CUT_AT_WORD_FILL  0.75       // a cut line ends after a whole word if it stays this full
#define DEFAULT_MARGIN    0.05
#define MAX_MARGIN        0.45              // as the slide layout's
#define BANNER_ROLE       TEXT_ROLE_HEADING // bold: read from across a hall

// White on #B71C1C is 6.6:1 (WCAG AA asks 4.5:1). Deep red reads as a
// notice over the navy slides; the warm rule (the slides' accent) parts the
// bar from red video behind it.
static const SDL_Color bar_color = {0xB7, 0x1C, 0x1C, 0xFF};
static const SDL_Color text_color = {0xFF, 0xFF, 0xFF, 0xFF};
static const SDL_Color rule_color = {0xFF, 0xC8, 0x57, 0xFF};

struct geometry {
    int width_px, height_px; // the whole bar
    int band_px;             // its top part, where the text goes; below it the bottom margin
    int rule_px, pad_px;
    int margin_x_px; // the text stays this far from the left and right edges
};

struct span {
    size_t start, length;
};

// Where a line may end: it is text[..end), the next starts at next (the
// spaces between belong to neither).
struct break_at {
    size_t end, next;
};

struct drawn_line {
    SDL_Surface *surface;
    int rise_px;
    int ink_top_px, ink_bottom_px; // rows with ink, from the surface's top; top == bottom: none
};

struct wrapper {
    struct fonts *fonts;
    struct text_metrics metrics;
    const char *text; // normalised: no control characters, single spaces, trimmed
    size_t length;
    struct break_at *breaks; // in text order
    size_t n_breaks;
    size_t *cuts; // every code point boundary after the first code point, in order
    size_t n_cuts;
    const char *ellipsis;
    char *scratch;    // a cut line followed by the ellipsis
    int width_px;     // the longest a line may be
    int size_px;      // em size being tried
    size_t cut_start; // where the line being cut starts
    size_t n_lines;
    struct span lines[MAX_LINES];
    bool has_ellipsis; // the last line is cut
};

// Control characters become spaces, runs of spaces one space, ends trimmed.
static char *normalise(const char *text)
{
    size_t size = strlen(text), n = 0;
    char *clean = xcalloc(size + 1, 1);
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c < 0x20 || c == 0x7F) {
            if (n > 0 && clean[n - 1] != ' ')
                clean[n++] = ' ';
        } else {
            clean[n++] = (char)c;
        }
    }
    while (n > 0 && clean[n - 1] == ' ')
        n--;
    clean[n] = '\0';
    return clean;
}

static bool is_wide(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x20000 && c <= 0x3FFFF);
}

static bool is_closing(uint32_t c)
{
    static const uint32_t closing[] = {0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF01, 0xFF1F, 0xFF1B,
                                       0xFF1A, 0xFF09, 0x300D, 0x300F, 0x300B, 0x3009, 0x3011,
                                       0x3015, 0x3017, 0x201D, 0x2019, 0x2026, 0x2014, 0x00B7,
                                       0x30FB, 0x30FC, 0xFF5E, ',',    '.',    '!',    '?',
                                       ';',    ':',    ')',    ']',    '}',    '%'};
    for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++) {
        if (closing[i] == c)
            return true;
    }
    return false;
}

static bool is_opening(uint32_t c)
{
    static const uint32_t opening[] = {0xFF08, 0x300C, 0x300E, 0x300A, 0x3008, 0x3010, 0x3014,
                                       0x3016, 0x201C, 0x2018, '(',    '[',    '{'};
    for (size_t i = 0; i < sizeof opening / sizeof opening[0]; i++) {
        if (opening[i] == c)
            return true;
    }
    return false;
}

// Between two non-space code points a line may break next to a CJK
// character, but never before closing or after opening punctuation.
static bool may_break_between(uint32_t before, uint32_t after)
{
    return (is_wide(before) || is_wide(after)) && !is_closing(after) && !is_opening(before);
}

static void find_breaks(struct wrapper *w)
{
    w->breaks = xcalloc(w->length + 1, sizeof *w->breaks);
    w->cuts = xcalloc(w->length + 1, sizeof *w->cuts);
    uint32_t previous = 0;
    size_t offset = 0, space_start = SIZE_MAX;
    while (offset < w->length) {
        size_t at = offset;
        uint32_t c = utf8_next(w->text, w->length, &offset);
        w->cuts[w->n_cuts++] = offset;
        if (c == ' ') {
            if (space_start == SIZE_MAX)
                space_start = at;
            continue;
        }
        if (space_start != SIZE_MAX)
            w->breaks[w->n_breaks++] = (struct break_at){space_start, at};
        else if (at > 0 && may_break_between(previous, c))
            w->breaks[w->n_breaks++] = (struct break_at){at, at};
        space_start = SIZE_MAX;
        previous = c;
    }
}

static size_t trim_end(const struct wrapper *w, size_t start, size_t end)
{
    while (end > start && w->text[end - 1] == ' ')
        end--;
    return end;
}

static int width_of(struct wrapper *w, const char *text, size_t length)
{
    return w->metrics.measure_width_px(w->metrics.context, BANNER_ROLE, w->size_px, text, length);
}

// The line text[start..end) ends with, spaces trimmed, then the ellipsis, in
// w->scratch; returns its length.
static size_t cut_line(struct wrapper *w, size_t start, size_t end)
{
    size_t n = trim_end(w, start, end) - start, n_ellipsis = strlen(w->ellipsis);
    memcpy(w->scratch, w->text + start, n);
    memcpy(w->scratch + n, w->ellipsis, n_ellipsis + 1);
    return n + n_ellipsis;
}

// Widths that grow with index i, for last_fitting().
typedef int (*width_at_fn)(struct wrapper *w, size_t i);

static int first_line_width(struct wrapper *w, size_t i)
{
    return width_of(w, w->text, w->breaks[i].end);
}

static int rest_width(struct wrapper *w, size_t i)
{
    return width_of(w, w->text + w->breaks[i].next, w->length - w->breaks[i].next);
}

static int prefix_width(struct wrapper *w, size_t i)
{
    return width_of(w, w->text + w->cut_start, w->cuts[i] - w->cut_start);
}

static int cut_width(struct wrapper *w, size_t i)
{
    size_t length = cut_line(w, w->cut_start, w->cuts[i]);
    return width_of(w, w->scratch, length);
}

// The largest i in [low, high) whose width fits a line, or SIZE_MAX.
static size_t last_fitting(struct wrapper *w, size_t low, size_t high, width_at_fn width_at)
{
    size_t found = SIZE_MAX;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (width_at(w, mid) <= w->width_px)
            found = mid, low = mid + 1;
        else
            high = mid;
    }
    return found;
}

static void set_line(struct wrapper *w, size_t index, size_t start, size_t end)
{
    w->lines[index] = (struct span){start, trim_end(w, start, end) - start};
    w->n_lines = index + 1;
}

// One line, or two of balanced widths (like CSS text-wrap: balance), when
// that fits the width at w->size_px.
static bool wrap_to_fit(struct wrapper *w)
{
    w->has_ellipsis = false;
    if (width_of(w, w->text, w->length) <= w->width_px) {
        set_line(w, 0, 0, w->length);
        return true;
    }
    if (w->n_breaks == 0)
        return false;
    // The first line widens and the second narrows as the break moves on:
    // the most even split is where they cross.
    size_t low = 0, high = w->n_breaks - 1;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (first_line_width(w, mid) < rest_width(w, mid))
            low = mid + 1;
        else
            high = mid;
    }
    size_t best = low;
    int first = first_line_width(w, low), rest = rest_width(w, low);
    int widest = first > rest ? first : rest;
    if (low > 0 && rest_width(w, low - 1) < widest)
        best = low - 1, widest = rest_width(w, low - 1);
    if (widest > w->width_px)
        return false;
    set_line(w, 0, 0, w->breaks[best].end);
    set_line(w, 1, w->breaks[best].next, w->length);
    return true;
}

// Fills max_lines lines as full as they go and ends the last one with the
// ellipsis where it no longer fits.
static void wrap_with_cut(struct wrapper *w, size_t max_lines)
{
    size_t start = 0;
    w->n_lines = 0;
    w->has_ellipsis = false;
    if (max_lines > 1) {
        size_t i = last_fitting(w, 0, w->n_breaks, first_line_width);
        if (i != SIZE_MAX) {
            set_line(w, 0, 0, w->breaks[i].end);
            start = w->breaks[i].next;
        } else { // one word wider than the line: cut it anywhere
            w->cut_start = 0;
            size_t c = last_fitting(w, 0, w->n_cuts, prefix_width);
            start = w->cuts[c == SIZE_MAX ? 0 : c];
            set_line(w, 0, 0, start);
            while (start < w->length && w->text[start] == ' ')
                start++;
        }
    }
    size_t index = w->n_lines;
    if (width_of(w, w->text + start, w->length - start) <= w->width_px) {
        set_line(w, index, start, w->length);
        return;
    }
    size_t low = 0;
    while (low < w->n_cuts && w->cuts[low] <= start)
        low++;
    w->cut_start = start;
    size_t c = last_fitting(w, low, w->n_cuts, cut_width);
    size_t end = c == SIZE_MAX ? start : w->cuts[c];
    for (size_t i = w->n_breaks; i-- > 0 && w->breaks[i].end > start;) {
        if (w->breaks[i].end > end)
            continue;
        size_t length = cut_line(w, start, w->breaks[i].end);
        if (width_of(w, w->scratch, length) >= w->width_px * CUT_AT_WORD_FILL)
            end = w->breaks[i].end;
        break;
    }
    set_line(w, index, start, end);
    w->has_ellipsis = true;
}

static void free_lines(struct drawn_line *drawn, size_t n_lines)
{
    for (size_t i = 0; i < n_lines; i++) {
        SDL_FreeSurface(drawn[i].surface);
        drawn[i].surface = NULL;
    }
}

static void find_ink(struct drawn_line *line)
{
    SDL_Surface *surface = line->surface;
    line->ink_top_px = line->ink_bottom_px = 0;
    for (int y = 0; y < surface->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)surface->pixels + y * surface->pitch);
        for (int x = 0; x < surface->w; x++) {
            if ((row[x] & surface->format->Amask) != 0) {
                if (line->ink_top_px == line->ink_bottom_px)
                    line->ink_top_px = y;
                line->ink_bottom_px = y + 1;
                break;
            }
        }
    }
}

// Draws w's lines at w->size_px. Returns 0, or -1 with SDL_GetError() set.
static int draw_lines(struct wrapper *w, struct drawn_line *drawn)
{
    for (size_t i = 0; i < w->n_lines; i++) {
        const char *text = w->text + w->lines[i].start;
        size_t length = w->lines[i].length;
        if (w->has_ellipsis && i + 1 == w->n_lines) {
            length = cut_line(w, w->lines[i].start, w->lines[i].start + length);
            text = w->scratch;
        }
        drawn[i].surface = fonts_render_line(w->fonts, BANNER_ROLE, w->size_px, text, length,
                                             text_color, &drawn[i].rise_px);
        if (!drawn[i].surface) {
            free_lines(drawn, i);
            return -1;
        }
        find_ink(&drawn[i]);
    }
    return 0;
}

static int line_pitch_px(const struct wrapper *w)
{
    return (int)(w->size_px * LINE_PITCH_EMS + 0.5);
}

// The rows the lines' ink covers when line i's surface top is at i pitches.
static void block_ink(const struct wrapper *w, const struct drawn_line *drawn, int *top_px,
                      int *bottom_px)
{
    *top_px = INT_MAX, *bottom_px = INT_MIN;
    for (size_t i = 0; i < w->n_lines; i++) {
        int offset = (int)i * line_pitch_px(w);
        if (drawn[i].ink_top_px == drawn[i].ink_bottom_px)
            continue;
        if (offset + drawn[i].ink_top_px < *top_px)
            *top_px = offset + drawn[i].ink_top_px;
        if (offset + drawn[i].ink_bottom_px > *bottom_px)
            *bottom_px = offset + drawn[i].ink_bottom_px;
    }
    if (*top_px > *bottom_px)
        *top_px = *bottom_px = 0;
}

// Whether the lines as wrapped fit the band's height. -1 when SDL_ttf failed.
static int ink_fits(struct wrapper *w, const struct geometry *g)
{
    struct drawn_line drawn[MAX_LINES] = {0};
    if (draw_lines(w, drawn) != 0)
        return -1;
    int top, bottom;
    block_ink(w, drawn, &top, &bottom);
    free_lines(drawn, w->n_lines);
    return bottom - top <= g->band_px - 2 * g->pad_px;
}

// Picks the largest size whose text fits in up to two lines; failing that,
// the smallest size, cut. Leaves w wrapped at that size. 0, or -1 (SDL_ttf).
static int choose_size(struct wrapper *w, const struct geometry *g)
{
    int low = (int)(g->band_px * MIN_SIZE_FRACTION), high = (int)(g->band_px * MAX_SIZE_FRACTION);
    low = low > 1 ? low : 1;
    high = high > low ? high : low;
    int best = 0;
    // Fitting is monotonic in the size: a larger size never fits where a smaller does not.
    while (low <= high) {
        w->size_px = low + (high - low) / 2;
        int fits = wrap_to_fit(w) ? ink_fits(w, g) : 0;
        if (fits < 0)
            return -1;
        if (fits)
            best = w->size_px, low = w->size_px + 1;
        else
            high = w->size_px - 1;
    }
    if (best > 0) {
        w->size_px = best;
        wrap_to_fit(w);
        return 0;
    }
    w->size_px = (int)(g->band_px * MIN_SIZE_FRACTION);
    w->size_px = w->size_px > 1 ? w->size_px : 1;
    wrap_with_cut(w, MAX_LINES);
    int fits = ink_fits(w, g);
    if (fits == 0) // a tiny output: one line is all there is room for
        wrap_with_cut(w, 1);
    return fits < 0 ? -1 : 0;
}

static struct geometry geometry_for(int width_px, int height_px, double safe_margin)
{
    double margin = isnan(safe_margin)         ? DEFAULT_MARGIN
                    : safe_margin < 0          ? 0
                    : safe_margin > MAX_MARGIN ? MAX_MARGIN
                                               : safe_margin;
    int shorter = width_px < height_px ? width_px : height_px;
    struct geometry g = {.width_px = width_px};
    g.band_px = (int)(shorter * BAND_FRACTION + 0.5);
    g.band_px = g.band_px > 1 ? g.band_px : 1;
    g.height_px = g.band_px + (int)(margin * height_px + 0.5);
    if (g.height_px > height_px)
        g.height_px = height_px;
    if (g.band_px > g.height_px)
        g.band_px = g.height_px;
    g.rule_px = (int)(g.band_px * RULE_FRACTION + 0.5);
    g.rule_px = g.rule_px > 1 ? g.rule_px : 1;
    g.pad_px = (int)(g.band_px * PAD_FRACTION + 0.5);
    g.margin_x_px = (int)(margin * width_px + 0.5);
    return g;
}

static void fill_rect(SDL_Surface *surface, SDL_Rect rect, SDL_Color color)
{
    SDL_FillRect(surface, &rect, SDL_MapRGBA(surface->format, color.r, color.g, color.b, color.a));
}

// SDL's blended blit can leave 254 in the alpha of a destination that was
// opaque; the bar must cover what is behind it completely.
static void make_opaque(SDL_Surface *surface)
{
    for (int y = 0; y < surface->h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)surface->pixels + y * surface->pitch);
        for (int x = 0; x < surface->w; x++)
            row[x] |= surface->format->Amask;
    }
}

// The bar with w's lines centred in its band; text never leaves the band
// or the side margins. NULL with SDL_GetError() set.
static SDL_Surface *draw_bar(struct wrapper *w, const struct geometry *g)
{
    struct drawn_line drawn[MAX_LINES] = {0};
    if (draw_lines(w, drawn) != 0)
        return NULL;
    SDL_Surface *bar =
        SDL_CreateRGBSurfaceWithFormat(0, g->width_px, g->height_px, 32, SDL_PIXELFORMAT_ARGB8888);
    if (bar) {
        fill_rect(bar, (SDL_Rect){0, 0, g->width_px, g->height_px}, bar_color);
        fill_rect(bar, (SDL_Rect){0, 0, g->width_px, g->rule_px}, rule_color);
        int top, bottom;
        block_ink(w, drawn, &top, &bottom);
        int origin = (g->rule_px + g->band_px) / 2 - (top + bottom) / 2;
        SDL_Rect clip = {g->margin_x_px, g->rule_px, g->width_px - 2 * g->margin_x_px,
                         g->band_px - g->rule_px};
        SDL_SetClipRect(bar, &clip);
        for (size_t i = 0; i < w->n_lines; i++) {
            SDL_Rect where = {(g->width_px - drawn[i].surface->w) / 2,
                              origin + (int)i * line_pitch_px(w), 0, 0};
            SDL_SetSurfaceBlendMode(drawn[i].surface, SDL_BLENDMODE_BLEND);
            SDL_BlitSurface(drawn[i].surface, NULL, bar, &where);
        }
        SDL_SetClipRect(bar, NULL);
        make_opaque(bar);
    }
    free_lines(drawn, w->n_lines);
    return bar;
}

SDL_Surface *banner_draw(struct fonts *fonts, const char *text, int output_width_px,
                         int output_height_px, double safe_margin, char *error, size_t error_size)
{
    if (output_width_px <= 0 || output_height_px <= 0) {
        snprintf(error, error_size, "cannot draw a banner for a %dx%d screen", output_width_px,
                 output_height_px);
        return NULL;
    }
    char *clean = normalise(text ? text : "");
    if (clean[0] == '\0') {
        snprintf(error, error_size, "the announcement has no text");
        free(clean);
        return NULL;
    }
    struct geometry g = geometry_for(output_width_px, output_height_px, safe_margin);
    struct wrapper w = {
        .fonts = fonts,
        .metrics = fonts_text_metrics(fonts),
        .text = clean,
        .length = strlen(clean),
        .ellipsis = fonts_can_draw(fonts, 0x2026) ? "\xE2\x80\xA6" : "...",
        .width_px = g.width_px - 2 * g.margin_x_px > 1 ? g.width_px - 2 * g.margin_x_px : 1,
    };
    w.scratch = xcalloc(w.length + 4, 1);
    find_breaks(&w);
    SDL_Surface *bar = choose_size(&w, &g) == 0 ? draw_bar(&w, &g) : NULL;
    if (!bar)
        snprintf(error, error_size, "cannot draw the banner: %s", SDL_GetError());
    free(w.scratch);
    free(w.breaks);
    free(w.cuts);
    free(clean);
    return bar;
}
