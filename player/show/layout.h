// layout: places one slide's blocks on a screen of a given size: type scale,
// safe margin, line breaking (UAX #14 via libunibreak, East Asian rules) and
// shrink-to-fit. Pure: it measures text only through the caller's callbacks,
// so it can be tested without fonts and run in --check without a window.
//
// The design (sizes in u = min(safe height, safe width * 9/16) / 100, so a
// portrait screen keeps a landscape screen's line length):
// - Title 8u, heading 6u, body 5u, code 4u, callout figure 10u and label 3.6u.
// - The title (first heading) sits top left, balanced (lines of even length,
//   like CSS text-wrap: balance), 1 title size above the body. The rest is
//   stacked in reading order, centred vertically in the space left: 0.6 body
//   lines between blocks, 0.3 between list items, 1.0 above a heading.
// - A slide of only headings is a section slide: 1.25x sizes, every line
//   balanced and centred, the group centred on the screen.
// - Lists: one marker column per slide, wide enough for its widest "N."
//   (at least 1.6 body sizes); each nesting level indents by that column, so
//   a nested bullet sits under its parent's text (2.5u was too small to read
//   as nesting).
// - Callouts: each run of consecutive callouts becomes one grid where it
//   appears: up to 4 columns (2 on a portrait screen), equal cards, one or
//   two cards as wide as in a row of three, an incomplete last row centred.
//   Figures shrink together (to 60%) to stay on one line, then wrap.
// - Images share the height the other blocks leave, each at least 20% of
//   the safe height, at full safe width. Code sits on a padded panel.
// - Lines break only where UAX #14 allows (libunibreak, "zh": “” ‘’ pair up),
//   always at '\n', between code points only inside a run with no opportunity
//   that is wider than the line; trailing spaces (and U+3000) are not drawn.
// - Shrink-to-fit tries scale 1.0, 0.95, ... min_scale; a layout fits when
//   it ends inside the safe area and no line is wider than its column.
// - texts[] is in reading order (a list marker before its item's text); a
//   blank line takes height but gives no text.
#ifndef SIGNAGE_SHOW_LAYOUT_H
#define SIGNAGE_SHOW_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "show/deck.h"

enum text_role {
    TEXT_ROLE_TITLE,          // the slide's first heading
    TEXT_ROLE_HEADING,        // later headings
    TEXT_ROLE_BODY,           // paragraphs, list items, bullets
    TEXT_ROLE_CODE,           // code blocks
    TEXT_ROLE_CALLOUT_FIGURE, // the big number of a callout
    TEXT_ROLE_CALLOUT_LABEL,  // the words under it
    TEXT_ROLE_COUNT,
};

// How the renderer measures text. Both callbacks are called on the caller's
// thread, any number of times, with sizes in pixels (font em size).
struct text_metrics {
    void *context;
    // Width in pixels of length bytes of UTF-8 text drawn on one line.
    int (*measure_width_px)(void *context, enum text_role role, int size_px, const char *text,
                            size_t length);
    // Distance in pixels between the tops of two consecutive lines.
    int (*line_height_px)(void *context, enum text_role role, int size_px);
};

struct layout_params {
    int width_px, height_px; // the whole screen
    double safe_margin;      // fraction of each side kept free for overscan, e.g. 0.05
    double min_scale;        // shrink-to-fit stops here (1.0 = design size), e.g. 0.6
};

#define LAYOUT_DEFAULT_SAFE_MARGIN 0.05
#define LAYOUT_DEFAULT_MIN_SCALE   0.6 // body text stays above ~2.7% of the screen height

struct layout_rect {
    int x_px, y_px, width_px, height_px;
};

// One line of text, ready to draw with its top-left corner at rect.
struct layout_text {
    enum text_role role;
    int size_px;
    struct layout_rect rect; // width = measured width, height = line height
    const char *text;        // borrowed from the deck; list markers belong to the layout
    size_t length;           // bytes of text on this line (no trailing spaces or '\n')
    size_t block_index;      // which slide block it came from
};

enum layout_box_kind {
    LAYOUT_BOX_CALLOUT, // the card behind one callout
    LAYOUT_BOX_IMAGE,   // where an image goes; fit it inside with its aspect kept
    LAYOUT_BOX_CODE,    // the panel behind a code block
};

struct layout_box {
    enum layout_box_kind kind;
    struct layout_rect rect;
    size_t block_index;
};

struct slide_layout {
    size_t n_texts;
    struct layout_text *texts;
    size_t n_boxes;
    struct layout_box *boxes;
    double scale;        // the shrink-to-fit factor used, min_scale..1.0
    bool is_overflowing; // content did not fit even at min_scale (still laid out, clipped)
    struct layout_rect safe_area;
};

// Lays out slide for params. Returns a new layout (caller frees with
// layout_destroy); its texts borrow from slide, so slide must outlive it.
// Never fails: a slide that does not fit is still laid out, is_overflowing.
// One thread at a time: libunibreak's init_linebreak() fills a global table.
struct slide_layout *layout_slide(const struct deck_slide *slide,
                                  const struct layout_params *params,
                                  const struct text_metrics *metrics);

void layout_destroy(struct slide_layout *layout);

#endif
