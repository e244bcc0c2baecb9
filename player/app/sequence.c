// sequence: the current entry, the prepared next one, and the stills that
// must outlive them for a moment (the picture a new entry has not replaced
// yet, the picture a fade starts from).
#include "app/sequence.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/frame.h>

#include "app/frame_picture.h"
#include "app/slide_view.h"
#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"
#include "media/still_image.h"

#define FALLBACK_RETRY_NS (10 * NS_PER_S) // how often to retry when nothing can play

// Opening a clip reads and probes the file: tens of milliseconds, up to the
// I/O time-out on a bad one. A prepared clip is opened on a short-lived
// thread of its own so the clip on screen keeps every frame on time.
struct opener {
    pthread_t thread;
    const char *path; // borrowed from the program
    struct clip_options options;
    struct clip *clip; // result, read after join
    char error[512];
};

// One entry, prepared or on screen.
struct slot {
    bool is_used;
    const struct program *program; // the one the entry belongs to (a reload may be pending)
    size_t index;
    const struct program_entry *entry;
    struct presenter_still *still; // slides and images
    struct opener *opener;         // videos while being opened
    struct clip *clip;             // videos: opened, decoding
    char error[512];               // why it cannot be shown, when it cannot
};

struct sequence {
    struct sequence_context context;
    struct frame_picture *converter;
    struct slot current, next;
    const struct program *pending_program; // replaces context.program at the next switch
    struct audio_out *pending_audio;
    bool needs_prepare; // the next entry waits to be prepared
    // The current entry on screen.
    bool has_shown;              // its first picture reached the screen
    int64_t shown_ns;            // monotonic, when it did
    struct timespec shown_wall;  // the same moment on the wall clock
    int64_t end_ns;              // slides and images: when they are due to end
    int64_t gap_ns;              // how late it came after the previous one was due to end
    int64_t previous_due_end_ns; // -1 before the first entry
    // Pictures that must stay alive a little longer.
    struct presenter_still *previous_still; // on screen until the current entry shows
    struct presenter_still *fading_still;   // a running cross-fade starts from it
    struct presenter_still *fallback_still; // "nothing can be played" card
    int64_t fallback_until_ns;
    int64_t next_fade_ns; // fade for the next still shown; 0 = cut
    long loops_done;
    bool is_done;
    bool is_paused;
    int64_t paused_left_ns; // a paused slide's time still to run
    int64_t progress_ns;    // when the picture on screen last changed
    // The schedule: local civil time as the app last set it.
    struct schedule_civil_time clock;
    bool has_clock;
    bool is_idle; // nothing scheduled now: the idle picture is up
    struct presenter_still *idle_still;
    const struct program *idle_program; // the one idle_still was drawn for
    char last_error[512];               // the last skipped or failed entry's reason
    size_t failures_in_a_row;           // entries skipped since something last played
};

static const char *entry_kind_name(enum entry_kind kind)
{
    switch (kind) {
    case ENTRY_KIND_IMAGE:
        return "image";
    case ENTRY_KIND_VIDEO:
        return "video";
    case ENTRY_KIND_SLIDE:
        break;
    }
    return "slide";
}

static double safe_margin(const struct program *program)
{
    return program_settings(program)->safe_margin_percent / 100.0;
}

static void *opener_main(void *context)
{
    struct opener *opener = context;
    opener->clip = clip_open(opener->path, &opener->options, opener->error, sizeof opener->error);
    return NULL;
}

// Waits for the opener (if any) and moves its result into slot.
static void slot_finish_opening(struct slot *slot)
{
    struct opener *opener = slot->opener;
    if (!opener)
        return;
    pthread_join(opener->thread, NULL);
    slot->clip = opener->clip;
    if (!slot->clip)
        snprintf(slot->error, sizeof slot->error, "%s", opener->error);
    free(opener);
    slot->opener = NULL;
}

