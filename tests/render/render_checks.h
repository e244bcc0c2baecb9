// render_checks: what the render tests measure on the pictures they get
// back: WCAG 2 contrast, one pixel, and the picture a viewer of a screen
// mounted turned sees. Shared by the tests in tests/render only.
#ifndef SIGNAGE_TESTS_RENDER_CHECKS_H
#define SIGNAGE_TESTS_RENDER_CHECKS_H

#include <SDL.h>

// Relative luminance (WCAG 2) of an sRGB colour with channels 0-255, given
// as doubles because composites (a plate blended over a background) are not whole.
double render_checks_luminance(double r, double g, double b);

// render_checks_luminance() of an SDL colour (alpha ignored).
double render_checks_luminance_of(SDL_Color color);

// The WCAG contrast ratio of two luminances, at least 1 (4.5 is AA for text).
double render_checks_ratio(double la, double lb);

// The WCAG contrast ratio of two colours.
double render_checks_contrast(SDL_Color a, SDL_Color b);

// The colour of a 32-bit surface's pixel (x, y).
SDL_Color render_checks_color_at(const SDL_Surface *surface, int x, int y);

// The picture a viewer sees on a screen mounted turned degrees (0, 90, 180,
// 270) clockwise: shot (ARGB8888, the output as the cable carries it) turned
// that much clockwise on the CPU, independently of the presenter's own
// maths. Returns a new surface (caller frees); fails the test when out of memory.
SDL_Surface *render_checks_turned_clockwise(const SDL_Surface *shot, int degrees);

#endif
