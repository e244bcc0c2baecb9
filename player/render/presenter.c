// presenter: one window, one renderer, at most four textures alive for the
// screen (the current still, the reusable video texture, the overlay and the
// banner).
// Composes them on a canvas that may be turned against the output (a screen
// mounted on its side); draws no text and scales nothing on the CPU.
#include "render/presenter.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <SDL_syswm.h>

#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"

// Frame pacing of a fade when the renderer has no vsync to pace it (the
// software renderer, offscreen): one step per 60 Hz refresh.
#define FADE_FRAME_NS (NS_PER_S / 60)

struct presenter_still {
    SDL_Texture *texture;
};

enum presenter_content {
    PRESENTER_CONTENT_NONE,
    PRESENTER_CONTENT_STILL,
    PRESENTER_CONTENT_VIDEO,
};

struct presenter {
    SDL_Window *window;
    SDL_Renderer *renderer;
    bool is_windowed;
    int display_index; // as asked in presenter_options (may not exist now)
    // Clockwise turn of the mounted screen: 0, 90, 180 or 270. Everything is
    // laid out on the canvas (the output turned) and turned back at output.
    int rotation_degrees;
    enum presenter_content content;
    struct presenter_still *still; // borrowed, when content is STILL
    // A running cross-fade from fade_from (borrowed) to still.
    struct presenter_still *fade_from;
    int64_t fade_start_ns, fade_ns;
    // Reused across frames; recreated only when size or format changes.
    SDL_Texture *video_texture;
    int video_width_px, video_height_px;
    enum picture_format video_format;
    // The shown picture's shape, placed anew at each compose so that a
    // resized output letterboxes it right.
    double video_sar;
    int video_rotation_degrees;
    // Drawn over everything at the bottom edge; NULL when none.
    SDL_Texture *banner_texture;
    int banner_width_px, banner_height_px;
    // Drawn over the still or video, under the banner; NULL when none.
    SDL_Texture *overlay_texture;
    int overlay_width_px, overlay_height_px;
    enum presenter_overlay_place overlay_place;
    int overlay_inset_x_px, overlay_inset_y_px;
    int max_texture_width_px, max_texture_height_px; // 0: no limit
    bool is_software; // SDL's software renderer: every pixel of every frame on the CPU
    bool is_dirty;
    int event_fd;
    char description[96];
};

static int open_renderer(struct presenter *presenter)
{
    // SDL 2.26 puts a software renderer's window on an OpenGL texture when it
    // can; without a GPU that is Mesa's llvmpipe doing the same work again
    // (bench: 0.80 instead of 0.32 CPU-s per second of 1080p video, twice
    // the memory, 70 ms more to start). x11 (MIT-SHM) and offscreen have a
    // framebuffer of their own; kmsdrm and wayland need the texture.
    const char *driver = SDL_GetCurrentVideoDriver();
    if (driver && (strcmp(driver, "x11") == 0 || strcmp(driver, "offscreen") == 0))
        SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
    // Vsync keeps video tear-free; the software renderer has none and
    // blocks on nothing, so ask only for the accelerated one.
    presenter->renderer = SDL_CreateRenderer(presenter->window, -1,
                                             SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!presenter->renderer)
        presenter->renderer = SDL_CreateRenderer(presenter->window, -1, SDL_RENDERER_SOFTWARE);
    if (!presenter->renderer)
        return -1;
    SDL_RendererInfo info;
    SDL_GetRendererInfo(presenter->renderer, &info);
    snprintf(presenter->description, sizeof presenter->description, "%s/%s",
             SDL_GetCurrentVideoDriver(), info.name);
    presenter->max_texture_width_px = info.max_texture_width;
    presenter->max_texture_height_px = info.max_texture_height;
    presenter->is_software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    return 0;
}

static int find_event_fd(SDL_Window *window)
{
#if defined(SDL_VIDEO_DRIVER_X11)
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (SDL_GetWindowWMInfo(window, &info) && info.subsystem == SDL_SYSWM_X11)
        return ConnectionNumber(info.info.x11.display);
#else
    (void)window;
#endif
    return -1;
}

// The display to show on: the one asked for when it exists, else the first.
static int chosen_display(int display_index)
{
    int n_displays = SDL_GetNumVideoDisplays();
    return display_index > 0 && display_index < n_displays ? display_index : 0;
}

