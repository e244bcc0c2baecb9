// layout_slide with a fake measurer (CJK = 1 em, ASCII = 0.55 em, line =
// 1.4 em): line breaking (UAX #14 East Asian rules), type scale, title
// slides, lists, callout grids, images, shrink-to-fit, and the geometric
// invariants (inside the safe area, nothing overlaps) over many slides and
// screen sizes.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "show/deck.h"
#include "show/layout.h"

struct fake_metrics {
    int fixed_cjk_px, fixed_ascii_px; // when set, widths ignore the size (line-break tests)
};

static size_t next_codepoint(const char *text, size_t at, size_t length)
{
    at++;
    while (at < length && ((unsigned char)text[at] & 0xC0) == 0x80)
        at++;
    return at;
}

static int fake_width(void *context, enum text_role role, int size_px, const char *text,
                      size_t length)
{
    (void)role;
    const struct fake_metrics *fake = context;
    long cjk = 0, ascii = 0;
    for (size_t i = 0; i < length; i = next_codepoint(text, i, length)) {
        if ((unsigned char)text[i] < 0x80)
            ascii++;
        else
            cjk++;
    }
    if (fake->fixed_cjk_px)
        return (int)(cjk * fake->fixed_cjk_px + ascii * fake->fixed_ascii_px);
    return (int)(cjk * size_px + (ascii * size_px * 55 + 99) / 100);
}

static int fake_line_height(void *context, enum text_role role, int size_px)
{
    (void)context;
    (void)role;
    return (size_px * 14 + 5) / 10;
}

static struct fake_metrics proportional = {0, 0};
static const struct text_metrics metrics = {&proportional, fake_width, fake_line_height};

static struct fake_metrics fixed = {10, 5};
static const struct text_metrics fixed_metrics = {&fixed, fake_width, fake_line_height};

static struct layout_params params_for(int width_px, int height_px)
{
    return (struct layout_params){width_px, height_px, LAYOUT_DEFAULT_SAFE_MARGIN,
                                  LAYOUT_DEFAULT_MIN_SCALE};
}

static void fail_int(const char *name, const char *what, long actual, long expected)
{
    print_error("%s: %s = %ld, expected %ld\n", name, what, actual, expected);
    fail();
}

static void check_int(const char *name, const char *what, long actual, long expected)
{
    if (actual != expected)
        fail_int(name, what, actual, expected);
}

static void check_near(const char *name, const char *what, long actual, long expected, long slack)
{
    if (actual < expected - slack || actual > expected + slack)
        fail_int(name, what, actual, expected);
}

static struct deck *parse(const char *markdown)
{
    struct parse_report report;
    parse_report_init(&report);
    struct deck *deck = deck_parse(markdown, strlen(markdown), &report);
    if (!deck) {
        print_error("deck: line %d: %s\n", report.errors[0].line, report.errors[0].message);
        fail();
    }
    return deck;
}

// ---- invariants ------------------------------------------------------------

static bool is_inside(struct layout_rect inner, struct layout_rect outer)
{
    return inner.x_px >= outer.x_px && inner.y_px >= outer.y_px &&
           inner.x_px + inner.width_px <= outer.x_px + outer.width_px &&
           inner.y_px + inner.height_px <= outer.y_px + outer.height_px;
}

static bool overlaps(struct layout_rect a, struct layout_rect b)
{
    return a.x_px < b.x_px + b.width_px && b.x_px < a.x_px + a.width_px &&
           a.y_px < b.y_px + b.height_px && b.y_px < a.y_px + a.height_px;
}

static void fail_rect(const char *name, const char *what, size_t i, struct layout_rect r,
                      struct layout_rect other)
{
    print_error("%s: %s [%zu] (%d,%d %dx%d) vs (%d,%d %dx%d)\n", name, what, i, r.x_px, r.y_px,
                r.width_px, r.height_px, other.x_px, other.y_px, other.width_px, other.height_px);
    fail();
}

