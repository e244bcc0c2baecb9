// slide_raster_bench: how long one slide takes to lay out and rasterize
// (app/slide_view: layout, then render/slide_raster) at a given screen size,
// the work the player does once per slide while the item before it plays.
// Not a test: it prints figures for bench/run and checks nothing.
//
//   signage-slide-bench DECK CONTENT_ROOT WxH [REPEATS [MAX_SLIDES]]
//
// Prints one line per slide: "slide N cold_ms M median_ms M cpu_median_ms M",
// where cold is the first draw at this size (glyph caches empty) and the
// medians are over REPEATS (default 5) draws after it; MAX_SLIDES limits the
// run to the deck's first slides (callgrind is slow).
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "app/slide_view.h"
#include "base/file_io.h"
#include "base/xalloc.h"
#include "render/font.h"
#include "show/deck.h"
#include "show/layout.h"

#define BENCH_MAX_REPEATS 101

static double clock_ms(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

static struct deck *read_deck(const char *path)
{
    char *text;
    size_t length;
    if (file_read_all(path, FILE_IO_TEXT_MAX_BYTES, &text, &length) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return NULL;
    }
    struct parse_report report;
    parse_report_init(&report);
    struct deck *deck = deck_parse(text, length, &report);
    free(text);
    return deck;
}

// One draw; returns its wall time and (in *cpu_ms) its CPU time, in ms.
static double draw_once(struct fonts *fonts, const struct deck_slide *slide, const char *root,
                        const char *deck_dir, int width, int height, double *cpu_ms)
{
    double wall_start = clock_ms(CLOCK_MONOTONIC);
    double cpu_start = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    SDL_Surface *surface =
        slide_view_draw(fonts, slide, root, deck_dir, width, height, LAYOUT_DEFAULT_SAFE_MARGIN);
    *cpu_ms = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    double wall_ms = clock_ms(CLOCK_MONOTONIC) - wall_start;
    if (!surface) {
        fprintf(stderr, "slide_view_draw failed\n");
        exit(1);
    }
    SDL_FreeSurface(surface);
    return wall_ms;
}

int main(int argc, char **argv)
{
    int width, height, repeats = argc > 4 ? atoi(argv[4]) : 5;
    size_t max_slides = argc > 5 ? (size_t)strtoul(argv[5], NULL, 10) : SIZE_MAX;
    if (argc < 4 || sscanf(argv[3], "%dx%d", &width, &height) != 2 || repeats < 1 ||
        repeats > BENCH_MAX_REPEATS) {
        fprintf(stderr, "usage: %s DECK CONTENT_ROOT WxH [REPEATS (1-%d) [MAX_SLIDES]]\n", argv[0],
                BENCH_MAX_REPEATS);
        return 2;
    }
    char root[PATH_MAX], deck_dir[PATH_MAX];
    char *copy = xstrdup(argv[1]);
    if (!realpath(argv[2], root) || !realpath(dirname(copy), deck_dir)) {
        fprintf(stderr, "cannot resolve the deck's folder or the content root\n");
        return 1;
    }
    free(copy);
    struct deck *deck = read_deck(argv[1]);
    char error[512];
    struct fonts *fonts = fonts_create(error, sizeof error);
    if (!deck || !fonts) {
        fprintf(stderr, "%s\n", deck ? error : "the deck does not parse");
        return 1;
    }
    for (size_t i = 0; i < deck_n_slides(deck) && i < max_slides; i++) {
        const struct deck_slide *slide = deck_slide_at(deck, i);
        double cpu_ms, wall[BENCH_MAX_REPEATS], cpu[BENCH_MAX_REPEATS];
        double cold_ms = draw_once(fonts, slide, root, deck_dir, width, height, &cpu_ms);
        for (int r = 0; r < repeats; r++)
            wall[r] = draw_once(fonts, slide, root, deck_dir, width, height, &cpu[r]);
        printf("slide %zu cold_ms %.3f median_ms %.3f cpu_median_ms %.3f\n", i + 1, cold_ms,
               median(wall, repeats), median(cpu, repeats));
    }
    fonts_destroy(fonts);
    deck_destroy(deck);
    return 0;
}
