// log: stderr lines with journald priority prefixes; one write() per line so
// lines from different threads never interleave.
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int max_level = LOG_LEVEL_INFO;

void log_set_max_level(enum log_level level)
{
    atomic_store(&max_level, (int)level);
}

static const char *terminal_prefix(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_ERROR:
        return "error: ";
    case LOG_LEVEL_WARNING:
        return "warning: ";
    case LOG_LEVEL_DEBUG:
        return "debug: ";
    case LOG_LEVEL_NOTICE:
    case LOG_LEVEL_INFO:
        break;
    }
    return "";
}

void log_message(enum log_level level, const char *format, ...)
{
    if ((int)level > atomic_load(&max_level))
        return;
    char line[1024];
    int used;
    if (isatty(STDERR_FILENO))
        used = snprintf(line, sizeof line, "%s", terminal_prefix(level));
    else
        used = snprintf(line, sizeof line, "<%d>", (int)level);
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line + used, sizeof line - (size_t)used - 1, format, args);
    va_end(args);
    size_t length = (size_t)used + (n < 0 ? 0 : (size_t)n);
    if (length > sizeof line - 2)
        length = sizeof line - 2; // truncated: keep room for the newline
    line[length++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, length);
    (void)ignored; // nowhere left to report a failed stderr write
}
