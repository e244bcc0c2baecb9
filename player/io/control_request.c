// control_request: request grammar and JSON reply building. Every limit is
// checked here, so the server and signage-ctl refuse exactly the same lines.
#include "io/control_request.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

#define VERB_SHOWN_MAX_BYTES   32   // an unknown verb is quoted up to this long in the error
#define ERROR_MESSAGE_MAX      1024 // a reply's error text, before escaping
#define REPLY_CLOSE_BYTES      3    // "}\n" and the NUL, kept free in every reply
#define DURATION_DIGITS_MAX    12   // 12 digits of hours still fit in int64 ms
#define DURATION_EXAMPLES      "1500ms, 30s, 5m, 2h"
#define ANNOUNCE_OPTIONS_USAGE "--for DURATION, --clear; put -- before a text that starts with --"

// Indexed by enum control_verb. The "known:" list in control_request_parse
// names them in this order.
static const char *const verb_names[] = {
    [CONTROL_VERB_STATUS] = "status",
    [CONTROL_VERB_NEXT] = "next",
    [CONTROL_VERB_PREV] = "prev",
    [CONTROL_VERB_PAUSE] = "pause",
    [CONTROL_VERB_RESUME] = "resume",
    [CONTROL_VERB_RELOAD] = "reload",
    [CONTROL_VERB_SCREENSHOT] = "screenshot",
    [CONTROL_VERB_ANNOUNCE] = "announce",
    [CONTROL_VERB_SCHEDULE] = "schedule",
    [CONTROL_VERB_RESTART] = "restart",
};
#define N_VERBS (sizeof verb_names / sizeof verb_names[0])

// A slice of the request line; never NUL-terminated.
struct span {
    const char *text;
    size_t length;
};

const char *control_verb_name(enum control_verb verb)
{
    return (size_t)verb < N_VERBS ? verb_names[verb] : "?";
}

static int fail(char *error, size_t error_size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *error, size_t error_size, const char *format, ...)
{
    if (error_size > 0) {
        va_list args;
        va_start(args, format);
        vsnprintf(error, error_size, format, args);
        va_end(args);
    }
    return -EINVAL;
}

static struct span trim_spaces(struct span span)
{
    while (span.length > 0 && span.text[0] == ' ') {
        span.text++;
        span.length--;
    }
    while (span.length > 0 && span.text[span.length - 1] == ' ')
        span.length--;
    return span;
}

// Splits the first space-separated word off *rest; *rest keeps what follows,
// leading spaces removed. *rest must not start with a space.
static struct span next_word(struct span *rest)
{
    struct span word = {rest->text, 0};
    while (word.length < rest->length && rest->text[word.length] != ' ')
        word.length++;
    *rest = trim_spaces((struct span){rest->text + word.length, rest->length - word.length});
    return word;
}

static bool span_equals(struct span span, const char *text)
{
    return span.length == strlen(text) && memcmp(span.text, text, span.length) == 0;
}

// Bytes of span worth quoting in an error: at most VERB_SHOWN_MAX_BYTES, never
// ending inside a UTF-8 sequence.
static int shown_length(struct span span)
{
    size_t length = span.length;
    if (length > VERB_SHOWN_MAX_BYTES) {
        length = VERB_SHOWN_MAX_BYTES;
        while (length > 0 && ((unsigned char)span.text[length] & 0xC0) == 0x80)
            length--;
    }
    return (int)length;
}

static int check_characters(const char *line, size_t length, char *error, size_t error_size)
{
    if (length >= CONTROL_REQUEST_MAX_BYTES)
        return fail(error, error_size, "request too long (at most %d bytes)",
                    CONTROL_REQUEST_MAX_BYTES - 1);
    if (!utf8_is_valid(line, length))
        return fail(error, error_size, "request is not valid UTF-8");
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 0x20 || c == 0x7F)
            return fail(error, error_size, "request contains a control character (0x%02x)", c);
    }
    return 0;
}

// "<digits><unit>", unit ms, s, m or h; more than 0, at most a day.
static int parse_duration(struct span text, int64_t *duration_ms, char *error, size_t error_size)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 3600 * 1000}};
    int shown = shown_length(text);
    size_t n_digits = 0;
    int64_t value = 0;
    while (n_digits < text.length && text.text[n_digits] >= '0' && text.text[n_digits] <= '9') {
        if (n_digits < DURATION_DIGITS_MAX)
            value = value * 10 + (text.text[n_digits] - '0');
        n_digits++;
    }
    struct span unit = {text.text + n_digits, text.length - n_digits};
    for (size_t i = 0; n_digits > 0 && i < sizeof units / sizeof units[0]; i++) {
        if (!span_equals(unit, units[i].name))
            continue;
        if (value == 0)
            return fail(error, error_size, "announce --for: duration must be more than 0");
        if (n_digits > DURATION_DIGITS_MAX || value > CONTROL_ANNOUNCE_MAX_MS / units[i].ms)
            return fail(error, error_size, "announce --for: '%.*s' is longer than 24h", shown,
                        text.text);
        *duration_ms = value * units[i].ms;
        return 0;
    }
    return fail(error, error_size,
                "announce --for: bad duration '%.*s' (a whole number and a unit: %s)", shown,
                text.text, DURATION_EXAMPLES);
}

