// font: fontconfig-chosen face chains (regular and bold) and a small cache of
// opened sizes. Text is split into runs, each drawn by the first face of the
// chain that provides its glyphs; measuring uses the same split, so what the
// layout measured is what gets drawn.
#include "render/font.h"

#include <stdio.h>
#include <string.h>

#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>

#include "base/log.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define FONT_CHAIN_MAX  6  // CJK face + Latin, symbols, emoji: more adds nothing
#define FONT_CACHE_MAX  48 // faces x sizes one screen uses, with room to spare
#define FONT_PROBE_SIZE 16 // glyph coverage does not depend on the size

// Families tried in order for the primary face: the lesson is Simplified
// Chinese, so the SC face first (fontconfig gives its face index in the .ttc).
static const char *const cjk_families[] = {
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Droid Sans Fallback",
};

enum font_weight {
    FONT_WEIGHT_REGULAR,
    FONT_WEIGHT_BOLD,
    FONT_WEIGHT_COUNT,
};

struct face {
    char *file;
    int index;
    bool is_synthetic_bold; // no bold face installed: SDL_ttf emboldens
    TTF_Font *probe;        // opened at FONT_PROBE_SIZE for glyph checks
};

struct chain {
    size_t n_faces;
    struct face faces[FONT_CHAIN_MAX];
};

struct open_font {
    TTF_Font *font; // NULL: free slot
    enum font_weight weight;
    size_t face;
    int size_px;
    uint64_t last_used;
};

struct fonts {
    struct chain chains[FONT_WEIGHT_COUNT];
    struct open_font cache[FONT_CACHE_MAX];
    uint64_t use_clock;
    bool did_init_ttf;
    char primary_description[1200]; // family, face and a full path
};

static enum font_weight weight_of(enum text_role role)
{
    switch (role) {
    case TEXT_ROLE_TITLE:
    case TEXT_ROLE_HEADING:
    case TEXT_ROLE_CALLOUT_FIGURE:
        return FONT_WEIGHT_BOLD;
    case TEXT_ROLE_BODY:
    case TEXT_ROLE_CODE:
    case TEXT_ROLE_CALLOUT_LABEL:
    case TEXT_ROLE_COUNT:
        break;
    }
    return FONT_WEIGHT_REGULAR;
}

static bool chain_has(const struct chain *chain, const char *file, int index)
{
    for (size_t i = 0; i < chain->n_faces; i++) {
        if (chain->faces[i].index == index && strcmp(chain->faces[i].file, file) == 0)
            return true;
    }
    return false;
}

static void chain_add(struct chain *chain, const char *file, int index, bool is_synthetic_bold)
{
    if (chain->n_faces == FONT_CHAIN_MAX || chain_has(chain, file, index))
        return;
    TTF_Font *probe = TTF_OpenFontIndex(file, FONT_PROBE_SIZE, index);
    if (!probe) {
        log_debug("font %s (face %d) does not open: %s", file, index, TTF_GetError());
        return;
    }
    struct face *face = &chain->faces[chain->n_faces++];
    face->file = xstrdup(file);
    face->index = index;
    face->is_synthetic_bold = is_synthetic_bold;
    face->probe = probe;
}

// The best match for pattern_text, or false when fontconfig found nothing
// that can draw Chinese (it always returns *some* font).
static bool match_cjk(const char *pattern_text, int want_weight, char *file, size_t file_size,
                      int *index, int *weight)
{
    FcPattern *pattern = FcNameParse((const FcChar8 *)pattern_text);
    if (!pattern)
        return false;
    FcPatternAddInteger(pattern, FC_WEIGHT, want_weight);
    FcPatternAddString(pattern, FC_LANG, (const FcChar8 *)"zh-cn");
    FcConfigSubstitute(NULL, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcPattern *match = FcFontMatch(NULL, pattern, &result);
    FcPatternDestroy(pattern);
    bool is_found = false;
    FcChar8 *path;
    FcCharSet *charset;
    if (match && FcPatternGetString(match, FC_FILE, 0, &path) == FcResultMatch &&
        FcPatternGetCharSet(match, FC_CHARSET, 0, &charset) == FcResultMatch &&
        FcCharSetHasChar(charset, 0x4E2D) && FcCharSetHasChar(charset, 0x8D28)) { // 中 质
        snprintf(file, file_size, "%s", (const char *)path);
        if (FcPatternGetInteger(match, FC_INDEX, 0, index) != FcResultMatch)
            *index = 0;
        if (FcPatternGetInteger(match, FC_WEIGHT, 0, weight) != FcResultMatch)
            *weight = FC_WEIGHT_REGULAR;
        is_found = true;
    }
    if (match)
        FcPatternDestroy(match);
    return is_found;
}

// Faces after the primary one: what fontconfig sorts best for sans-serif
// text, keeping only fonts that add coverage (trim).
static void add_fallbacks(struct chain *chain, int want_weight)
{
    FcPattern *pattern = FcNameParse((const FcChar8 *)"sans-serif");
    FcPatternAddInteger(pattern, FC_WEIGHT, want_weight);
    FcConfigSubstitute(NULL, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcFontSet *set = FcFontSort(NULL, pattern, FcTrue, NULL, &result);
    FcPatternDestroy(pattern);
    for (int i = 0; set && i < set->nfont && chain->n_faces < FONT_CHAIN_MAX; i++) {
        FcChar8 *path;
        int index = 0;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &path) != FcResultMatch)
            continue;
        FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &index);
        chain_add(chain, (const char *)path, index, false);
    }
    if (set)
        FcFontSetDestroy(set);
}