static void slot_clear(struct sequence *sequence, struct slot *slot)
{
    slot_finish_opening(slot);
    presenter_still_destroy(sequence->context.presenter, slot->still);
    clip_close(slot->clip);
    *slot = (struct slot){0};
}

// ---- Play log -----------------------------------------------------------------

static void write_record(struct sequence *sequence, const struct slot *slot,
                         enum play_result result, const char *error, int64_t now_ns)
{
    bool is_shown = slot == &sequence->current && sequence->has_shown;
    const struct program_entry *entry = slot->entry;
    struct play_record record = {
        .shown_at = sequence->shown_wall,
        .line = entry->line,
        .kind = entry_kind_name(entry->kind),
        .path = entry->display_path,
        .duration_ms = is_shown ? (now_ns - sequence->shown_ns) / NS_PER_MS : 0,
        .gap_ms = is_shown ? sequence->gap_ns / NS_PER_MS : 0,
        .result = result,
        .error = error,
        .is_video = entry->kind == ENTRY_KIND_VIDEO,
        .av_offset_max_ms = -1,
    };
    if (!is_shown)
        clock_gettime(CLOCK_REALTIME, &record.shown_at);
    if (slot->clip) {
        struct clip_stats stats = clip_get_stats(slot->clip);
        record.frames_shown = stats.frames_shown;
        record.frames_dropped = stats.frames_dropped;
        record.decoder = clip_get_info(slot->clip)->decoder_name;
        if (stats.av_offset_max_ns >= 0)
            record.av_offset_max_ms = (stats.av_offset_max_ns + NS_PER_MS / 2) / NS_PER_MS;
    }
    if (result != PLAY_RESULT_OK)
        snprintf(sequence->last_error, sizeof sequence->last_error, "%s: %s", entry->display_path,
                 error ? error : "unknown error");
    if (result != PLAY_RESULT_OK)
        log_warning("%s:%d: %s %s: %s", program_playlist_path(slot->program), entry->line,
                    entry->display_path,
                    result == PLAY_RESULT_SKIPPED ? "skipped" : "failed while playing",
                    error ? error : "unknown error");
    if (sequence->context.play_log) {
        int written = play_log_write(sequence->context.play_log, &record);
        if (written != 0)
            log_error("play log: %s", strerror(-written));
    }
}

// ---- Preparing ----------------------------------------------------------------

static SDL_Surface *draw_entry(struct sequence *sequence, const struct program *program,
                               const struct program_entry *entry, char *error, size_t error_size)
{
    const struct sequence_context *context = &sequence->context;
    if (entry->kind == ENTRY_KIND_SLIDE) {
        const struct deck_slide *slide = deck_slide_at(entry->deck, entry->slide_index);
        SDL_Surface *surface =
            slide_view_draw(context->fonts, slide, program_content_root(program), entry->deck_dir,
                            context->width_px, context->height_px, safe_margin(program));
        if (!surface)
            snprintf(error, error_size, "cannot draw the slide: %s", SDL_GetError());
        return surface;
    }
    AVFrame *frame = still_image_load(entry->file_path, error, error_size);
    if (!frame)
        return NULL;
    SDL_Surface *surface = frame_picture_to_surface(frame);
    av_frame_free(&frame);
    if (!surface)
        snprintf(error, error_size, "cannot convert the image");
    return surface;
}

// The audio device for program's clips: a pending program may bring one
// (the old program had audio = off).
static struct audio_out *audio_for(const struct sequence *sequence, const struct program *program)
{
    if (program == sequence->pending_program && sequence->pending_audio)
        return sequence->pending_audio;
    return sequence->context.audio;
}

