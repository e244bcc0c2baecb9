// media_fixtures: see media_fixtures.h.
#include "media_fixtures.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/monotime.h"

int media_fixtures_make_dir(char *dir, size_t dir_size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dir_size, "%s/signage-media-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *status, int type, struct FTW *ftw)
{
    (void)status;
    (void)type;
    (void)ftw;
    return remove(path);
}

void media_fixtures_remove_dir(const char *dir)
{
    if (dir[0])
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *media_fixtures_path(char *path, const char *dir, const char *name)
{
    snprintf(path, MEDIA_FIXTURES_PATH_SIZE, "%s/%s", dir, name);
    return path;
}

int media_fixtures_ffmpeg(const char *dir, const char *name, const char *args)
{
    char command[2048];
    snprintf(command, sizeof command,
             "ffmpeg -nostdin -hide_banner -loglevel error -y %s '%s/%s' </dev/null", args, dir,
             name);
    int status = system(command);
    if (status != 0)
        fprintf(stderr, "fixture failed (%d): %s\n", status, command);
    return status == 0 ? 0 : -1;
}

int media_fixtures_write_text(const char *dir, const char *name, const char *text)
{
    char path[MEDIA_FIXTURES_PATH_SIZE];
    FILE *file = fopen(media_fixtures_path(path, dir, name), "w");
    if (!file)
        return -1;
    int ret = fputs(text, file) < 0 ? -1 : 0;
    return fclose(file) == 0 ? ret : -1;
}

int media_fixtures_copy(const char *dir, const char *from, const char *to, int percent)
{
    char path[MEDIA_FIXTURES_PATH_SIZE];
    FILE *in = fopen(media_fixtures_path(path, dir, from), "rb");
    if (!in)
        return -1;
    static char bytes[1 << 22];
    size_t n = fread(bytes, 1, sizeof bytes, in);
    fclose(in);
    FILE *out = fopen(media_fixtures_path(path, dir, to), "wb");
    if (!out)
        return -1;
    n = n * (size_t)percent / 100;
    size_t written = fwrite(bytes, 1, n, out);
    return fclose(out) == 0 && written == n ? 0 : -1;
}

int media_fixtures_corrupt(const char *dir, const char *from, const char *to, int percent,
                           size_t n_bytes)
{
    if (media_fixtures_copy(dir, from, to, 100) != 0)
        return -1;
    char path[MEDIA_FIXTURES_PATH_SIZE];
    FILE *file = fopen(media_fixtures_path(path, dir, to), "r+b");
    if (!file)
        return -1;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, size / 100 * percent, SEEK_SET);
    uint32_t state = 12345;
    for (size_t i = 0; i < n_bytes; i++) {
        state = state * 1103515245u + 12345u; // a fixed LCG: the same garbage every run
        fputc((int)(state >> 24), file);
    }
    return fclose(file) == 0 ? 0 : -1;
}

void media_fixtures_waker_init(struct media_fixtures_waker *waker)
{
    memset(waker, 0, sizeof *waker);
    pthread_mutex_init(&waker->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&waker->cond, &attributes);
    pthread_condattr_destroy(&attributes);
}

void media_fixtures_waker_deinit(struct media_fixtures_waker *waker)
{
    pthread_cond_destroy(&waker->cond);
    pthread_mutex_destroy(&waker->lock);
}

void media_fixtures_waker_wake(void *context)
{
    struct media_fixtures_waker *waker = context;
    pthread_mutex_lock(&waker->lock);
    waker->is_signalled = true;
    waker->n_wakes++;
    pthread_cond_signal(&waker->cond);
    pthread_mutex_unlock(&waker->lock);
}

bool media_fixtures_waker_wait_until(struct media_fixtures_waker *waker, int64_t deadline_ns)
{
    struct timespec deadline = {
        .tv_sec = (time_t)(deadline_ns / NS_PER_S),
        .tv_nsec = (long)(deadline_ns % NS_PER_S),
    };
    pthread_mutex_lock(&waker->lock);
    int ret = 0;
    while (!waker->is_signalled && ret != ETIMEDOUT) {
        if (deadline_ns == INT64_MAX)
            pthread_cond_wait(&waker->cond, &waker->lock);
        else
            ret = pthread_cond_timedwait(&waker->cond, &waker->lock, &deadline);
    }
    bool was_signalled = waker->is_signalled;
    waker->is_signalled = false;
    pthread_mutex_unlock(&waker->lock);
    return was_signalled;
}
