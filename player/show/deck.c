// deck: md4c flattens each slide that deck_split cuts from the text into
// blocks. It owns every string it returns; it knows nothing of screens, fonts
// or files.
#include "show/deck.h"

#include <md4c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "show/deck_split.h"

#define ARENA_CHUNK_BYTES 16384 // a typical lesson deck fits in a few chunks
#define MD_PARSER_FLAGS   (MD_DIALECT_COMMONMARK | MD_FLAG_STRIKETHROUGH)
#define REPLACEMENT_CHAR  0xFFFDu // what CommonMark puts in place of NUL and bad references

// ---- storage -------------------------------------------------------------

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[]; // max_align_t so every allocation can hold any type
};

struct deck {
    struct arena_chunk *arena; // every string and block array of every slide
    struct deck_slide *slides;
    size_t n_slides, cap_slides;
};

static void *arena_alloc(struct deck *deck, size_t bytes)
{
    size_t align = _Alignof(max_align_t);
    bytes = (bytes + align - 1) / align * align;
    struct arena_chunk *chunk = deck->arena;
    if (!chunk || chunk->size - chunk->used < bytes) {
        size_t size = bytes > ARENA_CHUNK_BYTES ? bytes : ARENA_CHUNK_BYTES;
        chunk = xcalloc(1, sizeof *chunk + size);
        chunk->size = size;
        chunk->next = deck->arena;
        deck->arena = chunk;
    }
    void *memory = (char *)chunk->data + chunk->used;
    chunk->used += bytes;
    return memory;
}

static const char *arena_strndup(struct deck *deck, const char *text, size_t length)
{
    char *copy = arena_alloc(deck, length + 1);
    if (length)
        memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

// Makes room for one more element in a growable array of n of *capacity.
static void *grow(void *array, size_t n, size_t *capacity, size_t size)
{
    if (n < *capacity)
        return array;
    *capacity = *capacity ? *capacity * 2 : 8;
    return xreallocarray(array, *capacity, size);
}

// A growable byte string used while a block is being built.
struct buf {
    char *data;
    size_t length, capacity;
};

static void buf_append(struct buf *buf, const char *bytes, size_t n)
{
    if (buf->length + n > buf->capacity) {
        size_t capacity = buf->capacity ? buf->capacity * 2 : 64;
        while (capacity < buf->length + n)
            capacity *= 2;
        buf->data = xreallocarray(buf->data, capacity, 1);
        buf->capacity = capacity;
    }
    if (n)
        memcpy(buf->data + buf->length, bytes, n);
    buf->length += n;
}

// ---- UTF-8 ----------------------------------------------------------------

static size_t utf8_encode(uint32_t cp, char out[4])
{
    static const unsigned lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        out[i] = (char)(0x80 | (cp & 0x3F));
    out[0] = (char)(lead[n] | cp);
    return n;
}

static uint32_t first_codepoint(const char *text, size_t length)
{
    size_t offset = 0;
    uint32_t cp = length ? utf8_next(text, length, &offset) : 0;
    return cp == UTF8_INVALID ? 0 : cp;
}

static uint32_t last_codepoint(const struct buf *buf)
{
    if (buf->length == 0) // data may still be NULL: no pointer arithmetic on it
        return 0;
    size_t start = buf->length;
    while (start > 0 && buf->length - start < 4) {
        start--;
        if (((unsigned char)buf->data[start] & 0xC0) != 0x80)
            break;
    }
    return first_codepoint(buf->data + start, buf->length - start);
}

// Scripts written without spaces between words, plus their punctuation, so a
// line break in the source between two of them must not become a space.
// Hangul is left out on purpose: Korean puts spaces between words (this is
// also what CSS Text 3 does with segment breaks).
static bool is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x2FDF)      // radicals
           || (cp >= 0x3000 && cp <= 0x30FF)   // CJK punctuation, kana
           || (cp >= 0x31C0 && cp <= 0x31FF)   // strokes, kana extension
           || (cp >= 0x3400 && cp <= 0x4DBF)   // Han extension A
           || (cp >= 0x4E00 && cp <= 0x9FFF)   // Han
           || (cp >= 0xF900 && cp <= 0xFAFF)   // Han compatibility
           || (cp >= 0xFE30 && cp <= 0xFE4F)   // CJK compatibility forms
           || (cp >= 0xFF00 && cp <= 0xFFEF)   // full-width forms
           || (cp >= 0x20000 && cp <= 0x3FFFF) // Han extensions B..
           || cp == 0x2018 || cp == 0x2019     // ‘ ’
           || cp == 0x201C || cp == 0x201D     // “ ”
           || cp == 0x2014 || cp == 0x2026;    // —— and …… in Chinese text
}

