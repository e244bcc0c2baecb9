// fuzz_guard: one growing mapping whose last page is PROT_NONE.
#include "fuzz_guard.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *region;        // region_bytes readable and writable, then the guard page
static size_t region_bytes; // a whole number of pages

const char *fuzz_guard_copy(const uint8_t *data, size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t needed = (size + page - 1) / page * page;
    if (needed == 0)
        needed = page;
    if (needed > region_bytes) {
        if (region)
            munmap(region, region_bytes + page);
        void *mapping =
            mmap(NULL, needed + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapping == MAP_FAILED || mprotect((char *)mapping + needed, page, PROT_NONE) != 0)
            abort();
        region = mapping;
        region_bytes = needed;
    }
    char *start = region + region_bytes - size;
    if (size)
        memcpy(start, data, size);
    return start;
}
