// deck_parse: slide splitting (front matter, breaks, fences, comments), the
// blocks md4c gives each slide, line numbers, ownership and every error.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "show/deck.h"

#define MAX_BLOCKS 8
#define MAX_SLIDES 4

struct expected_block {
    enum slide_block_kind kind;
    int line, level, number;
    const char *text, *figure, *path; // NULL figure/path: the block must have none
};

struct expected_slide {
    int line;
    const char *video_path;
    size_t n_blocks;
    struct expected_block blocks[MAX_BLOCKS];
};

struct deck_case {
    const char *name;
    const char *input;
    size_t n_slides;
    struct expected_slide slides[MAX_SLIDES];
};

#define H(line, level, text)                                                                       \
    {                                                                                              \
        SLIDE_BLOCK_HEADING, line, level, 0, text, NULL, NULL                                      \
    }
#define P(line, text)                                                                              \
    {                                                                                              \
        SLIDE_BLOCK_PARAGRAPH, line, 0, 0, text, NULL, NULL                                        \
    }
#define LI(line, level, number, text)                                                              \
    {                                                                                              \
        SLIDE_BLOCK_LIST_ITEM, line, level, number, text, NULL, NULL                               \
    }
#define CALLOUT(line, figure, text)                                                                \
    {                                                                                              \
        SLIDE_BLOCK_CALLOUT, line, 0, 0, text, figure, NULL                                        \
    }
#define IMAGE(line, path, alt)                                                                     \
    {                                                                                              \
        SLIDE_BLOCK_IMAGE, line, 0, 0, alt, NULL, path                                             \
    }
#define CODE(line, text)                                                                           \
    {                                                                                              \
        SLIDE_BLOCK_CODE, line, 0, 0, text, NULL, NULL                                             \
    }