struct presenter *presenter_create(const struct presenter_options *options, char *error,
                                   size_t error_size)
{
    struct presenter *presenter = xcalloc(1, sizeof *presenter);
    presenter->event_fd = -1;
    presenter->is_windowed = options->window_width_px > 0 && options->window_height_px > 0;
    presenter->display_index = options->display_index;
    int display = chosen_display(options->display_index);
    if (display != options->display_index)
        log_warning("display %d does not exist (%d found): showing on display 1",
                    options->display_index + 1, SDL_GetNumVideoDisplays());
    int width = options->window_width_px, height = options->window_height_px;
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (presenter->is_windowed) {
        flags |= SDL_WINDOW_RESIZABLE;
    } else {
        SDL_DisplayMode mode;
        if (SDL_GetDesktopDisplayMode(display, &mode) == 0)
            width = mode.w, height = mode.h;
        else
            width = 1920, height = 1080;
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    }
    // A position inside the display's bounds is how SDL picks the display a
    // window (and a full-screen mode) belongs to, kmsdrm included.
    presenter->window =
        SDL_CreateWindow(options->title, (int)SDL_WINDOWPOS_CENTERED_DISPLAY(display),
                         (int)SDL_WINDOWPOS_CENTERED_DISPLAY(display), width, height, flags);
    if (!presenter->window || open_renderer(presenter) != 0) {
        snprintf(error, error_size, "cannot open a window: %s", SDL_GetError());
        goto fail;
    }
    if (!presenter->is_windowed) {
        // An unattended screen shows no pointer and never blanks. SDL
        // disables the screen saver by default unless
        // SDL_VIDEO_ALLOW_SCREENSAVER is set; full-screen it is not optional.
        // X11: XScreenSaverSuspend (screen saver and DPMS); Wayland: the
        // idle-inhibit protocol; kmsdrm: nothing to do (see docs/RASPBERRY-PI.md).
        SDL_ShowCursor(SDL_DISABLE);
        SDL_DisableScreenSaver();
    }
    presenter->event_fd = find_event_fd(presenter->window);
    presenter->is_dirty = true;
    return presenter;
fail:
    presenter_destroy(presenter);
    return NULL;
}

void presenter_destroy(struct presenter *presenter)
{
    if (!presenter)
        return;
    if (presenter->video_texture)
        SDL_DestroyTexture(presenter->video_texture);
    if (presenter->banner_texture)
        SDL_DestroyTexture(presenter->banner_texture);
    if (presenter->overlay_texture)
        SDL_DestroyTexture(presenter->overlay_texture);
    if (presenter->renderer)
        SDL_DestroyRenderer(presenter->renderer);
    if (presenter->window)
        SDL_DestroyWindow(presenter->window);
    free(presenter);
}

// The renderer's output as the cable carries it, before any turn.
static void get_physical_size(const struct presenter *presenter, int *width_px, int *height_px)
{
    if (SDL_GetRendererOutputSize(presenter->renderer, width_px, height_px) != 0)
        SDL_GetWindowSize(presenter->window, width_px, height_px);
}

static bool is_quarter_turn(int degrees)
{
    return degrees == 90 || degrees == 270;
}

void presenter_get_output_size(const struct presenter *presenter, int *width_px, int *height_px)
{
    int width, height;
    get_physical_size(presenter, &width, &height);
    bool is_sideways = is_quarter_turn(presenter->rotation_degrees);
    *width_px = is_sideways ? height : width;
    *height_px = is_sideways ? width : height;
}

void presenter_set_rotation(struct presenter *presenter, int degrees)
{
    int normalised = (degrees % 360 + 360) % 360 / 90 * 90;
    if (normalised != presenter->rotation_degrees)
        presenter->is_dirty = true;
    presenter->rotation_degrees = normalised;
}

int presenter_rotation(const struct presenter *presenter)
{
    return presenter->rotation_degrees;
}

// True when the video driver keeps a window on the display it was opened on
// (kmsdrm: SDL 2.26 sets its mode on that display's CRTC once; moving it is
// nothing this player has seen work, so it does not try).
static bool is_window_bound_to_display(void)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    return driver && strcmp(driver, "kmsdrm") == 0;
}

