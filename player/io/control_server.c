// control_server: non-blocking accept/read/write over a UNIX stream socket,
// peer-credential checks and per-client limits. Line parsing and reply JSON
// are control_request's; what a request does is the handler's.
#include "io/control_server.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/monotime.h"
#include "base/xalloc.h"

#define SOCKET_MODE              0660 // owner and group signage: root bypasses it anyway
#define SOCKET_GROUP             "signage"
#define SOCKET_USER              "signage"
#define READ_BUDGET_BYTES        (64 * 1024)   // per client per dispatch: a chatty client waits
#define ACCEPTS_PER_DISPATCH_MAX 32            // a connection flood cannot hold up a frame
#define ACCEPT_PAUSE_NS          NS_PER_S      // out of fds: retrying sooner would only spin
#define NAME_LOOKUP_MAX_BYTES    (1024 * 1024) // getpwnam_r buffer: huge groups exist, not this huge
#define PARSE_ERROR_MAX_BYTES    512

struct control_client {
    int fd;
    pid_t pid;                             // of the peer, from SO_PEERCRED, for log messages
    char input[CONTROL_REQUEST_MAX_BYTES]; // a partial request: never a whole line between calls
    size_t input_length;
    char *output; // replies; bytes [output_sent, output_length) are not sent yet
    size_t output_sent, output_length, output_capacity;
    int64_t progress_ns;     // last time bytes moved either way
    bool is_closing;         // reads no more requests; closed once its replies are out
    const char *drop_reason; // static text: set when the client must go now
};

struct control_server {
    int listen_fd;
    char *path; // set once bound: the file close() removes
    uid_t allowed_uids[3];
    size_t n_allowed_uids;
    bool has_allowed_gid;
    gid_t allowed_gid;              // group signage: the socket file's group may use it too
    int64_t accept_paused_until_ns; // 0 when accepting
    struct control_client *clients[CONTROL_CLIENTS_MAX];
    size_t n_clients;
    // Scratch for the request being answered; too large for a small stack.
    struct control_request request;
    struct control_reply reply;
};

static void set_error(char *error, size_t error_size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t error_size, const char *format, ...)
{
    if (error_size == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, error_size, format, args);
    va_end(args);
}

// Looks up user (is_group false) or group name. Returns true and sets *id when
// it exists; false when it does not or cannot be looked up.
static bool lookup_id(const char *name, bool is_group, unsigned *id)
{
    size_t size = 16 * 1024;
    for (;;) {
        char *buffer = xcalloc(size, 1);
        int result;
        bool is_found = false;
        if (is_group) {
            struct group entry, *found = NULL;
            result = getgrnam_r(name, &entry, buffer, size, &found);
            if (result == 0 && found) {
                *id = found->gr_gid;
                is_found = true;
            }
        } else {
            struct passwd entry, *found = NULL;
            result = getpwnam_r(name, &entry, buffer, size, &found);
            if (result == 0 && found) {
                *id = found->pw_uid;
                is_found = true;
            }
        }
        free(buffer);
        if (result != ERANGE || size >= NAME_LOOKUP_MAX_BYTES)
            return is_found;
        size *= 2;
    }
}

// A socket file left by a player that died is removed; a live one, or a file
// of another kind, is an error.
static int remove_stale_socket(const struct sockaddr_un *address, char *error, size_t error_size)
{
    const char *path = address->sun_path;
    struct stat info;
    if (lstat(path, &info) != 0) {
        if (errno == ENOENT)
            return 0;
        int code = errno;
        set_error(error, error_size, "cannot inspect %s: %s", path, strerror(code));
        return -code;
    }
    if (!S_ISSOCK(info.st_mode)) {
        set_error(error, error_size, "%s exists and is not a socket; not replacing it", path);
        return -EEXIST;
    }
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        bool is_live = connect(probe, (const struct sockaddr *)address, sizeof *address) == 0 ||
                       errno == EAGAIN; // a full backlog: someone is listening
        close(probe);
        if (is_live) {
            set_error(error, error_size, "another process is listening on %s", path);
            return -EADDRINUSE;
        }
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        int code = errno;
        set_error(error, error_size, "cannot remove the stale socket %s: %s", path, strerror(code));
        return -code;
    }
    return 0;
}

