// layout: turns one slide's blocks into positioned lines and boxes for one
// screen size: type scale, line breaking, callout grid, shrink-to-fit. It
// never draws or loads a font: every width comes from the caller's metrics.
#include "show/layout.h"

#include <linebreak.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

// Sizes are in design units u: 1/100 of the safe area's height, or of the
// height a 16:9 area of the safe width would have, whichever is smaller (a
// portrait screen must not get type sized for its height).
#define SIZE_TITLE_U   8.0
#define SIZE_HEADING_U 6.0
#define SIZE_BODY_U    5.0
#define SIZE_CODE_U    4.0
#define SIZE_FIGURE_U  10.0
#define SIZE_LABEL_U   3.6

#define TITLE_SLIDE_FACTOR      1.25 // a section slide's words are its whole message
#define TITLE_GAP_SIZES         1.0  // below the title, in title sizes
#define PARAGRAPH_GAP_LINES     0.6  // between blocks, in body line heights
#define LIST_GAP_LINES          0.3  // between list items: a list reads as one unit
#define HEADING_GAP_LINES       1.0  // above a heading inside the body: a new section
#define LIST_HANG_SIZES         1.6  // bullet column, in body sizes
#define MARKER_GAP_SIZES        0.5  // at least this between a wide "12." and its text
#define MAX_INDENT_FRACTION     3    // nesting never takes more than 1/3 of the width
#define CODE_PADDING_U          1.5
#define CARD_GAP_U              2.0
#define CARD_PADDING_U          1.5
#define FIGURE_LABEL_GAP_SIZES  0.3 // in label sizes
#define FIGURE_MIN_FIT          0.6 // a figure shrinks this far to stay on one line, then wraps
#define CARD_WIDTH_COLUMNS      3   // one or two cards are as wide as in a row of three
#define IMAGE_MIN_SAFE_FRACTION 0.2 // an image squeezed smaller than this is not worth showing
#define CARD_COLUMNS_LANDSCAPE  4
#define CARD_COLUMNS_PORTRAIT   2
#define SCALE_STEP              0.05
#define SCALE_FLOOR             0.05 // a min_scale below this would make type vanish
#define MAX_SAFE_MARGIN         0.45 // leaves at least a tenth of the screen to draw on
// Type is sized from the safe height, but never from more than this many
// times the safe width: on a portrait panel text stays ~25 CJK characters a
// line instead of growing until a title takes the whole screen.
#define UNIT_WIDTH_CAP 0.8
// The body sits at the optical centre of the space under the title: a third
// of the free space above it, two thirds below.
#define BODY_FREE_SPACE_ABOVE (1.0 / 3.0)
#define BREAK_LANGUAGE        "zh" // UAX #14 tailoring: “” ‘’ act as opening/closing quotes

static const char bullet_text[] = "\xE2\x80\xA2"; // U+2022 •

struct layout_owner {
    struct slide_layout layout; // first, so layout_destroy can cast back
    char **markers;             // "N." per ordered list item, indexed by block; else NULL
    size_t n_markers;
};

struct span {
    size_t start, length; // bytes of the text, trailing spaces excluded
};

struct placer {
    const struct deck_slide *slide;
    const struct text_metrics *metrics;
    struct layout_rect safe;
    double unit_px; // u at scale 1.0
    double scale;
    bool is_portrait;
    bool is_title_slide; // only headings: centred, larger
    size_t title_index;  // the first heading, or SIZE_MAX
    char *const *markers;
    int size_px[TEXT_ROLE_COUNT];
    int line_px[TEXT_ROLE_COUNT];
    int list_hang_px;
    bool is_too_wide;     // some line is wider than its column even after breaking characters
    bool has_broken_word; // the last wrap cut a run between code points
    struct span *spans;
    size_t n_spans, cap_spans;
    struct layout_text *texts;
    size_t n_texts, cap_texts;
    struct layout_box *boxes;
    size_t n_boxes, cap_boxes;
};