static const struct layout_box *box_of_block(const struct slide_layout *layout, size_t block)
{
    for (size_t i = 0; i < layout->n_boxes; i++)
        if (layout->boxes[i].block_index == block)
            return &layout->boxes[i];
    return NULL;
}

// Every text and box inside the safe area (unless overflowing), texts never
// overlap each other, boxes never overlap each other, every text of a
// callout or code block inside its box, widths as measured.
static void check_invariants(const char *name, const struct deck_slide *slide,
                             const struct slide_layout *layout)
{
    struct layout_rect safe = layout->safe_area;
    for (size_t i = 0; i < layout->n_texts; i++) {
        const struct layout_text *t = &layout->texts[i];
        if (!layout->is_overflowing && !is_inside(t->rect, safe))
            fail_rect(name, "text outside safe area", i, t->rect, safe);
        if (t->size_px < 1 || t->length == 0 || t->text[t->length - 1] == ' ')
            fail_int(name, "text size or length", t->size_px, (long)t->length);
        check_int(name, "rect width = measured", t->rect.width_px,
                  fake_width(&proportional, t->role, t->size_px, t->text, t->length));
        for (size_t j = 0; j < i; j++)
            if (overlaps(t->rect, layout->texts[j].rect))
                fail_rect(name, "texts overlap", i, t->rect, layout->texts[j].rect);
        enum slide_block_kind kind = slide->blocks[t->block_index].kind;
        if (kind == SLIDE_BLOCK_CALLOUT || kind == SLIDE_BLOCK_CODE) {
            const struct layout_box *box = box_of_block(layout, t->block_index);
            if (!box || (!layout->is_overflowing && !is_inside(t->rect, box->rect)))
                fail_rect(name, "text outside its box", i, t->rect, box ? box->rect : safe);
        }
    }
    for (size_t i = 0; i < layout->n_boxes; i++) {
        struct layout_rect r = layout->boxes[i].rect;
        if (!layout->is_overflowing && !is_inside(r, safe))
            fail_rect(name, "box outside safe area", i, r, safe);
        for (size_t j = 0; j < i; j++)
            if (overlaps(r, layout->boxes[j].rect))
                fail_rect(name, "boxes overlap", i, r, layout->boxes[j].rect);
    }
    if (layout->scale < LAYOUT_DEFAULT_MIN_SCALE - 1e-9 || layout->scale > 1.0)
        fail_int(name, "scale x100", (long)(layout->scale * 100), 100);
}

// The checks above must be able to fail.
static void test_invariant_checks_detect_faults(void **state)
{
    (void)state;
    struct layout_rect a = {0, 0, 10, 10}, b = {9, 9, 10, 10}, c = {10, 0, 10, 10};
    assert_true(overlaps(a, b));
    assert_false(overlaps(a, c));
    assert_true(is_inside(a, (struct layout_rect){0, 0, 10, 10}));
    assert_false(is_inside(b, (struct layout_rect){0, 0, 18, 18}));
}

struct corpus_slide {
    const char *markdown;
    bool may_overflow; // on the standard screens; any slide may overflow on the small ones
};

static const char long_text[] =
    "新质生产力是创新起主导作用，摆脱传统经济增长方式、生产力发展路径，具有高科技、高效能、"
    "高质量特征，符合新发展理念的先进生产力质态。它由技术革命性突破、生产要素创新性配置、"
    "产业深度转型升级而催生，以劳动者、劳动资料、劳动对象及其优化组合的跃升为基本内涵。\n\n";