static bool build_chain(struct chain *chain, enum font_weight weight, char *description,
                        size_t description_size)
{
    int want = weight == FONT_WEIGHT_BOLD ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR;
    for (size_t i = 0; i < sizeof cjk_families / sizeof cjk_families[0]; i++) {
        char file[1024];
        int index, got_weight;
        if (!match_cjk(cjk_families[i], want, file, sizeof file, &index, &got_weight))
            continue;
        bool is_synthetic = weight == FONT_WEIGHT_BOLD && got_weight < FC_WEIGHT_DEMIBOLD;
        chain_add(chain, file, index, is_synthetic);
        if (chain->n_faces == 0)
            continue;
        if (description)
            snprintf(description, description_size, "%s (face %d of %s)", cjk_families[i], index,
                     file);
        add_fallbacks(chain, want);
        return true;
    }
    return false;
}

struct fonts *fonts_create(char *error, size_t error_size)
{
    struct fonts *fonts = xcalloc(1, sizeof *fonts);
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            snprintf(error, error_size, "SDL_ttf: %s", TTF_GetError());
            goto fail;
        }
        fonts->did_init_ttf = true;
    }
    if (!FcInit()) {
        snprintf(error, error_size, "fontconfig failed to initialise");
        goto fail;
    }
    if (!build_chain(&fonts->chains[FONT_WEIGHT_REGULAR], FONT_WEIGHT_REGULAR,
                     fonts->primary_description, sizeof fonts->primary_description) ||
        !build_chain(&fonts->chains[FONT_WEIGHT_BOLD], FONT_WEIGHT_BOLD, NULL, 0)) {
        snprintf(error, error_size,
                 "no Chinese font installed (install fonts-noto-cjk or fonts-wqy-zenhei)");
        goto fail;
    }
    return fonts;
fail:
    fonts_destroy(fonts);
    return NULL;
}

void fonts_destroy(struct fonts *fonts)
{
    if (!fonts)
        return;
    for (size_t i = 0; i < FONT_CACHE_MAX; i++) {
        if (fonts->cache[i].font)
            TTF_CloseFont(fonts->cache[i].font);
    }
    for (size_t w = 0; w < FONT_WEIGHT_COUNT; w++) {
        for (size_t i = 0; i < fonts->chains[w].n_faces; i++) {
            TTF_CloseFont(fonts->chains[w].faces[i].probe);
            free(fonts->chains[w].faces[i].file);
        }
    }
    if (fonts->did_init_ttf)
        TTF_Quit();
    free(fonts);
}

// The font for one face at one size, opened on first use; the least recently
// used entry makes room when the cache is full.
static TTF_Font *font_at(struct fonts *fonts, enum font_weight weight, size_t face_index,
                         int size_px)
{
    struct open_font *slot = &fonts->cache[0];
    for (size_t i = 0; i < FONT_CACHE_MAX; i++) {
        struct open_font *entry = &fonts->cache[i];
        if (entry->font && entry->weight == weight && entry->face == face_index &&
            entry->size_px == size_px) {
            entry->last_used = ++fonts->use_clock;
            return entry->font;
        }
        if (!entry->font || (slot->font && entry->last_used < slot->last_used))
            slot = entry;
    }
    const struct face *face = &fonts->chains[weight].faces[face_index];
    TTF_Font *font = TTF_OpenFontIndex(face->file, size_px, face->index);
    if (!font)
        return NULL;
    if (face->is_synthetic_bold)
        TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    if (slot->font)
        TTF_CloseFont(slot->font);
    *slot = (struct open_font){font, weight, face_index, size_px, ++fonts->use_clock};
    return font;
}

static size_t face_for(const struct chain *chain, uint32_t codepoint)
{
    for (size_t i = 0; i < chain->n_faces; i++) {
        if (TTF_GlyphIsProvided32(chain->faces[i].probe, codepoint))
            return i;
    }
    return 0; // nobody has it: the primary face draws its .notdef; --check reports it
}

