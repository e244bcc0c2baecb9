// frame_picture: AVFrame -> struct picture, converting only when needed.
#include "app/frame_picture.h"

#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/rational.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "base/xalloc.h"

struct frame_picture {
    struct SwsContext *scaler;
    AVFrame *converted; // yuv420p, reused while the size stays the same
};

struct frame_picture *frame_picture_create(void)
{
    return xcalloc(1, sizeof(struct frame_picture));
}

void frame_picture_destroy(struct frame_picture *converter)
{
    if (!converter)
        return;
    sws_freeContext(converter->scaler);
    av_frame_free(&converter->converted);
    free(converter);
}

static void fill_planes(struct picture *picture, const AVFrame *frame, int n_planes)
{
    for (int i = 0; i < n_planes; i++) {
        picture->planes[i] = frame->data[i];
        picture->pitches[i] = frame->linesize[i];
    }
}

// Converts frame to yuv420p at width x height (its own size, or smaller to
// fit the renderer's largest texture).
static const AVFrame *convert(struct frame_picture *converter, const AVFrame *frame, int width,
                              int height)
{
    AVFrame *out = converter->converted;
    if (!out || out->width != width || out->height != height) {
        av_frame_free(&converter->converted);
        out = converter->converted = av_frame_alloc();
        if (!out)
            return NULL;
        out->format = AV_PIX_FMT_YUV420P;
        out->width = width;
        out->height = height;
        if (av_frame_get_buffer(out, 0) < 0)
            return NULL;
    }
    converter->scaler =
        sws_getCachedContext(converter->scaler, frame->width, frame->height, frame->format, width,
                             height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
    if (!converter->scaler)
        return NULL;
    sws_scale(converter->scaler, (const uint8_t *const *)frame->data, frame->linesize, 0,
              frame->height, out->data, out->linesize);
    return out;
}

// The size frame must be shrunk to so both sides fit the maximum, aspect
// kept and even (chroma halves); false when it fits as it is.
static bool fit_size(const AVFrame *frame, const struct frame_picture_target *target, int *width,
                     int *height)
{
    if (frame->width <= target->max_width_px && frame->height <= target->max_height_px)
        return false;
    double scale_x = (double)target->max_width_px / frame->width;
    double scale_y = (double)target->max_height_px / frame->height;
    double scale = scale_x < scale_y ? scale_x : scale_y;
    *width = (int)(frame->width * scale) & ~1;
    *height = (int)(frame->height * scale) & ~1;
    *width = *width < 2 ? 2 : *width;
    *height = *height < 2 ? 2 : *height;
    return true;
}

int frame_picture_map(struct frame_picture *converter, const AVFrame *frame,
                      const struct frame_picture_target *target, struct picture *picture)
{
    *picture = (struct picture){
        .width_px = frame->width,
        .height_px = frame->height,
        .sar_num = frame->sample_aspect_ratio.num,
        .sar_den = frame->sample_aspect_ratio.den,
        .rotation_degrees = target->rotation_degrees,
        .is_full_range =
            frame->color_range == AVCOL_RANGE_JPEG || frame->format == AV_PIX_FMT_YUVJ420P,
    };
    int width = frame->width, height = frame->height;
    bool is_too_big = fit_size(frame, target, &width, &height);
    if (is_too_big) {
        // The shrink may not be exactly proportional after rounding to even:
        // fold the difference into the sample aspect ratio.
        bool has_sar = picture->sar_num > 0 && picture->sar_den > 0;
        int64_t num = (int64_t)(has_sar ? picture->sar_num : 1) * frame->width * height;
        int64_t den = (int64_t)(has_sar ? picture->sar_den : 1) * frame->height * width;
        av_reduce(&picture->sar_num, &picture->sar_den, num, den, INT32_MAX);
    }
    switch (is_too_big ? AV_PIX_FMT_NONE : frame->format) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
        picture->format = PICTURE_FORMAT_YUV420P;
        fill_planes(picture, frame, 3);
        return 0;
    case AV_PIX_FMT_NV12:
        picture->format = PICTURE_FORMAT_NV12;
        fill_planes(picture, frame, 2);
        return 0;
    default:
        break;
    }
    const AVFrame *converted = convert(converter, frame, width, height);
    if (!converted)
        return -1;
    picture->format = PICTURE_FORMAT_YUV420P;
    picture->width_px = width;
    picture->height_px = height;
    fill_planes(picture, converted, 3);
    return 0;
}

SDL_Surface *frame_picture_to_surface(const AVFrame *frame)
{
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, frame->width, frame->height, 32, SDL_PIXELFORMAT_RGBA32);
    if (!surface)
        return NULL;
    struct SwsContext *scaler =
        sws_getContext(frame->width, frame->height, frame->format, frame->width, frame->height,
                       AV_PIX_FMT_RGBA, SWS_BICUBIC, NULL, NULL, NULL);
    if (!scaler) {
        SDL_FreeSurface(surface);
        return NULL;
    }
    uint8_t *planes[1] = {surface->pixels};
    int pitches[1] = {surface->pitch};
    sws_scale(scaler, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
              planes, pitches);
    sws_freeContext(scaler);
    return surface;
}