// ---- entities --------------------------------------------------------------

struct named_entity {
    const char *name;
    uint32_t codepoint;
};

// The entities a teacher may type; md4c passes any &name; through verbatim.
static const struct named_entity named_entities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"copy", 0xA9},     {"reg", 0xAE},     {"trade", 0x2122}, {"hellip", 0x2026},
    {"mdash", 0x2014}, {"ndash", 0x2013},  {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"laquo", 0xAB},    {"raquo", 0xBB},   {"middot", 0xB7},  {"bull", 0x2022},
    {"times", 0xD7},   {"divide", 0xF7},   {"deg", 0xB0},     {"plusmn", 0xB1},  {"le", 0x2264},
    {"ge", 0x2265},    {"ne", 0x2260},     {"larr", 0x2190},  {"rarr", 0x2192},  {"euro", 0x20AC},
    {"yen", 0xA5},     {"permil", 0x2030}, {"sup2", 0xB2},    {"sup3", 0xB3},    {"pi", 0x3C0},
};

// Appends the decoded form of one entity ("&amp;", "&#x4E2D;") to out;
// unknown names stay as written, bad numbers become U+FFFD (CommonMark).
static void append_entity(struct buf *out, const char *entity, size_t length)
{
    uint32_t cp = 0;
    bool is_known = false;
    if (length >= 4 && entity[1] == '#') { // md4c only passes well-formed digits
        bool is_hex = entity[2] == 'x' || entity[2] == 'X';
        for (size_t i = is_hex ? 3 : 2; i + 1 < length && cp <= 0x10FFFF; i++) {
            char c = entity[i];
            uint32_t digit = c >= '0' && c <= '9'   ? (uint32_t)(c - '0')
                             : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
                                                    : (uint32_t)(c - 'A' + 10);
            cp = cp * (is_hex ? 16u : 10u) + digit;
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = REPLACEMENT_CHAR;
        is_known = true;
    } else if (length >= 3) {
        for (size_t i = 0; i < sizeof named_entities / sizeof named_entities[0]; i++) {
            const char *name = named_entities[i].name;
            if (strlen(name) == length - 2 && memcmp(name, entity + 1, length - 2) == 0) {
                cp = named_entities[i].codepoint;
                is_known = true;
                break;
            }
        }
    }
    if (!is_known) {
        buf_append(out, entity, length);
        return;
    }
    char bytes[4];
    size_t n = utf8_encode(cp, bytes);
    buf_append(out, bytes, n);
}

// Appends an md4c attribute (an image source) with its entities decoded.
static void append_attribute(struct buf *out, const MD_ATTRIBUTE *attribute)
{
    if (!attribute->substr_offsets) {
        buf_append(out, attribute->text, attribute->size);
        return;
    }
    for (size_t i = 0; attribute->substr_offsets[i] < attribute->size; i++) {
        const char *piece = attribute->text + attribute->substr_offsets[i];
        size_t n = attribute->substr_offsets[i + 1] - attribute->substr_offsets[i];
        if (attribute->substr_types[i] == MD_TEXT_ENTITY) {
            append_entity(out, piece, n);
        } else if (attribute->substr_types[i] == MD_TEXT_NULLCHAR) {
            char bytes[4];
            size_t n_bytes = utf8_encode(REPLACEMENT_CHAR, bytes);
            buf_append(out, bytes, n_bytes);
        } else {
            buf_append(out, piece, n);
        }
    }
}

// ---- md4c flattening -------------------------------------------------------

enum figure_state {
    FIGURE_NONE,      // no inline seen yet: a leading strong may still start a callout
    FIGURE_CAPTURING, // inside the leading strong
    FIGURE_DONE,      // captured: the paragraph is a callout
};

struct image_ref {
    const char *path, *alt; // in the deck's arena
    int line;
};

// The state of the block being built from md4c events; its text, figure and
// images are kept in the parser so their storage is reused.
struct leaf {
    bool is_open;
    enum slide_block_kind kind;
    int level, number;
    int line;               // first line seen in its text, 0 until then
    bool may_be_callout;    // a paragraph inside a blockquote
    bool has_inline;        // any text or image seen (a callout's strong must come first)
    bool is_soft_break_due; // a soft break waits for the next text to decide ' ' or ''
    enum figure_state figure_state;
    int figure_strong_depth;
};

struct list_level {
    bool is_ordered;
    int next_number;
};

struct slide_parser {
    struct deck *deck;
    const struct deck_split *split;
    size_t slide_start, slide_length; // the bytes handed to md4c
    int slide_line;
    struct leaf leaf;
    struct buf text, figure;
    struct image_ref *images;
    size_t n_images, cap_images;
    struct list_level *lists;
    size_t n_lists, cap_lists;
    int quote_depth, html_depth, image_depth, strong_depth;
    struct buf alt; // the alt text of the image being read
    struct slide_block *blocks;
    size_t n_blocks, cap_blocks;
};

static const char *trimmed_copy(struct deck *deck, const struct buf *buf, bool keep_indent)
{
    size_t start = 0, end = buf->length;
    while (end > start &&
           (buf->data[end - 1] == ' ' || buf->data[end - 1] == '\n' || buf->data[end - 1] == '\t'))
        end--;
    while (!keep_indent && start < end && (buf->data[start] == ' ' || buf->data[start] == '\n'))
        start++;
    return arena_strndup(deck, end > start ? buf->data + start : "", end - start);
}

static struct slide_block *add_block(struct slide_parser *parser, enum slide_block_kind kind,
                                     int line)
{
    parser->blocks =
        grow(parser->blocks, parser->n_blocks, &parser->cap_blocks, sizeof *parser->blocks);
    struct slide_block *block = &parser->blocks[parser->n_blocks++];
    memset(block, 0, sizeof *block);
    block->kind = kind;
    block->line = line ? line : parser->slide_line;
    return block;
}

// Turns the open leaf into blocks: its text (if any), then its images, so a
// paragraph holding only an image becomes just an image block.
static void leaf_close(struct slide_parser *parser)
{
    struct leaf *leaf = &parser->leaf;
    if (!leaf->is_open)
        return;
    struct deck *deck = parser->deck;
    const char *text = trimmed_copy(deck, &parser->text, leaf->kind == SLIDE_BLOCK_CODE);
    const char *figure = trimmed_copy(deck, &parser->figure, false);
    int line = leaf->line ? leaf->line : (parser->n_images ? parser->images[0].line : 0);
    if (leaf->kind == SLIDE_BLOCK_CODE && deck_split_is_after_fence(parser->split, line))
        line--; // a fenced block starts at its fence, not at its first line of code
    if (leaf->may_be_callout && leaf->figure_state == FIGURE_DONE && *figure) {
        struct slide_block *block = add_block(parser, SLIDE_BLOCK_CALLOUT, line);
        block->figure = figure;
        block->text = text;
    } else if (*text) {
        struct slide_block *block = add_block(parser, leaf->kind, line);
        block->level = leaf->level;
        block->number = leaf->number;
        block->text = text;
    }
    for (size_t i = 0; i < parser->n_images; i++) {
        struct slide_block *block = add_block(parser, SLIDE_BLOCK_IMAGE, parser->images[i].line);
        block->path = parser->images[i].path;
        block->text = parser->images[i].alt;
    }
    memset(leaf, 0, sizeof *leaf);
    parser->text.length = parser->figure.length = parser->n_images = 0;
}

static void leaf_open(struct slide_parser *parser, enum slide_block_kind kind, int level,
                      int number)
{
    leaf_close(parser);
    struct leaf *leaf = &parser->leaf;
    leaf->is_open = true;
    leaf->kind = kind;
    leaf->level = level;
    leaf->number = number;
    leaf->may_be_callout = kind == SLIDE_BLOCK_PARAGRAPH && parser->quote_depth > 0;
}

// Adds inline text to the leaf (or to the figure while the leading strong is
// read), first settling a pending soft break: nothing between two CJK
// characters, one space otherwise.
static void leaf_append(struct slide_parser *parser, const char *text, size_t length)
{
    struct leaf *leaf = &parser->leaf;
    struct buf *out = leaf->figure_state == FIGURE_CAPTURING ? &parser->figure : &parser->text;
    if (leaf->is_soft_break_due && length) {
        leaf->is_soft_break_due = false;
        bool is_joined = is_cjk(last_codepoint(out)) && is_cjk(first_codepoint(text, length));
        if (out->length && !is_joined)
            buf_append(out, " ", 1);
    }
    bool is_after_space = out->length && out->data[out->length - 1] == ' ';
    while (is_after_space && leaf->kind != SLIDE_BLOCK_CODE && length && *text == ' ') {
        text++; // one space where a dropped image left two: "see ![i](i.png) here"
        length--;
    }
    buf_append(out, text, length);
    leaf->has_inline = true;
}

static void leaf_hard_break(struct slide_parser *parser)
{
    parser->leaf.is_soft_break_due = false;
    leaf_append(parser, "\n", 1);
}

// "<br>", "<br/>", "<BR />": teachers reach for HTML to force a line break.
static bool is_html_br(const char *text, size_t length)
{
    if (length < 4 || text[0] != '<' || (text[1] | 0x20) != 'b' || (text[2] | 0x20) != 'r')
        return false;
    for (size_t i = 3; i + 1 < length; i++)
        if (text[i] != ' ' && text[i] != '/')
            return false;
    return text[length - 1] == '>';
}

// md4c 0.4.8 can pass a range running past the end of its input on some
// malformed text (fuzz-found, fixed upstream in 0.5): check before reading.
// Text md4c built itself lies elsewhere and is never longer than the input.
static bool is_sane_range(const struct slide_parser *parser, const char *text, size_t size)
{
    uintptr_t at = (uintptr_t)text, start = (uintptr_t)parser->split->text + parser->slide_start;
    uintptr_t end = start + parser->slide_length;
    if (at >= start && at <= end)
        return size <= end - at;
    return size <= parser->slide_length;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct slide_parser *parser = userdata;
    if (parser->html_depth > 0 || !is_sane_range(parser, text, size))
        return 0; // HTML blocks (comments, mostly) are never shown
    if (parser->image_depth > 0) {
        if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR)
            buf_append(&parser->alt, " ", 1);
        else if (type == MD_TEXT_ENTITY)
            append_entity(&parser->alt, text, size);
        else if (type != MD_TEXT_HTML)
            buf_append(&parser->alt, text, size);
        return 0;
    }
    if (!parser->leaf.is_open) // text after a nested list in a tight item
        leaf_open(parser, SLIDE_BLOCK_PARAGRAPH, 0, 0);
    struct leaf *leaf = &parser->leaf;
    switch (type) {
    case MD_TEXT_SOFTBR:
        leaf->is_soft_break_due = true;
        break;
    case MD_TEXT_BR:
        leaf_hard_break(parser);
        break;
    case MD_TEXT_HTML:
        if (is_html_br(text, size))
            leaf_hard_break(parser);
        break;
    case MD_TEXT_ENTITY: {
        struct buf decoded = {0};
        append_entity(&decoded, text, size);
        leaf_append(parser, decoded.data, decoded.length);
        free(decoded.data);
        break;
    }
    case MD_TEXT_NULLCHAR:
        leaf_append(parser, "\xEF\xBF\xBD", 3); // U+FFFD, as CommonMark asks
        break;
    default: // MD_TEXT_NORMAL, MD_TEXT_CODE, MD_TEXT_LATEXMATH
        if (!leaf->line)
            leaf->line = deck_split_line_of(parser->split, text);
        leaf_append(parser, text, size);
        break;
    }
    return 0;
}

