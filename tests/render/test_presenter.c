// The presenter as a viewer sees it, under SDL's offscreen driver: a still
// fills the screen, a cross-fade blends two stills, video keeps its aspect
// (letterboxed, sample aspect ratio included) and is turned upright by its
// rotation, a picture larger than the renderer's textures is refused, the
// banner lies over everything at the bottom, nothing is presented when
// nothing changed, and on a screen mounted turned (90, 180, 270) all of it
// stands upright for the viewer.
#include <limits.h>
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
static void show_grey_picture(int width, int height, int sar_num, int sar_den, int rotation_degrees)
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
        .rotation_degrees = rotation_degrees,
        .is_full_range = true,
        .planes = {y, u, v},
        .pitches = {width, (width + 1) / 2, (width + 1) / 2},
    };
    assert_int_equal(presenter_show_picture(presenter, &picture), 0);
    free(y);
    free(u);
    free(v);
}

// Where the picture must land: the box [x0, x1) x [y0, y1) of the turned
// picture on the 160x90 screen, black outside it.
struct letterbox_case {
    int width, height, sar_num, sar_den, rotation_degrees;
    int x0, y0, x1, y1;
};

static const struct letterbox_case letterbox_cases[] = {
    {64, 48, 1, 1, 0, 20, 0, 140, 90},   // 4:3 on 16:9: bars left and right
    {64, 16, 1, 1, 0, 0, 25, 160, 65},   // 4:1: bars above and below
    {48, 36, 4, 3, 0, 0, 0, 160, 90},    // 4:3 storage with 4:3 pixels = 16:9: no bars
    {160, 90, 1, 1, 0, 0, 0, 160, 90},   // same shape: no bars
    {64, 48, 1, 1, 90, 46, 0, 114, 90},  // turned 4:3 is 3:4: 67.5 wide, kept even with 90
    {64, 16, 1, 1, 270, 69, 0, 91, 90},  // 1:4 turned: 22.5 wide, kept even with 90
    {160, 90, 1, 1, 180, 0, 0, 160, 90}, // upside down: same box
    // Sample aspect applies before the turn: 24x32 with 2:1 pixels is 48x32
    // (3:2); turned, 2:3. Applied after the turn it would be 32x24*2, 2:3 too
    // wide (120 px), so the edges tell the two apart.
    {24, 32, 2, 1, 90, 50, 0, 110, 90},
    {24, 32, 2, 1, 270, 50, 0, 110, 90},
    {24, 32, 2, 1, 180, 12, 0, 147, 90},
};

static bool is_picture(struct rgb color)
{
    return color.r > 150 && color.g > 150 && color.b > 150;
}

static bool is_black(struct rgb color)
{
    return color.r == 0 && color.g == 0 && color.b == 0;
}

static void test_video_keeps_its_display_aspect(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof letterbox_cases / sizeof letterbox_cases[0]; i++) {
        const struct letterbox_case *c = &letterbox_cases[i];
        show_grey_picture(c->width, c->height, c->sar_num, c->sar_den, c->rotation_degrees);
        SDL_Surface *shot = presenter_capture(presenter, monotime_now_ns());
        assert_non_null(shot);
        int mid_x = (c->x0 + c->x1) / 2, mid_y = (c->y0 + c->y1) / 2;
        const struct {
            int x, y;
            bool is_inside;
        } probes[] = {
            {c->x0, mid_y, true},      {c->x1 - 1, mid_y, true},  {mid_x, c->y0, true},
            {mid_x, c->y1 - 1, true},  {c->x0 - 1, mid_y, false}, {c->x1, mid_y, false},
            {mid_x, c->y0 - 1, false}, {mid_x, c->y1, false},
        };
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
            int x = probes[k].x, y = probes[k].y;
            if (x < 0 || x >= WIDTH || y < 0 || y >= HEIGHT)
                continue;
            struct rgb got = pixel_at(shot, x, y);
            if (probes[k].is_inside ? !is_picture(got) : !is_black(got))
                fail_msg("case %zu (%dx%d, sar %d:%d, %d degrees): pixel (%d,%d) is "
                         "#%02x%02x%02x, expected %s",
                         i, c->width, c->height, c->sar_num, c->sar_den, c->rotation_degrees, x, y,
                         got.r, got.g, got.b, probes[k].is_inside ? "picture" : "a black bar");
        }
        SDL_FreeSurface(shot);
    }
}

static const struct rgb red = {255, 0, 0}, green = {0, 255, 0}, blue = {0, 0, 255},
                        white = {255, 255, 255}, black = {0, 0, 0};

