// file_watch: inotify on the playlist file and the content tree, for hot
// reload. Says "something relevant changed and has since settled"; it never
// reads or validates the files (the app does) and never blocks: the caller's
// own poll() says when to call it, next_deadline_ns when to call it anyway.
#ifndef SIGNAGE_IO_FILE_WATCH_H
#define SIGNAGE_IO_FILE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/monotime.h"

// A change settles once nothing relevant happened for FILE_WATCH_QUIET_NS,
// but at most FILE_WATCH_MAX_DELAY_NS after its first event, while no file is
// half written (see file_watch_take_change).
#define FILE_WATCH_QUIET_NS         (300 * NS_PER_MS) // editors and scp finish small files within it
#define FILE_WATCH_MAX_DELAY_NS     (800 * NS_PER_MS) // + validation < 1 s, even if rewritten nonstop
#define FILE_WATCH_WRITE_STALL_NS   (10 * NS_PER_S)   // a writer silent this long is stuck or done
#define FILE_WATCH_RETRY_NS         NS_PER_S          // a missing folder: look again this often
#define FILE_WATCH_CONTENT_DIRS_MAX 4096              // far more folders than decks and clips need

struct file_watch;

// Starts watching, through one non-blocking close-on-exec inotify fd:
// - playlist_path by name, in its folder, so an atomic rename over it, an
//   editor's save-as, deleting or re-creating it, and in-place writes all
//   count. Other names in that folder (booth.playlist, .hallway.playlist.swp,
//   hallway.playlist~) do not. When it is a symlink, the link itself and the
//   file it finally resolves to both count (the link's target is followed
//   again whenever the link changes).
// - content_root by name in its parent folder (a symlink swapped with
//   `ln -s content.v2 tmp && mv -T tmp content`, or a folder renamed into
//   place), and every folder under what it resolves to, recursively, up to
//   FILE_WATCH_CONTENT_DIRS_MAX folders (new subfolders are added as they
//   appear; after a swap the tree is rebuilt on the new target and the old one
//   no longer counts). In the tree, names starting with '.' or ending in '~'
//   (editor swap and backup files, rsync's partial files, .git) are ignored,
//   and symlinked subfolders are not followed.
// The paths are fixed for the watcher's life: to watch others, close it and
// open a new one. Folders above these (a symlink swap of the playlist's folder
// or of a parent of the content root) are watched only as they were resolved,
// so swapping those is not noticed. Fails when inotify is unavailable or out
// of instances, or when the folder holding playlist_path or content_root
// cannot be watched. A missing content root is no error (its appearing is a
// change); unwatchable subfolders are warnings (file_watch_take_warning). Returns the watcher
// (owned; free it with file_watch_close), or NULL with a reason in error (error_size bytes,
// NUL-terminated). The strings are copied. Not thread-safe: one thread at a time uses a watcher.
struct file_watch *file_watch_open(const char *playlist_path, const char *content_root, char *error,
                                   size_t error_size);

// Removes every watch and closes the fd. NULL is a no-op.
void file_watch_close(struct file_watch *watch);

// The functions below accept a NULL watch (no hot reload) and then do nothing:
// fd is -1 (which poll() skips), next_deadline_ns INT64_MAX, the takes false.

// The inotify fd, to poll for POLLIN. Owned by the watcher; valid until
// file_watch_close.
int file_watch_fd(const struct file_watch *watch);

// Reads the pending events without blocking (a bounded amount per call: when
// more are queued the fd stays readable), keeps the watches in step (new
// subfolders, a swapped content root or playlist symlink, a lost folder) and
// moves the settle time. now_ns is monotime_now_ns(). Call it after every
// poll() that may have woken for the fd and whenever next_deadline_ns has
// passed; calling it more often is harmless (one read() that finds nothing).
void file_watch_handle(struct file_watch *watch, int64_t now_ns);

// The monotonic time (ns) by which file_watch_handle and
// file_watch_take_change must run even if the fd stays quiet: when a pending
// change settles, or when a missing folder is due to be looked for again. May
// already have passed (right after open, when a folder was missing).
// INT64_MAX when nothing is pending.
int64_t file_watch_next_deadline_ns(const struct file_watch *watch);

// True once per settled change, which is then cleared: something relevant
// changed, then FILE_WATCH_QUIET_NS passed with no further event (or
// FILE_WATCH_MAX_DELAY_NS since its first event, for files that are rewritten
// nonstop), and now_ns has reached that time. While a relevant file has been
// written to (IN_MODIFY) but not yet closed, the change is held back until the
// writer closes it, or until FILE_WATCH_WRITE_STALL_NS pass with no event at
// all: a prefix of a playlist cut at a line boundary would validate, so a
// half-written file must not be offered. Also true after the kernel's event
// queue overflowed or a watched folder vanished. The caller re-reads and
// validates everything; a file torn anyway (an upload that died) fails
// validation, and the next write schedules another change.
bool file_watch_take_change(struct file_watch *watch, int64_t now_ns);

// True while a change has been seen that file_watch_take_change() has not
// handed out yet (settled or not). For a caller about to replace the
// watcher, so the change is not lost with it.
bool file_watch_has_pending_change(const struct file_watch *watch);

// True once per problem that leaves part of the tree unwatched (the
// FILE_WATCH_CONTENT_DIRS_MAX limit, the kernel's fs.inotify.max_user_watches,
// a folder without permission, a folder holding a watched name that went
// missing), then cleared: writes
// a one-line reason to warning (warning_size bytes, NUL-terminated) for the
// caller to log. Only the first problem since the last take is kept. Check it
// after file_watch_open and after each file_watch_handle.
bool file_watch_take_warning(struct file_watch *watch, char *warning, size_t warning_size);

#endif
