// The clock faces as a viewer sees them, with real fonts found through
// fontconfig: the corner plate is small, keeps its size from minute to
// minute, holds all its text inside (padded, none in the rounded-off
// corners) and is readable over white and black (WCAG AA); the full-screen
// clock is opaque, its text inside the safe margin, moving a little with the
// hour; every character either draws has a font (no tofu).
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

#include "render/clock_face.h"
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

static bool same_rgb(SDL_Color a, SDL_Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

// Monday 30 November 2026, 08:05.
static const struct clock_face_time monday = {2026, 11, 30, 0, 8, 5};

static void test_date_text(void **state)
{
    (void)state;
    char text[96];
    clock_face_date_text(&monday, text, sizeof text);
    assert_string_equal(text, "11月30日 周一 · Mon 30 Nov");
    struct clock_face_time sunday = {2027, 1, 3, 6, 23, 59};
    clock_face_date_text(&sunday, text, sizeof text);
    assert_string_equal(text, "1月3日 周日 · Sun 3 Jan");
    // Nonsense is clamped into the tables, never read outside them.
    struct clock_face_time nonsense = {0, 13, 0, 9, 25, -1};
    clock_face_date_text(&nonsense, text, sizeof text);
    assert_string_equal(text, "12月1日 周日 · Sun 1 Dec");
    assert_true(clock_face_can_draw(fonts));
}

// What a drawn plate holds, read back from its pixels.
struct plate_reading {
    SDL_Color plate;                    // the colour (and alpha) of its body
    int ink_x0, ink_y0, ink_x1, ink_y1; // box of every pixel that is not plate
    int n_ink, n_white;
    int n_ink_outside_body; // ink where the plate is not fully there (its rounded corners)
    SDL_Color date;         // the most common ink colour in the date line's rows
};

static struct plate_reading read_plate(const SDL_Surface *plate)
{
    struct plate_reading r = {.plate = render_checks_color_at(plate, plate->w / 2, plate->h - 1),
                              .ink_x0 = plate->w,
                              .ink_y0 = plate->h};
    for (int y = 0; y < plate->h; y++) {
        for (int x = 0; x < plate->w; x++) {
            SDL_Color c = render_checks_color_at(plate, x, y);
            if (same_rgb(c, r.plate))
                continue;
            r.n_ink++;
            r.n_white += c.r == 255 && c.g == 255 && c.b == 255 && c.a == 255;
            r.n_ink_outside_body += c.a < r.plate.a;
            r.ink_x0 = x < r.ink_x0 ? x : r.ink_x0;
            r.ink_x1 = x + 1 > r.ink_x1 ? x + 1 : r.ink_x1;
            r.ink_y0 = y < r.ink_y0 ? y : r.ink_y0;
            r.ink_y1 = y + 1 > r.ink_y1 ? y + 1 : r.ink_y1;
        }
    }
    // The date: the bottom quarter of the ink, its commonest opaque colour.
    int best = 0;
    for (int y = r.ink_y1 - (r.ink_y1 - r.ink_y0) / 4; y < r.ink_y1; y++) {
        for (int x = r.ink_x0; x < r.ink_x1; x++) {
            SDL_Color c = render_checks_color_at(plate, x, y);
            if (same_rgb(c, r.plate) || c.a != 255)
                continue;
            int n = 0;
            for (int x2 = r.ink_x0; x2 < r.ink_x1; x2++)
                n += same_rgb(render_checks_color_at(plate, x2, y), c);
            if (n > best)
                best = n, r.date = c;
        }
    }
    return r;
}

struct screen_size {
    int width, height;
};

static const struct screen_size sizes[] = {
    {1920, 1080}, {1080, 1920}, {1280, 720}, {3840, 2160}, {800, 480}, {320, 180},
};

// The plate over background (0 black, 255 white), as the presenter blends it.
static double composite_luminance(SDL_Color plate, double background)
{
    double a = plate.a / 255.0;
    return render_checks_luminance(plate.r * a + background * (1 - a),
                                   plate.g * a + background * (1 - a),
                                   plate.b * a + background * (1 - a));
}

static void check_plate(const struct screen_size *size)
{
    char error[256];
    SDL_Surface *plate = clock_face_draw_plate(fonts, &monday, size->width, size->height,
                                               SAFE_MARGIN, error, sizeof error);
    if (!plate)
        fail_msg("%dx%d: %s", size->width, size->height, error);
    int shorter = size->width < size->height ? size->width : size->height;
    print_message("%dx%d: plate %dx%d\n", size->width, size->height, plate->w, plate->h);
    // Small: at most half the width inside the margins, a fifth of the shorter side high.
    if (plate->w > size->width * (1 - 2 * SAFE_MARGIN) / 2 || plate->h > shorter / 5 ||
        plate->h < shorter / 20)
        fail_msg("%dx%d: the plate is %dx%d", size->width, size->height, plate->w, plate->h);
    struct plate_reading r = read_plate(plate);
    // Translucent but mostly opaque body; the corners rounded off to nothing.
    assert_in_range(r.plate.a, 200, 250);
    assert_int_equal(render_checks_color_at(plate, 0, 0).a, 0);
    assert_int_equal(render_checks_color_at(plate, plate->w - 1, plate->h - 1).a, 0);
    // Text is there (white, the time's digits) and every bit of it lies
    // inside the plate's body, padded from every edge.
    if (r.n_white < plate->w * plate->h / 50)
        fail_msg("%dx%d: only %d white pixels on the plate", size->width, size->height, r.n_white);
    assert_int_equal(r.n_ink_outside_body, 0);
    int pad = plate->h / 20;
    if (r.ink_x0 < pad || r.ink_y0 < pad || r.ink_x1 > plate->w - pad || r.ink_y1 > plate->h - pad)
        fail_msg("%dx%d: ink %d,%d-%d,%d in a %dx%d plate comes within %d px of its edge",
                 size->width, size->height, r.ink_x0, r.ink_y0, r.ink_x1, r.ink_y1, plate->w,
                 plate->h, pad);
    // Centred: as much room left as right, within a few pixels.
    if (abs(r.ink_x0 - (plate->w - r.ink_x1)) > 2 + plate->w / 50)
        fail_msg("%dx%d: ink from x %d to %d in a plate %d wide is not centred", size->width,
                 size->height, r.ink_x0, r.ink_x1, plate->w);
    // Readable over the brightest and the darkest picture (on a screen
    // large enough for the date's strokes to have solid pixels).
    for (int background = 0; background <= 255 && shorter >= 480; background += 255) {
        double plate_l = composite_luminance(r.plate, background);
        double white = render_checks_ratio(render_checks_luminance(255, 255, 255), plate_l);
        double date =
            render_checks_ratio(render_checks_luminance(r.date.r, r.date.g, r.date.b), plate_l);
        if (white < WCAG_AA_MIN_CONTRAST || date < WCAG_AA_MIN_CONTRAST)
            fail_msg("%dx%d over %d: contrast %.1f (time), %.1f (date #%02x%02x%02x)", size->width,
                     size->height, background, white, date, r.date.r, r.date.g, r.date.b);
    }
    SDL_FreeSurface(plate);
}

static void test_plate_is_small_padded_and_readable(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        check_plate(&sizes[i]);
}

// The plate does not breathe as the minutes pass: same size for every time
// of one day.
static void test_plate_keeps_its_size(void **state)
{
    (void)state;
    char error[256];
    int width = 0, height = 0;
    static const int times[][2] = {{0, 0}, {1, 11}, {8, 5}, {11, 11}, {17, 47}, {20, 8}, {23, 59}};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        struct clock_face_time time = monday;
        time.hour = times[i][0];
        time.minute = times[i][1];
        SDL_Surface *plate =
            clock_face_draw_plate(fonts, &time, 1920, 1080, SAFE_MARGIN, error, sizeof error);
        assert_non_null(plate);
        if (i > 0 && (plate->w != width || plate->h != height))
            fail_msg("%02d:%02d: the plate is %dx%d, at 00:00 %dx%d", times[i][0], times[i][1],
                     plate->w, plate->h, width, height);
        width = plate->w;
        height = plate->h;
        SDL_FreeSurface(plate);
    }
}

