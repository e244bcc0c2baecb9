// Fuzz target: deck_parse (deck_split + md4c) over arbitrary bytes, then
// layout_slide for every slide on a landscape, a portrait and the smallest
// screen --render accepts, with a fake measurer that gives some code points
// no width (as combining marks have). Checks the layout's promises: every
// line's bytes readable, positive line heights, a scale in range.
#include <stdlib.h>
#include <string.h>

#include "fuzz_guard.h"
#include "fuzz_target.h"
#include "show/deck.h"
#include "show/layout.h"
#include "show/parse_report.h"

#define FUZZ_CHECK(condition) ((condition) ? (void)0 : abort())

static int fake_width(void *context, enum text_role role, int size_px, const char *text,
                      size_t length)
{
    (void)context;
    (void)role;
    FUZZ_CHECK(size_px >= 0);
    FUZZ_CHECK(length == 0 || memchr(text, '\0', length) == NULL);
    long width = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char byte = (unsigned char)text[i];
        if (byte < 0x80)
            width += (size_px * 55 + 99) / 100;
        else if ((byte & 0xC0) != 0x80 && byte % 7 != 0) // lead byte; some are zero-width
            width += size_px;
    }
    return (int)(width > 1000000 ? 1000000 : width);
}

static int fake_line_height(void *context, enum text_role role, int size_px)
{
    (void)context;
    (void)role;
    return (size_px * 14 + 5) / 10;
}

static const struct text_metrics metrics = {NULL, fake_width, fake_line_height};

static const struct layout_params screens[] = {
    {1920, 1080, LAYOUT_DEFAULT_SAFE_MARGIN, LAYOUT_DEFAULT_MIN_SCALE},
    {1080, 1920, 0.20, LAYOUT_DEFAULT_MIN_SCALE}, // portrait, the largest safe-margin
    {16, 16, 0.0, LAYOUT_DEFAULT_MIN_SCALE},      // --size's smallest
};

static void check_layout(const struct deck_slide *slide, const struct slide_layout *layout,
                         const struct layout_params *params)
{
    FUZZ_CHECK(layout->scale >= params->min_scale - 1e-9 && layout->scale <= 1.0 + 1e-9);
    for (size_t i = 0; i < layout->n_texts; i++) {
        const struct layout_text *text = &layout->texts[i];
        FUZZ_CHECK(text->block_index < slide->n_blocks);
        FUZZ_CHECK((unsigned)text->role < TEXT_ROLE_COUNT);
        FUZZ_CHECK(text->length > 0 && text->text != NULL);
        FUZZ_CHECK(memchr(text->text, '\0', text->length) == NULL);
        FUZZ_CHECK(text->rect.width_px >= 0 && text->rect.height_px >= 0);
    }
    for (size_t i = 0; i < layout->n_boxes; i++) {
        FUZZ_CHECK(layout->boxes[i].block_index < slide->n_blocks);
        FUZZ_CHECK(layout->boxes[i].rect.width_px >= 0 && layout->boxes[i].rect.height_px >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parse_report report;
    parse_report_init(&report);
    struct deck *deck = deck_parse(fuzz_guard_copy(data, size), size, &report);
    if (!deck) {
        FUZZ_CHECK(parse_report_count(&report) > 0);
        return 0;
    }
    FUZZ_CHECK(parse_report_count(&report) == 0);
    size_t n_slides = deck_n_slides(deck);
    FUZZ_CHECK(n_slides > 0);
    for (size_t i = 0; i < n_slides; i++) {
        const struct deck_slide *slide = deck_slide_at(deck, i);
        FUZZ_CHECK(slide->line >= 1);
        for (size_t b = 0; b < slide->n_blocks; b++) {
            const struct slide_block *block = &slide->blocks[b];
            FUZZ_CHECK(block->text != NULL && block->line >= 1);
            FUZZ_CHECK((block->kind == SLIDE_BLOCK_CALLOUT) == (block->figure != NULL));
            FUZZ_CHECK((block->kind == SLIDE_BLOCK_IMAGE) == (block->path != NULL));
        }
        for (size_t s = 0; s < sizeof screens / sizeof screens[0]; s++) {
            struct slide_layout *layout = layout_slide(slide, &screens[s], &metrics);
            FUZZ_CHECK(layout != NULL);
            check_layout(slide, layout, &screens[s]);
            layout_destroy(layout);
        }
    }
    deck_destroy(deck);
    return 0;
}
