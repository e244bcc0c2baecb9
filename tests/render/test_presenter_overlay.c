// The presenter's overlay layer (the clock) as a viewer sees it, under SDL's
// offscreen driver with the software renderer, read back pixel by pixel: a
// corner picture sits exactly in its corner inside the insets, over a still,
// a cross-fade and video, under the banner and above it when both are at
// the bottom; it is blended by its alpha, scaled down when too large,
// full-screen when asked, presented once and not again, and on a screen
// mounted turned it stays in the viewer's corner.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <SDL.h>

#include "render_checks.h"

#include "base/monotime.h"
#include "render/presenter.h"

#define WIDTH   160
#define HEIGHT  90
#define INSET_X 8
#define INSET_Y 5

struct rgb {
    int r, g, b;
};

static const struct rgb teal = {20, 160, 150}, red = {200, 20, 20}, bar = {183, 28, 28},
                        navy = {15, 30, 54};

static struct presenter *presenter;

static int setup(void **state)
{
    (void)state;
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software"); // bit-exact pixels on every machine
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return -1;
    char error[256];
    struct presenter_options options = {
        .window_width_px = WIDTH, .window_height_px = HEIGHT, .title = "test"};
    presenter = presenter_create(&options, error, sizeof error);
    return presenter ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    presenter_destroy(presenter);
    SDL_Quit();
    return 0;
}

static SDL_Surface *solid_surface(int width, int height, struct rgb color, int alpha)
{
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(surface);
    SDL_FillRect(
        surface, NULL,
        SDL_MapRGBA(surface->format, (Uint8)color.r, (Uint8)color.g, (Uint8)color.b, (Uint8)alpha));
    return surface;
}

static struct presenter_still *solid_still(int width, int height, struct rgb color)
{
    SDL_Surface *surface = solid_surface(width, height, color, 255);
    struct presenter_still *still = presenter_still_create(presenter, surface);
    SDL_FreeSurface(surface);
    assert_non_null(still);
    return still;
}

static void set_overlay(int width, int height, struct rgb color, int alpha,
                        enum presenter_overlay_place place)
{
    SDL_Surface *overlay = solid_surface(width, height, color, alpha);
    assert_int_equal(presenter_set_overlay(presenter, overlay, place, INSET_X, INSET_Y), 0);
    SDL_FreeSurface(overlay); // the presenter keeps its own copy
}

static struct rgb pixel_at(SDL_Surface *surface, int x, int y)
{
    Uint32 value = ((const Uint32 *)surface->pixels)[y * surface->pitch / 4 + x];
    Uint8 r, g, b;
    SDL_GetRGB(value, surface->format, &r, &g, &b);
    return (struct rgb){r, g, b};
}

static bool is_near(struct rgb got, struct rgb want, int tolerance)
{
    return abs(got.r - want.r) <= tolerance && abs(got.g - want.g) <= tolerance &&
           abs(got.b - want.b) <= tolerance;
}

// Every pixel of shot: inside box it is inside, elsewhere outside (exactly).
static void assert_box(SDL_Surface *shot, SDL_Rect box, struct rgb inside, struct rgb outside,
                       const char *what)
{
    for (int y = 0; y < shot->h; y++) {
        for (int x = 0; x < shot->w; x++) {
            bool is_in = x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
            struct rgb want = is_in ? inside : outside, got = pixel_at(shot, x, y);
            if (!is_near(got, want, 0))
                fail_msg("%s: pixel (%d,%d) is #%02x%02x%02x, expected #%02x%02x%02x (%s the "
                         "overlay at %d,%d %dx%d)",
                         what, x, y, got.r, got.g, got.b, want.r, want.g, want.b,
                         is_in ? "inside" : "outside", box.x, box.y, box.w, box.h);
        }
    }
}

static void test_overlay_sits_in_each_corner(void **state)
{
    (void)state;
    static const struct {
        enum presenter_overlay_place place;
        const char *name;
        SDL_Rect box;
    } cases[] = {
        {PRESENTER_OVERLAY_TOP_RIGHT, "top-right", {WIDTH - INSET_X - 30, INSET_Y, 30, 20}},
        {PRESENTER_OVERLAY_TOP_LEFT, "top-left", {INSET_X, INSET_Y, 30, 20}},
        {PRESENTER_OVERLAY_BOTTOM_LEFT, "bottom-left", {INSET_X, HEIGHT - INSET_Y - 20, 30, 20}},
        {PRESENTER_OVERLAY_BOTTOM_RIGHT,
         "bottom-right",
         {WIDTH - INSET_X - 30, HEIGHT - INSET_Y - 20, 30, 20}},
    };
    struct presenter_still *still = solid_still(WIDTH, HEIGHT, teal);
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, still, 0, now_ns);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        set_overlay(30, 20, red, 255, cases[i].place);
        SDL_Surface *shot = presenter_capture(presenter, now_ns);
        assert_non_null(shot);
        assert_box(shot, cases[i].box, red, teal, cases[i].name);
        SDL_FreeSurface(shot);
    }
    assert_int_equal(presenter_set_overlay(presenter, NULL, PRESENTER_OVERLAY_TOP_RIGHT, 0, 0), 0);
    SDL_Surface *shot = presenter_capture(presenter, now_ns);
    assert_box(shot, (SDL_Rect){0, 0, 0, 0}, red, teal, "removed");
    SDL_FreeSurface(shot);
    presenter_still_destroy(presenter, still);
}