// Does the slow part of showing entry index: draws and uploads a still, or
// opens a clip (its decoder starts filling the queue at once), on an opener
// thread when is_ahead (the clip on screen must not wait for it). Returns
// false with slot->error set when the entry cannot be shown.
static bool prepare(struct sequence *sequence, const struct program *program, size_t index,
                    struct slot *slot, bool is_ahead)
{
    const struct sequence_context *context = &sequence->context;
    const struct program_entry *entry = program_entry_at(program, index);
    *slot = (struct slot){.is_used = true, .program = program, .index = index, .entry = entry};
    if (entry->problem) {
        snprintf(slot->error, sizeof slot->error, "%s", entry->problem);
        return false;
    }
    if (entry->kind == ENTRY_KIND_VIDEO) {
        struct clip_options options = {
            .audio = program_settings(program)->is_audio_on ? audio_for(sequence, program) : NULL,
            .wakeup = context->wakeup,
            .wakeup_context = context->wakeup_context,
            .is_hwdec_allowed = program_settings(program)->is_hwdec_allowed,
            .volume_percent = entry->volume_percent,
        };
        if (is_ahead) {
            struct opener *opener = xcalloc(1, sizeof *opener);
            *opener = (struct opener){.path = entry->file_path, .options = options};
            if (pthread_create(&opener->thread, NULL, opener_main, opener) == 0) {
                slot->opener = opener;
                return true;
            }
            free(opener); // no thread to spare: open it here and now
        }
        slot->clip = clip_open(entry->file_path, &options, slot->error, sizeof slot->error);
        return slot->clip != NULL;
    }
    SDL_Surface *surface = draw_entry(sequence, program, entry, slot->error, sizeof slot->error);
    if (!surface)
        return false;
    slot->still = presenter_still_create(context->presenter, surface);
    SDL_FreeSurface(surface);
    if (!slot->still)
        snprintf(slot->error, sizeof slot->error, "cannot upload the picture: %s", SDL_GetError());
    return slot->still != NULL;
}

// ---- Showing ------------------------------------------------------------------

static void drop_previous_still(struct sequence *sequence)
{
    presenter_still_destroy(sequence->context.presenter, sequence->previous_still);
    sequence->previous_still = NULL;
}

static void mark_shown(struct sequence *sequence, int64_t now_ns)
{
    if (sequence->has_shown)
        return;
    drop_previous_still(sequence); // the new picture has replaced it
    sequence->has_shown = true;
    sequence->shown_ns = now_ns;
    int64_t late_ns =
        sequence->previous_due_end_ns < 0 ? 0 : now_ns - sequence->previous_due_end_ns;
    sequence->gap_ns = late_ns > 0 ? late_ns : 0;
    // The wall time of now_ns (a little in the past), so ts and duration_ms
    // of consecutive records add up.
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    int64_t wall_ns = (int64_t)wall.tv_sec * NS_PER_S + wall.tv_nsec;
    wall_ns -= monotime_now_ns() - now_ns;
    sequence->shown_wall.tv_sec = (time_t)(wall_ns / NS_PER_S);
    sequence->shown_wall.tv_nsec = (long)(wall_ns % NS_PER_S);
    sequence->failures_in_a_row = 0;
}

static void show(struct sequence *sequence, struct slot *slot, int64_t now_ns)
{
    sequence->progress_ns = now_ns;
    sequence->current = *slot;
    *slot = (struct slot){0};
    sequence->has_shown = false;
    struct slot *current = &sequence->current;
    if (current->clip) {
        // The clip's clock (and sound) start when its first frame is returned.
        clip_play(current->clip, now_ns);
        return;
    }
    presenter_show_still(sequence->context.presenter, current->still, sequence->next_fade_ns,
                         now_ns);
    sequence->end_ns = now_ns + current->entry->duration_ms * NS_PER_MS;
    mark_shown(sequence, now_ns);
}

// The old entry's picture stays until the new one replaces it; during a
// fade it is the picture the fade starts from.
static void retire_still(struct sequence *sequence, struct presenter_still *still, int64_t now_ns)
{
    struct presenter *presenter = sequence->context.presenter;
    if (!still)
        return;
    if (presenter_is_fading(presenter, now_ns)) {
        presenter_still_destroy(presenter, sequence->fading_still);
        sequence->fading_still = still;
    } else if (sequence->has_shown) {
        presenter_still_destroy(presenter, still);
    } else {
        drop_previous_still(sequence);
        sequence->previous_still = still;
    }
}

