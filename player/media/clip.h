// clip: one open media file. Demux and decode run on the clip's own thread
// into a small bounded frame queue (and, with audio, a bounded PCM buffer);
// the main thread asks which frame is due. Knows nothing of SDL video.
//
// Timing: the clip's clock starts at clip_play(). With audio playing, the
// clock is the audio position actually heard (audio_out); otherwise it is the
// monotonic clock. A frame is due when clock >= its pts; a frame overtaken by
// the next due frame before it was shown is dropped and counted. The first
// frame is never dropped: if it was not decoded yet at clip_play(), the clock
// (and the sound) start when clip_frame_due() returns it.
//
// Threads: every function is for the main thread. Inside, one decoder thread
// per clip and, with audio, SDL's audio thread pulling PCM (see clip.c).
#ifndef SIGNAGE_MEDIA_CLIP_H
#define SIGNAGE_MEDIA_CLIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct AVFrame;
struct audio_out;

// Called from the decoder thread when something changed that the main
// thread may be waiting for (a frame arrived in an empty queue, end of
// stream, an error), also before clip_play(). Must only signal (write an
// eventfd, push an SDL event), never call back in, and the signal must stick
// until the main thread waits: it may fire between the main thread's
// clip_next_deadline_ns() (INT64_MAX) and its wait.
typedef void (*clip_wakeup_fn)(void *context);

struct clip_options {
    struct audio_out *audio; // borrowed; NULL plays silently (audio = off, or no device)
    clip_wakeup_fn wakeup;   // may be NULL
    void *wakeup_context;
    bool is_hwdec_allowed; // hwdec = auto: try the V4L2 M2M hardware decoder first
    int volume_percent;    // sound level, 0 (silent) to 100 (as in the file); set it
};

struct clip_info {
    int width_px, height_px;   // coded picture size
    int sar_num, sar_den;      // sample aspect ratio, 1:1 when unknown
    int rotation_degrees;      // 0, 90, 180 or 270: clockwise turn that shows it upright
                               // (the display matrix phones write for portrait video)
    int pixel_format;          // enum AVPixelFormat of the frames clip_frame_due() returns
    int64_t duration_ns;       // container duration, or -1 when unknown
    double frame_rate_hz;      // average, 0 when unknown
    int64_t n_frames_expected; // from the container, or -1 when unknown
    bool has_audio;            // an audio stream is decoded and played
    const char *decoder_name;  // e.g. "h264"; borrowed, valid until clip_close()
};

struct clip_stats {
    int64_t frames_shown;   // frames returned by clip_frame_due(), less clip_discard_frame()
    int64_t frames_dropped; // decoded frames skipped because they were late or not shown
    // With sound playing: the largest distance (ns) seen between a frame's
    // pts and the audio being heard when clip_frame_due() returned it;
    // -1 when the sound never ran (no audio, audio = off, no device).
    int64_t av_offset_max_ns;
};

// Main thread. Opens path (a local file; FFmpeg's protocol whitelist is
// "file"), finds a decodable video stream (and an audio stream when
// options->audio is set) and starts the decoder thread, which begins filling
// the queue at once so the first frame is ready before clip_play(). Refuses
// what media_probe_clip() refuses: a single PNG or JPEG picture, a picture
// under MEDIA_PROBE_MIN_CLIP_SIDE_PX or over MEDIA_PROBE_MAX_SIDE_PX a side.
// Returns a new clip (caller closes), or NULL with a one-line reason in
// error (e.g. "no video stream", "Invalid data found when processing input").
struct clip *clip_open(const char *path, const struct clip_options *options, char *error,
                       size_t error_size);

// Main thread. Stops and joins the decoder thread, detaches audio, frees
// everything. clip_close(NULL) is a no-op.
void clip_close(struct clip *clip);

// Borrowed, valid until clip_close().
const struct clip_info *clip_get_info(const struct clip *clip);

// Main thread. Starts the clock (and audio) at now_ns (monotonic); see
// "Timing" above for a first frame that is not decoded yet. A clip with audio
// attaches itself to options->audio here, taking the device from any clip
// that had it (that clip goes on silently, following the monotonic clock).
// A second call does nothing.
void clip_play(struct clip *clip, int64_t now_ns);

// Main thread, after clip_play() (before it, always NULL). Returns the frame
// that should be on screen at now_ns when it is a new one (not returned
// before), else NULL. The frame is borrowed: valid until clip_frame_due()
// returns another frame, or clip_close(). Late frames are dropped here and
// counted.
const struct AVFrame *clip_frame_due(struct clip *clip, int64_t now_ns);

// Main thread. The frame clip_frame_due() last returned could not be put on
// screen (upload failed): counted as dropped instead of shown.
void clip_discard_frame(struct clip *clip);

// Main thread. Monotonic time at which clip_frame_due() will next have work:
// the next frame's due time, the end of the last frame's display time, or
// INT64_MAX while waiting for the decoder (its wakeup will fire) and before
// clip_play(). A result <= now_ns means "now": a frame is due, or (once the
// decoder is done and the queue empty) clip_is_finished() is true.
int64_t clip_next_deadline_ns(const struct clip *clip, int64_t now_ns);

// Main thread. True once the decoder reached the end (or failed), every
// decoded frame was returned, and the last frame's display time has run out
// at now_ns. Also true for a clip that ended without a single frame.
bool clip_is_finished(const struct clip *clip, int64_t now_ns);

// Main thread. Why the clip did not play as the file promised, or NULL;
// known once the decoder is done: an error that cut the picture short
// ("corrupt video at 3.2 s: ...", "the file ends early, at 0.4 s of 1.0 s
// (truncated?)"), else one that switched the sound off while the picture
// went on ("broken audio, sound off at 0.0 s: ...", "no sound: cannot decode
// aac: ..."; only with options->audio). Borrowed, valid until clip_close().
const char *clip_error(const struct clip *clip);

// Main thread. Counters since clip_open().
struct clip_stats clip_get_stats(const struct clip *clip);

// Main thread. Media time (ns, the stream's own timeline) of the frame last
// returned by clip_frame_due(), or INT64_MIN before the first.
int64_t clip_frame_pts_ns(const struct clip *clip);

#endif
