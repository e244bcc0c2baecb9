# Debian packages of the player (CPack DEB): what cmake/SignageInstall.cmake
# installs, under prefix /usr, plus the maintainer scripts of deploy/debian
# (service user, service enabled and started) and the copyright and
# changelog Debian asks for. For this machine's architecture, or arm64 with
# the cross toolchain (cmake/aarch64-linux-gnu.cmake):
#
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DSIGNAGE_BUILD_TESTS=OFF
#   cmake --build build-deb && (cd build-deb && cpack)
#       -> build-deb/signage-player_0.1.0-1_amd64.deb
#
# The library dependencies come from dpkg-shlibdeps (the arm64 libraries must
# be installed, or unpacked from their packages: see the libunibreak note in
# the toolchain file); a few packages used by name are added (below). Make
# the content's stand-in clips first (scripts/make-standin-clips.sh): the
# shipped playlists name them, and the package ships what content/ holds.
# scripts/test-package builds both packages, runs lintian on them and
# installs the amd64 one into a fresh Debian 12 root.
include_guard(GLOBAL)

set(signage_debian_dir "${PROJECT_SOURCE_DIR}/deploy/debian")

# The Debian revision: the package's own version beside the project's. The
# first entry of deploy/debian/changelog must name both.
set(SIGNAGE_DEBIAN_RELEASE 1 CACHE STRING "Debian revision of the package (the -N in 0.1.0-N)")
set(signage_deb_version "${PROJECT_VERSION}-${SIGNAGE_DEBIAN_RELEASE}")

