// slide_raster: draws one laid-out slide (background, cards, panels, images,
// text) into a new surface, once per slide and screen size. The surface is
// uploaded once and reused; nothing here runs per frame.
#ifndef SIGNAGE_RENDER_SLIDE_RASTER_H
#define SIGNAGE_RENDER_SLIDE_RASTER_H

#include <SDL.h>

#include "render/font.h"
#include "show/layout.h"

// Loads the picture for an image block (path as written in the deck) as a
// new surface the raster frees, or NULL when it cannot (the box stays empty;
// the caller has already reported why).
typedef SDL_Surface *(*slide_image_load_fn)(void *context, const char *path);

struct slide_raster_images {
    slide_image_load_fn load; // may be NULL: image boxes stay empty
    void *context;
};

// Main thread (or any one thread that owns fonts). Returns a new ARGB8888
// surface of width_px x height_px (caller frees), or NULL when out of memory.
// A line SDL_ttf fails to draw is left out and logged.
SDL_Surface *slide_raster_draw(struct fonts *fonts, const struct deck_slide *slide,
                               const struct slide_layout *layout, int width_px, int height_px,
                               const struct slide_raster_images *images);

// The deck's colours. Every text colour has at least 4.5:1 contrast (WCAG AA)
// against what it is drawn on: title and body on background, figure and label
// on card, code text on code_panel.
struct slide_palette {
    SDL_Color background, title, body, accent, card, label, code_panel;
};

// Borrowed, static.
const struct slide_palette *slide_raster_palette(void);

// Same palette for full-screen cards drawn outside decks (fallback card).
SDL_Color slide_raster_background(void);

#endif