static const struct corpus_slide corpus[] = {
    {"# 想一想，我们为什么必须发展新质生产力？", false},
    {"# 第三部分\n\n## 绿色发展", false},
    {"# 新质生产力\n\n新质生产力是创新起主导作用，摆脱传统经济增长方式、生产力发展路径，具有"
     "高科技、高效能、高质量特征，符合新发展理念的先进生产力质态。",
     false},
    {"# 绿色工厂\n\n> **5095家** 国家级绿色工厂\n\n> **371家** 绿色工业园区\n\n"
     "> **605家** 绿色供应链管理企业\n\n> **1.2万亿元** 节能环保产业产值",
     false},
    {"# 六个数字\n\n> **1** 一\n\n> **2** 二\n\n> **3** 三\n\n> **4** 四\n\n> **5** 五\n\n"
     "> **6** 六个字的标签",
     false},
    {"# 要点\n\n- 科技创新：以原创性、颠覆性科技创新为引领\n- 产业升级\n  - 传统产业改造\n"
     "  - 新兴产业培育\n    - 人工智能与大数据\n- 绿色转型\n\n1. 第一\n2. 第二\n3. 第三\n"
     "4. 四\n5. 五\n6. 六\n7. 七\n8. 八\n9. 九\n10. 十",
     false},
    {"# Mixed English\n\nThe quick brown fox jumps over the lazy dog, then reads "
     "https://example.com/a/very/long/path/that/has/no/break/opportunities/at/all/anywhere/in/"
     "it before sleeping.",
     false},
    {"# 代码\n\n```c\nint main(void)\n{\n    printf(\"hello, world\\n\");\n    return 0;\n}\n"
     "```\n\n运行后输出 hello, world。",
     false},
    {"# 图片\n\n![学校](school.png)", false},
    {"![全屏](full.png)", false},
    {"# 图文\n\n这是一张照片的说明文字。\n\n![照片](photo.jpg)\n\n照片下面还有一段话。", false},
    {"正文没有标题。第一句。\n\n第二段，还是没有标题。", false},
    {"# 引用\n\n> 普通引用段落，不是大数字。\n\n> **100%** 覆盖率", false},
    {"# Title, then lines  \nwith a hard break\n\nfirst  \nsecond  \nthird", false},
    {"# 正文在前\n\n一段。\n\n## 小标题\n\n- 列表\n\n> **3** 卡片\n\n```\ncode\n```", false},
    {NULL, true}, // long_text 30 times: overflows everywhere
};

static const struct layout_params screens[] = {
    {1280, 720, LAYOUT_DEFAULT_SAFE_MARGIN, LAYOUT_DEFAULT_MIN_SCALE},
    {1920, 1080, LAYOUT_DEFAULT_SAFE_MARGIN, LAYOUT_DEFAULT_MIN_SCALE},
    {3840, 2160, LAYOUT_DEFAULT_SAFE_MARGIN, LAYOUT_DEFAULT_MIN_SCALE},
    {1080, 1920, LAYOUT_DEFAULT_SAFE_MARGIN, LAYOUT_DEFAULT_MIN_SCALE},
    {1024, 768, 0.0, LAYOUT_DEFAULT_MIN_SCALE}, // the small and odd ones need not fit
    {800, 480, 0.1, LAYOUT_DEFAULT_MIN_SCALE},
    {1366, 768, 0.03, 0.8},
    {480, 800, 0.05, LAYOUT_DEFAULT_MIN_SCALE},
};
#define N_STANDARD_SCREENS 4

static void test_invariants_over_corpus_and_screens(void **state)
{
    (void)state;
    size_t n_layouts = 0, n_overflowing = 0;
    for (size_t d = 0; d < sizeof corpus / sizeof corpus[0]; d++) {
        char markdown[16384] = "# 很长的一页\n\n";
        for (int k = 0; k < 30 && !corpus[d].markdown; k++)
            strcat(markdown, long_text);
        struct deck *deck = parse(corpus[d].markdown ? corpus[d].markdown : markdown);
        const struct deck_slide *slide = deck_slide_at(deck, 0);
        for (size_t s = 0; s < sizeof screens / sizeof screens[0]; s++) {
            char name[64];
            snprintf(name, sizeof name, "corpus %zu at %dx%d", d, screens[s].width_px,
                     screens[s].height_px);
            struct slide_layout *layout = layout_slide(slide, &screens[s], &metrics);
            check_invariants(name, slide, layout);
            n_layouts++;
            n_overflowing += layout->is_overflowing;
            if (s < N_STANDARD_SCREENS && layout->is_overflowing != corpus[d].may_overflow)
                fail_int(name, "is_overflowing", layout->is_overflowing, corpus[d].may_overflow);
            layout_destroy(layout);
        }
        deck_destroy(deck);
    }
    check_int("corpus", "layouts checked", (long)n_layouts,
              (long)(sizeof corpus / sizeof corpus[0] * sizeof screens / sizeof screens[0]));
    if (n_overflowing == 0)
        fail_int("corpus", "overflowing layouts (the overlap check must see some)", 0, 1);
}