static void image_begin(struct slide_parser *parser, const MD_SPAN_IMG_DETAIL *detail)
{
    struct leaf *leaf = &parser->leaf;
    if (!leaf->is_open)
        leaf_open(parser, SLIDE_BLOCK_PARAGRAPH, 0, 0);
    parser->images =
        grow(parser->images, parser->n_images, &parser->cap_images, sizeof *parser->images);
    struct image_ref *image = &parser->images[parser->n_images++];
    parser->alt.length = 0; // borrowed to build the path
    if (is_sane_range(parser, detail->src.text, detail->src.size))
        append_attribute(&parser->alt, &detail->src);
    image->path = arena_strndup(parser->deck, parser->alt.data, parser->alt.length);
    image->alt = "";
    image->line = deck_split_line_of(parser->split, detail->src.text);
    parser->alt.length = 0;
    leaf->has_inline = true;
}

static void image_end(struct slide_parser *parser)
{
    parser->images[parser->n_images - 1].alt = trimmed_copy(parser->deck, &parser->alt, false);
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct slide_parser *parser = userdata;
    if (parser->html_depth > 0)
        return 0;
    if (type == MD_SPAN_IMG && parser->image_depth++ == 0)
        image_begin(parser, detail);
    if (type == MD_SPAN_STRONG && parser->image_depth == 0) {
        struct leaf *leaf = &parser->leaf;
        parser->strong_depth++;
        if (leaf->may_be_callout && leaf->figure_state == FIGURE_NONE && !leaf->has_inline) {
            leaf->figure_state = FIGURE_CAPTURING;
            leaf->figure_strong_depth = parser->strong_depth;
        }
    }
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    (void)detail;
    struct slide_parser *parser = userdata;
    if (parser->html_depth > 0)
        return 0;
    if (type == MD_SPAN_IMG && --parser->image_depth == 0)
        image_end(parser);
    if (type == MD_SPAN_STRONG && parser->image_depth == 0) {
        struct leaf *leaf = &parser->leaf;
        if (leaf->figure_state == FIGURE_CAPTURING &&
            leaf->figure_strong_depth == parser->strong_depth) {
            leaf->figure_state = FIGURE_DONE;
            leaf->is_soft_break_due = false; // the label starts fresh
        }
        parser->strong_depth--;
    }
    return 0;
}