// A width x height picture whose quadrants are red (top left), green (top
// right), blue (bottom left) and white (bottom right), in format. The caller
// frees planes[0..2].
static struct picture quadrant_picture(enum picture_format format, int width, int height)
{
    struct picture picture = {.format = format,
                              .width_px = width,
                              .height_px = height,
                              .sar_num = 1,
                              .sar_den = 1,
                              .is_full_range = true};
    // Full-range BT.601 of the four colours.
    static const uint8_t yuv[4][3] = {
        {76, 85, 255}, {150, 44, 21}, {29, 255, 107}, {255, 128, 128}};
    static const uint8_t rgba[4][4] = {
        {255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}};
    if (format == PICTURE_FORMAT_RGBA32) {
        uint8_t *pixels = malloc((size_t)width * (size_t)height * 4);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++)
                memcpy(pixels + ((size_t)y * (size_t)width + (size_t)x) * 4,
                       rgba[(y >= height / 2) * 2 + (x >= width / 2)], 4);
        }
        picture.planes[0] = pixels;
        picture.pitches[0] = width * 4;
        return picture;
    }
    assert_int_equal(format, PICTURE_FORMAT_YUV420P);
    int chroma_width = width / 2, chroma_height = height / 2; // width, height even
    uint8_t *planes[3] = {malloc((size_t)width * (size_t)height),
                          malloc((size_t)chroma_width * (size_t)chroma_height),
                          malloc((size_t)chroma_width * (size_t)chroma_height)};
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            int quadrant = (y >= height / 2) * 2 + (x >= width / 2);
            planes[0][(size_t)y * (size_t)width + (size_t)x] = yuv[quadrant][0];
            if (x % 2 == 0 && y % 2 == 0) {
                size_t at = (size_t)(y / 2) * (size_t)chroma_width + (size_t)(x / 2);
                planes[1][at] = yuv[quadrant][1];
                planes[2][at] = yuv[quadrant][2];
            }
        }
    }
    for (int i = 0; i < 3; i++)
        picture.planes[i] = planes[i];
    picture.pitches[0] = width;
    picture.pitches[1] = picture.pitches[2] = chroma_width;
    return picture;
}

static void free_picture(struct picture *picture)
{
    for (int i = 0; i < 3; i++)
        free((void *)picture->planes[i]);
}

// Colours at the centres of the four quarters of box [x0, x1) x [y0, y1),
// and black just outside its left and right edges (when on screen).
static void assert_quadrants(SDL_Surface *shot, int x0, int y0, int x1, int y1,
                             const struct rgb want[4], int tolerance)
{
    int width = x1 - x0, height = y1 - y0;
    for (int q = 0; q < 4; q++)
        assert_pixel(shot, x0 + width / 4 + (q % 2) * width / 2,
                     y0 + height / 4 + (q / 2) * height / 2, want[q], tolerance);
    // The picture reaches its box's edges: the corners' colours, then black.
    assert_pixel(shot, x0 + 1, y0 + height / 4, want[0], tolerance);
    assert_pixel(shot, x1 - 2, y1 - 1 - height / 4, want[3], tolerance);
    if (x0 > 0) {
        assert_pixel(shot, x0 - 1, y0 + height / 2, black, 0);
        assert_pixel(shot, x1, y0 + height / 2, black, 0);
    }
    if (y0 > 0) {
        assert_pixel(shot, x0 + width / 4, y0 - 1, black, 0);
        assert_pixel(shot, x0 + width / 4, y1, black, 0);
    }
}

struct rotation_case {
    enum picture_format format;
    int rotation_degrees;
    struct rgb top_left, top_right, bottom_left, bottom_right;
};

// Turning clockwise: at 90 the left edge becomes the top, so the picture's
// bottom-left (blue) is now top left.
static const struct rotation_case rotation_cases[] = {
    {PICTURE_FORMAT_RGBA32, 0, red, green, blue, white},
    {PICTURE_FORMAT_RGBA32, 90, blue, red, white, green},
    {PICTURE_FORMAT_RGBA32, 180, white, blue, green, red},
    {PICTURE_FORMAT_RGBA32, 270, green, white, red, blue},
    {PICTURE_FORMAT_YUV420P, 0, red, green, blue, white},
    {PICTURE_FORMAT_YUV420P, 90, blue, red, white, green},
    {PICTURE_FORMAT_YUV420P, 180, white, blue, green, red},
    {PICTURE_FORMAT_YUV420P, 270, green, white, red, blue},
};

