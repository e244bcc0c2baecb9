// program: playlist + decks + path confinement -> a flat list of entries.
// Everything a loop iteration needs is resolved here, once, so playing an
// entry never parses or resolves anything.
#include "app/program.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#include "base/content_path.h"
#include "base/file_io.h"
#include "base/xalloc.h"

static const char *const video_extensions[] = {".mp4", ".mkv", ".webm", ".mov",
                                               ".m4v", ".avi", ".ts"};

struct loaded_deck {
    char *file_path; // resolved
    struct deck *deck;
    char *dir;     // resolved folder of the deck
    char *problem; // why it cannot be played, or NULL
};

struct program {
    char *playlist_path;
    char *content_root;
    char *cwd; // resolved; deck problems are reported relative to it
    struct playlist *playlist;
    size_t n_decks;
    struct loaded_deck *decks;
    size_t n_entries;
    struct program_entry *entries;
    uint64_t fingerprint;        // of the playlist text and every file it resolved (see header)
    const char *idle_image_path; // resolved idle = image PATH, or NULL; a kept string
    // Strings the entries point to, freed with the program.
    size_t n_strings;
    char **strings;
};

// FNV-1a: enough to tell "the same files as before" apart, not a security hash.
static void fingerprint_add(struct program *program, const void *data, size_t length)
{
    const unsigned char *bytes = data;
    uint64_t hash = program->fingerprint ? program->fingerprint : UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ bytes[i]) * UINT64_C(0x100000001b3);
    program->fingerprint = hash;
}

// A resolved file's identity as far as a reload cares: name, size, change time.
static void fingerprint_file(struct program *program, const char *resolved)
{
    struct stat status = {0};
    stat(resolved, &status);
    int64_t facts[] = {(int64_t)status.st_size, (int64_t)status.st_mtim.tv_sec,
                       (int64_t)status.st_mtim.tv_nsec, (int64_t)status.st_ino};
    fingerprint_add(program, resolved, strlen(resolved) + 1);
    fingerprint_add(program, facts, sizeof facts);
}

static const char *keep(struct program *program, char *string)
{
    program->strings =
        xreallocarray(program->strings, program->n_strings + 1, sizeof *program->strings);
    program->strings[program->n_strings++] = string;
    return string;
}

static struct program_entry *add_entry(struct program *program, enum entry_kind kind,
                                       const struct playlist_item *item)
{
    program->entries =
        xreallocarray(program->entries, program->n_entries + 1, sizeof *program->entries);
    struct program_entry *entry = &program->entries[program->n_entries++];
    memset(entry, 0, sizeof *entry);
    entry->kind = kind;
    entry->line = item->line;
    entry->section = item->section;
    entry->duration_ms = -1;
    return entry;
}

// "clips/a.mp4" for a resolved path inside the root.
static const char *relative_to_root(struct program *program, const char *resolved)
{
    size_t root_length = strlen(program->content_root);
    if (strncmp(resolved, program->content_root, root_length) == 0 && resolved[root_length] == '/')
        return keep(program, xstrdup(resolved + root_length + 1));
    return keep(program, xstrdup(resolved));
}

// A resolved file as the user can open it from where they ran the player.
static const char *file_for_user(struct program *program, const char *resolved)
{
    size_t cwd_length = program->cwd ? strlen(program->cwd) : 0;
    if (cwd_length > 1 && strncmp(resolved, program->cwd, cwd_length) == 0 &&
        resolved[cwd_length] == '/')
        return keep(program, xstrdup(resolved + cwd_length + 1));
    return keep(program, xstrdup(resolved));
}

// Resolves path (as written on the playlist's line) below base_dir. On a
// problem records it for the playlist file and returns it as the entry's problem.
static const char *resolve(struct program *program, const char *base_dir, const char *path,
                           const char *report_file, int line, struct diagnostics *diagnostics,
                           const char **resolved)
{
    char buffer[PATH_MAX];
    int result = content_path_resolve(program->content_root, base_dir, path, buffer, sizeof buffer);
    if (result != 0) {
        const char *problem =
            keep(program, xasprintf("%s: %s", path, content_path_strerror(result)));
        diagnostics_add(diagnostics, report_file, line, "%s", problem);
        *resolved = NULL;
        return problem;
    }
    *resolved = keep(program, xstrdup(buffer));
    fingerprint_file(program, buffer);
    return NULL;
}

static bool has_video_extension(const char *path)
{
    size_t length = strlen(path);
    for (size_t i = 0; i < sizeof video_extensions / sizeof video_extensions[0]; i++) {
        size_t n = strlen(video_extensions[i]);
        if (length > n && strcasecmp(path + length - n, video_extensions[i]) == 0)
            return true;
    }
    return false;
}