static void list_push(struct slide_parser *parser, bool is_ordered, unsigned start)
{
    parser->lists = grow(parser->lists, parser->n_lists, &parser->cap_lists, sizeof *parser->lists);
    struct list_level *list = &parser->lists[parser->n_lists++];
    list->is_ordered = is_ordered;
    list->next_number = start > 999999999u ? 999999999 : (int)start;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct slide_parser *parser = userdata;
    struct leaf *leaf = &parser->leaf;
    switch (type) {
    case MD_BLOCK_QUOTE:
        leaf_close(parser);
        parser->quote_depth++;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        leaf_close(parser); // the parent item's own text comes before its children
        list_push(parser, type == MD_BLOCK_OL,
                  type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0);
        break;
    case MD_BLOCK_LI: {
        if (parser->n_lists == 0) // md4c always opens a list first; stay safe anyway
            list_push(parser, false, 0);
        struct list_level *list = &parser->lists[parser->n_lists - 1];
        leaf_open(parser, SLIDE_BLOCK_LIST_ITEM, (int)parser->n_lists,
                  list->is_ordered ? list->next_number : 0);
        break;
    }
    case MD_BLOCK_H:
        leaf_open(parser, SLIDE_BLOCK_HEADING, (int)((MD_BLOCK_H_DETAIL *)detail)->level, 0);
        break;
    case MD_BLOCK_CODE:
        leaf_open(parser, SLIDE_BLOCK_CODE, 0, 0);
        break;
    case MD_BLOCK_P:
        if (leaf->is_open && leaf->kind == SLIDE_BLOCK_LIST_ITEM) {
            if (parser->text.length) // a loose item's next paragraph: keep it in the item
                leaf_hard_break(parser);
        } else {
            leaf_open(parser, SLIDE_BLOCK_PARAGRAPH, 0, 0);
        }
        break;
    case MD_BLOCK_HTML:
        parser->html_depth++;
        break;
    default: // DOC, HR (a thematic break is only decoration), table parts (tables are off)
        break;
    }
    return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    (void)detail;
    struct slide_parser *parser = userdata;
    switch (type) {
    case MD_BLOCK_QUOTE:
        leaf_close(parser);
        parser->quote_depth--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (parser->n_lists > 0)
            parser->n_lists--;
        break;
    case MD_BLOCK_LI:
        leaf_close(parser);
        if (parser->n_lists > 0)
            parser->lists[parser->n_lists - 1].next_number++;
        break;
    case MD_BLOCK_P:
        if (parser->leaf.kind != SLIDE_BLOCK_LIST_ITEM)
            leaf_close(parser);
        break;
    case MD_BLOCK_H:
    case MD_BLOCK_CODE:
        leaf_close(parser);
        break;
    case MD_BLOCK_HTML:
        parser->html_depth--;
        break;
    default:
        break;
    }
    return 0;
}

