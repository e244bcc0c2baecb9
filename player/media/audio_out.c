// audio_out: one SDL audio device, one attached source, and the clock
// sampled at each callback. Not a mixer: two clips never sound at once.
#include "media/audio_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <libavutil/samplefmt.h>

#include "base/monotime.h"
#include "base/xalloc.h"

#define AUDIO_OUT_WANT_RATE_HZ 48000 // native rate of HDMI audio and most clips
#define AUDIO_OUT_WANT_SAMPLES 1024  // 21 ms at 48 kHz: low latency, few wakeups

struct audio_out {
    SDL_AudioDeviceID device;
    struct audio_out_format format;
    uint8_t silence;    // byte value of silence in the device format
    int64_t latency_ns; // one device buffer: queued in SDL ahead of the one being filled

    // Protected by the SDL device lock; the callback runs under it.
    audio_out_pull_fn pull;
    void *source;
    bool has_clock;         // the last callback played audio of source
    int64_t clock_media_ns; // media time heard at clock_mono_ns
    int64_t clock_mono_ns;
};

// -1 for device formats FFmpeg cannot write directly (big-endian ones).
static int audio_out_av_format(SDL_AudioFormat format)
{
    switch (format) {
    case AUDIO_U8:
        return AV_SAMPLE_FMT_U8;
    case AUDIO_S16SYS:
        return AV_SAMPLE_FMT_S16;
    case AUDIO_S32SYS:
        return AV_SAMPLE_FMT_S32;
    case AUDIO_F32SYS:
        return AV_SAMPLE_FMT_FLT;
    default:
        return -1;
    }
}

static void audio_out_callback(void *userdata, Uint8 *stream, int length)
{
    struct audio_out *out = userdata;
    int64_t now_ns = monotime_now_ns();
    memset(stream, out->silence, (size_t)length);
    out->has_clock = false;
    if (!out->pull)
        return;
    int64_t pts_ns = 0;
    if (out->pull(out->source, stream, (size_t)length, &pts_ns) == 0)
        return;
    out->has_clock = true;
    out->clock_media_ns = pts_ns - out->latency_ns;
    out->clock_mono_ns = now_ns;
}

struct audio_out *audio_out_open(char *error, size_t error_size)
{
    struct audio_out *out = xcalloc(1, sizeof *out);
    SDL_AudioSpec want = {
        .freq = AUDIO_OUT_WANT_RATE_HZ,
        .format = AUDIO_S16SYS,
        .channels = 2,
        .samples = AUDIO_OUT_WANT_SAMPLES,
        .callback = audio_out_callback,
        .userdata = out,
    };
    SDL_AudioSpec have;
    out->device = SDL_OpenAudioDevice(NULL, 0, &want, &have, SDL_AUDIO_ALLOW_ANY_CHANGE);
    if (out->device == 0) {
        snprintf(error, error_size, "%s", SDL_GetError());
        free(out);
        return NULL;
    }
    int sample_format = audio_out_av_format(have.format);
    if (sample_format < 0 || have.freq <= 0 || have.channels == 0) {
        snprintf(error, error_size, "unsupported audio device format 0x%x", have.format);
        audio_out_close(out);
        return NULL;
    }
    out->format = (struct audio_out_format){
        .rate_hz = have.freq,
        .n_channels = have.channels,
        .sample_format = sample_format,
        .bytes_per_frame = have.channels * (int)SDL_AUDIO_BITSIZE(have.format) / 8,
    };
    out->silence = have.silence;
    out->latency_ns = (int64_t)have.samples * NS_PER_S / have.freq;
    return out; // SDL opens devices paused: it stays so until a source attaches
}

void audio_out_close(struct audio_out *out)
{
    if (!out)
        return;
    SDL_CloseAudioDevice(out->device);
    free(out);
}

void audio_out_get_format(const struct audio_out *out, struct audio_out_format *format)
{
    *format = out->format;
}

void audio_out_attach(struct audio_out *out, audio_out_pull_fn pull, void *context)
{
    SDL_LockAudioDevice(out->device);
    out->pull = pull;
    out->source = context;
    out->has_clock = false;
    SDL_UnlockAudioDevice(out->device);
    SDL_PauseAudioDevice(out->device, 0);
}

void audio_out_detach(struct audio_out *out, const void *context)
{
    SDL_LockAudioDevice(out->device);
    bool was_attached = context && out->source == context;
    if (was_attached) {
        out->pull = NULL;
        out->source = NULL;
        out->has_clock = false;
    }
    SDL_UnlockAudioDevice(out->device);
    if (was_attached)
        SDL_PauseAudioDevice(out->device, 1);
}

bool audio_out_is_attached(const struct audio_out *out, const void *context)
{
    SDL_LockAudioDevice(out->device);
    bool is_attached = context && out->source == context;
    SDL_UnlockAudioDevice(out->device);
    return is_attached;
}

bool audio_out_read_clock(const struct audio_out *out, const void *context, int64_t now_ns,
                          int64_t *media_ns)
{
    SDL_LockAudioDevice(out->device);
    bool has_clock = context && out->source == context && out->has_clock;
    if (has_clock)
        *media_ns = out->clock_media_ns + (now_ns - out->clock_mono_ns);
    SDL_UnlockAudioDevice(out->device);
    return has_clock;
}