bool presenter_handle_display_change(struct presenter *presenter)
{
    presenter->is_dirty = true;
    if (presenter->is_windowed || is_window_bound_to_display())
        return false;
    int wanted = chosen_display(presenter->display_index);
    int now = SDL_GetWindowDisplayIndex(presenter->window);
    if (now < 0 || now == wanted)
        return false;
    // Full-screen belongs to a display: leave it, move, take the new one.
    SDL_SetWindowFullscreen(presenter->window, 0);
    SDL_SetWindowPosition(presenter->window, (int)SDL_WINDOWPOS_CENTERED_DISPLAY(wanted),
                          (int)SDL_WINDOWPOS_CENTERED_DISPLAY(wanted));
    SDL_SetWindowFullscreen(presenter->window, SDL_WINDOW_FULLSCREEN_DESKTOP);
    log_info("showing on display %d", wanted + 1);
    return true;
}

void presenter_set_display(struct presenter *presenter, int display_index)
{
    if (display_index == presenter->display_index)
        return;
    presenter->display_index = display_index;
    if (chosen_display(display_index) != display_index)
        log_warning("display %d does not exist (%d found): showing on display 1", display_index + 1,
                    SDL_GetNumVideoDisplays());
    else if (is_window_bound_to_display())
        log_warning("display = %d takes effect when the player starts again "
                    "(under kmsdrm the picture stays on the display it started on)",
                    display_index + 1);
    presenter_handle_display_change(presenter);
}

void presenter_get_max_picture_size(const struct presenter *presenter, int *width_px,
                                    int *height_px)
{
    *width_px = presenter->max_texture_width_px > 0 ? presenter->max_texture_width_px : INT_MAX;
    *height_px = presenter->max_texture_height_px > 0 ? presenter->max_texture_height_px : INT_MAX;
}

void presenter_get_useful_picture_size(const struct presenter *presenter, int *width_px,
                                       int *height_px)
{
    presenter_get_max_picture_size(presenter, width_px, height_px);
    if (!presenter->is_software)
        return; // the GPU scales for free
    int out_width, out_height;
    SDL_GetRendererOutputSize(presenter->renderer, &out_width, &out_height);
    int side = out_width > out_height ? out_width : out_height;
    *width_px = *width_px < side ? *width_px : side;
    *height_px = *height_px < side ? *height_px : side;
}

struct presenter_still *presenter_still_create(struct presenter *presenter, SDL_Surface *surface)
{
    SDL_Texture *texture = SDL_CreateTextureFromSurface(presenter->renderer, surface);
    if (!texture)
        return NULL;
    struct presenter_still *still = xcalloc(1, sizeof *still);
    still->texture = texture;
    return still;
}

void presenter_still_destroy(struct presenter *presenter, struct presenter_still *still)
{
    if (!still)
        return;
    if (presenter->still == still) {
        presenter->still = NULL;
        presenter->content = PRESENTER_CONTENT_NONE;
    }
    if (presenter->fade_from == still)
        presenter->fade_from = NULL;
    SDL_DestroyTexture(still->texture);
    free(still);
}

void presenter_show_still(struct presenter *presenter, struct presenter_still *still,
                          int64_t fade_ns, int64_t now_ns)
{
    bool can_fade = fade_ns > 0 && presenter->content == PRESENTER_CONTENT_STILL &&
                    presenter->still && presenter->still != still;
    presenter->fade_from = can_fade ? presenter->still : NULL;
    presenter->fade_start_ns = now_ns;
    presenter->fade_ns = can_fade ? fade_ns : 0;
    presenter->still = still;
    presenter->content = PRESENTER_CONTENT_STILL;
    presenter->is_dirty = true;
}

bool presenter_is_fading(const struct presenter *presenter, int64_t now_ns)
{
    return presenter->fade_from && presenter->content == PRESENTER_CONTENT_STILL &&
           now_ns < presenter->fade_start_ns + presenter->fade_ns;
}

int64_t presenter_next_deadline_ns(const struct presenter *presenter, int64_t now_ns)
{
    if (presenter->fade_from && presenter->content == PRESENTER_CONTENT_STILL)
        return now_ns >= presenter->fade_start_ns + presenter->fade_ns ? now_ns
                                                                       : now_ns + FADE_FRAME_NS;
    return INT64_MAX;
}

