// png_file: writes an SDL surface as a PNG file (FFmpeg's PNG encoder; no
// extra image library). The file appears whole or not at all.
#ifndef SIGNAGE_APP_PNG_FILE_H
#define SIGNAGE_APP_PNG_FILE_H

#include <stddef.h>

#include <SDL.h>

// Writes surface (any SDL pixel format) to path via a temporary file and
// rename(). Returns 0, or -1 with a reason in error.
int png_file_write(const char *path, SDL_Surface *surface, char *error, size_t error_size);

#endif
