// Integration tests for clip and audio_out: real FFmpeg, real SDL audio
// (dummy driver), fixtures made by the ffmpeg CLI. The main loop is simulated
// the way the app runs it: wait until clip_next_deadline_ns() or a wakeup.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <SDL.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>

#include "base/monotime.h"
#include "media/audio_out.h"
#include "media/clip.h"
#include "media_fixtures.h"

#define CLIP_FRAMES     75
#define FRAME_NS        (40 * NS_PER_MS)
#define PLAY_TIMEOUT_NS (10 * NS_PER_S) // a hang fails the test instead of stalling ctest
// How far a frame may be shown from its place on the clip's timeline, counted
// from the first frame; sanitizer builds need some slack.
#define SCHEDULE_TOLERANCE_NS (60 * NS_PER_MS)
// With sound the picture waits for it once at the start: audio begins at the
// device callback after the first frame and is heard a buffer (21 ms) later.
#define AUDIO_START_SLACK_NS (45 * NS_PER_MS)

static char fixture_dir[MEDIA_FIXTURES_PATH_SIZE];
static struct audio_out *audio; // one device for every test, as in the app

// ThreadSanitizer reads this in TSan builds (other builds ignore it). FFmpeg
// as packaged is not instrumented: the atomics by which libavcodec's
// frame-threading workers hand over buffers and park themselves are invisible
// to TSan, so it reports FFmpeg's own frees (inside libavutil) and teardown
// (inside libavcodec) as races with those workers. Only reports whose stacks
// run inside FFmpeg are excused; every access in our own code is still checked.
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
    return "called_from_lib:libavutil.so.57\n"
           "race:libavcodec.so.59\n";
}

static int make_fixtures(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 0); // ctest sets it; keep a manual run quiet too
    if (media_fixtures_make_dir(fixture_dir, sizeof fixture_dir) != 0)
        return -1;
    const char *dir = fixture_dir;
    int failed = 0;
    failed |= media_fixtures_ffmpeg(dir, "clip.mp4", MEDIA_FIXTURES_CLIP_ARGS);
    failed |=
        media_fixtures_ffmpeg(dir, "fast.mp4", MEDIA_FIXTURES_CLIP_ARGS " -movflags +faststart");
    failed |= media_fixtures_copy(dir, "fast.mp4", "fast_half.mp4", 50);
    failed |= media_fixtures_copy(dir, "clip.mp4", "moov_at_end_half.mp4", 50);
    failed |= media_fixtures_corrupt(dir, "fast.mp4", "corrupt.mp4", 40, 3000);
    // The sound starts 1 s after the picture.
    failed |= media_fixtures_ffmpeg(dir, "late_audio.mp4",
                                    "-f lavfi -i testsrc2=size=320x240:rate=25:duration=3 "
                                    "-itsoffset 1 -f lavfi -i sine=frequency=440:duration=2 "
                                    "-c:v libx264 -pix_fmt yuv420p -c:a aac");
    failed |= media_fixtures_ffmpeg(dir, "audio.m4a",
                                    "-f lavfi -i sine=frequency=440:duration=1 -c:a aac");
    failed |= media_fixtures_write_text(dir, "text.mp4", "This is a text file, not a video.\n");
    failed |= media_fixtures_write_text(dir, "concat.mp4", "ffconcat version 1.0\nfile clip.mp4\n");
    failed |= media_fixtures_write_text(dir, "hls.mp4",
                                        "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n"
                                        "clip.mp4\n#EXT-X-ENDLIST\n");
    char path[MEDIA_FIXTURES_PATH_SIZE];
    failed |= mkfifo(media_fixtures_path(path, dir, "fifo.mp4"), 0600);
    if (failed || SDL_Init(SDL_INIT_AUDIO) != 0)
        return -1;
    char error[256] = "";
    audio = audio_out_open(error, sizeof error);
    if (!audio)
        fprintf(stderr, "audio_out_open: %s\n", error);
    return audio ? 0 : -1;
}

