// slide_raster: the deck's look. A dark navy ground with light text keeps a
// hallway screen calm and readable from a distance; one warm accent marks the
// big numbers. Every text colour has >= 4.5:1 contrast on what is behind it
// (WCAG AA): body #E8EDF5 on #0F1E36 is 14:1, accent #FFC857 on the card
// #1C3357 is 8.7:1, label #CFD8E6 on the card is 9.4:1.
#include "render/slide_raster.h"

#include "base/log.h"

static const struct slide_palette palette = {
    .background = {0x0F, 0x1E, 0x36, 0xFF},
    .title = {0xFF, 0xFF, 0xFF, 0xFF},
    .body = {0xE8, 0xED, 0xF5, 0xFF},
    .accent = {0xFF, 0xC8, 0x57, 0xFF},
    .card = {0x1C, 0x33, 0x57, 0xFF},
    .label = {0xCF, 0xD8, 0xE6, 0xFF},
    .code_panel = {0x08, 0x12, 0x24, 0xFF},
};

const struct slide_palette *slide_raster_palette(void)
{
    return &palette;
}

SDL_Color slide_raster_background(void)
{
    return palette.background;
}

static SDL_Color text_color(enum text_role role)
{
    switch (role) {
    case TEXT_ROLE_TITLE:
    case TEXT_ROLE_HEADING:
        return palette.title;
    case TEXT_ROLE_CALLOUT_FIGURE:
        return palette.accent;
    case TEXT_ROLE_CALLOUT_LABEL:
        return palette.label;
    case TEXT_ROLE_BODY:
    case TEXT_ROLE_CODE:
    case TEXT_ROLE_COUNT:
        break;
    }
    return palette.body;
}

static void fill(SDL_Surface *surface, const struct layout_rect *rect, SDL_Color color)
{
    SDL_Rect area = {rect->x_px, rect->y_px, rect->width_px, rect->height_px};
    SDL_FillRect(surface, &area, SDL_MapRGB(surface->format, color.r, color.g, color.b));
}

// Scales picture into box with its aspect kept, centred.
static void draw_image(SDL_Surface *surface, SDL_Surface *picture, const struct layout_rect *box)
{
    if (picture->w <= 0 || picture->h <= 0)
        return;
    double scale_x = (double)box->width_px / picture->w;
    double scale_y = (double)box->height_px / picture->h;
    double scale = scale_x < scale_y ? scale_x : scale_y;
    int width = (int)(picture->w * scale), height = (int)(picture->h * scale);
    SDL_Rect where = {box->x_px + (box->width_px - width) / 2,
                      box->y_px + (box->height_px - height) / 2, width, height};
    SDL_SetSurfaceBlendMode(picture, SDL_BLENDMODE_BLEND);
    SDL_BlitScaled(picture, NULL, surface, &where);
}

static void draw_boxes(SDL_Surface *surface, const struct deck_slide *slide,
                       const struct slide_layout *layout, const struct slide_raster_images *images)
{
    for (size_t i = 0; i < layout->n_boxes; i++) {
        const struct layout_box *box = &layout->boxes[i];
        switch (box->kind) {
        case LAYOUT_BOX_CALLOUT:
            fill(surface, &box->rect, palette.card);
            break;
        case LAYOUT_BOX_CODE:
            fill(surface, &box->rect, palette.code_panel);
            break;
        case LAYOUT_BOX_IMAGE: {
            const char *path = slide->blocks[box->block_index].path;
            SDL_Surface *picture =
                images && images->load && path ? images->load(images->context, path) : NULL;
            if (picture) {
                draw_image(surface, picture, &box->rect);
                SDL_FreeSurface(picture);
            }
            break;
        }
        }
    }
}

// A short accent rule under the title of a content slide: it separates the
// title from the body at a glance. Title-only slides (questions) have none.
static void draw_title_rule(SDL_Surface *surface, const struct slide_layout *layout)
{
    const struct layout_text *last_title = NULL;
    bool has_other_text = false;
    for (size_t i = 0; i < layout->n_texts; i++) {
        if (layout->texts[i].role == TEXT_ROLE_TITLE)
            last_title = &layout->texts[i];
        else
            has_other_text = true;
    }
    if (!last_title || !has_other_text)
        return;
    int thickness = last_title->size_px / 12 > 2 ? last_title->size_px / 12 : 2;
    struct layout_rect rule = {layout->safe_area.x_px,
                               last_title->rect.y_px + last_title->rect.height_px + thickness,
                               layout->safe_area.width_px / 12, thickness};
    fill(surface, &rule, palette.accent);
}

SDL_Surface *slide_raster_draw(struct fonts *fonts, const struct deck_slide *slide,
                               const struct slide_layout *layout, int width_px, int height_px,
                               const struct slide_raster_images *images)
{
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, width_px, height_px, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surface)
        return NULL;
    SDL_FillRect(surface, NULL,
                 SDL_MapRGB(surface->format, palette.background.r, palette.background.g,
                            palette.background.b));
    draw_boxes(surface, slide, layout, images);
    draw_title_rule(surface, layout);
    for (size_t i = 0; i < layout->n_texts; i++) {
        const struct layout_text *text = &layout->texts[i];
        int rise_px = 0;
        SDL_Surface *line = fonts_render_line(fonts, text->role, text->size_px, text->text,
                                              text->length, text_color(text->role), &rise_px);
        if (!line) {
            if (text->length > 0)
                log_warning("could not draw a line of slide text: %s", SDL_GetError());
            continue;
        }
        SDL_Rect where = {text->rect.x_px, text->rect.y_px - rise_px, 0, 0};
        SDL_SetSurfaceBlendMode(line, SDL_BLENDMODE_BLEND);
        SDL_BlitSurface(line, NULL, surface, &where);
        SDL_FreeSurface(line);
    }
    return surface;
}