static void show_fallback(struct sequence *sequence, int64_t now_ns)
{
    const struct sequence_context *context = &sequence->context;
    const char *playlist = program_playlist_path(context->program);
    if (!sequence->fallback_still) {
        char text[512];
        snprintf(text, sizeof text, "Nothing in %s can be played right now. See the log.",
                 playlist);
        SDL_Surface *surface =
            slide_view_draw_card(context->fonts, "暂无可播放的内容", text, context->width_px,
                                 context->height_px, safe_margin(context->program));
        if (surface) {
            sequence->fallback_still = presenter_still_create(context->presenter, surface);
            SDL_FreeSurface(surface);
        }
    }
    if (sequence->fallback_still) {
        presenter_show_still(context->presenter, sequence->fallback_still, 0, now_ns);
        drop_previous_still(sequence);
    }
    log_error("nothing in %s can be played; retrying in %lld s", playlist,
              (long long)(FALLBACK_RETRY_NS / NS_PER_S));
    sequence->fallback_until_ns = now_ns + FALLBACK_RETRY_NS;
}

// ---- Moving on ----------------------------------------------------------------

// The schedule section of program playing now, or -1 (only the entries
// above the first section play).
static int active_section(const struct sequence *sequence, const struct program *program)
{
    if (!sequence->has_clock)
        return -1;
    return schedule_active_section(program_schedule(program), &sequence->clock);
}

// The first entry of program after index (SIZE_MAX: from the start) that
// the schedule lets play now, wrapping around; *has_wrapped says whether it
// went past the end. SIZE_MAX when nothing is scheduled now.
static size_t scheduled_after(const struct sequence *sequence, const struct program *program,
                              size_t index, bool *has_wrapped)
{
    size_t n_entries = program_n_entries(program);
    int section = active_section(sequence, program);
    *has_wrapped = false;
    size_t candidate = index;
    for (size_t step = 0; step < n_entries; step++) {
        if (candidate == SIZE_MAX || candidate + 1 >= n_entries) {
            *has_wrapped = candidate != SIZE_MAX;
            candidate = 0;
        } else {
            candidate++;
        }
        if (program_entry_is_scheduled(program_entry_at(program, candidate), section))
            return candidate;
    }
    return SIZE_MAX;
}

static size_t first_scheduled(const struct sequence *sequence, const struct program *program)
{
    bool has_wrapped;
    return scheduled_after(sequence, program, SIZE_MAX, &has_wrapped);
}

// The entry to play after index, counting a completed pass when it wraps;
// SIZE_MAX when nothing is scheduled now.
static size_t next_index(struct sequence *sequence, size_t index)
{
    bool has_wrapped;
    size_t next = scheduled_after(sequence, sequence->context.program, index, &has_wrapped);
    if (has_wrapped) {
        sequence->loops_done++;
        if (sequence->context.loops > 0 && sequence->loops_done >= sequence->context.loops)
            sequence->is_done = true;
    }
    return next;
}

// The idle picture of the program on screen: its idle image, or black.
static SDL_Surface *draw_idle(const struct sequence *sequence)
{
    const char *path = program_idle_image(sequence->context.program);
    if (path) {
        char error[512];
        AVFrame *frame = still_image_load(path, error, sizeof error);
        SDL_Surface *surface = frame ? frame_picture_to_surface(frame) : NULL;
        av_frame_free(&frame);
        if (surface)
            return surface;
        log_error("idle picture %s: %s; the screen stays black", path,
                  frame ? "cannot convert it" : error);
    }
    SDL_Surface *black = SDL_CreateRGBSurfaceWithFormat(0, 16, 16, 32, SDL_PIXELFORMAT_ARGB8888);
    if (black)
        SDL_FillRect(black, NULL, SDL_MapRGB(black->format, 0, 0, 0));
    return black;
}

