// file_watch: the inotify watches and their bookkeeping (a table of watched
// folders by wd, the names that matter in them, files being written) and the
// debounce. It decides when to say "changed", never what a change means.
#include "io/file_watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/xalloc.h"

// Everything that changes what a name points to or what a file holds. Not
// IN_OPEN, IN_ACCESS or IN_CLOSE_NOWRITE: the app reading the files it
// validates must not wake itself. One mask for every folder, because adding a
// watch on an already watched folder replaces its mask.
#define WATCH_MASK                                                                                 \
    (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |              \
     IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
#define EVENT_BUFFER_BYTES   (16 * 1024) // 60 events with the longest names per read()
#define READS_PER_HANDLE_MAX 16          // then the loop gets its turn; the fd stays readable
#define NAMES_MAX            4           // playlist and content root, each as named and as resolved
#define WARNING_MAX_BYTES    512

struct watched_dir {
    int wd;
    char *path;       // absolute and resolved; subfolders are path/name
    unsigned n_names; // entries of names[] in this folder
    bool is_content;  // in the content tree
    bool was_content; // content_rescan's scratch: in the tree before the rescan
};

// A name that matters in a watched folder.
struct watched_name {
    int wd; // -1 once the folder's watch is gone
    char *name;
};

// A relevant file written to (IN_MODIFY) and not closed since.
struct open_write {
    int wd;
    char *name;
};

struct file_watch {
    int fd;
    char *playlist_path, *content_root; // as given
    // Invariant: every entry has a role (n_names > 0 or is_content).
    struct watched_dir *dirs; // sorted by wd
    size_t n_dirs, dirs_capacity;
    size_t n_content_dirs;
    struct watched_name names[NAMES_MAX];
    size_t n_names;
    bool has_failed_name; // the last resync could not watch a folder holding a name
    // The folder the content tree was built on (has_root false: none).
    bool has_root;
    dev_t root_dev;
    ino_t root_ino;
    int root_wd; // -1 when not watched
    bool has_hit_dirs_max;
    struct open_write *writes;
    size_t n_writes, writes_capacity;
    // A change is pending since first_event_ns; last_event_ns is the latest.
    bool is_pending;
    int64_t first_event_ns, last_event_ns;
    // Set while reading events, acted on after the batch.
    bool needs_resync, needs_rescan;
    bool needs_retry;
    int64_t retry_at_ns;
    bool has_warning;
    char warning[WARNING_MAX_BYTES];
    _Alignas(struct inotify_event) char events[EVENT_BUFFER_BYTES];
};

static void set_error(char *error, size_t error_size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void set_warning(struct file_watch *watch, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void set_error(char *error, size_t error_size, const char *format, ...)
{
    if (error_size == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, error_size, format, args);
    va_end(args);
}

// Keeps the first warning until the caller takes it.
static void set_warning(struct file_watch *watch, const char *format, ...)
{
    if (watch->has_warning)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(watch->warning, sizeof watch->warning, format, args);
    va_end(args);
    watch->has_warning = true;
}

// Editor swap and backup files, rsync's partial files, .git and the like.
static bool is_ignored_name(const char *name)
{
    size_t length = strlen(name);
    return name[0] == '.' || (length > 0 && name[length - 1] == '~');
}

static void mark_change(struct file_watch *watch, int64_t now_ns)
{
    if (!watch->is_pending) {
        watch->is_pending = true;
        watch->first_event_ns = now_ns;
    }
    watch->last_event_ns = now_ns;
}

static size_t write_find(const struct file_watch *watch, int wd, const char *name)
{
    size_t i = 0;
    while (i < watch->n_writes &&
           (watch->writes[i].wd != wd || strcmp(watch->writes[i].name, name) != 0))
        i++;
    return i;
}

static void write_begin(struct file_watch *watch, int wd, const char *name)
{
    if (write_find(watch, wd, name) < watch->n_writes)
        return;
    if (watch->n_writes == watch->writes_capacity) {
        watch->writes_capacity = watch->writes_capacity ? 2 * watch->writes_capacity : 8;
        watch->writes =
            xreallocarray(watch->writes, watch->writes_capacity, sizeof watch->writes[0]);
    }
    watch->writes[watch->n_writes++] = (struct open_write){wd, xstrdup(name)};
}

static void write_remove_at(struct file_watch *watch, size_t i)
{
    free(watch->writes[i].name);
    watch->writes[i] = watch->writes[--watch->n_writes];
}

static void write_end(struct file_watch *watch, int wd, const char *name)
{
    size_t i = write_find(watch, wd, name);
    if (i < watch->n_writes)
        write_remove_at(watch, i);
}

// wd -1 drops every entry.
static void writes_drop(struct file_watch *watch, int wd)
{
    for (size_t i = watch->n_writes; i-- > 0;) {
        if (wd == -1 || watch->writes[i].wd == wd)
            write_remove_at(watch, i);
    }
}

// The index of the first entry with a wd not below wd.
static size_t dir_lower_bound(const struct file_watch *watch, int wd)
{
    size_t low = 0, high = watch->n_dirs;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (watch->dirs[middle].wd < wd)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

static bool dir_find(const struct file_watch *watch, int wd, size_t *index)
{
    *index = dir_lower_bound(watch, wd);
    return *index < watch->n_dirs && watch->dirs[*index].wd == wd;
}

// Watches the folder at path (the kernel hands back the same wd for a folder
// already watched) and sets *index to its entry, which starts without a role:
// the caller gives it one. Returns 0 or -errno.
static int dir_add(struct file_watch *watch, const char *path, size_t *index)
{
    int wd = inotify_add_watch(watch->fd, path, WATCH_MASK);
    if (wd < 0)
        return -errno;
    if (dir_find(watch, wd, index))
        return 0;
    if (watch->n_dirs == watch->dirs_capacity) {
        watch->dirs_capacity = watch->dirs_capacity ? 2 * watch->dirs_capacity : 16;
        watch->dirs = xreallocarray(watch->dirs, watch->dirs_capacity, sizeof watch->dirs[0]);
    }
    struct watched_dir *slot = &watch->dirs[*index];
    memmove(slot + 1, slot, (watch->n_dirs - *index) * sizeof *slot);
    *slot = (struct watched_dir){.wd = wd, .path = xstrdup(path)};
    watch->n_dirs++;
    return 0;
}

// Drops the entry at index from the table; is_watched says whether the
// kernel still has the watch (not after IN_IGNORED).
static void dir_remove(struct file_watch *watch, size_t index, bool is_watched)
{
    struct watched_dir *dir = &watch->dirs[index];
    if (is_watched)
        inotify_rm_watch(watch->fd, dir->wd);
    writes_drop(watch, dir->wd);
    for (size_t i = 0; i < watch->n_names; i++) {
        if (watch->names[i].wd == dir->wd)
            watch->names[i].wd = -1;
    }
    if (dir->wd == watch->root_wd)
        watch->root_wd = -1;
    if (dir->is_content)
        watch->n_content_dirs--;
    free(dir->path);
    memmove(dir, dir + 1, (watch->n_dirs - index - 1) * sizeof *dir);
    watch->n_dirs--;
}

// Splits path into its folder and last component without resolving that
// component (a symlink or a missing file). Trailing slashes are dropped.
// Returns false when there is no usable last component ("/", ".", "..").
static bool split_path(const char *path, char **folder, char **name)
{
    size_t length = strlen(path);
    while (length > 1 && path[length - 1] == '/')
        length--;
    size_t start = length;
    while (start > 0 && path[start - 1] != '/')
        start--;
    char *last = xstrndup(path + start, length - start);
    if (last[0] == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
        free(last);
        return false;
    }
    *name = last;
    *folder = start == 0 ? xstrdup(".") : start == 1 ? xstrdup("/") : xstrndup(path, start - 1);
    return true;
}

// The resolved folder holding path's last component, and that component.
// Both are the caller's on success. Returns 0 or -errno.
static int resolve_name(const char *path, char **folder_real, char **name)
{
    char *folder;
    if (!split_path(path, &folder, name)) {
        char *real = realpath(path, NULL);
        if (!real)
            return -errno;
        bool is_split = split_path(real, &folder, name);
        free(real);
        if (!is_split)
            return -EINVAL; // the file system's root has no folder to watch it in
    }
    *folder_real = realpath(folder, NULL);
    int code = *folder_real ? 0 : -errno;
    free(folder);
    if (code != 0)
        free(*name);
    return code;
}

// Where path finally leads when it is a symlink: the resolved folder and the
// name, as resolve_name. A dangling link is followed one step by hand, so the
// folder where its target would appear is watched. Returns 0, -EINVAL when
// path is no symlink (or no longer exists), or -errno.
static int resolve_target(const char *path, const char *link_folder_real, char **folder_real,
                          char **name)
{
    struct stat info;
    if (lstat(path, &info) != 0 || !S_ISLNK(info.st_mode))
        return -EINVAL;
    char *target = realpath(path, NULL);
    if (!target) {
        char link[PATH_MAX];
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n < 0)
            return -errno;
        link[(size_t)n] = '\0';
        target = link[0] == '/' ? xstrdup(link) : xasprintf("%s/%s", link_folder_real, link);
    }
    int code = resolve_name(target, folder_real, name);
    free(target);
    return code;
}

// Watches folder for name into *slot; takes both strings. Returns 0 or -errno.
static int name_watch(struct file_watch *watch, char *folder, char *name, struct watched_name *slot)
{
    size_t index;
    int code = dir_add(watch, folder, &index);
    if (code == 0) {
        watch->dirs[index].n_names++;
        *slot = (struct watched_name){watch->dirs[index].wd, name};
    } else {
        free(name);
    }
    free(folder);
    return code;
}

// Watches path by name, and its target when it is a symlink, appending to
// names[]. Returns 0, or -errno when the folder holding path itself cannot be
// watched (with a reason in error); a target's folder that cannot be watched
// only sets needs_retry.
static int names_watch(struct file_watch *watch, const char *path, struct watched_name *names,
                       size_t *n_names, char *error, size_t error_size)
{
    char *folder, *name;
    int code = resolve_name(path, &folder, &name);
    if (code != 0) {
        set_error(error, error_size, "cannot find the folder holding %s: %s", path,
                  strerror(-code));
        return code;
    }
    char *folder_copy = xstrdup(folder);
    code = name_watch(watch, folder, name, &names[*n_names]);
    if (code != 0) {
        set_error(error, error_size, "cannot watch %s (the folder holding %s): %s", folder_copy,
                  path, strerror(-code));
        free(folder_copy);
        return code;
    }
    (*n_names)++;
    int target_code = resolve_target(path, folder_copy, &folder, &name);
    free(folder_copy);
    if (target_code == 0)
        target_code = name_watch(watch, folder, name, &names[*n_names]);
    if (target_code == 0)
        (*n_names)++;
    else if (target_code != -EINVAL)
        watch->needs_retry = true; // the link leads into a folder that is missing
    return 0;
}

static bool names_equal(const struct watched_name *a, size_t n_a, const struct watched_name *b,
                        size_t n_b)
{
    if (n_a != n_b)
        return false;
    for (size_t i = 0; i < n_a; i++) {
        if (a[i].wd != b[i].wd || strcmp(a[i].name, b[i].name) != 0)
            return false;
    }
    return true;
}

static void names_release(struct file_watch *watch, struct watched_name *names, size_t n_names)
{
    for (size_t i = 0; i < n_names; i++) {
        size_t index;
        if (names[i].wd >= 0 && dir_find(watch, names[i].wd, &index)) {
            struct watched_dir *dir = &watch->dirs[index];
            dir->n_names--;
            if (dir->n_names == 0 && !dir->is_content)
                dir_remove(watch, index, true);
        }
        free(names[i].name);
    }
}

// Points names[] at the folders that now hold the playlist and the content
// root (and their symlinks' targets), and checks whether the content root is
// still the folder the tree was built on (if not, needs_rescan). Sets
// *is_changed when anything differs. Returns 0, or the -errno of a folder
// holding a given path that cannot be watched (with a reason in error), which
// also sets needs_retry.
static int resync(struct file_watch *watch, bool *is_changed, char *error, size_t error_size)
{
    struct watched_name fresh[NAMES_MAX];
    size_t n_fresh = 0;
    watch->needs_resync = false;
    watch->needs_retry = false;
    // New watches first: a folder that keeps a name keeps its watch.
    int code = names_watch(watch, watch->playlist_path, fresh, &n_fresh, error, error_size);
    int root_code = names_watch(watch, watch->content_root, fresh, &n_fresh,
                                code == 0 ? error : NULL, code == 0 ? error_size : 0);
    code = code != 0 ? code : root_code;
    if (code != 0)
        watch->needs_retry = true;
    *is_changed = !names_equal(fresh, n_fresh, watch->names, watch->n_names);
    names_release(watch, watch->names, watch->n_names);
    memcpy(watch->names, fresh, n_fresh * sizeof fresh[0]);
    watch->n_names = n_fresh;

    struct stat info;
    bool has_root = stat(watch->content_root, &info) == 0 && S_ISDIR(info.st_mode);
    if (has_root != watch->has_root ||
        (has_root && (info.st_dev != watch->root_dev || info.st_ino != watch->root_ino))) {
        watch->has_root = has_root;
        watch->root_dev = has_root ? info.st_dev : 0;
        watch->root_ino = has_root ? info.st_ino : 0;
        watch->needs_rescan = true;
        *is_changed = true;
    }
    return code;
}

// Makes path a content folder. Returns true when it is new to the tree (so
// its subfolders need a look), false when already in it, gone, or not
// watchable (with a warning).
static bool content_add(struct file_watch *watch, const char *path, bool is_root)
{
    if (watch->n_content_dirs >= FILE_WATCH_CONTENT_DIRS_MAX) {
        if (!watch->has_hit_dirs_max)
            set_warning(watch, "more than %d folders under %s: changes in the rest go unnoticed",
                        FILE_WATCH_CONTENT_DIRS_MAX, watch->content_root);
        watch->has_hit_dirs_max = true;
        return false;
    }
    size_t index;
    int code = dir_add(watch, path, &index);
    if (code == -ENOSPC) {
        set_warning(watch,
                    "cannot watch %s: the kernel's limit on inotify watches "
                    "(fs.inotify.max_user_watches) is reached; changes there go unnoticed",
                    path);
        return false;
    }
    if (code != 0) {
        if (code != -ENOENT && code != -ENOTDIR) // gone again, or replaced by a file
            set_warning(watch, "cannot watch %s: %s; changes there go unnoticed", path,
                        strerror(-code));
        return false;
    }
    struct watched_dir *dir = &watch->dirs[index];
    if (is_root)
        watch->root_wd = dir->wd;
    if (dir->is_content)
        return false; // already added, by an earlier scan or through a bind mount
    dir->is_content = true;
    watch->n_content_dirs++;
    if (strcmp(dir->path, path) != 0) {
        free(dir->path);
        dir->path = xstrdup(path);
    }
    return true;
}

struct path_queue {
    char **paths;
    size_t head, n_paths, capacity;
};

static void path_queue_push(struct path_queue *queue, char *path)
{
    if (queue->n_paths == queue->capacity) {
        queue->capacity = queue->capacity ? 2 * queue->capacity : 16;
        queue->paths = xreallocarray(queue->paths, queue->capacity, sizeof queue->paths[0]);
    }
    queue->paths[queue->n_paths++] = path;
}

// Queues the subfolders of path that are not ignored; symlinks to folders are
// not followed (content_path keeps items inside the root, which is watched).
static void queue_subfolders(struct path_queue *queue, const char *path)
{
    DIR *stream = opendir(path);
    if (!stream)
        return; // gone since it was watched; its IN_IGNORED follows
    const struct dirent *entry;
    while ((entry = readdir(stream)) != NULL) {
        if (is_ignored_name(entry->d_name)) // also "." and ".."
            continue;
        bool is_dir = entry->d_type == DT_DIR;
        if (entry->d_type == DT_UNKNOWN) {
            struct stat info;
            is_dir = fstatat(dirfd(stream), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                     S_ISDIR(info.st_mode);
        }
        if (is_dir)
            path_queue_push(queue, xasprintf("%s/%s", path, entry->d_name));
    }
    closedir(stream);
}

// Adds the folder at path and everything below it that is not in the tree
// yet, breadth first, so the limit leaves the deepest folders out.
static void content_scan(struct file_watch *watch, const char *path, bool is_root)
{
    struct path_queue queue = {0};
    path_queue_push(&queue, xstrdup(path));
    while (queue.head < queue.n_paths) {
        char *folder = queue.paths[queue.head++];
        if (content_add(watch, folder, is_root && queue.head == 1))
            queue_subfolders(&queue, folder);
        free(folder);
    }
    free(queue.paths);
}

// Rebuilds the tree on what the content root resolves to now: folders still
// in it keep their watches (and events queued for them), the rest are removed.
static void content_rescan(struct file_watch *watch)
{
    watch->needs_rescan = false;
    watch->has_hit_dirs_max = false;
    for (size_t i = 0; i < watch->n_dirs; i++) {
        watch->dirs[i].was_content = watch->dirs[i].is_content;
        watch->dirs[i].is_content = false;
    }
    watch->n_content_dirs = 0;
    watch->root_wd = -1;
    char *root = watch->has_root ? realpath(watch->content_root, NULL) : NULL;
    if (root)
        content_scan(watch, root, true);
    free(root);
    for (size_t i = watch->n_dirs; i-- > 0;) {
        struct watched_dir *dir = &watch->dirs[i];
        if (dir->was_content && !dir->is_content)
            writes_drop(watch, dir->wd); // their closes may not be seen any more
        dir->was_content = false;
        if (!dir->is_content && dir->n_names == 0)
            dir_remove(watch, i, true);
    }
}

static bool is_watched_name(const struct file_watch *watch, int wd, const char *name)
{
    for (size_t i = 0; i < watch->n_names; i++) {
        if (watch->names[i].wd == wd && strcmp(watch->names[i].name, name) == 0)
            return true;
    }
    return false;
}

// An event about a watched folder itself (name is empty for these).
static void handle_folder_event(struct file_watch *watch, size_t index, uint32_t mask,
                                int64_t now_ns)
{
    const struct watched_dir *dir = &watch->dirs[index];
    bool is_root = dir->wd == watch->root_wd;
    if (dir->n_names > 0 || is_root)
        watch->needs_resync = true; // what the names lead to may be elsewhere now
    if (dir->is_content && (mask & IN_MOVE_SELF))
        watch->needs_rescan = true; // the paths kept for it and below are stale
    if (mask & IN_IGNORED)
        dir_remove(watch, index, false); // deleted, or its file system unmounted
    mark_change(watch, now_ns);
}

static void handle_event(struct file_watch *watch, const struct inotify_event *event,
                         const char *name, int64_t now_ns)
{
    uint32_t mask = event->mask;
    if (mask & IN_Q_OVERFLOW) {
        // Events were lost: anything may have changed, folders included, and
        // the closes that would end the writes we know of may be among them.
        writes_drop(watch, -1);
        watch->needs_resync = watch->needs_rescan = true;
        mark_change(watch, now_ns);
        return;
    }
    size_t index;
    if (!dir_find(watch, event->wd, &index))
        return; // removed by us; its last events may still be queued
    if (mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
        handle_folder_event(watch, index, mask, now_ns);
        return;
    }
    const struct watched_dir *dir = &watch->dirs[index];
    bool is_relevant = false;
    if (dir->n_names > 0 && is_watched_name(watch, dir->wd, name)) {
        is_relevant = true;
        if (mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
            watch->needs_resync = true; // the name may lead elsewhere now
    }
    if (dir->is_content && !is_ignored_name(name)) {
        is_relevant = true;
        if ((mask & IN_ISDIR) && (mask & (IN_MOVED_FROM | IN_MOVED_TO))) {
            watch->needs_rescan = true; // a moved folder's kept paths are stale
        } else if ((mask & IN_ISDIR) && (mask & IN_CREATE) && !watch->needs_rescan) {
            char *path = xasprintf("%s/%s", dir->path, name);
            content_scan(watch, path, false); // moves dirs[]: dir is stale after this
            free(path);
        }
    }
    if (!is_relevant)
        return;
    if (mask & IN_MODIFY)
        write_begin(watch, event->wd, name);
    else if (mask & (IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
        write_end(watch, event->wd, name); // closed, or that name is another file now
    mark_change(watch, now_ns);
}

static void handle_events(struct file_watch *watch, size_t n_bytes, int64_t now_ns)
{
    size_t offset = 0;
    while (offset + sizeof(struct inotify_event) <= n_bytes) {
        struct inotify_event event;
        memcpy(&event, watch->events + offset, sizeof event);
        const char *name = event.len > 0 ? watch->events + offset + sizeof event : "";
        handle_event(watch, &event, name, now_ns);
        offset += sizeof event + event.len;
    }
}

struct file_watch *file_watch_open(const char *playlist_path, const char *content_root, char *error,
                                   size_t error_size)
{
    struct file_watch *watch = xcalloc(1, sizeof *watch);
    watch->root_wd = -1;
    watch->playlist_path = xstrdup(playlist_path);
    watch->content_root = xstrdup(content_root);
    watch->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch->fd < 0) {
        int code = errno;
        set_error(error, error_size, "cannot start inotify: %s%s", strerror(code),
                  code == EMFILE ? " (fs.inotify.max_user_instances)" : "");
        goto fail;
    }
    bool is_changed;
    if (resync(watch, &is_changed, error, error_size) != 0)
        goto fail;
    content_rescan(watch);
    watch->retry_at_ns = 0; // a symlink's target folder was missing: look again at once
    return watch;
fail:
    file_watch_close(watch);
    return NULL;
}

void file_watch_close(struct file_watch *watch)
{
    if (!watch)
        return;
    if (watch->fd >= 0)
        close(watch->fd); // removes every watch with it
    for (size_t i = 0; i < watch->n_dirs; i++)
        free(watch->dirs[i].path);
    free(watch->dirs);
    for (size_t i = 0; i < watch->n_names; i++)
        free(watch->names[i].name);
    writes_drop(watch, -1);
    free(watch->writes);
    free(watch->playlist_path);
    free(watch->content_root);
    free(watch);
}

int file_watch_fd(const struct file_watch *watch)
{
    return watch ? watch->fd : -1;
}

void file_watch_handle(struct file_watch *watch, int64_t now_ns)
{
    if (!watch)
        return;
    for (int i = 0; i < READS_PER_HANDLE_MAX; i++) {
        ssize_t n = read(watch->fd, watch->events, sizeof watch->events);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // EAGAIN: all read
        handle_events(watch, (size_t)n, now_ns);
    }
    bool is_retry_due = watch->needs_retry && now_ns >= watch->retry_at_ns;
    if (watch->needs_resync || is_retry_due) {
        bool is_changed, had_failed = watch->has_failed_name;
        char reason[WARNING_MAX_BYTES] = "";
        watch->has_failed_name = resync(watch, &is_changed, reason, sizeof reason) != 0;
        if (watch->has_failed_name && !had_failed)
            set_warning(watch, "%s; looking again every %d s", reason,
                        (int)(FILE_WATCH_RETRY_NS / NS_PER_S));
        if (is_changed)
            mark_change(watch, now_ns);
        if (watch->needs_retry && watch->retry_at_ns <= now_ns)
            watch->retry_at_ns = now_ns + FILE_WATCH_RETRY_NS;
    }
    if (watch->needs_rescan)
        content_rescan(watch);
}

static int64_t settle_ns(const struct file_watch *watch)
{
    if (!watch->is_pending)
        return INT64_MAX;
    if (watch->n_writes > 0)
        return watch->last_event_ns + FILE_WATCH_WRITE_STALL_NS;
    int64_t quiet_ns = watch->last_event_ns + FILE_WATCH_QUIET_NS;
    int64_t cap_ns = watch->first_event_ns + FILE_WATCH_MAX_DELAY_NS;
    return quiet_ns < cap_ns ? quiet_ns : cap_ns;
}

int64_t file_watch_next_deadline_ns(const struct file_watch *watch)
{
    if (!watch)
        return INT64_MAX;
    int64_t deadline_ns = settle_ns(watch);
    if (watch->needs_retry && watch->retry_at_ns < deadline_ns)
        deadline_ns = watch->retry_at_ns;
    return deadline_ns;
}

bool file_watch_take_change(struct file_watch *watch, int64_t now_ns)
{
    if (!watch || !watch->is_pending || now_ns < settle_ns(watch))
        return false;
    watch->is_pending = false;
    writes_drop(watch, -1); // a writer still at work writes again, and is held again
    return true;
}

bool file_watch_take_warning(struct file_watch *watch, char *warning, size_t warning_size)
{
    if (!watch || !watch->has_warning)
        return false;
    set_error(warning, warning_size, "%s", watch->warning);
    watch->has_warning = false;
    return true;
}

bool file_watch_has_pending_change(const struct file_watch *watch)
{
    return watch && watch->is_pending;
}
