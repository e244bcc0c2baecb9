// content_path: confinement of every content path to the content root.
#include "base/content_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_inside(const char *root, const char *path)
{
    size_t root_length = strlen(root);
    if (root_length == 1 && root[0] == '/')
        return 1;
    return strncmp(path, root, root_length) == 0 &&
           (path[root_length] == '/' || path[root_length] == '\0');
}

int content_path_resolve(const char *root_real, const char *base_dir, const char *relative,
                         char *out, size_t out_size)
{
    if (!relative[0] || relative[0] == '/')
        return -EINVAL;
    char joined[PATH_MAX];
    int n = snprintf(joined, sizeof joined, "%s/%s", base_dir, relative);
    if (n < 0 || (size_t)n >= sizeof joined)
        return -ENAMETOOLONG;
    char resolved[PATH_MAX];
    if (!realpath(joined, resolved)) {
        int error = errno;
        // A missing file whose lexical path already leaves the root is
        // reported as leaving it: that is the mistake to fix first.
        if (error == ENOENT && strstr(relative, ".."))
            return -EXDEV;
        return -error;
    }
    if (!is_inside(root_real, resolved))
        return -EXDEV;
    if (strlen(resolved) >= out_size)
        return -ENAMETOOLONG;
    strcpy(out, resolved);
    return 0;
}

const char *content_path_strerror(int error)
{
    switch (error) {
    case -EINVAL:
        return "path must be relative to the content folder";
    case -ENOENT:
        return "file not found";
    case -EXDEV:
        return "path leaves the content folder";
    case -ENAMETOOLONG:
        return "path too long";
    case -EACCES:
        return "permission denied";
    case -ENOTDIR:
        return "a folder in the path is not a folder";
    default:
        return strerror(-error);
    }
}
