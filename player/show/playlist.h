// playlist: parses playlist format v1 (see README "Playlist format") from
// text into settings, items and schedule sections. Pure: takes bytes,
// touches no files, reads no clock (show/schedule says what plays when).
#ifndef SIGNAGE_SHOW_PLAYLIST_H
#define SIGNAGE_SHOW_PLAYLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "show/parse_report.h"
#include "show/schedule.h"

#define PLAYLIST_DEFAULT_SLIDE_TIME_MS       10000 // long enough to read a slide
#define PLAYLIST_DEFAULT_TRANSITION_MS       400   // a calm cross-fade, over before the eye settles
#define PLAYLIST_TRANSITION_MAX_MS           5000  // longer fades leave slides half-visible
#define PLAYLIST_DEFAULT_SAFE_MARGIN_PERCENT 5     // TV overscan eats up to ~5% a side
#define PLAYLIST_SAFE_MARGIN_MAX_PERCENT     20
#define PLAYLIST_DISPLAY_MAX                 8 // a Pi has two HDMI outputs; a desktop may have more

// overlay = clock [CORNER]: what is drawn over everything that plays.
enum playlist_overlay {
    PLAYLIST_OVERLAY_NONE,  // the default
    PLAYLIST_OVERLAY_CLOCK, // local time and date on a plate in a corner
};

// The corner of the (turned) screen an overlay sits in, inside the safe margin.
enum playlist_corner {
    PLAYLIST_CORNER_TOP_RIGHT, // the default: where a reader's eye leaves a slide title
    PLAYLIST_CORNER_TOP_LEFT,
    PLAYLIST_CORNER_BOTTOM_LEFT,
    PLAYLIST_CORNER_BOTTOM_RIGHT,
};

enum playlist_item_kind {
    PLAYLIST_ITEM_DECK,  // every slide of a Markdown deck
    PLAYLIST_ITEM_SLIDE, // one slide of a deck: PATH#N
    PLAYLIST_ITEM_IMAGE, // a PNG or JPEG
    PLAYLIST_ITEM_VIDEO, // a clip, played to its end
};

struct playlist_settings {
    char *idle_image_path; // idle = image PATH (relative to the content root; owned), or
                           // NULL for idle = black or clock: shown while no section is scheduled
    bool is_idle_clock;    // idle = clock: a full-screen clock instead (idle_image_path NULL)
    enum playlist_overlay overlay;       // overlay = none | clock [CORNER]; default none
    enum playlist_corner overlay_corner; // where the overlay sits; default top-right
    int64_t slide_time_ms;               // default time for slides and images
    bool is_audio_on;                    // audio = on|off; default off (a quiet hallway)
    int64_t transition_ms;               // transition = fade [DURATION] | none; 0 = cut
    int safe_margin_percent;             // safe-margin = N%: kept free on each side for overscan
    bool is_hwdec_allowed; // hwdec = auto|off; default auto (hardware decoder when there is one)
    int volume_percent;    // volume = N%: the clips' sound level, 0-100; default 100
    bool is_reload_now;    // reload = now: replaces a running playlist at once, not
                           // after the item on screen (reload = next-item, the default)
    int rotate_degrees;    // rotate = 0|90|180|270: the screen is mounted turned this
                           // much clockwise (90: portrait); default 0
    int display_number;    // display = N: the screen to show on, 1 = the first (HDMI 0
                           // on a Pi), up to PLAYLIST_DISPLAY_MAX; default 1
};

struct playlist_item {
    enum playlist_item_kind kind;
    int line;            // 1-based line in the playlist text
    const char *path;    // relative to the content root, unquoted; owned by the playlist
    int slide_number;    // PLAYLIST_ITEM_SLIDE: 1-based N of PATH#N; otherwise 0
    int64_t duration_ms; // per-item duration, or -1 for the default (slide-time; video: its end)
    int volume_percent;  // videos: volume=N% (0-100), or -1 for the playlist's volume
    int section;         // the section it is under (playlist_section_at), or -1 above the
                         // first section header: such items play whatever the time
};

// A schedule section: a [...] header line and the items under it, up to the
// next header. Its window is schedule_window_at(playlist_schedule(), index).
struct playlist_section {
    int line;         // 1-based line of the header
    const char *spec; // between '[' and ']', trimmed: "mon-fri 07:30-17:30"; owned by the playlist
};

struct playlist;

// Parses length bytes of UTF-8 text (optional BOM, LF or CRLF). On success
// returns a new playlist (caller destroys) and leaves report empty. On any
// problem returns NULL and report holds every problem found, each with its line.
struct playlist *playlist_parse(const char *text, size_t length, struct parse_report *report);

void playlist_destroy(struct playlist *playlist);

const struct playlist_settings *playlist_settings(const struct playlist *playlist);
size_t playlist_n_items(const struct playlist *playlist);
// index < playlist_n_items(); borrowed, valid until playlist_destroy().
const struct playlist_item *playlist_item_at(const struct playlist *playlist, size_t index);

size_t playlist_n_sections(const struct playlist *playlist);
// index < playlist_n_sections(); borrowed, valid until playlist_destroy().
const struct playlist_section *playlist_section_at(const struct playlist *playlist, size_t index);
// The sections' windows, indexed like playlist_section_at() (empty when the
// playlist has no sections); borrowed, valid until playlist_destroy().
const struct schedule *playlist_schedule(const struct playlist *playlist);

// "top-right", "top-left", "bottom-left", "bottom-right".
const char *playlist_corner_name(enum playlist_corner corner);

// "deck", "slide", "image", "video".
const char *playlist_item_kind_name(enum playlist_item_kind kind);

#endif
