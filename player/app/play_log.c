// play_log: JSON Lines with ISO 8601 local timestamps (offset included, so a
// log copied off the box still says when it happened there).
#include "app/play_log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"

struct play_log {
    int fd;
    char *path;
};

static int open_path(const char *path, char *error, size_t error_size)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
    return fd;
}

struct play_log *play_log_open(const char *path, char *error, size_t error_size)
{
    int fd = open_path(path, error, error_size);
    if (fd < 0)
        return NULL;
    struct play_log *log = xcalloc(1, sizeof *log);
    log->fd = fd;
    log->path = xstrdup(path);
    return log;
}

int play_log_reopen(struct play_log *log, char *error, size_t error_size)
{
    int fd = open_path(log->path, error, error_size);
    if (fd < 0)
        return -1;
    close(log->fd);
    log->fd = fd;
    return 0;
}

void play_log_close(struct play_log *log)
{
    if (!log)
        return;
    close(log->fd);
    free(log->path);
    free(log);
}

// A cursor over a fixed buffer that remembers when it ran out of room.
struct writer {
    char *buffer;
    size_t size, used;
    bool has_overflowed;
};

static void put(struct writer *writer, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct writer *writer, const char *format, ...)
{
    if (writer->has_overflowed)
        return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(writer->buffer + writer->used, writer->size - writer->used, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= writer->size - writer->used)
        writer->has_overflowed = true;
    else
        writer->used += (size_t)n;
}

static void put_string(struct writer *writer, const char *key, const char *value)
{
    put(writer, ",\"%s\":\"", key);
    for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
        if (*c == '"' || *c == '\\')
            put(writer, "\\%c", *c);
        else if (*c == '\n')
            put(writer, "\\n");
        else if (*c < 0x20 || *c == 0x7F)
            put(writer, "\\u%04x", *c);
        else
            put(writer, "%c", *c);
    }
    put(writer, "\"");
}

static void put_timestamp(struct writer *writer, const struct timespec *when)
{
    struct tm local;
    localtime_r(&when->tv_sec, &local);
    char date[32], offset[8];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
    strftime(offset, sizeof offset, "%z", &local); // "+0100": ISO 8601 wants "+01:00"
    put(writer, "{\"ts\":\"%s.%03ld%.3s:%.2s\"", date, when->tv_nsec / 1000000, offset, offset + 3);
}

static const char *result_name(enum play_result result)
{
    switch (result) {
    case PLAY_RESULT_SKIPPED:
        return "skipped";
    case PLAY_RESULT_ERROR:
        return "error";
    case PLAY_RESULT_OK:
        break;
    }
    return "ok";
}

int play_log_format(const struct play_record *record, char *buffer, size_t buffer_size)
{
    struct writer writer = {buffer, buffer_size, 0, false};
    put_timestamp(&writer, &record->shown_at);
    put(&writer, ",\"line\":%d", record->line);
    put_string(&writer, "kind", record->kind);
    put_string(&writer, "path", record->path);
    put(&writer, ",\"duration_ms\":%" PRId64 ",\"gap_ms\":%" PRId64, record->duration_ms,
        record->gap_ms);
    put_string(&writer, "result", result_name(record->result));
    if (record->error)
        put_string(&writer, "error", record->error);
    if (record->is_video) {
        put(&writer, ",\"frames_shown\":%" PRId64 ",\"frames_dropped\":%" PRId64,
            record->frames_shown, record->frames_dropped);
        if (record->decoder)
            put_string(&writer, "decoder", record->decoder);
        if (record->av_offset_max_ms >= 0)
            put(&writer, ",\"av_offset_max_ms\":%" PRId64, record->av_offset_max_ms);
    }
    put(&writer, "}\n");
    return writer.has_overflowed ? -1 : (int)writer.used;
}

int play_log_write(struct play_log *log, const struct play_record *record)
{
    char line[4096];
    int length = play_log_format(record, line, sizeof line);
    if (length < 0)
        return -EMSGSIZE;
    ssize_t written = write(log->fd, line, (size_t)length);
    if (written < 0)
        return -errno;
    return written == length ? 0 : -EIO;
}
