// png_file: surface -> RGB24 AVFrame -> PNG packet -> temp file -> rename.
#include "app/png_file.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

#include "base/xalloc.h"

static AVFrame *rgb_frame_of(SDL_Surface *surface)
{
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(surface, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb)
        return NULL;
    AVFrame *frame = av_frame_alloc();
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = rgb->w;
    frame->height = rgb->h;
    if (av_frame_get_buffer(frame, 0) < 0) {
        av_frame_free(&frame);
        SDL_FreeSurface(rgb);
        return NULL;
    }
    for (int y = 0; y < rgb->h; y++)
        memcpy(frame->data[0] + (size_t)y * (size_t)frame->linesize[0],
               (const uint8_t *)rgb->pixels + (size_t)y * (size_t)rgb->pitch, (size_t)rgb->w * 3);
    SDL_FreeSurface(rgb);
    return frame;
}

static int encode(AVFrame *frame, AVPacket *packet, char *error, size_t error_size)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *context = codec ? avcodec_alloc_context3(codec) : NULL;
    int result = -1;
    if (!context) {
        snprintf(error, error_size, "no PNG encoder in this FFmpeg");
        return -1;
    }
    context->width = frame->width;
    context->height = frame->height;
    context->pix_fmt = AV_PIX_FMT_RGB24;
    context->time_base = (AVRational){1, 1};
    if (avcodec_open2(context, codec, NULL) == 0 && avcodec_send_frame(context, frame) == 0 &&
        avcodec_receive_packet(context, packet) == 0)
        result = 0;
    else
        snprintf(error, error_size, "PNG encoding failed");
    avcodec_free_context(&context);
    return result;
}

static int write_atomically(const char *path, const AVPacket *packet, char *error,
                            size_t error_size)
{
    char *temporary = xasprintf("%s.tmp", path);
    FILE *file = fopen(temporary, "wb");
    int result = -1;
    if (file && fwrite(packet->data, 1, (size_t)packet->size, file) == (size_t)packet->size &&
        fclose(file) == 0) {
        file = NULL;
        if (rename(temporary, path) == 0)
            result = 0;
    }
    if (result != 0) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        if (file)
            fclose(file);
        remove(temporary);
    }
    free(temporary);
    return result;
}

int png_file_write(const char *path, SDL_Surface *surface, char *error, size_t error_size)
{
    AVFrame *frame = rgb_frame_of(surface);
    if (!frame) {
        snprintf(error, error_size, "cannot convert the picture: %s", SDL_GetError());
        return -1;
    }
    AVPacket *packet = av_packet_alloc();
    int result = encode(frame, packet, error, error_size);
    if (result == 0)
        result = write_atomically(path, packet, error, error_size);
    av_packet_free(&packet);
    av_frame_free(&frame);
    return result;
}
