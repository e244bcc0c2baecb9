// Every playlist and deck we ship is a fixture: it must parse with no
// problem, so the examples in playlists/ and content/ never rot.
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/file_io.h"
#include "show/deck.h"
#include "show/playlist.h"

static const char *source_dir(void)
{
    const char *dir = getenv("SIGNAGE_SOURCE_DIR");
    if (!dir)
        fail_msg("SIGNAGE_SOURCE_DIR is not set");
    return dir;
}

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && strcmp(name + n - m, suffix) == 0;
}

static void print_report(const char *path, const struct parse_report *report)
{
    for (size_t i = 0; i < report->n_errors; i++)
        print_error("%s:%d: %s\n", path, report->errors[i].line, report->errors[i].message);
}

// Calls check(path) for every file ending in suffix in dir; returns how many.
static size_t for_each_file(const char *dir, const char *suffix, void (*check)(const char *))
{
    DIR *folder = opendir(dir);
    if (!folder)
        fail_msg("cannot open %s", dir);
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(folder))) {
        if (!has_suffix(entry->d_name, suffix))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        check(path);
        count++;
    }
    closedir(folder);
    return count;
}

// Reads and parses a shipped deck, failing the test on any problem.
static struct deck *parse_deck_file(const char *path)
{
    char *text;
    size_t length;
    assert_int_equal(file_read_all(path, FILE_IO_TEXT_MAX_BYTES, &text, &length), 0);
    struct parse_report report;
    parse_report_init(&report);
    struct deck *deck = deck_parse(text, length, &report);
    free(text);
    print_report(path, &report);
    assert_non_null(deck);
    return deck;
}

static void check_playlist(const char *path)
{
    char *text;
    size_t length;
    assert_int_equal(file_read_all(path, FILE_IO_TEXT_MAX_BYTES, &text, &length), 0);
    struct parse_report report;
    parse_report_init(&report);
    struct playlist *playlist = playlist_parse(text, length, &report);
    free(text);
    print_report(path, &report);
    assert_non_null(playlist);
    assert_true(playlist_n_items(playlist) > 0);
    playlist_destroy(playlist);
}

static void check_deck(const char *path)
{
    deck_destroy(parse_deck_file(path));
}

static void test_shipped_playlists_parse(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/playlists", source_dir());
    assert_true(for_each_file(dir, ".playlist", check_playlist) >= 2); // hallway and booth
}

static void test_lesson_deck_parses_into_its_slides(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/content/lesson", source_dir());
    assert_true(for_each_file(dir, ".md", check_deck) >= 1);
}

// The lesson plays its eight clips, each on its own slide.
static void test_lesson_embeds_its_eight_clips(void **state)
{
    (void)state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/content/lesson/lesson.md", source_dir());
    struct deck *deck = parse_deck_file(path);
    size_t n_videos = 0;
    for (size_t i = 0; i < deck_n_slides(deck); i++) {
        const char *video = deck_slide_at(deck, i)->video_path;
        if (video) {
            n_videos++;
            if (strncmp(video, "../clips/", 9) != 0)
                fail_msg("slide %zu plays %s, not a clip from content/clips", i + 1, video);
        }
    }
    assert_int_equal(n_videos, 8);
    deck_destroy(deck);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_playlists_parse),
        cmocka_unit_test(test_lesson_deck_parses_into_its_slides),
        cmocka_unit_test(test_lesson_embeds_its_eight_clips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
