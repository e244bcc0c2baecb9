// media_probe: checks that a file is a clip the player can show, without a
// window or audio device: it opens with the protocol whitelist, finds a video
// stream with a decoder and decodes its first frame. Used by --check.
//
// It is also the one place that decides how media/ opens a file (which files,
// protocols and demuxers are accepted, how long I/O may block, how large a
// picture may be) and picks the video stream and its decoder; clip and
// still_image open files through it.
#ifndef SIGNAGE_MEDIA_MEDIA_PROBE_H
#define SIGNAGE_MEDIA_MEDIA_PROBE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct AVCodecContext;
struct AVFormatContext;
struct AVFrame;

// How long one open or read may block before FFmpeg gives up (AVERROR_EXIT):
// a damaged file must not stall a decoder thread or --check for ever.
#define MEDIA_PROBE_IO_TIMEOUT_NS (5 * INT64_C(1000000000))

// Picture sides accepted, in pixels. Larger is a damaged or hostile header
// (8K UHD, 7680x4320, fits; 16384x16384 would cost 400 MB a frame): refused
// before anything is decoded, and decoders refuse such frames mid-stream.
#define MEDIA_PROBE_MAX_SIDE_PX 8192
// A clip narrower or lower than one 8x8 coding block shows nothing anyone can
// see (a 1x1 "video" is a placeholder or a broken header). Images may be small.
#define MEDIA_PROBE_MIN_CLIP_SIDE_PX 8

// Any thread. True when path holds a decodable picture (a video, or a PNG or
// JPEG image: a one-frame video); otherwise false with a one-line reason in
// error ("no video stream", "cannot decode hevc: ..."). What --check asks of
// an image item or a deck's picture.
bool media_probe_video(const char *path, char *error, size_t error_size);

// Any thread. As media_probe_video(), and also refuses what a video item
// cannot play (media_probe_check_clip()): what --check asks of a video item,
// the same checks clip_open() makes.
bool media_probe_clip(const char *path, char *error, size_t error_size);

// The state behind FFmpeg's interrupt callback for one AVFormatContext; it
// must outlive that context. Zero-initialise it; any thread may arm or abort.
struct media_probe_interrupt {
    _Atomic int64_t deadline_ns; // monotonic; blocking I/O after it fails
    atomic_bool is_aborted;      // set when closing: I/O fails at once
};

// Any thread. Gives the next I/O until now_ns + MEDIA_PROBE_IO_TIMEOUT_NS.
void media_probe_interrupt_arm(struct media_probe_interrupt *interrupt, int64_t now_ns);

// Any thread. Opens path the one way media/ opens files, then reads stream
// info, with interrupt armed and installed in the context. Refused: anything
// but a regular file (a FIFO would block open() where no deadline reaches);
// protocols other than "file"; demuxers other than those of plain media files
// and single PNG/JPEG images: playlists (concat/ffconcat, HLS, DASH) and image
// sequences read further files, so a "clip" could read outside the content
// folder; a video whose header declares more than MEDIA_PROBE_MAX_SIDE_PX on
// a side ("picture too large: ..."). Returns 0 and *format (caller
// avformat_close_input()s), or a negative AVERROR code with a one-line reason
// in error.
int media_probe_open_input(struct AVFormatContext **format, const char *path,
                           struct media_probe_interrupt *interrupt, char *error, size_t error_size);

// Any thread. Index of the video stream to play: the best real video (cover
// art in music files does not count) that has a decoder. Otherwise a negative
// AVERROR code with "no video stream", "no decoder for <codec>" or "picture
// too large: <W>x<H> ..." in error.
int media_probe_find_video(struct AVFormatContext *format, char *error, size_t error_size);

// Any thread. Returns 0 when stream stream_index of format (opened by
// media_probe_open_input()) plays as a clip; otherwise AVERROR_INVALIDDATA
// with a reason in error: a single PNG or JPEG picture ("a still image (png),
// not a clip: use an image item"), or a picture smaller than
// MEDIA_PROBE_MIN_CLIP_SIDE_PX on a side.
int media_probe_check_clip(const struct AVFormatContext *format, int stream_index, char *error,
                           size_t error_size);

// Any thread. Opens a decoder for stream stream_index of format; is_threaded
// selects automatic thread count with frame and slice threading (frame
// threading delays output: drain with a NULL packet at the end). Frames of
// more than MEDIA_PROBE_MAX_SIDE_PX squared pixels fail to decode. Returns 0
// and *decoder (caller avcodec_free_context()s), or a negative AVERROR code
// with "cannot decode <codec>: <reason>" in error.
int media_probe_open_decoder(struct AVCodecContext **decoder, struct AVFormatContext *format,
                             int stream_index, bool is_threaded, char *error, size_t error_size);

// Any thread. The decoder for a clip's video: with is_hardware_allowed, the
// V4L2 memory-to-memory decoder for the stream's codec first (h264_v4l2m2m
// on a Raspberry Pi 4, hevc_v4l2m2m on a Pi 5) when the machine has V4L2
// devices; it falls back silently to software decoding with frame and slice
// threads when there is none or it does not open. Same contract as
// media_probe_open_decoder(); the decoder's name tells which one runs.
int media_probe_open_video_decoder(struct AVCodecContext **decoder, struct AVFormatContext *format,
                                   int stream_index, bool is_hardware_allowed, char *error,
                                   size_t error_size);

// Any thread. Reads format and decodes stream_index with decoder until the
// first frame, which it writes into frame (blank on entry; caller unrefs).
// Returns 0, or a negative AVERROR code with a reason in error.
int media_probe_first_frame(struct AVFormatContext *format, struct AVCodecContext *decoder,
                            int stream_index, struct AVFrame *frame, char *error,
                            size_t error_size);

#endif
