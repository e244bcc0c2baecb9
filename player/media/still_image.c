// still_image: a PNG or JPEG through libavformat's image demuxers and the
// png/mjpeg decoders, single-threaded (one picture gains nothing from threads).
#include "media/still_image.h"

#include <stdbool.h>
#include <stdio.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "media/media_probe.h"

// Only the formats the header promises: a video file's first frame is not an
// image item, and accepting it would hide a playlist mistake.
static int still_image_check_codec(const AVFormatContext *format, int index, char *error,
                                   size_t error_size)
{
    enum AVCodecID codec_id = format->streams[index]->codecpar->codec_id;
    if (codec_id == AV_CODEC_ID_PNG || codec_id == AV_CODEC_ID_MJPEG)
        return 0;
    snprintf(error, error_size, "not a PNG or JPEG image (%s)", avcodec_get_name(codec_id));
    return AVERROR_INVALIDDATA;
}

static AVFrame *load_first_frame(const char *path, bool is_image_only, char *error,
                                 size_t error_size)
{
    struct media_probe_interrupt interrupt = {0};
    AVFormatContext *format = NULL;
    AVCodecContext *decoder = NULL;
    AVFrame *frame = av_frame_alloc();
    if (!frame) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    int index = media_probe_open_input(&format, path, &interrupt, error, error_size);
    if (index >= 0)
        index = media_probe_find_video(format, error, error_size);
    int ret = index;
    if (ret >= 0 && is_image_only)
        ret = still_image_check_codec(format, index, error, error_size);
    if (ret >= 0)
        ret = media_probe_open_decoder(&decoder, format, index, false, error, error_size);
    if (ret >= 0)
        ret = media_probe_first_frame(format, decoder, index, frame, error, error_size);
    avcodec_free_context(&decoder);
    avformat_close_input(&format);
    if (ret < 0)
        av_frame_free(&frame);
    return frame;
}

AVFrame *still_image_load(const char *path, char *error, size_t error_size)
{
    return load_first_frame(path, true, error, error_size);
}

AVFrame *still_image_load_poster(const char *path, char *error, size_t error_size)
{
    return load_first_frame(path, false, error, error_size);
}
