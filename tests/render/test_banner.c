// The announcement banner as a viewer sees it, with real fonts found through
// fontconfig: a bar as wide as the screen and a modest part of its height,
// readable text (WCAG AA) in it, centred, inside the safe margin, Chinese and
// Latin alike, long text shrunk and cut instead of overflowing.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <SDL.h>

#include "render_checks.h"

#include "base/utf8.h"
#include "render/banner.h"
#include "render/font.h"

#define WCAG_AA_MIN_CONTRAST 4.5
#define SAFE_MARGIN          0.05

static struct fonts *fonts;

static int setup(void **state)
{
    (void)state;
    char error[256];
    fonts = fonts_create(error, sizeof error);
    if (!fonts)
        fprintf(stderr, "%s\n", error);
    return fonts ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fonts_destroy(fonts);
    return 0;
}

static bool same(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

// What a drawn banner holds, read back from its pixels.
struct reading {
    SDL_Color bar, text;                // text: the brightest colour on the bar (glyph interiors)
    int rule_height;                    // rows of another colour along the top edge
    int ink_x0, ink_y0, ink_x1, ink_y1; // box of every pixel that is neither bar nor rule
    int n_ink, n_text;                  // pixels of ink, and of exactly the text colour
    int n_lines;                        // runs of rows with ink
    bool is_opaque;
};

static struct reading read_banner(SDL_Surface *banner)
{
    struct reading r = {.bar = render_checks_color_at(banner, 0, banner->h - 1),
                        .ink_x0 = banner->w,
                        .ink_y0 = banner->h,
                        .is_opaque = true};
    SDL_Color rule = render_checks_color_at(banner, 0, 0);
    while (r.rule_height < banner->h &&
           same(render_checks_color_at(banner, 0, r.rule_height), rule) && !same(rule, r.bar))
        r.rule_height++;
    bool was_ink_row = false;
    for (int y = r.rule_height; y < banner->h; y++) {
        bool is_ink_row = false;
        for (int x = 0; x < banner->w; x++) {
            SDL_Color c = render_checks_color_at(banner, x, y);
            r.is_opaque = r.is_opaque && c.a == 255;
            if (same(c, r.bar))
                continue;
            is_ink_row = true;
            r.n_ink++;
            if (render_checks_luminance_of(c) > render_checks_luminance_of(r.text) || r.n_ink == 1)
                r.text = c;
            r.ink_x0 = x < r.ink_x0 ? x : r.ink_x0;
            r.ink_x1 = x + 1 > r.ink_x1 ? x + 1 : r.ink_x1;
            r.ink_y0 = y < r.ink_y0 ? y : r.ink_y0;
            r.ink_y1 = y + 1 > r.ink_y1 ? y + 1 : r.ink_y1;
        }
        r.n_lines += is_ink_row && !was_ink_row;
        was_ink_row = is_ink_row;
    }
    for (int y = r.rule_height; y < banner->h; y++) {
        for (int x = 0; x < banner->w; x++)
            r.n_text += same(render_checks_color_at(banner, x, y), r.text);
    }
    return r;
}

static void assert_every_code_point_drawable(const char *text)
{
    size_t length = strlen(text), offset = 0;
    while (offset < length) {
        uint32_t codepoint = utf8_next(text, length, &offset);
        if (!fonts_can_draw(fonts, codepoint))
            fail_msg("U+%04X of \"%s\" would be tofu", codepoint, text);
    }
}

// 13 characters: one line on either screen.
static const char chinese[] = "下午三点全体师生到礼堂集合";
static const char latin[] = "Assembly in the main hall at 3 pm today: all students and staff";
static const char mixed[] = "今天 15:30 在礼堂举行 Science Fair 颁奖典礼，请各班准时入场。";

struct banner_case {
    const char *name;
    const char *text;
    int width, height;
    int n_lines; // expected; 0: do not check
};

static void check_banner(const struct banner_case *c, struct reading *out)
{
    char error[256] = "";
    SDL_Surface *banner =
        banner_draw(fonts, c->text, c->width, c->height, SAFE_MARGIN, error, sizeof error);
    if (!banner)
        fail_msg("%s: %s", c->name, error);
    struct reading r = read_banner(banner);
    int shorter = c->width < c->height ? c->width : c->height;
    int margin_x = (int)(SAFE_MARGIN * c->width + 0.5);
    int band_bottom = banner->h - (int)(SAFE_MARGIN * c->height + 0.5);
    print_message("%s: %dx%d bar, rule %d, ink [%d,%d)x[%d,%d), %d line(s), contrast %.1f:1\n",
                  c->name, banner->w, banner->h, r.rule_height, r.ink_x0, r.ink_x1, r.ink_y0,
                  r.ink_y1, r.n_lines, render_checks_contrast(r.text, r.bar));
    assert_int_equal(banner->format->format, SDL_PIXELFORMAT_ARGB8888);
    assert_int_equal(banner->w, c->width);
    assert_true(r.is_opaque);
    // About a sixth to a fifth of a landscape screen; on a portrait one the
    // same text band (from the shorter side), so well under a fifth.
    if (banner->h < shorter / 6 || banner->h > c->height / 5)
        fail_msg("%s: bar %d px high on a %dx%d screen", c->name, banner->h, c->width, c->height);
    // Text was drawn, readable, and stays inside the bar's safe part.
    if (r.n_text < 200)
        fail_msg("%s: only %d pixels of text colour", c->name, r.n_text);
    double ratio = render_checks_contrast(r.text, r.bar);
    if (ratio < WCAG_AA_MIN_CONTRAST)
        fail_msg("%s: text contrast %.2f:1, below %.1f:1", c->name, ratio, WCAG_AA_MIN_CONTRAST);
    if (r.ink_x0 < margin_x || r.ink_x1 > c->width - margin_x || r.ink_y0 <= r.rule_height ||
        r.ink_y1 > band_bottom)
        fail_msg("%s: ink [%d,%d)x[%d,%d) outside the safe band [%d,%d)x(%d,%d)", c->name, r.ink_x0,
                 r.ink_x1, r.ink_y0, r.ink_y1, margin_x, c->width - margin_x, r.rule_height,
                 band_bottom);
    // Centred both ways (within 2% of the width, 10% of the band).
    int centre_x = (r.ink_x0 + r.ink_x1) / 2, centre_y = (r.ink_y0 + r.ink_y1) / 2;
    int band_centre = (r.rule_height + band_bottom) / 2;
    if (abs(centre_x - c->width / 2) > c->width / 50 ||
        abs(centre_y - band_centre) > (band_bottom - r.rule_height) / 10)
        fail_msg("%s: text centred at (%d,%d), not (%d,%d)", c->name, centre_x, centre_y,
                 c->width / 2, band_centre);
    if (c->n_lines > 0 && r.n_lines != c->n_lines)
        fail_msg("%s: %d line(s), expected %d", c->name, r.n_lines, c->n_lines);
    SDL_FreeSurface(banner);
    if (out)
        *out = r;
}

static const struct banner_case banner_cases[] = {
    {"chinese landscape", chinese, 1920, 1080, 1},
    {"chinese portrait", chinese, 1080, 1920, 1},
    {"latin landscape", latin, 1920, 1080, 1}, // one line at ~50 px beats two     {"latin
                                               // portrait", latin, 1080, 1920, 2},
    {"mixed landscape", mixed, 1920, 1080, 0},
    {"mixed portrait", mixed, 1080, 1920, 2},
    {"chinese 4k", chinese, 3840, 2160, 1},
    {"chinese 720p", chinese, 1280, 720, 1},
};

static void test_banner_is_readable_and_inside_the_safe_area(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof banner_cases / sizeof banner_cases[0]; i++) {
        assert_every_code_point_drawable(banner_cases[i].text);
        struct reading r;
        check_banner(&banner_cases[i], &r);
        // Short text is set large: ink at least a third of the text band.
        if (banner_cases[i].text == chinese) {
            int shorter = banner_cases[i].width < banner_cases[i].height ? banner_cases[i].width
                                                                         : banner_cases[i].height;
            if (r.ink_y1 - r.ink_y0 < shorter * 0.13 / 3)
                fail_msg("%s: text only %d px high", banner_cases[i].name, r.ink_y1 - r.ink_y0);
        }
    }
}