// Loads each deck file once, however many items name it.
static struct loaded_deck *load_deck(struct program *program, const char *resolved,
                                     const char *shown_path, struct diagnostics *diagnostics)
{
    for (size_t i = 0; i < program->n_decks; i++) {
        if (strcmp(program->decks[i].file_path, resolved) == 0)
            return &program->decks[i];
    }
    program->decks = xreallocarray(program->decks, program->n_decks + 1, sizeof *program->decks);
    struct loaded_deck *loaded = &program->decks[program->n_decks++];
    memset(loaded, 0, sizeof *loaded);
    loaded->file_path = xstrdup(resolved);
    char *dir_copy = xstrdup(resolved);
    loaded->dir = xstrdup(dirname(dir_copy));
    free(dir_copy);
    char *text;
    size_t length;
    int result = file_read_all(resolved, FILE_IO_TEXT_MAX_BYTES, &text, &length);
    if (result != 0) {
        loaded->problem = xasprintf("%s: cannot read: %s", shown_path, strerror(-result));
        diagnostics_add(diagnostics, shown_path, 0, "cannot read: %s", strerror(-result));
        return loaded;
    }
    struct parse_report report;
    parse_report_init(&report);
    loaded->deck = deck_parse(text, length, &report);
    free(text);
    if (!loaded->deck) {
        loaded->problem = xasprintf("%s: the deck has errors", shown_path);
        diagnostics_add_report(diagnostics, shown_path, &report);
    }
    return loaded;
}

static void add_slide_entry(struct program *program, const struct playlist_item *item,
                            struct loaded_deck *loaded, size_t slide_index, int64_t duration_ms,
                            struct diagnostics *diagnostics)
{
    const struct deck_slide *slide = deck_slide_at(loaded->deck, slide_index);
    const char *deck_shown = relative_to_root(program, loaded->file_path);
    if (slide->video_path) {
        struct program_entry *entry = add_entry(program, ENTRY_KIND_VIDEO, item);
        const char *resolved;
        entry->problem =
            resolve(program, loaded->dir, slide->video_path,
                    file_for_user(program, loaded->file_path), slide->line, diagnostics, &resolved);
        entry->file_path = resolved;
        entry->display_path = resolved ? relative_to_root(program, resolved)
                                       : keep(program, xstrdup(slide->video_path));
        return;
    }
    // The slide's pictures are part of what a check saw (a reload's
    // fingerprint): a picture replaced during the check is checked again.
    for (size_t i = 0; i < slide->n_blocks; i++) {
        char resolved[PATH_MAX];
        if (slide->blocks[i].kind == SLIDE_BLOCK_IMAGE &&
            content_path_resolve(program->content_root, loaded->dir, slide->blocks[i].path,
                                 resolved, sizeof resolved) == 0)
            fingerprint_file(program, resolved);
    }
    struct program_entry *entry = add_entry(program, ENTRY_KIND_SLIDE, item);
    entry->display_path = keep(program, xasprintf("%s#%zu", deck_shown, slide_index + 1));
    entry->file_path = loaded->file_path;
    entry->deck = loaded->deck;
    entry->deck_dir = loaded->dir;
    entry->slide_index = slide_index;
    entry->duration_ms = duration_ms;
}

static void add_deck_item(struct program *program, const struct playlist_item *item,
                          const char *resolved, int64_t duration_ms,
                          struct diagnostics *diagnostics)
{
    const char *shown = relative_to_root(program, resolved);
    struct loaded_deck *loaded =
        load_deck(program, resolved, file_for_user(program, resolved), diagnostics);
    if (loaded->problem) {
        struct program_entry *entry = add_entry(program, ENTRY_KIND_SLIDE, item);
        entry->display_path = shown;
        entry->problem = loaded->problem;
        return;
    }
    size_t n_slides = deck_n_slides(loaded->deck);
    if (item->kind == PLAYLIST_ITEM_SLIDE) {
        if (item->slide_number < 1 || (size_t)item->slide_number > n_slides) {
            struct program_entry *entry = add_entry(program, ENTRY_KIND_SLIDE, item);
            entry->display_path = keep(program, xasprintf("%s#%d", shown, item->slide_number));
            entry->problem = keep(program, xasprintf("%s has %zu slides, there is no slide %d",
                                                     item->path, n_slides, item->slide_number));
            diagnostics_add(diagnostics, program->playlist_path, item->line, "%s", entry->problem);
            return;
        }
        add_slide_entry(program, item, loaded, (size_t)item->slide_number - 1, duration_ms,
                        diagnostics);
        return;
    }
    for (size_t i = 0; i < n_slides; i++)
        add_slide_entry(program, item, loaded, i, duration_ms, diagnostics);
}

