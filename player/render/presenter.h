// presenter: the window and what is on it. It holds the picture on screen
// until something replaces it (never a black frame between items) and only
// presents when that changed. Main thread only: the SDL renderer stays on the
// thread that made it. Knows nothing of FFmpeg: video frames arrive as plain
// planes (struct picture) from app.
#ifndef SIGNAGE_RENDER_PRESENTER_H
#define SIGNAGE_RENDER_PRESENTER_H

#include <stdbool.h>
#include <stdint.h>

#include <SDL.h>

enum picture_format {
    PICTURE_FORMAT_YUV420P, // three planes, chroma halved both ways
    PICTURE_FORMAT_NV12,    // Y plane + interleaved UV plane
    PICTURE_FORMAT_RGBA32,  // one plane, bytes R G B A
};

// One decoded picture, borrowed for the duration of the call it is passed to.
struct picture {
    enum picture_format format;
    int width_px, height_px;
    int sar_num, sar_den; // sample aspect ratio; 1:1 when unknown
    // Clockwise turn that shows the picture upright: 0, 90, 180 or 270. From
    // FFmpeg's display matrix it is -av_display_rotation_get() normalised to
    // [0, 360) (ffplay's get_rotation()): a phone's portrait clip is coded
    // 1920x1080 with 90. The sample aspect ratio applies before the turn.
    int rotation_degrees;
    bool is_full_range; // JPEG-range YUV (yuvj420p)
    const uint8_t *planes[3];
    int pitches[3]; // bytes per row of each plane
};

struct presenter_options {
    int window_width_px, window_height_px; // 0 x 0: full-screen on the whole display
    const char *title;                     // window title, borrowed
    // Which display the window opens on, full-screen or not: SDL's display
    // index, 0 = the first (kmsdrm counts the screens connected at start in
    // port order: HDMI 0, then HDMI 1). One that does not exist is logged
    // and the first is used.
    int display_index;
};

struct presenter;

// Main thread, after SDL_Init(SDL_INIT_VIDEO). Opens the window and renderer
// (accelerated when available, software otherwise). NULL with a reason in
// error when no window can be made.
struct presenter *presenter_create(const struct presenter_options *options, char *error,
                                   size_t error_size);

void presenter_destroy(struct presenter *presenter);

// Size in pixels of the canvas everything is drawn on: the renderer's
// output, width and height swapped while presenter_set_rotation() turns it a
// quarter (a 1920x1080 output turned 90 gives 1080x1920). Lay slides and
// banners out for this size.
void presenter_get_output_size(const struct presenter *presenter, int *width_px, int *height_px);

// The screen is mounted turned degrees clockwise (0, 90, 180 or 270; other
// values are taken modulo 360 and rounded down to a quarter turn): from now
// on everything (stills, fades, video pictures with their own
// rotation_degrees, the banner) is drawn on a canvas of the turned size (see
// presenter_get_output_size()) and turned at output by the renderer, counter
// to the mounting, so that it stands upright for the viewer. No intermediate
// texture: the turn is composed into each draw. Marks the screen for
// redrawing; the caller then lays out its stills and banner again for the
// new canvas size (as after a window resize).
void presenter_set_rotation(struct presenter *presenter, int degrees);

// The last presenter_set_rotation() (normalised); 0 until called.
int presenter_rotation(const struct presenter *presenter);

// The display to show on from now on (as presenter_options.display_index).
// A full-screen window moves there now when that display exists and the
// video driver moves windows between displays (x11, wayland); under kmsdrm
// the window stays on the display it was opened on (logged: the choice takes
// effect when the player starts again). The caller then asks
// presenter_get_output_size() again.
void presenter_set_display(struct presenter *presenter, int display_index);

// The displays changed (SDL_DISPLAYEVENT: a screen plugged in, unplugged or
// switched on): a full-screen window goes back to the display asked for when
// that display exists (again) and the driver can move it, and the screen is
// marked for redrawing. The caller then asks presenter_get_output_size()
// again. Returns true when the window was moved.
bool presenter_handle_display_change(struct presenter *presenter);

// The largest picture (coded size, before any turn) presenter_show_picture()
// accepts: the renderer's largest texture. A renderer without a limit (the
// software one) reports INT_MAX x INT_MAX. The app scales larger pictures
// down before showing them.
void presenter_get_max_picture_size(const struct presenter *presenter, int *width_px,
                                    int *height_px);

// The largest picture (coded size) worth handing to presenter_show_picture():
// presenter_get_max_picture_size(), and with SDL's software renderer, which
// converts and scales every pixel of every frame on the CPU, no larger than
// the output's longer side either way (a square, so a picture turned a
// quarter keeps every pixel the screen can show). The app scales a larger
// picture down before showing it: one libswscale pass costs less than the
// renderer's (bench: a 1080p clip in a 320x180 window).
void presenter_get_useful_picture_size(const struct presenter *presenter, int *width_px,
                                       int *height_px);

// A full-screen picture made from surface (a slide, a card): uploaded once.
// Returns a new handle (caller destroys) or NULL with SDL_GetError() set.
struct presenter_still *presenter_still_create(struct presenter *presenter, SDL_Surface *surface);

