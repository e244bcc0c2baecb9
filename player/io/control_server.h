// control_server: the control socket, a UNIX stream socket that takes one
// request per line (control_request.h) from local admins and answers each with
// one JSON line. Never blocks: the caller's own poll() says when to dispatch.
// Knows nothing of what the verbs do; a handler callback answers them.
#ifndef SIGNAGE_IO_CONTROL_SERVER_H
#define SIGNAGE_IO_CONTROL_SERVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "io/control_request.h"

#define CONTROL_CLIENTS_MAX              16 // admins and scripts, not an audience
#define CONTROL_SERVER_POLL_FDS_MAX      (CONTROL_CLIENTS_MAX + 1) // clients + listening socket
#define CONTROL_CLIENT_PENDING_MAX_BYTES (64 * 1024) // unsent replies before a client is dropped
#define CONTROL_CLIENT_IDLE_MAX_NS       (INT64_C(30) * 1000000000) // stuck mid-request or unread

struct control_server;

// Called once per well-formed request, on the thread that calls
// control_server_dispatch. Fills reply (initialised to {"ok":true}) with
// control_reply_set_error or control_reply_add_*; request and reply are
// borrowed for the call only. Must not call control_server_* functions.
typedef void (*control_handler_fn)(void *context, const struct control_request *request,
                                   struct control_reply *reply);

// Creates the listening socket at path (at most 107 bytes): a leftover socket
// file there is replaced unless a live server still answers on it; any other
// kind of file is left alone and is an error. The socket file gets mode 0660
// and, when a group "signage" exists, that group (not being allowed to change
// it, EPERM, is fine). Peers are accepted only with uid 0, the uid of user
// "signage" (when it exists), this process's effective uid, or group
// "signage" as their primary group (signage-admin, the account SSH pushes
// use: the socket file's group may connect, so it may also be answered).
// All fds are
// non-blocking and close-on-exec. Returns the server (owned; free it with
// control_server_close), or NULL with a reason in error (error_size bytes,
// NUL-terminated). Not thread-safe: one thread at a time uses a server.
struct control_server *control_server_open(const char *path, char *error, size_t error_size);

// Closes every client (unsent replies are dropped), the listening socket, and
// removes the socket file. NULL is a no-op.
void control_server_close(struct control_server *server);

// The three functions below accept a NULL server (no control socket) and then
// do nothing: poll_fds returns 0, next_deadline_ns INT64_MAX.

// Writes up to max_fds entries to fds: the listening socket (POLLIN) and each
// client (POLLIN while it may send requests, POLLOUT while replies wait to be
// sent); revents are zeroed. CONTROL_SERVER_POLL_FDS_MAX entries always
// suffice. Returns the number written. The entries stay valid until the next
// control_server_dispatch or control_server_close.
size_t control_server_poll_fds(const struct control_server *server, struct pollfd *fds,
                               size_t max_fds);

// Does all the work that is ready, without blocking: sends pending replies,
// reads requests from clients whose fds entry reports input, answers each
// complete line through handler (or with an error reply for a malformed one,
// after which that client is closed), accepts new clients (refusing, with an
// error reply, peers with another uid and connections beyond
// CONTROL_CLIENTS_MAX), and drops clients that have over
// CONTROL_CLIENT_PENDING_MAX_BYTES of unsent replies or made no progress for
// CONTROL_CLIENT_IDLE_MAX_NS with a partial request or unsent replies.
// fds/n_fds are the entries control_server_poll_fds wrote, with revents
// filled in by poll(); entries for other fds are ignored, so the caller may
// pass its whole poll array. Call it after every poll() that may have woken
// for these fds and when control_server_next_deadline_ns has passed.
void control_server_dispatch(struct control_server *server, const struct pollfd *fds, size_t n_fds,
                             control_handler_fn handler, void *context);

// The monotonic time (ns, monotime.h) by which control_server_dispatch must
// run again even if no fd is ready (a stuck client's timeout, or a paused
// accept after running out of fds), or INT64_MAX when there is none.
int64_t control_server_next_deadline_ns(const struct control_server *server);

#endif
