// check: --check. Everything the loop would trip over, found before it
// plays: the playlist, every file it names (inside the content root), every
// clip and image decodes, every deck parses, every slide fits each screen
// size below and every character has a font that can draw it. No window is
// opened. With --at, it also prints what the loop would play at that local
// time.
#include "app/app.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/diagnostics.h"
#include "app/program.h"
#include "app/slide_view.h"
#include "base/content_path.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "media/media_probe.h"
#include "render/clock_face.h"
#include "render/font.h"
#include "show/schedule.h"

// Every slide must fit each screen a deck may be shown on: HD and Full HD
// landscape panels, 4K, and a Full HD panel hung in portrait for a corridor.
static const struct check_screen {
    int width_px, height_px;
} CHECK_SCREENS[] = {
    {1280, 720},
    {1920, 1080},
    {3840, 2160},
    {1080, 1920},
};

struct checker {
    const struct program *program;
    struct fonts *fonts;
    struct diagnostics *diagnostics;
    // Slides already checked: a deck named by several items is checked once.
    size_t n_checked;
    struct checked_slide {
        const struct deck *deck;
        size_t slide_index;
    } * checked;
};

static bool is_checked(struct checker *checker, const struct program_entry *entry)
{
    for (size_t i = 0; i < checker->n_checked; i++) {
        if (checker->checked[i].deck == entry->deck &&
            checker->checked[i].slide_index == entry->slide_index)
            return true;
    }
    checker->checked =
        xreallocarray(checker->checked, checker->n_checked + 1, sizeof *checker->checked);
    checker->checked[checker->n_checked++] =
        (struct checked_slide){entry->deck, entry->slide_index};
    return false;
}

static void check_media(struct checker *checker, const struct program_entry *entry)
{
    char error[512];
    // A video item must be a real clip (not a lone picture, not 1x1); an
    // image item any picture FFmpeg decodes.
    bool is_ok = entry->kind == ENTRY_KIND_VIDEO
                     ? media_probe_clip(entry->file_path, error, sizeof error)
                     : media_probe_video(entry->file_path, error, sizeof error);
    if (!is_ok)
        diagnostics_add(checker->diagnostics, program_playlist_path(checker->program), entry->line,
                        "%s: %s", entry->display_path, error);
}

static void check_glyphs(struct checker *checker, const char *file, const struct slide_block *block)
{
    const char *texts[2] = {block->text, block->figure};
    for (size_t t = 0; t < 2; t++) {
        const char *text = texts[t];
        size_t length = text ? strlen(text) : 0, offset = 0;
        while (offset < length) {
            size_t start = offset;
            uint32_t codepoint = utf8_next(text, length, &offset);
            if (codepoint <= 0x20 || codepoint == UTF8_INVALID ||
                fonts_can_draw(checker->fonts, codepoint))
                continue;
            diagnostics_add(checker->diagnostics, file, block->line,
                            "no installed font can draw '%.*s' (U+%04X)", (int)(offset - start),
                            text + start, (unsigned)codepoint);
        }
    }
}

static void check_image(struct checker *checker, const struct program_entry *entry,
                        const char *file, const struct slide_block *block)
{
    char resolved[PATH_MAX], error[512];
    int result = content_path_resolve(program_content_root(checker->program), entry->deck_dir,
                                      block->path, resolved, sizeof resolved);
    if (result != 0)
        diagnostics_add(checker->diagnostics, file, block->line, "%s: %s", block->path,
                        content_path_strerror(result));
    else if (!media_probe_video(resolved, error, sizeof error))
        diagnostics_add(checker->diagnostics, file, block->line, "%s: %s", block->path, error);
}

// Reports the slide once for each screen size it overflows.
static void check_fit(struct checker *checker, const struct program_entry *entry, const char *file,
                      const struct deck_slide *slide)
{
    for (size_t i = 0; i < sizeof CHECK_SCREENS / sizeof CHECK_SCREENS[0]; i++) {
        const struct check_screen *screen = &CHECK_SCREENS[i];
        struct slide_layout *layout =
            slide_view_layout(checker->fonts, slide, screen->width_px, screen->height_px,
                              program_settings(checker->program)->safe_margin_percent / 100.0);
        if (layout->is_overflowing)
            diagnostics_add(checker->diagnostics, file, slide->line,
                            "slide %zu does not fit a %dx%d screen even with the smallest "
                            "text: split it or shorten it",
                            entry->slide_index + 1, screen->width_px, screen->height_px);
        layout_destroy(layout);
    }
}

static void check_slide(struct checker *checker, const struct program_entry *entry,
                        const char *file)
{
    const struct deck_slide *slide = deck_slide_at(entry->deck, entry->slide_index);
    for (size_t i = 0; i < slide->n_blocks; i++) {
        const struct slide_block *block = &slide->blocks[i];
        check_glyphs(checker, file, block);
        if (block->kind == SLIDE_BLOCK_IMAGE && !slide->video_path)
            check_image(checker, entry, file, block);
    }
    check_fit(checker, entry, file, slide);
}