static int set_mode_and_group(const char *path, char *error, size_t error_size)
{
    if (chmod(path, SOCKET_MODE) != 0) {
        int code = errno;
        set_error(error, error_size, "cannot set the mode of %s: %s", path, strerror(code));
        return -code;
    }
    unsigned gid;
    if (lookup_id(SOCKET_GROUP, true, &gid) && chown(path, (uid_t)-1, (gid_t)gid) != 0 &&
        errno != EPERM) {
        int code = errno;
        set_error(error, error_size, "cannot give %s to group %s: %s", path, SOCKET_GROUP,
                  strerror(code));
        return -code;
    }
    return 0;
}

static void allow_uid(struct control_server *server, uid_t uid)
{
    for (size_t i = 0; i < server->n_allowed_uids; i++) {
        if (server->allowed_uids[i] == uid)
            return;
    }
    server->allowed_uids[server->n_allowed_uids++] = uid;
}

struct control_server *control_server_open(const char *path, char *error, size_t error_size)
{
    struct control_server *server = xcalloc(1, sizeof *server);
    server->listen_fd = -1;
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    size_t path_length = strlen(path);
    if (path_length == 0 || path_length >= sizeof address.sun_path) {
        set_error(error, error_size, "socket path '%s' is empty or longer than %zu bytes", path,
                  sizeof address.sun_path - 1);
        goto fail;
    }
    memcpy(address.sun_path, path, path_length + 1);
    server->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (server->listen_fd < 0) {
        set_error(error, error_size, "cannot create a socket: %s", strerror(errno));
        goto fail;
    }
    if (remove_stale_socket(&address, error, error_size) != 0)
        goto fail;
    if (bind(server->listen_fd, (const struct sockaddr *)&address, sizeof address) != 0) {
        set_error(error, error_size, "cannot bind %s: %s", path, strerror(errno));
        goto fail;
    }
    server->path = xstrdup(path);
    if (set_mode_and_group(path, error, error_size) != 0)
        goto fail;
    if (listen(server->listen_fd, SOMAXCONN) != 0) {
        set_error(error, error_size, "cannot listen on %s: %s", path, strerror(errno));
        goto fail;
    }
    allow_uid(server, 0);
    allow_uid(server, geteuid());
    unsigned uid, group;
    if (lookup_id(SOCKET_USER, false, &uid))
        allow_uid(server, (uid_t)uid);
    if (lookup_id(SOCKET_GROUP, true, &group)) {
        server->has_allowed_gid = true;
        server->allowed_gid = (gid_t)group;
    }
    return server;
fail:
    control_server_close(server);
    return NULL;
}

static void client_destroy(struct control_client *client)
{
    close(client->fd);
    free(client->output);
    free(client);
}

void control_server_close(struct control_server *server)
{
    if (!server)
        return;
    for (size_t i = 0; i < server->n_clients; i++)
        client_destroy(server->clients[i]);
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    if (server->path)
        unlink(server->path);
    free(server->path);
    free(server);
}

static size_t client_pending_bytes(const struct control_client *client)
{
    return client->output_length - client->output_sent;
}

size_t control_server_poll_fds(const struct control_server *server, struct pollfd *fds,
                               size_t max_fds)
{
    size_t n = 0;
    if (!server)
        return 0;
    if (n < max_fds && server->accept_paused_until_ns == 0)
        fds[n++] = (struct pollfd){.fd = server->listen_fd, .events = POLLIN};
    for (size_t i = 0; i < server->n_clients && n < max_fds; i++) {
        const struct control_client *client = server->clients[i];
        short events = client->is_closing ? 0 : POLLIN;
        if (client_pending_bytes(client) > 0)
            events = (short)(events | POLLOUT);
        fds[n++] = (struct pollfd){.fd = client->fd, .events = events};
    }
    return n;
}

int64_t control_server_next_deadline_ns(const struct control_server *server)
{
    int64_t deadline_ns = INT64_MAX;
    if (!server)
        return deadline_ns;
    if (server->accept_paused_until_ns != 0)
        deadline_ns = server->accept_paused_until_ns;
    for (size_t i = 0; i < server->n_clients; i++) {
        const struct control_client *client = server->clients[i];
        bool is_waiting =
            client->is_closing || client->input_length > 0 || client_pending_bytes(client) > 0;
        int64_t client_deadline_ns = client->progress_ns + CONTROL_CLIENT_IDLE_MAX_NS;
        if (is_waiting && client_deadline_ns < deadline_ns)
            deadline_ns = client_deadline_ns;
    }
    return deadline_ns;
}