static const struct deck_case deck_cases[] = {
    {"headings, paragraph and lists",
     "# 标题\n\n正文一段。\n\n- 甲\n- 乙\n  - 丙\n\n3. three\n4. four\n",
     1,
     {{1,
       NULL,
       7,
       {H(1, 1, "标题"), P(3, "正文一段。"), LI(5, 1, 0, "甲"), LI(6, 1, 0, "乙"),
        LI(7, 2, 0, "丙"), LI(9, 1, 3, "three"), LI(10, 1, 4, "four")}}}},
    {"soft breaks join CJK without a space, others with one",
     "第一行\n第二行\n\n中文\nEnglish\n\n“引号”\n中文\n\n한국어\n문장\n\nend.\n（注）\n",
     1,
     {{1,
       NULL,
       5,
       {P(1, "第一行第二行"), P(4, "中文 English"), P(7, "“引号”中文"), P(10, "한국어 문장"),
        P(13, "end. （注）")}}}},
    {"hard breaks, <br> and inline markup flattened",
     "a  \nb\\\nc<br>d\n\n**粗** *斜* `code` [链接](http://x) ~~删~~ <!-- hidden -->\n",
     1,
     {{1, NULL, 2, {P(1, "a\nb\nc\nd"), P(5, "粗 斜 code 链接 删")}}}},
    {"entities decoded, unknown names kept",
     "&amp; &lt;&gt; &#20013;&#x6587; &copy; &bogus; &#0;\n",
     1,
     {{1, NULL, 1, {P(1, "& <> 中文 \xC2\xA9 &bogus; \xEF\xBF\xBD")}}}},
    {"callouts and plain quote paragraphs",
     "> **5095家** 国家级绿色工厂\n\n> **42**\n> 个\n>\n> 普通 **强调**\n\n> *斜* **不是**\n",
     1,
     {{1,
       NULL,
       4,
       {CALLOUT(1, "5095家", "国家级绿色工厂"), CALLOUT(3, "42", "个"), P(6, "普通 强调"),
        P(8, "斜 不是")}}}},
    {"images: alone, with spaces, next to text",
     "![一张图](pic.png)\n\n![a b](<my pic.png>)\n\n看 ![icon](i.png) 这里\n\n![x](a.png) "
     "![y](b.png)\n",
     1,
     {{1,
       NULL,
       6,
       {IMAGE(1, "pic.png", "一张图"), IMAGE(3, "my pic.png", "a b"), P(5, "看 这里"),
        IMAGE(5, "i.png", "icon"), IMAGE(7, "a.png", "x"), IMAGE(7, "b.png", "y")}}}},
    {"video slides by alt text or extension, not with other blocks",
     "![VIDEO](clips/a.bin)\n---\n![片头](intro.MP4)\n---\n# 标题\n\n![video](c.mp4)\n",
     3,
     {{1, "clips/a.bin", 1, {IMAGE(1, "clips/a.bin", "VIDEO")}},
      {3, "intro.MP4", 1, {IMAGE(3, "intro.MP4", "片头")}},
      {5, NULL, 2, {H(5, 1, "标题"), IMAGE(7, "c.mp4", "video")}}}},
    {"breaks: trailing spaces, 3-space indent, longer runs; setext is a break",
     "# A\n---  \n# B\n   -----\nTitle\n---\nBody\n",
     4,
     {{1, NULL, 1, {H(1, 1, "A")}},
      {3, NULL, 1, {H(3, 1, "B")}},
      {5, NULL, 1, {P(5, "Title")}},
      {7, NULL, 1, {P(7, "Body")}}}},
    {"four spaces is not a break",
     "text\n\n    ---\n",
     1,
     {{1, NULL, 2, {P(1, "text"), CODE(3, "---")}}}},
    {"CRLF and a BOM",
     "\xEF\xBB\xBF# A\r\n\r\nline one\r\nline two\r\n---\r\n# B\r\n",
     2,
     {{1, NULL, 2, {H(1, 1, "A"), P(3, "line one line two")}}, {6, NULL, 1, {H(6, 1, "B")}}}},
    {"fences hide breaks; fence char and length must match to close",
     "```\n---\n```\n~~~\n```\n---\n~~~\n````\n```\n---\n````\n",
     1,
     {{1, NULL, 3, {CODE(1, "---"), CODE(4, "```\n---"), CODE(8, "```\n---")}}}},
    {"comments hide breaks; comment-only and blank slides are dropped",
     "<!--\n---\n-->\n# A\n---\n<!-- notes -->\n---\n\n---\n# B <!-- x --> y\n",
     2,
     {{1, NULL, 1, {H(4, 1, "A")}}, {10, NULL, 1, {H(10, 1, "B y")}}}},
    {"front matter closed by --- or ...",
     "---\ntitle: x\n---\n# A\n---\n# B\n",
     2,
     {{4, NULL, 1, {H(4, 1, "A")}}, {6, NULL, 1, {H(6, 1, "B")}}}},
    {"front matter closed by ...", "---\na: 1\n...\n\n# A\n", 1, {{5, NULL, 1, {H(5, 1, "A")}}}},
    {"loose list items keep their paragraphs; depth and numbers",
     "1. a\n\n   more\n2. b\n   1. c\n      - d\n",
     1,
     {{1,
       NULL,
       4,
       {LI(1, 1, 1, "a\nmore"), LI(4, 1, 2, "b"), LI(5, 2, 1, "c"), LI(6, 3, 0, "d")}}}},
    {"code blocks: fenced starts at its fence, indented keeps indentation",
     "# T\n\n```c\nint x;\n  y();\n```\n\n    code line\n      second\n",
     1,
     {{1, NULL, 3, {H(1, 1, "T"), CODE(3, "int x;\n  y();"), CODE(8, "code line\n  second")}}}},
    {"slide line is its first non-blank line; block lines are deck lines",
     "# One\n---\n\n\n## Two\n\npara\n",
     2,
     {{1, NULL, 1, {H(1, 1, "One")}}, {5, NULL, 2, {H(5, 2, "Two"), P(7, "para")}}}},
    {"thematic breaks and HTML blocks are not shown",
     "***\n\n<div>\nhtml\n</div>\n\ntext\n",
     1,
     {{1, NULL, 1, {P(7, "text")}}}},
};

static void check_int(const char *name, const char *what, size_t index, long actual, long expected)
{
    if (actual != expected) {
        print_error("%s: %s [%zu] = %ld, expected %ld\n", name, what, index, actual, expected);
        fail();
    }
}

static void check_string(const char *name, const char *what, size_t index, const char *actual,
                         const char *expected)
{
    if (!actual && !expected)
        return;
    if (!actual || !expected || strcmp(actual, expected) != 0) {
        print_error("%s: %s [%zu] = \"%s\", expected \"%s\"\n", name, what, index,
                    actual ? actual : "(null)", expected ? expected : "(null)");
        fail();
    }
}

static void check_slide(const char *name, size_t s, const struct deck_slide *slide,
                        const struct expected_slide *want)
{
    check_int(name, "slide line", s, slide->line, want->line);
    check_string(name, "video_path", s, slide->video_path, want->video_path);
    check_int(name, "n_blocks", s, (long)slide->n_blocks, (long)want->n_blocks);
    for (size_t b = 0; b < want->n_blocks; b++) {
        const struct slide_block *got = &slide->blocks[b];
        const struct expected_block *exp = &want->blocks[b];
        check_int(name, "kind", b, got->kind, exp->kind);
        check_int(name, "line", b, got->line, exp->line);
        check_int(name, "level", b, got->level, exp->level);
        check_int(name, "number", b, got->number, exp->number);
        check_string(name, "text", b, got->text, exp->text);
        check_string(name, "figure", b, got->figure, exp->figure);
        check_string(name, "path", b, got->path, exp->path);
    }
}

