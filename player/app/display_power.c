// display_power: one child process at a time for the display-off and
// display-on commands; its output collected through a pipe for the log, its
// exit reaped without blocking, a hung one killed at its time limit.
#include "app/display_power.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "platform/signals.h"
#include "show/service_config.h"

#define OUTPUT_MAX_BYTES 400             // what a failure log line quotes of the output
#define REAP_RETRY_NS    (5 * NS_PER_MS) // the child exits right after its output ends

extern char **environ;

enum want {
    WANT_NONE,
    WANT_OFF,
    WANT_ON,
};

struct display_power {
    char *commands[2]; // [0] off, [1] on, as written (for the log); owned, NULL: none
    char **argv[2];    // the same split into words; one allocation each
    // The running command
    pid_t pid; // 0: none
    bool is_on_running;
    int output_fd; // -1 once its output ended
    int64_t deadline_ns;
    bool has_timed_out;
    char output[OUTPUT_MAX_BYTES + 1];
    size_t output_length;
    // What comes next
    enum want waiting;
    enum want last; // what the last started command did
};

struct display_power *display_power_create(const char *off_command, const char *on_command)
{
    if (!off_command && !on_command)
        return NULL;
    struct display_power *power = xcalloc(1, sizeof *power);
    power->output_fd = -1;
    const char *commands[2] = {off_command, on_command};
    for (size_t i = 0; i < 2; i++) {
        if (!commands[i])
            continue;
        const char *why = "";
        power->argv[i] = service_config_command_split(commands[i], &why);
        if (!power->argv[i]) {
            log_error("display-%s = %s: %s", i ? "on" : "off", commands[i], why);
            display_power_destroy(power);
            return NULL;
        }
        power->commands[i] = xstrdup(commands[i]);
    }
    return power;
}

static void close_output(struct display_power *power)
{
    if (power->output_fd >= 0)
        close(power->output_fd);
    power->output_fd = -1;
}

void display_power_destroy(struct display_power *power)
{
    if (!power)
        return;
    if (power->pid > 0) {
        kill(power->pid, SIGKILL);
        waitpid(power->pid, NULL, 0); // SIGKILL cannot be caught: this returns at once
    }
    close_output(power);
    for (size_t i = 0; i < 2; i++) {
        free(power->commands[i]);
        free(power->argv[i]);
    }
    free(power);
}

static const char *what(bool is_on)
{
    return is_on ? "display on" : "display off";
}

// Starts the command for is_on; logs and gives up when it cannot.
static void start(struct display_power *power, bool is_on, int64_t now_ns)
{
    size_t index = is_on ? 1 : 0;
    power->last = is_on ? WANT_ON : WANT_OFF;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        log_error("%s: cannot make a pipe: %s", what(is_on), strerror(errno));
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    int result = signals_spawn_attributes(&attributes);
    pid_t pid = 0;
    char **argv = power->argv[index];
    if (result == 0)
        result = posix_spawnp(&pid, argv[0], &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(pipe_fds[1]);
    if (result != 0) {
        close(pipe_fds[0]);
        log_error("%s: cannot run %s: %s", what(is_on), power->commands[index], strerror(result));
        return;
    }
    fcntl(pipe_fds[0], F_SETFL, fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
    power->pid = pid;
    power->is_on_running = is_on;
    power->output_fd = pipe_fds[0];
    power->deadline_ns = now_ns + DISPLAY_POWER_TIMEOUT_NS;
    power->has_timed_out = false;
    power->output_length = 0;
    power->output[0] = '\0';
    log_info("%s: running %s", what(is_on), power->commands[index]);
}

void display_power_set(struct display_power *power, bool is_on, int64_t now_ns)
{
    if (!power)
        return;
    enum want want = is_on ? WANT_ON : WANT_OFF;
    if (power->pid > 0) {
        power->waiting = want == power->last ? WANT_NONE : want;
        return;
    }
    power->waiting = WANT_NONE;
    if (want != power->last && power->argv[is_on ? 1 : 0])
        start(power, is_on, now_ns);
}

static void read_output(struct display_power *power)
{
    char buffer[1024];
    for (;;) {
        ssize_t n = read(power->output_fd, buffer, sizeof buffer);
        if (n > 0) {
            size_t room = OUTPUT_MAX_BYTES - power->output_length;
            size_t kept = (size_t)n < room ? (size_t)n : room;
            memcpy(power->output + power->output_length, buffer, kept);
            power->output_length += kept;
            power->output[power->output_length] = '\0';
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno != EAGAIN) // the end, or a broken pipe: nothing more comes
            close_output(power);
        return;
    }
}

// The output as one log line: line breaks become "; ", the end trimmed.
static const char *output_line(struct display_power *power)
{
    char *text = power->output;
    size_t length = power->output_length;
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == ' '))
        length--;
    text[length] = '\0';
    for (size_t i = 0; i < length; i++)
        if (text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
            text[i] = ' ';
    return text;
}

static void log_result(struct display_power *power, int status)
{
    const char *command = power->commands[power->is_on_running ? 1 : 0];
    const char *name = what(power->is_on_running);
    const char *output = output_line(power);
    const char *sep = output[0] ? ": " : "";
    if (power->has_timed_out)
        log_error("%s: %s took longer than %lld s and was killed%s%s", name, command,
                  (long long)(DISPLAY_POWER_TIMEOUT_NS / NS_PER_S), sep, output);
    else if (WIFSIGNALED(status))
        log_error("%s: %s was killed by %s%s%s", name, command, strsignal(WTERMSIG(status)), sep,
                  output);
    else if (WEXITSTATUS(status) != 0)
        log_error("%s: %s exited %d%s%s", name, command, WEXITSTATUS(status), sep, output);
    else
        log_info("%s: %s exited 0", name, command);
}

void display_power_handle(struct display_power *power, int64_t now_ns)
{
    if (!power || power->pid <= 0)
        return;
    if (power->output_fd >= 0)
        read_output(power);
    if (now_ns >= power->deadline_ns && !power->has_timed_out) {
        power->has_timed_out = true;
        kill(power->pid, SIGKILL);
    }
    int status = 0;
    // After SIGKILL the wait is immediate; otherwise never block the loop.
    pid_t reaped = waitpid(power->pid, &status, power->has_timed_out ? 0 : WNOHANG);
    if (reaped == 0)
        return;
    if (reaped < 0)
        status = 0xFF00; // reaped elsewhere: count as a failure
    close_output(power); // a grandchild may hold the pipe: its output no longer matters
    log_result(power, status);
    power->pid = 0;
    enum want waiting = power->waiting;
    power->waiting = WANT_NONE;
    if (waiting != WANT_NONE)
        display_power_set(power, waiting == WANT_ON, now_ns);
}

int display_power_fd(const struct display_power *power)
{
    return power && power->pid > 0 ? power->output_fd : -1;
}

int64_t display_power_next_deadline_ns(const struct display_power *power)
{
    if (!power || power->pid <= 0)
        return INT64_MAX;
    if (power->output_fd < 0) // output over: the exit follows within moments
        return monotime_now_ns() + REAP_RETRY_NS;
    return power->deadline_ns;
}
