// render_deck: --render. Writes every slide of a deck as a PNG and a contact
// sheet of all of them, so a teacher can review a deck without a screen.
#include "app/app.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/png_file.h"
#include "app/slide_view.h"
#include "base/file_io.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "render/font.h"
#include "render/slide_raster.h"
#include "show/deck.h"

#define SHEET_THUMB_WIDTH_PX 384 // five across fit a 1920 px wide review screen
#define SHEET_GAP_PX         16

static struct deck *read_deck(const char *path)
{
    char *text;
    size_t length;
    int result = file_read_all(path, FILE_IO_TEXT_MAX_BYTES, &text, &length);
    if (result != 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-result));
        return NULL;
    }
    struct parse_report report;
    parse_report_init(&report);
    struct deck *deck = deck_parse(text, length, &report);
    free(text);
    for (size_t i = 0; i < report.n_errors; i++)
        fprintf(stderr, "%s:%d: %s\n", path, report.errors[i].line, report.errors[i].message);
    return deck;
}

// Lays the slides out in a grid of thumbnails, each numbered under it.
static SDL_Surface *contact_sheet(struct fonts *fonts, SDL_Surface **slides, size_t n_slides)
{
    int columns = (int)ceil(sqrt((double)n_slides * 0.8));
    columns = columns < 1 ? 1 : columns;
    int rows = (int)((n_slides + (size_t)columns - 1) / (size_t)columns);
    int thumb_w = SHEET_THUMB_WIDTH_PX;
    int thumb_h = thumb_w * slides[0]->h / slides[0]->w;
    int label_h = 28;
    int cell_w = thumb_w + SHEET_GAP_PX, cell_h = thumb_h + label_h + SHEET_GAP_PX;
    SDL_Surface *sheet =
        SDL_CreateRGBSurfaceWithFormat(0, columns * cell_w + SHEET_GAP_PX,
                                       rows * cell_h + SHEET_GAP_PX, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!sheet)
        return NULL;
    SDL_FillRect(sheet, NULL, SDL_MapRGB(sheet->format, 0x30, 0x34, 0x3A));
    SDL_Color label_color = {0xF0, 0xF0, 0xF0, 0xFF};
    for (size_t i = 0; i < n_slides; i++) {
        int x = SHEET_GAP_PX + (int)(i % (size_t)columns) * cell_w;
        int y = SHEET_GAP_PX + (int)(i / (size_t)columns) * cell_h;
        SDL_Rect where = {x, y, thumb_w, thumb_h};
        SDL_SoftStretchLinear(slides[i], NULL, sheet, &where);
        char label[16];
        int n = snprintf(label, sizeof label, "%zu", i + 1);
        int rise_px = 0;
        SDL_Surface *text =
            fonts_render_line(fonts, TEXT_ROLE_BODY, 18, label, (size_t)n, label_color, &rise_px);
        if (text) {
            SDL_Rect label_at = {x, y + thumb_h + 4 - rise_px, 0, 0};
            SDL_SetSurfaceBlendMode(text, SDL_BLENDMODE_BLEND);
            SDL_BlitSurface(text, NULL, sheet, &label_at);
            SDL_FreeSurface(text);
        }
    }
    return sheet;
}

static int write_png(const char *dir, const char *name, SDL_Surface *surface)
{
    char path[PATH_MAX], error[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (png_file_write(path, surface, error, sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        return -1;
    }
    printf("%s\n", path);
    return 0;
}

static int render_all(const struct app_options *options, struct fonts *fonts,
                      const struct deck *deck, const char *content_root, const char *deck_dir)
{
    size_t n_slides = deck_n_slides(deck);
    SDL_Surface **slides = xcalloc(n_slides, sizeof *slides);
    int result = 0;
    for (size_t i = 0; i < n_slides && result == 0; i++) {
        slides[i] = slide_view_draw(fonts, deck_slide_at(deck, i), content_root, deck_dir,
                                    options->render_width_px, options->render_height_px,
                                    LAYOUT_DEFAULT_SAFE_MARGIN);
        char name[32];
        snprintf(name, sizeof name, "slide-%02zu.png", i + 1);
        result = slides[i] ? write_png(options->render_out_dir, name, slides[i]) : -1;
    }
    if (result == 0) {
        SDL_Surface *sheet = contact_sheet(fonts, slides, n_slides);
        result = sheet ? write_png(options->render_out_dir, "contact-sheet.png", sheet) : -1;
        SDL_FreeSurface(sheet);
    }
    for (size_t i = 0; i < n_slides; i++)
        SDL_FreeSurface(slides[i]);
    free(slides);
    return result;
}

int app_render_deck(const struct app_options *options)
{
    struct deck *deck = read_deck(options->render_deck_path);
    if (!deck)
        return 1;
    char deck_dir[PATH_MAX], root[PATH_MAX];
    char *copy = xstrdup(options->render_deck_path);
    const char *dir = dirname(copy);
    int result = 1;
    char error[512];
    struct fonts *fonts = NULL;
    // Decks name their clips as ../clips/...: the deck's parent folder is
    // the content root unless one is given.
    char parent[PATH_MAX + 3];
    snprintf(parent, sizeof parent, "%s/..", dir);
    if (!realpath(dir, deck_dir) ||
        !realpath(options->content_root ? options->content_root : parent, root)) {
        fprintf(stderr, "%s: cannot resolve the deck's folder\n", options->render_deck_path);
        goto done;
    }
    if (mkdir(options->render_out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s\n", options->render_out_dir, strerror(errno));
        goto done;
    }
    fonts = fonts_create(error, sizeof error);
    if (!fonts) {
        fprintf(stderr, "%s\n", error);
        goto done;
    }
    result = render_all(options, fonts, deck, root, deck_dir) == 0 ? 0 : 1;
done:
    fonts_destroy(fonts);
    free(copy);
    deck_destroy(deck);
    return result;
}
