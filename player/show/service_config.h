// service_config: parses the service settings file (/etc/signage/signage.conf)
// from text. Pure: takes bytes, touches no files, keeps paths as written;
// main resolves relative paths against the file's folder.
#ifndef SIGNAGE_SHOW_SERVICE_CONFIG_H
#define SIGNAGE_SHOW_SERVICE_CONFIG_H

#include <stddef.h>

#include "show/parse_report.h"

// The format, one setting per line:
//
//   # comment lines start with '#' (first non-blank character)
//   playlist = /usr/local/share/signage-player/playlists/hallway.playlist
//   content  = ../content
//   play-log = "/var/log/signage/play.jsonl"
//   control  = /run/signage/control.sock
//   display-off = /usr/bin/cec-ctl --to 0 --standby
//   display-on  = /usr/bin/cec-ctl --to 0 --image-view-on
//
// UTF-8 (a BOM is fine), LF or CRLF. Spaces around '=' and around an unquoted
// value are dropped; a "double-quoted" value keeps them (\" and \\ inside the
// quotes). '#' after a value is part of the value: comments are whole lines.
// Every key is optional and may appear once.
//
// display-off and display-on are command lines, run when the schedule leaves
// the screen idle and when it plays again. They are split into words by
// service_config_command_split(), never by a shell: no pipes, redirections,
// variables or globs (write /bin/sh -c "..." for those). Their quotes are
// the command's, so a command value is kept exactly as written. They live in
// this root-owned file only, never in a playlist: whoever may publish a
// playlist must not be able to run a program on the player.

struct service_config;

// Parses length bytes of text. On success returns a new config (caller
// destroys) and leaves report empty; an empty text is a valid config with
// nothing set. On any problem (unknown setting, no '=', empty value, repeated
// setting, bad quoting, invalid UTF-8) returns NULL and report holds every
// problem found, each with its 1-based line. Any thread.
struct service_config *service_config_parse(const char *text, size_t length,
                                            struct parse_report *report);

// Frees config; NULL is a no-op.
void service_config_destroy(struct service_config *config);

// The value of each setting as written (unquoted), or NULL when the file does
// not set it. Borrowed, valid until service_config_destroy().
const char *service_config_playlist(const struct service_config *config);
const char *service_config_content(const struct service_config *config);
const char *service_config_play_log(const struct service_config *config);
const char *service_config_control(const struct service_config *config);
const char *service_config_display_off(const struct service_config *config);
const char *service_config_display_on(const struct service_config *config);

// Splits a command line into words: blanks (space, tab) separate them; a
// "double-quoted" part keeps blanks and may touch other text (a"b c" is one
// word, ab c); inside quotes \" and \\ stand for " and \, other backslashes
// stay. No shell: nothing else is special. Returns a NULL-terminated array
// of at least one word, in one allocation (the caller frees it with one
// free()); or NULL with *why (static text) for an unterminated quote or an
// empty command. Any thread.
char **service_config_command_split(const char *command, const char **why);

#endif
