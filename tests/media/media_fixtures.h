// media_fixtures: media files made at test time with the ffmpeg CLI in a
// fresh temporary folder, and a wakeup target like the app's.
#ifndef SIGNAGE_TESTS_MEDIA_FIXTURES_H
#define SIGNAGE_TESTS_MEDIA_FIXTURES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_FIXTURES_PATH_SIZE 512

// The 3 s, 25 fps test clip: 320x240 H.264 + AAC.
#define MEDIA_FIXTURES_CLIP_ARGS                                                                   \
    "-f lavfi -i testsrc2=size=320x240:rate=25:duration=3 "                                        \
    "-f lavfi -i sine=frequency=440:duration=3 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest"

// Makes a new temporary folder; its path goes to dir. Returns 0 or -1.
int media_fixtures_make_dir(char *dir, size_t dir_size);

// Removes dir and everything in it.
void media_fixtures_remove_dir(const char *dir);

// dir/name into path (MEDIA_FIXTURES_PATH_SIZE bytes). Returns path.
char *media_fixtures_path(char *path, const char *dir, const char *name);

// Runs "ffmpeg <args> dir/name" quietly. Returns 0 when ffmpeg succeeded.
int media_fixtures_ffmpeg(const char *dir, const char *name, const char *args);

// Writes text to dir/name. Returns 0 or -1.
int media_fixtures_write_text(const char *dir, const char *name, const char *text);

// Copies the first percent % of dir/from's bytes (at most 4 MiB) to dir/to.
// Returns 0 or -1.
int media_fixtures_copy(const char *dir, const char *from, const char *to, int percent);

// Copies dir/from to dir/to with n_bytes of fixed pseudo-random garbage
// written at percent % of the file. Returns 0 or -1.
int media_fixtures_corrupt(const char *dir, const char *from, const char *to, int percent,
                           size_t n_bytes);

// A sticky wakeup flag, like the app's eventfd: a wake before the wait is
// not lost. Waits use CLOCK_MONOTONIC deadlines.
struct media_fixtures_waker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool is_signalled;
    int64_t n_wakes;
};

void media_fixtures_waker_init(struct media_fixtures_waker *waker);
void media_fixtures_waker_deinit(struct media_fixtures_waker *waker);
// clip_wakeup_fn; context is the waker.
void media_fixtures_waker_wake(void *context);
// Waits until woken or deadline_ns (monotonic; INT64_MAX: no deadline).
// Returns true when woken.
bool media_fixtures_waker_wait_until(struct media_fixtures_waker *waker, int64_t deadline_ns);

#endif
