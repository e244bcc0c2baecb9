// service_notify against a stand-in for systemd: the test binds its own
// AF_UNIX datagram socket, points NOTIFY_SOCKET at it and reads back exactly
// what the real libsystemd sent.
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/monotime.h"
#include "platform/service_notify.h"

#define RECEIVE_WAIT_MS    5000      // far above a local datagram's latency; a hang fails
#define WATCHDOG_USEC_TEXT "2000000" // WatchdogSec=2s
#define WATCHDOG_PERIOD_NS NS_PER_S  // half of it: when the player must ping
#define MESSAGE_MAX_BYTES  1024      // any message service_notify sends fits
#define SOCKET_NAME        "notify.sock"

static char folder[64]; // with SOCKET_NAME, well inside sun_path's 108 bytes
static char socket_path[sizeof folder + sizeof SOCKET_NAME];

struct fixture {
    int fd; // systemd's end: bound to socket_path
    struct service_notify *notify;
};

// Environment as systemd sets it for a service with WatchdogSec=2s.
static void set_service_environment(void)
{
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("NOTIFY_SOCKET", socket_path, 1);
    setenv("WATCHDOG_USEC", WATCHDOG_USEC_TEXT, 1);
    setenv("WATCHDOG_PID", pid, 1);
}

static int setup(void **state)
{
    struct fixture *fixture = calloc(1, sizeof *fixture);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path);
    fixture->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fixture->fd < 0 || bind(fixture->fd, (struct sockaddr *)&address, sizeof address) != 0) {
        fprintf(stderr, "cannot bind %s: %s\n", socket_path, strerror(errno));
        free(fixture);
        return -1;
    }
    set_service_environment();
    *state = fixture;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fixture = *state;
    service_notify_close(fixture->notify);
    close(fixture->fd);
    unlink(socket_path);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    free(fixture);
    return 0;
}

// Waits for the next datagram and returns its text (valid until the next call).
static const char *receive(struct fixture *fixture)
{
    static char message[MESSAGE_MAX_BYTES + 1];
    struct pollfd pollfd = {.fd = fixture->fd, .events = POLLIN};
    if (poll(&pollfd, 1, RECEIVE_WAIT_MS) != 1)
        fail_msg("no message from service_notify within %d ms", RECEIVE_WAIT_MS);
    ssize_t n = recv(fixture->fd, message, MESSAGE_MAX_BYTES, 0);
    assert_true(n >= 0);
    message[n] = '\0';
    return message;
}

// sd_notify() has queued its datagram by the time it returns (AF_UNIX), so an
// empty queue now means nothing was sent.
static void assert_nothing_sent(struct fixture *fixture)
{
    char message[MESSAGE_MAX_BYTES + 1];
    ssize_t n = recv(fixture->fd, message, MESSAGE_MAX_BYTES, MSG_DONTWAIT);
    if (n >= 0) {
        message[n] = '\0';
        fail_msg("expected no message, got '%s'", message);
    }
    assert_int_equal(errno, EAGAIN);
}