// Parses from a heap copy freed right away: the deck must own its strings.
static struct deck *parse_copy(const char *input, struct parse_report *report)
{
    size_t length = strlen(input);
    char *copy = malloc(length ? length : 1);
    assert_non_null(copy);
    memcpy(copy, input, length);
    parse_report_init(report);
    struct deck *deck = deck_parse(copy, length, report);
    free(copy);
    return deck;
}

static void test_deck_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof deck_cases / sizeof deck_cases[0]; i++) {
        const struct deck_case *c = &deck_cases[i];
        struct parse_report report;
        struct deck *deck = parse_copy(c->input, &report);
        if (!deck) {
            print_error("%s: unexpected error at line %d: %s\n", c->name, report.errors[0].line,
                        report.errors[0].message);
            fail();
        }
        check_int(c->name, "errors", 0, (long)parse_report_count(&report), 0);
        check_int(c->name, "n_slides", 0, (long)deck_n_slides(deck), (long)c->n_slides);
        for (size_t s = 0; s < c->n_slides; s++)
            check_slide(c->name, s, deck_slide_at(deck, s), &c->slides[s]);
        deck_destroy(deck);
    }
}

struct error_case {
    const char *name;
    const char *input;
    int line, column;
    const char *message;
};

static const struct error_case error_cases[] = {
    {"unclosed front matter", "---\ntitle: x\n# A\n", 1, 0,
     "front matter is not closed (add a --- line after it)"},
    {"empty text", "", 1, 0, "deck has no slides"},
    {"only comments and blank slides", "<!-- x -->\n---\n\n   \n---\n", 1, 0, "deck has no slides"},
    {"only front matter", "---\na: 1\n---\n", 1, 0, "deck has no slides"},
    {"invalid byte", "# A\nok \xFF\n", 2, 4, "text is not valid UTF-8 (save the deck as UTF-8)"},
    {"overlong encoding", "\xC0\xAF\n", 1, 1, "text is not valid UTF-8 (save the deck as UTF-8)"},
    {"surrogate", "# A\n\n\xED\xA0\x80\n", 3, 1,
     "text is not valid UTF-8 (save the deck as UTF-8)"},
    {"truncated sequence", "# \xE4\xB8", 1, 3, "text is not valid UTF-8 (save the deck as UTF-8)"},
    {"unclosed fence", "# A\n```\ncode\n---\n# B\n", 2, 0,
     "code block is not closed (add a line of 3 ` after it)"},
    {"unclosed comment", "# A\n<!-- x\n---\n# B\n", 2, 0,
     "comment is not closed (add --> after it)"},
};

static void test_deck_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const struct error_case *c = &error_cases[i];
        struct parse_report report;
        struct deck *deck = parse_copy(c->input, &report);
        if (deck) {
            print_error("%s: parsed, expected an error\n", c->name);
            deck_destroy(deck);
            fail();
        }
        check_int(c->name, "errors", 0, (long)parse_report_count(&report), 1);
        check_int(c->name, "error line", 0, report.errors[0].line, c->line);
        check_int(c->name, "error column", 0, report.errors[0].column, c->column);
        check_string(c->name, "message", 0, report.errors[0].message, c->message);
    }
}

static void test_deck_reports_every_bad_line(void **state)
{
    (void)state;
    struct parse_report report;
    struct deck *deck = parse_copy("\xFF\nok\n\xFE\n", &report);
    assert_null(deck);
    check_int("two bad lines", "errors", 0, (long)parse_report_count(&report), 2);
    check_int("two bad lines", "first line", 0, report.errors[0].line, 1);
    check_int("two bad lines", "second line", 1, report.errors[1].line, 3);
}

static void test_deck_null_and_bounds(void **state)
{
    (void)state;
    deck_destroy(NULL);
    struct parse_report report;
    parse_report_init(&report);
    assert_null(deck_parse(NULL, 0, &report));
    struct deck *deck = parse_copy("# A\n", &report);
    assert_non_null(deck);
    check_int("bounds", "n_slides", 0, (long)deck_n_slides(deck), 1);
    assert_null(deck_slide_at(deck, 1));
    deck_destroy(deck);
}

// A deck not terminated by NUL: the parser must stay inside length bytes.
static void test_deck_respects_length(void **state)
{
    (void)state;
    const char text[] = "# A\n---\n# B\n---\n# C";
    struct parse_report report;
    parse_report_init(&report);
    struct deck *deck = deck_parse(text, strlen("# A\n---\n# B"), &report);
    assert_non_null(deck);
    check_int("length", "n_slides", 0, (long)deck_n_slides(deck), 2);
    check_string("length", "last", 0, deck_slide_at(deck, 1)->blocks[0].text, "B");
    deck_destroy(deck);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deck_cases),
        cmocka_unit_test(test_deck_errors),
        cmocka_unit_test(test_deck_reports_every_bad_line),
        cmocka_unit_test(test_deck_null_and_bounds),
        cmocka_unit_test(test_deck_respects_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
