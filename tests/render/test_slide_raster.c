// How a slide looks: every text colour is readable against what it is drawn
// on (WCAG AA, 4.5:1), and a drawn slide puts each role's colour where the
// layout placed it, with real fonts found through fontconfig.
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <SDL.h>

#include "render_checks.h"

#include "render/font.h"
#include "render/slide_raster.h"
#include "show/deck.h"
#include "show/layout.h"

#define WCAG_AA_MIN_CONTRAST 4.5

static void test_every_text_colour_meets_wcag_aa(void **state)
{
    (void)state;
    const struct slide_palette *p = slide_raster_palette();
    const struct {
        const char *what;
        SDL_Color text, ground;
    } pairs[] = {
        {"title on background", p->title, p->background},
        {"body on background", p->body, p->background},
        {"figure on card", p->accent, p->card},
        {"label on card", p->label, p->card},
        {"code on code panel", p->body, p->code_panel},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double ratio = render_checks_contrast(pairs[i].text, pairs[i].ground);
        if (ratio < WCAG_AA_MIN_CONTRAST)
            fail_msg("%s: contrast %.2f:1, below %.1f:1", pairs[i].what, ratio,
                     WCAG_AA_MIN_CONTRAST);
    }
}

static bool same_color(Uint32 pixel, const SDL_PixelFormat *format, SDL_Color color)
{
    Uint8 r, g, b;
    SDL_GetRGB(pixel, format, &r, &g, &b);
    return r == color.r && g == color.g && b == color.b;
}

// Pixels of exactly color inside rect.
static int count_color(SDL_Surface *surface, struct layout_rect rect, SDL_Color color)
{
    int count = 0;
    for (int y = rect.y_px; y < rect.y_px + rect.height_px; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)surface->pixels + y * surface->pitch);
        for (int x = rect.x_px; x < rect.x_px + rect.width_px; x++)
            count += same_color(row[x], surface->format, color);
    }
    return count;
}

static void test_slide_draws_each_role_where_the_layout_put_it(void **state)
{
    (void)state;
    char error[256];
    struct fonts *fonts = fonts_create(error, sizeof error);
    if (!fonts)
        fail_msg("%s", error);
    static const char text[] = "# 绿色低碳转型成效显著\n\n与2012年相比，2023年\n\n"
                               "> **5095家** 国家级绿色工厂\n";
    struct parse_report report;
    struct deck *deck = deck_parse(text, sizeof text - 1, &report);
    assert_non_null(deck);
    const struct deck_slide *slide = deck_slide_at(deck, 0);
    struct layout_params params = {1280, 720, LAYOUT_DEFAULT_SAFE_MARGIN, LAYOUT_DEFAULT_MIN_SCALE};
    struct text_metrics metrics = fonts_text_metrics(fonts);
    struct slide_layout *layout = layout_slide(slide, &params, &metrics);
    SDL_Surface *surface = slide_raster_draw(fonts, slide, layout, 1280, 720, NULL);
    assert_non_null(surface);
    const struct slide_palette *palette = slide_raster_palette();
    bool has_card = false;
    for (size_t i = 0; i < layout->n_boxes; i++) {
        if (layout->boxes[i].kind != LAYOUT_BOX_CALLOUT)
            continue;
        has_card = true;
        // The card is drawn, and the big figure on it in the accent colour.
        struct layout_rect box = layout->boxes[i].rect;
        if (count_color(surface, box, palette->card) < box.width_px * box.height_px / 3)
            fail_msg("callout card not drawn at %d,%d", box.x_px, box.y_px);
    }
    assert_true(has_card);
    for (size_t i = 0; i < layout->n_texts; i++) {
        const struct layout_text *line = &layout->texts[i];
        SDL_Color want = line->role == TEXT_ROLE_TITLE            ? palette->title
                         : line->role == TEXT_ROLE_CALLOUT_FIGURE ? palette->accent
                         : line->role == TEXT_ROLE_CALLOUT_LABEL  ? palette->label
                                                                  : palette->body;
        int n = count_color(surface, line->rect, want);
        if (n < line->size_px) // glyph cores are solid: at least a few per character
            fail_msg("'%.*s' (role %d) has %d pixels of its colour: not drawn where laid out",
                     (int)line->length, line->text, (int)line->role, n);
    }
    SDL_FreeSurface(surface);
    layout_destroy(layout);
    deck_destroy(deck);
    fonts_destroy(fonts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_text_colour_meets_wcag_aa),
        cmocka_unit_test(test_slide_draws_each_role_where_the_layout_put_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