// Nothing is scheduled now (night, a weekend): the idle picture (idle =
// image PATH, else black) until the schedule has something again (the app
// wakes at the next change).
static void show_idle(struct sequence *sequence, int64_t now_ns)
{
    const struct sequence_context *context = &sequence->context;
    if (!sequence->idle_still || sequence->idle_program != context->program) {
        SDL_Surface *surface = draw_idle(sequence);
        struct presenter_still *still =
            surface ? presenter_still_create(context->presenter, surface) : NULL;
        SDL_FreeSurface(surface);
        if (still) {
            presenter_show_still(context->presenter, still, 0, now_ns);
            presenter_still_destroy(context->presenter, sequence->idle_still);
            sequence->idle_still = still;
            sequence->idle_program = context->program;
        }
    }
    if (sequence->idle_still)
        presenter_show_still(context->presenter, sequence->idle_still, 0, now_ns);
    if (!sequence->is_idle)
        log_info("%s: nothing is scheduled now; the idle picture stays until something is",
                 program_playlist_path(context->program));
    sequence->is_idle = true;
}

// The prepared slot for index, or a freshly prepared one.
static bool take_prepared(struct sequence *sequence, size_t index, struct slot *slot)
{
    const struct program *program = sequence->context.program;
    if (sequence->next.is_used && sequence->next.program == program &&
        sequence->next.index == index) {
        *slot = sequence->next;
        sequence->next = (struct slot){0};
        slot_finish_opening(slot);
        return slot->still || slot->clip;
    }
    slot_clear(sequence, &sequence->next);
    return prepare(sequence, program, index, slot, false);
}

// A pending reload takes over: its first entry comes next.
static bool adopt_pending(struct sequence *sequence)
{
    if (!sequence->pending_program)
        return false;
    sequence->context.program = sequence->pending_program;
    if (sequence->pending_audio)
        sequence->context.audio = sequence->pending_audio;
    sequence->pending_program = NULL;
    sequence->pending_audio = NULL;
    sequence->loops_done = 0;
    sequence->failures_in_a_row = 0;
    presenter_still_destroy(sequence->context.presenter, sequence->fallback_still);
    sequence->fallback_still = NULL; // its text named the old playlist
    if (!sequence->is_idle) {        // not on screen: drawn again for the new playlist if needed
        presenter_still_destroy(sequence->context.presenter, sequence->idle_still);
        sequence->idle_still = NULL;
        sequence->idle_program = NULL;
    }
    return true;
}

// Shows entries from index on until one shows; skipped ones are logged.
static void advance_to(struct sequence *sequence, size_t index, int64_t now_ns,
                       struct presenter_still *old_still)
{
    size_t n_entries = program_n_entries(sequence->context.program);
    // Consecutive stills cross-fade; a video cuts in and out.
    sequence->next_fade_ns =
        old_still ? program_settings(sequence->context.program)->transition_ms * NS_PER_MS : 0;
    while (!sequence->is_done) {
        if (index == SIZE_MAX) {
            show_idle(sequence, now_ns);
            break;
        }
        struct slot slot;
        if (take_prepared(sequence, index, &slot)) {
            sequence->is_idle = false;
            show(sequence, &slot, now_ns);
            sequence->needs_prepare = true;
            break;
        }
        write_record(sequence, &slot, PLAY_RESULT_SKIPPED, slot.error, now_ns);
        slot_clear(sequence, &slot);
        if (++sequence->failures_in_a_row >= n_entries) {
            sequence->failures_in_a_row = 0;
            show_fallback(sequence, now_ns);
            break;
        }
        index = next_index(sequence, index);
    }
    sequence->next_fade_ns = 0;
    retire_still(sequence, old_still, now_ns);
}

