// file_watch over real inotify in a temporary folder, with real time: the
// test runs the watcher's part of the main loop (poll, handle, take) itself
// while it writes, renames and swaps files the way admins and their tools do.
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/monotime.h"
#include "io/file_watch.h"

#define CHANGE_WAIT_MS    1000 // the issue: a change is picked up within 1 s
#define SILENCE_MS        400  // past FILE_WATCH_QUIET_NS: a change would have settled
#define UNRELATED_WAIT_MS 1500
#define CHANGES_MAX       64

static char folder[PATH_MAX];

struct fixture {
    struct file_watch *watch;
    int n_warnings;
    char last_warning[512];
};

static const char *path_of(const char *relative)
{
    static char paths[4][PATH_MAX + 64];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", folder, relative);
    return path;
}

static void write_text(const char *relative, const char *text)
{
    int fd = open(path_of(relative), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail_msg("open %s: %s", relative, strerror(errno));
    size_t length = strlen(text);
    assert_int_equal(write(fd, text, length), (ssize_t)length);
    assert_int_equal(close(fd), 0);
}

static void make_dir(const char *relative)
{
    if (mkdir(path_of(relative), 0755) != 0)
        fail_msg("mkdir %s: %s", relative, strerror(errno));
}

static void make_symlink(const char *target, const char *relative)
{
    if (symlink(target, path_of(relative)) != 0)
        fail_msg("symlink %s: %s", relative, strerror(errno));
}

static void rename_to(const char *from, const char *to)
{
    if (rename(path_of(from), path_of(to)) != 0)
        fail_msg("rename %s %s: %s", from, to, strerror(errno));
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *ftw)
{
    (void)info;
    (void)type;
    (void)ftw;
    return remove(path);
}

// playlists/{hallway,booth}.playlist and a content tree with lesson/ and
// clips/; content itself is made by the caller (a folder or a symlink).
static void make_tree(void)
{
    strcpy(folder, "/tmp/test_file_watch.XXXXXX");
    if (!mkdtemp(folder))
        fail_msg("mkdtemp: %s", strerror(errno));
    make_dir("playlists");
    write_text("playlists/hallway.playlist", "lesson/deck.md\n");
    write_text("playlists/booth.playlist", "clips/a.mp4\n");
    const char *versions[] = {"content", "content.v1", "content.v2"};
    for (size_t i = 0; i < 3; i++) {
        char relative[64];
        make_dir(versions[i]);
        snprintf(relative, sizeof relative, "%s/lesson", versions[i]);
        make_dir(relative);
        snprintf(relative, sizeof relative, "%s/lesson/deck.md", versions[i]);
        write_text(relative, "# Lesson\n");
        snprintf(relative, sizeof relative, "%s/clips", versions[i]);
        make_dir(relative);
    }
}

static int open_watch(void **state, const char *playlist, const char *content)
{
    struct fixture *fixture = calloc(1, sizeof *fixture);
    char error[512];
    fixture->watch = file_watch_open(path_of(playlist), path_of(content), error, sizeof error);
    if (!fixture->watch) {
        fprintf(stderr, "file_watch_open: %s\n", error);
        free(fixture);
        return -1;
    }
    *state = fixture;
    return 0;
}

static int setup(void **state)
{
    make_tree();
    return open_watch(state, "playlists/hallway.playlist", "content");
}

// content -> content.v1, swapped later for content.v2.
static int setup_swappable(void **state)
{
    make_tree();
    if (rename(path_of("content"), path_of("content.old")) != 0 ||
        symlink("content.v1", path_of("content")) != 0)
        return -1;
    return open_watch(state, "playlists/hallway.playlist", "content");
}

// playlists/hallway.playlist -> ../versions/hallway.v1.playlist
static int setup_linked_playlist(void **state)
{
    make_tree();
    make_dir("versions");
    write_text("versions/hallway.v1.playlist", "lesson/deck.md\n");
    write_text("versions/hallway.v2.playlist", "clips/a.mp4\n");
    if (unlink(path_of("playlists/hallway.playlist")) != 0 ||
        symlink("../versions/hallway.v1.playlist", path_of("playlists/hallway.playlist")) != 0)
        return -1;
    return open_watch(state, "playlists/hallway.playlist", "content");
}

static int teardown(void **state)
{
    struct fixture *fixture = *state;
    file_watch_close(fixture->watch);
    free(fixture);
    nftw(folder, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

// The watcher's part of the main loop, for duration_ms or until max_changes
// changes settled. Returns how many did; their times go to at_ns.
static int pump(struct fixture *fixture, int duration_ms, int max_changes, int64_t *at_ns)
{
    int64_t end_ns = monotime_now_ns() + duration_ms * NS_PER_MS;
    int n_changes = 0;
    for (;;) {
        int64_t now_ns = monotime_now_ns();
        file_watch_handle(fixture->watch, now_ns);
        if (file_watch_take_warning(fixture->watch, fixture->last_warning,
                                    sizeof fixture->last_warning))
            fixture->n_warnings++;
        if (file_watch_take_change(fixture->watch, now_ns)) {
            if (at_ns)
                at_ns[n_changes] = now_ns;
            if (++n_changes == max_changes)
                return n_changes;
        }
        if (now_ns >= end_ns)
            return n_changes;
        int64_t deadline_ns = file_watch_next_deadline_ns(fixture->watch);
        deadline_ns = deadline_ns < end_ns ? deadline_ns : end_ns;
        int64_t wait_ns = deadline_ns - now_ns;
        int timeout_ms = wait_ns <= 0 ? 0 : (int)((wait_ns + NS_PER_MS - 1) / NS_PER_MS);
        struct pollfd fd = {.fd = file_watch_fd(fixture->watch), .events = POLLIN};
        assert_int_not_equal(poll(&fd, 1, timeout_ms), -1);
    }
}

// Waits for one settled change, which must come within CHANGE_WAIT_MS of
// since_ns and not before it. Returns its time.
static int64_t expect_change(struct fixture *fixture, int64_t since_ns, const char *what)
{
    int64_t at_ns;
    if (pump(fixture, CHANGE_WAIT_MS, 1, &at_ns) != 1)
        fail_msg("%s: no change within %d ms", what, CHANGE_WAIT_MS);
    int64_t latency_ms = (at_ns - since_ns) / NS_PER_MS;
    if (at_ns < since_ns || latency_ms > CHANGE_WAIT_MS)
        fail_msg("%s: change after %lld ms, expected 0..%d", what, (long long)latency_ms,
                 CHANGE_WAIT_MS);
    return at_ns;
}

static void expect_no_change(struct fixture *fixture, int duration_ms, const char *what)
{
    int n_changes = pump(fixture, duration_ms, CHANGES_MAX, NULL);
    if (n_changes != 0)
        fail_msg("%s: %d changes, expected none", what, n_changes);
}

static void expect_no_warning(const struct fixture *fixture)
{
    if (fixture->n_warnings != 0)
        fail_msg("%d warnings, expected none; last: %s", fixture->n_warnings,
                 fixture->last_warning);
}

// An editor or scp writing in place, pausing mid-write for less and for more
// than the quiet time: one change, only once the file is closed.
static void test_in_place_rewrite(void **state)
{
    struct fixture *fixture = *state;
    const char *text = "lesson/deck.md\nclips/a.mp4\nclips/b.mp4\n";
    int fd = open(path_of("playlists/hallway.playlist"), O_WRONLY | O_TRUNC | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, 10), 10);
    expect_no_change(fixture, 100, "after the first half");
    assert_int_equal(write(fd, text + 10, 10), 10);
    expect_no_change(fixture, 450, "while the writer pauses past the quiet time");
    assert_int_equal(write(fd, text + 20, strlen(text) - 20), (ssize_t)strlen(text) - 20);
    assert_int_equal(close(fd), 0);
    int64_t closed_ns = monotime_now_ns();
    expect_change(fixture, closed_ns, "in-place rewrite");
    expect_no_change(fixture, SILENCE_MS, "after the one change");
    expect_no_warning(fixture);
}

static void test_atomic_rename(void **state)
{
    struct fixture *fixture = *state;
    write_text("playlists/.hallway.playlist.tmp", "clips/a.mp4\n");
    rename_to("playlists/.hallway.playlist.tmp", "playlists/hallway.playlist");
    expect_change(fixture, monotime_now_ns(), "rename over the playlist");
    expect_no_warning(fixture);
}

static void test_unrelated_files(void **state)
{
    struct fixture *fixture = *state;
    write_text("playlists/booth.playlist", "clips/b.mp4\n");
    write_text("playlists/.hallway.playlist.swp", "vim");
    write_text("playlists/hallway.playlist~", "lesson/deck.md\n");
    write_text("playlists/4913", "");
    unlink(path_of("playlists/4913"));
    write_text("playlists/booth.new", "clips/c.mp4\n");
    rename_to("playlists/booth.new", "playlists/booth.playlist");
    write_text("content/lesson/.deck.md.swp", "vim");
    write_text("content/lesson/deck.md~", "# Old\n");
    make_dir("content/.git");
    write_text("content/.git/HEAD", "ref: refs/heads/main\n");
    write_text("content.v1/lesson/deck.md", "# Not the content root\n");
    expect_no_change(fixture, UNRELATED_WAIT_MS, "unrelated files");
    expect_no_warning(fixture);
}

static void test_content_write(void **state)
{
    struct fixture *fixture = *state;
    write_text("content/lesson/deck.md", "# Lesson, revised\n");
    expect_change(fixture, monotime_now_ns(), "a deck rewritten");
    write_text("content/clips/.a.mp4.Xy12", "partial");
    rename_to("content/clips/.a.mp4.Xy12", "content/clips/a.mp4");
    expect_change(fixture, monotime_now_ns(), "rsync's rename into clips/");
    expect_no_warning(fixture);
}

static void test_new_subfolders(void **state)
{
    struct fixture *fixture = *state;
    make_dir("content/clips/new");
    // mkdir -p: the lower folders exist before the watcher sees the first.
    make_dir("content/a");
    make_dir("content/a/b");
    make_dir("content/a/b/c");
    expect_change(fixture, monotime_now_ns(), "new subfolders");
    write_text("content/clips/new/b.mp4", "clip");
    expect_change(fixture, monotime_now_ns(), "a file in a new subfolder");
    write_text("content/a/b/c/deck.md", "# Deep\n");
    expect_change(fixture, monotime_now_ns(), "a file deep in a new tree");
    // A folder moved in from elsewhere.
    make_dir("incoming");
    make_dir("incoming/deck2");
    rename_to("incoming/deck2", "content/lesson/deck2");
    expect_change(fixture, monotime_now_ns(), "a folder moved in");
    write_text("content/lesson/deck2/deck.md", "# Two\n");
    expect_change(fixture, monotime_now_ns(), "a file in the moved-in folder");
    expect_no_warning(fixture);
}

static void test_content_symlink_swap(void **state)
{
    struct fixture *fixture = *state;
    make_symlink("content.v2", "content.tmp");
    rename_to("content.tmp", "content");
    expect_change(fixture, monotime_now_ns(), "the content symlink swapped");
    write_text("content.v2/lesson/deck.md", "# Version 2\n");
    expect_change(fixture, monotime_now_ns(), "a write inside the new target");
    write_text("content.v1/lesson/deck.md", "# Version 1, edited\n");
    write_text("content.v1/clips/a.mp4", "clip");
    expect_no_change(fixture, SILENCE_MS, "writes inside the old target");
    expect_no_warning(fixture);
}

static void test_content_folder_replaced(void **state)
{
    struct fixture *fixture = *state;
    rename_to("content", "content.previous");
    rename_to("content.v2", "content");
    expect_change(fixture, monotime_now_ns(), "the content folder renamed into place");
    write_text("content/lesson/deck.md", "# Replaced\n");
    expect_change(fixture, monotime_now_ns(), "a write inside the new folder");
    write_text("content.previous/lesson/deck.md", "# Previous\n");
    expect_no_change(fixture, SILENCE_MS, "a write inside the old folder");
    expect_no_warning(fixture);
}

// A file rewritten every 50 ms for 2 s still gets checked about every
// FILE_WATCH_MAX_DELAY_NS, and once more after the writes stop.
static void test_continuous_rewrite(void **state)
{
    struct fixture *fixture = *state;
    int64_t at_ns[CHANGES_MAX];
    int n_changes = 0;
    int64_t start_ns = monotime_now_ns();
    int64_t last_write_ns = start_ns;
    for (int i = 0; monotime_now_ns() - start_ns < 2 * NS_PER_S; i++) {
        char text[64];
        snprintf(text, sizeof text, "lesson/deck.md\n# rewrite %d\n", i);
        write_text("playlists/hallway.playlist", text);
        last_write_ns = monotime_now_ns();
        n_changes += pump(fixture, 50, CHANGES_MAX - n_changes, at_ns + n_changes);
    }
    at_ns[n_changes++] = expect_change(fixture, last_write_ns, "after the last rewrite");
    int64_t previous_ns = start_ns;
    for (int i = 0; i < n_changes; i++) {
        int64_t gap_ms = (at_ns[i] - previous_ns) / NS_PER_MS;
        if (gap_ms > CHANGE_WAIT_MS)
            fail_msg("change %d came %lld ms after the one before, expected at most %d", i,
                     (long long)gap_ms, CHANGE_WAIT_MS);
        previous_ns = at_ns[i];
    }
    if (n_changes < 3)
        fail_msg("%d changes in 2 s of rewrites, expected at least 3", n_changes);
    expect_no_warning(fixture);
}

static void test_delete_playlist(void **state)
{
    struct fixture *fixture = *state;
    assert_int_equal(unlink(path_of("playlists/hallway.playlist")), 0);
    expect_change(fixture, monotime_now_ns(), "the playlist deleted");
    write_text("playlists/hallway.playlist", "lesson/deck.md\n");
    expect_change(fixture, monotime_now_ns(), "the playlist written again");
    expect_no_warning(fixture);
}

static void test_playlist_symlink(void **state)
{
    struct fixture *fixture = *state;
    write_text("versions/hallway.v1.playlist", "clips/a.mp4\n");
    expect_change(fixture, monotime_now_ns(), "the link's target rewritten");
    make_symlink("../versions/hallway.v2.playlist", "playlists/.hallway.playlist.new");
    rename_to("playlists/.hallway.playlist.new", "playlists/hallway.playlist");
    expect_change(fixture, monotime_now_ns(), "the link pointed at v2");
    write_text("versions/hallway.v1.playlist", "lesson/deck.md\n");
    expect_no_change(fixture, SILENCE_MS, "the old target rewritten");
    write_text("versions/hallway.v2.playlist", "lesson/deck.md\n");
    expect_change(fixture, monotime_now_ns(), "the new target rewritten");
    expect_no_warning(fixture);
}

// The playlists folder itself renamed away and a new one made: the watcher
// looks for it again every FILE_WATCH_RETRY_NS.
static void test_playlist_folder_replaced(void **state)
{
    struct fixture *fixture = *state;
    rename_to("playlists", "playlists.old");
    expect_change(fixture, monotime_now_ns(), "the playlist's folder moved away");
    assert_int_equal(fixture->n_warnings, 1);
    assert_non_null(strstr(fixture->last_warning, "playlists"));
    make_dir("playlists");
    write_text("playlists/hallway.playlist", "lesson/deck.md\n");
    int64_t since_ns = monotime_now_ns();
    int64_t at_ns;
    assert_int_equal(pump(fixture, 2000, 1, &at_ns), 1);
    int64_t latency_ms = (at_ns - since_ns) / NS_PER_MS;
    if (latency_ms > (FILE_WATCH_RETRY_NS + FILE_WATCH_QUIET_NS) / NS_PER_MS + 200)
        fail_msg("the new folder noticed after %lld ms", (long long)latency_ms);
    write_text("playlists/hallway.playlist", "clips/a.mp4\n");
    expect_change(fixture, monotime_now_ns(), "a write in the new folder");
    assert_int_equal(fixture->n_warnings, 1);
}

// More events than the kernel queues (alternate IN_MODIFY and IN_ATTRIB on
// one file, which the kernel cannot merge; the closing IN_CLOSE_WRITE is among
// the lost): one change, and the watches still work.
static void test_queue_overflow(void **state)
{
    struct fixture *fixture = *state;
    long max_events = 16384;
    FILE *file = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    if (file) {
        if (fscanf(file, "%ld", &max_events) != 1)
            max_events = 16384;
        fclose(file);
    }
    if (max_events > 1000000)
        skip(); // too many events to make in a test
    int fd = open(path_of("content/lesson/deck.md"), O_WRONLY | O_APPEND | O_CLOEXEC);
    assert_true(fd >= 0);
    for (long i = 0; i < max_events / 2 + 100; i++) {
        assert_int_equal(write(fd, "x", 1), 1);
        assert_int_equal(fchmod(fd, i % 2 ? 0644 : 0640), 0);
    }
    assert_int_equal(close(fd), 0);
    expect_change(fixture, monotime_now_ns(), "after the overflow");
    write_text("content/clips/b.mp4", "clip");
    expect_change(fixture, monotime_now_ns(), "a write after the overflow");
    expect_no_warning(fixture);
}

static void test_open_errors(void **state)
{
    (void)state;
    char error[512] = "";
    assert_null(file_watch_open("/nonexistent-signage/playlists/hallway.playlist", "/tmp", error,
                                sizeof error));
    assert_non_null(strstr(error, "/nonexistent-signage/playlists"));
    error[0] = '\0';
    assert_null(file_watch_open("/tmp/hallway.playlist", "/nonexistent-signage/content", error,
                                sizeof error));
    assert_non_null(strstr(error, "/nonexistent-signage/content"));
    // No watcher: every call is a no-op.
    file_watch_close(NULL);
    file_watch_handle(NULL, monotime_now_ns());
    assert_int_equal(file_watch_fd(NULL), -1);
    assert_true(file_watch_next_deadline_ns(NULL) == INT64_MAX);
    assert_false(file_watch_take_change(NULL, INT64_MAX));
    assert_false(file_watch_take_warning(NULL, error, sizeof error));
}

// A content root missing at open is no error; its appearing is a change.
static void test_missing_content_root(void **state)
{
    (void)state;
    make_tree();
    char error[512];
    struct fixture fixture = {0};
    fixture.watch = file_watch_open(path_of("playlists/hallway.playlist"), path_of("absent"), error,
                                    sizeof error);
    if (!fixture.watch)
        fail_msg("file_watch_open: %s", error);
    expect_no_change(&fixture, 100, "nothing yet");
    assert_true(file_watch_next_deadline_ns(fixture.watch) == INT64_MAX);
    make_symlink("content.v1", "absent");
    expect_change(&fixture, monotime_now_ns(), "the content root appearing");
    write_text("content.v1/lesson/deck.md", "# Now watched\n");
    expect_change(&fixture, monotime_now_ns(), "a write inside it");
    expect_no_warning(&fixture);
    file_watch_close(fixture.watch);
    nftw(folder, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_place_rewrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unrelated_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_subfolders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_symlink_swap, setup_swappable, teardown),
        cmocka_unit_test_setup_teardown(test_content_folder_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_continuous_rewrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_playlist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_playlist_symlink, setup_linked_playlist, teardown),
        cmocka_unit_test_setup_teardown(test_playlist_folder_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_overflow, setup, teardown),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_missing_content_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
