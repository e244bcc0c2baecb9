// The shipped lesson, laid out and drawn with the real fonts at every screen
// size the player supports: nothing overflows, nothing leaves the safe area
// or overlaps, no pixel lands in the overscan margin, every character has a
// face. It checks the lesson, not the layout rules (tests/show does that).
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <cmocka.h>

#include "app/slide_view.h"
#include "base/file_io.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "render/font.h"
#include "render/slide_raster.h"
#include "show/deck.h"

#define LESSON_PATH         "content/lesson/lesson.md"
#define MAX_PIXELS_REPORTED 3 // per slide and size: enough to locate the stray drawing

struct lesson {
    struct fonts *fonts;
    struct deck *deck;
    char content_root[PATH_MAX];
    char deck_dir[PATH_MAX];
};

struct screen {
    const char *name;
    int width_px, height_px;
};

// What one slide at one size is checked against; failures only print and
// count, so one run lists every problem of every slide.
struct slide_check {
    const struct lesson *lesson;
    const struct screen *screen;
    size_t slide_number; // 1-based, as --check and the play log count
    const struct deck_slide *slide;
    size_t n_failures;
};

static const char *source_dir(void)
{
    const char *dir = getenv("SIGNAGE_SOURCE_DIR");
    if (!dir)
        fail_msg("SIGNAGE_SOURCE_DIR is not set");
    return dir;
}

static void resolve(const char *relative, char resolved[PATH_MAX])
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", source_dir(), relative);
    if (!realpath(path, resolved))
        fail_msg("cannot resolve %s", path);
}

static int setup(void **state)
{
    struct lesson *lesson = xcalloc(1, sizeof *lesson);
    char error[512], path[PATH_MAX];
    lesson->fonts = fonts_create(error, sizeof error);
    if (!lesson->fonts)
        fail_msg("fonts: %s", error);
    resolve("content", lesson->content_root);
    resolve("content/lesson", lesson->deck_dir);
    snprintf(path, sizeof path, "%s/%s", source_dir(), LESSON_PATH);
    char *text;
    size_t length;
    assert_int_equal(file_read_all(path, FILE_IO_TEXT_MAX_BYTES, &text, &length), 0);
    struct parse_report report;
    parse_report_init(&report);
    lesson->deck = deck_parse(text, length, &report);
    free(text);
    assert_non_null(lesson->deck);
    *state = lesson;
    return 0;
}

static int teardown(void **state)
{
    struct lesson *lesson = *state;
    deck_destroy(lesson->deck);
    fonts_destroy(lesson->fonts);
    free(lesson);
    return 0;
}

__attribute__((format(printf, 2, 3))) static void report(struct slide_check *check,
                                                         const char *format, ...)
{
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    print_error("%s:%d: slide %zu at %dx%d (%s): %s\n", LESSON_PATH, check->slide->line,
                check->slide_number, check->screen->width_px, check->screen->height_px,
                check->screen->name, message);
    check->n_failures++;
}

static bool is_inside(const struct layout_rect *rect, const struct layout_rect *area)
{
    return rect->x_px >= area->x_px && rect->y_px >= area->y_px &&
           rect->x_px + rect->width_px <= area->x_px + area->width_px &&
           rect->y_px + rect->height_px <= area->y_px + area->height_px;
}

static bool overlaps(const struct layout_rect *a, const struct layout_rect *b)
{
    return a->x_px < b->x_px + b->width_px && b->x_px < a->x_px + a->width_px &&
           a->y_px < b->y_px + b->height_px && b->y_px < a->y_px + a->height_px;
}

#define RECT_FORMAT      "(%d,%d %dx%d)"
#define RECT_ARGS(rect)  (rect).x_px, (rect).y_px, (rect).width_px, (rect).height_px
#define TEXT_FORMAT      "text \"%.*s\" " RECT_FORMAT
#define TEXT_ARGS(line)  (int)(line)->length, (line)->text, RECT_ARGS((line)->rect)
#define BOX_FORMAT       "box %zu (block %zu) " RECT_FORMAT
#define BOX_ARGS(i, box) (i), (box)->block_index, RECT_ARGS((box)->rect)

static void check_texts(struct slide_check *check, const struct slide_layout *layout)
{
    for (size_t i = 0; i < layout->n_texts; i++) {
        const struct layout_text *text = &layout->texts[i];
        if (!is_inside(&text->rect, &layout->safe_area))
            report(check, TEXT_FORMAT " leaves the safe area " RECT_FORMAT, TEXT_ARGS(text),
                   RECT_ARGS(layout->safe_area));
        for (size_t j = i + 1; j < layout->n_texts; j++) {
            const struct layout_text *other = &layout->texts[j];
            if (overlaps(&text->rect, &other->rect))
                report(check, TEXT_FORMAT " overlaps " TEXT_FORMAT, TEXT_ARGS(text),
                       TEXT_ARGS(other));
        }
    }
}

// Boxes may hold texts (a callout card holds its figure and label), so only
// boxes are compared with boxes.
static void check_boxes(struct slide_check *check, const struct slide_layout *layout)
{
    for (size_t i = 0; i < layout->n_boxes; i++) {
        const struct layout_box *box = &layout->boxes[i];
        if (!is_inside(&box->rect, &layout->safe_area))
            report(check, BOX_FORMAT " leaves the safe area " RECT_FORMAT, BOX_ARGS(i, box),
                   RECT_ARGS(layout->safe_area));
        for (size_t j = i + 1; j < layout->n_boxes; j++) {
            const struct layout_box *other = &layout->boxes[j];
            if (overlaps(&box->rect, &other->rect))
                report(check, BOX_FORMAT " overlaps " BOX_FORMAT, BOX_ARGS(i, box),
                       BOX_ARGS(j, other));
        }
    }
}

