// clip: one open media file: its decoder thread (demux, decode, resample),
// the PCM ring the audio callback pulls from, and the clock that decides which
// frame is due. Not here: which files may be opened (media_probe), drawing.
//
// Threads and locks: the decoder thread produces into the frame queue (its
// own lock) and the audio ring (audio.lock); the main thread consumes frames;
// SDL's audio thread consumes PCM through clip_audio_pull(), called with the
// SDL device lock held, so the lock order is SDL device lock -> audio.lock and
// audio.lock is never held while calling audio_out.
#include "media/clip.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libswresample/swresample.h>

#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"
#include "media/audio_out.h"
#include "media/frame_queue.h"
#include "media/media_probe.h"

#define CLIP_QUEUE_FRAMES     4                // 160 ms at 25 fps; 1080p costs ~12 MB
#define CLIP_AUDIO_BUFFER_NS  (NS_PER_S / 2)   // PCM decoded ahead, bounded like frames
#define CLIP_DEFAULT_FRAME_NS (40 * NS_PER_MS) // a stream that states no rate: 25 fps
#define CLIP_SERIAL           1                // a clip never seeks or loops: one serial
#define CLIP_ERROR_SIZE       160
// Containers round durations and may count a frame or two that never
// decodes; a file whose pictures end earlier than this was cut short.
#define CLIP_END_SLACK_NS (200 * NS_PER_MS)

static const AVRational ns_time_base = {1, 1000000000};

struct clip_audio {
    int stream_index;
    AVCodecContext *decoder;
    struct audio_out_format format; // the device's; the ring holds PCM in it

    // Decoder thread only
    SwrContext *resampler; // made from the first frame, remade if the input changes
    AVChannelLayout in_layout;
    int in_format, in_rate_hz;
    uint8_t *convert_buffer;
    int convert_capacity; // in frames (samples per channel)
    int64_t next_pts_ns;  // for frames without a pts
    bool is_broken;       // a decode error switched audio off; video goes on

    pthread_mutex_t lock;
    pthread_cond_t has_room; // the pull or an abort made room or changed is_audible

    // Protected by lock
    uint8_t *ring;
    size_t ring_size_bytes, read_pos, n_bytes;
    int64_t read_pts_ns;                   // media time of the byte at read_pos
    bool is_started;                       // the first frame is on screen: the pull hands out PCM
    bool is_flowing;                       // the pull has handed out PCM: no more waiting for it
    bool is_audible;                       // started and still attached: the writer waits for room
                                           // instead of overwriting the oldest samples
    int64_t start_mono_ns, start_media_ns; // when and at which pts the picture started
};

struct clip {
    struct clip_options options;
    struct clip_info info;
    struct media_probe_interrupt interrupt; // also the decoder thread's abort flag
    AVFormatContext *format;
    int video_index;
    AVRational video_time_base;
    AVCodecContext *video_decoder;
    int64_t frame_duration_ns; // nominal, from the frame rate
    int64_t expected_end_ns;   // where the container says the pictures end, or INT64_MIN
    struct frame_queue *queue;
    struct clip_audio audio; // used when info.has_audio
    pthread_t thread;
    bool is_thread_started;

    // Decoder thread only
    AVPacket *packet;
    AVFrame *decoded;
    bool has_queued_video;
    int64_t first_pts_ns, last_pts_ns;
    int64_t next_video_pts_ns; // pts + duration of the last queued frame

    // Written by the decoder thread (audio_error also by clip_open() before
    // the thread starts) before it sets is_decoder_done (release); read by
    // the main thread only after seeing it set (acquire).
    char error_message[CLIP_ERROR_SIZE];
    char audio_error[CLIP_ERROR_SIZE]; // why the sound went off; the picture went on
    int64_t end_pts_ns;                // where the last frame's display time ends
    atomic_bool is_decoder_done;

    // Main thread only
    AVFrame *current; // the frame last returned by clip_frame_due()
    AVFrame *scratch;
    bool is_playing, is_started, is_audio_attached;
    int64_t anchor_mono_ns, anchor_media_ns; // clock: media = anchor_media + (now - anchor_mono)
    int64_t current_pts_ns;
    struct clip_stats stats;
};

static int64_t clip_to_ns(int64_t timestamp, AVRational time_base)
{
    return av_rescale_q(timestamp, time_base, ns_time_base);
}