static void slide_parser_deinit(struct slide_parser *parser)
{
    free(parser->images);
    free(parser->text.data);
    free(parser->figure.data);
    free(parser->lists);
    free(parser->alt.data);
    free(parser->blocks);
}

// ---- slides ----------------------------------------------------------------

static bool ends_with_ignoring_case(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    if (m > n)
        return false;
    for (size_t i = 0; i < m; i++) {
        char c = text[n - m + i];
        if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != suffix[i])
            return false;
    }
    return true;
}

static const char *video_path_of(const struct slide_block *blocks, size_t n_blocks)
{
    static const char *const extensions[] = {".mp4", ".mkv", ".webm", ".mov",
                                             ".m4v", ".avi", ".ts"};
    if (n_blocks != 1 || blocks[0].kind != SLIDE_BLOCK_IMAGE || !*blocks[0].path)
        return NULL;
    const char *alt = blocks[0].text;
    if (strlen(alt) == 5 && ends_with_ignoring_case(alt, "video"))
        return blocks[0].path;
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (ends_with_ignoring_case(blocks[0].path, extensions[i]))
            return blocks[0].path;
    return NULL;
}

static void deck_add_slide(struct deck *deck, int line, struct slide_block *blocks, size_t n_blocks)
{
    deck->slides = grow(deck->slides, deck->n_slides, &deck->cap_slides, sizeof *deck->slides);
    struct slide_block *copy = arena_alloc(deck, n_blocks * sizeof *copy);
    memcpy(copy, blocks, n_blocks * sizeof *copy);
    struct deck_slide *slide = &deck->slides[deck->n_slides++];
    slide->line = line;
    slide->n_blocks = n_blocks;
    slide->blocks = copy;
    slide->video_path = video_path_of(copy, n_blocks);
}