// ---- line breaking -----------------------------------------------------------

// The lines a single paragraph breaks into on a screen exactly width_px wide
// (no margin), with 10 px per CJK character and 5 px per ASCII one.
static size_t break_lines(const char *text, int width_px, char lines[][128], size_t max_lines)
{
    struct slide_block block = {SLIDE_BLOCK_PARAGRAPH, 1, 0, 0, text, NULL, NULL};
    struct deck_slide slide = {1, 1, &block, NULL};
    struct layout_params params = {width_px, 4000, 0.0, 1.0};
    struct slide_layout *layout = layout_slide(&slide, &params, &fixed_metrics);
    size_t n = 0;
    int previous_y = INT32_MIN, line_px = 0;
    for (size_t i = 0; i < layout->n_texts && n < max_lines; i++) {
        const struct layout_text *t = &layout->texts[i];
        if (previous_y != INT32_MIN) // a blank line is a gap of two line heights
            for (int y = previous_y + 2 * line_px; y <= t->rect.y_px && n < max_lines; y += line_px)
                lines[n++][0] = '\0';
        snprintf(lines[n++], 128, "%.*s", (int)t->length, t->text);
        previous_y = t->rect.y_px;
        line_px = t->rect.height_px;
    }
    layout_destroy(layout);
    return n;
}

struct break_case {
    const char *name;
    const char *text;
    int width_px;
    size_t n_lines;
    const char *lines[8];
};

static const struct break_case break_cases[] = {
    {"fits on one line", "中文测试", 100, 1, {"中文测试"}},
    {"comma never starts a line", "中文，测试", 20, 3, {"中", "文，", "测试"}},
    {"full stop and closing quote stay with the text",
     "他说“你好”。",
     30,
     3,
     {"他说", "“你", "好”。"}},
    {"opening bracket never ends a line", "甲乙（丙）", 30, 2, {"甲乙", "（丙）"}},
    {"book title marks", "读《论语》。", 30, 2, {"读《论", "语》。"}},
    {"a run wider than the line is cut anyway",
     "读《论语》。",
     20,
     4,
     {"读", "《论", "语》", "。"}},
    {"trailing space excluded", "hello world", 40, 2, {"hello", "world"}},
    {"word wider than the line is cut between characters",
     "abcdefghij",
     20,
     3,
     {"abcd", "efgh", "ij"}},
    {"newline is a mandatory break", "a\nb", 100, 2, {"a", "b"}},
    {"blank line kept", "a\n\nb", 100, 3, {"a", "", "b"}},
    {"latin words move whole", "see the 新质生产力 now", 40, 3, {"see the", "新质生产", "力 now"}},
    {"CJK cut between multibyte characters",
     "一二三四五六七八九十",
     25,
     5,
     {"一二", "三四", "五六", "七八", "九十"}},
};

static void check_lines(const char *name, char lines[][128], size_t n, const char *const *want,
                        size_t n_want)
{
    for (size_t i = 0; i < n && i < n_want; i++) {
        if (strcmp(lines[i], want[i]) != 0) {
            print_error("%s: line %zu = \"%s\", expected \"%s\"\n", name, i, lines[i], want[i]);
            fail();
        }
    }
    check_int(name, "lines", (long)n, (long)n_want);
}

static void test_break_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof break_cases / sizeof break_cases[0]; i++) {
        const struct break_case *c = &break_cases[i];
        char lines[16][128];
        size_t n = break_lines(c->text, c->width_px, lines, 16);
        check_lines(c->name, lines, n, c->lines, c->n_lines);
    }
}