// Set once, presented once: a static screen with a clock costs nothing
// until the clock is set again.
static void test_overlay_is_presented_once(void **state)
{
    (void)state;
    struct presenter_still *still = solid_still(WIDTH, HEIGHT, teal);
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, still, 0, now_ns);
    assert_true(presenter_present(presenter, now_ns));
    assert_false(presenter_present(presenter, now_ns));
    set_overlay(30, 20, red, 255, PRESENTER_OVERLAY_TOP_RIGHT);
    assert_true(presenter_present(presenter, now_ns));
    assert_false(presenter_present(presenter, now_ns + NS_PER_S));
    assert_true(presenter_next_deadline_ns(presenter, now_ns) == INT64_MAX);
    presenter_set_overlay(presenter, NULL, PRESENTER_OVERLAY_TOP_RIGHT, 0, 0);
    assert_true(presenter_present(presenter, now_ns));
    presenter_still_destroy(presenter, still);
}

static void test_overlay_is_blended_by_its_alpha(void **state)
{
    (void)state;
    struct presenter_still *still = solid_still(WIDTH, HEIGHT, (struct rgb){255, 255, 255});
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, still, 0, now_ns);
    set_overlay(30, 20, (struct rgb){0, 0, 0}, 128, PRESENTER_OVERLAY_TOP_LEFT);
    SDL_Surface *shot = presenter_capture(presenter, now_ns);
    struct rgb got = pixel_at(shot, INSET_X + 15, INSET_Y + 10);
    if (!is_near(got, (struct rgb){127, 127, 127}, 2))
        fail_msg("half-transparent black over white is #%02x%02x%02x", got.r, got.g, got.b);
    SDL_FreeSurface(shot);
    presenter_set_overlay(presenter, NULL, PRESENTER_OVERLAY_TOP_LEFT, 0, 0);
    presenter_still_destroy(presenter, still);
}

// Over a fade and over video; under the banner, and above it at the bottom.
static void test_overlay_over_fade_and_video_above_the_banner(void **state)
{
    (void)state;
    const int bar_height = 18;
    struct presenter_still *first = solid_still(WIDTH, HEIGHT, teal);
    struct presenter_still *second = solid_still(WIDTH, HEIGHT, navy);
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, first, 0, now_ns);
    set_overlay(30, 20, red, 255, PRESENTER_OVERLAY_BOTTOM_RIGHT);
    SDL_Surface *banner = solid_surface(WIDTH, bar_height, bar, 255);
    assert_int_equal(presenter_set_banner(presenter, banner), 0);
    SDL_FreeSurface(banner);
    // inset_y / 2 above the banner's top edge.
    int bottom = HEIGHT - bar_height - INSET_Y / 2;
    SDL_Rect box = {WIDTH - INSET_X - 30, bottom - 20, 30, 20};
    SDL_Surface *shot = presenter_capture(presenter, now_ns);
    for (int y = 0; y < HEIGHT; y++) {
        for (int x = 0; x < WIDTH; x++) {
            bool is_in = x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
            struct rgb want = y >= HEIGHT - bar_height ? bar : is_in ? red : teal;
            if (!is_near(pixel_at(shot, x, y), want, 0))
                fail_msg("pixel (%d,%d): overlay at %d,%d %dx%d, banner from row %d", x, y, box.x,
                         box.y, box.w, box.h, HEIGHT - bar_height);
        }
    }
    SDL_FreeSurface(shot);
    // Mid-fade the overlay stays solid while the still blends under it.
    presenter_show_still(presenter, second, 400 * NS_PER_MS, now_ns);
    shot = presenter_capture(presenter, now_ns + 200 * NS_PER_MS);
    assert_true(is_near(pixel_at(shot, box.x + 1, box.y + 1), red, 0));
    assert_false(is_near(pixel_at(shot, WIDTH / 2, HEIGHT / 2), teal, 8));
    SDL_FreeSurface(shot);
    // Over a video picture too.
    static uint8_t grey[WIDTH * HEIGHT * 4];
    memset(grey, 128, sizeof grey);
    struct picture picture = {.format = PICTURE_FORMAT_RGBA32,
                              .width_px = WIDTH,
                              .height_px = HEIGHT,
                              .sar_num = 1,
                              .sar_den = 1,
                              .planes = {grey},
                              .pitches = {WIDTH * 4}};
    assert_int_equal(presenter_show_picture(presenter, &picture), 0);
    shot = presenter_capture(presenter, now_ns + NS_PER_S);
    assert_true(is_near(pixel_at(shot, box.x + box.w - 1, box.y + box.h - 1), red, 0));
    assert_true(is_near(pixel_at(shot, box.x - 1, box.y), (struct rgb){128, 128, 128}, 2));
    SDL_FreeSurface(shot);
    // Without the banner it goes back down to the inset.
    presenter_show_still(presenter, first, 0, now_ns);
    assert_int_equal(presenter_set_banner(presenter, NULL), 0);
    shot = presenter_capture(presenter, now_ns);
    assert_box(shot, (SDL_Rect){WIDTH - INSET_X - 30, HEIGHT - INSET_Y - 20, 30, 20}, red, teal,
               "after the banner");
    SDL_FreeSurface(shot);
    presenter_set_overlay(presenter, NULL, PRESENTER_OVERLAY_TOP_LEFT, 0, 0);
    presenter_still_destroy(presenter, first);
    presenter_still_destroy(presenter, second);
}