// 500 characters (and one 300-letter word) cannot fit two lines even shrunk:
// they are cut, two full lines, still inside the band.
static void test_long_text_is_cut_not_overflowing(void **state)
{
    (void)state;
    char long_chinese[500 * 3 + 1] = "";
    for (int i = 0; i < 500; i++)
        strcat(long_chinese, (const char *[]){"通", "知", "，", "明", "天"}[i % 5]);
    char long_latin[501];
    for (int i = 0; i < 500; i++)
        long_latin[i] = "All classes end early today "[i % 28];
    long_latin[500] = '\0';
    char one_word[301];
    memset(one_word, 'W', 300);
    one_word[300] = '\0';
    const struct banner_case cases[] = {
        {"long chinese landscape", long_chinese, 1920, 1080, 2},
        {"long chinese portrait", long_chinese, 1080, 1920, 2},
        {"long latin landscape", long_latin, 1920, 1080, 2},
        {"long latin portrait", long_latin, 1080, 1920, 2},
        {"one long word", one_word, 1920, 1080, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct reading r;
        check_banner(&cases[i], &r);
        // Cut lines are full: the ink spans most of the safe width.
        int safe_width = cases[i].width - 2 * (int)(SAFE_MARGIN * cases[i].width + 0.5);
        if (r.ink_x1 - r.ink_x0 < safe_width * 9 / 10)
            fail_msg("%s: ink only %d px wide of %d", cases[i].name, r.ink_x1 - r.ink_x0,
                     safe_width);
    }
}

static void test_empty_text_is_an_error(void **state)
{
    (void)state;
    const char *texts[] = {"", "   ", " \n\t ", NULL};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char error[256] = "";
        SDL_Surface *banner =
            banner_draw(fonts, texts[i], 1920, 1080, SAFE_MARGIN, error, sizeof error);
        assert_null(banner);
        assert_true(strlen(error) > 0);
    }
    char error[256] = "";
    assert_null(banner_draw(fonts, chinese, 0, 1080, SAFE_MARGIN, error, sizeof error));
    assert_true(strlen(error) > 0);
}

// A tiny window, control characters and odd margins draw without harm.
static void test_odd_inputs_stay_inside(void **state)
{
    (void)state;
    const struct {
        const char *text;
        int width, height;
        double margin;
    } cases[] = {
        {chinese, 160, 90, SAFE_MARGIN}, {"line one\nline two\ttabbed", 1920, 1080, SAFE_MARGIN},
        {latin, 1920, 1080, 0.0},        {latin, 1920, 1080, NAN},
        {latin, 1920, 1080, 0.9},        {"\xFF\xFE broken UTF-8", 1920, 1080, SAFE_MARGIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char error[256] = "";
        SDL_Surface *banner = banner_draw(fonts, cases[i].text, cases[i].width, cases[i].height,
                                          cases[i].margin, error, sizeof error);
        if (!banner)
            fail_msg("case %zu: %s", i, error);
        assert_int_equal(banner->w, cases[i].width);
        assert_true(banner->h > 0 && banner->h <= cases[i].height);
        SDL_FreeSurface(banner);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_banner_is_readable_and_inside_the_safe_area),
        cmocka_unit_test(test_long_text_is_cut_not_overflowing),
        cmocka_unit_test(test_empty_text_is_an_error),
        cmocka_unit_test(test_odd_inputs_stay_inside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
