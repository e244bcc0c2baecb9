// slide_view: glue between show/layout, render/slide_raster and media's
// still image decoder; it owns none of them.
#include "app/slide_view.h"

#include <limits.h>
#include <stdio.h>

#include <libavutil/frame.h>

#include "app/frame_picture.h"
#include "base/content_path.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "media/still_image.h"
#include "render/slide_raster.h"

struct image_folder {
    const char *content_root;
    const char *deck_dir;
};

static SDL_Surface *load_image(void *context, const char *path)
{
    const struct image_folder *folder = context;
    char resolved[PATH_MAX];
    int result = content_path_resolve(folder->content_root, folder->deck_dir, path, resolved,
                                      sizeof resolved);
    if (result != 0) {
        log_warning("image %s: %s", path, content_path_strerror(result));
        return NULL;
    }
    char error[256];
    AVFrame *frame = still_image_load_poster(resolved, error, sizeof error);
    if (!frame) {
        log_warning("image %s: %s", path, error);
        return NULL;
    }
    SDL_Surface *surface = frame_picture_to_surface(frame);
    av_frame_free(&frame);
    return surface;
}

struct slide_layout *slide_view_layout(struct fonts *fonts, const struct deck_slide *slide,
                                       int width_px, int height_px, double safe_margin)
{
    struct layout_params params = {width_px, height_px, safe_margin, LAYOUT_DEFAULT_MIN_SCALE};
    struct text_metrics metrics = fonts_text_metrics(fonts);
    return layout_slide(slide, &params, &metrics);
}

SDL_Surface *slide_view_draw(struct fonts *fonts, const struct deck_slide *slide,
                             const char *content_root, const char *deck_dir, int width_px,
                             int height_px, double safe_margin)
{
    struct slide_layout *layout = slide_view_layout(fonts, slide, width_px, height_px, safe_margin);
    struct image_folder folder = {content_root, deck_dir};
    struct slide_raster_images images = {load_image, &folder};
    SDL_Surface *surface = slide_raster_draw(fonts, slide, layout, width_px, height_px, &images);
    layout_destroy(layout);
    return surface;
}

SDL_Surface *slide_view_draw_card(struct fonts *fonts, const char *heading, const char *text,
                                  int width_px, int height_px, double safe_margin)
{
    struct slide_block blocks[2] = {
        {.kind = SLIDE_BLOCK_HEADING, .line = 1, .level = 1, .text = heading},
        {.kind = SLIDE_BLOCK_PARAGRAPH, .line = 2, .text = text},
    };
    struct deck_slide slide = {.line = 1, .n_blocks = 2, .blocks = blocks};
    struct slide_layout *layout =
        slide_view_layout(fonts, &slide, width_px, height_px, safe_margin);
    SDL_Surface *surface = slide_raster_draw(fonts, &slide, layout, width_px, height_px, NULL);
    layout_destroy(layout);
    return surface;
}
