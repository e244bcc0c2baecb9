// control_server over a real UNIX socket in a temporary folder: the test runs
// the server's poll/dispatch loop itself, with a fake handler, and talks to it
// through plain client sockets and through the real signage-ctl.
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/monotime.h"
#include "io/control_server.h"

#define REPLY_WAIT_MS 5000 // far above any real reply time; a hang fails instead of blocking
#define STATUS_REPLY                                                                               \
    "{\"ok\":true,\"playlist\":\"hallway.playlist\",\"item\":3,\"is_paused\":false}\n"

// The server reads time through monotime_now_ns; this definition replaces
// base's (the linker takes the first definition it meets, and base's object
// file is then never pulled in), so a test can jump the clock forward.
static int64_t clock_offset_ns;

int64_t monotime_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * NS_PER_S + now.tv_nsec + clock_offset_ns;
}

static int64_t real_now_ms(void)
{
    return (monotime_now_ns() - clock_offset_ns) / NS_PER_MS;
}

struct fake_player {
    int n_requests;
    struct control_request last; // a copy of the last request handled
    size_t pad_bytes;            // status replies carry this many extra bytes
};

static void fake_handle(void *context, const struct control_request *request,
                        struct control_reply *reply)
{
    struct fake_player *player = context;
    player->n_requests++;
    player->last = *request;
    switch (request->verb) {
    case CONTROL_VERB_STATUS:
        control_reply_add_string(reply, "playlist", "hallway.playlist");
        control_reply_add_int(reply, "item", 3);
        control_reply_add_bool(reply, "is_paused", false);
        if (player->pad_bytes > 0) {
            char *pad = calloc(player->pad_bytes + 1, 1);
            memset(pad, 'p', player->pad_bytes);
            control_reply_add_string(reply, "pad", pad);
            free(pad);
        }
        break;
    case CONTROL_VERB_SCREENSHOT:
        control_reply_set_error(reply, "cannot write %s: Read-only file system", request->path);
        break;
    case CONTROL_VERB_ANNOUNCE:
        control_reply_add_string(reply, "text", request->text);
        control_reply_add_int(reply, "for_ms", request->duration_ms);
        break;
    default:
        break;
    }
}

static char folder[PATH_MAX];
static char socket_path[PATH_MAX + 32];

struct fixture {
    struct control_server *server;
    struct fake_player player;
};

static int setup(void **state)
{
    struct fixture *fixture = calloc(1, sizeof *fixture);
    char error[256];
    fixture->server = control_server_open(socket_path, error, sizeof error);
    if (!fixture->server) {
        fprintf(stderr, "control_server_open: %s\n", error);
        free(fixture);
        return -1;
    }
    clock_offset_ns = 0;
    *state = fixture;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fixture = *state;
    control_server_close(fixture->server);
    free(fixture);
    return 0;
}

// One turn of the main loop: poll the server's fds (at most timeout_ms), then
// dispatch. Returns how long dispatch took, in ms.
static int64_t pump(struct fixture *fixture, int timeout_ms)
{
    struct pollfd fds[CONTROL_SERVER_POLL_FDS_MAX];
    size_t n_fds = control_server_poll_fds(fixture->server, fds, CONTROL_SERVER_POLL_FDS_MAX);
    assert_int_not_equal(poll(fds, (nfds_t)n_fds, timeout_ms), -1);
    int64_t start_ms = real_now_ms();
    control_server_dispatch(fixture->server, fds, n_fds, fake_handle, &fixture->player);
    return real_now_ms() - start_ms;
}