static int parse_announce(struct span args, struct control_request *request, char *error,
                          size_t error_size)
{
    if (args.length == 0)
        return fail(error, error_size, "announce needs a text, or --clear");
    bool has_duration = false;
    for (;;) {
        struct span rest = args;
        struct span option = next_word(&rest);
        if (option.length < 2 || memcmp(option.text, "--", 2) != 0)
            break;
        args = rest;
        if (span_equals(option, "--"))
            break;
        if (span_equals(option, "--clear")) {
            if (has_duration || args.length > 0)
                return fail(error, error_size, "announce --clear takes nothing else");
            request->is_clear = true;
            return 0;
        }
        if (!span_equals(option, "--for"))
            return fail(error, error_size, "announce: unknown option '%.*s' (known: %s)",
                        shown_length(option), option.text, ANNOUNCE_OPTIONS_USAGE);
        if (has_duration)
            return fail(error, error_size, "announce: --for given twice");
        if (args.length == 0)
            return fail(error, error_size, "announce --for needs a duration (like %s)",
                        DURATION_EXAMPLES);
        int result = parse_duration(next_word(&args), &request->duration_ms, error, error_size);
        if (result != 0)
            return result;
        has_duration = true;
    }
    if (args.length == 0)
        return fail(error, error_size, "announce needs a text");
    if (args.length > CONTROL_TEXT_MAX_BYTES)
        return fail(error, error_size, "announce text is %zu bytes (at most %d)", args.length,
                    CONTROL_TEXT_MAX_BYTES);
    memcpy(request->text, args.text, args.length);
    request->text[args.length] = '\0';
    return 0;
}