static int remove_fixtures(void **state)
{
    (void)state;
    audio_out_close(audio);
    SDL_Quit();
    media_fixtures_remove_dir(fixture_dir);
    return 0;
}

static char *fixture(const char *name)
{
    static char path[MEDIA_FIXTURES_PATH_SIZE];
    return media_fixtures_path(path, fixture_dir, name);
}

// ---------------------------------------------------------------------------
// The simulated main loop

struct play_record {
    int64_t n_shown;
    int64_t pts_ns[2 * CLIP_FRAMES];
    int64_t shown_at_ns[2 * CLIP_FRAMES];
    int64_t n_iterations;
    int64_t wall_ns; // clip_play() to clip_is_finished()
    bool has_timed_out;
};

static void record_frame(struct play_record *record, const struct clip *clip, const AVFrame *frame,
                         int64_t now_ns)
{
    assert_int_equal(frame->width, 320);
    assert_int_equal(frame->height, 240);
    if (record->n_shown < 2 * CLIP_FRAMES) {
        record->pts_ns[record->n_shown] = clip_frame_pts_ns(clip);
        record->shown_at_ns[record->n_shown] = now_ns;
    }
    record->n_shown++;
}

// Plays clip to its end the way app's loop does: ask, then sleep until the
// clip's next deadline or the decoder's wakeup. No fixed-period polling.
static void play_to_end(struct clip *clip, struct media_fixtures_waker *waker,
                        struct play_record *record)
{
    memset(record, 0, sizeof *record);
    int64_t start_ns = monotime_now_ns();
    clip_play(clip, start_ns);
    for (;;) {
        int64_t now_ns = monotime_now_ns();
        record->n_iterations++;
        const AVFrame *frame = clip_frame_due(clip, now_ns);
        if (frame)
            record_frame(record, clip, frame, now_ns);
        if (clip_is_finished(clip, now_ns)) {
            record->wall_ns = now_ns - start_ns;
            return;
        }
        if (now_ns - start_ns > PLAY_TIMEOUT_NS) {
            record->has_timed_out = true;
            return;
        }
        int64_t deadline_ns = clip_next_deadline_ns(clip, now_ns);
        if (deadline_ns > start_ns + PLAY_TIMEOUT_NS + NS_PER_MS)
            deadline_ns = start_ns + PLAY_TIMEOUT_NS + NS_PER_MS;
        media_fixtures_waker_wait_until(waker, deadline_ns);
    }
}

static struct clip *open_clip(const char *name, struct audio_out *audio_or_null,
                              struct media_fixtures_waker *waker)
{
    struct clip_options options = {
        .audio = audio_or_null,
        .wakeup = media_fixtures_waker_wake,
        .wakeup_context = waker,
        .volume_percent = 100,
    };
    char error[256] = "";
    struct clip *clip = clip_open(fixture(name), &options, error, sizeof error);
    if (!clip)
        fail_msg("clip_open(%s): %s", name, error);
    return clip;
}

// Every frame of the 3 s clip, none dropped, on its timeline.
static void assert_full_playback(const struct clip *clip, const struct play_record *record,
                                 int64_t late_start_ns)
{
    struct clip_stats stats = clip_get_stats(clip);
    assert_false(record->has_timed_out);
    assert_int_equal(stats.frames_shown, CLIP_FRAMES);
    assert_int_equal(stats.frames_dropped, 0);
    assert_int_equal(record->n_shown, CLIP_FRAMES);
    assert_int_equal(record->pts_ns[0], 0);
    for (int i = 1; i < CLIP_FRAMES; i++) {
        int64_t spacing_ns = record->pts_ns[i] - record->pts_ns[i - 1];
        if (spacing_ns < FRAME_NS - NS_PER_MS || spacing_ns > FRAME_NS + NS_PER_MS)
            fail_msg("pts spacing before frame %d: %lld ns", i, (long long)spacing_ns);
        int64_t planned_ns = record->shown_at_ns[0] + record->pts_ns[i];
        int64_t error_ns = record->shown_at_ns[i] - planned_ns;
        if (error_ns < -SCHEDULE_TOLERANCE_NS || error_ns > SCHEDULE_TOLERANCE_NS + late_start_ns)
            fail_msg("frame %d shown %lld ms off its time", i, (long long)(error_ns / NS_PER_MS));
    }
    // A wait per frame, a few for wakeups and the end: never a polling loop.
    assert_in_range(record->n_iterations, CLIP_FRAMES, 3 * CLIP_FRAMES);
}

