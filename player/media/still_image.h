// still_image: decodes one PNG or JPEG file into a frame for a slide or a
// picture item. Not a scaler or a cache: the caller converts and keeps it.
#ifndef SIGNAGE_MEDIA_STILL_IMAGE_H
#define SIGNAGE_MEDIA_STILL_IMAGE_H

#include <stddef.h>

struct AVFrame;

// Any thread. Opens path with media_probe_open_input()'s policy (regular
// file, "file" protocol, I/O deadline) and decodes its picture with FFmpeg's
// png or mjpeg decoder, in the file's own pixel format (e.g. RGB24, RGBA,
// YUVJ420P). Returns a new frame (caller av_frame_free()s), or NULL with a
// one-line reason in error ("not a PNG or JPEG image (h264)", ...).
struct AVFrame *still_image_load(const char *path, char *error, size_t error_size);

// Any thread. The first picture of a clip (or an image), in its own pixel
// format: what --render shows for a slide that plays a video. Same policy,
// ownership and errors as still_image_load().
struct AVFrame *still_image_load_poster(const char *path, char *error, size_t error_size);

#endif