static bool ends_with_png(struct span path)
{
    static const char suffix[] = ".png";
    size_t n = sizeof suffix - 1;
    if (path.length <= n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = path.text[path.length - n + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

static int parse_screenshot(struct span path, struct control_request *request, char *error,
                            size_t error_size)
{
    if (path.length == 0)
        return fail(error, error_size, "screenshot needs a file: screenshot /path/to/file.png");
    if (path.text[0] != '/')
        return fail(error, error_size, "screenshot: the path must be absolute (start with /)");
    if (!ends_with_png(path))
        return fail(error, error_size, "screenshot: the file name must end in .png");
    if (path.length > CONTROL_PATH_MAX_BYTES)
        return fail(error, error_size, "screenshot: the path is too long");
    memcpy(request->path, path.text, path.length);
    request->path[path.length] = '\0';
    return 0;
}

int control_request_parse(const char *line, size_t length, struct control_request *request,
                          char *error, size_t error_size)
{
    request->verb = CONTROL_VERB_STATUS;
    request->duration_ms = -1;
    request->is_clear = false;
    request->text[0] = '\0';
    request->path[0] = '\0';
    if (error_size > 0)
        error[0] = '\0';
    if (length > 0 && line[length - 1] == '\r')
        length--;
    int result = check_characters(line, length, error, error_size);
    if (result != 0)
        return result;
    struct span args = trim_spaces((struct span){line, length});
    if (args.length == 0)
        return fail(error, error_size, "empty request");
    struct span verb = next_word(&args);
    size_t index = 0;
    while (index < N_VERBS && !span_equals(verb, verb_names[index]))
        index++;
    if (index == N_VERBS)
        return fail(error, error_size,
                    "unknown verb '%.*s%s' (known: status, next, prev, pause, resume, reload, "
                    "screenshot, announce, schedule, restart)",
                    shown_length(verb), verb.text,
                    (size_t)shown_length(verb) < verb.length ? "..." : "");
    request->verb = (enum control_verb)index;
    switch (request->verb) {
    case CONTROL_VERB_SCREENSHOT:
        return parse_screenshot(args, request, error, error_size);
    case CONTROL_VERB_ANNOUNCE:
        return parse_announce(args, request, error, error_size);
    case CONTROL_VERB_STATUS:
    case CONTROL_VERB_NEXT:
    case CONTROL_VERB_PREV:
    case CONTROL_VERB_PAUSE:
    case CONTROL_VERB_RESUME:
    case CONTROL_VERB_RELOAD:
    case CONTROL_VERB_SCHEDULE:
    case CONTROL_VERB_RESTART:
        break;
    }
    if (args.length > 0)
        return fail(error, error_size, "%s takes no arguments", verb_names[index]);
    return 0;
}

// Appends n bytes to out if they fit whole (a NUL still fitting after them).
static void append_piece(char *out, size_t out_size, size_t *used, bool *is_full, const char *piece,
                         size_t n)
{
    if (!*is_full && out_size > 0 && *used + n < out_size) {
        memcpy(out + *used, piece, n);
        *used += n;
    } else {
        *is_full = true;
    }
}

size_t control_json_escape(const char *text, char *out, size_t out_size)
{
    size_t length = strlen(text);
    size_t needed = 0, used = 0;
    bool is_full = false;
    for (size_t offset = 0; offset < length;) {
        size_t start = offset;
        uint32_t code = utf8_next(text, length, &offset);
        char escape[8];
        const char *piece = escape;
        size_t n = 2;
        escape[0] = '\\';
        if (code == UTF8_INVALID) {
            piece = "\\ufffd";
            n = 6;
        } else if (code == '"' || code == '\\') {
            escape[1] = (char)code;
        } else if (code == '\n') {
            escape[1] = 'n';
        } else if (code == '\r') {
            escape[1] = 'r';
        } else if (code == '\t') {
            escape[1] = 't';
        } else if (code == '\b') {
            escape[1] = 'b';
        } else if (code == '\f') {
            escape[1] = 'f';
        } else if (code < 0x20 || code == 0x7F) {
            n = (size_t)snprintf(escape, sizeof escape, "\\u%04x", (unsigned)code);
        } else {
            piece = text + start;
            n = offset - start;
        }
        needed += n;
        append_piece(out, out_size, &used, &is_full, piece, n);
    }
    if (out_size > 0)
        out[used] = '\0';
    return needed;
}

void control_reply_init(struct control_reply *reply)
{
    static const char start[] = "{\"ok\":true";
    memcpy(reply->json, start, sizeof start);
    reply->length = sizeof start - 1;
    reply->is_error = false;
}

// Bytes still free in reply->json for fields.
static size_t reply_room(const struct control_reply *reply)
{
    return CONTROL_REPLY_MAX_BYTES - REPLY_CLOSE_BYTES - reply->length;
}

static bool reply_append(struct control_reply *reply, const char *bytes, size_t n)
{
    if (n > reply_room(reply))
        return false;
    memcpy(reply->json + reply->length, bytes, n);
    reply->length += n;
    return true;
}

static bool reply_append_string(struct control_reply *reply, const char *text)
{
    if (!reply_append(reply, "\"", 1))
        return false;
    size_t room = reply_room(reply); // the NUL lands in the bytes kept free
    size_t n = control_json_escape(text, reply->json + reply->length, room + 1);
    if (n >= room)
        return false; // the closing quote must fit too
    reply->length += n;
    return reply_append(reply, "\"", 1);
}

void control_reply_set_error(struct control_reply *reply, const char *format, ...)
{
    char message[ERROR_MESSAGE_MAX];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    static const char start[] = "{\"ok\":false,\"error\":";
    memcpy(reply->json, start, sizeof start);
    reply->length = sizeof start - 1;
    reply->is_error = true;
    reply_append_string(reply, message); // 6 bytes per byte at worst: always fits
}

// Appends ,"key":value where value is JSON text already (a number, true, ...)
// or, when is_string, text to quote. On overflow the reply becomes an error.
static void reply_add(struct control_reply *reply, const char *key, const char *value,
                      bool is_string)
{
    if (reply->is_error)
        return;
    size_t saved_length = reply->length;
    bool is_added =
        reply_append(reply, ",", 1) && reply_append_string(reply, key) &&
        reply_append(reply, ":", 1) &&
        (is_string ? reply_append_string(reply, value) : reply_append(reply, value, strlen(value)));
    if (!is_added) {
        reply->length = saved_length;
        control_reply_set_error(reply, "reply too long");
    }
}

void control_reply_add_string(struct control_reply *reply, const char *key, const char *value)
{
    reply_add(reply, key, value, true);
}

void control_reply_add_int(struct control_reply *reply, const char *key, int64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    reply_add(reply, key, text, false);
}

void control_reply_add_double(struct control_reply *reply, const char *key, double value)
{
    char text[40] = "null";
    if (isfinite(value))
        snprintf(text, sizeof text, "%.6g", value);
    reply_add(reply, key, text, false);
}

void control_reply_add_bool(struct control_reply *reply, const char *key, bool value)
{
    reply_add(reply, key, value ? "true" : "false", false);
}

void control_reply_add_null(struct control_reply *reply, const char *key)
{
    reply_add(reply, key, "null", false);
}

void control_reply_add_json(struct control_reply *reply, const char *key, const char *json)
{
    reply_add(reply, key, json, false);
}

bool control_reply_is_ok(const struct control_reply *reply)
{
    return !reply->is_error;
}

const char *control_reply_finish(struct control_reply *reply, size_t *length)
{
    memcpy(reply->json + reply->length, "}\n", 3); // REPLY_CLOSE_BYTES were kept free
    reply->length += 2;
    *length = reply->length;
    return reply->json;
}