static void check_layout(struct slide_check *check, struct layout_rect *safe_area)
{
    struct slide_layout *layout =
        slide_view_layout(check->lesson->fonts, check->slide, check->screen->width_px,
                          check->screen->height_px, LAYOUT_DEFAULT_SAFE_MARGIN);
    if (layout->is_overflowing)
        report(check, "overflows even at the smallest scale (%.2f)", layout->scale);
    check_texts(check, layout);
    check_boxes(check, layout);
    *safe_area = layout->safe_area;
    layout_destroy(layout);
}

// Counts pixels of row y in [x_begin, x_end) that are not the background,
// reporting the first few.
static size_t check_row(struct slide_check *check, const SDL_Surface *surface, int y, int x_begin,
                        int x_end, size_t n_stray)
{
    const uint32_t *row =
        (const uint32_t *)((const uint8_t *)surface->pixels + (size_t)y * (size_t)surface->pitch);
    SDL_Color background = slide_raster_background();
    for (int x = x_begin; x < x_end; x++) {
        uint8_t r, g, b;
        SDL_GetRGB(row[x], surface->format, &r, &g, &b);
        if (r == background.r && g == background.g && b == background.b)
            continue;
        if (n_stray++ < MAX_PIXELS_REPORTED)
            report(check, "pixel (%d,%d) outside the safe area is #%02X%02X%02X, not #%02X%02X%02X",
                   x, y, r, g, b, background.r, background.g, background.b);
    }
    return n_stray;
}

static void check_margin(struct slide_check *check, const struct layout_rect *safe_area)
{
    SDL_Surface *surface = slide_view_draw(
        check->lesson->fonts, check->slide, check->lesson->content_root, check->lesson->deck_dir,
        check->screen->width_px, check->screen->height_px, LAYOUT_DEFAULT_SAFE_MARGIN);
    assert_non_null(surface);
    assert_int_equal(surface->format->format, SDL_PIXELFORMAT_ARGB8888);
    SDL_LockSurface(surface);
    int left = safe_area->x_px, right = safe_area->x_px + safe_area->width_px;
    int top = safe_area->y_px, bottom = safe_area->y_px + safe_area->height_px;
    size_t n_stray = 0;
    for (int y = 0; y < surface->h; y++) {
        if (y < top || y >= bottom) {
            n_stray = check_row(check, surface, y, 0, surface->w, n_stray);
            continue;
        }
        n_stray = check_row(check, surface, y, 0, left, n_stray);
        n_stray = check_row(check, surface, y, right, surface->w, n_stray);
    }
    SDL_UnlockSurface(surface);
    SDL_FreeSurface(surface);
    if (n_stray > MAX_PIXELS_REPORTED)
        report(check, "%zu stray pixels in all", n_stray);
}

static void check_screen(void **state, const struct screen *screen)
{
    const struct lesson *lesson = *state;
    size_t n_failures = 0, n_slides = deck_n_slides(lesson->deck);
    for (size_t i = 0; i < n_slides; i++) {
        struct slide_check check = {lesson, screen, i + 1, deck_slide_at(lesson->deck, i), 0};
        struct layout_rect safe_area;
        check_layout(&check, &safe_area);
        check_margin(&check, &safe_area);
        n_failures += check.n_failures;
    }
    if (n_failures > 0)
        fail_msg("%zu problems in %zu slides at %dx%d", n_failures, n_slides, screen->width_px,
                 screen->height_px);
}

static void test_hd(void **state)
{
    check_screen(state, &(struct screen){"HD", 1280, 720});
}

static void test_full_hd(void **state)
{
    check_screen(state, &(struct screen){"Full HD", 1920, 1080});
}

static void test_4k(void **state)
{
    check_screen(state, &(struct screen){"4K", 3840, 2160});
}

static void test_portrait(void **state)
{
    check_screen(state, &(struct screen){"portrait Full HD", 1080, 1920});
}

// Reports every code point above U+0020 of text that no face can draw.
static size_t check_glyphs(const struct lesson *lesson, int line, const char *text)
{
    size_t length = text ? strlen(text) : 0, offset = 0, n_missing = 0;
    while (offset < length) {
        size_t start = offset;
        uint32_t codepoint = utf8_next(text, length, &offset);
        if (codepoint != UTF8_INVALID &&
            (codepoint <= 0x20 || fonts_can_draw(lesson->fonts, codepoint)))
            continue;
        print_error("%s:%d: no face draws '%.*s' (U+%04X)\n", LESSON_PATH, line,
                    (int)(offset - start), text + start, (unsigned)codepoint);
        n_missing++;
    }
    return n_missing;
}

static void test_every_character_has_a_face(void **state)
{
    const struct lesson *lesson = *state;
    size_t n_missing = 0;
    for (size_t i = 0; i < deck_n_slides(lesson->deck); i++) {
        const struct deck_slide *slide = deck_slide_at(lesson->deck, i);
        for (size_t j = 0; j < slide->n_blocks; j++) {
            n_missing += check_glyphs(lesson, slide->blocks[j].line, slide->blocks[j].text);
            n_missing += check_glyphs(lesson, slide->blocks[j].line, slide->blocks[j].figure);
        }
    }
    assert_int_equal(n_missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_character_has_a_face),
        cmocka_unit_test(test_hd),
        cmocka_unit_test(test_full_hd),
        cmocka_unit_test(test_4k),
        cmocka_unit_test(test_portrait),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
