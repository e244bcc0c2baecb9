// display_power: turns the screen off and on with the administrator's
// commands (display-off, display-on in signage.conf: cec-ctl, vcgencmd
// display_power, wlr-randr). One child process at a time, run with a time
// limit and reaped without blocking; it never decides when, app does.
#ifndef SIGNAGE_APP_DISPLAY_POWER_H
#define SIGNAGE_APP_DISPLAY_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/monotime.h"

// A command still running after this long is killed (SIGKILL): a CEC bus or
// a compositor that does not answer must not hold the next change back.
#define DISPLAY_POWER_TIMEOUT_NS (10 * NS_PER_S)

struct display_power;

// off_command, on_command: command lines (split as
// service_config_command_split() does, never by a shell), or NULL for none;
// copied. Returns NULL when both are NULL (nothing to do) or one cannot be
// split (logged). Main thread.
struct display_power *display_power_create(const char *off_command, const char *on_command);

// Kills and reaps a command still running. NULL is a no-op.
void display_power_destroy(struct display_power *power);

// Asks for the screen off (is_on false) or on. Starts that command now, or
// as soon as the one running ends; a later request replaces one still
// waiting, and a request for what the last command already did is dropped.
// A missing command (only display-off set) does nothing. Main thread.
void display_power_set(struct display_power *power, bool is_on, int64_t now_ns);

// Reads the running command's output, kills it at its time limit, reaps it
// (logging "display off: COMMAND exited 0", or the failure and its output),
// then starts a waiting request. Call whenever the fd polls readable or the
// deadline passes; cheap otherwise. NULL is a no-op.
void display_power_handle(struct display_power *power, int64_t now_ns);

// The running command's output pipe to poll for POLLIN, or -1 (none running,
// or its output ended). NULL gives -1.
int display_power_fd(const struct display_power *power);

// When display_power_handle() next has work (time limit, a reap retry), or
// INT64_MAX. NULL gives INT64_MAX.
int64_t display_power_next_deadline_ns(const struct display_power *power);

#endif
