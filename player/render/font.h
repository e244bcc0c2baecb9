// font: the faces slide text is drawn with. fontconfig picks a CJK face
// (Noto Sans CJK SC preferred, WenQuanYi Zen Hei as fallback) and a fallback
// chain of installed faces; SDL2_ttf 2.20 has no fallback of its own, so each
// run of text is drawn with the first face of the chain that has its glyphs.
// Knows nothing of slides or windows: works without a video device.
#ifndef SIGNAGE_RENDER_FONT_H
#define SIGNAGE_RENDER_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "show/layout.h"

struct fonts;

// Main thread. Initializes SDL2_ttf if needed and chooses the faces.
// Returns NULL with a reason in error when no CJK-capable face is installed.
struct fonts *fonts_create(char *error, size_t error_size);

void fonts_destroy(struct fonts *fonts);

// The measuring callbacks the layout needs, bound to fonts (borrowed: valid
// until fonts_destroy()).
struct text_metrics fonts_text_metrics(struct fonts *fonts);

// Draws length bytes of UTF-8 text on one line in role's face at size_px.
// Returns a new ARGB8888 surface (caller frees), or NULL for empty text or
// when SDL_ttf fails (reason in SDL_GetError()). The surface has headroom for
// fallback faces with taller ascents: blit it *rise_px above the line's top.
SDL_Surface *fonts_render_line(struct fonts *fonts, enum text_role role, int size_px,
                               const char *text, size_t length, SDL_Color color, int *rise_px);

// True when some face of the chain can draw codepoint.
bool fonts_can_draw(struct fonts *fonts, uint32_t codepoint);

// "Noto Sans CJK SC (face 2 of /usr/share/fonts/...)": the primary face, for logs.
const char *fonts_primary_description(const struct fonts *fonts);

#endif
