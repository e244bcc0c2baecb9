// banner: the announcement bar shown over the loop ("announce TEXT"): a solid
// bar as wide as the screen with the text centred on it, drawn once per text
// and screen size. Knows nothing of expiry or of where the bar is shown.
#ifndef SIGNAGE_RENDER_BANNER_H
#define SIGNAGE_RENDER_BANNER_H

#include <stddef.h>

#include <SDL.h>

#include "render/font.h"

// Main thread (the thread that owns fonts). Draws text (UTF-8, borrowed;
// line breaks and tabs count as spaces) for an output of output_width_px x
// output_height_px, keeping safe_margin (a fraction of each side, as for
// slides, e.g. 0.05) free of text. Returns a new opaque ARGB8888 surface
// (caller frees) output_width_px wide, to be shown along the output's bottom
// edge: a text band about 13% of the output's shorter side (so a portrait
// screen gets the same band as a landscape one) above the bottom margin.
// White bold text in the slide font, at least 4.5:1 on the bar (WCAG AA),
// centred, as large as fits in up to two balanced lines; text that does not
// fit even when shrunk to half size is cut with an ellipsis, never drawn
// outside the band. NULL with a reason in error when text is empty (or only
// spaces), the output has no pixels, or SDL or SDL_ttf fails.
SDL_Surface *banner_draw(struct fonts *fonts, const char *text, int output_width_px,
                         int output_height_px, double safe_margin, char *error, size_t error_size);

#endif
