// control_request: the control socket's wire protocol: parsing one request
// line into a struct and building one JSON reply line. Pure: no I/O, no
// clock, no allocation; the socket itself is control_server's.
//
// Requests, one per '\n'-terminated UTF-8 line:
//   status | next | prev | pause | resume | reload | schedule
//   screenshot PATH                  absolute, ends in .png, rest of the line
//   announce --clear
//   announce [--for DURATION] [--] TEXT
// Replies, one JSON object per line: {"ok":true,...} or {"ok":false,"error":"..."}.
#ifndef SIGNAGE_IO_CONTROL_REQUEST_H
#define SIGNAGE_IO_CONTROL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_REQUEST_MAX_BYTES 4096 // one line, '\n' included: a page, plenty for a path
#define CONTROL_TEXT_MAX_BYTES    500  // an announcement is a banner, not a slide
#define CONTROL_PATH_MAX_BYTES    4095 // PATH_MAX less the NUL
#define CONTROL_ANNOUNCE_MAX_MS   (INT64_C(24) * 3600 * 1000) // longer than a day is a typo
#define CONTROL_REPLY_MAX_BYTES   16384 // status with long paths and errors fits many times

enum control_verb {
    CONTROL_VERB_STATUS,
    CONTROL_VERB_NEXT,
    CONTROL_VERB_PREV,
    CONTROL_VERB_PAUSE,
    CONTROL_VERB_RESUME,
    CONTROL_VERB_RELOAD,
    CONTROL_VERB_SCREENSHOT,
    CONTROL_VERB_ANNOUNCE,
    CONTROL_VERB_SCHEDULE, // today's timeline of schedule sections
    CONTROL_VERB_RESTART,  // start the player again in place (signage.conf, screens)
};

struct control_request {
    enum control_verb verb;
    // CONTROL_VERB_ANNOUNCE only:
    int64_t duration_ms;                   // how long the text stays up; -1 = until cleared
    bool is_clear;                         // "announce --clear": text is empty, duration_ms -1
    char text[CONTROL_TEXT_MAX_BYTES + 1]; // NUL-terminated, valid UTF-8, non-empty
    // CONTROL_VERB_SCREENSHOT only:
    char path[CONTROL_PATH_MAX_BYTES + 1]; // NUL-terminated absolute path ending in .png
};

// Any thread. The verb as it is spelled on the wire ("status", ...).
const char *control_verb_name(enum control_verb verb);

// Any thread. Parses length bytes of line: one request without its '\n' (a
// trailing "\r" is tolerated for CRLF clients). Spaces around the verb and
// arguments are ignored. The line must be valid UTF-8 without control
// characters and shorter than CONTROL_REQUEST_MAX_BYTES. Fills *request (the
// caller's storage, fully overwritten). Returns 0, or -EINVAL with a one-line
// reason in error (error_size bytes, always NUL-terminated, truncated if
// needed), such as "unknown verb 'stauts' (known: status, next, ...)".
int control_request_parse(const char *line, size_t length, struct control_request *request,
                          char *error, size_t error_size);

// Any thread. Writes text (NUL-terminated) as the inside of a JSON string
// into out: '"' and '\\' escaped, control characters as \n, \t, ... or \u00XX,
// valid UTF-8 passed through, each malformed byte as \ufffd. Writes only whole
// escapes and always NUL-terminates when out_size > 0. Returns the length the
// whole escape needs (without the NUL), so a result >= out_size means out
// holds a truncated prefix.
size_t control_json_escape(const char *text, char *out, size_t out_size);

// A reply under construction: {"ok":true} plus fields, or an error. Callers
// own the storage (it is large: keep it off small stacks) and use only the
// functions below; the fields are private to control_request.c.
struct control_reply {
    char json[CONTROL_REPLY_MAX_BYTES]; // "{" ... without the closing "}\n"
    size_t length;                      // bytes used in json
    bool is_error;                      // set_error was called: adds are ignored
};

// Any thread. Starts reply as {"ok":true}.
void control_reply_init(struct control_reply *reply);

// Any thread. Turns reply into {"ok":false,"error":"<formatted message>"},
// dropping any fields added so far; later adds are ignored. The message is
// cut at 1 KiB.
void control_reply_set_error(struct control_reply *reply, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

// Any thread. Append "key":value to a successful reply; key and value are
// copied (escaped) at once. add_double writes null for NaN and infinities
// (JSON has none). A field that does not fit in CONTROL_REPLY_MAX_BYTES turns
// the reply into the error "reply too long".
void control_reply_add_string(struct control_reply *reply, const char *key, const char *value);
void control_reply_add_int(struct control_reply *reply, const char *key, int64_t value);
void control_reply_add_double(struct control_reply *reply, const char *key, double value);
void control_reply_add_bool(struct control_reply *reply, const char *key, bool value);
void control_reply_add_null(struct control_reply *reply, const char *key);
// json: a complete JSON value (an array, an object) the caller built, with
// every string in it escaped by control_json_escape(); copied as it is.
void control_reply_add_json(struct control_reply *reply, const char *key, const char *json);

// Any thread. True when the reply is {"ok":true,...}.
bool control_reply_is_ok(const struct control_reply *reply);

// Any thread. Closes the object and returns the whole reply line, "}\n"
// included (NUL-terminated); *length gets its bytes without the NUL. The
// result is borrowed from reply, valid until reply is changed; call once.
const char *control_reply_finish(struct control_reply *reply, size_t *length);

#endif