static AVFrame *clip_frame_alloc(void)
{
    AVFrame *frame = av_frame_alloc();
    if (!frame)
        abort(); // as xalloc: out of memory is not recoverable here
    return frame;
}

static void clip_wake(const struct clip *clip)
{
    if (clip->options.wakeup)
        clip->options.wakeup(clip->options.wakeup_context);
}

static bool clip_is_aborted(struct clip *clip)
{
    return atomic_load(&clip->interrupt.is_aborted);
}

// Decoder thread. Seconds into the clip of the last picture queued.
static double clip_decoded_s(const struct clip *clip)
{
    if (!clip->has_queued_video)
        return 0.0;
    return (double)(clip->last_pts_ns - clip->first_pts_ns) / NS_PER_S;
}

// Writes "<what> at <s> s: <reason for ret>" into message (CLIP_ERROR_SIZE).
// FFmpeg's decoders still return a bare -1 for data that makes no sense,
// which av_strerror() would call "Operation not permitted".
static void clip_describe(char *message, const char *what, double at_s, int ret)
{
    char reason[AV_ERROR_MAX_STRING_SIZE] = "undecodable data";
    if (ret != AVERROR(EPERM))
        av_strerror(ret, reason, sizeof reason);
    snprintf(message, CLIP_ERROR_SIZE, "%s at %.1f s: %s", what, at_s, reason);
}

// Decoder thread. Records the first error ("corrupt video at 1.2 s: ...").
// Returns ret, or -ECANCELED when the failure only reflects clip_close().
static int clip_fail(struct clip *clip, const char *what, int ret)
{
    if (clip_is_aborted(clip))
        return -ECANCELED;
    if (clip->error_message[0] == '\0')
        clip_describe(clip->error_message, what, clip_decoded_s(clip), ret);
    return ret;
}

// ---------------------------------------------------------------------------
// Audio ring: written by the decoder thread, pulled by SDL's audio thread.

static int64_t clip_audio_bytes_ns(const struct clip_audio *audio, size_t n_bytes)
{
    int64_t n_frames = (int64_t)n_bytes / audio->format.bytes_per_frame;
    return n_frames * NS_PER_S / audio->format.rate_hz;
}

// audio.lock held. Forgets the n oldest bytes.
static void clip_ring_consume(struct clip_audio *audio, size_t n)
{
    audio->read_pos = (audio->read_pos + n) % audio->ring_size_bytes;
    audio->n_bytes -= n;
    audio->read_pts_ns += clip_audio_bytes_ns(audio, n);
}

// audio.lock held. Appends up to size bytes; returns how many fit.
static size_t clip_ring_put(struct clip_audio *audio, const uint8_t *data, size_t size)
{
    size_t n = audio->ring_size_bytes - audio->n_bytes;
    n = size < n ? size : n;
    size_t write_pos = (audio->read_pos + audio->n_bytes) % audio->ring_size_bytes;
    size_t first = audio->ring_size_bytes - write_pos;
    first = n < first ? n : first;
    memcpy(audio->ring + write_pos, data, first);
    memcpy(audio->ring, data + first, n - first);
    audio->n_bytes += n;
    return n;
}

// Decoder thread. Waits for room while the clip is audible; otherwise (not
// started yet, or another clip took the device) overwrites the oldest PCM so
// audio can never hold up the video. Returns 0 or -ECANCELED.
static int clip_ring_write(struct clip *clip, const uint8_t *data, size_t size, int64_t pts_ns)
{
    struct clip_audio *audio = &clip->audio;
    pthread_mutex_lock(&audio->lock);
    while (size > 0 && !clip_is_aborted(clip)) {
        if (audio->n_bytes == audio->ring_size_bytes) {
            if (audio->is_audible) {
                pthread_cond_wait(&audio->has_room, &audio->lock);
                continue;
            }
            size_t n = size < audio->ring_size_bytes ? size : audio->ring_size_bytes;
            clip_ring_consume(audio, n);
        }
        if (audio->n_bytes == 0)
            audio->read_pts_ns = pts_ns; // the ring's clock restarts at the new data
        size_t n = clip_ring_put(audio, data, size);
        data += n;
        size -= n;
        pts_ns += clip_audio_bytes_ns(audio, n);
    }
    pthread_mutex_unlock(&audio->lock);
    return size > 0 ? -ECANCELED : 0;
}