static void test_overlay_full_screen_and_too_large(void **state)
{
    (void)state;
    struct presenter_still *still = solid_still(WIDTH, HEIGHT, teal);
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, still, 0, now_ns);
    set_overlay(WIDTH / 2, HEIGHT / 2, navy, 255, PRESENTER_OVERLAY_FULL_SCREEN);
    SDL_Surface *shot = presenter_capture(presenter, now_ns);
    assert_box(shot, (SDL_Rect){0, 0, WIDTH, HEIGHT}, navy, teal, "full screen");
    SDL_FreeSurface(shot);
    // Wider than the room inside the insets: scaled down, aspect kept, in its corner.
    set_overlay(2 * WIDTH, HEIGHT / 2, red, 255, PRESENTER_OVERLAY_TOP_LEFT);
    int width = WIDTH - 2 * INSET_X, height = (HEIGHT / 2) * width / (2 * WIDTH);
    shot = presenter_capture(presenter, now_ns);
    assert_box(shot, (SDL_Rect){INSET_X, INSET_Y, width, height}, red, teal, "too large");
    SDL_FreeSurface(shot);
    presenter_set_overlay(presenter, NULL, PRESENTER_OVERLAY_TOP_LEFT, 0, 0);
    presenter_still_destroy(presenter, still);
}

// Mounted turned, the overlay is still in the viewer's top-right corner
// (and bottom-left), exactly, inside the insets of the turned canvas.
static void test_overlay_on_a_turned_screen(void **state)
{
    (void)state;
    static const int rotations[] = {0, 90, 180, 270};
    for (size_t i = 0; i < sizeof rotations / sizeof rotations[0]; i++) {
        presenter_set_rotation(presenter, rotations[i]);
        int width, height;
        presenter_get_output_size(presenter, &width, &height);
        struct presenter_still *still = solid_still(width, height, teal);
        int64_t now_ns = monotime_now_ns();
        presenter_show_still(presenter, still, 0, now_ns);
        set_overlay(20, 12, red, 255, PRESENTER_OVERLAY_TOP_RIGHT);
        SDL_Surface *shot = presenter_capture(presenter, now_ns);
        SDL_Surface *seen = render_checks_turned_clockwise(shot, rotations[i]);
        char what[32];
        snprintf(what, sizeof what, "top-right, turned %d", rotations[i]);
        assert_box(seen, (SDL_Rect){width - INSET_X - 20, INSET_Y, 20, 12}, red, teal, what);
        SDL_FreeSurface(seen);
        SDL_FreeSurface(shot);
        set_overlay(20, 12, red, 255, PRESENTER_OVERLAY_BOTTOM_LEFT);
        shot = presenter_capture(presenter, now_ns);
        seen = render_checks_turned_clockwise(shot, rotations[i]);
        snprintf(what, sizeof what, "bottom-left, turned %d", rotations[i]);
        assert_box(seen, (SDL_Rect){INSET_X, height - INSET_Y - 12, 20, 12}, red, teal, what);
        SDL_FreeSurface(seen);
        SDL_FreeSurface(shot);
        presenter_set_overlay(presenter, NULL, PRESENTER_OVERLAY_TOP_LEFT, 0, 0);
        presenter_still_destroy(presenter, still);
    }
    presenter_set_rotation(presenter, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlay_sits_in_each_corner),
        cmocka_unit_test(test_overlay_is_presented_once),
        cmocka_unit_test(test_overlay_is_blended_by_its_alpha),
        cmocka_unit_test(test_overlay_over_fade_and_video_above_the_banner),
        cmocka_unit_test(test_overlay_full_screen_and_too_large),
        cmocka_unit_test(test_overlay_on_a_turned_screen),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
