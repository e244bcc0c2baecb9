// frame_queue: bounded FIFO of decoded frames between one decoder thread
// (producer) and the main thread (consumer). Knows nothing of timing: it
// stores each frame's pts and serial but never compares them with a clock.
//
// The producer blocks while the queue is full, so memory stays flat; the
// consumer never blocks (the main thread waits on deadlines, not on queues).
#ifndef SIGNAGE_MEDIA_FRAME_QUEUE_H
#define SIGNAGE_MEDIA_FRAME_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct AVFrame;
struct frame_queue;

// Any thread. A queue holding at most capacity (>= 1) frames. Caller destroys.
struct frame_queue *frame_queue_create(size_t capacity);

// Any thread, once no other thread uses the queue. Frees the frames it still
// holds. NULL is a no-op.
void frame_queue_destroy(struct frame_queue *queue);

// Producer only. Waits for a free slot, then moves frame's references into
// the queue (frame is left blank). Returns 0, 1 when the queue was empty
// before this push (a consumer waiting for a frame must be woken), or
// -ECANCELED once aborted (frame is then left untouched).
int frame_queue_push(struct frame_queue *queue, struct AVFrame *frame, uint32_t serial,
                     int64_t pts_ns);

// Consumer only, never blocks. True when a frame is queued; its serial and
// pts (ns) are written to the non-NULL pointers. The frame stays queued.
bool frame_queue_peek(struct frame_queue *queue, uint32_t *serial, int64_t *pts_ns);

// Consumer only, never blocks. Moves the oldest frame's references into dst
// (which must be blank) and frees its slot, waking a waiting producer.
// Returns false, dst untouched, when the queue is empty.
bool frame_queue_pop(struct frame_queue *queue, struct AVFrame *dst, uint32_t *serial,
                     int64_t *pts_ns);

// Any thread. Number of frames queued now (a snapshot).
size_t frame_queue_count(struct frame_queue *queue);

// Any thread. Makes every current and future push return -ECANCELED, so a
// producer blocked on a full queue can be joined. Frames stay queued.
void frame_queue_abort(struct frame_queue *queue);

// Any thread. Frees every queued frame (the producer may then push again).
void frame_queue_flush(struct frame_queue *queue);

#endif