// ---------------------------------------------------------------------------
// Playback

static void test_plays_through_without_audio(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("clip.mp4", NULL, &waker);
    const struct clip_info *info = clip_get_info(clip);
    assert_int_equal(info->width_px, 320);
    assert_int_equal(info->height_px, 240);
    assert_int_equal(info->sar_num, 1);
    assert_int_equal(info->sar_den, 1);
    assert_int_equal(info->pixel_format, AV_PIX_FMT_YUV420P);
    assert_int_equal(info->n_frames_expected, CLIP_FRAMES);
    assert_in_range(info->duration_ns, 3 * NS_PER_S - FRAME_NS, 3 * NS_PER_S + FRAME_NS);
    assert_true(info->frame_rate_hz > 24.99 && info->frame_rate_hz < 25.01);
    assert_false(info->has_audio);
    assert_string_equal(info->decoder_name, "h264");

    struct play_record record;
    play_to_end(clip, &waker, &record);
    assert_full_playback(clip, &record, 0);
    // Without audio the clip runs on the monotonic clock: 3.0 s and a little.
    assert_in_range(record.wall_ns, 3 * NS_PER_S - NS_PER_MS, 3600 * NS_PER_MS);
    assert_null(clip_error(clip));
    clip_close(clip);
    media_fixtures_waker_deinit(&waker);
}

static void test_plays_through_with_audio(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("clip.mp4", audio, &waker);
    assert_true(clip_get_info(clip)->has_audio);

    struct play_record record;
    play_to_end(clip, &waker, &record);
    assert_full_playback(clip, &record, AUDIO_START_SLACK_NS);
    // The audio clock leads here, and SDL's dummy driver only approximates
    // real time (it sleeps a whole number of ms per buffer): allow 2.9 s.
    assert_in_range(record.wall_ns, 2900 * NS_PER_MS, 3600 * NS_PER_MS);
    assert_null(clip_error(clip));
    clip_close(clip);
    media_fixtures_waker_deinit(&waker);
}

// Sound that starts 1 s into the clip must not drag the clock ahead: every
// frame of the first second is still shown.
static void test_late_audio_keeps_picture(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("late_audio.mp4", audio, &waker);
    assert_true(clip_get_info(clip)->has_audio);
    struct play_record record;
    play_to_end(clip, &waker, &record);
    assert_full_playback(clip, &record, AUDIO_START_SLACK_NS);
    clip_close(clip);
    media_fixtures_waker_deinit(&waker);
}

// The decoder starts at clip_open(): the first frame is announced by the
// wakeup and shown at once by clip_play() + clip_frame_due().
static void test_first_frame_ready_before_play(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("clip.mp4", NULL, &waker);
    int64_t now_ns = monotime_now_ns();
    assert_null(clip_frame_due(clip, now_ns)); // nothing is due before clip_play()
    assert_true(clip_next_deadline_ns(clip, now_ns) == INT64_MAX);
    assert_true(media_fixtures_waker_wait_until(&waker, now_ns + 5 * NS_PER_S));
    now_ns = monotime_now_ns();
    clip_play(clip, now_ns);
    const AVFrame *frame = clip_frame_due(clip, now_ns);
    assert_non_null(frame);
    assert_int_equal(clip_frame_pts_ns(clip), 0);
    assert_null(clip_frame_due(clip, now_ns)); // not returned twice
    // The next deadline is the second frame's time, once it is decoded (its
    // wakeup may still be on the way).
    int64_t deadline_ns;
    while ((deadline_ns = clip_next_deadline_ns(clip, now_ns)) == INT64_MAX)
        assert_true(media_fixtures_waker_wait_until(&waker, now_ns + 5 * NS_PER_S));
    assert_int_equal(deadline_ns - now_ns, FRAME_NS);
    clip_close(clip);
    media_fixtures_waker_deinit(&waker);
}

