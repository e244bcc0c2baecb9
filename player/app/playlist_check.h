// playlist_check: validates a new playlist before it may replace the one on
// screen, by running this same program's --check in a child process. The
// child does everything --check does (parse, probe every clip, lay out every
// slide at every screen size) on its own CPU time: the loop on screen never
// waits for it, and a file that crashes or hangs FFmpeg only kills the child.
// Not here: deciding when to check (app, file_watch) or switching (sequence).
//
// Main thread only. The child's stderr is read through a non-blocking pipe
// the main loop polls; the child is reaped with waitpid(WNOHANG).
#ifndef SIGNAGE_APP_PLAYLIST_CHECK_H
#define SIGNAGE_APP_PLAYLIST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/monotime.h"

#define PLAYLIST_CHECK_TIMEOUT_NS (60 * NS_PER_S) // the lesson checks in ~2 s; a hung probe ends

struct playlist_check;

// Starts `<this program> --check --content content_root playlist_path` at
// now_ns. Returns a new check (caller destroys), or NULL with a reason in
// error when no child can be started.
struct playlist_check *playlist_check_start(const char *playlist_path, const char *content_root,
                                            int64_t now_ns, char *error, size_t error_size);

// Kills the child if it still runs, reaps it and frees everything. NULL is a no-op.
void playlist_check_destroy(struct playlist_check *check);

// The fd to poll for POLLIN while the check runs, or -1 once the output is read.
int playlist_check_fd(const struct playlist_check *check);

// When playlist_check_handle() must run even if the fd stays quiet: the
// time-out, or soon after the output ended while the child is being reaped.
int64_t playlist_check_next_deadline_ns(const struct playlist_check *check);

// Reads what the child wrote, reaps it once it exits, and kills it at the
// time-out. Returns true once the check is over (then it stays over).
bool playlist_check_handle(struct playlist_check *check, int64_t now_ns);

// After playlist_check_handle() returned true: the playlist passed every
// check (the child exited 0).
bool playlist_check_is_valid(const struct playlist_check *check);

// After a valid check: the program_fingerprint() of what the child checked
// (it prints it with its "ok" line). False when it printed none.
bool playlist_check_fingerprint(const struct playlist_check *check, uint64_t *fingerprint);

// The problems the check found, one "FILE:LINE: message" per line (or why the
// check itself failed: a time-out, a crash). Borrowed until destroy; empty
// while running and when valid.
const char *playlist_check_problems(const struct playlist_check *check);

#endif
