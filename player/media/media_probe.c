// media_probe: the open policy of media/ (regular file, "file" protocol,
// allow-listed demuxers, I/O deadline, picture size limits), video stream and
// decoder selection, and --check's "can this file be shown" built from them.
#include "media/media_probe.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/cpu.h>

#include "base/monotime.h"

// Demuxers of self-contained media files and single images, matched against
// every alias of a demuxer ("mov,mp4,m4a,..."). An allow-list, not a deny-list:
// a new FFmpeg's new playlist formats stay refused. Audio formats are listed
// so an audio-only file gets the honest reason "no video stream".
#define MEDIA_PROBE_DEMUXERS                                                                       \
    "mov,matroska,webm,avi,mpegts,mpeg,flv,ogg,asf,ivf,m4v,h264,hevc,png_pipe,jpeg_pipe,mp3,aac,"  \
    "wav,flac"
// The demuxers above that read one picture: not a clip.
#define MEDIA_PROBE_IMAGE_DEMUXERS "png_pipe,jpeg_pipe"
#define MEDIA_PROBE_MAX_PIXELS     ((int64_t)MEDIA_PROBE_MAX_SIDE_PX * MEDIA_PROBE_MAX_SIDE_PX)

void media_probe_interrupt_arm(struct media_probe_interrupt *interrupt, int64_t now_ns)
{
    atomic_store(&interrupt->deadline_ns, now_ns + MEDIA_PROBE_IO_TIMEOUT_NS);
}

// FFmpeg calls this from inside blocking I/O and long loops (stream info
// probing, retries); non-zero makes the operation fail with AVERROR_EXIT.
static int media_probe_interrupt_callback(void *opaque)
{
    struct media_probe_interrupt *interrupt = opaque;
    return atomic_load(&interrupt->is_aborted) ||
           monotime_now_ns() > atomic_load(&interrupt->deadline_ns);
}

static AVDictionary *media_probe_protocol_options(void)
{
    AVDictionary *options = NULL;
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    return options;
}

// The image2 demuxer wins the probe for some images by their extension, but
// it expands names like "%03d.jpg" into sequences: read PNG and JPEG files
// with their single-file demuxers instead, chosen by their signature.
static int media_probe_single_image(AVIOContext *io, const AVInputFormat **input_format,
                                    char *error, size_t error_size)
{
    static const uint8_t png_signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t jpeg_signature[] = {0xff, 0xd8, 0xff};
    uint8_t head[sizeof png_signature] = {0};
    int64_t ret = avio_seek(io, 0, SEEK_SET);
    if (ret >= 0)
        ret = avio_read(io, head, sizeof head);
    if (ret >= 0 && memcmp(head, png_signature, sizeof png_signature) == 0)
        *input_format = av_find_input_format("png_pipe");
    else if (ret >= 0 && memcmp(head, jpeg_signature, sizeof jpeg_signature) == 0)
        *input_format = av_find_input_format("jpeg_pipe");
    else
        ret = AVERROR_INVALIDDATA;
    if (ret < 0)
        snprintf(error, error_size, "not a picture that is shown (only PNG and JPEG are)");
    return ret < 0 ? (int)ret : 0;
}

// Probes the container ourselves, before avformat_open_input(), so a refused
// demuxer gets a reason naming it and its header is never parsed (the concat
// demuxer opens the files it lists while reading its header).
static int media_probe_detect_format(const char *path, const AVIOInterruptCB *interrupt,
                                     const AVInputFormat **input_format, char *error,
                                     size_t error_size)
{
    AVDictionary *options = media_probe_protocol_options();
    AVIOContext *io = NULL;
    int ret = avio_open2(&io, path, AVIO_FLAG_READ, interrupt, &options);
    av_dict_free(&options);
    if (ret >= 0)
        ret = av_probe_input_buffer2(io, input_format, path, NULL, 0, 0);
    if (ret < 0) {
        avio_closep(&io);
        snprintf(error, error_size, "%s", av_err2str(ret));
        return ret;
    }
    if (strcmp((*input_format)->name, "image2") == 0)
        ret = media_probe_single_image(io, input_format, error, error_size);
    avio_closep(&io);
    if (ret < 0)
        return ret;
    if (av_match_list((*input_format)->name, MEDIA_PROBE_DEMUXERS, ',') <= 0) {
        snprintf(error, error_size,
                 "refused container \"%s\": only plain media files and single images are "
                 "played (playlists and sequences could read other files)",
                 (*input_format)->name);
        return AVERROR(EPERM);
    }
    return 0;
}

