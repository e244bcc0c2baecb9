// frame_picture: AVFrame -> struct picture, converting only when needed.
#include "app/frame_picture.h"

#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
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

static const AVFrame *convert(struct frame_picture *converter, const AVFrame *frame)
{
    AVFrame *out = converter->converted;
    if (!out || out->width != frame->width || out->height != frame->height) {
        av_frame_free(&converter->converted);
        out = converter->converted = av_frame_alloc();
        out->format = AV_PIX_FMT_YUV420P;
        out->width = frame->width;
        out->height = frame->height;
        if (av_frame_get_buffer(out, 0) < 0)
            return NULL;
    }
    converter->scaler = sws_getCachedContext(converter->scaler, frame->width, frame->height,
                                             frame->format, frame->width, frame->height,
                                             AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
    if (!converter->scaler)
        return NULL;
    sws_scale(converter->scaler, (const uint8_t *const *)frame->data, frame->linesize, 0,
              frame->height, out->data, out->linesize);
    return out;
}

int frame_picture_map(struct frame_picture *converter, const AVFrame *frame,
                      struct picture *picture)
{
    *picture = (struct picture){
        .width_px = frame->width,
        .height_px = frame->height,
        .sar_num = frame->sample_aspect_ratio.num,
        .sar_den = frame->sample_aspect_ratio.den,
        .is_full_range =
            frame->color_range == AVCOL_RANGE_JPEG || frame->format == AV_PIX_FMT_YUVJ420P,
    };
    switch (frame->format) {
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
    const AVFrame *converted = convert(converter, frame);
    if (!converted)
        return -1;
    picture->format = PICTURE_FORMAT_YUV420P;
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
