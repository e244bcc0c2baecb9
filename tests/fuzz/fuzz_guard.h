// fuzz_guard: hands the code under test its input so that the byte after
// the last one is an unmapped page. A read past the end then crashes at once
// even inside a library the sanitizers do not instrument (md4c, libunibreak),
// in the libFuzzer build and in the plain replay build alike.
#ifndef SIGNAGE_TESTS_FUZZ_GUARD_H
#define SIGNAGE_TESTS_FUZZ_GUARD_H

#include <stddef.h>
#include <stdint.h>

// Copies size bytes of data to just before a guard page and returns the
// copy, valid until the next call (one thread). Aborts when out of memory.
const char *fuzz_guard_copy(const uint8_t *data, size_t size);

#endif