static void test_rotation_turns_the_picture_upright(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rotation_cases / sizeof rotation_cases[0]; i++) {
        const struct rotation_case *c = &rotation_cases[i];
        // 32x16 (2:1): 160x80 between bars above and below when upright;
        // 44x90 between bars left and right when turned (45, kept even with 90).
        struct picture picture = quadrant_picture(c->format, 32, 16);
        picture.rotation_degrees = c->rotation_degrees;
        assert_int_equal(presenter_show_picture(presenter, &picture), 0);
        free_picture(&picture);
        SDL_Surface *shot = presenter_capture(presenter, monotime_now_ns());
        assert_non_null(shot);
        const struct rgb want[4] = {c->top_left, c->top_right, c->bottom_left, c->bottom_right};
        int tolerance = c->format == PICTURE_FORMAT_RGBA32 ? 0 : 8;
        print_message("%s at %d degrees\n", c->format == PICTURE_FORMAT_RGBA32 ? "rgba" : "yuv",
                      c->rotation_degrees);
        if (c->rotation_degrees % 180 == 0)
            assert_quadrants(shot, 0, 5, 160, 85, want, tolerance);
        else
            assert_quadrants(shot, 58, 0, 102, 90, want, tolerance);
        SDL_FreeSurface(shot);
    }
}

// A phone's portrait clip: coded 1920x1080 with a 90 degree display matrix.
// On a 1920x1080 screen it stands upright, 607.5 (608) px wide, centred.
static void test_phone_portrait_clip_stands_upright_between_bars(void **state)
{
    (void)state;
    char error[256];
    struct presenter_options options = {
        .window_width_px = 1920, .window_height_px = 1080, .title = "portrait"};
    struct presenter *full_hd = presenter_create(&options, error, sizeof error);
    assert_non_null(full_hd);
    struct picture picture = quadrant_picture(PICTURE_FORMAT_YUV420P, 1920, 1080);
    picture.rotation_degrees = 90;
    assert_int_equal(presenter_show_picture(full_hd, &picture), 0);
    free_picture(&picture);
    SDL_Surface *shot = presenter_capture(full_hd, monotime_now_ns());
    assert_non_null(shot);
    const struct rgb want[4] = {blue, red, white, green};
    assert_quadrants(shot, 656, 0, 1264, 1080, want, 8);
    assert_pixel(shot, 0, 540, black, 0);
    assert_pixel(shot, 1919, 540, black, 0);
    SDL_FreeSurface(shot);
    presenter_destroy(full_hd);
}

static void test_bad_rotation_is_refused(void **state)
{
    (void)state;
    struct picture picture = quadrant_picture(PICTURE_FORMAT_RGBA32, 32, 16);
    picture.rotation_degrees = 45;
    assert_int_equal(presenter_show_picture(presenter, &picture), -1);
    assert_non_null(strstr(SDL_GetError(), "45"));
    free_picture(&picture);
}

// The SDL renderer of the window titled title.
static SDL_Renderer *renderer_of(const char *title)
{
    for (Uint32 id = 1; id < 256; id++) {
        SDL_Window *window = SDL_GetWindowFromID(id);
        if (window && strcmp(SDL_GetWindowTitle(window), title) == 0)
            return SDL_GetRenderer(window);
    }
    return NULL;
}

// The getter reports the renderer's own limit (0 there means none).
static void assert_max_size_matches_renderer(const struct presenter *shown, const char *title,
                                             int *max_width, int *max_height)
{
    SDL_RendererInfo info;
    SDL_Renderer *renderer = renderer_of(title);
    assert_non_null(renderer);
    assert_int_equal(SDL_GetRendererInfo(renderer, &info), 0);
    presenter_get_max_picture_size(shown, max_width, max_height);
    assert_int_equal(*max_width, info.max_texture_width > 0 ? info.max_texture_width : INT_MAX);
    assert_int_equal(*max_height, info.max_texture_height > 0 ? info.max_texture_height : INT_MAX);
}

// The software renderer scales every frame on the CPU: a picture larger than
// the screen is worth shrinking once before the upload, never below the
// screen's longer side (a quarter-turned picture keeps its pixels). The GPU
// scales for free: there only the texture limit counts.
static void test_useful_picture_size(void **state)
{
    (void)state;
    int width, height;
    presenter_get_useful_picture_size(presenter, &width, &height);
    assert_int_equal(width, WIDTH); // the longer side, both ways
    assert_int_equal(height, WIDTH);
    presenter_set_rotation(presenter, 90);
    presenter_get_useful_picture_size(presenter, &width, &height);
    assert_int_equal(width, WIDTH);
    assert_int_equal(height, WIDTH);
    presenter_set_rotation(presenter, 0);

    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "opengl");
    char error[256];
    struct presenter_options options = {
        .window_width_px = WIDTH, .window_height_px = HEIGHT, .title = "accelerated"};
    struct presenter *accelerated = presenter_create(&options, error, sizeof error);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    assert_non_null(accelerated);
    int max_width, max_height;
    presenter_get_max_picture_size(accelerated, &max_width, &max_height);
    presenter_get_useful_picture_size(accelerated, &width, &height);
    if (strstr(presenter_describe(accelerated), "software")) {
        presenter_destroy(accelerated);
        skip(); // no accelerated renderer here
    }
    assert_int_equal(width, max_width);
    assert_int_equal(height, max_height);
    presenter_destroy(accelerated);
}