static bool starts_with_any(const char *line, const char *const *marks)
{
    for (size_t i = 0; marks[i]; i++)
        if (strncmp(line, marks[i], strlen(marks[i])) == 0)
            return true;
    return false;
}

static bool ends_with_any(const char *line, const char *const *marks)
{
    for (size_t i = 0; marks[i]; i++) {
        size_t n = strlen(line), m = strlen(marks[i]);
        if (n >= m && strcmp(line + n - m, marks[i]) == 0)
            return true;
    }
    return false;
}

// Across every width from 5 to 30 characters no line starts with closing
// punctuation or ends with opening punctuation, and the text is kept whole.
static void test_east_asian_rules_at_every_width(void **state)
{
    (void)state;
    static const char *const closing[] = {"，", "。", "、", "！", "？", "：", "；",
                                          "”",  "’",  "）", "》", "」", NULL};
    static const char *const opening[] = {"“", "‘", "（", "《", "「", NULL};
    static const char *const texts[] = {
        "新质生产力，是创新起主导作用的“先进生产力”。它（以科技创新为核心）推动《规划》落地！"
        "为什么？因为：发展是第一要务；创新是第一动力、人才是第一资源。",
        "他说：“我们‘必须’发展。”「好」！（完）《书名》、《另一本》。",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        for (int width = 50; width <= 300; width += 10) {
            char lines[64][128], name[64], joined[1024] = "";
            size_t n = break_lines(texts[t], width, lines, 64);
            snprintf(name, sizeof name, "text %zu at %d px", t, width);
            for (size_t i = 0; i < n; i++) {
                if ((i > 0 && starts_with_any(lines[i], closing)) ||
                    (i + 1 < n && ends_with_any(lines[i], opening))) {
                    print_error("%s: line %zu \"%s\" breaks a no-break pair\n", name, i, lines[i]);
                    fail();
                }
                strcat(joined, lines[i]);
            }
            if (strcmp(joined, texts[t]) != 0) {
                print_error("%s: text changed: \"%s\"\n", name, joined);
                fail();
            }
        }
    }
}

// ---- type scale and placement ----------------------------------------------

static const struct layout_text *first_text_of_role(const struct slide_layout *layout,
                                                    enum text_role role)
{
    for (size_t i = 0; i < layout->n_texts; i++)
        if (layout->texts[i].role == role)
            return &layout->texts[i];
    return NULL;
}

struct size_case {
    int width_px, height_px;
    int title_px, body_px;
};

// u = min(safe height, safe width * 9/16) / 100; title 8u, body 5u.
static const struct size_case size_cases[] = {
    {1920, 1080, 78, 49},
    {1280, 720, 52, 32},
    {3840, 2160, 156, 97},
    {1080, 1920, 62, 39}, // portrait: sized by the width (x0.8), not the height
};

static void test_design_sizes(void **state)
{
    (void)state;
    struct deck *deck = parse("# 标题\n\n正文。");
    for (size_t i = 0; i < sizeof size_cases / sizeof size_cases[0]; i++) {
        const struct size_case *c = &size_cases[i];
        struct layout_params params = params_for(c->width_px, c->height_px);
        struct slide_layout *layout = layout_slide(deck_slide_at(deck, 0), &params, &metrics);
        char name[32];
        snprintf(name, sizeof name, "%dx%d", c->width_px, c->height_px);
        check_int(name, "scale x100", (long)(layout->scale * 100 + 0.5), 100);
        check_int(name, "title px", first_text_of_role(layout, TEXT_ROLE_TITLE)->size_px,
                  c->title_px);
        check_int(name, "body px", first_text_of_role(layout, TEXT_ROLE_BODY)->size_px, c->body_px);
        const struct layout_text *title = first_text_of_role(layout, TEXT_ROLE_TITLE);
        check_int(name, "title x", title->rect.x_px, layout->safe_area.x_px);
        check_int(name, "title y", title->rect.y_px, layout->safe_area.y_px);
        layout_destroy(layout);
    }
    deck_destroy(deck);
}