// Audio thread (audio_out_pull_fn), under the SDL device lock.
static size_t clip_audio_pull(void *context, uint8_t *buffer, size_t size_bytes, int64_t *pts_ns)
{
    struct clip_audio *audio = &((struct clip *)context)->audio;
    pthread_mutex_lock(&audio->lock);
    size_t n = 0;
    // Sound that begins later than the picture (an audio stream starting at
    // 1 s) waits for its time instead of dragging the clock ahead. Only until
    // it starts: after that the device's clock leads, and a device a little
    // faster than the monotonic clock must not be starved into gaps.
    int64_t picture_ns = audio->start_media_ns + (monotime_now_ns() - audio->start_mono_ns);
    if (audio->is_started && (audio->is_flowing || audio->read_pts_ns <= picture_ns)) {
        n = size_bytes - size_bytes % (size_t)audio->format.bytes_per_frame;
        n = n < audio->n_bytes ? n : audio->n_bytes;
    }
    if (n > 0) {
        *pts_ns = audio->read_pts_ns;
        size_t first = audio->ring_size_bytes - audio->read_pos;
        first = n < first ? n : first;
        memcpy(buffer, audio->ring + audio->read_pos, first);
        memcpy(buffer + first, audio->ring, n - first);
        clip_ring_consume(audio, n);
        audio->is_flowing = true;
        pthread_cond_signal(&audio->has_room);
    }
    pthread_mutex_unlock(&audio->lock);
    return n;
}

// Main thread, when the first frame is shown at now_ns.
static void clip_start_audio(struct clip *clip, int64_t pts_ns, int64_t now_ns)
{
    struct clip_audio *audio = &clip->audio;
    pthread_mutex_lock(&audio->lock);
    audio->is_started = true;
    audio->is_audible = clip->is_audio_attached;
    audio->start_media_ns = pts_ns;
    audio->start_mono_ns = now_ns;
    pthread_mutex_unlock(&audio->lock);
}

// Main thread, once another clip took the device: the writer stops waiting
// for a pull that will never come.
static void clip_mute_audio(struct clip *clip)
{
    struct clip_audio *audio = &clip->audio;
    pthread_mutex_lock(&audio->lock);
    audio->is_audible = false;
    pthread_cond_broadcast(&audio->has_room);
    pthread_mutex_unlock(&audio->lock);
}

// ---------------------------------------------------------------------------
// Decoder thread: audio

// (Re)makes the resampler from frame's format to the device's.
static int clip_audio_setup_resampler(struct clip_audio *audio, const AVFrame *frame)
{
    if (audio->resampler && frame->format == audio->in_format &&
        frame->sample_rate == audio->in_rate_hz &&
        av_channel_layout_compare(&frame->ch_layout, &audio->in_layout) == 0)
        return 0;
    swr_free(&audio->resampler);
    av_channel_layout_uninit(&audio->in_layout);
    audio->in_format = frame->format;
    audio->in_rate_hz = frame->sample_rate;
    int ret = av_channel_layout_copy(&audio->in_layout, &frame->ch_layout);
    AVChannelLayout out_layout;
    av_channel_layout_default(&out_layout, audio->format.n_channels);
    if (ret >= 0) // FFmpeg 5.1 takes the layouts as non-const: pass our copy
        ret = swr_alloc_set_opts2(&audio->resampler, &out_layout, audio->format.sample_format,
                                  audio->format.rate_hz, &audio->in_layout, audio->in_format,
                                  audio->in_rate_hz, 0, NULL);
    av_channel_layout_uninit(&out_layout);
    if (ret >= 0)
        ret = swr_init(audio->resampler);
    return ret;
}