static void test_picture_larger_than_a_texture_is_refused(void **state)
{
    (void)state;
    int max_width, max_height;
    // The software renderer has no limit (SDL reports 0): everything goes.
    assert_max_size_matches_renderer(presenter, "test", &max_width, &max_height);
    assert_int_equal(max_width, INT_MAX);
    assert_int_equal(max_height, INT_MAX);
    show_grey_picture(64, 48, 1, 1, 0);

    // An accelerated renderer (Mesa's, under the offscreen driver) has one.
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "opengl");
    char error[256];
    struct presenter_options options = {
        .window_width_px = WIDTH, .window_height_px = HEIGHT, .title = "accelerated"};
    struct presenter *accelerated = presenter_create(&options, error, sizeof error);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    assert_non_null(accelerated);
    assert_max_size_matches_renderer(accelerated, "accelerated", &max_width, &max_height);
    print_message("%s: largest picture %dx%d\n", presenter_describe(accelerated), max_width,
                  max_height);
    if (max_width == INT_MAX) {
        presenter_destroy(accelerated);
        skip(); // no accelerated renderer here: nothing is too large
    }
    struct picture fits = quadrant_picture(PICTURE_FORMAT_RGBA32, 32, 16);
    assert_int_equal(presenter_show_picture(accelerated, &fits), 0);
    free_picture(&fits);
    struct picture wide = quadrant_picture(PICTURE_FORMAT_RGBA32, max_width + 2, 2);
    assert_int_equal(presenter_show_picture(accelerated, &wide), -1);
    char want[160];
    snprintf(want, sizeof want, "picture %dx2 is larger than this renderer's largest texture %dx%d",
             max_width + 2, max_width, max_height);
    assert_string_equal(SDL_GetError(), want);
    free_picture(&wide);
    // The screen keeps the picture it had.
    SDL_Surface *shot = presenter_capture(accelerated, monotime_now_ns());
    assert_non_null(shot);
    assert_pixel(shot, WIDTH / 4, 5 + 20, red, 0);
    SDL_FreeSurface(shot);
    presenter_destroy(accelerated);
}

// A solid banner surface of width x height.
static SDL_Surface *solid_banner(int width, int height, struct rgb color)
{
    SDL_Surface *banner =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(banner);
    SDL_FillRect(banner, NULL,
                 SDL_MapRGB(banner->format, (Uint8)color.r, (Uint8)color.g, (Uint8)color.b));
    return banner;
}