// The first half of a clip whose index comes first: it plays what is there,
// then finishes (with or without an error) instead of hanging.
static void test_truncated_clip_finishes(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("fast_half.mp4", NULL, &waker);
    struct play_record record;
    play_to_end(clip, &waker, &record);
    assert_false(record.has_timed_out);
    struct clip_stats stats = clip_get_stats(clip);
    assert_in_range(stats.frames_shown, 10, CLIP_FRAMES - 1);
    assert_int_equal(stats.frames_dropped, 0);
    assert_true(record.wall_ns < 3 * NS_PER_S);
    print_message("truncated clip: %lld frames, %s\n", (long long)stats.frames_shown,
                  clip_error(clip) ? clip_error(clip) : "no error");
    clip_close(clip);
    media_fixtures_waker_deinit(&waker);
}

// Garbage in the middle of the picture data: the clip shows what decoded,
// records why it stopped, and finishes.
static void test_corrupt_clip_finishes(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("corrupt.mp4", NULL, &waker);
    struct play_record record;
    play_to_end(clip, &waker, &record);
    assert_false(record.has_timed_out);
    struct clip_stats stats = clip_get_stats(clip);
    assert_in_range(stats.frames_shown, 10, CLIP_FRAMES);
    assert_int_equal(stats.frames_dropped, 0);
    // FFmpeg may conceal the damage instead; when it reports it, we say where.
    const char *error = clip_error(clip);
    print_message("corrupt clip: %lld frames, %s\n", (long long)stats.frames_shown,
                  error ? error : "no error");
    if (error)
        assert_non_null(strstr(error, " s: "));
    clip_close(clip);
    media_fixtures_waker_deinit(&waker);
}

// Closing must never wait for the clip: not while the decoder is blocked on
// a full queue before clip_play(), not in the middle of playback.
static void test_close_is_prompt(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *clip = open_clip("clip.mp4", audio, &waker);
    media_fixtures_waker_wait_until(&waker, monotime_now_ns() + 5 * NS_PER_S);
    int64_t start_ns = monotime_now_ns();
    clip_close(clip);
    assert_true(monotime_now_ns() - start_ns < 200 * NS_PER_MS);

    clip = open_clip("clip.mp4", audio, &waker);
    start_ns = monotime_now_ns();
    clip_play(clip, start_ns);
    int64_t now_ns = start_ns;
    while (now_ns - start_ns < NS_PER_S) {
        clip_frame_due(clip, now_ns);
        int64_t deadline_ns = clip_next_deadline_ns(clip, now_ns);
        media_fixtures_waker_wait_until(
            &waker, deadline_ns < start_ns + NS_PER_S ? deadline_ns : start_ns + NS_PER_S);
        now_ns = monotime_now_ns();
    }
    assert_in_range(clip_get_stats(clip).frames_shown, 20, 30);
    clip_close(clip);
    assert_true(monotime_now_ns() - now_ns < 200 * NS_PER_MS);
    media_fixtures_waker_deinit(&waker);
}

