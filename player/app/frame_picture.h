// frame_picture: hands a decoded AVFrame to the presenter. Formats the
// renderer takes as YUV/NV12 textures pass through without a copy; anything
// else (10-bit, 4:2:2, RGB...) is converted once per frame with libswscale.
#ifndef SIGNAGE_APP_FRAME_PICTURE_H
#define SIGNAGE_APP_FRAME_PICTURE_H

#include <SDL.h>

#include "render/presenter.h"

struct AVFrame;
struct frame_picture;

struct frame_picture *frame_picture_create(void);
void frame_picture_destroy(struct frame_picture *converter);

// How a clip's frames are to be shown.
struct frame_picture_target {
    int rotation_degrees;            // the clip's display matrix turn (clip_info)
    int max_width_px, max_height_px; // presenter_get_useful_picture_size()
};

// Fills picture from frame. A frame larger than the target's maximum is
// scaled down (aspect kept) into converter's buffer. The planes borrow from
// frame or from converter: valid until the next call or until frame is
// released. Returns 0 or -1 when the format cannot be converted.
int frame_picture_map(struct frame_picture *converter, const struct AVFrame *frame,
                      const struct frame_picture_target *target, struct picture *picture);

// A new RGBA surface of a still image frame (caller frees), or NULL.
SDL_Surface *frame_picture_to_surface(const struct AVFrame *frame);

#endif
