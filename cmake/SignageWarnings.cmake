# One INTERFACE target every project target links: warnings, feature macros
# and (optionally) sanitizers, so no flag is set globally.
add_library(signage_common INTERFACE)
target_compile_options(signage_common INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
    -Wvla -Wimplicit-fallthrough)
# POSIX/Linux interfaces (eventfd, signalfd, ppoll, realpath) under -std=c11.
target_compile_definitions(signage_common INTERFACE _GNU_SOURCE)
if(SIGNAGE_WERROR)
    target_compile_options(signage_common INTERFACE -Werror)
endif()
if(SIGNAGE_SANITIZE)
    target_compile_options(signage_common INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(signage_common INTERFACE -fsanitize=address,undefined)
endif()

# Stricter still for the pure layers, where silent narrowing is a logic bug.
add_library(signage_strict INTERFACE)
target_compile_options(signage_strict INTERFACE -Wconversion -Wsign-conversion)
target_link_libraries(signage_strict INTERFACE signage_common)