// Two clips with sound playing at once (a crossfade): the later clip_play()
// takes the device; the earlier clip goes on silently and both finish.
static void test_second_clip_takes_audio(void **state)
{
    (void)state;
    struct media_fixtures_waker waker;
    media_fixtures_waker_init(&waker);
    struct clip *first = open_clip("clip.mp4", audio, &waker);
    struct clip *second = open_clip("clip.mp4", audio, &waker);
    int64_t start_ns = monotime_now_ns();
    clip_play(first, start_ns);
    bool is_second_playing = false;
    int64_t now_ns = start_ns;
    while (!clip_is_finished(first, now_ns) || !clip_is_finished(second, now_ns)) {
        assert_true(now_ns - start_ns < PLAY_TIMEOUT_NS);
        if (!is_second_playing && now_ns - start_ns > NS_PER_S) {
            clip_play(second, now_ns);
            is_second_playing = true;
        }
        clip_frame_due(first, now_ns);
        int64_t deadline_ns = clip_next_deadline_ns(first, now_ns);
        if (is_second_playing) {
            clip_frame_due(second, now_ns);
            int64_t second_ns = clip_next_deadline_ns(second, now_ns);
            deadline_ns = second_ns < deadline_ns ? second_ns : deadline_ns;
        } else if (deadline_ns > start_ns + NS_PER_S + NS_PER_MS) {
            deadline_ns = start_ns + NS_PER_S + NS_PER_MS;
        }
        media_fixtures_waker_wait_until(&waker, deadline_ns);
        now_ns = monotime_now_ns();
    }
    assert_int_equal(clip_get_stats(first).frames_shown, CLIP_FRAMES);
    assert_int_equal(clip_get_stats(second).frames_shown, CLIP_FRAMES);
    assert_in_range(now_ns - start_ns, 3900 * NS_PER_MS, 4800 * NS_PER_MS);
    clip_close(first);
    clip_close(second);
    media_fixtures_waker_deinit(&waker);
}

// ---------------------------------------------------------------------------
// Files that must be refused, each with a reason

struct refusal_case {
    const char *name;
    const char *reason; // a substring of the reason given
};

static const struct refusal_case refusal_cases[] = {
    {"missing.mp4", "No such file or directory"},
    {"text.mp4", "Invalid data found"},
    {"audio.m4a", "no video stream"},
    {"moov_at_end_half.mp4", "Invalid data found"},
    // Playlists named .mp4 would make FFmpeg read clip.mp4 (or anything).
    {"concat.mp4", "refused container \"concat\""},
    {"hls.mp4", "refused container \"hls\""},
    // A FIFO blocks open() beyond any deadline: refused before opening.
    {"fifo.mp4", "not a regular file"},
};

static void test_refuses_bad_files(void **state)
{
    (void)state;
    char error[256];
    for (size_t i = 0; i < sizeof refusal_cases / sizeof refusal_cases[0]; i++) {
        const struct refusal_case *test = &refusal_cases[i];
        snprintf(error, sizeof error, "(unset)");
        struct clip_options options = {0};
        int64_t start_ns = monotime_now_ns();
        struct clip *clip = clip_open(fixture(test->name), &options, error, sizeof error);
        if (clip) {
            clip_close(clip);
            fail_msg("%s: opened, expected \"%s\"", test->name, test->reason);
        }
        if (!strstr(error, test->reason))
            fail_msg("%s: reason \"%s\", expected \"%s\"", test->name, error, test->reason);
        assert_true(monotime_now_ns() - start_ns < 2 * NS_PER_S);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plays_through_without_audio),
        cmocka_unit_test(test_plays_through_with_audio),
        cmocka_unit_test(test_late_audio_keeps_picture),
        cmocka_unit_test(test_first_frame_ready_before_play),
        cmocka_unit_test(test_truncated_clip_finishes),
        cmocka_unit_test(test_corrupt_clip_finishes),
        cmocka_unit_test(test_close_is_prompt),
        cmocka_unit_test(test_second_clip_takes_audio),
        cmocka_unit_test(test_refuses_bad_files),
    };
    return cmocka_run_group_tests(tests, make_fixtures, remove_fixtures);
}