static int64_t clock_monotonic_us(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static void test_ready_and_stopping(void **state)
{
    struct fixture *fixture = *state;
    fixture->notify = service_notify_open();
    service_notify_ready(fixture->notify);
    assert_string_equal(receive(fixture), "READY=1");
    service_notify_stopping(fixture->notify);
    assert_string_equal(receive(fixture), "STOPPING=1");
    assert_nothing_sent(fixture);
    // sd_notify(0, …): the environment stays for whoever needs it next.
    assert_string_equal(getenv("NOTIFY_SOCKET"), socket_path);
}

static void test_status_only_when_changed(void **state)
{
    struct fixture *fixture = *state;
    fixture->notify = service_notify_open();
    service_notify_status(fixture->notify, "playing %s (%d of %d)", "lesson.md#3", 3, 47);
    assert_string_equal(receive(fixture), "STATUS=playing lesson.md#3 (3 of 47)");
    service_notify_status(fixture->notify, "playing %s (%d of %d)", "lesson.md#3", 3, 47);
    assert_nothing_sent(fixture);
    service_notify_status(fixture->notify, "paused");
    assert_string_equal(receive(fixture), "STATUS=paused");
    service_notify_status(fixture->notify, "playing %s (%d of %d)", "lesson.md#3", 3, 47);
    assert_string_equal(receive(fixture), "STATUS=playing lesson.md#3 (3 of 47)");
}

static void test_status_cannot_inject_assignments(void **state)
{
    struct fixture *fixture = *state;
    fixture->notify = service_notify_open();
    service_notify_status(fixture->notify, "playing %s", "evil\nREADY=1\r\t.mp4");
    assert_string_equal(receive(fixture), "STATUS=playing evil READY=1  .mp4");
}

static void test_status_is_cut(void **state)
{
    struct fixture *fixture = *state;
    fixture->notify = service_notify_open();
    char long_text[600];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    service_notify_status(fixture->notify, "%s", long_text);
    const char *message = receive(fixture);
    assert_int_equal(strlen(message), strlen("STATUS=") + 255);
    assert_memory_equal(message + strlen("STATUS="), long_text, 255);
    // Same text again (cut the same way): still unchanged, nothing sent.
    service_notify_status(fixture->notify, "%s", long_text);
    assert_nothing_sent(fixture);
}

static void test_reloading(void **state)
{
    struct fixture *fixture = *state;
    fixture->notify = service_notify_open();
    int64_t before_us = clock_monotonic_us();
    int64_t now_ns = monotime_now_ns();
    service_notify_reloading(fixture->notify, now_ns);
    int64_t after_us = clock_monotonic_us();
    char expected[128];
    snprintf(expected, sizeof expected, "RELOADING=1\nMONOTONIC_USEC=%" PRId64, now_ns / NS_PER_US);
    const char *message = receive(fixture);
    assert_string_equal(message, expected);
    // The value is systemd's clock (CLOCK_MONOTONIC in µs), read just now.
    int64_t sent_us =
        strtoll(strstr(message, "MONOTONIC_USEC=") + strlen("MONOTONIC_USEC="), NULL, 10);
    assert_in_range(sent_us, before_us, after_us);
    service_notify_ready(fixture->notify);
    assert_string_equal(receive(fixture), "READY=1");
}

static void test_watchdog(void **state)
{
    struct fixture *fixture = *state;
    int64_t before_ns = monotime_now_ns();
    fixture->notify = service_notify_open();
    int64_t after_ns = monotime_now_ns();
    // Before any ping, the first interval runs from open.
    int64_t first_deadline_ns = service_notify_watchdog_deadline_ns(fixture->notify);
    assert_in_range(first_deadline_ns, before_ns + WATCHDOG_PERIOD_NS,
                    after_ns + WATCHDOG_PERIOD_NS);

    int64_t ping_ns = after_ns + 10 * NS_PER_MS;
    service_notify_watchdog(fixture->notify, ping_ns);
    assert_string_equal(receive(fixture), "WATCHDOG=1");
    assert_int_equal(service_notify_watchdog_deadline_ns(fixture->notify),
                     ping_ns + WATCHDOG_PERIOD_NS);

    int64_t late_ping_ns = ping_ns + WATCHDOG_PERIOD_NS + 3 * NS_PER_MS;
    service_notify_watchdog(fixture->notify, late_ping_ns);
    assert_string_equal(receive(fixture), "WATCHDOG=1");
    assert_int_equal(service_notify_watchdog_deadline_ns(fixture->notify),
                     late_ping_ns + WATCHDOG_PERIOD_NS);
    assert_nothing_sent(fixture);
}

// No WatchdogSec=, or a watchdog meant for another process (WATCHDOG_PID):
// no deadline and no pings, while everything else still goes out.
static void test_no_watchdog(void **state)
{
    struct fixture *fixture = *state;
    char other_pid[32];
    snprintf(other_pid, sizeof other_pid, "%ld", (long)getpid() + 1);
    const char *pids[] = {NULL, other_pid};
    for (size_t i = 0; i < sizeof pids / sizeof pids[0]; i++) {
        if (pids[i]) {
            setenv("WATCHDOG_PID", pids[i], 1);
        } else {
            unsetenv("WATCHDOG_USEC");
            unsetenv("WATCHDOG_PID");
        }
        struct service_notify *notify = service_notify_open();
        assert_int_equal(service_notify_watchdog_deadline_ns(notify), INT64_MAX);
        service_notify_watchdog(notify, monotime_now_ns());
        assert_nothing_sent(fixture);
        service_notify_ready(notify);
        assert_string_equal(receive(fixture), "READY=1");
        service_notify_close(notify);
        set_service_environment();
    }
}

// Not under systemd: nothing is sent anywhere, and no deadline.
static void test_not_under_systemd(void **state)
{
    struct fixture *fixture = *state;
    unsetenv("NOTIFY_SOCKET");
    fixture->notify = service_notify_open();
    service_notify_ready(fixture->notify);
    service_notify_status(fixture->notify, "playing %s", "a.md");
    service_notify_reloading(fixture->notify, monotime_now_ns());
    service_notify_stopping(fixture->notify);
    assert_int_equal(service_notify_watchdog_deadline_ns(fixture->notify), INT64_MAX);
    service_notify_watchdog(fixture->notify, monotime_now_ns());
    assert_nothing_sent(fixture);
}

// systemd gone (the socket is missing): calls fail quietly, the show goes on.
static void test_missing_socket(void **state)
{
    struct fixture *fixture = *state;
    char missing[sizeof folder + 16];
    snprintf(missing, sizeof missing, "%s/missing.sock", folder);
    setenv("NOTIFY_SOCKET", missing, 1);
    fixture->notify = service_notify_open();
    service_notify_ready(fixture->notify);
    service_notify_status(fixture->notify, "still running");
    service_notify_watchdog(fixture->notify, monotime_now_ns());
    assert_true(service_notify_watchdog_deadline_ns(fixture->notify) < INT64_MAX);
    assert_nothing_sent(fixture);
    service_notify_close(NULL);
}

int main(void)
{
    alarm(60); // a blocked receive fails the test instead of hanging it
    snprintf(folder, sizeof folder, "/tmp/signage-notify-XXXXXX");
    if (!mkdtemp(folder))
        return 1;
    snprintf(socket_path, sizeof socket_path, "%s/" SOCKET_NAME, folder);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ready_and_stopping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_only_when_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_cannot_inject_assignments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reloading, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watchdog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_watchdog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_under_systemd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_socket, setup, teardown),
    };
    int failures = cmocka_run_group_tests(tests, NULL, NULL);
    if (rmdir(folder) != 0)
        failures++;
    return failures;
}
