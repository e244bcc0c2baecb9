// signage-ctl: sends one request to signage-player's control socket and prints
// the JSON reply. The request is checked here first with the player's own
// parser, so a typo is a usage error that never reaches the player.
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/monotime.h"
#include "base/xalloc.h"
#include "io/control_request.h"

#define DEFAULT_SOCKET_PATH "/run/signage/control.sock"
#define SOCKET_ENV          "SIGNAGE_CONTROL_SOCKET"
#define REPLY_TIMEOUT_S     5  // the player answers within one loop iteration; 5 s means stuck
#define RELOAD_WAIT_S       90 // the player's own check gives up after 60 s
#define RELOAD_POLL_NS      (100 * NS_PER_MS)
#define REPLY_MAX_BYTES     (4 * CONTROL_REPLY_MAX_BYTES) // more is not a reply from our server

enum exit_code {
    EXIT_CODE_OK = 0,
    EXIT_CODE_FAILED = 1,
    EXIT_CODE_USAGE = 2,
    EXIT_CODE_UNREACHABLE = 3,
};

static const char usage_text[] =
    "Usage: signage-ctl [--socket PATH] VERB [ARGS...]\n"
    "Sends one request to a running signage-player and prints its reply, one line of JSON.\n"
    "\n"
    "  status                      what is playing: playlist, item, position, uptime,\n"
    "                              last error, decoder, fps, dropped frames\n"
    "  next, prev                  go to the next or previous item\n"
    "  pause, resume               hold the current item, or go on\n"
    "  reload                      check the playlist and its files again and switch to\n"
    "                              it if it passes; waits for the verdict (exit 1 and the\n"
    "                              first FILE:LINE problem when it was rejected)\n"
    "  screenshot FILE.png         save the picture on screen (the player writes the file)\n"
    "  announce [--for DURATION] TEXT\n"
    "                              show TEXT as a banner until cleared, or for DURATION\n"
    "                              (1500ms, 30s, 5m, 2h); -- before a TEXT starting with --\n"
    "  announce --clear            remove the banner\n"
    "  schedule                    today's plan: which schedule section plays from when\n"
    "                              to when (00:00-24:00, local time), and which is active\n"
    "  restart                     start the player again in place: it reads signage.conf\n"
    "                              and looks for screens anew, then plays from the top\n"
    "\n"
    "  --socket PATH               the player's control socket (default: $" SOCKET_ENV ",\n"
    "                              else " DEFAULT_SOCKET_PATH ")\n"
    "  --version                   print the version and exit\n"
    "  --help                      print this help and exit\n"
    "\n"
    "Exit status: 0 done; 1 the player answered with an error (printed on stderr);\n"
    "2 usage error; 3 the player cannot be reached (no socket, or no reply within 5 s).\n";

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *format, ...)
{
    fprintf(stderr, "signage-ctl: ");
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\nTry 'signage-ctl --help'.\n");
    return EXIT_CODE_USAGE;
}

// VERB and ARGS joined by single spaces; a relative screenshot path is made
// absolute against the current folder, since the player has another one.
static char *join_request(char **words, int n_words)
{
    char *cwd = NULL;
    if (n_words >= 2 && strcmp(words[0], "screenshot") == 0 && words[1][0] != '/')
        cwd = getcwd(NULL, 0);
    size_t size = 1 + (cwd ? strlen(cwd) + 1 : 0);
    for (int i = 0; i < n_words; i++)
        size += strlen(words[i]) + 1;
    char *line = xcalloc(size, 1);
    for (int i = 0; i < n_words; i++) {
        if (i > 0)
            strcat(line, " ");
        if (i == 1 && cwd) {
            strcat(line, cwd);
            strcat(line, "/");
        }
        strcat(line, words[i]);
    }
    free(cwd);
    return line;
}

static int cannot_reach(const char *format, ...) __attribute__((format(printf, 1, 2)));

static int cannot_reach(const char *format, ...)
{
    fprintf(stderr, "signage-ctl: ");
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    return EXIT_CODE_UNREACHABLE;
}

// Connects to path, blocking at most REPLY_TIMEOUT_S when its backlog is full.
// Returns the fd, or -errno.
static int connect_to(const char *path)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path)
        return -ENAMETOOLONG;
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct timeval timeout = {.tv_sec = REPLY_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (const struct sockaddr *)&address, sizeof address) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

