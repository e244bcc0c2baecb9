// audio_out: the one SDL audio device. Its callback pulls PCM from the clip
// that is attached (at most one) and keeps the audio clock: which media time
// is being heard now, device latency included. Knows nothing of files.
#ifndef SIGNAGE_MEDIA_AUDIO_OUT_H
#define SIGNAGE_MEDIA_AUDIO_OUT_H

#include <stdint.h>
#include <stddef.h>

struct audio_out;

// Main thread, after SDL_Init(SDL_INIT_AUDIO). Opens the default device
// (48 kHz stereo S16 requested; SDL may give another format, which clips
// resample to). Returns NULL with a reason in error when no device opens:
// the caller then plays video silently.
struct audio_out *audio_out_open(char *error, size_t error_size);

// Main thread. Closes the device. NULL is a no-op. Detach every clip first.
void audio_out_close(struct audio_out *out);

#endif
