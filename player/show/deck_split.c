// deck_split: the line scan that cuts a deck's text into slides, and the line
// table that maps a pointer into the text back to its line. Pure C: no md4c,
// no allocation beyond the table, no syscalls.
#include "show/deck_split.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

// ---- lines -----------------------------------------------------------------

void deck_split_init(struct deck_split *split, const char *text, size_t length)
{
    static const char bom[] = "\xEF\xBB\xBF";
    size_t n = 1;
    for (size_t i = 0; i < length; i++)
        n += text[i] == '\n';
    split->text = text;
    split->length = length;
    split->starts = xcalloc(n, sizeof *split->starts);
    split->n_lines = 0;
    split->starts[split->n_lines++] = 0;
    for (size_t i = 0; i < length; i++)
        if (text[i] == '\n')
            split->starts[split->n_lines++] = i + 1;
    if (length >= 3 && memcmp(text, bom, 3) == 0)
        split->starts[0] = 3; // the BOM is not part of line 1's text
}

void deck_split_deinit(struct deck_split *split)
{
    free(split->starts);
    memset(split, 0, sizeof *split);
}

int deck_split_line_of(const struct deck_split *split, const char *pointer)
{
    uintptr_t at = (uintptr_t)pointer, start = (uintptr_t)split->text;
    if (!pointer || at < start || at >= start + split->length)
        return 0;
    size_t offset = (size_t)(at - start), low = 0, high = split->n_lines;
    while (high - low > 1) {
        size_t middle = low + (high - low) / 2;
        if (split->starts[middle] <= offset)
            low = middle;
        else
            high = middle;
    }
    return (int)(low + 1);
}

// One line without its terminator ("\n" or "\r\n").
struct line {
    const char *text;
    size_t length;
};

static struct line line_at(const struct deck_split *split, size_t index)
{
    size_t next = index + 1 < split->n_lines ? split->starts[index + 1] : split->length;
    struct line line = {split->text + split->starts[index], next - split->starts[index]};
    if (line.length && line.text[line.length - 1] == '\n')
        line.length--;
    if (line.length && line.text[line.length - 1] == '\r')
        line.length--;
    return line;
}

static bool is_blank(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
            return false;
    return true;
}

// ---- line kinds ------------------------------------------------------------

static size_t count_leading(const struct line *line, char c, size_t from)
{
    size_t i = from;
    while (i < line->length && line->text[i] == c)
        i++;
    return i - from;
}

// "---" with at most three leading spaces and only spaces or tabs after it.
static bool is_slide_break(const struct line *line)
{
    size_t indent = count_leading(line, ' ', 0);
    if (indent > 3)
        return false;
    size_t dashes = count_leading(line, '-', indent);
    return dashes >= 3 && is_blank(line->text + indent + dashes, line->length - indent - dashes);
}

static bool is_front_matter_end(const struct line *line, bool is_first)
{
    char c = line->length ? line->text[0] : 0;
    if (c != '-' && (is_first || c != '.'))
        return false;
    size_t n = count_leading(line, c, 0);
    return n == 3 && is_blank(line->text + n, line->length - n);
}

// Opening code fence per CommonMark: up to 3 spaces, then 3+ '`' or '~'
// (a backtick fence's info string holds no backtick). Sets *fence_char/_length.
static bool is_fence_open(const struct line *line, char *fence_char, size_t *fence_length)
{
    size_t indent = count_leading(line, ' ', 0);
    if (indent > 3 || indent >= line->length)
        return false;
    char c = line->text[indent];
    size_t n = count_leading(line, c, indent);
    if ((c != '`' && c != '~') || n < 3)
        return false;
    if (c == '`' && memchr(line->text + indent + n, '`', line->length - indent - n))
        return false;
    *fence_char = c;
    *fence_length = n;
    return true;
}

static bool is_fence_close(const struct line *line, char fence_char, size_t fence_length)
{
    size_t indent = count_leading(line, ' ', 0);
    size_t n = count_leading(line, fence_char, indent);
    return indent <= 3 && n >= fence_length &&
           is_blank(line->text + indent + n, line->length - indent - n);
}

// Follows "<!--" and "-->" through one line; returns whether a comment is
// still open at its end. (A "<!--" inside a code span counts too: a known
// limit of scanning lines without parsing inlines.)
static bool scan_comments(const struct line *line, bool is_in_comment)
{
    const char *at = line->text, *end = line->text + line->length;
    for (;;) {
        size_t n = is_in_comment ? 3 : 4;
        const char *mark = memmem(at, (size_t)(end - at), is_in_comment ? "-->" : "<!--", n);
        if (!mark)
            return is_in_comment;
        at = mark + n;
        is_in_comment = !is_in_comment;
    }
}

