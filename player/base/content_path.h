// content_path: turns a path written in a playlist or deck into a real file
// path that is guaranteed to lie inside the content root (after symlinks).
#ifndef SIGNAGE_BASE_CONTENT_PATH_H
#define SIGNAGE_BASE_CONTENT_PATH_H

#include <stddef.h>

// Resolves relative (as written; relative to base_dir, which must itself be
// inside root_real) with realpath() and checks the result stays inside
// root_real (an already-resolved absolute directory). On success writes the
// resolved path to out and returns 0. Errors: -EINVAL (empty or absolute
// path), -ENOENT (missing), -EXDEV (leaves the content root, also via a
// symlink), -ENAMETOOLONG, or another -errno from realpath().
int content_path_resolve(const char *root_real, const char *base_dir, const char *relative,
                         char *out, size_t out_size);

// A short human reason for a content_path_resolve() error code.
const char *content_path_strerror(int error);

#endif