static void test_banner_lies_over_still_fade_and_video(void **state)
{
    (void)state;
    const struct rgb teal = {20, 160, 150}, navy = {15, 30, 54}, bar = {183, 28, 28};
    const int bar_height = 18;
    struct presenter_still *first = solid_still(teal);
    struct presenter_still *second = solid_still(navy);
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, first, 0, now_ns);
    assert_true(presenter_present(presenter, now_ns));

    SDL_Surface *banner = solid_banner(WIDTH, bar_height, bar);
    assert_int_equal(presenter_set_banner(presenter, banner), 0);
    SDL_FreeSurface(banner); // the presenter keeps its own copy
    assert_true(presenter_present(presenter, now_ns));
    assert_false(presenter_present(presenter, now_ns));
    SDL_Surface *shot = presenter_capture(presenter, now_ns);
    assert_pixel(shot, WIDTH / 2, HEIGHT - bar_height - 1, teal, 0); // the still above it
    assert_pixel(shot, WIDTH / 2, HEIGHT - bar_height, bar, 0);
    assert_pixel(shot, 0, HEIGHT - 1, bar, 0);
    assert_pixel(shot, WIDTH - 1, HEIGHT - 1, bar, 0);
    SDL_FreeSurface(shot);

    // During a cross-fade the bar stays solid on top.
    presenter_show_still(presenter, second, 400 * NS_PER_MS, now_ns);
    shot = presenter_capture(presenter, now_ns + 200 * NS_PER_MS);
    assert_pixel(shot, WIDTH / 2, HEIGHT - 1, bar, 0);
    assert_pixel(shot, WIDTH / 2, HEIGHT / 2, (struct rgb){17, 95, 102}, 4);
    SDL_FreeSurface(shot);

    // And over video.
    show_grey_picture(WIDTH, HEIGHT, 1, 1, 0);
    shot = presenter_capture(presenter, now_ns + NS_PER_S);
    assert_pixel(shot, WIDTH / 2, HEIGHT - 1, bar, 0);
    assert_true(is_picture(pixel_at(shot, WIDTH / 2, HEIGHT - bar_height - 1)));
    SDL_FreeSurface(shot);

    // A banner drawn for another width is scaled to fit, aspect kept.
    presenter_show_still(presenter, first, 0, now_ns);
    banner = solid_banner(WIDTH / 2, bar_height / 2, bar);
    assert_int_equal(presenter_set_banner(presenter, banner), 0);
    SDL_FreeSurface(banner);
    shot = presenter_capture(presenter, now_ns);
    assert_pixel(shot, 0, HEIGHT - bar_height, bar, 0);
    assert_pixel(shot, WIDTH - 1, HEIGHT - 1, bar, 0);
    assert_pixel(shot, 0, HEIGHT - bar_height - 1, teal, 0);
    SDL_FreeSurface(shot);

    // Clearing it gives the still back, and is presented.
    assert_false(presenter_present(presenter, now_ns));
    assert_int_equal(presenter_set_banner(presenter, NULL), 0);
    assert_true(presenter_present(presenter, now_ns));
    shot = presenter_capture(presenter, now_ns);
    assert_pixel(shot, WIDTH / 2, HEIGHT - 1, teal, 0);
    assert_pixel(shot, 0, HEIGHT - bar_height, teal, 0);
    SDL_FreeSurface(shot);
    presenter_still_destroy(presenter, first);
    presenter_still_destroy(presenter, second);
}

// ---- A screen mounted turned: the canvas is the output turned ----------------

// A width x height still whose quadrants are red (top left), green (top
// right), blue (bottom left) and white (bottom right).
static struct presenter_still *quadrant_still(struct presenter *shown, int width, int height)
{
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(surface);
    const struct rgb colors[4] = {red, green, blue, white};
    for (int q = 0; q < 4; q++) {
        SDL_Rect quarter = {(q % 2) * width / 2, (q / 2) * height / 2, width / 2, height / 2};
        SDL_FillRect(surface, &quarter,
                     SDL_MapRGB(surface->format, (Uint8)colors[q].r, (Uint8)colors[q].g,
                                (Uint8)colors[q].b));
    }
    struct presenter_still *still = presenter_still_create(shown, surface);
    SDL_FreeSurface(surface);
    assert_non_null(still);
    return still;
}

struct canvas_case {
    int rotation_degrees;
    int canvas_width, canvas_height; // what presenter_get_output_size() reports
    // The colours in the output's own corners (the capture), and the output
    // edge the banner (the viewer's bottom edge) lies along.
    struct rgb top_left, top_right, bottom_left, bottom_right;
    enum { EDGE_BOTTOM, EDGE_RIGHT, EDGE_TOP, EDGE_LEFT } banner_edge;
};

// Mounted turned 90 clockwise, the output's left edge is the viewer's top:
// the canvas's top-left (red) is drawn at the output's bottom-left, its
// bottom (the banner) along the output's right edge.
static const struct canvas_case canvas_cases[] = {
    {0, WIDTH, HEIGHT, red, green, blue, white, EDGE_BOTTOM},
    {90, HEIGHT, WIDTH, green, white, red, blue, EDGE_RIGHT},
    {180, WIDTH, HEIGHT, white, blue, green, red, EDGE_TOP},
    {270, HEIGHT, WIDTH, blue, red, white, green, EDGE_LEFT},
};

