// Fuzz target: playlist_parse over arbitrary bytes, then every accessor on
// what it returns; checks the parser's own promises (items and report agree,
// durations and percentages in range, paths non-empty).
#include <stdlib.h>
#include <string.h>

#include "fuzz_guard.h"
#include "fuzz_target.h"
#include "show/parse_report.h"
#include "show/playlist.h"

#define FUZZ_CHECK(condition) ((condition) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parse_report report;
    parse_report_init(&report);
    struct playlist *playlist = playlist_parse(fuzz_guard_copy(data, size), size, &report);
    if (!playlist) {
        FUZZ_CHECK(parse_report_count(&report) > 0);
        for (size_t i = 0; i < report.n_errors; i++) {
            FUZZ_CHECK(report.errors[i].line >= 1);
            FUZZ_CHECK(memchr(report.errors[i].message, '\0', sizeof report.errors[i].message) !=
                       NULL);
        }
        return 0;
    }
    FUZZ_CHECK(parse_report_count(&report) == 0);
    const struct playlist_settings *settings = playlist_settings(playlist);
    FUZZ_CHECK(settings->slide_time_ms > 0);
    FUZZ_CHECK(settings->transition_ms >= 0 &&
               settings->transition_ms <= PLAYLIST_TRANSITION_MAX_MS);
    FUZZ_CHECK(settings->safe_margin_percent >= 0 &&
               settings->safe_margin_percent <= PLAYLIST_SAFE_MARGIN_MAX_PERCENT);
    FUZZ_CHECK(settings->volume_percent >= 0 && settings->volume_percent <= 100);
    FUZZ_CHECK(settings->overlay == PLAYLIST_OVERLAY_NONE ||
               settings->overlay == PLAYLIST_OVERLAY_CLOCK);
    FUZZ_CHECK(strcmp(playlist_corner_name(settings->overlay_corner), "unknown") != 0);
    FUZZ_CHECK(!settings->is_idle_clock || !settings->idle_image_path);
    size_t n_items = playlist_n_items(playlist);
    FUZZ_CHECK(n_items > 0);
    for (size_t i = 0; i < n_items; i++) {
        const struct playlist_item *item = playlist_item_at(playlist, i);
        FUZZ_CHECK(item->line >= 1);
        FUZZ_CHECK(item->path && item->path[0] != '\0');
        FUZZ_CHECK(strlen(item->path) < size + 1);
        FUZZ_CHECK(playlist_item_kind_name(item->kind) != NULL);
        FUZZ_CHECK(item->duration_ms == -1 || item->duration_ms > 0);
        FUZZ_CHECK(item->volume_percent >= -1 && item->volume_percent <= 100);
        FUZZ_CHECK(item->kind != PLAYLIST_ITEM_SLIDE || item->slide_number >= 1);
    }
    playlist_destroy(playlist);
    return 0;
}
