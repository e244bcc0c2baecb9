// deck: splits a Markdown deck into slides and parses each with md4c into a
// flat list of blocks the layout can place. Pure: takes bytes, touches no files.
//
// Deck rules (README "Writing a deck"): a YAML front-matter block at the very
// top is not a slide; every line of three or more '-' (optionally followed by
// spaces) outside a fenced code block or an HTML comment ends a slide.
// Callouts, for a slide's big numbers, are blockquote paragraphs that start
// with strong text:  > **5095家** 国家级绿色工厂
//
// Details the tests pin down:
// - Front matter: the first line is exactly "---", closed by "---" or "...".
// - A break line has at most 3 leading spaces and may end in spaces or tabs.
//   Fences (``` or ~~~, closed by the same character, at least as long) are
//   seen only at the start of a line, not after "- " or "> "; "<!--" counts
//   anywhere on a line, even inside a code span. An unclosed fence or comment
//   is an error, as it would swallow every later slide.
// - A slide that yields no block (blank, comments, HTML, *** rules) is
//   dropped; deck_slide.line is its first non-blank line, even a comment.
// - Text: inline markup is flattened; a soft line break becomes nothing
//   between two CJK characters (Han, kana, CJK and full-width punctuation,
//   “ ” ‘ ’, — …) and one space otherwise (Hangul too: Korean spaces its
//   words); hard breaks, <br> and a list item's next paragraph become '\n';
//   common named and all numeric entities are decoded, unknown names kept.
// - A paragraph of only images gives one SLIDE_BLOCK_IMAGE each; an image
//   inside text leaves the text and follows its paragraph as its own block.
// - A list item's block holds its text up to its first nested block; text
//   after a nested list in the same item becomes a SLIDE_BLOCK_PARAGRAPH.
//   A list numbered from 0 gives number 0, so it reads as bullets.
// - line: a fenced code block's fence line; a block without source text
//   (md4c rebuilt it) gets its slide's line.
#ifndef SIGNAGE_SHOW_DECK_H
#define SIGNAGE_SHOW_DECK_H

#include <stdbool.h>
#include <stddef.h>

#include "show/parse_report.h"

enum slide_block_kind {
    SLIDE_BLOCK_HEADING,   // level 1..6
    SLIDE_BLOCK_PARAGRAPH, // also a blockquote paragraph that is not a callout
    SLIDE_BLOCK_LIST_ITEM, // level = nesting depth (1 = top); ordered lists give number
    SLIDE_BLOCK_CALLOUT,   // figure = the strong text, text = the rest (label), may be ""
    SLIDE_BLOCK_IMAGE,     // path = image source, text = alt text
    SLIDE_BLOCK_CODE,      // fenced or indented code: text verbatim, '\n' between lines
};

struct slide_block {
    enum slide_block_kind kind;
    int line;           // 1-based line in the deck text where the block starts
    int level;          // heading level, or list depth; 0 otherwise
    int number;         // ordered list item number; 0 for bullets and other kinds
    const char *text;   // UTF-8, inline markup flattened, '\n' only at hard breaks
    const char *figure; // SLIDE_BLOCK_CALLOUT only; otherwise NULL
    const char *path;   // SLIDE_BLOCK_IMAGE only, as written (relative to the deck's folder)
};

struct deck_slide {
    int line; // 1-based line of the slide's first content line
    size_t n_blocks;
    const struct slide_block *blocks; // n_blocks entries, in reading order
    // Non-NULL when the slide holds only ![video](PATH) (alt text "video", any
    // case, or a path ending in a video extension): the slide plays that clip.
    const char *video_path;
};

struct deck;

// Parses length bytes of UTF-8 Markdown. Returns a new deck (caller destroys;
// all strings inside are owned by it), or NULL when report holds problems
// (unterminated front matter or code fence, a deck with no slides, invalid UTF-8).
// Empty slides (only blank lines between two breaks) are dropped, not errors.
struct deck *deck_parse(const char *text, size_t length, struct parse_report *report);

void deck_destroy(struct deck *deck);

size_t deck_n_slides(const struct deck *deck);
// index < deck_n_slides(); borrowed, valid until deck_destroy().
const struct deck_slide *deck_slide_at(const struct deck *deck, size_t index);

#endif