// The box of pixels other than the background colour.
static SDL_Rect ink_box(const SDL_Surface *screen, SDL_Color background)
{
    int x0 = screen->w, y0 = screen->h, x1 = 0, y1 = 0;
    for (int y = 0; y < screen->h; y++) {
        for (int x = 0; x < screen->w; x++) {
            if (same_rgb(render_checks_color_at(screen, x, y), background))
                continue;
            x0 = x < x0 ? x : x0;
            x1 = x + 1 > x1 ? x + 1 : x1;
            y0 = y < y0 ? y : y0;
            y1 = y + 1 > y1 ? y + 1 : y1;
        }
    }
    return (SDL_Rect){x0, y0, x1 - x0, y1 - y0};
}

static void test_screen_is_opaque_inside_the_margin_and_drifts(void **state)
{
    (void)state;
    char error[256];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const struct screen_size *size = &sizes[i];
        if (size->width * size->height > 1920 * 1080)
            continue; // 4K adds time, not coverage
        SDL_Rect first = {0};
        for (int hour = 0; hour < 8; hour++) {
            struct clock_face_time time = monday;
            time.hour = hour;
            SDL_Surface *screen = clock_face_draw_screen(fonts, &time, size->width, size->height,
                                                         SAFE_MARGIN, error, sizeof error);
            if (!screen)
                fail_msg("%dx%d: %s", size->width, size->height, error);
            assert_int_equal(screen->w, size->width);
            assert_int_equal(screen->h, size->height);
            SDL_Color background = render_checks_color_at(screen, 0, 0);
            assert_int_equal(background.a, 255);
            assert_int_equal(render_checks_color_at(screen, size->width - 1, size->height / 2).a,
                             255);
            assert_true(render_checks_luminance(background.r, background.g, background.b) <
                        0.02); // dark
            SDL_Rect ink = ink_box(screen, background);
            int margin_x = (int)(size->width * SAFE_MARGIN),
                margin_y = (int)(size->height * SAFE_MARGIN);
            if (ink.x < margin_x || ink.y < margin_y || ink.x + ink.w > size->width - margin_x ||
                ink.y + ink.h > size->height - margin_y)
                fail_msg("%dx%d at %d:00: text at %d,%d %dx%d leaves the safe area", size->width,
                         size->height, hour, ink.x, ink.y, ink.w, ink.h);
            // Large: the block spans a good part of the screen, and its middle is ink.
            int shorter = size->width < size->height ? size->width : size->height;
            if (ink.h < shorter / 3 || ink.w < size->width / 3)
                fail_msg("%dx%d: the clock is only %dx%d", size->width, size->height, ink.w, ink.h);
            if (hour == 0)
                first = ink;
            else if (hour == 1 && ink.x == first.x && ink.y == first.y)
                fail_msg("%dx%d: the clock stood at %d,%d at 0:00 and at 1:00", size->width,
                         size->height, ink.x, ink.y);
            SDL_FreeSurface(screen);
        }
    }
}

static void test_nothing_to_draw_on(void **state)
{
    (void)state;
    char error[256] = "";
    assert_null(clock_face_draw_plate(fonts, &monday, 0, 1080, SAFE_MARGIN, error, sizeof error));
    assert_non_null(strstr(error, "0x1080"));
    assert_null(clock_face_draw_screen(fonts, &monday, 1920, -1, SAFE_MARGIN, error, sizeof error));
    assert_non_null(strstr(error, "1920x-1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_text),
        cmocka_unit_test(test_plate_is_small_padded_and_readable),
        cmocka_unit_test(test_plate_keeps_its_size),
        cmocka_unit_test(test_screen_is_opaque_inside_the_margin_and_drifts),
        cmocka_unit_test(test_nothing_to_draw_on),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
