// program: a playlist loaded for playing. Every path is resolved inside the
// content root and every deck parsed, and the items are flattened into the
// entries the loop shows in order (a deck becomes one entry per slide; a
// slide holding only a video becomes a video entry).
#ifndef SIGNAGE_APP_PROGRAM_H
#define SIGNAGE_APP_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/diagnostics.h"
#include "show/deck.h"
#include "show/playlist.h"
#include "show/schedule.h"

enum entry_kind {
    ENTRY_KIND_SLIDE,
    ENTRY_KIND_IMAGE,
    ENTRY_KIND_VIDEO,
};

struct program_entry {
    enum entry_kind kind;
    int line;                 // the playlist line it comes from
    const char *display_path; // for logs, relative to the content root: "lesson/lesson.md#3"
    const char *file_path;    // resolved absolute path; NULL when problem is set
    const struct deck *deck;  // ENTRY_KIND_SLIDE: the parsed deck (owned by the program)
    size_t slide_index;       // ENTRY_KIND_SLIDE: 0-based
    const char *deck_dir;     // ENTRY_KIND_SLIDE: resolved folder of the deck, for its images
    int64_t duration_ms;      // slides and images; -1 for video (plays to its end)
    int volume_percent;       // videos: how loud their sound plays, 0-100
    const char *problem;      // non-NULL: cannot be played (missing file, bad deck); skip it
    int section;              // the playlist section it is under (program_section_at), or -1
                              // above the first section: it plays whatever the time
};

struct program;

// Reads and parses playlist_path and everything it names below content_root.
// Problems go to diagnostics as FILE:LINE: message (file names as the user
// wrote them). Returns NULL when the playlist itself cannot be used (unreadable,
// parse errors, content root missing); otherwise a program (caller destroys)
// whose unplayable entries carry a problem.
struct program *program_load(const char *playlist_path, const char *content_root,
                             struct diagnostics *diagnostics);

void program_destroy(struct program *program);

const struct playlist_settings *program_settings(const struct program *program);
size_t program_n_entries(const struct program *program);
const struct program_entry *program_entry_at(const struct program *program, size_t index);
// The playlist's schedule sections, in playlist order (none: everything
// always plays). Both borrowed until destroy.
const struct schedule *program_schedule(const struct program *program);
size_t program_n_sections(const struct program *program);
const struct playlist_section *program_section_at(const struct program *program, size_t index);

// True if entry plays while active_section (from schedule_active_section()
// on program_schedule(); -1: none) is the active one: the entries of that
// section, and those above the first section, which always play.
bool program_entry_is_scheduled(const struct program_entry *entry, int active_section);

// The content root, resolved; borrowed until destroy.
const char *program_content_root(const struct program *program);
// The playlist path as given; borrowed until destroy.
const char *program_playlist_path(const struct program *program);

// The picture shown while no section is scheduled (idle = image PATH),
// resolved inside the content root; NULL for black (or when it is missing:
// reported at load). Borrowed until destroy.
const char *program_idle_image(const struct program *program);

// Changes whenever the playlist text, the resolved content root or any file
// the playlist names or its decks' slides show (its path, size, modification
// time or inode) changes.
// Equal fingerprints: a reload would play exactly the same thing, so the
// loop on screen goes on instead of restarting (logrotate's weekly SIGHUP).
uint64_t program_fingerprint(const struct program *program);

#endif
