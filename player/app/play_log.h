// play_log: proof of play. One JSON object per line, appended for every item
// shown (or skipped), written with one write() so a crash never leaves half a
// line and readers (logrotate, tail -f, scripts) always see whole records.
#ifndef SIGNAGE_APP_PLAY_LOG_H
#define SIGNAGE_APP_PLAY_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum play_result {
    PLAY_RESULT_OK,
    PLAY_RESULT_SKIPPED, // could not be shown at all (missing, undecodable)
    PLAY_RESULT_ERROR,   // started, then failed (cut short by corrupt data)
};

struct play_record {
    struct timespec shown_at; // wall clock (CLOCK_REALTIME) when it went on screen
    int line;                 // playlist line
    const char *kind;         // "slide", "image", "video"
    const char *path;         // relative to the content root
    int64_t duration_ms;      // how long it was on screen
    int64_t gap_ms;           // how late its first picture came after the previous item was
                              // due to end (0: on time, or not shown at all)
    enum play_result result;
    const char *error; // NULL when result is OK
    bool is_video;     // adds the fields below
    int64_t frames_shown, frames_dropped;
    const char *decoder;      // NULL when unknown
    int64_t av_offset_max_ms; // largest picture-to-sound distance; -1: no sound played
};

struct play_log;

// Opens (creates, appends to) path. NULL with a reason in error.
struct play_log *play_log_open(const char *path, char *error, size_t error_size);

void play_log_close(struct play_log *log);

// Opens the path again (logrotate moved the file away) and writes there from
// now on. Returns 0, or -1 with a reason in error: the old file stays in use.
int play_log_reopen(struct play_log *log, char *error, size_t error_size);

// Appends one record. Returns 0 or -errno (logged once by the caller).
int play_log_write(struct play_log *log, const struct play_record *record);

// Formats record as one JSON line (with '\n') into buffer. Returns its length,
// or -1 when it does not fit. Exposed for tests.
int play_log_format(const struct play_record *record, char *buffer, size_t buffer_size);

#endif