// Shows the quadrant still and a banner on shown turned as c says, and
// checks the output pixel by pixel (within tolerance).
static void check_canvas_case(struct presenter *shown, const struct canvas_case *c, int tolerance)
{
    const struct rgb bar = {183, 28, 28};
    const int bar_height = 18;
    print_message("%s: canvas turned %d degrees\n", presenter_describe(shown), c->rotation_degrees);
    presenter_set_rotation(shown, c->rotation_degrees);
    assert_int_equal(presenter_rotation(shown), c->rotation_degrees);
    int width, height;
    presenter_get_output_size(shown, &width, &height);
    assert_int_equal(width, c->canvas_width);
    assert_int_equal(height, c->canvas_height);
    // The app lays its still and banner out for the canvas.
    struct presenter_still *still = quadrant_still(shown, width, height);
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(shown, still, 0, now_ns);
    SDL_Surface *banner = solid_banner(width, bar_height, bar);
    assert_int_equal(presenter_set_banner(shown, banner), 0);
    SDL_FreeSurface(banner);
    SDL_Surface *shot = presenter_capture(shown, now_ns);
    assert_non_null(shot);
    // The capture is the output itself, unturned.
    assert_int_equal(shot->w, WIDTH);
    assert_int_equal(shot->h, HEIGHT);
    // Quadrant corners away from the banner's edge, on the output.
    int in_x = bar_height + 4, in_y = bar_height + 4;
    assert_pixel(shot, in_x, in_y, c->top_left, tolerance);
    assert_pixel(shot, WIDTH - 1 - in_x, in_y, c->top_right, tolerance);
    assert_pixel(shot, in_x, HEIGHT - 1 - in_y, c->bottom_left, tolerance);
    assert_pixel(shot, WIDTH - 1 - in_x, HEIGHT - 1 - in_y, c->bottom_right, tolerance);
    // The banner: solid along that edge, exactly bar_height deep.
    SDL_Rect edge = {0, HEIGHT - bar_height, WIDTH, bar_height};
    if (c->banner_edge == EDGE_RIGHT)
        edge = (SDL_Rect){WIDTH - bar_height, 0, bar_height, HEIGHT};
    else if (c->banner_edge == EDGE_TOP)
        edge = (SDL_Rect){0, 0, WIDTH, bar_height};
    else if (c->banner_edge == EDGE_LEFT)
        edge = (SDL_Rect){0, 0, bar_height, HEIGHT};
    assert_pixel(shot, edge.x, edge.y, bar, tolerance);
    assert_pixel(shot, edge.x + edge.w - 1, edge.y + edge.h - 1, bar, tolerance);
    bool is_vertical = c->banner_edge == EDGE_RIGHT || c->banner_edge == EDGE_LEFT;
    int beside_x =
        is_vertical ? (c->banner_edge == EDGE_LEFT ? bar_height : edge.x - 1) : WIDTH / 4;
    int beside_y =
        is_vertical ? HEIGHT / 4 : (c->banner_edge == EDGE_TOP ? bar_height : edge.y - 1);
    assert_false(is_black(pixel_at(shot, beside_x, beside_y)));
    assert_true(pixel_at(shot, beside_x, beside_y).r != bar.r);

    // Every pixel, turned as the viewer sees it, is the canvas as laid out.
    SDL_Surface *seen = render_checks_turned_clockwise(shot, c->rotation_degrees);
    assert_int_equal(seen->w, width);
    assert_int_equal(seen->h, height);
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            const struct rgb quadrants[4] = {red, green, blue, white};
            struct rgb want = y >= height - bar_height
                                  ? bar
                                  : quadrants[(y >= height / 2) * 2 + (x >= width / 2)];
            assert_pixel(seen, x, y, want, tolerance);
        }
    }
    SDL_FreeSurface(seen);
    SDL_FreeSurface(shot);
    assert_int_equal(presenter_set_banner(shown, NULL), 0);
    presenter_still_destroy(shown, still);
    presenter_set_rotation(shown, 0);
}

static void test_rotated_canvas_turns_still_and_banner(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof canvas_cases / sizeof canvas_cases[0]; i++)
        check_canvas_case(presenter, &canvas_cases[i], 0);
}

static void test_rotation_reports_and_redraws(void **state)
{
    (void)state;
    struct presenter_still *teal = solid_still((struct rgb){20, 160, 150});
    int64_t now_ns = monotime_now_ns();
    presenter_show_still(presenter, teal, 0, now_ns);
    assert_true(presenter_present(presenter, now_ns));
    assert_false(presenter_present(presenter, now_ns));
    // A turn is a change to present; the same turn again is not.
    presenter_set_rotation(presenter, 90);
    assert_true(presenter_present(presenter, now_ns));
    presenter_set_rotation(presenter, 90);
    assert_false(presenter_present(presenter, now_ns));
    // Quarter turns only, whatever is asked.
    const int asked[][2] = {{-90, 270}, {450, 90}, {100, 90}, {360, 0}, {-180, 180}, {0, 0}};
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        presenter_set_rotation(presenter, asked[i][0]);
        if (presenter_rotation(presenter) != asked[i][1])
            fail_msg("rotation %d became %d, expected %d", asked[i][0],
                     presenter_rotation(presenter), asked[i][1]);
    }
    int width, height;
    presenter_get_output_size(presenter, &width, &height);
    assert_int_equal(width, WIDTH);
    assert_int_equal(height, HEIGHT);
    presenter_still_destroy(presenter, teal);
}