static bool media_probe_is_too_large(const AVCodecParameters *parameters)
{
    return parameters->width > MEDIA_PROBE_MAX_SIDE_PX ||
           parameters->height > MEDIA_PROBE_MAX_SIDE_PX;
}

static int media_probe_refuse_size(const AVCodecParameters *parameters, char *error,
                                   size_t error_size)
{
    snprintf(error, error_size, "picture too large: %dx%d (at most %dx%d)", parameters->width,
             parameters->height, MEDIA_PROBE_MAX_SIDE_PX, MEDIA_PROBE_MAX_SIDE_PX);
    return AVERROR_INVALIDDATA;
}

// Checks the sizes the container's header declares for its videos, before
// anything is decoded. Cover art is never played: a big one is left to the
// decoders' own limit (media_probe_find_stream_info()).
static int media_probe_check_declared_sizes(const AVFormatContext *format, char *error,
                                            size_t error_size)
{
    for (unsigned i = 0; i < format->nb_streams; i++) {
        const AVStream *stream = format->streams[i];
        if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            !(stream->disposition & AV_DISPOSITION_ATTACHED_PIC) &&
            media_probe_is_too_large(stream->codecpar))
            return media_probe_refuse_size(stream->codecpar, error, error_size);
    }
    return 0;
}

// Reads stream info with every decoder it opens limited to our largest
// picture, so a header that lies about the size costs no memory either.
static int media_probe_find_stream_info(AVFormatContext *format)
{
    unsigned n_streams = format->nb_streams;
    AVDictionary **options = av_calloc(n_streams ? n_streams : 1, sizeof *options);
    if (!options)
        return AVERROR(ENOMEM);
    for (unsigned i = 0; i < n_streams; i++)
        av_dict_set_int(&options[i], "max_pixels", MEDIA_PROBE_MAX_PIXELS, 0);
    int ret = avformat_find_stream_info(format, options);
    for (unsigned i = 0; i < n_streams; i++)
        av_dict_free(&options[i]);
    av_free(options);
    return ret;
}

static int media_probe_check_regular(const char *path, char *error, size_t error_size)
{
    struct stat status;
    if (stat(path, &status) != 0) {
        int ret = AVERROR(errno);
        snprintf(error, error_size, "%s", av_err2str(ret));
        return ret;
    }
    if (!S_ISREG(status.st_mode)) {
        snprintf(error, error_size, "not a regular file");
        return AVERROR(EINVAL);
    }
    return 0;
}

int media_probe_open_input(AVFormatContext **format, const char *path,
                           struct media_probe_interrupt *interrupt, char *error, size_t error_size)
{
    *format = NULL;
    int ret = media_probe_check_regular(path, error, error_size);
    if (ret < 0)
        return ret;
    media_probe_interrupt_arm(interrupt, monotime_now_ns());
    AVIOInterruptCB callback = {.callback = media_probe_interrupt_callback, .opaque = interrupt};
    const AVInputFormat *input_format = NULL;
    ret = media_probe_detect_format(path, &callback, &input_format, error, error_size);
    if (ret < 0)
        return ret;

    AVFormatContext *context = avformat_alloc_context();
    if (!context)
        return AVERROR(ENOMEM);
    context->interrupt_callback = callback;
    // Both lists again, for FFmpeg itself: nested opens inherit them.
    AVDictionary *options = media_probe_protocol_options();
    av_dict_set(&options, "format_whitelist", MEDIA_PROBE_DEMUXERS, 0);
    ret = avformat_open_input(&context, path, input_format, &options);
    av_dict_free(&options);
    if (ret < 0) {
        snprintf(error, error_size, "%s", av_err2str(ret));
        return ret; // avformat_open_input() freed the context
    }
    ret = media_probe_check_declared_sizes(context, error, error_size);
    if (ret >= 0) {
        ret = media_probe_find_stream_info(context);
        if (ret < 0)
            snprintf(error, error_size, "%s", av_err2str(ret));
    }
    if (ret < 0) {
        avformat_close_input(&context);
        return ret;
    }
    *format = context;
    return 0;
}

