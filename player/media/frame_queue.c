// frame_queue: a ring of AVFrame slots under one mutex; only a full queue
// makes anyone wait (the producer, on not_full).
#include "media/frame_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <libavutil/frame.h>

#include "base/xalloc.h"

struct frame_queue_slot {
    AVFrame *frame; // allocated once; holds references only while queued
    uint32_t serial;
    int64_t pts_ns;
};

struct frame_queue {
    size_t capacity;
    struct frame_queue_slot *slots;

    pthread_mutex_t lock;
    pthread_cond_t not_full; // signalled by pop, flush and abort

    // Protected by lock
    size_t head; // index of the oldest frame
    size_t n_queued;
    bool is_aborted;
};

struct frame_queue *frame_queue_create(size_t capacity)
{
    struct frame_queue *queue = xcalloc(1, sizeof *queue);
    queue->capacity = capacity ? capacity : 1;
    queue->slots = xcalloc(queue->capacity, sizeof *queue->slots);
    for (size_t i = 0; i < queue->capacity; i++) {
        queue->slots[i].frame = av_frame_alloc();
        if (!queue->slots[i].frame)
            abort(); // same policy as xalloc: OOM is unrecoverable here
    }
    pthread_mutex_init(&queue->lock, NULL);
    pthread_cond_init(&queue->not_full, NULL);
    return queue;
}

void frame_queue_destroy(struct frame_queue *queue)
{
    if (!queue)
        return;
    for (size_t i = 0; i < queue->capacity; i++)
        av_frame_free(&queue->slots[i].frame);
    free(queue->slots);
    pthread_cond_destroy(&queue->not_full);
    pthread_mutex_destroy(&queue->lock);
    free(queue);
}

int frame_queue_push(struct frame_queue *queue, AVFrame *frame, uint32_t serial, int64_t pts_ns)
{
    pthread_mutex_lock(&queue->lock);
    while (queue->n_queued == queue->capacity && !queue->is_aborted)
        pthread_cond_wait(&queue->not_full, &queue->lock);
    if (queue->is_aborted) {
        pthread_mutex_unlock(&queue->lock);
        return -ECANCELED;
    }
    struct frame_queue_slot *slot =
        &queue->slots[(queue->head + queue->n_queued) % queue->capacity];
    av_frame_move_ref(slot->frame, frame);
    slot->serial = serial;
    slot->pts_ns = pts_ns;
    bool was_empty = queue->n_queued == 0;
    queue->n_queued++;
    pthread_mutex_unlock(&queue->lock);
    return was_empty ? 1 : 0;
}

bool frame_queue_peek(struct frame_queue *queue, uint32_t *serial, int64_t *pts_ns)
{
    pthread_mutex_lock(&queue->lock);
    bool has_frame = queue->n_queued > 0;
    if (has_frame) {
        const struct frame_queue_slot *slot = &queue->slots[queue->head];
        if (serial)
            *serial = slot->serial;
        if (pts_ns)
            *pts_ns = slot->pts_ns;
    }
    pthread_mutex_unlock(&queue->lock);
    return has_frame;
}

bool frame_queue_pop(struct frame_queue *queue, AVFrame *dst, uint32_t *serial, int64_t *pts_ns)
{
    pthread_mutex_lock(&queue->lock);
    bool has_frame = queue->n_queued > 0;
    if (has_frame) {
        struct frame_queue_slot *slot = &queue->slots[queue->head];
        av_frame_move_ref(dst, slot->frame);
        if (serial)
            *serial = slot->serial;
        if (pts_ns)
            *pts_ns = slot->pts_ns;
        queue->head = (queue->head + 1) % queue->capacity;
        queue->n_queued--;
        pthread_cond_signal(&queue->not_full);
    }
    pthread_mutex_unlock(&queue->lock);
    return has_frame;
}

size_t frame_queue_count(struct frame_queue *queue)
{
    pthread_mutex_lock(&queue->lock);
    size_t n_queued = queue->n_queued;
    pthread_mutex_unlock(&queue->lock);
    return n_queued;
}

void frame_queue_abort(struct frame_queue *queue)
{
    pthread_mutex_lock(&queue->lock);
    queue->is_aborted = true;
    pthread_cond_broadcast(&queue->not_full);
    pthread_mutex_unlock(&queue->lock);
}

void frame_queue_flush(struct frame_queue *queue)
{
    pthread_mutex_lock(&queue->lock);
    for (; queue->n_queued > 0; queue->n_queued--) {
        av_frame_unref(queue->slots[queue->head].frame);
        queue->head = (queue->head + 1) % queue->capacity;
    }
    pthread_cond_broadcast(&queue->not_full);
    pthread_mutex_unlock(&queue->lock);
}