static int round_px(double value)
{
    if (!(value > 0))
        return 0;
    return value >= (double)INT32_MAX ? INT32_MAX : (int)(value + 0.5);
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

static int design_px(const struct placer *p, double units)
{
    return round_px(units * p->unit_px * p->scale);
}

static int measure(const struct placer *p, enum text_role role, const char *text, size_t length)
{
    if (length == 0)
        return 0;
    const struct text_metrics *m = p->metrics;
    return max_int(0, m->measure_width_px(m->context, role, p->size_px[role], text, length));
}

// ---- line breaking --------------------------------------------------------

// Length of text[start, end) without trailing white space: spaces, tabs,
// newlines and U+3000 (the ideographic space Chinese text is indented with).
static size_t trimmed_length(const char *text, size_t start, size_t end)
{
    while (end > start) {
        char c = text[end - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            end--;
        } else if (end - start >= 3 && memcmp(text + end - 3, "\xE3\x80\x80", 3) == 0) {
            end -= 3;
        } else {
            break;
        }
    }
    return end - start;
}

static int measure_trimmed(const struct placer *p, enum text_role role, const char *text,
                           size_t start, size_t end)
{
    return measure(p, role, text + start, trimmed_length(text, start, end));
}

static void emit_span(struct placer *p, enum text_role role, const char *text, size_t start,
                      size_t end, int max_width_px)
{
    if (p->n_spans == p->cap_spans) {
        p->cap_spans = p->cap_spans ? p->cap_spans * 2 : 16;
        p->spans = xreallocarray(p->spans, p->cap_spans, sizeof *p->spans);
    }
    struct span *span = &p->spans[p->n_spans++];
    span->start = start;
    span->length = trimmed_length(text, start, end);
    if (measure(p, role, text + start, span->length) > max_width_px)
        p->is_too_wide = true;
}

static size_t next_codepoint(const char *text, size_t at, size_t end)
{
    at++;
    while (at < end && ((unsigned char)text[at] & 0xC0) == 0x80)
        at++;
    return at;
}

// text[start, end) has no break opportunity yet is wider than the line (a
// long word or URL): emits full lines cut between code points and returns
// where the rest, which fits, starts.
static size_t break_word(struct placer *p, enum text_role role, const char *text, size_t start,
                         size_t end, int max_width_px)
{
    while (measure_trimmed(p, role, text, start, end) > max_width_px) {
        size_t cut = next_codepoint(text, start, end); // at least one code point per line
        for (size_t next = next_codepoint(text, cut, end); cut < end;
             next = next_codepoint(text, cut, end)) {
            if (measure_trimmed(p, role, text, start, next) > max_width_px)
                break;
            cut = next;
        }
        if (cut >= end)
            break; // one code point wider than the line: the caller keeps it as is
        p->has_broken_word = true;
        emit_span(p, role, text, start, cut, max_width_px);
        start = cut;
    }
    return start;
}

// libunibreak 1.1 uses U+FFFF as its end-of-text marker (EOS in
// linebreakdef.h), so a noncharacter U+FFFF inside the text fails its
// assertion and aborts the player. Returns NULL when text holds none, else a
// copy (caller frees) with each U+FFFF replaced by U+FFFD: the same three
// bytes long, so break positions still index the original text.
static char *without_eos_marker(const char *text, size_t length)
{
    static const char eos[] = "\xEF\xBF\xBF";
    char *copy = NULL;
    for (size_t i = 0; i + 3 <= length; i++) {
        if (memcmp(text + i, eos, 3) != 0)
            continue;
        if (!copy)
            copy = xstrndup(text, length);
        copy[i + 2] = (char)0xBD;
    }
    return copy;
}

// Greedy fill: breaks text into p->spans, no wider than max_width_px, only
// where UAX #14 allows (so "，" never starts a line and "“" never ends one)
// and always at '\n'; breaks between code points only inside a run that has
// no opportunity and does not fit on a line of its own.
static void wrap(struct placer *p, enum text_role role, const char *text, size_t length,
                 int max_width_px)
{
    p->n_spans = 0;
    p->has_broken_word = false;
    if (length == 0)
        return;
    char *breaks = xcalloc(length, 1);
    char *safe_text = without_eos_marker(text, length);
    set_linebreaks_utf8((const utf8_t *)(safe_text ? safe_text : text), length, BREAK_LANGUAGE,
                        breaks);
    free(safe_text);
    size_t start = 0, fit_end = 0;
    bool has_fit = false;
    for (size_t i = 0; i < length;) {
        char kind = breaks[i];
        if (kind != LINEBREAK_MUSTBREAK && kind != LINEBREAK_ALLOWBREAK) {
            i++;
            continue;
        }
        size_t end = i + 1; // breaks[i] is the opportunity after byte i
        bool is_fitting = measure_trimmed(p, role, text, start, end) <= max_width_px;
        if (!is_fitting && has_fit) {
            emit_span(p, role, text, start, fit_end, max_width_px);
            start = fit_end;
            has_fit = false;
            continue; // measure the same run again on the new line
        }
        if (!is_fitting)
            start = break_word(p, role, text, start, end, max_width_px);
        if (kind == LINEBREAK_MUSTBREAK) {
            emit_span(p, role, text, start, end, max_width_px);
            start = end;
            has_fit = false;
        } else {
            fit_end = end;
            has_fit = true;
        }
        i++;
    }
    if (start < length)
        emit_span(p, role, text, start, length, max_width_px);
    free(breaks);
}

// ---- output ---------------------------------------------------------------

static void add_text(struct placer *p, enum text_role role, size_t block_index, const char *text,
                     size_t length, int x_px, int y_px)
{
    if (p->n_texts == p->cap_texts) {
        p->cap_texts = p->cap_texts ? p->cap_texts * 2 : 32;
        p->texts = xreallocarray(p->texts, p->cap_texts, sizeof *p->texts);
    }
    struct layout_text *out = &p->texts[p->n_texts++];
    out->role = role;
    out->size_px = p->size_px[role];
    out->rect = (struct layout_rect){x_px, y_px, measure(p, role, text, length), p->line_px[role]};
    out->text = text;
    out->length = length;
    out->block_index = block_index;
}

static void add_box(struct placer *p, enum layout_box_kind kind, size_t block_index,
                    struct layout_rect rect)
{
    if (p->n_boxes == p->cap_boxes) {
        p->cap_boxes = p->cap_boxes ? p->cap_boxes * 2 : 8;
        p->boxes = xreallocarray(p->boxes, p->cap_boxes, sizeof *p->boxes);
    }
    p->boxes[p->n_boxes++] = (struct layout_box){kind, rect, block_index};
}

static void shift_texts(struct placer *p, size_t from, size_t to, int dy_px)
{
    for (size_t i = from; i < to; i++)
        p->texts[i].rect.y_px += dy_px;
}

static void shift_boxes(struct placer *p, size_t from, int dy_px)
{
    for (size_t i = from; i < p->n_boxes; i++)
        p->boxes[i].rect.y_px += dy_px;
}

enum place_style {
    PLACE_LEFT = 0,
    PLACE_CENTERED = 1, // each line centred in the column
    PLACE_BALANCED = 2, // lines of even length: no lone word under a long title line
};

// The narrowest width that still wraps text into as many lines as width_px
// does, without cutting a word (like CSS text-wrap: balance).
static int balanced_width(struct placer *p, enum text_role role, const char *text, size_t length,
                          int width_px)
{
    bool was_too_wide = p->is_too_wide;
    wrap(p, role, text, length, width_px);
    size_t n_lines = p->n_spans;
    bool can_balance = n_lines > 1 && !p->has_broken_word && !p->is_too_wide;
    int low = 1, high = width_px;
    while (can_balance && low < high) {
        int middle = low + (high - low) / 2;
        p->is_too_wide = false;
        wrap(p, role, text, length, middle);
        if (p->n_spans == n_lines && !p->is_too_wide && !p->has_broken_word)
            high = middle;
        else
            low = middle + 1;
    }
    p->is_too_wide = was_too_wide;
    return high;
}

// Wraps text into the column [x_px, x_px + width_px) from y_px down in the
// given style. Returns the height used (blank lines count).
static int place_lines(struct placer *p, enum text_role role, size_t block_index, const char *text,
                       int x_px, int width_px, int y_px, enum place_style style)
{
    if (!text)
        text = "";
    int wrap_px = width_px;
    if (style & PLACE_BALANCED)
        wrap_px = balanced_width(p, role, text, strlen(text), width_px);
    wrap(p, role, text, strlen(text), wrap_px);
    bool is_centered = style & PLACE_CENTERED;
    for (size_t i = 0; i < p->n_spans; i++) {
        const char *line = text + p->spans[i].start;
        size_t length = p->spans[i].length;
        if (length == 0)
            continue;
        int x = x_px;
        if (is_centered)
            x += max_int(0, width_px - measure(p, role, line, length)) / 2;
        add_text(p, role, block_index, line, length, x, y_px + (int)i * p->line_px[role]);
    }
    return (int)p->n_spans * p->line_px[role];
}

// ---- blocks -----------------------------------------------------------------

static const char *marker_of(const struct placer *p, size_t block_index)
{
    return p->markers[block_index] ? p->markers[block_index] : bullet_text;
}

// The hanging indent shared by every list item of the slide, wide enough for
// its widest marker so "10." and its text never touch.
static int list_hang(const struct placer *p)
{
    int body = p->size_px[TEXT_ROLE_BODY];
    int hang = round_px(LIST_HANG_SIZES * body);
    for (size_t i = 0; i < p->slide->n_blocks; i++) {
        if (p->slide->blocks[i].kind != SLIDE_BLOCK_LIST_ITEM)
            continue;
        const char *marker = marker_of(p, i);
        int width = measure(p, TEXT_ROLE_BODY, marker, strlen(marker));
        hang = max_int(hang, width + round_px(MARKER_GAP_SIZES * body));
    }
    return hang;
}

static int place_list_item(struct placer *p, size_t index, int y_px)
{
    const struct slide_block *block = &p->slide->blocks[index];
    int level = block->level < 1 ? 1 : block->level;
    int indent = (level - 1) * p->list_hang_px; // a nested bullet sits under its parent's text
    if (indent > p->safe.width_px / MAX_INDENT_FRACTION)
        indent = p->safe.width_px / MAX_INDENT_FRACTION;
    int x = p->safe.x_px + indent;
    const char *marker = marker_of(p, index);
    add_text(p, TEXT_ROLE_BODY, index, marker, strlen(marker), x, y_px);
    if (indent + p->list_hang_px >= p->safe.width_px)
        p->is_too_wide = true;
    int width = max_int(1, p->safe.width_px - indent - p->list_hang_px);
    int height = place_lines(p, TEXT_ROLE_BODY, index, block->text, x + p->list_hang_px, width,
                             y_px, PLACE_LEFT);
    return max_int(height, p->line_px[TEXT_ROLE_BODY]);
}

static int place_code(struct placer *p, size_t index, int y_px)
{
    int padding = design_px(p, CODE_PADDING_U);
    int inner = max_int(1, p->safe.width_px - 2 * padding);
    int height = place_lines(p, TEXT_ROLE_CODE, index, p->slide->blocks[index].text,
                             p->safe.x_px + padding, inner, y_px + padding, PLACE_LEFT);
    height += 2 * padding;
    add_box(p, LAYOUT_BOX_CODE, index,
            (struct layout_rect){p->safe.x_px, y_px, p->safe.width_px, height});
    return height;
}

struct card {
    int x_px;
    size_t first_text;
    int content_px; // figure and label, without padding
};

// Places one card's figure and label at the top of its column (y = 0); the
// grid moves them into their row afterwards.
static int place_card_text(struct placer *p, size_t index, int x_px, int width_px)
{
    const struct slide_block *block = &p->slide->blocks[index];
    const char *figure = block->figure ? block->figure : "";
    int height = place_lines(p, TEXT_ROLE_CALLOUT_FIGURE, index, figure, x_px, width_px, 0,
                             PLACE_CENTERED | PLACE_BALANCED);
    if (block->text && *block->text) {
        height += round_px(FIGURE_LABEL_GAP_SIZES * p->size_px[TEXT_ROLE_CALLOUT_LABEL]);
        height += place_lines(p, TEXT_ROLE_CALLOUT_LABEL, index, block->text, x_px, width_px,
                              height, PLACE_CENTERED | PLACE_BALANCED);
    }
    return height;
}

static void set_role_size(struct placer *p, enum text_role role, int size_px)
{
    const struct text_metrics *m = p->metrics;
    p->size_px[role] = max_int(1, size_px);
    p->line_px[role] = max_int(1, m->line_height_px(m->context, role, p->size_px[role]));
}

static int widest_figure(const struct placer *p, size_t first, size_t end)
{
    int widest = 0;
    for (size_t i = first; i < end; i++) {
        const char *figure = p->slide->blocks[i].figure ? p->slide->blocks[i].figure : "";
        widest = max_int(widest, measure(p, TEXT_ROLE_CALLOUT_FIGURE, figure, strlen(figure)));
    }
    return widest;
}

// Makes the figures of callouts [first, end) small enough to each fit on one
// line of inner_px, if that takes no more than FIGURE_MIN_FIT: a number reads
// as one unit, and every card of a grid keeps the same figure size.
static void fit_figures(struct placer *p, size_t first, size_t end, int inner_px)
{
    int size = p->size_px[TEXT_ROLE_CALLOUT_FIGURE];
    int smallest = max_int(1, round_px(FIGURE_MIN_FIT * size));
    int widest = widest_figure(p, first, end);
    if (widest <= inner_px)
        return;
    size = max_int(smallest, (int)((double)size * inner_px / widest));
    set_role_size(p, TEXT_ROLE_CALLOUT_FIGURE, size);
    while (size > smallest && widest_figure(p, first, end) > inner_px)
        set_role_size(p, TEXT_ROLE_CALLOUT_FIGURE, --size);
}

// Callouts [first, end) as a grid of equal cards, an incomplete last row
// centred. Returns the grid's height.
static int place_callouts(struct placer *p, size_t first, size_t end, int y_px)
{
    int n = (int)(end - first);
    int max_columns = p->is_portrait ? CARD_COLUMNS_PORTRAIT : CARD_COLUMNS_LANDSCAPE;
    int columns = n < max_columns ? n : max_columns;
    int rows = (n + columns - 1) / columns;
    int width_columns =
        max_int(columns, max_columns < CARD_WIDTH_COLUMNS ? max_columns : CARD_WIDTH_COLUMNS);
    int gap = design_px(p, CARD_GAP_U), padding = design_px(p, CARD_PADDING_U);
    int card_width = max_int(1, (p->safe.width_px - (width_columns - 1) * gap) / width_columns);
    int inner = max_int(1, card_width - 2 * padding);
    int figure_px = p->size_px[TEXT_ROLE_CALLOUT_FIGURE];
    fit_figures(p, first, end, inner);
    struct card *cards = xcalloc((size_t)n, sizeof *cards);
    int content_max = 0;
    for (int k = 0; k < n; k++) {
        int row_start = k / columns * columns;
        int in_row = n - row_start < columns ? n - row_start : columns;
        int row_width = in_row * card_width + (in_row - 1) * gap;
        cards[k].x_px =
            p->safe.x_px + (p->safe.width_px - row_width) / 2 + k % columns * (card_width + gap);
        cards[k].first_text = p->n_texts;
        cards[k].content_px = place_card_text(p, first + (size_t)k, cards[k].x_px + padding, inner);
        content_max = max_int(content_max, cards[k].content_px);
    }
    int card_height = content_max + 2 * padding;
    for (int k = 0; k < n; k++) {
        int card_y = y_px + k / columns * (card_height + gap);
        size_t to = k + 1 < n ? cards[k + 1].first_text : p->n_texts;
        shift_texts(p, cards[k].first_text, to,
                    card_y + padding + (content_max - cards[k].content_px) / 2);
        add_box(p, LAYOUT_BOX_CALLOUT, first + (size_t)k,
                (struct layout_rect){cards[k].x_px, card_y, card_width, card_height});
    }
    free(cards);
    set_role_size(p, TEXT_ROLE_CALLOUT_FIGURE, figure_px);
    return rows * card_height + (rows - 1) * gap;
}

static int gap_before(const struct placer *p, enum slide_block_kind previous,
                      enum slide_block_kind kind)
{
    double lines = PARAGRAPH_GAP_LINES;
    if (previous == SLIDE_BLOCK_LIST_ITEM && kind == SLIDE_BLOCK_LIST_ITEM)
        lines = LIST_GAP_LINES;
    else if (kind == SLIDE_BLOCK_HEADING)
        lines = HEADING_GAP_LINES;
    return round_px(lines * p->line_px[TEXT_ROLE_BODY]);
}

// Stacks every block but the title from y_px down, runs of callouts as one
// grid, each image image_px tall. Returns the height used.
static int place_body(struct placer *p, int y_px, int image_px)
{
    const struct slide_block *blocks = p->slide->blocks;
    int y = y_px;
    enum slide_block_kind previous = SLIDE_BLOCK_PARAGRAPH;
    bool is_first = true;
    for (size_t i = 0, next; i < p->slide->n_blocks; i = next) {
        next = i + 1;
        if (i == p->title_index)
            continue;
        enum slide_block_kind kind = blocks[i].kind;
        if (!is_first)
            y += gap_before(p, previous, kind);
        switch (kind) {
        case SLIDE_BLOCK_CALLOUT:
            while (next < p->slide->n_blocks && blocks[next].kind == SLIDE_BLOCK_CALLOUT)
                next++;
            y += place_callouts(p, i, next, y);
            break;
        case SLIDE_BLOCK_IMAGE:
            add_box(p, LAYOUT_BOX_IMAGE, i,
                    (struct layout_rect){p->safe.x_px, y, p->safe.width_px, image_px});
            y += image_px;
            break;
        case SLIDE_BLOCK_CODE:
            y += place_code(p, i, y);
            break;
        case SLIDE_BLOCK_LIST_ITEM:
            y += place_list_item(p, i, y);
            break;
        case SLIDE_BLOCK_HEADING:
        case SLIDE_BLOCK_PARAGRAPH: {
            enum text_role role = kind == SLIDE_BLOCK_HEADING ? TEXT_ROLE_HEADING : TEXT_ROLE_BODY;
            y += place_lines(p, role, i, blocks[i].text, p->safe.x_px, p->safe.width_px, y,
                             PLACE_LEFT);
            break;
        }
        }
        previous = kind;
        is_first = false;
    }
    return y - y_px;
}

// ---- slides -------------------------------------------------------------------

// Headings only: every line centred, the group centred in the safe area.
static bool layout_title_slide(struct placer *p)
{
    int y = p->safe.y_px;
    for (size_t i = 0; i < p->slide->n_blocks; i++) {
        enum text_role role = i == 0 ? TEXT_ROLE_TITLE : TEXT_ROLE_HEADING;
        if (i > 0)
            y += round_px(PARAGRAPH_GAP_LINES * p->line_px[TEXT_ROLE_HEADING]);
        y += place_lines(p, role, i, p->slide->blocks[i].text, p->safe.x_px, p->safe.width_px, y,
                         PLACE_CENTERED | PLACE_BALANCED);
    }
    int height = y - p->safe.y_px;
    if (height < p->safe.height_px)
        shift_texts(p, 0, p->n_texts, (p->safe.height_px - height) / 2);
    return height <= p->safe.height_px;
}

// Title at the top left; the rest stacked below it at the optical centre of
// the space left, images sharing whatever height the other blocks leave.
static bool layout_content_slide(struct placer *p)
{
    int y = p->safe.y_px;
    if (p->title_index != SIZE_MAX) {
        y += place_lines(p, TEXT_ROLE_TITLE, p->title_index, p->slide->blocks[p->title_index].text,
                         p->safe.x_px, p->safe.width_px, y, PLACE_BALANCED);
        y += round_px(TITLE_GAP_SIZES * p->size_px[TEXT_ROLE_TITLE]);
    }
    int body_px = p->safe.y_px + p->safe.height_px - y;
    size_t first_text = p->n_texts, first_box = p->n_boxes;
    int n_images = 0;
    for (size_t i = 0; i < p->slide->n_blocks; i++)
        n_images += p->slide->blocks[i].kind == SLIDE_BLOCK_IMAGE;
    int content_px = place_body(p, y, 0);
    if (n_images > 0) {
        int image_px = max_int((body_px - content_px) / n_images,
                               round_px(IMAGE_MIN_SAFE_FRACTION * p->safe.height_px));
        p->n_texts = first_text;
        p->n_boxes = first_box;
        content_px = place_body(p, y, image_px);
    }
    if (content_px < body_px) {
        int shift = round_px((body_px - content_px) * BODY_FREE_SPACE_ABOVE);
        shift_texts(p, first_text, p->n_texts, shift);
        shift_boxes(p, first_box, shift);
    }
    return y - p->safe.y_px + content_px <= p->safe.height_px;
}

static void set_sizes(struct placer *p)
{
    static const double design_u[TEXT_ROLE_COUNT] = {
        [TEXT_ROLE_TITLE] = SIZE_TITLE_U,
        [TEXT_ROLE_HEADING] = SIZE_HEADING_U,
        [TEXT_ROLE_BODY] = SIZE_BODY_U,
        [TEXT_ROLE_CODE] = SIZE_CODE_U,
        [TEXT_ROLE_CALLOUT_FIGURE] = SIZE_FIGURE_U,
        [TEXT_ROLE_CALLOUT_LABEL] = SIZE_LABEL_U,
    };
    for (int r = 0; r < TEXT_ROLE_COUNT; r++) {
        enum text_role role = (enum text_role)r;
        bool is_big = p->is_title_slide && (role == TEXT_ROLE_TITLE || role == TEXT_ROLE_HEADING);
        set_role_size(p, role, design_px(p, design_u[r] * (is_big ? TITLE_SLIDE_FACTOR : 1)));
    }
}

// Lays the whole slide out at scale; returns whether it fits the safe area.
static bool layout_at_scale(struct placer *p, double scale)
{
    p->scale = scale;
    p->n_texts = p->n_boxes = 0;
    p->is_too_wide = false;
    set_sizes(p);
    p->list_hang_px = list_hang(p);
    bool fits = p->is_title_slide ? layout_title_slide(p) : layout_content_slide(p);
    return fits && !p->is_too_wide;
}

static double clamp(double value, double low, double high, double fallback)
{
    if (isnan(value))
        return fallback;
    return value < low ? low : value > high ? high : value;
}

static void placer_init(struct placer *p, const struct deck_slide *slide,
                        const struct layout_params *params, const struct text_metrics *metrics,
                        char *const *markers)
{
    int width = max_int(1, params->width_px), height = max_int(1, params->height_px);
    double margin = clamp(params->safe_margin, 0, MAX_SAFE_MARGIN, LAYOUT_DEFAULT_SAFE_MARGIN);
    int margin_x = round_px(margin * width), margin_y = round_px(margin * height);
    p->slide = slide;
    p->metrics = metrics;
    p->markers = markers;
    p->safe = (struct layout_rect){margin_x, margin_y, max_int(1, width - 2 * margin_x),
                                   max_int(1, height - 2 * margin_y)};
    double width_cap = p->safe.width_px * UNIT_WIDTH_CAP;
    p->unit_px = (p->safe.height_px < width_cap ? p->safe.height_px : width_cap) / 100.0;
    p->is_portrait = width < height;
    p->title_index = SIZE_MAX;
    p->is_title_slide = slide->n_blocks > 0;
    for (size_t i = 0; i < slide->n_blocks; i++) {
        bool is_heading = slide->blocks[i].kind == SLIDE_BLOCK_HEADING;
        if (is_heading && p->title_index == SIZE_MAX)
            p->title_index = i;
        p->is_title_slide = p->is_title_slide && is_heading;
    }
}

static char **make_markers(const struct deck_slide *slide)
{
    char **markers = xcalloc(slide->n_blocks, sizeof *markers);
    for (size_t i = 0; i < slide->n_blocks; i++) {
        const struct slide_block *block = &slide->blocks[i];
        if (block->kind == SLIDE_BLOCK_LIST_ITEM && block->number > 0)
            markers[i] = xasprintf("%d.", block->number);
    }
    return markers;
}

struct slide_layout *layout_slide(const struct deck_slide *slide,
                                  const struct layout_params *params,
                                  const struct text_metrics *metrics)
{
    static const struct deck_slide empty = {0};
    struct layout_owner *owner = xcalloc(1, sizeof *owner);
    struct slide_layout *layout = &owner->layout;
    if (!slide)
        slide = &empty;
    owner->markers = make_markers(slide);
    owner->n_markers = slide->n_blocks;
    struct placer p = {0};
    placer_init(&p, slide, params, metrics, owner->markers);
    double min_scale = clamp(params->min_scale, SCALE_FLOOR, 1.0, LAYOUT_DEFAULT_MIN_SCALE);
    init_linebreak(); // idempotent and cheap; libunibreak needs it before any query
    for (int step = 0;; step++) {
        double scale = 1.0 - SCALE_STEP * step;
        if (scale < min_scale + 1e-9)
            scale = min_scale;
        bool fits = layout_at_scale(&p, scale);
        if (fits || scale == min_scale) {
            layout->scale = scale;
            layout->is_overflowing = !fits;
            break;
        }
    }
    layout->texts = p.texts;
    layout->n_texts = p.n_texts;
    layout->boxes = p.boxes;
    layout->n_boxes = p.n_boxes;
    layout->safe_area = p.safe;
    free(p.spans);
    return layout;
}

void layout_destroy(struct slide_layout *layout)
{
    if (!layout)
        return;
    struct layout_owner *owner = (struct layout_owner *)layout;
    for (size_t i = 0; i < owner->n_markers; i++)
        free(owner->markers[i]);
    free(owner->markers);
    free(layout->texts);
    free(layout->boxes);
    free(owner);
}