// Sends what the socket takes now. Returns false when the peer is gone.
static bool client_flush(struct control_client *client, int64_t now_ns)
{
    while (client_pending_bytes(client) > 0) {
        ssize_t n = send(client->fd, client->output + client->output_sent,
                         client_pending_bytes(client), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            client->output_sent += (size_t)n;
            client->progress_ns = now_ns;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        } else {
            return false;
        }
    }
    client->output_sent = client->output_length = 0;
    return true;
}

static void client_queue(struct control_client *client, const char *bytes, size_t n, int64_t now_ns)
{
    if (client->output_sent > 0) {
        memmove(client->output, client->output + client->output_sent, client_pending_bytes(client));
        client->output_length -= client->output_sent;
        client->output_sent = 0;
    }
    if (client->output_length + n > client->output_capacity) {
        size_t capacity = client->output_capacity ? client->output_capacity : 4096;
        while (capacity < client->output_length + n)
            capacity *= 2;
        client->output = xreallocarray(client->output, capacity, 1);
        client->output_capacity = capacity;
    }
    memcpy(client->output + client->output_length, bytes, n);
    client->output_length += n;
    if (client_pending_bytes(client) > CONTROL_CLIENT_PENDING_MAX_BYTES &&
        (!client_flush(client, now_ns) ||
         client_pending_bytes(client) > CONTROL_CLIENT_PENDING_MAX_BYTES))
        client->drop_reason = "it left 64 KiB of replies unread";
}

// Answers one request line (without its '\n'). A malformed line is answered
// with an error and ends the connection.
static void client_answer(struct control_server *server, struct control_client *client,
                          const char *line, size_t length, control_handler_fn handler,
                          void *context, int64_t now_ns)
{
    char error[PARSE_ERROR_MAX_BYTES];
    control_reply_init(&server->reply);
    if (control_request_parse(line, length, &server->request, error, sizeof error) != 0) {
        control_reply_set_error(&server->reply, "%s", error);
        client->is_closing = true;
    } else {
        log_debug("control: %s from pid %ld", control_verb_name(server->request.verb),
                  (long)client->pid);
        handler(context, &server->request, &server->reply);
    }
    size_t n;
    const char *json = control_reply_finish(&server->reply, &n);
    client_queue(client, json, n, now_ns);
}

// Answers every complete line in client->input and keeps the partial rest.
static void client_answer_lines(struct control_server *server, struct control_client *client,
                                control_handler_fn handler, void *context, int64_t now_ns)
{
    size_t start = 0;
    while (!client->is_closing && !client->drop_reason) {
        const char *newline = memchr(client->input + start, '\n', client->input_length - start);
        if (!newline)
            break;
        size_t length = (size_t)(newline - (client->input + start));
        client_answer(server, client, client->input + start, length, handler, context, now_ns);
        start += length + 1;
    }
    if (client->is_closing || client->drop_reason)
        start = client->input_length; // nothing after a malformed request is read
    memmove(client->input, client->input + start, client->input_length - start);
    client->input_length -= start;
}

static void client_fail(struct control_server *server, struct control_client *client,
                        const char *message, int64_t now_ns)
{
    control_reply_init(&server->reply);
    control_reply_set_error(&server->reply, "%s", message);
    size_t n;
    const char *json = control_reply_finish(&server->reply, &n);
    client_queue(client, json, n, now_ns);
    client->is_closing = true;
    client->input_length = 0;
}