// Decoder thread. Scales size bytes of converted PCM to volume_percent.
// Done here, per clip, because the device is shared by consecutive clips.
static void clip_scale_volume(struct clip_audio *audio, int volume_percent, size_t size)
{
    if (volume_percent >= 100)
        return;
    float gain = (float)volume_percent / 100.0f;
    uint8_t *data = audio->convert_buffer;
    switch (audio->format.sample_format) {
    case AV_SAMPLE_FMT_S16:
        for (size_t i = 0; i + sizeof(int16_t) <= size; i += sizeof(int16_t)) {
            int16_t sample;
            memcpy(&sample, data + i, sizeof sample);
            sample = (int16_t)((float)sample * gain);
            memcpy(data + i, &sample, sizeof sample);
        }
        break;
    case AV_SAMPLE_FMT_S32:
        for (size_t i = 0; i + sizeof(int32_t) <= size; i += sizeof(int32_t)) {
            int32_t sample;
            memcpy(&sample, data + i, sizeof sample);
            sample = (int32_t)((double)sample * gain);
            memcpy(data + i, &sample, sizeof sample);
        }
        break;
    case AV_SAMPLE_FMT_FLT:
        for (size_t i = 0; i + sizeof(float) <= size; i += sizeof(float)) {
            float sample;
            memcpy(&sample, data + i, sizeof sample);
            sample *= gain;
            memcpy(data + i, &sample, sizeof sample);
        }
        break;
    case AV_SAMPLE_FMT_U8:
        for (size_t i = 0; i < size; i++)
            data[i] = (uint8_t)(128 + (int)((float)(data[i] - 128) * gain));
        break;
    default: // audio_out only opens the formats above
        break;
    }
}

static int clip_queue_audio(struct clip *clip, const AVFrame *frame)
{
    struct clip_audio *audio = &clip->audio;
    int ret = clip_audio_setup_resampler(audio, frame);
    if (ret < 0)
        return ret;
    AVRational time_base = clip->format->streams[audio->stream_index]->time_base;
    int64_t pts_ns = audio->next_pts_ns;
    if (frame->best_effort_timestamp != AV_NOPTS_VALUE) // minus what swr still holds back
        pts_ns = clip_to_ns(frame->best_effort_timestamp, time_base) -
                 swr_get_delay(audio->resampler, NS_PER_S);
    int capacity = swr_get_out_samples(audio->resampler, frame->nb_samples);
    if (capacity < 0)
        return capacity;
    if (capacity > audio->convert_capacity) {
        audio->convert_buffer = xreallocarray(audio->convert_buffer, (size_t)capacity,
                                              (size_t)audio->format.bytes_per_frame);
        audio->convert_capacity = capacity;
    }
    int n_frames = swr_convert(audio->resampler, &audio->convert_buffer, capacity,
                               (const uint8_t **)frame->extended_data, frame->nb_samples);
    if (n_frames < 0)
        return n_frames;
    audio->next_pts_ns = pts_ns + (int64_t)n_frames * NS_PER_S / audio->format.rate_hz;
    size_t size = (size_t)n_frames * (size_t)audio->format.bytes_per_frame;
    clip_scale_volume(audio, clip->options.volume_percent, size);
    return clip_ring_write(clip, audio->convert_buffer, size, pts_ns);
}

// packet NULL drains. Returns 0 or -ECANCELED: a broken audio stream only
// switches the sound off.
static int clip_decode_audio(struct clip *clip, const AVPacket *packet)
{
    struct clip_audio *audio = &clip->audio;
    if (audio->is_broken)
        return 0;
    int ret = avcodec_send_packet(audio->decoder, packet);
    while (ret >= 0) {
        ret = avcodec_receive_frame(audio->decoder, clip->decoded);
        if (ret >= 0)
            ret = clip_queue_audio(clip, clip->decoded);
        av_frame_unref(clip->decoded);
    }
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF || ret == -ECANCELED)
        return ret == -ECANCELED ? ret : 0;
    clip_describe(clip->audio_error, "broken audio, sound off", clip_decoded_s(clip), ret);
    log_warning("%s", clip->audio_error);
    audio->is_broken = true;
    return 0;
}

// ---------------------------------------------------------------------------
// Decoder thread: video

// Timestamps in ns, strictly increasing: a frame without a pts (or with one
// that goes back) follows the previous frame.
static int64_t clip_video_pts_ns(struct clip *clip, const AVFrame *frame)
{
    int64_t timestamp = frame->best_effort_timestamp;
    int64_t pts_ns = timestamp == AV_NOPTS_VALUE ? 0 : clip_to_ns(timestamp, clip->video_time_base);
    if (clip->has_queued_video && (timestamp == AV_NOPTS_VALUE || pts_ns <= clip->last_pts_ns))
        pts_ns = clip->next_video_pts_ns;
    return pts_ns;
}