// --- Drawing on the canvas: every copy goes through draw(). ---

// value / 2 rounded towards minus infinity (C's / rounds towards zero).
static int half_down(int value)
{
    return value >= 0 ? value / 2 : -((1 - value) / 2);
}

// The box a copy to where (the texture's own orientation) covers once turned
// angle_degrees clockwise about where's centre. A quarter turn of a box
// whose width and height differ by an odd number would land half a pixel
// off: rounded down (the letterbox never asks for one).
static SDL_Rect turned_box(const SDL_Rect *where, int angle_degrees)
{
    if (!is_quarter_turn(angle_degrees))
        return *where;
    return (SDL_Rect){where->x + half_down(where->w - where->h),
                      where->y + half_down(where->h - where->w), where->h, where->w};
}

// Where box (canvas pixels) is on the output: the canvas is the output
// turned counter to the mounting. Mounted 90 clockwise, the canvas's top edge
// runs up the output's left edge; 270, down its right edge. Whole pixels in,
// whole pixels out.
static SDL_Rect output_box(const struct presenter *presenter, SDL_Rect box)
{
    int width, height; // the output, unturned
    get_physical_size(presenter, &width, &height);
    switch (presenter->rotation_degrees) {
    case 90:
        return (SDL_Rect){box.y, height - box.x - box.w, box.h, box.w};
    case 180:
        return (SDL_Rect){width - box.x - box.w, height - box.y - box.h, box.w, box.h};
    case 270:
        return (SDL_Rect){width - box.y - box.h, box.x, box.h, box.w};
    default:
        return box;
    }
}

// Copies texture to where (canvas pixels; the texture's own orientation),
// turned angle_degrees clockwise about where's centre, onto the output,
// turned back by the mounting's rotation on the way. One renderer copy each
// (SDL_RenderCopyEx turns it): no intermediate texture, no extra pass over
// the screen. A quarter turn pivots on a corner of the destination rather
// than its centre, so that every edge stays on a whole output pixel.
static void draw(struct presenter *presenter, SDL_Texture *texture, const SDL_Rect *where,
                 int angle_degrees)
{
    int angle = (angle_degrees - presenter->rotation_degrees + 360) % 360;
    SDL_Rect box = output_box(presenter, turned_box(where, angle_degrees));
    SDL_Point corner = {0, 0};
    if (angle == 90) { // about the top-left corner: it becomes the top-right
        SDL_Rect from = {box.x + box.w, box.y, box.h, box.w};
        SDL_RenderCopyEx(presenter->renderer, texture, NULL, &from, 90, &corner, SDL_FLIP_NONE);
    } else if (angle == 270) { // the top-left corner becomes the bottom-left
        SDL_Rect from = {box.x, box.y + box.h, box.h, box.w};
        SDL_RenderCopyEx(presenter->renderer, texture, NULL, &from, 270, &corner, SDL_FLIP_NONE);
    } else if (angle == 180) {
        SDL_RenderCopyEx(presenter->renderer, texture, NULL, &box, 180, NULL, SDL_FLIP_NONE);
    } else {
        SDL_RenderCopy(presenter->renderer, texture, NULL, &box);
    }
}

// The whole canvas as a rectangle.
static SDL_Rect canvas_rect(const struct presenter *presenter)
{
    SDL_Rect rect = {0, 0, 0, 0};
    presenter_get_output_size(presenter, &rect.w, &rect.h);
    return rect;
}

// Draws the still, blended over the one it fades from while a fade runs.
// Ends the fade (and draws the still alone) once its time is up.
static void draw_still(struct presenter *presenter, int64_t now_ns)
{
    SDL_Texture *texture = presenter->still->texture;
    SDL_Rect canvas = canvas_rect(presenter);
    if (!presenter_is_fading(presenter, now_ns)) {
        presenter->fade_from = NULL;
        SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(texture, 255);
        draw(presenter, texture, &canvas, 0);
        return;
    }
    int64_t elapsed_ns = now_ns - presenter->fade_start_ns;
    Uint8 alpha = (Uint8)(elapsed_ns * 255 / presenter->fade_ns);
    SDL_SetTextureBlendMode(presenter->fade_from->texture, SDL_BLENDMODE_NONE);
    draw(presenter, presenter->fade_from->texture, &canvas, 0);
    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(texture, alpha);
    draw(presenter, texture, &canvas, 0);
}

