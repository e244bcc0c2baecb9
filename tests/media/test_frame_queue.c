// Unit tests for frame_queue: FIFO order, the empty-to-non-empty signal,
// the bound (a producer waits when full), abort and flush.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>
#include <libavutil/frame.h>

#include "media/frame_queue.h"

// A frame that owns a buffer, so leaks and double frees show under ASan.
static AVFrame *make_frame(int width_px)
{
    AVFrame *frame = av_frame_alloc();
    assert_non_null(frame);
    frame->format = AV_PIX_FMT_GRAY8;
    frame->width = width_px;
    frame->height = 2;
    assert_int_equal(av_frame_get_buffer(frame, 0), 0);
    return frame;
}

static void test_fifo_order_and_wakeup_signal(void **state)
{
    (void)state;
    struct frame_queue *queue = frame_queue_create(3);
    AVFrame *frame = make_frame(8);
    assert_int_equal(frame_queue_push(queue, frame, 7, 100), 1); // was empty
    assert_null(frame->buf[0]);                                  // references moved
    av_frame_free(&frame);
    frame = make_frame(16);
    assert_int_equal(frame_queue_push(queue, frame, 7, 200), 0);
    av_frame_free(&frame);
    assert_int_equal(frame_queue_count(queue), 2);

    uint32_t serial = 0;
    int64_t pts_ns = 0;
    assert_true(frame_queue_peek(queue, &serial, &pts_ns));
    assert_int_equal(serial, 7);
    assert_int_equal(pts_ns, 100);
    AVFrame *out = av_frame_alloc();
    assert_true(frame_queue_pop(queue, out, &serial, &pts_ns));
    assert_int_equal(out->width, 8);
    assert_int_equal(pts_ns, 100);
    av_frame_unref(out);
    assert_true(frame_queue_pop(queue, out, NULL, &pts_ns));
    assert_int_equal(out->width, 16);
    assert_int_equal(pts_ns, 200);
    av_frame_unref(out);
    assert_false(frame_queue_pop(queue, out, NULL, NULL));
    assert_false(frame_queue_peek(queue, NULL, NULL));
    av_frame_free(&out);
    frame_queue_destroy(queue);
}

struct producer {
    struct frame_queue *queue;
    int n_pushed;
    int last_result;
};

static void *produce(void *argument)
{
    struct producer *producer = argument;
    for (;;) {
        AVFrame *frame = make_frame(4);
        producer->last_result = frame_queue_push(producer->queue, frame, 1, producer->n_pushed);
        av_frame_free(&frame);
        if (producer->last_result < 0)
            return NULL;
        producer->n_pushed++;
    }
}

static void sleep_ms(long ms)
{
    struct timespec duration = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
    nanosleep(&duration, NULL);
}

// The producer stops at the capacity, resumes when a slot frees, and a
// blocked push returns -ECANCELED on abort; destroy frees what is queued.
static void test_bounded_and_abortable(void **state)
{
    (void)state;
    struct frame_queue *queue = frame_queue_create(2);
    struct producer producer = {.queue = queue};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, produce, &producer), 0);
    while (frame_queue_count(queue) < 2)
        sleep_ms(1);
    sleep_ms(20);
    assert_int_equal(frame_queue_count(queue), 2);
    AVFrame *out = av_frame_alloc();
    assert_true(frame_queue_pop(queue, out, NULL, NULL));
    av_frame_unref(out);
    while (frame_queue_count(queue) < 2)
        sleep_ms(1);
    frame_queue_abort(queue);
    pthread_join(thread, NULL);
    assert_int_equal(producer.last_result, -ECANCELED);
    assert_int_equal(producer.n_pushed, 3);
    av_frame_free(&out);
    frame_queue_destroy(queue);
}

static void test_flush_frees_frames(void **state)
{
    (void)state;
    struct frame_queue *queue = frame_queue_create(4);
    for (int i = 0; i < 3; i++) {
        AVFrame *frame = make_frame(4);
        assert_true(frame_queue_push(queue, frame, 1, i) >= 0);
        av_frame_free(&frame);
    }
    frame_queue_flush(queue);
    assert_int_equal(frame_queue_count(queue), 0);
    AVFrame *frame = make_frame(4);
    assert_int_equal(frame_queue_push(queue, frame, 2, 9), 1);
    av_frame_free(&frame);
    frame_queue_destroy(queue); // frees the queued frame
    frame_queue_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_order_and_wakeup_signal),
        cmocka_unit_test(test_bounded_and_abortable),
        cmocka_unit_test(test_flush_frees_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