static void add_item(struct program *program, const struct playlist_item *item,
                     struct diagnostics *diagnostics)
{
    const struct playlist_settings *settings = playlist_settings(program->playlist);
    int64_t duration_ms = item->duration_ms > 0 ? item->duration_ms : settings->slide_time_ms;
    const char *resolved;
    const char *problem = resolve(program, program->content_root, item->path,
                                  program->playlist_path, item->line, diagnostics, &resolved);
    if (!problem && (item->kind == PLAYLIST_ITEM_DECK || item->kind == PLAYLIST_ITEM_SLIDE)) {
        add_deck_item(program, item, resolved, duration_ms, diagnostics);
        return;
    }
    enum entry_kind kind = ENTRY_KIND_VIDEO;
    if (item->kind == PLAYLIST_ITEM_IMAGE)
        kind = ENTRY_KIND_IMAGE;
    else if (item->kind != PLAYLIST_ITEM_VIDEO)
        kind = ENTRY_KIND_SLIDE;
    struct program_entry *entry = add_entry(program, kind, item);
    entry->problem = problem;
    entry->file_path = resolved;
    entry->display_path = resolved ? relative_to_root(program, resolved) : item->path;
    entry->duration_ms = kind == ENTRY_KIND_VIDEO ? -1 : duration_ms;
    entry->volume_percent =
        item->volume_percent >= 0 ? item->volume_percent : settings->volume_percent;
    if (kind == ENTRY_KIND_IMAGE && has_video_extension(item->path))
        diagnostics_add(diagnostics, program->playlist_path, item->line,
                        "%s looks like a video: use 'video %s'", item->path, item->path);
}

static struct playlist *read_playlist(struct program *program, const char *path,
                                      struct diagnostics *diagnostics)
{
    char *text;
    size_t length;
    int result = file_read_all(path, FILE_IO_TEXT_MAX_BYTES, &text, &length);
    if (result != 0) {
        diagnostics_add(diagnostics, path, 0, "cannot read the playlist: %s", strerror(-result));
        return NULL;
    }
    fingerprint_add(program, text, length);
    struct parse_report report;
    parse_report_init(&report);
    struct playlist *playlist = playlist_parse(text, length, &report);
    free(text);
    if (!playlist)
        diagnostics_add_report(diagnostics, path, &report);
    return playlist;
}

struct program *program_load(const char *playlist_path, const char *content_root,
                             struct diagnostics *diagnostics)
{
    struct program *program = xcalloc(1, sizeof *program);
    program->playlist_path = xstrdup(playlist_path);
    char root[PATH_MAX];
    if (!realpath(content_root, root)) {
        diagnostics_add(diagnostics, content_root, 0, "content folder not found: %s",
                        strerror(errno));
        goto fail;
    }
    program->content_root = xstrdup(root);
    fingerprint_add(program, root, strlen(root) + 1);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd))
        program->cwd = xstrdup(cwd);
    program->playlist = read_playlist(program, playlist_path, diagnostics);
    if (!program->playlist)
        goto fail;
    for (size_t i = 0; i < playlist_n_items(program->playlist); i++)
        add_item(program, playlist_item_at(program->playlist, i), diagnostics);
    const char *idle = playlist_settings(program->playlist)->idle_image_path;
    if (idle) // a missing idle picture is reported; the screen then stays black
        resolve(program, program->content_root, idle, playlist_path, 0, diagnostics,
                &program->idle_image_path);
    return program;
fail:
    program_destroy(program);
    return NULL;
}

void program_destroy(struct program *program)
{
    if (!program)
        return;
    for (size_t i = 0; i < program->n_decks; i++) {
        free(program->decks[i].file_path);
        free(program->decks[i].dir);
        free(program->decks[i].problem);
        deck_destroy(program->decks[i].deck);
    }
    for (size_t i = 0; i < program->n_strings; i++)
        free(program->strings[i]);
    free(program->strings);
    free(program->decks);
    free(program->entries);
    playlist_destroy(program->playlist);
    free(program->content_root);
    free(program->cwd);
    free(program->playlist_path);
    free(program);
}

const struct playlist_settings *program_settings(const struct program *program)
{
    return playlist_settings(program->playlist);
}

size_t program_n_entries(const struct program *program)
{
    return program->n_entries;
}

const struct program_entry *program_entry_at(const struct program *program, size_t index)
{
    return &program->entries[index];
}

const char *program_content_root(const struct program *program)
{
    return program->content_root;
}

const struct schedule *program_schedule(const struct program *program)
{
    return playlist_schedule(program->playlist);
}

size_t program_n_sections(const struct program *program)
{
    return playlist_n_sections(program->playlist);
}

const struct playlist_section *program_section_at(const struct program *program, size_t index)
{
    return playlist_section_at(program->playlist, index);
}

bool program_entry_is_scheduled(const struct program_entry *entry, int active_section)
{
    return entry->section < 0 || entry->section == active_section;
}

const char *program_playlist_path(const struct program *program)
{
    return program->playlist_path;
}

uint64_t program_fingerprint(const struct program *program)
{
    return program->fingerprint;
}

const char *program_idle_image(const struct program *program)
{
    return program->idle_image_path;
}