static void check_entries(struct checker *checker)
{
    for (size_t i = 0; i < program_n_entries(checker->program); i++) {
        const struct program_entry *entry = program_entry_at(checker->program, i);
        if (entry->problem)
            continue; // already reported while loading
        if (entry->kind != ENTRY_KIND_SLIDE) {
            check_media(checker, entry);
            continue;
        }
        if (!is_checked(checker, entry))
            check_slide(checker, entry, entry->file_path);
    }
    const char *idle = program_idle_image(checker->program);
    char error[512];
    if (idle && !media_probe_video(idle, error, sizeof error))
        diagnostics_add(checker->diagnostics, program_playlist_path(checker->program), 0,
                        "idle picture %s: %s", idle, error);
    const struct playlist_settings *settings = program_settings(checker->program);
    if ((settings->overlay == PLAYLIST_OVERLAY_CLOCK || settings->is_idle_clock) &&
        !clock_face_can_draw(checker->fonts))
        diagnostics_add(checker->diagnostics, program_playlist_path(checker->program), 0,
                        "no installed font can draw the clock's date (年月日, 星期一, Monday)");
}

// What the clock settings do, after the check's "ok".
static void print_clock(const struct playlist_settings *settings)
{
    if (settings->overlay == PLAYLIST_OVERLAY_CLOCK)
        printf("overlay: a clock in the %s corner, over everything\n",
               playlist_corner_name(settings->overlay_corner));
    if (settings->is_idle_clock)
        printf("idle: a full-screen clock while nothing is scheduled\n");
}

static const char *entry_kind_name(enum entry_kind kind)
{
    switch (kind) {
    case ENTRY_KIND_SLIDE:
        return "slide";
    case ENTRY_KIND_IMAGE:
        return "image";
    case ENTRY_KIND_VIDEO:
        return "video";
    }
    return "unknown";
}

static const char *format_civil_time(char out[32], const struct schedule_civil_time *time)
{
    snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", time->year, time->month, time->day,
             time->minute_of_day / 60, time->minute_of_day % 60);
    return out;
}

// --at: which section is active at local time at and until when, then each
// entry the loop would show then, in order, one per line.
static void print_schedule_at(const struct program *program, const struct schedule_civil_time *at)
{
    static const char *const weekday_names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
    const struct schedule *schedule = program_schedule(program);
    int active = schedule_active_section(schedule, at);
    struct schedule_civil_time next;
    char when[32], next_when[32], until[sizeof " until " + sizeof next_when] = "";
    printf("at %s (%s): ", format_civil_time(when, at), weekday_names[schedule_weekday(at)]);
    if (schedule_next_change(schedule, at, &next))
        snprintf(until, sizeof until, " until %s", format_civil_time(next_when, &next));
    if (program_n_sections(program) == 0) {
        printf("the playlist has no sections: every item plays\n");
    } else if (active >= 0) {
        const struct playlist_section *section = program_section_at(program, (size_t)active);
        printf("section [%s] (line %d) is active%s\n", section->spec, section->line, until);
    } else {
        printf("no section is active%s\n", until);
    }
    size_t n_shown = 0;
    for (size_t i = 0; i < program_n_entries(program); i++) {
        const struct program_entry *entry = program_entry_at(program, i);
        if (!program_entry_is_scheduled(entry, active))
            continue;
        printf("line %d: %s %s", entry->line, entry_kind_name(entry->kind), entry->display_path);
        if (entry->problem)
            printf(" (skipped: %s)", entry->problem);
        printf("\n");
        n_shown++;
    }
    if (n_shown == 0)
        printf("nothing is scheduled: the screen stays idle%s\n",
               program_settings(program)->is_idle_clock ? ", showing the clock" : "");
}

int app_check(const struct app_options *options)
{
    return app_check_at(options, NULL);
}

// app_check(), then, when at is not NULL and the playlist loaded, what plays
// at that local time on stdout.
int app_check_at(const struct app_options *options, const struct schedule_civil_time *at)
{
    char *default_root = NULL;
    const char *root = options->content_root;
    if (!root)
        root = default_root = app_default_content_root(options->playlist_path);
    struct checker checker = {.diagnostics = diagnostics_create()};
    struct program *program = program_load(options->playlist_path, root, checker.diagnostics);
    if (program) {
        char error[512];
        checker.program = program;
        checker.fonts = fonts_create(error, sizeof error);
        if (checker.fonts)
            check_entries(&checker);
        else
            diagnostics_add(checker.diagnostics, options->playlist_path, 0, "%s", error);
    }
    size_t n_problems = diagnostics_count(checker.diagnostics);
    for (size_t i = 0; i < n_problems; i++)
        fprintf(stderr, "%s\n", diagnostics_at(checker.diagnostics, i));
    // The fingerprint names exactly what was checked: hot reload compares it
    // with what it then loads, so files changed meanwhile are never shown unchecked.
    if (n_problems == 0 && program) {
        printf("%s: ok, %zu items to show (fingerprint %016" PRIx64 ")\n", options->playlist_path,
               program_n_entries(program), program_fingerprint(program));
        print_clock(program_settings(program));
    }
    if (program && at)
        print_schedule_at(program, at);
    free(checker.checked);
    fonts_destroy(checker.fonts);
    program_destroy(program);
    diagnostics_destroy(checker.diagnostics);
    free(default_root);
    return n_problems == 0 && program ? 0 : 1;
}