static bool is_current_done(const struct sequence *sequence, int64_t now_ns)
{
    if (sequence->is_paused)
        return false;
    if (sequence->current.clip)
        return clip_is_finished(sequence->current.clip, now_ns);
    return now_ns >= sequence->end_ns;
}

// When the current entry was due to leave the screen: its slide time, or
// the end of its last frame's display time.
static int64_t due_end_ns(const struct sequence *sequence, int64_t now_ns)
{
    if (!sequence->current.clip)
        return sequence->end_ns;
    int64_t end_ns = clip_next_deadline_ns(sequence->current.clip, now_ns);
    return end_ns < now_ns ? end_ns : now_ns;
}

// Ends the entry on screen and moves to the entry after it, or to
// next_index_override when that is not SIZE_MAX (skipping by hand).
static void finish_current_to(struct sequence *sequence, int64_t now_ns, size_t index_override)
{
    struct slot *current = &sequence->current;
    // A clip that ended without a single picture was never really shown.
    const char *failure = current->clip ? clip_error(current->clip) : NULL;
    enum play_result result = failure ? PLAY_RESULT_ERROR : PLAY_RESULT_OK;
    if (!sequence->has_shown) {
        result = PLAY_RESULT_SKIPPED;
        failure = failure ? failure : "no picture could be decoded";
    }
    char error[512] = "";
    if (failure)
        snprintf(error, sizeof error, "%s", failure);
    write_record(sequence, current, result, failure ? error : NULL, now_ns);
    if (sequence->has_shown)
        sequence->previous_due_end_ns = due_end_ns(sequence, now_ns);
    struct presenter_still *old_still = current->still;
    current->still = NULL;
    size_t index = current->index;
    slot_clear(sequence, current);
    if (adopt_pending(sequence))
        index = first_scheduled(sequence, sequence->context.program);
    else
        index = index_override != SIZE_MAX ? index_override : next_index(sequence, index);
    if (sequence->is_done) {
        presenter_still_destroy(sequence->context.presenter, old_still);
        return;
    }
    advance_to(sequence, index, now_ns, old_still);
}

// ---- Public -------------------------------------------------------------------

struct sequence *sequence_create(const struct sequence_context *context)
{
    struct sequence *sequence = xcalloc(1, sizeof *sequence);
    sequence->context = *context;
    sequence->converter = frame_picture_create();
    sequence->previous_due_end_ns = -1;
    return sequence;
}

void sequence_destroy(struct sequence *sequence, int64_t now_ns)
{
    if (!sequence)
        return;
    struct presenter *presenter = sequence->context.presenter;
    if (sequence->current.is_used)
        write_record(sequence, &sequence->current, PLAY_RESULT_OK, NULL, now_ns);
    slot_clear(sequence, &sequence->current);
    slot_clear(sequence, &sequence->next);
    drop_previous_still(sequence);
    presenter_still_destroy(presenter, sequence->fading_still);
    presenter_still_destroy(presenter, sequence->fallback_still);
    presenter_still_destroy(presenter, sequence->idle_still);
    frame_picture_destroy(sequence->converter);
    free(sequence);
}