// Destroys still; if it is on screen the screen keeps its last presented
// picture until the next present. NULL is a no-op.
void presenter_still_destroy(struct presenter *presenter, struct presenter_still *still);

// Puts still on screen at the next present (borrowed: keep it alive while
// shown). With fade_ns > 0 and a still on screen now, cross-fades from that
// one over fade_ns from now_ns: blended by the renderer from the two
// textures, nothing redrawn on the CPU. The old still must stay alive until
// presenter_is_fading() is false (or be destroyed, which ends the fade).
void presenter_show_still(struct presenter *presenter, struct presenter_still *still,
                          int64_t fade_ns, int64_t now_ns);

// True while a cross-fade started by presenter_show_still() runs at now_ns.
bool presenter_is_fading(const struct presenter *presenter, int64_t now_ns);

// When the screen next needs presenting by itself: the next frame of a
// running fade, or INT64_MAX when nothing changes until told.
int64_t presenter_next_deadline_ns(const struct presenter *presenter, int64_t now_ns);

// Uploads picture into the video texture (no CPU colour conversion for YUV)
// and puts it on screen at the next present, turned by its rotation_degrees
// (by the renderer, not the CPU) and letterboxed: the turned picture, sample
// aspect ratio included, as large as fits the canvas with its aspect kept,
// centred, black bars around it. Returns 0, or -1 with SDL_GetError() set
// for a picture with no pixels, one larger than presenter_get_max_picture_size()
// ("picture 8192x4320 is larger than this renderer's largest texture
// 4096x4096") or with another rotation (all refused before anything changes:
// the screen keeps what it showed), or a failed upload.
int presenter_show_picture(struct presenter *presenter, const struct picture *picture);

// Copies banner (borrowed for the call; the caller keeps and frees it) into
// a texture drawn over everything else (still, video, a running fade) along
// the bottom edge of the canvas (the viewer's bottom, whatever the
// rotation), at its own size when it is as wide as the canvas, else scaled
// with its aspect kept to fit (the app redraws it when the canvas size
// changes). NULL removes the banner. Either way the screen
// is presented again at the next presenter_present() (once a still or a
// picture is shown: a banner alone is not presented). Returns 0, or -1 with
// SDL_GetError() set when the upload failed: then no banner is shown (never
// a stale one).
int presenter_set_banner(struct presenter *presenter, SDL_Surface *banner);

// Where presenter_set_overlay() puts its picture: a corner of the canvas
// (the viewer's corner, whatever the rotation), or all of it.
enum presenter_overlay_place {
    PRESENTER_OVERLAY_TOP_RIGHT,
    PRESENTER_OVERLAY_TOP_LEFT,
    PRESENTER_OVERLAY_BOTTOM_LEFT,
    PRESENTER_OVERLAY_BOTTOM_RIGHT,
    PRESENTER_OVERLAY_FULL_SCREEN,
};

// Copies overlay (borrowed for the call; the caller keeps and frees it)
// into a texture drawn, blended by its alpha, over the still or video (a
// running fade included) and under the banner. In a corner it is drawn at
// its own size, inset_x_px from the canvas's left or right edge and
// inset_y_px from its top or bottom edge (the safe margin); a bottom corner
// moves up while a banner is shown, to stand inset_y_px / 2 above it. A
// picture larger than the room inside the insets is scaled down to fit,
// aspect kept. PRESENTER_OVERLAY_FULL_SCREEN scales it to the whole canvas
// (insets unused). NULL removes the overlay. Either way the screen is
// presented again at the next presenter_present() (once a still or a
// picture is shown). Returns 0, or -1 with SDL_GetError() set when the
// upload failed: then no overlay is shown (never a stale one).
int presenter_set_overlay(struct presenter *presenter, SDL_Surface *overlay,
                          enum presenter_overlay_place place, int inset_x_px, int inset_y_px);

// Marks the screen for redrawing (window exposed or resized).
void presenter_invalidate(struct presenter *presenter);

// Draws and presents when something changed since the last present (or a
// fade is running at now_ns). Returns true when it presented.
bool presenter_present(struct presenter *presenter, int64_t now_ns);

// Draws what is on screen at now_ns (banner included), copies it into a new
// ARGB8888 surface (caller frees) and presents it. NULL with SDL_GetError()
// set on failure.
// For screenshots and tests: what the viewer sees, not a re-render. It is
// the output exactly as the cable carries it, at the renderer's output size:
// with a rotation, that picture lies on its side (or upside down), and a
// viewer of the screen mounted turned by presenter_rotation() degrees
// clockwise sees it turned that much clockwise, upright.
SDL_Surface *presenter_capture(struct presenter *presenter, int64_t now_ns);

// The driver and renderer in use, e.g. "offscreen/software", for logs.
const char *presenter_describe(const struct presenter *presenter);

// The file descriptor that becomes readable when the window system has
// events for this window (the X11 connection), or -1 when the driver offers
// none (offscreen, kmsdrm, wayland): then input is pumped at deadlines.
int presenter_event_fd(const struct presenter *presenter);

#endif
