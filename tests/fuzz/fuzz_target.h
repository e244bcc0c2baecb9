// fuzz_target: the one entry point every fuzz target defines, called by
// libFuzzer in the fuzz build and by fuzz_replay.c (a plain main) in every
// other build, so saved inputs run as ordinary tests without libFuzzer.
#ifndef SIGNAGE_TESTS_FUZZ_TARGET_H
#define SIGNAGE_TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

// Feeds size bytes of data to the code under test. Returns 0; a defect
// shows as a crash, a sanitizer report or an abort() from a broken invariant.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