static int clip_queue_video(struct clip *clip, AVFrame *frame)
{
    int64_t pts_ns = clip_video_pts_ns(clip, frame);
    int64_t duration_ns = frame->pkt_duration > 0
                              ? clip_to_ns(frame->pkt_duration, clip->video_time_base)
                              : clip->frame_duration_ns;
    int ret = frame_queue_push(clip->queue, frame, CLIP_SERIAL, pts_ns);
    if (ret < 0) {
        av_frame_unref(frame);
        return ret;
    }
    if (!clip->has_queued_video)
        clip->first_pts_ns = pts_ns;
    clip->has_queued_video = true;
    clip->last_pts_ns = pts_ns;
    clip->next_video_pts_ns = pts_ns + duration_ns;
    if (ret == 1) // the main thread may be waiting for exactly this
        clip_wake(clip);
    return 0;
}

// packet NULL drains: frame threading holds back frames until then.
static int clip_decode_video(struct clip *clip, const AVPacket *packet)
{
    int ret = avcodec_send_packet(clip->video_decoder, packet);
    while (ret >= 0) {
        ret = avcodec_receive_frame(clip->video_decoder, clip->decoded);
        if (ret >= 0)
            ret = clip_queue_video(clip, clip->decoded);
    }
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
        return 0;
    return ret == -ECANCELED ? ret : clip_fail(clip, "corrupt video", ret);
}

// Returns 0 at the end of the file, else a negative code (error recorded).
static int clip_demux(struct clip *clip)
{
    for (;;) {
        media_probe_interrupt_arm(&clip->interrupt, monotime_now_ns());
        int ret = av_read_frame(clip->format, clip->packet);
        if (ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return clip_fail(clip, "read error", ret);
        if (clip->packet->stream_index == clip->video_index)
            ret = clip_decode_video(clip, clip->packet);
        else if (clip->info.has_audio && clip->packet->stream_index == clip->audio.stream_index)
            ret = clip_decode_audio(clip, clip->packet);
        av_packet_unref(clip->packet);
        if (ret < 0)
            return ret;
    }
}

// Decoder thread, at the end of the file. A demuxer reaching the end of a
// file cut short (a copy that stopped half-way) usually reports no error;
// the pictures then end well before the container said they would.
static void clip_check_complete(struct clip *clip)
{
    if (clip->error_message[0] != '\0' || !clip->has_queued_video ||
        clip->expected_end_ns == INT64_MIN ||
        clip->next_video_pts_ns + CLIP_END_SLACK_NS >= clip->expected_end_ns)
        return;
    snprintf(clip->error_message, sizeof clip->error_message,
             "the file ends early, at %.1f s of %.1f s (truncated?)",
             (double)(clip->next_video_pts_ns - clip->first_pts_ns) / NS_PER_S,
             (double)(clip->expected_end_ns - clip->first_pts_ns) / NS_PER_S);
}

static void *clip_decoder_main(void *argument)
{
    struct clip *clip = argument;
    // After an error too: what was decoded up to it is still worth showing.
    int ret = clip_demux(clip);
    if (ret != -ECANCELED)
        ret = clip_decode_video(clip, NULL);
    if (ret != -ECANCELED && clip->info.has_audio)
        ret = clip_decode_audio(clip, NULL);
    if (ret == -ECANCELED)
        return NULL; // clip_close() is waiting; nobody needs a wakeup
    clip_check_complete(clip);
    clip->end_pts_ns = clip->has_queued_video ? clip->next_video_pts_ns : 0;
    atomic_store_explicit(&clip->is_decoder_done, true, memory_order_release);
    clip_wake(clip);
    return NULL;
}

// ---------------------------------------------------------------------------
// Opening

static void clip_open_audio(struct clip *clip)
{
    struct clip_audio *audio = &clip->audio;
    int index =
        av_find_best_stream(clip->format, AVMEDIA_TYPE_AUDIO, -1, clip->video_index, NULL, 0);
    if (index < 0)
        return;
    char reason[CLIP_ERROR_SIZE - sizeof "no sound: " + 1]; // fits audio_error with the prefix
    if (media_probe_open_decoder(&audio->decoder, clip->format, index, false, reason,
                                 sizeof reason) < 0) {
        snprintf(clip->audio_error, sizeof clip->audio_error, "no sound: %s", reason);
        log_warning("clip plays without sound: %s", reason);
        return;
    }
    audio_out_get_format(clip->options.audio, &audio->format);
    int64_t n_frames = audio->format.rate_hz * CLIP_AUDIO_BUFFER_NS / NS_PER_S;
    audio->ring_size_bytes = (size_t)n_frames * (size_t)audio->format.bytes_per_frame;
    audio->ring = xcalloc(1, audio->ring_size_bytes);
    audio->stream_index = index;
    clip->info.has_audio = true;
}

static int64_t clip_expected_frames(const AVStream *stream, int64_t duration_ns, AVRational rate)
{
    if (stream->nb_frames > 0)
        return stream->nb_frames;
    if (stream->duration != AV_NOPTS_VALUE)
        duration_ns = clip_to_ns(stream->duration, stream->time_base);
    if (duration_ns <= 0 || rate.num <= 0 || rate.den <= 0)
        return -1;
    return av_rescale_q(duration_ns, ns_time_base, av_inv_q(rate)); // rounds to nearest
}

// Where the container says the video's pictures end (ns on the stream's
// timeline), or INT64_MIN when it does not say. The file's duration counts
// only for a file of one stream: with sound it may be the sound's. A guess
// from the bitrate (files without timestamps to read) promises nothing.
static int64_t clip_expected_end_ns(const AVFormatContext *format, const AVStream *stream)
{
    if (format->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE)
        return INT64_MIN;
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
        int64_t start = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
        return clip_to_ns(start + stream->duration, stream->time_base);
    }
    if (format->nb_streams != 1 || format->duration == AV_NOPTS_VALUE || format->duration <= 0)
        return INT64_MIN;
    int64_t start = format->start_time == AV_NOPTS_VALUE ? 0 : format->start_time;
    return clip_to_ns(start + format->duration, AV_TIME_BASE_Q);
}