static Uint32 sdl_format_of(enum picture_format format)
{
    switch (format) {
    case PICTURE_FORMAT_NV12:
        return SDL_PIXELFORMAT_NV12;
    case PICTURE_FORMAT_RGBA32:
        return SDL_PIXELFORMAT_RGBA32;
    case PICTURE_FORMAT_YUV420P:
        break;
    }
    return SDL_PIXELFORMAT_IYUV;
}

static int ensure_video_texture(struct presenter *presenter, const struct picture *picture)
{
    if (presenter->video_texture && presenter->video_width_px == picture->width_px &&
        presenter->video_height_px == picture->height_px &&
        presenter->video_format == picture->format)
        return 0;
    if (presenter->video_texture)
        SDL_DestroyTexture(presenter->video_texture);
    presenter->video_texture =
        SDL_CreateTexture(presenter->renderer, sdl_format_of(picture->format),
                          SDL_TEXTUREACCESS_STREAMING, picture->width_px, picture->height_px);
    if (!presenter->video_texture) {
        // The old picture is gone with its texture; the screen keeps its
        // last present until something else is shown.
        if (presenter->content == PRESENTER_CONTENT_VIDEO)
            presenter->content = PRESENTER_CONTENT_NONE;
        return -1;
    }
    presenter->video_width_px = picture->width_px;
    presenter->video_height_px = picture->height_px;
    presenter->video_format = picture->format;
    return 0;
}

// What presenter_show_picture() cannot show, as an SDL error; 0 when fine.
static int check_picture(const struct presenter *presenter, const struct picture *picture)
{
    int max_width, max_height;
    presenter_get_max_picture_size(presenter, &max_width, &max_height);
    if (picture->width_px <= 0 || picture->height_px <= 0)
        return SDL_SetError("picture %dx%d has no pixels", picture->width_px, picture->height_px);
    if (picture->width_px > max_width || picture->height_px > max_height)
        return SDL_SetError("picture %dx%d is larger than this renderer's largest texture %dx%d",
                            picture->width_px, picture->height_px, max_width, max_height);
    switch (picture->rotation_degrees) {
    case 0:
    case 90:
    case 180:
    case 270:
        return 0;
    default:
        return SDL_SetError("picture rotation %d degrees is not 0, 90, 180 or 270",
                            picture->rotation_degrees);
    }
}

static int upload_picture(struct presenter *presenter, const struct picture *picture)
{
    SDL_Texture *texture = presenter->video_texture;
    switch (picture->format) {
    case PICTURE_FORMAT_NV12:
        return SDL_UpdateNVTexture(texture, NULL, picture->planes[0], picture->pitches[0],
                                   picture->planes[1], picture->pitches[1]);
    case PICTURE_FORMAT_RGBA32:
        return SDL_UpdateTexture(texture, NULL, picture->planes[0], picture->pitches[0]);
    case PICTURE_FORMAT_YUV420P:
        break;
    }
    return SDL_UpdateYUVTexture(texture, NULL, picture->planes[0], picture->pitches[0],
                                picture->planes[1], picture->pitches[1], picture->planes[2],
                                picture->pitches[2]);
}

int presenter_show_picture(struct presenter *presenter, const struct picture *picture)
{
    if (check_picture(presenter, picture) != 0 || ensure_video_texture(presenter, picture) != 0)
        return -1;
    SDL_SetYUVConversionMode(picture->is_full_range ? SDL_YUV_CONVERSION_JPEG
                                                    : SDL_YUV_CONVERSION_AUTOMATIC);
    if (upload_picture(presenter, picture) != 0)
        return -1;
    presenter->video_sar = picture->sar_num > 0 && picture->sar_den > 0
                               ? (double)picture->sar_num / picture->sar_den
                               : 1.0;
    presenter->video_rotation_degrees = picture->rotation_degrees;
    presenter->content = PRESENTER_CONTENT_VIDEO;
    presenter->is_dirty = true;
    return 0;
}

