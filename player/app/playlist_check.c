// playlist_check: one child process running --check, its stderr collected
// through a pipe, reaped without blocking.
#include "app/playlist_check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "platform/signals.h"

#define PLAYLIST_CHECK_OUTPUT_MAX_BYTES (64 * 1024)     // hundreds of problems; more adds nothing
#define PLAYLIST_CHECK_REAP_RETRY_NS    (5 * NS_PER_MS) // the child exits right after its output

extern char **environ;

struct playlist_check {
    pid_t pid; // 0 once reaped
    int output_fd;
    int64_t deadline_ns; // the time-out
    bool is_over, is_valid, has_timed_out;
    char *output;
    size_t output_length;
};

static void append(struct playlist_check *check, const char *data, size_t length)
{
    size_t room = PLAYLIST_CHECK_OUTPUT_MAX_BYTES - check->output_length;
    length = length < room ? length : room;
    memcpy(check->output + check->output_length, data, length);
    check->output_length += length;
    check->output[check->output_length] = '\0';
}

struct playlist_check *playlist_check_start(const char *playlist_path, const char *content_root,
                                            int64_t now_ns, char *error, size_t error_size)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "cannot make a pipe: %s", strerror(errno));
        return NULL;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    int result = signals_spawn_attributes(&attributes);
    // /proc/self/exe: the very binary that is running, even if a newer one
    // was installed over it since (its checks are the ones this loop obeys).
    char *argv[] = {"signage-player",      "--check", "--content", (char *)content_root, "--",
                    (char *)playlist_path, NULL};
    pid_t pid = 0;
    if (result == 0)
        result = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(pipe_fds[1]);
    if (result != 0) {
        close(pipe_fds[0]);
        snprintf(error, error_size, "cannot start the check: %s", strerror(result));
        return NULL;
    }
    fcntl(pipe_fds[0], F_SETFL, fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
    struct playlist_check *check = xcalloc(1, sizeof *check);
    check->pid = pid;
    check->output_fd = pipe_fds[0];
    check->deadline_ns = now_ns + PLAYLIST_CHECK_TIMEOUT_NS;
    check->output = xcalloc(1, PLAYLIST_CHECK_OUTPUT_MAX_BYTES + 1);
    check->output[0] = '\0';
    return check;
}

void playlist_check_destroy(struct playlist_check *check)
{
    if (!check)
        return;
    if (check->pid > 0) {
        kill(check->pid, SIGKILL);
        waitpid(check->pid, NULL, 0); // SIGKILL cannot be caught: this returns at once
    }
    if (check->output_fd >= 0)
        close(check->output_fd);
    free(check->output);
    free(check);
}

int playlist_check_fd(const struct playlist_check *check)
{
    return check->output_fd;
}

int64_t playlist_check_next_deadline_ns(const struct playlist_check *check)
{
    if (check->is_over)
        return INT64_MAX;
    if (check->output_fd < 0) // output over: the exit follows within moments
        return monotime_now_ns() + PLAYLIST_CHECK_REAP_RETRY_NS;
    return check->deadline_ns;
}

static void read_output(struct playlist_check *check)
{
    char buffer[4096];
    for (;;) {
        ssize_t n = read(check->output_fd, buffer, sizeof buffer);
        if (n > 0) {
            append(check, buffer, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno != EAGAIN) { // the end, or a pipe that broke: nothing more comes
            close(check->output_fd);
            check->output_fd = -1;
        }
        return;
    }
}

static void finish(struct playlist_check *check, int status)
{
    check->pid = 0;
    check->is_over = true;
    check->is_valid = !check->has_timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (check->is_valid)
        return;
    char why[160] = "";
    if (check->has_timed_out)
        snprintf(why, sizeof why, "the check took longer than %lld s and was stopped\n",
                 (long long)(PLAYLIST_CHECK_TIMEOUT_NS / NS_PER_S));
    else if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "the check crashed (%s)\n", strsignal(WTERMSIG(status)));
    else if (check->output_length == 0)
        snprintf(why, sizeof why, "the check failed with exit status %d and said nothing\n",
                 WEXITSTATUS(status));
    append(check, why, strlen(why));
}

bool playlist_check_handle(struct playlist_check *check, int64_t now_ns)
{
    if (check->is_over)
        return true;
    if (check->output_fd >= 0)
        read_output(check);
    if (now_ns >= check->deadline_ns && !check->has_timed_out) {
        check->has_timed_out = true;
        kill(check->pid, SIGKILL);
    }
    if (check->output_fd >= 0 && !check->has_timed_out)
        return false;
    int status = 0;
    pid_t reaped = waitpid(check->pid, &status, check->has_timed_out ? 0 : WNOHANG);
    if (reaped == 0)
        return false;
    if (reaped < 0)
        status = 0xFF00; // already reaped elsewhere: count as a failed check
    finish(check, status);
    return true;
}

bool playlist_check_is_valid(const struct playlist_check *check)
{
    return check->is_over && check->is_valid;
}

bool playlist_check_fingerprint(const struct playlist_check *check, uint64_t *fingerprint)
{
    static const char marker[] = "(fingerprint ";
    const char *at = check->is_valid ? strstr(check->output, marker) : NULL;
    if (!at)
        return false;
    char *end;
    unsigned long long value = strtoull(at + sizeof marker - 1, &end, 16);
    if (*end != ')')
        return false;
    *fingerprint = (uint64_t)value;
    return true;
}

const char *playlist_check_problems(const struct playlist_check *check)
{
    return check->is_valid ? "" : check->output;
}