int media_probe_find_video(AVFormatContext *format, char *error, size_t error_size)
{
    const AVCodec *codec = NULL;
    int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (index == AVERROR_DECODER_NOT_FOUND) {
        // Name the codec of the first video stream: the one that would play.
        const char *name = "unknown codec";
        for (unsigned i = 0; i < format->nb_streams; i++) {
            const AVCodecParameters *parameters = format->streams[i]->codecpar;
            if (parameters->codec_type == AVMEDIA_TYPE_VIDEO) {
                name = avcodec_get_name(parameters->codec_id);
                break;
            }
        }
        snprintf(error, error_size, "no decoder for %s", name);
        return index;
    }
    // Cover art in a music file is a one-picture "video" stream; not a clip.
    if (index < 0 || (format->streams[index]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        snprintf(error, error_size, "no video stream");
        return AVERROR_STREAM_NOT_FOUND;
    }
    // Again with what the stream info found (raw streams declare no size).
    if (media_probe_is_too_large(format->streams[index]->codecpar))
        return media_probe_refuse_size(format->streams[index]->codecpar, error, error_size);
    return index;
}

int media_probe_check_clip(const AVFormatContext *format, int stream_index, char *error,
                           size_t error_size)
{
    const AVCodecParameters *parameters = format->streams[stream_index]->codecpar;
    if (av_match_list(format->iformat->name, MEDIA_PROBE_IMAGE_DEMUXERS, ',') > 0) {
        snprintf(error, error_size, "a still image (%s), not a clip: use an image item",
                 avcodec_get_name(parameters->codec_id));
        return AVERROR_INVALIDDATA;
    }
    if (parameters->width < MEDIA_PROBE_MIN_CLIP_SIDE_PX ||
        parameters->height < MEDIA_PROBE_MIN_CLIP_SIDE_PX) {
        snprintf(error, error_size, "picture too small for a clip: %dx%d (at least %dx%d)",
                 parameters->width, parameters->height, MEDIA_PROBE_MIN_CLIP_SIDE_PX,
                 MEDIA_PROBE_MIN_CLIP_SIDE_PX);
        return AVERROR_INVALIDDATA;
    }
    return 0;
}

int media_probe_open_decoder(AVCodecContext **decoder, AVFormatContext *format, int stream_index,
                             bool is_threaded, char *error, size_t error_size)
{
    const AVStream *stream = format->streams[stream_index];
    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    const char *name = avcodec_get_name(stream->codecpar->codec_id);
    *decoder = NULL;
    if (!codec) {
        snprintf(error, error_size, "no decoder for %s", name);
        return AVERROR_DECODER_NOT_FOUND;
    }
    AVCodecContext *context = avcodec_alloc_context3(codec);
    if (!context)
        return AVERROR(ENOMEM);
    int ret = avcodec_parameters_to_context(context, stream->codecpar);
    context->pkt_timebase = stream->time_base; // lets the decoder fix up pts
    context->max_pixels = MEDIA_PROBE_MAX_PIXELS;
    // One frame thread per core, not FFmpeg's default of cores + 1: every
    // frame thread holds a picture in flight, and the spare one bought no
    // speed while costing 7 MB at 1080p (docs/PERFORMANCE.md).
    context->thread_count = is_threaded ? av_cpu_count() : 1;
    if (is_threaded)
        context->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if (ret >= 0)
        ret = avcodec_open2(context, codec, NULL);
    if (ret < 0) {
        snprintf(error, error_size, "cannot decode %s: %s", name, av_err2str(ret));
        avcodec_free_context(&context);
        return ret;
    }
    *decoder = context;
    return 0;
}

// True when the machine has a V4L2 video device (/dev/video*): without one a
// v4l2m2m decoder cannot open, and trying would only print FFmpeg's errors.
static bool has_v4l2_devices(void)
{
    DIR *dev = opendir("/dev");
    if (!dev)
        return false;
    bool has_video = false;
    struct dirent *entry;
    while (!has_video && (entry = readdir(dev)))
        has_video = strncmp(entry->d_name, "video", 5) == 0;
    closedir(dev);
    return has_video;
}

// The hardware decoder for the stream's codec, opened, or NULL.
static AVCodecContext *open_v4l2m2m_decoder(const AVStream *stream)
{
    char name[64];
    snprintf(name, sizeof name, "%s_v4l2m2m", avcodec_get_name(stream->codecpar->codec_id));
    const AVCodec *codec = avcodec_find_decoder_by_name(name);
    if (!codec || !has_v4l2_devices())
        return NULL;
    AVCodecContext *context = avcodec_alloc_context3(codec);
    if (!context)
        return NULL;
    context->pkt_timebase = stream->time_base;
    context->max_pixels = MEDIA_PROBE_MAX_PIXELS;
    if (avcodec_parameters_to_context(context, stream->codecpar) < 0 ||
        avcodec_open2(context, codec, NULL) < 0)
        avcodec_free_context(&context);
    return context;
}

int media_probe_open_video_decoder(AVCodecContext **decoder, AVFormatContext *format,
                                   int stream_index, bool is_hardware_allowed, char *error,
                                   size_t error_size)
{
    if (is_hardware_allowed) {
        *decoder = open_v4l2m2m_decoder(format->streams[stream_index]);
        if (*decoder)
            return 0;
    }
    return media_probe_open_decoder(decoder, format, stream_index, true, error, error_size);
}

// Feeds one step of input: the next packet of the stream, or at the end of
// the file the NULL packet that makes the decoder give up held-back frames.
static int media_probe_feed(AVFormatContext *format, AVCodecContext *decoder, int stream_index,
                            AVPacket *packet, bool *is_draining)
{
    int ret = av_read_frame(format, packet);
    if (ret == AVERROR_EOF && !*is_draining) {
        *is_draining = true;
        return avcodec_send_packet(decoder, NULL);
    }
    if (ret < 0)
        return ret;
    if (packet->stream_index == stream_index)
        ret = avcodec_send_packet(decoder, packet);
    av_packet_unref(packet);
    return ret;
}

int media_probe_first_frame(AVFormatContext *format, AVCodecContext *decoder, int stream_index,
                            AVFrame *frame, char *error, size_t error_size)
{
    AVPacket *packet = av_packet_alloc();
    if (!packet)
        return AVERROR(ENOMEM);
    bool is_draining = false;
    int ret;
    while ((ret = avcodec_receive_frame(decoder, frame)) == AVERROR(EAGAIN)) {
        ret = media_probe_feed(format, decoder, stream_index, packet, &is_draining);
        if (ret < 0)
            break;
    }
    av_packet_free(&packet);
    if (ret == AVERROR_EOF)
        snprintf(error, error_size, "no picture could be decoded");
    else if (ret < 0)
        snprintf(error, error_size, "cannot decode %s: %s", avcodec_get_name(decoder->codec_id),
                 av_err2str(ret));
    return ret;
}

// Opens path and decodes its first picture; is_clip adds the clip checks.
static bool media_probe_picture(const char *path, bool is_clip, char *error, size_t error_size)
{
    struct media_probe_interrupt interrupt = {0};
    AVFormatContext *format = NULL;
    AVCodecContext *decoder = NULL;
    AVFrame *frame = av_frame_alloc();
    int ret = frame ? 0 : AVERROR(ENOMEM);
    if (ret >= 0)
        ret = media_probe_open_input(&format, path, &interrupt, error, error_size);
    int index = ret >= 0 ? media_probe_find_video(format, error, error_size) : ret;
    if (index >= 0 && is_clip)
        ret = media_probe_check_clip(format, index, error, error_size);
    if (index >= 0 && ret >= 0)
        ret = media_probe_open_decoder(&decoder, format, index, false, error, error_size);
    if (index >= 0 && ret >= 0)
        ret = media_probe_first_frame(format, decoder, index, frame, error, error_size);
    if (ret == AVERROR(ENOMEM))
        snprintf(error, error_size, "out of memory");
    av_frame_free(&frame);
    avcodec_free_context(&decoder);
    avformat_close_input(&format);
    return index >= 0 && ret >= 0;
}

bool media_probe_video(const char *path, char *error, size_t error_size)
{
    return media_probe_picture(path, false, error, error_size);
}

bool media_probe_clip(const char *path, char *error, size_t error_size)
{
    return media_probe_picture(path, true, error, error_size);
}