int presenter_set_banner(struct presenter *presenter, SDL_Surface *banner)
{
    if (presenter->banner_texture)
        SDL_DestroyTexture(presenter->banner_texture);
    presenter->banner_texture = NULL;
    presenter->is_dirty = true;
    if (!banner)
        return 0;
    if (banner->w <= 0 || banner->h <= 0)
        return SDL_SetError("banner %dx%d has no pixels", banner->w, banner->h);
    presenter->banner_texture = SDL_CreateTextureFromSurface(presenter->renderer, banner);
    if (!presenter->banner_texture)
        return -1;
    SDL_SetTextureBlendMode(presenter->banner_texture, SDL_BLENDMODE_BLEND);
    presenter->banner_width_px = banner->w;
    presenter->banner_height_px = banner->h;
    return 0;
}

int presenter_set_overlay(struct presenter *presenter, SDL_Surface *overlay,
                          enum presenter_overlay_place place, int inset_x_px, int inset_y_px)
{
    if (presenter->overlay_texture)
        SDL_DestroyTexture(presenter->overlay_texture);
    presenter->overlay_texture = NULL;
    presenter->is_dirty = true;
    if (!overlay)
        return 0;
    if (overlay->w <= 0 || overlay->h <= 0)
        return SDL_SetError("overlay %dx%d has no pixels", overlay->w, overlay->h);
    presenter->overlay_texture = SDL_CreateTextureFromSurface(presenter->renderer, overlay);
    if (!presenter->overlay_texture)
        return -1;
    SDL_SetTextureBlendMode(presenter->overlay_texture, SDL_BLENDMODE_BLEND);
    presenter->overlay_width_px = overlay->w;
    presenter->overlay_height_px = overlay->h;
    presenter->overlay_place = place;
    presenter->overlay_inset_x_px = inset_x_px > 0 ? inset_x_px : 0;
    presenter->overlay_inset_y_px = inset_y_px > 0 ? inset_y_px : 0;
    return 0;
}

void presenter_invalidate(struct presenter *presenter)
{
    presenter->is_dirty = true;
}

// --- Geometry: pure maths on pixel sizes, no renderer state. ---

// Sizes here are never negative.
static int round_px(double value)
{
    return (int)(value + 0.5);
}

// The rectangle to hand SDL_RenderCopyEx() (the texture's own orientation;
// the renderer turns it about its centre) so that the picture turned by
// rotation_degrees, width_px * sar wide before the turn, is as large as fits
// out_width x out_height with its aspect kept, centred.
static SDL_Rect letterbox(int out_width, int out_height, int width_px, int height_px, double sar,
                          int rotation_degrees)
{
    bool is_sideways = rotation_degrees == 90 || rotation_degrees == 270;
    double shown_width = width_px * sar, shown_height = height_px;
    double aspect = is_sideways ? shown_height / shown_width : shown_width / shown_height;
    // width x height: the turned picture as the viewer sees it.
    int width = out_width, height = round_px(out_width / aspect);
    if (height > out_height)
        height = out_height, width = round_px(out_height * aspect);
    width = width > 0 ? width : 1;
    height = height > 0 ? height : 1;
    if (!is_sideways)
        return (SDL_Rect){(out_width - width) / 2, (out_height - height) / 2, width, height};
    // Turned a quarter about its centre, a height x width rectangle covers
    // width x height; an even difference keeps its edges on whole pixels.
    if ((width - height) % 2 != 0)
        width += width > 1 ? -1 : 1;
    return (SDL_Rect){(out_width - width) / 2 + (width - height) / 2,
                      (out_height - height) / 2 + (height - width) / 2, height, width};
}

// The banner along the bottom edge: at its own size when it is as wide as
// the output, else scaled with its aspect kept until it fits.
static SDL_Rect banner_place(int out_width, int out_height, int banner_width, int banner_height)
{
    int width = out_width, height = round_px((double)banner_height * out_width / banner_width);
    if (height > out_height)
        height = out_height, width = round_px((double)banner_width * out_height / banner_height);
    return (SDL_Rect){(out_width - width) / 2, out_height - height, width, height};
}