// Splits text into runs of one face. Calls run_fn(face, start, length) for
// each; spaces join the run they are in rather than starting a new one.
struct run_visitor {
    struct fonts *fonts;
    enum font_weight weight;
    int size_px;
    const char *text;
    int width_px;         // measure: total advance
    SDL_Surface *surface; // render: destination, or NULL when measuring
    SDL_Color color;
    int baseline_px; // render: y of the baseline in surface
    bool has_failed;
};

static void visit_run(struct run_visitor *visitor, size_t face, size_t start, size_t length)
{
    TTF_Font *font = font_at(visitor->fonts, visitor->weight, face, visitor->size_px);
    if (!font) {
        visitor->has_failed = true;
        return;
    }
    char *run = xstrndup(visitor->text + start, length);
    int width = 0, height = 0;
    TTF_SizeUTF8(font, run, &width, &height);
    if (visitor->surface) {
        SDL_Surface *drawn = TTF_RenderUTF8_Blended(font, run, visitor->color);
        if (drawn) {
            SDL_Rect where = {visitor->width_px, visitor->baseline_px - TTF_FontAscent(font), 0, 0};
            SDL_SetSurfaceBlendMode(drawn, SDL_BLENDMODE_NONE);
            SDL_BlitSurface(drawn, NULL, visitor->surface, &where);
            SDL_FreeSurface(drawn);
        } else {
            visitor->has_failed = true;
        }
    }
    visitor->width_px += width;
    free(run);
}

static void visit_runs(struct run_visitor *visitor, size_t length)
{
    const struct chain *chain = &visitor->fonts->chains[visitor->weight];
    size_t run_start = 0, run_face = 0, offset = 0;
    bool has_run = false;
    while (offset < length) {
        size_t at = offset;
        uint32_t codepoint = utf8_next(visitor->text, length, &offset);
        if (codepoint == ' ' && has_run)
            continue;
        size_t face = face_for(chain, codepoint == UTF8_INVALID ? 0xFFFD : codepoint);
        if (has_run && face != run_face) {
            visit_run(visitor, run_face, run_start, at - run_start);
            run_start = at;
        }
        run_face = face;
        has_run = true;
    }
    if (has_run)
        visit_run(visitor, run_face, run_start, length - run_start);
}

static int measure_width_px(void *context, enum text_role role, int size_px, const char *text,
                            size_t length)
{
    struct run_visitor visitor = {
        .fonts = context, .weight = weight_of(role), .size_px = size_px, .text = text};
    visit_runs(&visitor, length);
    return visitor.width_px;
}

static int line_height_px(void *context, enum text_role role, int size_px)
{
    TTF_Font *font = font_at(context, weight_of(role), 0, size_px);
    return font ? TTF_FontLineSkip(font) : size_px * 3 / 2;
}

struct text_metrics fonts_text_metrics(struct fonts *fonts)
{
    return (struct text_metrics){fonts, measure_width_px, line_height_px};
}

SDL_Surface *fonts_render_line(struct fonts *fonts, enum text_role role, int size_px,
                               const char *text, size_t length, SDL_Color color, int *rise_px)
{
    int width = measure_width_px(fonts, role, size_px, text, length);
    TTF_Font *primary = font_at(fonts, weight_of(role), 0, size_px);
    if (width <= 0 || !primary)
        return NULL;
    int height = TTF_FontHeight(primary);
    // Room for a fallback face whose ascent is taller than the primary's.
    *rise_px = size_px / 8;
    int baseline = TTF_FontAscent(primary) + *rise_px;
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, width, height + 2 * *rise_px, 32,
                                                          SDL_PIXELFORMAT_ARGB8888);
    if (!surface)
        return NULL;
    SDL_FillRect(surface, NULL, SDL_MapRGBA(surface->format, color.r, color.g, color.b, 0));
    struct run_visitor visitor = {.fonts = fonts,
                                  .weight = weight_of(role),
                                  .size_px = size_px,
                                  .text = text,
                                  .surface = surface,
                                  .color = color,
                                  .baseline_px = baseline};
    visit_runs(&visitor, length);
    if (visitor.has_failed) {
        SDL_FreeSurface(surface);
        return NULL;
    }
    return surface;
}

bool fonts_can_draw(struct fonts *fonts, uint32_t codepoint)
{
    const struct chain *chain = &fonts->chains[FONT_WEIGHT_REGULAR];
    for (size_t i = 0; i < chain->n_faces; i++) {
        if (TTF_GlyphIsProvided32(chain->faces[i].probe, codepoint))
            return true;
    }
    return false;
}

const char *fonts_primary_description(const struct fonts *fonts)
{
    return fonts->primary_description;
}
