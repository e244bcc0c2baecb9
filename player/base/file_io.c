// file_io: read loops that survive EINTR and short reads.
#include "base/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

int file_read_all(const char *path, size_t max_bytes, char **data, size_t *length)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat info;
    if (fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
        int error = S_ISDIR(info.st_mode) ? EISDIR : errno;
        close(fd);
        return -error;
    }
    size_t capacity = 4096, used = 0;
    char *buffer = xcalloc(capacity + 1, 1);
    for (;;) {
        if (used == capacity) {
            if (capacity >= max_bytes) {
                free(buffer);
                close(fd);
                return -EFBIG;
            }
            capacity *= 2;
            buffer = xreallocarray(buffer, capacity + 1, 1);
        }
        ssize_t n = read(fd, buffer + used, capacity - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int error = errno;
            free(buffer);
            close(fd);
            return -error;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    if (used > max_bytes) {
        free(buffer);
        return -EFBIG;
    }
    buffer[used] = '\0';
    *data = buffer;
    *length = used;
    return 0;
}