void sequence_update(struct sequence *sequence, int64_t now_ns)
{
    if (sequence->is_done)
        return;
    if (sequence->fallback_until_ns) {
        if (now_ns < sequence->fallback_until_ns && !sequence->pending_program)
            return;
        sequence->fallback_until_ns = 0;
        adopt_pending(sequence);
        advance_to(sequence, first_scheduled(sequence, sequence->context.program), now_ns, NULL);
        return;
    }
    if (!sequence->current.is_used) {
        bool is_new_program = adopt_pending(sequence);
        size_t first = first_scheduled(sequence, sequence->context.program);
        if (first != SIZE_MAX || !sequence->is_idle || is_new_program)
            advance_to(sequence, first, now_ns, NULL); // idle again: the new idle picture
        return;
    }
    if (is_current_done(sequence, now_ns)) {
        finish_current_to(sequence, now_ns, SIZE_MAX);
        return;
    }
    // Prepared once the new entry is up, so preparing never delays its
    // first present; the entry after the last one only when looping on.
    if (sequence->needs_prepare && sequence->has_shown) {
        sequence->needs_prepare = false;
        const struct program *program = sequence->pending_program;
        size_t next = program ? first_scheduled(sequence, program) : SIZE_MAX;
        bool has_wrapped = false;
        if (!program) {
            program = sequence->context.program;
            next = scheduled_after(sequence, program, sequence->current.index, &has_wrapped);
        }
        bool is_last_pass = !sequence->pending_program && sequence->context.loops > 0 &&
                            sequence->loops_done + 1 >= sequence->context.loops;
        if (next != SIZE_MAX && !(has_wrapped && is_last_pass) && !sequence->next.is_used)
            prepare(sequence, program, next, &sequence->next, true); // failures: logged in turn
    }
}

void sequence_render(struct sequence *sequence, int64_t now_ns)
{
    struct presenter *presenter = sequence->context.presenter;
    struct clip *clip = sequence->current.clip;
    if (clip) {
        const struct AVFrame *frame = clip_frame_due(clip, now_ns);
        struct frame_picture_target target = {.rotation_degrees =
                                                  clip_get_info(clip)->rotation_degrees};
        presenter_get_useful_picture_size(presenter, &target.max_width_px, &target.max_height_px);
        struct picture picture;
        if (frame && frame_picture_map(sequence->converter, frame, &target, &picture) == 0 &&
            presenter_show_picture(presenter, &picture) == 0) {
            mark_shown(sequence, now_ns);
            sequence->progress_ns = now_ns;
        } else if (frame)
            clip_discard_frame(clip);
    }
    presenter_present(presenter, now_ns);
    if (sequence->fading_still && !presenter_is_fading(presenter, now_ns)) {
        presenter_still_destroy(presenter, sequence->fading_still);
        sequence->fading_still = NULL;
    }
}

int64_t sequence_next_deadline_ns(const struct sequence *sequence, int64_t now_ns)
{
    int64_t screen_ns = presenter_next_deadline_ns(sequence->context.presenter, now_ns);
    int64_t entry_ns;
    if (sequence->is_done)
        entry_ns = now_ns;
    else if (sequence->fallback_until_ns)
        entry_ns = sequence->fallback_until_ns;
    else if (!sequence->current.is_used)
        entry_ns = sequence->is_idle ? INT64_MAX : now_ns; // idle: the app wakes at a change
    else if (sequence->needs_prepare && sequence->has_shown)
        entry_ns = now_ns;
    else if (sequence->current.clip)
        entry_ns = clip_next_deadline_ns(sequence->current.clip, now_ns);
    else
        entry_ns = sequence->is_paused ? INT64_MAX : sequence->end_ns;
    return entry_ns < screen_ns ? entry_ns : screen_ns;
}

void sequence_get_status(const struct sequence *sequence, int64_t now_ns,
                         struct sequence_status *status)
{
    const struct slot *current = &sequence->current;
    *status = (struct sequence_status){
        .entry = current->is_used ? current->entry : NULL,
        .position_ms = sequence->has_shown ? (now_ns - sequence->shown_ns) / NS_PER_MS : 0,
        .is_paused = sequence->is_paused,
        .last_error = sequence->last_error[0] ? sequence->last_error : NULL,
        .is_shown = sequence->has_shown,
    };
    if (current->clip) {
        struct clip_stats stats = clip_get_stats(current->clip);
        status->decoder = clip_get_info(current->clip)->decoder_name;
        status->frames_shown = stats.frames_shown;
        status->frames_dropped = stats.frames_dropped;
    }
}