# dpkg's name of the architecture the binaries are built for (arm64 when
# cross compiling; `dpkg --print-architecture`, CPack's own default, would
# say amd64).
if(NOT SIGNAGE_DEBIAN_ARCHITECTURE)
    find_program(SIGNAGE_DPKG_ARCHITECTURE dpkg-architecture)
    if(SIGNAGE_DPKG_ARCHITECTURE AND CMAKE_LIBRARY_ARCHITECTURE)
        execute_process(
            COMMAND ${SIGNAGE_DPKG_ARCHITECTURE} -t${CMAKE_LIBRARY_ARCHITECTURE} -qDEB_HOST_ARCH
            OUTPUT_VARIABLE signage_arch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    set(SIGNAGE_DEBIAN_ARCHITECTURE "${signage_arch}" CACHE STRING
        "dpkg architecture of the package (empty: dpkg --print-architecture)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME signage-player)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_RELEASE "${SIGNAGE_DEBIAN_RELEASE}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # signage-player_0.1.0-1_amd64.deb
if(SIGNAGE_DEBIAN_ARCHITECTURE)
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${SIGNAGE_DEBIAN_ARCHITECTURE}")
endif()
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "Seed 1e5b6c44 maintainers <maintainers@users.noreply.r-seed-1e5b6c44.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "digital-signage player for the Raspberry Pi")
set(CPACK_PACKAGE_DESCRIPTION
    "signage-player loops a playlist of Markdown slides, pictures and video clips
on a hallway or booth screen, unattended, with no black frame between items.
It runs as a hardened systemd service on Raspberry Pi OS Lite or any Debian 12
that boots to the console (KMS/DRM, no desktop needed), decodes H.264 in
hardware where the Pi has a decoder, reloads a published playlist by itself
and answers signage-ctl on a local socket.

The package enables the service, creates its user signage and ships a Chinese
lesson with example playlists in /usr/share/signage-player.")

# Dependencies: the shared libraries' packages from dpkg-shlibdeps, plus what
# is used by name. fonts-noto-cjk: the lesson's (and the player's) CJK text;
# fontconfig: its configuration, which the player queries; systemd: the unit,
# and systemd-sysusers in the postinst; procps: /bin/kill, the unit's
# ExecReload (not in a minimal Debian: `systemd-analyze verify` fails without
# it). logrotate rotates the play log.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-noto-cjk, fontconfig, systemd, procps")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "logrotate")
# Publishing over SSH (signage-site, setup-signage-admin) and making clips.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "openssh-server, rsync, python3, ffmpeg")

# dpkg-shlibdeps finds the libraries in the standard folders; a library that
# the build found elsewhere (libunibreak for arm64, unpacked from its package
# with its DEBIAN/ control folder) is searched there too. CPack passes
# --ignore-missing-info, so a library it cannot attribute to a package is
# dropped silently: scripts/test-package compares the two architectures'
# Depends to catch that.
set(signage_shlibdeps_dirs "")
get_directory_property(signage_imported_targets DIRECTORY "${PROJECT_SOURCE_DIR}"
                       IMPORTED_TARGETS)
foreach(signage_target IN LISTS signage_imported_targets)
    if(signage_target MATCHES "^PkgConfig::")
        get_target_property(signage_libs ${signage_target} INTERFACE_LINK_LIBRARIES)
        foreach(signage_lib IN LISTS signage_libs)
            if(IS_ABSOLUTE "${signage_lib}")
                get_filename_component(signage_lib_dir "${signage_lib}" DIRECTORY)
                list(APPEND signage_shlibdeps_dirs "${signage_lib_dir}")
            endif()
        endforeach()
    endif()
endforeach()
list(REMOVE_DUPLICATES signage_shlibdeps_dirs)
list(FILTER signage_shlibdeps_dirs EXCLUDE REGEX "^(/usr)?/lib(/${CMAKE_LIBRARY_ARCHITECTURE})?$")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${signage_shlibdeps_dirs}")

# Maintainer scripts; /etc files are conffiles (dpkg keeps an admin's edits).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${signage_debian_dir}/postinst;${signage_debian_dir}/prerm;${signage_debian_dir}/postrm;${signage_debian_dir}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# Install with DESTDIR into CPack's staging folder: the config file and the
# logrotate snippet have absolute destinations (/etc), and the config's
# install rule looks for an existing file under $DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES TRUE)

# Only in the package, not in a plain `cmake --install`: Debian's copyright
# file and changelog.Debian.gz (compressed with gzip -9n, as dh_compress).
set(signage_deb_docs_script "${PROJECT_BINARY_DIR}/SignageDebianDocs.cmake")
file(CONFIGURE OUTPUT "${signage_deb_docs_script}" @ONLY CONTENT [=[
# file(INSTALL) puts $DESTDIR (CPack's staging folder) in front by itself.
file(INSTALL "@signage_debian_dir@/copyright" DESTINATION "@CMAKE_INSTALL_FULL_DOCDIR@"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(doc_dir "$ENV{DESTDIR}@CMAKE_INSTALL_FULL_DOCDIR@")
execute_process(COMMAND gzip -9nc "@signage_debian_dir@/changelog"
                OUTPUT_FILE "${doc_dir}/changelog.Debian.gz" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip of deploy/debian/changelog failed: ${status}")
endif()
]=])
set(CPACK_INSTALL_SCRIPTS "${signage_deb_docs_script}")

# Checked when cpack runs: a package installs under /usr (a .deb must not put
# files in /usr/local, and the unit names its paths at configure time), and
# the changelog's first entry is this version.
set(signage_cpack_project_config "${PROJECT_BINARY_DIR}/SignageCPackProjectConfig.cmake")
file(CONFIGURE OUTPUT "${signage_cpack_project_config}" @ONLY CONTENT [=[
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT "@CMAKE_INSTALL_PREFIX@" STREQUAL "/usr")
    message(FATAL_ERROR "a Debian package installs under /usr: configure this build with "
                        "-DCMAKE_INSTALL_PREFIX=/usr (it has @CMAKE_INSTALL_PREFIX@)")
endif()
file(STRINGS "@signage_debian_dir@/changelog" changelog_top LIMIT_COUNT 1)
if(NOT changelog_top MATCHES "^signage-player \\(@signage_deb_version@\\) ")
    message(FATAL_ERROR "deploy/debian/changelog starts with '${changelog_top}': "
                        "add an entry for version @signage_deb_version@ at its top")
endif()
]=])
set(CPACK_PROJECT_CONFIG_FILE "${signage_cpack_project_config}")

include(CPack)
