// file_io: whole-file reads with a size cap, for playlists and decks.
#ifndef SIGNAGE_BASE_FILE_IO_H
#define SIGNAGE_BASE_FILE_IO_H

#include <stddef.h>

#define FILE_IO_TEXT_MAX_BYTES (4u * 1024 * 1024) // no playlist or deck is this big

// Reads path into a new NUL-terminated buffer (*data, caller frees) of
// *length bytes. Returns 0, -EFBIG when longer than max_bytes, -EISDIR, or
// another -errno.
int file_read_all(const char *path, size_t max_bytes, char **data, size_t *length);

#endif