// A section slide: larger, centred both ways, and its two lines balanced
// (greedy filling would leave "力？" alone on the second line).
static void test_title_slide_is_centered_balanced_and_larger(void **state)
{
    (void)state;
    struct deck *deck = parse("## 想一想，我们为什么必须发展新质生产力？");
    struct layout_params params = params_for(1920, 1080);
    struct slide_layout *layout = layout_slide(deck_slide_at(deck, 0), &params, &metrics);
    struct layout_rect safe = layout->safe_area;
    check_int("title slide", "lines", (long)layout->n_texts, 2);
    for (size_t i = 0; i < 2; i++) {
        struct layout_rect r = layout->texts[i].rect;
        check_int("title slide", "size px", layout->texts[i].size_px, 97); // 1.25 * 8u, u = 9.72
        check_near("title slide", "line centre x", r.x_px + r.width_px / 2,
                   safe.x_px + safe.width_px / 2, 1);
    }
    struct layout_rect top = layout->texts[0].rect, bottom = layout->texts[1].rect;
    check_near("title slide", "group centre y", (top.y_px + bottom.y_px + bottom.height_px) / 2,
               safe.y_px + safe.height_px / 2, 1);
    check_near("title slide", "balanced widths", bottom.width_px, top.width_px, 97);
    layout_destroy(layout);
    deck_destroy(deck);
}

// The body sits at the optical centre under the title: a third of the free
// space above it, two thirds below.
static void test_short_body_sits_at_the_optical_centre(void **state)
{
    (void)state;
    struct deck *deck = parse("# 标题\n\n一句话。");
    struct layout_params params = params_for(1920, 1080);
    struct slide_layout *layout = layout_slide(deck_slide_at(deck, 0), &params, &metrics);
    const struct layout_text *title = first_text_of_role(layout, TEXT_ROLE_TITLE);
    const struct layout_text *body = first_text_of_role(layout, TEXT_ROLE_BODY);
    int body_top = title->rect.y_px + title->rect.height_px + title->size_px;
    int body_bottom = layout->safe_area.y_px + layout->safe_area.height_px;
    int free_px = body_bottom - body_top - body->rect.height_px;
    check_near("optical centre", "body top", body->rect.y_px, body_top + free_px / 3, 2);
    layout_destroy(layout);
    deck_destroy(deck);
}

static void test_list_markers_hang(void **state)
{
    (void)state;
    struct deck *deck = parse("- 一\n  - 二\n\n9. 九\n10. 十");
    const struct deck_slide *slide = deck_slide_at(deck, 0);
    struct layout_params params = params_for(1920, 1080);
    struct slide_layout *layout = layout_slide(slide, &params, &metrics);
    // Texts come as marker, then the item's line, per item.
    check_int("list", "texts", (long)layout->n_texts, 8);
    int safe_x = layout->safe_area.x_px;
    const struct layout_text *t = layout->texts;
    assert_string_equal("\xE2\x80\xA2", t[0].text);
    check_int("list", "bullet x", t[0].rect.x_px, safe_x);
    check_int("list", "nested bullet under parent text", t[2].rect.x_px, t[1].rect.x_px);
    check_int("list", "nested text indent", t[3].rect.x_px - t[2].rect.x_px,
              t[1].rect.x_px - t[0].rect.x_px);
    check_int("list", "marker 10. length", (long)t[6].length, 3);
    assert_memory_equal("10.", t[6].text, 3);
    check_int("list", "aligned item text", t[5].rect.x_px, t[7].rect.x_px);
    if (t[7].rect.x_px <= t[6].rect.x_px + t[6].rect.width_px)
        fail_int("list", "text after wide marker", t[7].rect.x_px, t[6].rect.x_px);
    check_invariants("list", slide, layout);
    layout_destroy(layout);
    deck_destroy(deck);
}

struct grid_case {
    const char *name;
    int width_px, height_px;
    int n_callouts;
    int columns, rows;
};

