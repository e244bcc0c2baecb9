// render_checks: see render_checks.h.
#include "render_checks.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static double linear(double channel)
{
    double c = channel / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double render_checks_luminance(double r, double g, double b)
{
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

double render_checks_luminance_of(SDL_Color color)
{
    return render_checks_luminance(color.r, color.g, color.b);
}

double render_checks_ratio(double la, double lb)
{
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

double render_checks_contrast(SDL_Color a, SDL_Color b)
{
    return render_checks_ratio(render_checks_luminance_of(a), render_checks_luminance_of(b));
}

SDL_Color render_checks_color_at(const SDL_Surface *surface, int x, int y)
{
    Uint32 value = ((const Uint32 *)((const Uint8 *)surface->pixels + y * surface->pitch))[x];
    SDL_Color color;
    SDL_GetRGBA(value, surface->format, &color.r, &color.g, &color.b, &color.a);
    return color;
}

SDL_Surface *render_checks_turned_clockwise(const SDL_Surface *shot, int degrees)
{
    bool is_sideways = degrees == 90 || degrees == 270;
    int width = shot->w, height = shot->h;
    SDL_Surface *turned =
        SDL_CreateRGBSurfaceWithFormat(0, is_sideways ? height : width,
                                       is_sideways ? width : height, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(turned);
    for (int y = 0; y < turned->h; y++) {
        for (int x = 0; x < turned->w; x++) {
            // Turned 90 clockwise, the output's bottom-left corner is the
            // viewer's top-left: viewer (x, y) is output (y, height - 1 - x).
            int from_x = x, from_y = y;
            if (degrees == 90)
                from_x = y, from_y = height - 1 - x;
            else if (degrees == 180)
                from_x = width - 1 - x, from_y = height - 1 - y;
            else if (degrees == 270)
                from_x = width - 1 - y, from_y = x;
            ((Uint32 *)turned->pixels)[y * turned->pitch / 4 + x] =
                ((const Uint32 *)shot->pixels)[from_y * shot->pitch / 4 + from_x];
        }
    }
    return turned;
}