bool deck_split_is_after_fence(const struct deck_split *split, int line)
{
    if (line < 2 || (size_t)line - 2 >= split->n_lines)
        return false;
    struct line before = line_at(split, (size_t)line - 2);
    while (before.length && (before.text[0] == ' ' || before.text[0] == '>')) {
        before.text++;
        before.length--;
    }
    char fence_char;
    size_t fence_length;
    return is_fence_open(&before, &fence_char, &fence_length);
}

// ---- the scan --------------------------------------------------------------

static void check_utf8(const struct deck_split *split, struct parse_report *report)
{
    for (size_t i = 0; i < split->n_lines; i++) {
        struct line line = line_at(split, i);
        for (size_t at = 0, next = 0; at < line.length; at = next) {
            if (utf8_next(line.text, line.length, &next) == UTF8_INVALID) {
                parse_report_add(report, (int)i + 1, (int)at + 1,
                                 "text is not valid UTF-8 (save the deck as UTF-8)");
                break;
            }
        }
    }
}

// Skips front matter; returns the index of the first slide line, or SIZE_MAX
// after reporting an unclosed block.
static size_t skip_front_matter(const struct deck_split *split, size_t first,
                                struct parse_report *report)
{
    struct line opening = line_at(split, first);
    if (!is_front_matter_end(&opening, true))
        return first;
    for (size_t i = first + 1; i < split->n_lines; i++) {
        struct line line = line_at(split, i);
        if (is_front_matter_end(&line, false))
            return i + 1;
    }
    parse_report_add(report, (int)first + 1, 0,
                     "front matter is not closed (add a --- line after it)");
    return SIZE_MAX;
}

// Hands lines [first, end) to on_slide unless they are all blank.
static void emit_slide(const struct deck_split *split, size_t first, size_t end,
                       deck_split_slide_fn *on_slide, void *context)
{
    size_t content = first;
    while (content < end) {
        struct line line = line_at(split, content);
        if (!is_blank(line.text, line.length))
            break;
        content++;
    }
    if (content == end)
        return;
    size_t start = split->starts[first];
    size_t stop = end < split->n_lines ? split->starts[end] : split->length;
    struct deck_split_slide slide = {
        .start = start, .length = stop - start, .line = (int)content + 1};
    on_slide(context, &slide);
}

// Cuts slides at break lines outside fences and comments.
static int split_slides(const struct deck_split *split, size_t first, struct parse_report *report,
                        deck_split_slide_fn *on_slide, void *context)
{
    char fence_char = 0;
    size_t fence_length = 0, opened_at = 0, slide_first = first;
    bool is_in_comment = false;
    for (size_t i = first; i < split->n_lines; i++) {
        struct line line = line_at(split, i);
        if (fence_char) {
            if (is_fence_close(&line, fence_char, fence_length))
                fence_char = 0;
        } else if (!is_in_comment && is_fence_open(&line, &fence_char, &fence_length)) {
            opened_at = i;
        } else if (!is_in_comment && is_slide_break(&line)) {
            emit_slide(split, slide_first, i, on_slide, context);
            slide_first = i + 1;
        } else {
            if (!is_in_comment)
                opened_at = i;
            is_in_comment = scan_comments(&line, is_in_comment);
        }
    }
    if (fence_char) {
        parse_report_add(report, (int)opened_at + 1, 0,
                         "code block is not closed (add a line of %zu %c after it)", fence_length,
                         fence_char);
        return -EINVAL;
    }
    if (is_in_comment) {
        parse_report_add(report, (int)opened_at + 1, 0, "comment is not closed (add --> after it)");
        return -EINVAL;
    }
    emit_slide(split, slide_first, split->n_lines, on_slide, context);
    return 0;
}

int deck_split_scan(const struct deck_split *split, struct parse_report *report,
                    deck_split_slide_fn *on_slide, void *context)
{
    size_t n_errors = parse_report_count(report);
    check_utf8(split, report);
    if (parse_report_count(report) > n_errors)
        return -EINVAL;
    size_t first_line = skip_front_matter(split, 0, report);
    if (first_line == SIZE_MAX)
        return -EINVAL;
    return split_slides(split, first_line, report, on_slide, context);
}
