// The presenter as a viewer sees it, under SDL's offscreen driver: a still
// fills the screen, a cross-fade blends two stills, video keeps its aspect
// (letterboxed, sample aspect ratio included) and nothing is presented when
// nothing changed.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <SDL.h>

#include "base/monotime.h"
#include "render/presenter.h"

#define WIDTH  160
#define HEIGHT 90

struct rgb {
    int r, g, b;
};

static struct presenter *presenter;

static int setup(void **state)
{
    (void)state;
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software"); // bit-exact pixels on every machine
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return -1;
    char error[256];
    struct presenter_options options = {WIDTH, HEIGHT, "test"};
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

static struct presenter_still *solid_still(struct rgb color)
{
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, WIDTH, HEIGHT, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(surface);
    SDL_FillRect(surface, NULL,
                 SDL_MapRGB(surface->format, (Uint8)color.r, (Uint8)color.g, (Uint8)color.b));
    struct presenter_still *still = presenter_still_create(presenter, surface);
    SDL_FreeSurface(surface);
    assert_non_null(still);
    return still;
}

static struct rgb pixel_at(SDL_Surface *surface, int x, int y)
{
    Uint32 value = ((const Uint32 *)surface->pixels)[y * surface->pitch / 4 + x];
    Uint8 r, g, b;
    SDL_GetRGB(value, surface->format, &r, &g, &b);
    return (struct rgb){r, g, b};
}

static void assert_pixel(SDL_Surface *surface, int x, int y, struct rgb want, int tolerance)
{
    struct rgb got = pixel_at(surface, x, y);
    if (abs(got.r - want.r) > tolerance || abs(got.g - want.g) > tolerance ||
        abs(got.b - want.b) > tolerance)
        fail_msg("pixel (%d,%d) is #%02x%02x%02x, expected #%02x%02x%02x (±%d)", x, y, got.r, got.g,
                 got.b, want.r, want.g, want.b, tolerance);
}

static void test_still_fills_the_screen_and_is_presented_once(void **state)
{
    (void)state;
    struct presenter_still *red = solid_still((struct rgb){200, 30, 30});
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, red, 0, now_ns);
    SDL_Surface *shot = presenter_capture(presenter, now_ns);
    assert_non_null(shot);
    assert_pixel(shot, 0, 0, (struct rgb){200, 30, 30}, 0);
    assert_pixel(shot, WIDTH - 1, HEIGHT - 1, (struct rgb){200, 30, 30}, 0);
    SDL_FreeSurface(shot);
    // A static picture costs nothing: no redraw, no present, no deadline.
    assert_false(presenter_present(presenter, now_ns + NS_PER_S));
    assert_true(presenter_next_deadline_ns(presenter, now_ns) == INT64_MAX);
    presenter_still_destroy(presenter, red);
}

static void test_cross_fade_blends_then_settles(void **state)
{
    (void)state;
    struct presenter_still *black = solid_still((struct rgb){0, 0, 0});
    struct presenter_still *white = solid_still((struct rgb){240, 240, 240});
    int64_t start_ns = monotime_now_ns();
    presenter_show_still(presenter, black, 0, start_ns);
    assert_true(presenter_present(presenter, start_ns));
    int64_t fade_ns = 400 * NS_PER_MS;
    presenter_show_still(presenter, white, fade_ns, start_ns);
    assert_true(presenter_is_fading(presenter, start_ns + fade_ns / 2));
    // While fading the screen wants the next frame about one refresh later.
    int64_t next_ns = presenter_next_deadline_ns(presenter, start_ns);
    assert_true(next_ns > start_ns && next_ns <= start_ns + 20 * NS_PER_MS);
    SDL_Surface *halfway = presenter_capture(presenter, start_ns + fade_ns / 2);
    assert_pixel(halfway, WIDTH / 2, HEIGHT / 2, (struct rgb){120, 120, 120}, 4);
    SDL_FreeSurface(halfway);
    SDL_Surface *after = presenter_capture(presenter, start_ns + fade_ns + NS_PER_MS);
    assert_pixel(after, WIDTH / 2, HEIGHT / 2, (struct rgb){240, 240, 240}, 0);
    SDL_FreeSurface(after);
    assert_false(presenter_is_fading(presenter, start_ns + fade_ns + NS_PER_MS));
    assert_true(presenter_next_deadline_ns(presenter, start_ns + fade_ns) == INT64_MAX);
    presenter_still_destroy(presenter, black);
    presenter_still_destroy(presenter, white);
}

// A mid-grey picture of width x height in yuv420p.
static void show_grey_picture(int width, int height, int sar_num, int sar_den)
{
    size_t luma = (size_t)width * (size_t)height;
    size_t chroma = (size_t)((width + 1) / 2) * (size_t)((height + 1) / 2);
    uint8_t *y = malloc(luma), *u = malloc(chroma), *v = malloc(chroma);
    memset(y, 180, luma);
    memset(u, 128, chroma);
    memset(v, 128, chroma);
    struct picture picture = {
        .format = PICTURE_FORMAT_YUV420P,
        .width_px = width,
        .height_px = height,
        .sar_num = sar_num,
        .sar_den = sar_den,
        .is_full_range = true,
        .planes = {y, u, v},
        .pitches = {width, (width + 1) / 2, (width + 1) / 2},
    };
    assert_int_equal(presenter_show_picture(presenter, &picture), 0);
    free(y);
    free(u);
    free(v);
}

struct letterbox_case {
    int width, height, sar_num, sar_den;
    int bar_x, bar_y; // a pixel that must be black (a bar), or -1
};

static const struct letterbox_case letterbox_cases[] = {
    {64, 48, 1, 1, 5, HEIGHT / 2}, // 4:3 on 16:9: bars left and right
    {64, 16, 1, 1, WIDTH / 2, 5},  // 4:1: bars above and below
    {48, 36, 4, 3, -1, -1},        // 4:3 storage with 4:3 pixels = 16:9: no bars
    {160, 90, 1, 1, -1, -1},       // same shape: no bars
};

static void test_video_keeps_its_display_aspect(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof letterbox_cases / sizeof letterbox_cases[0]; i++) {
        const struct letterbox_case *c = &letterbox_cases[i];
        show_grey_picture(c->width, c->height, c->sar_num, c->sar_den);
        SDL_Surface *shot = presenter_capture(presenter, monotime_now_ns());
        assert_non_null(shot);
        struct rgb centre = pixel_at(shot, WIDTH / 2, HEIGHT / 2);
        if (centre.r < 150)
            fail_msg("case %zu: picture not drawn in the centre (r=%d)", i, centre.r);
        if (c->bar_x >= 0)
            assert_pixel(shot, c->bar_x, c->bar_y, (struct rgb){0, 0, 0}, 0);
        else
            assert_pixel(shot, 1, 1, centre, 2); // fills the screen edge to edge
        SDL_FreeSurface(shot);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_still_fills_the_screen_and_is_presented_once),
        cmocka_unit_test(test_cross_fade_blends_then_settles),
        cmocka_unit_test(test_video_keeps_its_display_aspect),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
