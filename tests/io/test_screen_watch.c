// screen_watch: the kernel's hot-plug messages told from the rest, connector
// snapshots read from a folder laid out like /sys/class/drm, and (with
// --uevents, as root) the netlink socket receiving a real kernel uevent.
#include <errno.h>
#include <fcntl.h>
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

#include "io/screen_watch.h"

// What the kernel sends when a Pi 4's HDMI 0 gets a screen (drm_sysfs_hotplug_event,
// with the connector named since Linux 5.x); NULs separate the fields.
static const char pi_hotplug[] = "change@/devices/platform/gpu/drm/card1\0"
                                 "ACTION=change\0"
                                 "DEVPATH=/devices/platform/gpu/drm/card1\0"
                                 "SUBSYSTEM=drm\0"
                                 "HOTPLUG=1\0"
                                 "CONNECTOR=32\0"
                                 "DEVNAME=dri/card1\0"
                                 "DEVTYPE=drm_minor\0"
                                 "SEQNUM=2718\0"
                                 "MAJOR=226\0"
                                 "MINOR=1";

static void test_hotplug_messages(void **state)
{
    (void)state;
    assert_true(screen_watch_is_hotplug_message(pi_hotplug, sizeof pi_hotplug));
    static const char without_connector[] = "change@/devices/pci0000:00/0000:00:02.0/drm/card0\0"
                                            "ACTION=change\0SUBSYSTEM=drm\0HOTPLUG=1";
    assert_true(screen_watch_is_hotplug_message(without_connector, sizeof without_connector));

    // The card itself appearing at boot is no hot-plug; neither is another
    // subsystem's HOTPLUG, nor a value that only starts the same.
    static const char card_added[] = "add@/devices/platform/gpu/drm/card1\0ACTION=add\0"
                                     "SUBSYSTEM=drm\0DEVNAME=dri/card1";
    assert_false(screen_watch_is_hotplug_message(card_added, sizeof card_added));
    static const char network[] = "change@/devices/virtual/net/lo\0ACTION=change\0"
                                  "SUBSYSTEM=net\0HOTPLUG=1";
    assert_false(screen_watch_is_hotplug_message(network, sizeof network));
    static const char lookalike[] = "change@/x\0SUBSYSTEM=drmx\0HOTPLUG=10";
    assert_false(screen_watch_is_hotplug_message(lookalike, sizeof lookalike));
    // The header alone is no key: "SUBSYSTEM=drm" there does not count.
    static const char header_only[] = "SUBSYSTEM=drm\0HOTPLUG=1";
    assert_false(screen_watch_is_hotplug_message(header_only, sizeof header_only));
    // Cut short (no NUL at the end): nothing past size is read.
    assert_false(screen_watch_is_hotplug_message(pi_hotplug, strlen("change@")));
    assert_false(screen_watch_is_hotplug_message(pi_hotplug, 0));
}

static char sysfs[PATH_MAX];

static void write_file(const char *relative, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", sysfs, relative);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail_msg("open %s: %s", path, strerror(errno));
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void make_dir(const char *relative)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", sysfs, relative);
    if (mkdir(path, 0755) != 0)
        fail_msg("mkdir %s: %s", path, strerror(errno));
}

// A connector as the kernel lists it: status, and the modes the screen
// offers, preferred first.
static void make_connector(const char *name, const char *status, const char *modes)
{
    make_dir(name);
    char relative[256];
    snprintf(relative, sizeof relative, "%s/status", name);
    write_file(relative, status);
    snprintf(relative, sizeof relative, "%s/modes", name);
    write_file(relative, modes);
}

