// sequence: what is on screen and what comes next. It walks the program's
// entries in order, prepares the next entry while the current one plays (a
// slide drawn and uploaded, a clip opened and decoding its first frames), so
// a switch costs no more than one present, keeps the old picture up until
// the new one replaces it, and writes a play-log record for every entry
// shown or skipped. Main thread only. Knows nothing of events or waiting.
#ifndef SIGNAGE_APP_SEQUENCE_H
#define SIGNAGE_APP_SEQUENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/play_log.h"
#include "base/monotime.h"
#include "app/program.h"
#include "media/audio_out.h"
#include "media/clip.h"
#include "render/font.h"
#include "render/presenter.h"
#include "show/schedule.h"

// Everything the sequence works with; all borrowed, and all must outlive it.
struct sequence_context {
    const struct program *program;
    struct fonts *fonts;
    struct presenter *presenter;
    struct audio_out *audio;   // NULL: clips play silently
    struct play_log *play_log; // NULL: no play log
    clip_wakeup_fn wakeup;     // called from decoder threads; only signals
    void *wakeup_context;
    long loops;              // stop after this many passes; 0 = forever
    int width_px, height_px; // the screen slides are drawn for
};

struct sequence;

struct sequence *sequence_create(const struct sequence_context *context);

// Ends the entry on screen (logged as ok with its time so far) and frees
// everything prepared. NULL is a no-op.
void sequence_destroy(struct sequence *sequence, int64_t now_ns);

// Starts, ends and prepares entries as their time comes (now_ns monotonic).
void sequence_update(struct sequence *sequence, int64_t now_ns);

// Hands the due video frame (if any) to the presenter, then presents if
// anything on screen changed.
void sequence_render(struct sequence *sequence, int64_t now_ns);

// When sequence_update() or sequence_render() next has work: a slide's end,
// the next video frame, the next step of a fade, now when the next entry
// still needs preparing, or INT64_MAX while waiting for a decoder's wakeup.
int64_t sequence_next_deadline_ns(const struct sequence *sequence, int64_t now_ns);

// What is on screen, for the control socket's status.
struct sequence_status {
    const struct program_entry *entry; // NULL before the first entry; borrowed
    int64_t position_ms;               // how long it has been on screen
    bool is_paused;
    const char *decoder; // videos; NULL otherwise; borrowed
    int64_t frames_shown, frames_dropped;
    const char *last_error; // the last skipped or failed entry's reason, or NULL
    bool is_shown;          // its first picture reached the screen
};

void sequence_get_status(const struct sequence *sequence, int64_t now_ns,
                         struct sequence_status *status);

// Leaves the entry on screen now (logged as ok with its time so far) for the
// next one (direction 1) or the previous one (-1), wrapping around.
void sequence_skip(struct sequence *sequence, int direction, int64_t now_ns);

// Paused: the entry on screen stays. A slide stays until resumed (then gets
// the rest of its time); a clip plays to its end and its last frame stays.
void sequence_set_paused(struct sequence *sequence, bool is_paused, int64_t now_ns);

// A clip on screen that has waited this long for its decoder without a new
// frame is stuck (a hung decoder, a drive that stopped answering).
#define SEQUENCE_STALL_NS (5 * NS_PER_S)

// True while the entry on screen is stuck: no picture has changed for
// SEQUENCE_STALL_NS and nothing is scheduled (a slide's time, a paused
// clip's last frame, a fade) that explains it. The watchdog stops pinging.
bool sequence_is_stalled(const struct sequence *sequence, int64_t now_ns);

// The local civil time (app/local_time) the schedule sections are judged
// by; set it before the first sequence_update() and at least whenever
// schedule_next_change() says the active section may change. A change of
// section takes effect at the next switch between entries; while nothing is
// scheduled the screen is dark and sequence_next_deadline_ns() waits for the
// caller to set a new time.
void sequence_set_clock(struct sequence *sequence, const struct schedule_civil_time *now);

// True while nothing is scheduled and the idle picture is up (night, a
// weekend); false before the first sequence_update().
bool sequence_is_idle(const struct sequence *sequence);

// True once the requested number of passes has been played.
bool sequence_is_done(const struct sequence *sequence);

// The screen changed size: the slide on screen is drawn again for it and a
// prepared slide is dropped (it will be prepared again at the new size).
void sequence_set_output_size(struct sequence *sequence, int width_px, int height_px,
                              int64_t now_ns);

// A reload: program (borrowed; keep it alive while sequence_program()
// returns it) replaces the current one at the next switch between entries,
// or at once with is_now, starting from its first entry, which is prepared
// ahead so the switch stays gapless. audio: the device for its clips when the
// old program had none, else NULL. A program set while another is still
// pending replaces that one (the caller may free the one it replaced).
void sequence_set_program(struct sequence *sequence, const struct program *program,
                          struct audio_out *audio, bool is_now, int64_t now_ns);

// The program whose entries are on screen (the last one set once it took over).
const struct program *sequence_program(const struct sequence *sequence);

// True while a program set with sequence_set_program() waits for its turn.
bool sequence_is_reload_pending(const struct sequence *sequence);

#endif