static const struct grid_case grid_cases[] = {
    {"four in a row", 1920, 1080, 4, 4, 1}, {"three in a row", 1920, 1080, 3, 3, 1},
    {"five: 4 + 1", 1920, 1080, 5, 4, 2},   {"portrait two columns", 1080, 1920, 4, 2, 2},
    {"portrait one", 1080, 1920, 1, 1, 1},
};

// Counts the grid's columns and rows; cards must be in reading order with a
// visible gap between neighbours, across and down.
static void count_grid(const char *name, const struct slide_layout *layout, int *columns, int *rows)
{
    *columns = *rows = 0;
    int first_y = layout->boxes[0].rect.y_px;
    for (size_t i = 0; i < layout->n_boxes; i++) {
        struct layout_rect r = layout->boxes[i].rect, previous = layout->boxes[i ? i - 1 : 0].rect;
        if (r.y_px == first_y)
            (*columns)++;
        if (i == 0 || r.y_px != previous.y_px)
            (*rows)++;
        if (i > 0 && r.y_px == previous.y_px && r.x_px <= previous.x_px + previous.width_px)
            fail_rect(name, "no gap across", i, r, previous);
        if (i > 0 && r.y_px != previous.y_px && r.y_px <= previous.y_px + previous.height_px)
            fail_rect(name, "no gap down", i, r, previous);
    }
}

static void test_callout_grid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof grid_cases / sizeof grid_cases[0]; i++) {
        const struct grid_case *c = &grid_cases[i];
        char markdown[512] = "# 数字\n";
        for (int k = 0; k < c->n_callouts; k++)
            snprintf(markdown + strlen(markdown), sizeof markdown - strlen(markdown),
                     "\n> **%d万** 标签\n", k + 1);
        struct deck *deck = parse(markdown);
        const struct deck_slide *slide = deck_slide_at(deck, 0);
        struct layout_params params = params_for(c->width_px, c->height_px);
        struct slide_layout *layout = layout_slide(slide, &params, &metrics);
        check_int(c->name, "boxes", (long)layout->n_boxes, c->n_callouts);
        int columns, rows;
        count_grid(c->name, layout, &columns, &rows);
        check_int(c->name, "columns", columns, c->columns);
        check_int(c->name, "rows", rows, c->rows);
        struct layout_rect last = layout->boxes[layout->n_boxes - 1].rect, safe = layout->safe_area;
        if (c->n_callouts % c->columns == 1) // a lone last card is centred
            check_near(c->name, "last card centre", last.x_px + last.width_px / 2,
                       safe.x_px + safe.width_px / 2, 1);
        check_int(c->name, "figure texts",
                  first_text_of_role(layout, TEXT_ROLE_CALLOUT_FIGURE) != NULL, 1);
        check_invariants(c->name, slide, layout);
        layout_destroy(layout);
        deck_destroy(deck);
    }
}

static void test_image_fills_remaining_height(void **state)
{
    (void)state;
    struct deck *deck = parse("# 图\n\n![a](a.png)\n---\n![b](b.png)");
    struct layout_params params = params_for(1920, 1080);
    struct slide_layout *layout = layout_slide(deck_slide_at(deck, 0), &params, &metrics);
    struct layout_rect safe = layout->safe_area, image = layout->boxes[0].rect;
    check_int("image", "x", image.x_px, safe.x_px);
    check_int("image", "width", image.width_px, safe.width_px);
    check_near("image", "bottom", image.y_px + image.height_px, safe.y_px + safe.height_px, 1);
    layout_destroy(layout);
    layout = layout_slide(deck_slide_at(deck, 1), &params, &metrics);
    image = layout->boxes[0].rect;
    check_int("image only", "y", image.y_px, safe.y_px);
    check_int("image only", "height", image.height_px, safe.height_px);
    layout_destroy(layout);
    deck_destroy(deck);
}

