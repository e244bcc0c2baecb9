// slide_view: one deck slide drawn at one screen size: layout, then raster,
// with the deck's images loaded from inside the content root.
#ifndef SIGNAGE_APP_SLIDE_VIEW_H
#define SIGNAGE_APP_SLIDE_VIEW_H

#include <SDL.h>

#include "render/font.h"
#include "show/deck.h"
#include "show/layout.h"

// Lays slide out for width_px x height_px, keeping safe_margin (a fraction
// of each side, e.g. 0.05) free. Returns a new layout (caller destroys; it
// borrows from slide).
struct slide_layout *slide_view_layout(struct fonts *fonts, const struct deck_slide *slide,
                                       int width_px, int height_px, double safe_margin);

// Draws slide. content_root and deck_dir are resolved folders (images are
// looked up below deck_dir and must stay inside content_root). Returns a new
// surface (caller frees), or NULL when out of memory.
SDL_Surface *slide_view_draw(struct fonts *fonts, const struct deck_slide *slide,
                             const char *content_root, const char *deck_dir, int width_px,
                             int height_px, double safe_margin);

// A full-screen card with a heading and a line of text (e.g. the fallback
// card shown when nothing in the playlist can be played). NULL when out of memory.
SDL_Surface *slide_view_draw_card(struct fonts *fonts, const char *heading, const char *text,
                                  int width_px, int height_px, double safe_margin);

#endif