// The overlay in its corner of an out_width x out_height canvas, inside the
// insets and above the banner's top edge (banner_top: out_height when there
// is none); scaled down, aspect kept, when the room is smaller than it.
static SDL_Rect overlay_place(const struct presenter *presenter, int out_width, int out_height,
                              int banner_top)
{
    enum presenter_overlay_place place = presenter->overlay_place;
    if (place == PRESENTER_OVERLAY_FULL_SCREEN)
        return (SDL_Rect){0, 0, out_width, out_height};
    int inset_x = presenter->overlay_inset_x_px, inset_y = presenter->overlay_inset_y_px;
    bool is_bottom =
        place == PRESENTER_OVERLAY_BOTTOM_LEFT || place == PRESENTER_OVERLAY_BOTTOM_RIGHT;
    bool is_left = place == PRESENTER_OVERLAY_TOP_LEFT || place == PRESENTER_OVERLAY_BOTTOM_LEFT;
    int bottom = out_height - inset_y; // the lowest row + 1 the overlay may cover
    if (is_bottom && banner_top < out_height && banner_top - inset_y / 2 < bottom)
        bottom = banner_top - inset_y / 2;
    int room_width = out_width - 2 * inset_x,
        room_height = (is_bottom ? bottom : out_height - inset_y) - inset_y;
    int width = presenter->overlay_width_px, height = presenter->overlay_height_px;
    if (width > room_width || height > room_height) {
        double scale_x = (double)room_width / width, scale_y = (double)room_height / height;
        double scale = scale_x < scale_y ? scale_x : scale_y;
        width = round_px(width * (scale > 0 ? scale : 0));
        height = round_px(height * (scale > 0 ? scale : 0));
        width = width > 1 ? width : 1;
        height = height > 1 ? height : 1;
    }
    return (SDL_Rect){is_left ? inset_x : out_width - inset_x - width,
                      is_bottom ? bottom - height : inset_y, width, height};
}

// --- Composing the screen. ---

static void compose(struct presenter *presenter, int64_t now_ns)
{
    int out_width, out_height;
    presenter_get_output_size(presenter, &out_width, &out_height);
    SDL_SetRenderDrawColor(presenter->renderer, 0, 0, 0, 255);
    SDL_RenderClear(presenter->renderer);
    if (presenter->content == PRESENTER_CONTENT_STILL) {
        draw_still(presenter, now_ns);
    } else if (presenter->content == PRESENTER_CONTENT_VIDEO) {
        SDL_Rect where =
            letterbox(out_width, out_height, presenter->video_width_px, presenter->video_height_px,
                      presenter->video_sar, presenter->video_rotation_degrees);
        draw(presenter, presenter->video_texture, &where, presenter->video_rotation_degrees);
    }
    SDL_Rect banner = {0, out_height, out_width, 0};
    if (presenter->banner_texture)
        banner = banner_place(out_width, out_height, presenter->banner_width_px,
                              presenter->banner_height_px);
    if (presenter->overlay_texture) {
        SDL_Rect where = overlay_place(presenter, out_width, out_height, banner.y);
        draw(presenter, presenter->overlay_texture, &where, 0);
    }
    if (presenter->banner_texture)
        draw(presenter, presenter->banner_texture, &banner, 0);
}

bool presenter_present(struct presenter *presenter, int64_t now_ns)
{
    bool has_fade = presenter->fade_from && presenter->content == PRESENTER_CONTENT_STILL;
    if ((!presenter->is_dirty && !has_fade) || presenter->content == PRESENTER_CONTENT_NONE)
        return false;
    compose(presenter, now_ns);
    SDL_RenderPresent(presenter->renderer);
    presenter->is_dirty = false;
    return true;
}

SDL_Surface *presenter_capture(struct presenter *presenter, int64_t now_ns)
{
    int width, height;
    get_physical_size(presenter, &width, &height);
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surface)
        return NULL;
    compose(presenter, now_ns);
    // Read before presenting: after SDL_RenderPresent the back buffer is undefined.
    if (SDL_RenderReadPixels(presenter->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, surface->pixels,
                             surface->pitch) != 0) {
        SDL_FreeSurface(surface);
        return NULL;
    }
    SDL_RenderPresent(presenter->renderer);
    presenter->is_dirty = false;
    return surface;
}

const char *presenter_describe(const struct presenter *presenter)
{
    return presenter->description;
}

int presenter_event_fd(const struct presenter *presenter)
{
    return presenter->event_fd;
}
