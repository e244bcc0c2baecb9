// media_probe: checks that a file is a clip the player can show, without a
// window or audio device: it opens with the protocol whitelist, finds a video
// stream with a decoder and decodes its first frame. Used by --check.
#ifndef SIGNAGE_MEDIA_MEDIA_PROBE_H
#define SIGNAGE_MEDIA_MEDIA_PROBE_H

#include <stdbool.h>
#include <stddef.h>

// Any thread. True when path holds a decodable video; otherwise false with a
// one-line reason in error ("no video stream", "cannot decode hevc: ...").
bool media_probe_video(const char *path, char *error, size_t error_size);

#endif
