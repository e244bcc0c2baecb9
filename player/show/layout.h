// layout: places one slide's blocks on a screen of a given size: type scale,
// safe margin, line breaking (UAX #14 via libunibreak, East Asian rules) and
// shrink-to-fit. Pure: it measures text only through the caller's callbacks,
// so it can be tested without fonts and run in --check without a window.
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
    int width_px, height_px;  // the whole screen
    double safe_margin;       // fraction of each side kept free for overscan, e.g. 0.05
    double min_scale;         // shrink-to-fit stops here (1.0 = design size), e.g. 0.6
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
    const char *text;        // borrowed from the deck (or static, for bullets)
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
struct slide_layout *layout_slide(const struct deck_slide *slide,
                                  const struct layout_params *params,
                                  const struct text_metrics *metrics);

void layout_destroy(struct slide_layout *layout);

#endif
