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
//
// UTF-8 (a BOM is fine), LF or CRLF. Spaces around '=' and around an unquoted
// value are dropped; a "double-quoted" value keeps them (\" and \\ inside the
// quotes). '#' after a value is part of the value: comments are whole lines.
// Every key is optional and may appear once.

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

#endif
