# Cross build for 64-bit Raspberry Pi OS (bookworm, arm64) on a Debian 12
# x86-64 machine, with Debian's multiarch packages: no sysroot, the arm64
# libraries live beside the host's in /usr/lib/aarch64-linux-gnu.
#
#   sudo dpkg --add-architecture arm64 && sudo apt-get update
#   sudo apt-get install crossbuild-essential-arm64 qemu-user-static \
#        libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 libavformat-dev:arm64 ...
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# scripts/test-arm64 does all of it, then runs the unit tests and a playlist
# under qemu. Tests run through CMAKE_CROSSCOMPILING_EMULATOR (qemu-aarch64
# in user mode, found here): ctest runs the arm64 test programs as usual.
#
# libunibreak is the exception: Debian 12 does not ship it multiarch
# (libunibreak1 puts its library in /usr/lib and is not Multi-Arch: same), so
# libunibreak-dev:arm64 would remove the host's libunibreak-dev. Its arm64
# packages are unpacked into a folder instead, whose pkgconfig folder is
# named by SIGNAGE_CROSS_PKG_CONFIG_PATH (scripts/test-arm64 does this).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# pkgconf's cross personality: the arm64 .pc files (and the architecture-
# independent ones in /usr/share/pkgconfig, systemd.pc among them).
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH
    "pkg-config for the arm64 libraries")

# Folders of extra arm64 .pc files, searched before the system's. Read from
# the cache on every configure, so a re-run of cmake keeps finding them.
set(SIGNAGE_CROSS_PKG_CONFIG_PATH "$ENV{SIGNAGE_CROSS_PKG_CONFIG_PATH}" CACHE STRING
    "Extra arm64 pkg-config folders (colon-separated), e.g. an unpacked libunibreak-dev:arm64")
if(SIGNAGE_CROSS_PKG_CONFIG_PATH)
    set(ENV{PKG_CONFIG_PATH} "${SIGNAGE_CROSS_PKG_CONFIG_PATH}")
endif()

# Run arm64 programs (ctest, try_run) under qemu's user mode. Without -L and
# without QEMU_LD_PREFIX: the arm64 loader and libraries are installed in the
# host's own / by multiarch; pointing qemu at /usr/aarch64-linux-gnu mixes two
# builds of libc and the program hangs.
find_program(SIGNAGE_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(SIGNAGE_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${SIGNAGE_QEMU_AARCH64}")
endif()
