// clock_face: the clock the player can show: a small plate for a corner of
// the screen, over whatever plays (overlay = clock), and a full-screen clock
// for the hours nothing is scheduled (idle = clock). Pure drawing from a time
// it is given: it reads no clock and knows nothing of where or when its
// pictures are shown.
#ifndef SIGNAGE_RENDER_CLOCK_FACE_H
#define SIGNAGE_RENDER_CLOCK_FACE_H

#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

#include "render/font.h"

// A local time as a wall clock shows it.
struct clock_face_time {
    int year, month, day; // month 1-12, day 1-31
    int weekday;          // 0 = Monday ... 6 = Sunday
    int hour, minute;     // 0-23, 0-59
};

// Writes the date as the corner plate shows it, for a Chinese school and
// an international booth alike: "11月30日 周一 · Mon 30 Nov". Out-of-range
// fields are clamped, never read outside a table.
void clock_face_date_text(const struct clock_face_time *time, char *out, size_t size);

// Main thread (the thread that owns fonts). The corner plate for an output
// of output_width_px x output_height_px: a dark rounded plate, translucent
// (about 80% opaque, so that white text on it stays above 4.5:1, WCAG AA,
// over any picture, white included), with the time (HH:MM, large, bold) and
// the date line below it, centred, in white. Sized from the output's
// shorter side (the same plate on a portrait screen) and never wider than
// half the width inside safe_margin (a fraction of each side, e.g. 0.05);
// the plate keeps its size from minute to minute (digits are given the
// widest digit's room). Every pixel of text lies inside the plate, padded,
// none in its rounded-off corners. Returns a new ARGB8888 surface with
// alpha (caller frees), exactly the plate; where it goes is the caller's
// business. NULL with a reason in error when the output has no pixels or
// SDL_ttf fails.
SDL_Surface *clock_face_draw_plate(struct fonts *fonts, const struct clock_face_time *time,
                                   int output_width_px, int output_height_px, double safe_margin,
                                   char *error, size_t error_size);

// Main thread. The full-screen clock: an opaque output_width_px x
// output_height_px surface (caller frees), dark, with the time as large as
// a third of the shorter side (smaller when the width needs it), an accent
// rule, the date in Chinese ("2026年11月30日 星期一") and in English ("Monday
// 30 November 2026"), all inside safe_margin. Against burn-in the block
// stands a little off centre, in one of eight places chosen by the hour.
// NULL with a reason in error as clock_face_draw_plate().
SDL_Surface *clock_face_draw_screen(struct fonts *fonts, const struct clock_face_time *time,
                                    int output_width_px, int output_height_px, double safe_margin,
                                    char *error, size_t error_size);

// True when fonts can draw every character either face may show (digits,
// the weekday and month names, 年月日星期周, the separator): for --check.
bool clock_face_can_draw(struct fonts *fonts);

#endif
