// Integration tests for media_probe (--check) and still_image: real FFmpeg,
// fixtures made by the ffmpeg CLI at test time.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>

#include "media/media_probe.h"
#include "media/still_image.h"
#include "media_fixtures.h"

static char fixture_dir[MEDIA_FIXTURES_PATH_SIZE];

static int make_fixtures(void **state)
{
    (void)state;
    if (media_fixtures_make_dir(fixture_dir, sizeof fixture_dir) != 0)
        return -1;
    const char *dir = fixture_dir;
    int failed = 0;
    failed |= media_fixtures_ffmpeg(dir, "clip.mp4", MEDIA_FIXTURES_CLIP_ARGS);
    failed |= media_fixtures_ffmpeg(dir, "image.png",
                                    "-f lavfi -i testsrc2=size=64x48 -frames:v 1 -pix_fmt rgb24");
    failed |=
        media_fixtures_ffmpeg(dir, "photo.jpg", "-f lavfi -i testsrc2=size=80x60 -frames:v 1");
    failed |= media_fixtures_ffmpeg(dir, "audio.m4a",
                                    "-f lavfi -i sine=frequency=440:duration=1 -c:a aac");
    failed |= media_fixtures_write_text(dir, "text.mp4", "This is a text file, not a video.\n");
    failed |= media_fixtures_write_text(dir, "text.png", "This is a text file, not a picture.\n");
    failed |= media_fixtures_write_text(dir, "concat.mp4", "ffconcat version 1.0\nfile clip.mp4\n");
    failed |= media_fixtures_copy(dir, "clip.mp4", "half.mp4", 50);
    // Named like an image2 sequence pattern: must still read only this file.
    failed |= media_fixtures_copy(dir, "photo.jpg", "photo%03d.jpg", 100);
    return failed ? -1 : 0;
}

static int remove_fixtures(void **state)
{
    (void)state;
    media_fixtures_remove_dir(fixture_dir);
    return 0;
}

static char *fixture(const char *name)
{
    static char path[MEDIA_FIXTURES_PATH_SIZE];
    return media_fixtures_path(path, fixture_dir, name);
}

struct probe_case {
    const char *name;
    bool is_playable;
    const char *reason; // a substring of the reason, when refused
};

static const struct probe_case probe_cases[] = {
    {"clip.mp4", true, NULL},
    {"image.png", true, NULL}, // an image is a one-frame video
    {"photo.jpg", true, NULL},
    {"missing.mp4", false, "No such file or directory"},
    {"text.mp4", false, "Invalid data found"},
    {"audio.m4a", false, "no video stream"},
    {"concat.mp4", false, "refused container \"concat\""},
    {"half.mp4", false, "Invalid data found"}, // its index (moov) was at the end
};

static void test_probe_video(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof probe_cases / sizeof probe_cases[0]; i++) {
        const struct probe_case *test = &probe_cases[i];
        char error[256] = "";
        bool is_playable = media_probe_video(fixture(test->name), error, sizeof error);
        if (is_playable != test->is_playable)
            fail_msg("%s: playable %d, expected %d (%s)", test->name, is_playable,
                     test->is_playable, error);
        if (test->reason && !strstr(error, test->reason))
            fail_msg("%s: reason \"%s\", expected \"%s\"", test->name, error, test->reason);
    }
}

struct image_case {
    const char *name;
    int width_px, height_px;
    const char *reason; // NULL when the image loads
};

static const struct image_case image_cases[] = {
    {"image.png", 64, 48, NULL},
    {"photo.jpg", 80, 60, NULL},
    {"photo%03d.jpg", 80, 60, NULL},
    {"clip.mp4", 0, 0, "not a PNG or JPEG image (h264)"},
    {"text.png", 0, 0, "only PNG and JPEG"},
    {"missing.png", 0, 0, "No such file or directory"},
};

static void test_still_image_load(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof image_cases / sizeof image_cases[0]; i++) {
        const struct image_case *test = &image_cases[i];
        char error[256] = "";
        AVFrame *frame = still_image_load(fixture(test->name), error, sizeof error);
        if (!test->reason) {
            if (!frame)
                fail_msg("%s: %s", test->name, error);
            assert_int_equal(frame->width, test->width_px);
            assert_int_equal(frame->height, test->height_px);
            assert_non_null(frame->data[0]);
        } else {
            if (frame)
                fail_msg("%s: loaded, expected \"%s\"", test->name, test->reason);
            if (!strstr(error, test->reason))
                fail_msg("%s: reason \"%s\", expected \"%s\"", test->name, error, test->reason);
        }
        av_frame_free(&frame);
    }
}

// The PNG keeps its own pixels: RGB24 in, RGB24 out, top-left pixel intact.
static void test_still_image_png_is_rgb(void **state)
{
    (void)state;
    char error[256] = "";
    AVFrame *frame = still_image_load(fixture("image.png"), error, sizeof error);
    assert_non_null(frame);
    assert_int_equal(frame->format, AV_PIX_FMT_RGB24);
    assert_true(frame->linesize[0] >= 3 * 64);
    av_frame_free(&frame);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_video),
        cmocka_unit_test(test_still_image_load),
        cmocka_unit_test(test_still_image_png_is_rgb),
    };
    return cmocka_run_group_tests(tests, make_fixtures, remove_fixtures);
}