// What deck_parse hands through deck_split_scan to parse_slide.
struct slide_sink {
    struct deck *deck;
    const struct deck_split *split;
    struct parse_report *report;
};

// Parses one slide cut by deck_split; a slide that yields no block (only
// comments or rules) is dropped.
static void parse_slide(void *context, const struct deck_split_slide *slide)
{
    struct slide_sink *sink = context;
    struct slide_parser parser = {.deck = sink->deck,
                                  .split = sink->split,
                                  .slide_start = slide->start,
                                  .slide_length = slide->length,
                                  .slide_line = slide->line};
    MD_PARSER md = {
        .flags = MD_PARSER_FLAGS,
        .enter_block = on_enter_block,
        .leave_block = on_leave_block,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    int result = md_parse(sink->split->text + slide->start, (MD_SIZE)slide->length, &md, &parser);
    leaf_close(&parser);
    if (result != 0)
        parse_report_add(sink->report, parser.slide_line, 0, "this slide could not be parsed");
    else if (parser.n_blocks > 0)
        deck_add_slide(sink->deck, parser.slide_line, parser.blocks, parser.n_blocks);
    slide_parser_deinit(&parser);
}

struct deck *deck_parse(const char *text, size_t length, struct parse_report *report)
{
    if (!text)
        length = 0;
    // md4c 0.4.8 reads past the end of a document whose last line is an
    // unfinished link ("[a](b" with no newline after it): it only ever sees
    // text that ends in a newline. The deck keeps copies of its strings, so
    // this copy lives only while parsing.
    char *terminated = NULL;
    if (length > 0 && text[length - 1] != '\n') {
        terminated = xcalloc(length + 2, 1);
        memcpy(terminated, text, length);
        terminated[length++] = '\n';
        text = terminated;
    }
    size_t n_errors = parse_report_count(report);
    struct deck *deck = xcalloc(1, sizeof *deck);
    struct deck_split split;
    deck_split_init(&split, text ? text : "", length);
    struct slide_sink sink = {.deck = deck, .split = &split, .report = report};
    if ((MD_SIZE)length != length) { // md4c counts in unsigned int
        parse_report_add(report, 1, 0, "deck is too large");
        goto fail;
    }
    if (deck_split_scan(&split, report, parse_slide, &sink) != 0)
        goto fail;
    if (parse_report_count(report) > n_errors)
        goto fail;
    if (deck->n_slides == 0) {
        parse_report_add(report, 1, 0, "deck has no slides");
        goto fail;
    }
    deck_split_deinit(&split);
    free(terminated);
    return deck;
fail:
    deck_split_deinit(&split);
    free(terminated);
    deck_destroy(deck);
    return NULL;
}

void deck_destroy(struct deck *deck)
{
    if (!deck)
        return;
    struct arena_chunk *chunk = deck->arena;
    while (chunk) {
        struct arena_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    free(deck->slides);
    free(deck);
}

size_t deck_n_slides(const struct deck *deck)
{
    return deck ? deck->n_slides : 0;
}

const struct deck_slide *deck_slide_at(const struct deck *deck, size_t index)
{
    return deck && index < deck->n_slides ? &deck->slides[index] : NULL;
}
