// Fuzz target: the control socket's request parser over one arbitrary line,
// then the reply builder and JSON escaper on whatever text it accepted (the
// player echoes announcement text and paths back in replies).
#include <stdlib.h>
#include <string.h>

#include "fuzz_guard.h"
#include "fuzz_target.h"
#include "io/control_request.h"

#define FUZZ_CHECK(condition) ((condition) ? (void)0 : abort())

static struct control_request request; // large: off the stack
static struct control_reply reply;

static void check_escape(const char *text)
{
    char small[16];
    static char big[CONTROL_REPLY_MAX_BYTES];
    size_t needed = control_json_escape(text, small, sizeof small);
    FUZZ_CHECK(strlen(small) < sizeof small);
    size_t written = control_json_escape(text, big, sizeof big);
    FUZZ_CHECK(written == needed);
    if (written < sizeof big)
        FUZZ_CHECK(strlen(big) == written);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char error[200];
    memset(error, 'x', sizeof error);
    int result =
        control_request_parse(fuzz_guard_copy(data, size), size, &request, error, sizeof error);
    FUZZ_CHECK(memchr(error, '\0', sizeof error) != NULL || result == 0);
    control_reply_init(&reply);
    if (result != 0) {
        FUZZ_CHECK(result < 0 && error[0] != '\0');
        check_escape(error);
        control_reply_set_error(&reply, "%s", error);
    } else {
        FUZZ_CHECK(control_verb_name(request.verb) != NULL);
        if (request.verb == CONTROL_VERB_ANNOUNCE && !request.is_clear) {
            FUZZ_CHECK(request.text[0] != '\0');
            FUZZ_CHECK(strlen(request.text) <= CONTROL_TEXT_MAX_BYTES);
            FUZZ_CHECK(request.duration_ms == -1 ||
                       (request.duration_ms > 0 && request.duration_ms <= CONTROL_ANNOUNCE_MAX_MS));
            check_escape(request.text);
            control_reply_add_string(&reply, "announcement", request.text);
        }
        if (request.verb == CONTROL_VERB_SCREENSHOT) {
            FUZZ_CHECK(request.path[0] == '/');
            check_escape(request.path);
            control_reply_add_string(&reply, "path", request.path);
        }
        control_reply_add_string(&reply, "verb", control_verb_name(request.verb));
        control_reply_add_int(&reply, "length", (int64_t)size);
    }
    size_t length = 0;
    const char *line = control_reply_finish(&reply, &length);
    FUZZ_CHECK(length >= 3 && strlen(line) == length && line[length - 1] == '\n');
    FUZZ_CHECK(memchr(line, '\n', length - 1) == NULL); // one line, whatever came in
    return 0;
}