static void test_rotated_canvas_cross_fades(void **state)
{
    (void)state;
    presenter_set_rotation(presenter, 270);
    struct presenter_still *black_still = solid_still(black);
    struct presenter_still *white_still = solid_still((struct rgb){240, 240, 240});
    int64_t start_ns = monotime_now_ns();
    presenter_show_still(presenter, black_still, 0, start_ns);
    int64_t fade_ns = 400 * NS_PER_MS;
    presenter_show_still(presenter, white_still, fade_ns, start_ns);
    SDL_Surface *halfway = presenter_capture(presenter, start_ns + fade_ns / 2);
    assert_pixel(halfway, 0, 0, (struct rgb){120, 120, 120}, 4);
    assert_pixel(halfway, WIDTH - 1, HEIGHT - 1, (struct rgb){120, 120, 120}, 4);
    SDL_FreeSurface(halfway);
    presenter_still_destroy(presenter, black_still);
    presenter_still_destroy(presenter, white_still);
    presenter_set_rotation(presenter, 0);
}

struct turned_video_case {
    enum picture_format format;
    int picture_degrees, canvas_degrees;
};

static const struct turned_video_case turned_video_cases[] = {
    {PICTURE_FORMAT_RGBA32, 0, 90},     {PICTURE_FORMAT_RGBA32, 90, 90},
    {PICTURE_FORMAT_RGBA32, 270, 90},   {PICTURE_FORMAT_RGBA32, 180, 90},
    {PICTURE_FORMAT_RGBA32, 90, 270},   {PICTURE_FORMAT_RGBA32, 0, 270},
    {PICTURE_FORMAT_RGBA32, 90, 180},   {PICTURE_FORMAT_RGBA32, 180, 180},
    {PICTURE_FORMAT_YUV420P, 90, 90},   {PICTURE_FORMAT_YUV420P, 0, 270},
    {PICTURE_FORMAT_YUV420P, 270, 180},
};

// A clip with its own rotation on a screen mounted turned: the viewer sees
// the picture upright (its own turn applied) and letterboxed on the canvas.
static void check_turned_video_case(struct presenter *shown, const struct turned_video_case *c,
                                    int extra_tolerance)
{
    print_message("%s: %s at %d degrees on a canvas turned %d\n", presenter_describe(shown),
                  c->format == PICTURE_FORMAT_RGBA32 ? "rgba" : "yuv", c->picture_degrees,
                  c->canvas_degrees);
    presenter_set_rotation(shown, c->canvas_degrees);
    struct picture picture = quadrant_picture(c->format, 32, 16);
    picture.rotation_degrees = c->picture_degrees;
    assert_int_equal(presenter_show_picture(shown, &picture), 0);
    free_picture(&picture);
    SDL_Surface *shot = presenter_capture(shown, monotime_now_ns());
    assert_non_null(shot);
    SDL_Surface *seen = render_checks_turned_clockwise(shot, c->canvas_degrees);
    // Upright, as rotation_cases has it for the picture's own turn.
    const struct rotation_case *upright = NULL;
    for (size_t k = 0; k < sizeof rotation_cases / sizeof rotation_cases[0]; k++) {
        if (rotation_cases[k].format == c->format &&
            rotation_cases[k].rotation_degrees == c->picture_degrees)
            upright = &rotation_cases[k];
    }
    assert_non_null(upright);
    const struct rgb want[4] = {upright->top_left, upright->top_right, upright->bottom_left,
                                upright->bottom_right};
    int tolerance = (c->format == PICTURE_FORMAT_RGBA32 ? 0 : 8) + extra_tolerance;
    bool is_picture_sideways = c->picture_degrees % 180 != 0;
    if (c->canvas_degrees % 180 == 0) { // a 160x90 canvas, as without a turn
        if (is_picture_sideways)
            assert_quadrants(seen, 58, 0, 102, 90, want, tolerance);
        else
            assert_quadrants(seen, 0, 5, 160, 85, want, tolerance);
    } else { // a 90x160 canvas
        // 1:2 upright: 80x160 (bars of 5); 2:1: 90x45 (bars of 57 and 58).
        if (is_picture_sideways)
            assert_quadrants(seen, 5, 0, 85, 160, want, tolerance);
        else
            assert_quadrants(seen, 0, 57, 90, 102, want, tolerance);
    }
    SDL_FreeSurface(seen);
    SDL_FreeSurface(shot);
    presenter_set_rotation(shown, 0);
}