static void test_code_panel(void **state)
{
    (void)state;
    struct deck *deck = parse("```\nif (x)\n    y();\n```");
    const struct deck_slide *slide = deck_slide_at(deck, 0);
    struct layout_params params = params_for(1920, 1080);
    struct slide_layout *layout = layout_slide(slide, &params, &metrics);
    check_int("code", "boxes", (long)layout->n_boxes, 1);
    check_int("code", "box kind", layout->boxes[0].kind, LAYOUT_BOX_CODE);
    check_int("code", "lines", (long)layout->n_texts, 2);
    check_int("code", "indent kept", (long)layout->texts[1].length, (long)strlen("    y();"));
    check_int("code", "role", layout->texts[0].role, TEXT_ROLE_CODE);
    check_invariants("code", slide, layout);
    layout_destroy(layout);
    deck_destroy(deck);
}

// ---- shrink-to-fit ---------------------------------------------------------

struct shrink_case {
    const char *name;
    int n_paragraphs;
    double min_scale;
    double scale_low, scale_high; // expected range of the chosen scale
    bool is_overflowing;
};

static const struct shrink_case shrink_cases[] = {
    {"fits at design size", 1, 0.6, 1.0, 1.0, false},
    {"shrinks a little", 8, 0.6, 0.6, 0.951, false},
    {"overflows at min_scale", 60, 0.6, 0.6, 0.6, true},
    {"min_scale 1 never shrinks", 8, 1.0, 1.0, 1.0, true},
};

static void test_shrink_to_fit(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof shrink_cases / sizeof shrink_cases[0]; i++) {
        const struct shrink_case *c = &shrink_cases[i];
        char markdown[8192] = "# 标题\n";
        for (int k = 0; k < c->n_paragraphs; k++)
            strcat(markdown, "\n这是一段用来填满屏幕的文字，它会被重复很多次。\n");
        struct deck *deck = parse(markdown);
        const struct deck_slide *slide = deck_slide_at(deck, 0);
        struct layout_params params = {1920, 1080, LAYOUT_DEFAULT_SAFE_MARGIN, c->min_scale};
        struct slide_layout *layout = layout_slide(slide, &params, &metrics);
        if (layout->scale < c->scale_low - 1e-9 || layout->scale > c->scale_high + 1e-9)
            fail_int(c->name, "scale x100", (long)(layout->scale * 100 + 0.5),
                     (long)(c->scale_high * 100 + 0.5));
        double steps = (1.0 - layout->scale) / 0.05;
        if (layout->scale > c->min_scale &&
            (steps - (int)(steps + 0.5) > 1e-6 || (int)(steps + 0.5) - steps > 1e-6))
            fail_int(c->name, "scale on a 0.05 step x100", (long)(layout->scale * 100), 0);
        check_int(c->name, "is_overflowing", layout->is_overflowing, c->is_overflowing);
        check_invariants(c->name, slide, layout);
        layout_destroy(layout);
        deck_destroy(deck);
    }
}

static void test_empty_and_null(void **state)
{
    (void)state;
    layout_destroy(NULL);
    struct deck_slide empty = {1, 0, NULL, NULL};
    struct layout_params params = params_for(1920, 1080);
    struct slide_layout *layout = layout_slide(&empty, &params, &metrics);
    check_int("empty", "texts", (long)layout->n_texts, 0);
    check_int("empty", "is_overflowing", layout->is_overflowing, 0);
    layout_destroy(layout);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invariant_checks_detect_faults),
        cmocka_unit_test(test_invariants_over_corpus_and_screens),
        cmocka_unit_test(test_break_cases),
        cmocka_unit_test(test_east_asian_rules_at_every_width),
        cmocka_unit_test(test_design_sizes),
        cmocka_unit_test(test_title_slide_is_centered_balanced_and_larger),
        cmocka_unit_test(test_short_body_sits_at_the_optical_centre),
        cmocka_unit_test(test_list_markers_hang),
        cmocka_unit_test(test_callout_grid),
        cmocka_unit_test(test_image_fills_remaining_height),
        cmocka_unit_test(test_code_panel),
        cmocka_unit_test(test_shrink_to_fit),
        cmocka_unit_test(test_empty_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
