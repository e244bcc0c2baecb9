// audio_out: the one SDL audio device. Its callback pulls PCM from the clip
// that is attached (at most one) and keeps the audio clock: which media time
// is being heard now, device latency included. Knows nothing of files.
//
// Threads: every function is for the main thread; the pull function runs on
// SDL's audio thread. The device is paused (SDL's thread idles) while no
// source is attached.
#ifndef SIGNAGE_MEDIA_AUDIO_OUT_H
#define SIGNAGE_MEDIA_AUDIO_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct audio_out;

// What the device plays; a source converts its audio to this.
struct audio_out_format {
    int rate_hz;
    int n_channels;
    int sample_format;   // enum AVSampleFormat, always packed (interleaved)
    int bytes_per_frame; // one sample of every channel
};

// Audio thread, with the device lock held (so it must not call audio_out).
// Writes up to size_bytes (a whole number of frames) of PCM in the device
// format at the start of buffer and returns how many bytes it wrote; the rest
// of buffer stays silent. When it returns > 0 it sets *pts_ns to the media
// time (ns) of the first byte written. Must not block for long.
typedef size_t (*audio_out_pull_fn)(void *context, uint8_t *buffer, size_t size_bytes,
                                    int64_t *pts_ns);

// Main thread, after SDL_Init(SDL_INIT_AUDIO). Opens the default device
// (48 kHz stereo S16 requested; SDL may give another format, which clips
// resample to). Returns NULL with a reason in error when no device opens:
// the caller then plays video silently.
struct audio_out *audio_out_open(char *error, size_t error_size);

// Main thread. Closes the device. NULL is a no-op. Detach every clip first.
void audio_out_close(struct audio_out *out);

// Main thread. The device's format, fixed while it is open.
void audio_out_get_format(const struct audio_out *out, struct audio_out_format *format);

// Main thread. Makes (pull, context) the source the device plays from and
// starts the device. A source already attached is replaced: it is never
// pulled again, and its audio_out_is_attached() turns false.
void audio_out_attach(struct audio_out *out, audio_out_pull_fn pull, void *context);

// Main thread. If context is the attached source, detaches it and pauses the
// device; otherwise does nothing. On return pull is not running and will not
// be called again with context, so the source may be freed.
void audio_out_detach(struct audio_out *out, const void *context);

// Main thread. True while context is the attached source.
bool audio_out_is_attached(const struct audio_out *out, const void *context);

// Main thread. The media time (ns) being heard at now_ns (monotonic) from
// source context: the pts of the last buffer handed to SDL, minus one device
// buffer still ahead of it, plus the time since that callback. False when
// context is not attached or the last buffer held none of its audio (not
// started, underrun, ended): the caller then keeps its own clock.
bool audio_out_read_clock(const struct audio_out *out, const void *context, int64_t now_ns,
                          int64_t *media_ns);

#endif