static int make_sysfs(void **state)
{
    (void)state;
    snprintf(sysfs, sizeof sysfs, "%s/screen-watch-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(sysfs));
    return 0;
}

static int remove_sysfs(void **state)
{
    (void)state;
    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", sysfs);
    return system(command) == 0 ? 0 : -1;
}

static void test_snapshot_of_a_pi_4(void **state)
{
    (void)state;
    // What a Pi 4 shows: card0 (v3d, no ports), card1 (vc4) with two HDMI
    // ports and a writeback connector; one TV in HDMI 1.
    make_dir("card0");
    make_dir("card1");
    make_dir("renderD128");
    write_file("version", "drm 1.1.0 20060810\n");
    make_connector("card1-HDMI-A-2", "disconnected\n", "");
    make_connector("card1-HDMI-A-1", "connected\n", "1920x1080\n1920x1080i\n1280x720\n");
    make_connector("card1-Writeback-1", "unknown\n", "");
    char *snapshot = screen_watch_snapshot(sysfs);
    assert_non_null(snapshot);
    assert_string_equal(snapshot, "card1-HDMI-A-1 connected 1920x1080\n"
                                  "card1-HDMI-A-2 disconnected\n"
                                  "card1-Writeback-1 disconnected\n");
    int n_connectors, n_connected;
    screen_watch_count(snapshot, &n_connectors, &n_connected);
    assert_int_equal(n_connectors, 3);
    assert_int_equal(n_connected, 1);

    // The same screen again: an equal snapshot. Another TV (4K) in the same
    // port, or the TV moved to the other port: a different one.
    char *again = screen_watch_snapshot(sysfs);
    assert_string_equal(again, snapshot);
    write_file("card1-HDMI-A-1/modes", "3840x2160\n1920x1080\n");
    char *other_tv = screen_watch_snapshot(sysfs);
    assert_string_not_equal(other_tv, snapshot);
    write_file("card1-HDMI-A-1/modes", "1920x1080\n1920x1080i\n");
    write_file("card1-HDMI-A-1/status", "disconnected\n");
    char *unplugged = screen_watch_snapshot(sysfs);
    screen_watch_count(unplugged, &n_connectors, &n_connected);
    assert_int_equal(n_connected, 0);
    write_file("card1-HDMI-A-2/status", "connected\n");
    write_file("card1-HDMI-A-2/modes", "1920x1080\n");
    char *moved = screen_watch_snapshot(sysfs);
    assert_string_equal(moved, "card1-HDMI-A-1 disconnected\n"
                               "card1-HDMI-A-2 connected 1920x1080\n"
                               "card1-Writeback-1 disconnected\n");

    // What the player makes of each: the same TV back is SAME (a fresh frame),
    // no screen left is NONE_LEFT (play on), anything else OTHER (restart).
    assert_int_equal(screen_watch_compare(snapshot, again), SCREEN_WATCH_CHANGE_SAME);
    assert_int_equal(screen_watch_compare(snapshot, unplugged), SCREEN_WATCH_CHANGE_NONE_LEFT);
    assert_int_equal(screen_watch_compare(snapshot, other_tv), SCREEN_WATCH_CHANGE_OTHER);
    assert_int_equal(screen_watch_compare(snapshot, moved), SCREEN_WATCH_CHANGE_OTHER);
    assert_int_equal(screen_watch_compare(unplugged, snapshot), SCREEN_WATCH_CHANGE_OTHER);
    free(snapshot);
    free(again);
    free(other_tv);
    free(unplugged);
    free(moved);
}

static void test_snapshot_without_ports_or_driver(void **state)
{
    (void)state;
    make_dir("card0"); // a GPU without display ports (a render-only card)
    char *snapshot = screen_watch_snapshot(sysfs);
    assert_string_equal(snapshot, "");
    int n_connectors, n_connected;
    screen_watch_count(snapshot, &n_connectors, &n_connected);
    assert_int_equal(n_connectors, 0);
    assert_int_equal(n_connected, 0);
    free(snapshot);
    char missing[PATH_MAX + 16];
    snprintf(missing, sizeof missing, "%s/no-such-folder", sysfs);
    assert_null(screen_watch_snapshot(missing)); // no DRM driver loaded at all
    screen_watch_count(NULL, &n_connectors, &n_connected);
    assert_int_equal(n_connectors, 0);
}

// A connector whose files vanished while it was read (unplugged USB-C dock):
// listed as disconnected, never a crash or a half line.
static void test_snapshot_of_a_vanishing_connector(void **state)
{
    (void)state;
    make_dir("card0-DP-1");
    char *snapshot = screen_watch_snapshot(sysfs);
    assert_string_equal(snapshot, "card0-DP-1 disconnected\n");
    free(snapshot);
}

static void test_null_watch(void **state)
{
    (void)state;
    assert_int_equal(screen_watch_fd(NULL), -1);
    assert_int_equal(screen_watch_read(NULL), SCREEN_WATCH_EVENT_NONE);
    screen_watch_close(NULL);
}

// As root: a real uevent, from the kernel, for the loopback interface. It
// reaches the socket, is read without blocking and is not taken for a
// screen; afterwards nothing is left waiting.
static void test_kernel_uevents_arrive(void **state)
{
    (void)state;
    if (geteuid() != 0)
        fail_msg("needs root to make the kernel send a uevent (scripts/test runs it as root)");
    char error[256];
    struct screen_watch *watch = screen_watch_open(error, sizeof error);
    if (!watch)
        fail_msg("%s", error);
    assert_int_equal(screen_watch_read(watch), SCREEN_WATCH_EVENT_NONE);
    int fd = open("/sys/class/net/lo/uevent", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail_msg("/sys/class/net/lo/uevent: %s", strerror(errno));
    assert_int_equal(write(fd, "change", 6), 6);
    close(fd);
    struct pollfd ready = {.fd = screen_watch_fd(watch), .events = POLLIN};
    assert_int_equal(poll(&ready, 1, 2000), 1);
    assert_int_equal(screen_watch_read(watch), SCREEN_WATCH_EVENT_OTHER);
    assert_int_equal(screen_watch_read(watch), SCREEN_WATCH_EVENT_NONE);
    assert_int_equal(fcntl(screen_watch_fd(watch), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    screen_watch_close(watch);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--uevents") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_kernel_uevents_arrive)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hotplug_messages),
        cmocka_unit_test_setup_teardown(test_snapshot_of_a_pi_4, make_sysfs, remove_sysfs),
        cmocka_unit_test_setup_teardown(test_snapshot_without_ports_or_driver, make_sysfs,
                                        remove_sysfs),
        cmocka_unit_test_setup_teardown(test_snapshot_of_a_vanishing_connector, make_sysfs,
                                        remove_sysfs),
        cmocka_unit_test(test_null_watch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
