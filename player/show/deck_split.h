// deck_split: the line scan behind deck_parse: a table of where each line of
// the deck starts, and the cut into slides at break lines outside front
// matter, fenced code and HTML comments. Private to deck.c; knows no md4c.
//
// The rules it applies are the line-level ones listed in show/deck.h.
#ifndef SIGNAGE_SHOW_DECK_SPLIT_H
#define SIGNAGE_SHOW_DECK_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "show/parse_report.h"

// Caller's storage; filled by deck_split_init, emptied by deck_split_deinit.
struct deck_split {
    const char *text; // borrowed: the deck, must outlive the split
    size_t length;    // bytes of text
    size_t *starts;   // owned: starts[i] = byte offset in text of line i + 1
    size_t n_lines;   // entries in starts[], at least 1
};

// One slide as the scan cut it: the bytes to hand to a Markdown parser.
struct deck_split_slide {
    size_t start;  // byte offset in the split's text of the slide's first line
    size_t length; // bytes up to (not including) the break line or the end
    int line;      // 1-based line of the slide's first non-blank line
};

// Called once per slide, in order, while the scan goes on. slide is borrowed
// for the call only; context is the caller's, passed through.
typedef void deck_split_slide_fn(void *context, const struct deck_split_slide *slide);

// Builds the line table of length bytes of text (not NULL; "" when empty).
// text stays borrowed; a UTF-8 BOM at its start is not part of line 1.
// Allocation aborts on OOM, so this cannot fail.
void deck_split_init(struct deck_split *split, const char *text, size_t length);

// Frees the line table; the text is not touched. Leaves split zeroed.
void deck_split_deinit(struct deck_split *split);

// Checks that every line is valid UTF-8, skips front matter, then cuts the
// rest into slides and calls on_slide(context, ...) for each slide that holds
// a non-blank line; blank slides are skipped silently. Problems go to report
// (invalid UTF-8, one per line; unclosed front matter, fence or comment).
// Returns 0, or -EINVAL once it has reported a problem: invalid UTF-8 or
// unclosed front matter stop it before any slide; an unclosed fence or
// comment stops it before the slide that holds it, after the earlier ones.
int deck_split_scan(const struct deck_split *split, struct parse_report *report,
                    deck_split_slide_fn *on_slide, void *context);

// The 1-based line of text that pointer points into, or 0 when pointer is
// NULL or outside text (a string a parser built itself).
int deck_split_line_of(const struct deck_split *split, const char *pointer);

// Whether the line before 1-based line opens a code fence, also when quote
// markers ('>') or spaces precede it. False when line has no line before it.
bool deck_split_is_after_fence(const struct deck_split *split, int line);

#endif