static void test_video_on_a_rotated_canvas(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof turned_video_cases / sizeof turned_video_cases[0]; i++)
        check_turned_video_case(presenter, &turned_video_cases[i], 0);
}

// The same on the renderers a Pi uses (OpenGL ES 2 through Mesa's V3D
// driver) and a desktop's: here Mesa's, under the offscreen driver, when
// they exist. The turn is composed into each copy, so it must hold there too.
static void test_rotated_canvas_on_gpu_renderers(void **state)
{
    (void)state;
    const char *const renderers[] = {"opengles2", "opengl"};
    int n_tried = 0;
    for (size_t r = 0; r < sizeof renderers / sizeof renderers[0]; r++) {
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, renderers[r]);
        char error[256];
        struct presenter_options options = {
            .window_width_px = WIDTH, .window_height_px = HEIGHT, .title = renderers[r]};
        struct presenter *gpu = presenter_create(&options, error, sizeof error);
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        assert_non_null(gpu);
        if (!strstr(presenter_describe(gpu), renderers[r])) {
            print_message("no %s renderer here (%s)\n", renderers[r], presenter_describe(gpu));
            presenter_destroy(gpu);
            continue;
        }
        n_tried++;
        // GPU blending and YUV conversion may differ by a level or two.
        for (size_t i = 0; i < sizeof canvas_cases / sizeof canvas_cases[0]; i++)
            check_canvas_case(gpu, &canvas_cases[i], 2);
        for (size_t i = 0; i < sizeof turned_video_cases / sizeof turned_video_cases[0]; i++)
            check_turned_video_case(gpu, &turned_video_cases[i], 2);
        presenter_destroy(gpu);
    }
    if (n_tried == 0)
        skip();
}

// A display that does not exist is no reason to show nothing: the first one.
static void test_missing_display_falls_back_to_the_first(void **state)
{
    (void)state;
    char error[256];
    int n_displays = SDL_GetNumVideoDisplays();
    struct presenter_options options = {.window_width_px = 0,
                                        .window_height_px = 0,
                                        .title = "display",
                                        .display_index = n_displays + 1};
    struct presenter *full_screen = presenter_create(&options, error, sizeof error);
    assert_non_null(full_screen);
    SDL_Window *window = NULL;
    for (Uint32 id = 1; id < 256 && !window; id++) {
        SDL_Window *candidate = SDL_GetWindowFromID(id);
        if (candidate && strcmp(SDL_GetWindowTitle(candidate), "display") == 0)
            window = candidate;
    }
    assert_non_null(window);
    assert_int_equal(SDL_GetWindowDisplayIndex(window), 0);
    assert_true((SDL_GetWindowFlags(window) & SDL_WINDOW_FULLSCREEN_DESKTOP) != 0);
    // Displays changing leave it where it is (nothing better exists), redrawn.
    struct presenter_still *teal = NULL;
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_FillRect(surface, NULL, SDL_MapRGB(surface->format, 20, 160, 150));
    teal = presenter_still_create(full_screen, surface);
    SDL_FreeSurface(surface);
    presenter_show_still(full_screen, teal, 0, monotime_now_ns());
    assert_true(presenter_present(full_screen, monotime_now_ns()));
    assert_false(presenter_handle_display_change(full_screen));
    assert_true(presenter_present(full_screen, monotime_now_ns()));
    assert_int_equal(SDL_GetWindowDisplayIndex(window), 0);
    presenter_still_destroy(full_screen, teal);
    presenter_destroy(full_screen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_still_fills_the_screen_and_is_presented_once),
        cmocka_unit_test(test_cross_fade_blends_then_settles),
        cmocka_unit_test(test_video_keeps_its_display_aspect),
        cmocka_unit_test(test_rotation_turns_the_picture_upright),
        cmocka_unit_test(test_phone_portrait_clip_stands_upright_between_bars),
        cmocka_unit_test(test_bad_rotation_is_refused),
        cmocka_unit_test(test_useful_picture_size),
        cmocka_unit_test(test_picture_larger_than_a_texture_is_refused),
        cmocka_unit_test(test_banner_lies_over_still_fade_and_video),
        cmocka_unit_test(test_rotated_canvas_turns_still_and_banner),
        cmocka_unit_test(test_rotation_reports_and_redraws),
        cmocka_unit_test(test_rotated_canvas_cross_fades),
        cmocka_unit_test(test_video_on_a_rotated_canvas),
        cmocka_unit_test(test_rotated_canvas_on_gpu_renderers),
        cmocka_unit_test(test_missing_display_falls_back_to_the_first),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