// The clockwise turn (0, 90, 180, 270) the stream's display matrix asks
// for; other angles snap to the nearest quarter turn, flips are ignored.
static int clip_rotation_degrees(const AVStream *stream)
{
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (!matrix)
        return 0;
    double counterclockwise = av_display_rotation_get((const int32_t *)matrix);
    if (counterclockwise != counterclockwise) // NaN: a degenerate matrix
        return 0;
    long quarter_turns = lround(-counterclockwise / 90.0);
    return (int)(((quarter_turns % 4) + 4) % 4) * 90;
}

static void clip_fill_info(struct clip *clip)
{
    AVStream *stream = clip->format->streams[clip->video_index];
    struct clip_info *info = &clip->info;
    AVRational sar = av_guess_sample_aspect_ratio(clip->format, stream, NULL);
    AVRational rate = av_guess_frame_rate(clip->format, stream, NULL);
    info->width_px = stream->codecpar->width;
    info->height_px = stream->codecpar->height;
    info->sar_num = sar.num > 0 && sar.den > 0 ? sar.num : 1;
    info->sar_den = sar.num > 0 && sar.den > 0 ? sar.den : 1;
    info->rotation_degrees = clip_rotation_degrees(stream);
    info->pixel_format = clip->video_decoder->pix_fmt;
    info->duration_ns = clip->format->duration == AV_NOPTS_VALUE
                            ? -1
                            : clip_to_ns(clip->format->duration, AV_TIME_BASE_Q);
    info->frame_rate_hz = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0.0;
    info->n_frames_expected = clip_expected_frames(stream, info->duration_ns, rate);
    info->decoder_name = clip->video_decoder->codec->name;
    clip->frame_duration_ns =
        info->frame_rate_hz > 0 ? clip_to_ns(1, av_inv_q(rate)) : CLIP_DEFAULT_FRAME_NS;
    clip->video_time_base = stream->time_base;
    clip->expected_end_ns = clip_expected_end_ns(clip->format, stream);
}