static int connect_client(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    strcpy(address.sun_path, socket_path);
    if (connect(fd, (const struct sockaddr *)&address, sizeof address) != 0)
        fail_msg("connect %s: %s", socket_path, strerror(errno));
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

static void send_text(int fd, const char *text, size_t length)
{
    while (length > 0) {
        ssize_t n = send(fd, text, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN)
            continue;
        if (n < 0)
            fail_msg("send: %s", strerror(errno));
        text += n;
        length -= (size_t)n;
    }
}

static void send_line(int fd, const char *text)
{
    send_text(fd, text, strlen(text));
}

// Pumps the server until fd has a whole line; returns it (static storage).
static const char *read_reply(struct fixture *fixture, int fd)
{
    static char line[1 << 20];
    size_t length = 0;
    int64_t deadline_ms = real_now_ms() + REPLY_WAIT_MS;
    while (real_now_ms() < deadline_ms) {
        ssize_t n = recv(fd, line + length, 1, 0); // a byte at a time: stop at the '\n'
        if (n == 1 && line[length++] == '\n') {
            line[length] = '\0';
            return line;
        }
        if (n == 1)
            continue;
        if (n == 0 || errno != EAGAIN)
            fail_msg("connection ended before a reply (%s)", n == 0 ? "EOF" : strerror(errno));
        pump(fixture, 10);
    }
    fail_msg("no reply within %d ms", REPLY_WAIT_MS);
    return NULL;
}

// Pumps the server until fd reads end-of-stream (or a reset after it).
static void expect_closed(struct fixture *fixture, int fd)
{
    int64_t deadline_ms = real_now_ms() + REPLY_WAIT_MS;
    while (real_now_ms() < deadline_ms) {
        char byte;
        ssize_t n = recv(fd, &byte, 1, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return;
        if (n == 1)
            fail_msg("unexpected byte 0x%02x where the end was due", (unsigned char)byte);
        pump(fixture, 10);
    }
    fail_msg("the server did not close the connection within %d ms", REPLY_WAIT_MS);
}

// Pumps for a while and checks nothing arrives on fd.
static void expect_silence(struct fixture *fixture, int fd)
{
    for (int i = 0; i < 5; i++)
        pump(fixture, 10);
    char byte;
    assert_int_equal(recv(fd, &byte, 1, 0), -1);
    assert_int_equal(errno, EAGAIN);
}

static void test_status_round_trip(void **state)
{
    struct fixture *fixture = *state;
    int fd = connect_client();
    send_line(fd, "status\n");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    assert_int_equal(fixture->player.n_requests, 1);
    assert_int_equal(fixture->player.last.verb, CONTROL_VERB_STATUS);
    send_line(fd, "pause\r\n"); // the connection stays open for more
    assert_string_equal(read_reply(fixture, fd), "{\"ok\":true}\n");
    assert_int_equal(fixture->player.last.verb, CONTROL_VERB_PAUSE);
    close(fd);
}

static void test_two_requests_in_one_write(void **state)
{
    struct fixture *fixture = *state;
    int fd = connect_client();
    send_line(fd, "next\nannounce --for 5s Hi \"there\"\n");
    assert_string_equal(read_reply(fixture, fd), "{\"ok\":true}\n");
    assert_string_equal(read_reply(fixture, fd),
                        "{\"ok\":true,\"text\":\"Hi \\\"there\\\"\",\"for_ms\":5000}\n");
    assert_int_equal(fixture->player.n_requests, 2);
    close(fd);
}

static void test_request_split_over_writes(void **state)
{
    struct fixture *fixture = *state;
    int fd = connect_client();
    send_line(fd, "sta");
    expect_silence(fixture, fd);
    assert_int_equal(fixture->player.n_requests, 0);
    send_line(fd, "tus\nscreen");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    send_line(fd, "shot /tmp/a b.png\n");
    assert_string_equal(read_reply(fixture, fd),
                        "{\"ok\":false,\"error\":\"cannot write /tmp/a b.png: Read-only file "
                        "system\"}\n");
    assert_string_equal(fixture->player.last.path, "/tmp/a b.png");
    send_line(fd, "status\n"); // an error from the handler keeps the connection
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    close(fd);
}

static void test_garbage_gets_error_and_close(void **state)
{
    struct fixture *fixture = *state;
    struct {
        const char *request;
        const char *reply;
    } cases[] = {
        {"stauts\nstatus\n",
         "{\"ok\":false,\"error\":\"unknown verb 'stauts' (known: status, next, prev, pause, "
         "resume, reload, screenshot, announce, schedule, restart)\"}\n"},
        {"\xff\xfe\x00\x01\n", "{\"ok\":false,\"error\":\"request is not valid UTF-8\"}\n"},
        {"announce \x1b[2J\n",
         "{\"ok\":false,\"error\":\"request contains a control character (0x1b)\"}\n"},
        {"\n", "{\"ok\":false,\"error\":\"empty request\"}\n"},
        {"GET / HTTP/1.1\r\n",
         "{\"ok\":false,\"error\":\"unknown verb 'GET' (known: status, next, prev, pause, "
         "resume, reload, screenshot, announce, schedule, restart)\"}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int fd = connect_client();
        size_t length = i == 1 ? 5 : strlen(cases[i].request);
        send_text(fd, cases[i].request, length);
        assert_string_equal(read_reply(fixture, fd), cases[i].reply);
        expect_closed(fixture, fd); // nothing after the bad line is answered
        close(fd);
    }
    assert_int_equal(fixture->player.n_requests, 0);
}

static void test_oversized_request(void **state)
{
    struct fixture *fixture = *state;
    int fd = connect_client();
    char big[5000];
    memset(big, 'x', sizeof big);
    send_text(fd, big, sizeof big);
    assert_string_equal(read_reply(fixture, fd), "{\"ok\":false,\"error\":\"request too long\"}\n");
    expect_closed(fixture, fd);
    close(fd);

    // The longest request allowed, 4096 bytes with its '\n', is fine.
    fd = connect_client();
    char longest[CONTROL_REQUEST_MAX_BYTES + 1];
    size_t path_length = CONTROL_REQUEST_MAX_BYTES - strlen("screenshot .png\n");
    snprintf(longest, sizeof longest, "screenshot /%.*s.png\n", (int)path_length - 1, big);
    assert_int_equal(strlen(longest), CONTROL_REQUEST_MAX_BYTES);
    send_line(fd, longest);
    assert_non_null(strstr(read_reply(fixture, fd), "cannot write /xxx"));
    assert_int_equal(strlen(fixture->player.last.path), path_length + strlen(".png"));
    close(fd);
}

// A request without its '\n' followed by a half-close is still answered, as
// `printf status | nc -U` expects.
static void test_last_line_without_newline(void **state)
{
    struct fixture *fixture = *state;
    int fd = connect_client();
    send_line(fd, "next\nstatus");
    shutdown(fd, SHUT_WR);
    assert_string_equal(read_reply(fixture, fd), "{\"ok\":true}\n");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    expect_closed(fixture, fd);
    close(fd);
}

static bool is_hung_up(int fd)
{
    struct pollfd poll_fd = {.fd = fd, .events = 0};
    return poll(&poll_fd, 1, 0) == 1 && (poll_fd.revents & POLLHUP);
}

// A client that sends requests and never reads the replies: the server keeps
// serving the others at full speed, then drops it.
static void test_stuck_client_does_not_block(void **state)
{
    struct fixture *fixture = *state;
    fixture->player.pad_bytes = 8000; // fill the socket buffers in a few requests
    int stuck = connect_client();
    int healthy = connect_client();
    int n_sent = 0;
    bool is_dropped = false;
    for (int round = 0; round < 200 && !is_dropped; round++) {
        for (int i = 0; i < 4; i++) {
            if (send(stuck, "status\n", 7, MSG_NOSIGNAL) == 7)
                n_sent++;
        }
        int64_t dispatch_ms = pump(fixture, 10);
        assert_true(dispatch_ms < 500);
        send_line(healthy, "status\n");
        assert_non_null(strstr(read_reply(fixture, healthy), "\"item\":3"));
        is_dropped = is_hung_up(stuck);
    }
    assert_true(is_dropped);
    // What the stuck client finally reads is whole replies, fewer than it asked for.
    int n_replies = 0;
    char buffer[65536];
    ssize_t n;
    while ((n = recv(stuck, buffer, sizeof buffer, 0)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            n_replies += buffer[i] == '\n';
    }
    assert_true(n_replies > 0);
    assert_true(n_replies < n_sent);
    close(stuck);
    send_line(healthy, "next\n");
    assert_string_equal(read_reply(fixture, healthy), "{\"ok\":true}\n");
    close(healthy);
}

static void test_client_limit(void **state)
{
    struct fixture *fixture = *state;
    int fds[CONTROL_CLIENTS_MAX];
    for (int i = 0; i < CONTROL_CLIENTS_MAX; i++) {
        fds[i] = connect_client();
        send_line(fds[i], "status\n");
        assert_string_equal(read_reply(fixture, fds[i]), STATUS_REPLY);
    }
    int extra = connect_client();
    assert_string_equal(read_reply(fixture, extra),
                        "{\"ok\":false,\"error\":\"too many control clients; try again "
                        "later\"}\n");
    expect_closed(fixture, extra);
    close(extra);
    close(fds[0]);
    fds[0] = connect_client(); // a freed slot is usable at once
    send_line(fds[0], "status\n");
    assert_string_equal(read_reply(fixture, fds[0]), STATUS_REPLY);
    for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
        close(fds[i]);
}

static void test_socket_file(void **state)
{
    struct fixture *fixture = *state;
    struct stat info;
    assert_int_equal(lstat(socket_path, &info), 0);
    assert_true(S_ISSOCK(info.st_mode));
    assert_int_equal(info.st_mode & 07777, 0660);
    struct group *signage = getgrnam("signage");
    if (signage && geteuid() == 0)
        assert_int_equal(info.st_gid, signage->gr_gid);

    // Closing removes the file; opening again over a dead socket file works.
    control_server_close(fixture->server);
    assert_int_equal(lstat(socket_path, &info), -1);
    int stale = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    strcpy(address.sun_path, socket_path);
    assert_int_equal(bind(stale, (const struct sockaddr *)&address, sizeof address), 0);
    close(stale); // the file stays, nobody listens: what a crashed player leaves
    assert_int_equal(lstat(socket_path, &info), 0);
    char error[256];
    fixture->server = control_server_open(socket_path, error, sizeof error);
    if (!fixture->server)
        fail_msg("reopening over a stale socket: %s", error);
    int fd = connect_client();
    send_line(fd, "status\n");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    close(fd);
}

static void test_socket_path_refusals(void **state)
{
    struct fixture *fixture = *state;
    char error[256];
    // A live server is not replaced.
    assert_null(control_server_open(socket_path, error, sizeof error));
    assert_non_null(strstr(error, "another process is listening on"));
    int fd = connect_client();
    send_line(fd, "status\n");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    close(fd);

    // Nor is a file that is not a socket.
    char file_path[PATH_MAX + 32];
    snprintf(file_path, sizeof file_path, "%s/not-a-socket", folder);
    FILE *file = fopen(file_path, "w");
    fputs("keep me", file);
    fclose(file);
    assert_null(control_server_open(file_path, error, sizeof error));
    assert_non_null(strstr(error, "exists and is not a socket"));
    struct stat info;
    assert_int_equal(stat(file_path, &info), 0);
    assert_int_equal(info.st_size, 7);
    unlink(file_path);

    char long_path[200];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    assert_null(control_server_open(long_path, error, sizeof error));
    assert_non_null(strstr(error, "longer than 107 bytes"));
    assert_null(control_server_open("/nonexistent-folder/control.sock", error, sizeof error));
    assert_non_null(strstr(error, "cannot bind /nonexistent-folder/control.sock"));
}

// Our own uid is accepted (every other test relies on it); as root, a peer
// with another uid is refused by SO_PEERCRED even when the file lets it in.
static void test_peer_credentials(void **state)
{
    struct fixture *fixture = *state;
    int fd = connect_client();
    send_line(fd, "status\n");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    close(fd);
    if (geteuid() != 0) {
        print_message("not root: skipping the refused-uid check\n");
        return;
    }
    assert_int_equal(chmod(folder, 0755), 0);
    assert_int_equal(chmod(socket_path, 0666), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(10);
        int client = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un address = {.sun_family = AF_UNIX};
        strcpy(address.sun_path, socket_path);
        if (connect(client, (const struct sockaddr *)&address, sizeof address) != 0)
            _exit(11);
        char reply[256] = "";
        size_t length = 0;
        ssize_t n;
        while (length < sizeof reply - 1 &&
               (n = recv(client, reply + length, sizeof reply - 1 - length, 0)) > 0)
            length += (size_t)n;
        _exit(strcmp(reply, "{\"ok\":false,\"error\":\"permission denied\"}\n") == 0 ? 0 : 12);
    }
    int status;
    int64_t deadline_ms = real_now_ms() + REPLY_WAIT_MS;
    while (waitpid(child, &status, WNOHANG) == 0) {
        assert_true(real_now_ms() < deadline_ms);
        pump(fixture, 10);
    }
    chmod(folder, 0700);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(fixture->player.n_requests, 1);
}

// A client stuck mid-request is dropped after CONTROL_CLIENT_IDLE_MAX_NS; an
// idle client between requests is not.
static void test_idle_timeout(void **state)
{
    struct fixture *fixture = *state;
    int idle = connect_client();
    send_line(idle, "status\n");
    assert_string_equal(read_reply(fixture, idle), STATUS_REPLY);
    assert_int_equal(control_server_next_deadline_ns(fixture->server), INT64_MAX);

    int stuck = connect_client();
    send_line(stuck, "stat");
    expect_silence(fixture, stuck);
    int64_t deadline_ns = control_server_next_deadline_ns(fixture->server);
    int64_t now_ns = monotime_now_ns();
    assert_true(deadline_ns > now_ns + CONTROL_CLIENT_IDLE_MAX_NS - NS_PER_S);
    assert_true(deadline_ns <= now_ns + CONTROL_CLIENT_IDLE_MAX_NS);

    clock_offset_ns = deadline_ns - now_ns + NS_PER_MS; // just past the deadline
    pump(fixture, 0);
    expect_closed(fixture, stuck);
    close(stuck);
    assert_int_equal(control_server_next_deadline_ns(fixture->server), INT64_MAX);
    send_line(idle, "status\n");
    assert_string_equal(read_reply(fixture, idle), STATUS_REPLY);
    close(idle);
}

static void test_poll_fds(void **state)
{
    struct fixture *fixture = *state;
    struct pollfd fds[CONTROL_SERVER_POLL_FDS_MAX];
    assert_int_equal(control_server_poll_fds(fixture->server, fds, 0), 0);
    assert_int_equal(control_server_poll_fds(fixture->server, fds, CONTROL_SERVER_POLL_FDS_MAX), 1);
    assert_int_equal(fds[0].events, POLLIN);
    assert_int_equal(fds[0].revents, 0);
    int fd = connect_client();
    send_line(fd, "status\n");
    assert_string_equal(read_reply(fixture, fd), STATUS_REPLY);
    size_t n_fds = control_server_poll_fds(fixture->server, fds, CONTROL_SERVER_POLL_FDS_MAX);
    assert_int_equal(n_fds, 2);
    assert_int_equal(fds[1].events, POLLIN); // nothing left to send
    int cloexec = fcntl(fds[1].fd, F_GETFD);
    int flags = fcntl(fds[1].fd, F_GETFL);
    assert_true(cloexec & FD_CLOEXEC);
    assert_true(flags & O_NONBLOCK);
    assert_true(fcntl(fds[0].fd, F_GETFD) & FD_CLOEXEC);
    assert_true(fcntl(fds[0].fd, F_GETFL) & O_NONBLOCK);
    close(fd);
    // Dispatching with an empty poll array only looks at deadlines.
    control_server_dispatch(fixture->server, NULL, 0, fake_handle, &fixture->player);
    // Without a control socket the main loop needs no special case.
    assert_int_equal(control_server_poll_fds(NULL, fds, CONTROL_SERVER_POLL_FDS_MAX), 0);
    assert_int_equal(control_server_next_deadline_ns(NULL), INT64_MAX);
    control_server_dispatch(NULL, fds, 0, fake_handle, &fixture->player);
}

struct ctl_result {
    int exit_code;
    char out[4096];
    char err[4096];
};

static void read_file(const char *path, char *text, size_t size)
{
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    size_t n = fread(text, 1, size - 1, file);
    text[n] = '\0';
    fclose(file);
}

// Runs signage-ctl with args (NULL-terminated), pumping the server meanwhile.
static void run_ctl(struct fixture *fixture, const char *env_socket, struct ctl_result *result, ...)
{
    char out_path[PATH_MAX + 32], err_path[PATH_MAX + 32];
    snprintf(out_path, sizeof out_path, "%s/ctl.out", folder);
    snprintf(err_path, sizeof err_path, "%s/ctl.err", folder);
    const char *argv[16] = {SIGNAGE_CTL_PATH};
    int argc = 1;
    va_list args;
    va_start(args, result);
    for (const char *arg; (arg = va_arg(args, const char *)) && argc < 15;)
        argv[argc++] = arg;
    va_end(args);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(err, 2);
        if (env_socket)
            setenv("SIGNAGE_CONTROL_SOCKET", env_socket, 1);
        else
            unsetenv("SIGNAGE_CONTROL_SOCKET");
        execv(SIGNAGE_CTL_PATH, (char *const *)argv);
        _exit(127);
    }
    int status;
    int64_t deadline_ms = real_now_ms() + 2 * REPLY_WAIT_MS;
    while (waitpid(child, &status, WNOHANG) == 0) {
        assert_true(real_now_ms() < deadline_ms);
        pump(fixture, 10);
    }
    assert_true(WIFEXITED(status));
    result->exit_code = WEXITSTATUS(status);
    read_file(out_path, result->out, sizeof result->out);
    read_file(err_path, result->err, sizeof result->err);
}

static void test_signage_ctl(void **state)
{
    struct fixture *fixture = *state;
    static struct ctl_result result;
    run_ctl(fixture, NULL, &result, "--socket", socket_path, "status", NULL);
    assert_int_equal(result.exit_code, 0);
    assert_string_equal(result.out, STATUS_REPLY);
    assert_string_equal(result.err, "");

    run_ctl(fixture, socket_path, &result, "announce", "--for", "5m", "Fire drill", "at 10", NULL);
    assert_int_equal(result.exit_code, 0);
    assert_string_equal(result.out,
                        "{\"ok\":true,\"text\":\"Fire drill at 10\",\"for_ms\":300000}\n");
    assert_string_equal(fixture->player.last.text, "Fire drill at 10");

    run_ctl(fixture, socket_path, &result, "screenshot", "/tmp/lobby \"1\".png", NULL);
    assert_int_equal(result.exit_code, 1);
    assert_string_equal(result.err,
                        "signage-ctl: cannot write /tmp/lobby \"1\".png: Read-only file system\n");

    run_ctl(fixture, socket_path, &result, "screenshot", "shot.png", NULL); // made absolute
    assert_int_equal(result.exit_code, 1);
    assert_int_equal(fixture->player.last.path[0], '/');
    assert_non_null(strstr(fixture->player.last.path, "/shot.png"));

    int n_requests = fixture->player.n_requests;
    run_ctl(fixture, socket_path, &result, "stauts", NULL);
    assert_int_equal(result.exit_code, 2);
    assert_non_null(strstr(result.err, "signage-ctl: unknown verb 'stauts'"));
    run_ctl(fixture, socket_path, &result, "announce", "--for", "1.5s", "x", NULL);
    assert_int_equal(result.exit_code, 2);
    run_ctl(fixture, socket_path, &result, NULL);
    assert_int_equal(result.exit_code, 2);
    run_ctl(fixture, socket_path, &result, "--bogus", "status", NULL);
    assert_int_equal(result.exit_code, 2);
    assert_int_equal(fixture->player.n_requests, n_requests); // usage errors never connect

    char missing[PATH_MAX + 32];
    snprintf(missing, sizeof missing, "%s/missing.sock", folder);
    run_ctl(fixture, socket_path, &result, "--socket", missing, "next", NULL);
    assert_int_equal(result.exit_code, 3);
    assert_non_null(strstr(result.err, "is signage-player running? cannot connect to"));
    assert_non_null(strstr(result.err, "missing.sock: No such file or directory"));

    run_ctl(fixture, NULL, &result, "--help", NULL);
    assert_int_equal(result.exit_code, 0);
    assert_non_null(strstr(result.out, "Usage: signage-ctl"));
}

int main(void)
{
    alarm(120); // a server that blocks fails the test instead of hanging it
    snprintf(folder, sizeof folder, "/tmp/signage-control-XXXXXX");
    if (!mkdtemp(folder))
        return 1;
    snprintf(socket_path, sizeof socket_path, "%s/control.sock", folder);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_status_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_requests_in_one_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_split_over_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_gets_error_and_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_line_without_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stuck_client_does_not_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_path_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_fds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signage_ctl, setup, teardown),
    };
    int failures = cmocka_run_group_tests(tests, NULL, NULL);
    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", folder);
    if (system(command) != 0)
        failures++;
    return failures;
}
