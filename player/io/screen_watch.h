// screen_watch: which screens are plugged in, and word from the kernel when
// that changes (HDMI hot-plug). It reads the DRM connectors' state from sysfs
// and listens for the kernel's "drm HOTPLUG=1" uevents on a netlink socket;
// it never opens the GPU itself (SDL's kmsdrm driver does) and decides
// nothing: the app compares two snapshots and chooses what to do.
#ifndef SIGNAGE_IO_SCREEN_WATCH_H
#define SIGNAGE_IO_SCREEN_WATCH_H

#include <stdbool.h>
#include <stddef.h>

// Where the kernel lists DRM connectors (card1-HDMI-A-1/status ...).
#define SCREEN_WATCH_SYSFS_DIR "/sys/class/drm"

struct screen_watch;

// Opens a close-on-exec, non-blocking netlink socket for the kernel's
// uevents. Returns the watcher (caller closes), or NULL with a reason in
// error (no netlink: a sandbox that forbids AF_NETLINK).
struct screen_watch *screen_watch_open(char *error, size_t error_size);

// Closes the socket. NULL is a no-op.
void screen_watch_close(struct screen_watch *watch);

// The socket, to poll for POLLIN; -1 for a NULL watch (poll() skips it).
int screen_watch_fd(const struct screen_watch *watch);

enum screen_watch_event {
    SCREEN_WATCH_EVENT_NONE,    // nothing was waiting
    SCREEN_WATCH_EVENT_OTHER,   // uevents of other devices (USB, network ...)
    SCREEN_WATCH_EVENT_HOTPLUG, // a DRM hot-plug: connectors may have changed
};

// Reads every uevent waiting, without blocking, and returns the most
// telling: HOTPLUG when any of them was one. Messages not sent by the
// kernel are ignored. NONE for a NULL watch.
enum screen_watch_event screen_watch_read(struct screen_watch *watch);

// True when message (size bytes, one uevent datagram: "ACTION@DEVPATH"
// followed by NUL-separated KEY=VALUE pairs) is the kernel's DRM hot-plug
// event (SUBSYSTEM=drm and HOTPLUG=1). Pure.
bool screen_watch_is_hotplug_message(const char *message, size_t size);

// The connectors under sysfs_dir (SCREEN_WATCH_SYSFS_DIR, or a copy of its
// layout) as text, one line per connector sorted by name: "card1-HDMI-A-1
// connected 1920x1080" (the first mode the screen lists is its preferred one)
// or "card1-HDMI-A-2 disconnected". Two snapshots are equal exactly when the
// same screens are plugged into the same ports asking for the same modes.
// Returns a new string (caller frees; "" when there are no connectors), or
// NULL when sysfs_dir cannot be read (no DRM driver at all).
char *screen_watch_snapshot(const char *sysfs_dir);

// How many connectors a snapshot lists, and how many of them have a screen.
void screen_watch_count(const char *snapshot, int *n_connectors, int *n_connected);

enum screen_watch_change {
    SCREEN_WATCH_CHANGE_SAME,      // the same screens in the same ports, asking the same modes
    SCREEN_WATCH_CHANGE_NONE_LEFT, // no screen is plugged in any more
    SCREEN_WATCH_CHANGE_OTHER,     // other screens, ports or modes than before
};

// What changed from snapshot before to snapshot now (both from
// screen_watch_snapshot()). Pure.
enum screen_watch_change screen_watch_compare(const char *before, const char *now);

#endif