struct clip *clip_open(const char *path, const struct clip_options *options, char *error,
                       size_t error_size)
{
    struct clip *clip = xcalloc(1, sizeof *clip);
    if (options)
        clip->options = *options;
    pthread_mutex_init(&clip->audio.lock, NULL);
    pthread_cond_init(&clip->audio.has_room, NULL);
    clip->queue = frame_queue_create(CLIP_QUEUE_FRAMES);
    clip->packet = av_packet_alloc();
    if (!clip->packet)
        abort();
    clip->decoded = clip_frame_alloc();
    clip->current = clip_frame_alloc();
    clip->scratch = clip_frame_alloc();
    clip->current_pts_ns = INT64_MIN;
    clip->stats.av_offset_max_ns = -1;

    if (media_probe_open_input(&clip->format, path, &clip->interrupt, error, error_size) < 0)
        goto fail;
    clip->video_index = media_probe_find_video(clip->format, error, error_size);
    if (clip->video_index < 0 ||
        media_probe_check_clip(clip->format, clip->video_index, error, error_size) < 0)
        goto fail;
    if (media_probe_open_video_decoder(&clip->video_decoder, clip->format, clip->video_index,
                                       clip->options.is_hwdec_allowed, error, error_size) < 0)
        goto fail;
    if (clip->options.audio)
        clip_open_audio(clip);
    clip_fill_info(clip);
    if (pthread_create(&clip->thread, NULL, clip_decoder_main, clip) != 0) {
        snprintf(error, error_size, "cannot start the decoder thread");
        goto fail;
    }
    clip->is_thread_started = true;
    return clip;
fail:
    clip_close(clip);
    return NULL;
}

// ---------------------------------------------------------------------------
// Closing

static void clip_stop_decoder(struct clip *clip)
{
    if (!clip->is_thread_started)
        return;
    atomic_store(&clip->interrupt.is_aborted, true);
    frame_queue_abort(clip->queue);
    pthread_mutex_lock(&clip->audio.lock); // no lost wakeup: the writer checks under it
    pthread_cond_broadcast(&clip->audio.has_room);
    pthread_mutex_unlock(&clip->audio.lock);
    pthread_join(clip->thread, NULL);
}

static void clip_free_audio(struct clip_audio *audio)
{
    avcodec_free_context(&audio->decoder);
    swr_free(&audio->resampler);
    av_channel_layout_uninit(&audio->in_layout);
    free(audio->convert_buffer);
    free(audio->ring);
    pthread_cond_destroy(&audio->has_room);
    pthread_mutex_destroy(&audio->lock);
}

void clip_close(struct clip *clip)
{
    if (!clip)
        return;
    if (clip->is_audio_attached) // detach first: the pull reads the ring freed below
        audio_out_detach(clip->options.audio, clip);
    clip_stop_decoder(clip);
    frame_queue_destroy(clip->queue);
    av_frame_free(&clip->current);
    av_frame_free(&clip->scratch);
    av_frame_free(&clip->decoded);
    av_packet_free(&clip->packet);
    avcodec_free_context(&clip->video_decoder);
    avformat_close_input(&clip->format);
    clip_free_audio(&clip->audio);
    free(clip);
}

// ---------------------------------------------------------------------------
// Main thread: clock and frames

const struct clip_info *clip_get_info(const struct clip *clip)
{
    return &clip->info;
}

void clip_play(struct clip *clip, int64_t now_ns)
{
    if (clip->is_playing)
        return;
    clip->is_playing = true;
    clip->anchor_mono_ns = now_ns;
    if (clip->info.has_audio) {
        audio_out_attach(clip->options.audio, clip_audio_pull, clip);
        clip->is_audio_attached = true;
    }
}

// The media time at now_ns: the audio clock while it runs, else the
// monotonic clock continued from the last anchor.
static int64_t clip_media_now(const struct clip *clip, int64_t now_ns)
{
    int64_t media_ns;
    if (clip->is_audio_attached &&
        audio_out_read_clock(clip->options.audio, clip, now_ns, &media_ns))
        return media_ns;
    return clip->anchor_media_ns + (now_ns - clip->anchor_mono_ns);
}

// Re-anchors the monotonic clock on the audio clock, so that when the audio
// ends or underruns the picture carries on from where the sound was.
// Returns true when the sound is being heard now.
static bool clip_follow_audio(struct clip *clip, int64_t now_ns)
{
    if (!clip->is_audio_attached)
        return false;
    if (!audio_out_is_attached(clip->options.audio, clip)) {
        clip->is_audio_attached = false; // another clip took the device
        clip_mute_audio(clip);
        return false;
    }
    int64_t media_ns;
    if (!audio_out_read_clock(clip->options.audio, clip, now_ns, &media_ns))
        return false;
    clip->anchor_media_ns = media_ns;
    clip->anchor_mono_ns = now_ns;
    return true;
}