static int send_all(int fd, const char *bytes, size_t length)
{
    while (length > 0) {
        ssize_t n = send(fd, bytes, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        bytes += n;
        length -= (size_t)n;
    }
    return 0;
}

// Reads until the first '\n' (kept) or the deadline. Returns the reply line
// (caller frees), or NULL with *error set: -ETIMEDOUT, -ECONNRESET when the
// connection ended without a whole line, -EMSGSIZE, or another -errno.
static char *receive_line(int fd, int64_t deadline_ns, int *error)
{
    size_t capacity = 4096, length = 0;
    char *line = xcalloc(capacity + 1, 1);
    for (;;) {
        int64_t left_ns = deadline_ns - monotime_now_ns();
        if (left_ns <= 0) {
            *error = -ETIMEDOUT;
            break;
        }
        struct pollfd poll_fd = {.fd = fd, .events = POLLIN};
        int ready = poll(&poll_fd, 1, (int)((left_ns + NS_PER_MS - 1) / NS_PER_MS));
        if (ready < 0 && errno != EINTR) {
            *error = -errno;
            break;
        }
        if (ready <= 0)
            continue;
        if (length == capacity) {
            if (capacity >= REPLY_MAX_BYTES) {
                *error = -EMSGSIZE;
                break;
            }
            capacity *= 2;
            line = xreallocarray(line, capacity + 1, 1);
        }
        ssize_t n = recv(fd, line + length, capacity - length, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *error = n == 0 ? -ECONNRESET : -errno;
            break;
        }
        char *newline = memchr(line + length, '\n', (size_t)n);
        length += (size_t)n;
        if (newline) {
            newline[1] = '\0';
            return line;
        }
    }
    free(line);
    return NULL;
}

// Appends code point value as UTF-8 to out.
static void put_utf8(unsigned value, FILE *out)
{
    if (value < 0x80) {
        fputc((int)value, out);
    } else if (value < 0x800) {
        fputc((int)(0xC0 | (value >> 6)), out);
        fputc((int)(0x80 | (value & 0x3F)), out);
    } else {
        fputc((int)(0xE0 | (value >> 12)), out);
        fputc((int)(0x80 | ((value >> 6) & 0x3F)), out);
        fputc((int)(0x80 | (value & 0x3F)), out);
    }
}

// Prints the JSON string that starts at text (just past its opening quote),
// unescaped, up to its closing quote. \u escapes outside the BMP's
// non-surrogate range print as U+FFFD: the server never sends them.
static void print_json_string(const char *text, FILE *out)
{
    for (; *text && *text != '"'; text++) {
        if (*text != '\\') {
            fputc(*text, out);
            continue;
        }
        text++;
        switch (*text) {
        case 'n':
            fputc('\n', out);
            break;
        case 't':
            fputc('\t', out);
            break;
        case 'r':
            fputc('\r', out);
            break;
        case 'b':
            fputc('\b', out);
            break;
        case 'f':
            fputc('\f', out);
            break;
        case 'u': {
            unsigned value = 0;
            if (sscanf(text + 1, "%4x", &value) != 1 || (value >= 0xD800 && value <= 0xDFFF))
                value = 0xFFFD;
            put_utf8(value, out);
            for (int i = 0; i < 4 && text[1]; i++)
                text++;
            break;
        }
        case '\0':
            return;
        default: // '"', '\\', '/'
            fputc(*text, out);
            break;
        }
    }
}

static int report_reply(const char *reply)
{
    fputs(reply, stdout);
    fflush(stdout);
    if (strncmp(reply, "{\"ok\":true", 10) == 0)
        return EXIT_CODE_OK;
    static const char error_key[] = "\"error\":\"";
    const char *error = strstr(reply, error_key);
    fputs("signage-ctl: ", stderr);
    if (error)
        print_json_string(error + sizeof error_key - 1, stderr);
    else
        fputs("the player sent a reply without an error message", stderr);
    fputc('\n', stderr);
    return EXIT_CODE_FAILED;
}

// Sends line and reads the one-line reply into *reply (caller frees).
// Returns EXIT_CODE_OK, or EXIT_CODE_UNREACHABLE after saying why.
static int exchange(const char *path, const char *line, char **reply)
{
    int64_t deadline_ns = monotime_now_ns() + REPLY_TIMEOUT_S * NS_PER_S;
    int fd = connect_to(path);
    if (fd < 0)
        return cannot_reach("is signage-player running? cannot connect to %s: %s", path,
                            strerror(-fd));
    char *request = xasprintf("%s\n", line);
    int error = send_all(fd, request, strlen(request));
    free(request);
    // A player that refuses the peer answers at once and hangs up, which can
    // break the send: its one line still explains why, so read it anyway.
    if (error == 0 || error == -EPIPE || error == -ECONNRESET) {
        int receive_error = 0;
        *reply = receive_line(fd, deadline_ns, &receive_error);
        if (!*reply && error == 0)
            error = receive_error;
    }
    close(fd);
    if (!*reply && error == -ETIMEDOUT)
        return cannot_reach("no reply from %s within %d s; is signage-player stuck?", path,
                            REPLY_TIMEOUT_S);
    if (!*reply)
        return cannot_reach("%s closed the connection without a reply: %s", path, strerror(-error));
    return EXIT_CODE_OK;
}

// A reload is checked in the background; wait for the verdict so the admin
// who published a playlist learns here whether it was taken (exit 0) or
// rejected (exit 1, with the first FILE:LINE problem).
static int wait_for_reload(const char *path)
{
    int64_t deadline_ns = monotime_now_ns() + RELOAD_WAIT_S * NS_PER_S;
    for (;;) {
        char *reply = NULL;
        int code = exchange(path, "status", &reply);
        if (code != EXIT_CODE_OK)
            return code;
        bool is_checking = strstr(reply, "\"reload\":\"checking\"") != NULL;
        if (!is_checking || monotime_now_ns() >= deadline_ns) {
            code = report_reply(reply);
            if (code == EXIT_CODE_OK && strstr(reply, "\"reload\":\"rejected\"")) {
                static const char key[] = "\"reload_error\":\"";
                const char *problem = strstr(reply, key);
                fputs("signage-ctl: the playlist was rejected and the old one plays on: ", stderr);
                if (problem)
                    print_json_string(problem + sizeof key - 1, stderr);
                fputc('\n', stderr);
                code = EXIT_CODE_FAILED;
            } else if (code == EXIT_CODE_OK && is_checking) {
                fprintf(stderr, "signage-ctl: still checking after %d s\n", RELOAD_WAIT_S);
                code = EXIT_CODE_FAILED;
            }
            free(reply);
            return code;
        }
        free(reply);
        nanosleep(&(struct timespec){.tv_nsec = RELOAD_POLL_NS}, NULL);
    }
}

static int run(const char *path, const char *line, bool is_reload)
{
    char *reply = NULL;
    int code = exchange(path, line, &reply);
    if (code != EXIT_CODE_OK)
        return code;
    if (is_reload && strncmp(reply, "{\"ok\":true", 10) == 0) {
        free(reply);
        return wait_for_reload(path);
    }
    code = report_reply(reply);
    free(reply);
    return code;
}

int main(int argc, char **argv)
{
    const char *path = getenv(SOCKET_ENV);
    if (!path || !*path)
        path = DEFAULT_SOCKET_PATH;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return EXIT_CODE_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("signage-ctl %s\n", SIGNAGE_VERSION);
            return EXIT_CODE_OK;
        } else if (strcmp(argv[i], "--socket") == 0) {
            if (++i == argc)
                return usage_error("--socket needs a path");
            path = argv[i];
        } else if (strncmp(argv[i], "--socket=", 9) == 0) {
            path = argv[i] + 9;
        } else {
            return usage_error("unknown option '%s'", argv[i]);
        }
    }
    if (i == argc)
        return usage_error("no request given (status, next, prev, pause, resume, reload, "
                           "screenshot, announce, schedule, restart)");
    if (!*path)
        return usage_error("--socket needs a path");
    char *line = join_request(argv + i, argc - i);
    static struct control_request request; // 8 KiB: off the stack
    char error[512];
    if (control_request_parse(line, strlen(line), &request, error, sizeof error) != 0) {
        free(line);
        return usage_error("%s", error);
    }
    int code = run(path, line, request.verb == CONTROL_VERB_RELOAD);
    free(line);
    return code;
}