// Reads what has arrived, up to READ_BUDGET_BYTES, answering complete lines.
// Returns false when the connection broke.
static bool client_read(struct control_server *server, struct control_client *client,
                        control_handler_fn handler, void *context, int64_t now_ns)
{
    size_t budget = READ_BUDGET_BYTES;
    while (budget > 0 && !client->is_closing && !client->drop_reason) {
        size_t room = sizeof client->input - client->input_length;
        ssize_t n = recv(client->fd, client->input + client->input_length,
                         room < budget ? room : budget, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK;
        if (n == 0) {
            // The peer sends no more but may still read: answer a last line
            // that lacks its '\n', then close once the replies are out.
            if (client->input_length > 0)
                client_answer(server, client, client->input, client->input_length, handler, context,
                              now_ns);
            client->input_length = 0;
            client->is_closing = true;
            return true;
        }
        client->progress_ns = now_ns;
        client->input_length += (size_t)n;
        budget -= (size_t)n;
        client_answer_lines(server, client, handler, context, now_ns);
        if (client->input_length == sizeof client->input)
            client_fail(server, client, "request too long", now_ns);
    }
    return true;
}

// Everything one client needs this dispatch. Returns false when it must be
// closed.
static bool client_service(struct control_server *server, struct control_client *client,
                           short revents, control_handler_fn handler, void *context, int64_t now_ns)
{
    if (revents & POLLNVAL)
        return false;
    if (!client_flush(client, now_ns))
        return false;
    if (!client->is_closing && (revents & (POLLIN | POLLHUP | POLLERR))) {
        if (!client_read(server, client, handler, context, now_ns) || !client_flush(client, now_ns))
            return false;
    }
    if (client->drop_reason) {
        log_warning("control: dropped the client pid %ld: %s", (long)client->pid,
                    client->drop_reason);
        return false;
    }
    if (client->is_closing && client_pending_bytes(client) == 0)
        return false;
    bool is_waiting =
        client->is_closing || client->input_length > 0 || client_pending_bytes(client) > 0;
    if (is_waiting && now_ns - client->progress_ns >= CONTROL_CLIENT_IDLE_MAX_NS) {
        log_warning("control: dropped the client pid %ld: no progress for %lld s",
                    (long)client->pid, (long long)(CONTROL_CLIENT_IDLE_MAX_NS / NS_PER_S));
        return false;
    }
    return true;
}

// Best effort: a refused peer gets one error line, then the connection closes.
static void refuse(struct control_server *server, int fd, const char *message)
{
    control_reply_init(&server->reply);
    control_reply_set_error(&server->reply, "%s", message);
    size_t n;
    const char *json = control_reply_finish(&server->reply, &n);
    (void)!send(fd, json, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

static bool is_allowed_peer(const struct control_server *server, const struct ucred *peer)
{
    for (size_t i = 0; i < server->n_allowed_uids; i++) {
        if (server->allowed_uids[i] == peer->uid)
            return true;
    }
    return server->has_allowed_gid && peer->gid == server->allowed_gid;
}

static void accept_one(struct control_server *server, int fd, int64_t now_ns)
{
    struct ucred peer;
    socklen_t peer_size = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_size) != 0) {
        log_warning("control: refused a connection: no peer credentials: %s", strerror(errno));
        refuse(server, fd, "permission denied");
        return;
    }
    if (!is_allowed_peer(server, &peer)) {
        log_warning("control: refused a connection from uid %ld (pid %ld)", (long)peer.uid,
                    (long)peer.pid);
        refuse(server, fd, "permission denied");
        return;
    }
    if (server->n_clients == CONTROL_CLIENTS_MAX) {
        log_warning("control: refused a connection from pid %ld: %d clients already",
                    (long)peer.pid, CONTROL_CLIENTS_MAX);
        refuse(server, fd, "too many control clients; try again later");
        return;
    }
    struct control_client *client = xcalloc(1, sizeof *client);
    client->fd = fd;
    client->pid = peer.pid;
    client->progress_ns = now_ns;
    server->clients[server->n_clients++] = client;
}

static void accept_clients(struct control_server *server, int64_t now_ns)
{
    for (int i = 0; i < ACCEPTS_PER_DISPATCH_MAX; i++) {
        int fd = accept4(server->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            accept_one(server, fd, now_ns);
        } else if (errno == EINTR || errno == ECONNABORTED) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            log_warning("control: cannot accept a connection: %s; pausing for 1 s",
                        strerror(errno));
            server->accept_paused_until_ns = now_ns + ACCEPT_PAUSE_NS;
            return;
        }
    }
}

static short revents_of(const struct pollfd *fds, size_t n_fds, int fd)
{
    for (size_t i = 0; i < n_fds; i++) {
        if (fds[i].fd == fd)
            return fds[i].revents;
    }
    return 0;
}

void control_server_dispatch(struct control_server *server, const struct pollfd *fds, size_t n_fds,
                             control_handler_fn handler, void *context)
{
    if (!server)
        return;
    int64_t now_ns = monotime_now_ns();
    // Clients first: a client closed here frees an fd number that accept may
    // reuse, and revents for that number belong to the old connection.
    for (size_t i = 0; i < server->n_clients;) {
        struct control_client *client = server->clients[i];
        if (client_service(server, client, revents_of(fds, n_fds, client->fd), handler, context,
                           now_ns)) {
            i++;
        } else {
            client_destroy(client);
            server->clients[i] = server->clients[--server->n_clients];
        }
    }
    if (server->accept_paused_until_ns != 0 && now_ns >= server->accept_paused_until_ns)
        server->accept_paused_until_ns = 0;
    else if (revents_of(fds, n_fds, server->listen_fd) & POLLIN)
        accept_clients(server, now_ns);
}