// How far the picture about to be shown is from the sound being heard.
static void clip_measure_av_offset(struct clip *clip, int64_t pts_ns, int64_t heard_ns)
{
    int64_t offset_ns = llabs(heard_ns - pts_ns);
    if (offset_ns > clip->stats.av_offset_max_ns)
        clip->stats.av_offset_max_ns = offset_ns;
}

static const AVFrame *clip_show(struct clip *clip, int64_t pts_ns)
{
    av_frame_unref(clip->current);
    av_frame_move_ref(clip->current, clip->scratch);
    clip->current_pts_ns = pts_ns;
    clip->stats.frames_shown++;
    return clip->current;
}

// The first frame is always shown, and the clock starts with it: a slow
// decoder start then delays the clip instead of dropping its first frames.
// The sound starts with it too.
static const AVFrame *clip_start(struct clip *clip, int64_t now_ns)
{
    int64_t pts_ns;
    if (!frame_queue_pop(clip->queue, clip->scratch, NULL, &pts_ns))
        return NULL;
    clip->is_started = true;
    clip->anchor_media_ns = pts_ns;
    clip->anchor_mono_ns = now_ns;
    if (clip->info.has_audio)
        clip_start_audio(clip, pts_ns, now_ns);
    return clip_show(clip, pts_ns);
}

const AVFrame *clip_frame_due(struct clip *clip, int64_t now_ns)
{
    if (!clip->is_playing)
        return NULL;
    if (!clip->is_started)
        return clip_start(clip, now_ns);
    bool is_heard = clip_follow_audio(clip, now_ns);
    int64_t media_ns = clip->anchor_media_ns + (now_ns - clip->anchor_mono_ns);
    bool has_due = false;
    int64_t due_pts_ns = 0, head_pts_ns;
    while (frame_queue_peek(clip->queue, NULL, &head_pts_ns) && head_pts_ns <= media_ns) {
        if (has_due) { // overtaken before it was shown
            av_frame_unref(clip->scratch);
            clip->stats.frames_dropped++;
        }
        frame_queue_pop(clip->queue, clip->scratch, NULL, &due_pts_ns);
        has_due = true;
    }
    if (!has_due)
        return NULL;
    if (is_heard)
        clip_measure_av_offset(clip, due_pts_ns, media_ns);
    return clip_show(clip, due_pts_ns);
}

void clip_discard_frame(struct clip *clip)
{
    if (clip->stats.frames_shown == 0)
        return;
    clip->stats.frames_shown--;
    clip->stats.frames_dropped++;
}

int64_t clip_next_deadline_ns(const struct clip *clip, int64_t now_ns)
{
    // Read "done" before looking at the queue: once done, the queue only shrinks.
    if (!clip->is_playing)
        return INT64_MAX;
    bool is_done = atomic_load_explicit(&clip->is_decoder_done, memory_order_acquire);
    int64_t pts_ns;
    bool has_frame = frame_queue_peek(clip->queue, NULL, &pts_ns);
    if (!clip->is_started)
        return has_frame || is_done ? now_ns : INT64_MAX;
    if (!has_frame && !is_done)
        return INT64_MAX; // the decoder's wakeup comes with the next frame
    int64_t target_ns = has_frame ? pts_ns : clip->end_pts_ns;
    return now_ns + (target_ns - clip_media_now(clip, now_ns));
}

bool clip_is_finished(const struct clip *clip, int64_t now_ns)
{
    if (!atomic_load_explicit(&clip->is_decoder_done, memory_order_acquire))
        return false;
    if (frame_queue_count(clip->queue) > 0)
        return false;
    return !clip->is_started || clip_media_now(clip, now_ns) >= clip->end_pts_ns;
}

const char *clip_error(const struct clip *clip)
{
    if (!atomic_load_explicit(&clip->is_decoder_done, memory_order_acquire))
        return NULL;
    if (clip->error_message[0])
        return clip->error_message;
    return clip->audio_error[0] ? clip->audio_error : NULL;
}

struct clip_stats clip_get_stats(const struct clip *clip)
{
    return clip->stats;
}

int64_t clip_frame_pts_ns(const struct clip *clip)
{
    return clip->current_pts_ns;
}
