// log: one line per message on stderr, prefixed with the sd-daemon priority
// (<3> error ... <7> debug) so journald keeps the level. Not the play log.
#ifndef SIGNAGE_BASE_LOG_H
#define SIGNAGE_BASE_LOG_H

#include <stdbool.h>

enum log_level {
    LOG_LEVEL_ERROR = 3,
    LOG_LEVEL_WARNING = 4,
    LOG_LEVEL_NOTICE = 5,
    LOG_LEVEL_INFO = 6,
    LOG_LEVEL_DEBUG = 7,
};

// Any thread. Messages above max_level are dropped. Default: LOG_LEVEL_INFO.
void log_set_max_level(enum log_level max_level);

// Any thread. Prefixes "<N>" only when stderr is not a terminal (journald,
// pipes); a terminal gets "error: ", "warning: " and so on instead.
void log_message(enum log_level level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...)   log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...)  log_message(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)    log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)   log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
