// screen_watch: DRM connector snapshots from sysfs and the kernel's hot-plug
// uevents. See screen_watch.h.
#include "io/screen_watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "base/xalloc.h"

#define UEVENT_GROUP_KERNEL 1u   // the kernel's own uevents; udev re-sends on group 2
#define UEVENT_BUFFER_BYTES 8192 // the kernel caps one uevent at 2 KiB of variables
#define CONNECTOR_LINE_MAX  160  // "card1-HDMI-A-1 connected 7680x4320i" and more
#define CONNECTORS_MAX      64   // a Pi has 2 to 5; a PC with docks perhaps 20

struct screen_watch {
    int fd;
};

struct screen_watch *screen_watch_open(char *error, size_t error_size)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    if (fd < 0) {
        snprintf(error, error_size, "cannot listen for screens being plugged in: %s",
                 strerror(errno));
        return NULL;
    }
    struct sockaddr_nl address = {.nl_family = AF_NETLINK, .nl_groups = UEVENT_GROUP_KERNEL};
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        snprintf(error, error_size, "cannot listen for screens being plugged in: %s",
                 strerror(errno));
        close(fd);
        return NULL;
    }
    struct screen_watch *watch = xcalloc(1, sizeof *watch);
    watch->fd = fd;
    return watch;
}

void screen_watch_close(struct screen_watch *watch)
{
    if (!watch)
        return;
    close(watch->fd);
    free(watch);
}

int screen_watch_fd(const struct screen_watch *watch)
{
    return watch ? watch->fd : -1;
}

bool screen_watch_is_hotplug_message(const char *message, size_t size)
{
    bool is_drm = false, is_hotplug = false;
    // The header "change@/devices/..." comes first; then KEY=VALUE strings.
    for (size_t at = strnlen(message, size) + 1; at < size;) {
        const char *pair = message + at;
        size_t length = strnlen(pair, size - at);
        if (length == strlen("SUBSYSTEM=drm") && memcmp(pair, "SUBSYSTEM=drm", length) == 0)
            is_drm = true;
        if (length == strlen("HOTPLUG=1") && memcmp(pair, "HOTPLUG=1", length) == 0)
            is_hotplug = true;
        at += length + 1;
    }
    return is_drm && is_hotplug;
}

enum screen_watch_event screen_watch_read(struct screen_watch *watch)
{
    if (!watch)
        return SCREEN_WATCH_EVENT_NONE;
    enum screen_watch_event seen = SCREEN_WATCH_EVENT_NONE;
    static char buffer[UEVENT_BUFFER_BYTES]; // main thread only; too big for the stack's taste
    for (;;) {
        struct sockaddr_nl sender;
        struct iovec part = {.iov_base = buffer, .iov_len = sizeof buffer};
        struct msghdr header = {
            .msg_name = &sender, .msg_namelen = sizeof sender, .msg_iov = &part, .msg_iovlen = 1};
        ssize_t size = recvmsg(watch->fd, &header, MSG_DONTWAIT);
        if (size < 0) {
            if (errno == EINTR)
                continue;
            // ENOBUFS: the kernel dropped events we were too slow for; one of
            // them may have been a hot-plug, so look at the screens again.
            if (errno == ENOBUFS)
                seen = SCREEN_WATCH_EVENT_HOTPLUG;
            return seen;
        }
        if (sender.nl_pid != 0 || (header.msg_flags & MSG_TRUNC))
            continue; // not from the kernel (anyone may send to the group), or mangled
        if (screen_watch_is_hotplug_message(buffer, (size_t)size))
            seen = SCREEN_WATCH_EVENT_HOTPLUG;
        else if (seen == SCREEN_WATCH_EVENT_NONE)
            seen = SCREEN_WATCH_EVENT_OTHER;
    }
}

// ---- Snapshots ----------------------------------------------------------------------

// DRM names connectors "card<N>-<type>-<index>" (card1-HDMI-A-1); the card
// itself is "card1" and render nodes "renderD128".
static bool is_connector_name(const char *name)
{
    return strncmp(name, "card", 4) == 0 && strchr(name, '-') != NULL;
}

// The first line of dir/name/file, without its newline, into line; "" when
// it cannot be read (a connector that went away while we looked).
static void read_first_line(const char *dir, const char *name, const char *file, char *line,
                            size_t line_size)
{
    line[0] = '\0';
    char *path = xasprintf("%s/%s/%s", dir, name, file);
    FILE *stream = fopen(path, "re");
    free(path);
    if (!stream)
        return;
    if (fgets(line, (int)line_size, stream))
        line[strcspn(line, "\n")] = '\0';
    fclose(stream);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *screen_watch_snapshot(const char *sysfs_dir)
{
    DIR *dir = opendir(sysfs_dir);
    if (!dir)
        return NULL;
    char *names[CONNECTORS_MAX] = {0};
    size_t n_names = 0;
    const struct dirent *entry;
    while ((entry = readdir(dir)) && n_names < CONNECTORS_MAX) {
        if (is_connector_name(entry->d_name))
            names[n_names++] = xstrdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, n_names, sizeof names[0], compare_names);
    size_t capacity = n_names * CONNECTOR_LINE_MAX + 1, used = 0;
    char *snapshot = xcalloc(capacity, 1);
    for (size_t i = 0; i < n_names; i++) {
        char status[32], mode[64] = "";
        read_first_line(sysfs_dir, names[i], "status", status, sizeof status);
        bool is_connected = strcmp(status, "connected") == 0;
        if (is_connected)
            read_first_line(sysfs_dir, names[i], "modes", mode, sizeof mode);
        int written =
            snprintf(snapshot + used, capacity - used, "%.60s %s%s%s\n", names[i],
                     is_connected ? "connected" : "disconnected", mode[0] ? " " : "", mode);
        if (written > 0 && (size_t)written < capacity - used)
            used += (size_t)written;
        free(names[i]);
    }
    return snapshot;
}

void screen_watch_count(const char *snapshot, int *n_connectors, int *n_connected)
{
    *n_connectors = *n_connected = 0;
    for (const char *line = snapshot; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        const char *space = memchr(line, ' ', length);
        (*n_connectors)++;
        if (space && strncmp(space + 1, "connected", strlen("connected")) == 0)
            (*n_connected)++;
        line = end ? end + 1 : line + length;
    }
}

enum screen_watch_change screen_watch_compare(const char *before, const char *now)
{
    if (strcmp(before, now) == 0)
        return SCREEN_WATCH_CHANGE_SAME;
    int n_connectors, n_connected;
    screen_watch_count(now, &n_connectors, &n_connected);
    return n_connected == 0 ? SCREEN_WATCH_CHANGE_NONE_LEFT : SCREEN_WATCH_CHANGE_OTHER;
}