void sequence_skip(struct sequence *sequence, int direction, int64_t now_ns)
{
    if (!sequence->current.is_used || sequence->is_done)
        return;
    const struct program *program = sequence->context.program;
    size_t n_entries = program_n_entries(program);
    int section = active_section(sequence, program);
    size_t target = sequence->current.index;
    for (size_t step = 0; step < n_entries; step++) { // the next scheduled one that way
        target = direction < 0 ? (target + n_entries - 1) % n_entries : (target + 1) % n_entries;
        if (program_entry_is_scheduled(program_entry_at(program, target), section))
            break;
    }
    sequence->is_paused = false;
    finish_current_to(sequence, now_ns, target);
}

void sequence_set_paused(struct sequence *sequence, bool is_paused, int64_t now_ns)
{
    if (sequence->is_paused == is_paused)
        return;
    sequence->is_paused = is_paused;
    if (sequence->current.clip)
        return; // a clip plays on; is_current_done() holds its last frame
    if (is_paused) {
        int64_t left_ns = sequence->end_ns - now_ns;
        sequence->paused_left_ns = left_ns > 0 ? left_ns : 0;
    } else {
        sequence->end_ns = now_ns + sequence->paused_left_ns;
    }
}

bool sequence_is_idle(const struct sequence *sequence)
{
    return sequence->is_idle;
}

bool sequence_is_done(const struct sequence *sequence)
{
    return sequence->is_done;
}

void sequence_set_output_size(struct sequence *sequence, int width_px, int height_px,
                              int64_t now_ns)
{
    sequence->context.width_px = width_px;
    sequence->context.height_px = height_px;
    if (sequence->next.still) {
        slot_clear(sequence, &sequence->next);
        sequence->needs_prepare = true;
    }
    struct slot *current = &sequence->current;
    if (!current->still)
        return;
    char error[512];
    SDL_Surface *surface =
        draw_entry(sequence, current->program, current->entry, error, sizeof error);
    struct presenter_still *still =
        surface ? presenter_still_create(sequence->context.presenter, surface) : NULL;
    SDL_FreeSurface(surface);
    if (!still)
        return;
    presenter_show_still(sequence->context.presenter, still, 0, now_ns);
    presenter_still_destroy(sequence->context.presenter, current->still);
    current->still = still;
}

void sequence_set_program(struct sequence *sequence, const struct program *program,
                          struct audio_out *audio, bool is_now, int64_t now_ns)
{
    sequence->pending_program = program;
    sequence->pending_audio = audio;
    // Whatever was prepared belongs to the old program: prepare the new
    // program's first entry instead, so the switch stays gapless.
    slot_clear(sequence, &sequence->next);
    sequence->needs_prepare = true;
    if (is_now && sequence->current.is_used && !sequence->is_done)
        finish_current_to(sequence, now_ns, SIZE_MAX);
}

const struct program *sequence_program(const struct sequence *sequence)
{
    return sequence->context.program;
}

bool sequence_is_reload_pending(const struct sequence *sequence)
{
    return sequence->pending_program != NULL;
}

bool sequence_is_stalled(const struct sequence *sequence, int64_t now_ns)
{
    struct clip *clip = sequence->current.clip;
    if (!clip || sequence->is_done || now_ns - sequence->progress_ns < SEQUENCE_STALL_NS)
        return false;
    // A deadline means a frame or the end is scheduled: waiting for it is work.
    return clip_next_deadline_ns(clip, now_ns) == INT64_MAX && !clip_is_finished(clip, now_ns);
}

void sequence_set_clock(struct sequence *sequence, const struct schedule_civil_time *now)
{
    const struct program *program = sequence->context.program;
    int before = active_section(sequence, program);
    sequence->clock = *now;
    bool had_clock = sequence->has_clock;
    sequence->has_clock = true;
    if (had_clock && active_section(sequence, program) == before)
        return;
    // Another section plays from the next switch on: what was prepared for
    // the old one gives way (the entry on screen finishes first).
    if (sequence->next.is_used && sequence->next.program == program) {
        slot_clear(sequence, &sequence->next);
        sequence->needs_prepare = true;
    }
}
