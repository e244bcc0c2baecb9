# What `cmake --install` puts where: the binaries, the shipped playlists and
# content, and everything that runs the player as a systemd service (unit,
# config file, sysusers.d, logrotate). Not the build of any of them.
#
# Layout for the default prefix /usr/local (Debian's place for software
# built locally):
#   /usr/local/bin/signage-player, signage-ctl
#   /usr/local/share/signage-player/{playlists,content}/, signage.conf.default
#   /usr/local/share/doc/signage-player/README.md
#   /usr/local/lib/systemd/system/signage-player.service
#   /usr/local/lib/sysusers.d/signage-player.conf
#   /etc/signage/signage.conf          (never overwritten once it exists)
#   /etc/logrotate.d/signage-player
# With prefix /usr the unit and sysusers file go where systemd.pc says
# (/lib/systemd/system, /usr/lib/sysusers.d); the rest follows GNUInstallDirs.
#
# The config file and logrotate snippet are absolute (/etc), whatever the
# prefix: GNUInstallDirs would put them in /usr/local/etc, where logrotate
# never looks and an admin does not expect the service's config. Both honour
# DESTDIR. For a staged install use DESTDIR, not `--prefix` at install time:
# the unit and the config name absolute paths fixed when configuring.
include_guard(GLOBAL)

set(SIGNAGE_CONFIG_DIR "/etc/signage" CACHE PATH
    "Folder of the service's signage.conf (the unit's --config points here)")
set(SIGNAGE_LOGROTATE_DIR "/etc/logrotate.d" CACHE PATH
    "Folder logrotate reads its snippets from")
set(SIGNAGE_SYSTEMD_UNIT_DIR "" CACHE PATH
    "Folder for signage-player.service (empty: systemd's own for prefix /usr, else lib/systemd/system under the prefix)")
set(SIGNAGE_SYSUSERS_DIR "" CACHE PATH
    "Folder for the sysusers.d file (empty: systemd's own for prefix /usr, else lib/sysusers.d under the prefix)")

# A relative folder is taken as relative to the prefix, as GNUInstallDirs does.
function(signage_absolute_dir out dir)
    if(IS_ABSOLUTE "${dir}")
        set(${out} "${dir}" PARENT_SCOPE)
    else()
        set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
    endif()
endfunction()

# systemd searches units and sysusers.d files in /usr/local/lib/... and
# /usr/lib/... (see `systemd-analyze unit-paths`), so under the prefix is right
# for /usr/local; for /usr, ask systemd.pc (Debian: /lib/systemd/system). Left
# relative, so these follow `cmake --install --prefix` like the binaries.
function(signage_systemd_dir out cache_value pc_variable fallback)
    if(cache_value)
        set(dir "${cache_value}")
    elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
        pkg_get_variable(dir systemd ${pc_variable})
    endif()
    if(NOT dir)
        set(dir "${fallback}")
    endif()
    set(${out} "${dir}" PARENT_SCOPE)
endfunction()

signage_systemd_dir(signage_unit_dir "${SIGNAGE_SYSTEMD_UNIT_DIR}" systemdsystemunitdir
                    lib/systemd/system)
signage_systemd_dir(signage_sysusers_dir "${SIGNAGE_SYSUSERS_DIR}" sysusersdir lib/sysusers.d)
signage_absolute_dir(signage_config_dir "${SIGNAGE_CONFIG_DIR}")
signage_absolute_dir(signage_logrotate_dir "${SIGNAGE_LOGROTATE_DIR}")
set(signage_data_dir "${CMAKE_INSTALL_DATADIR}/signage-player")

# Paths written into the unit and the config (configure_file @VAR@).
set(SIGNAGE_PLAYER_BIN "${CMAKE_INSTALL_FULL_BINDIR}/signage-player")
set(SIGNAGE_CONFIG_FILE_DIR "${signage_config_dir}")
set(SIGNAGE_CONFIG_FILE "${signage_config_dir}/signage.conf")
set(SIGNAGE_DOC_README "${CMAKE_INSTALL_FULL_DOCDIR}/README.md")
set(SIGNAGE_DEFAULT_PLAYLIST "${CMAKE_INSTALL_FULL_DATADIR}/signage-player/playlists/hallway.playlist")
set(SIGNAGE_DEFAULT_CONTENT "${CMAKE_INSTALL_FULL_DATADIR}/signage-player/content")
set(SIGNAGE_LOGROTATE_FILE "${signage_logrotate_dir}/signage-player")

# tests/systemd reads the generated unit and config from this folder.
set(signage_service_out "${PROJECT_BINARY_DIR}/systemd")
configure_file(systemd/signage-player.service.in ${signage_service_out}/signage-player.service
               @ONLY)
configure_file(systemd/signage.conf.in ${signage_service_out}/signage.conf @ONLY)

install(TARGETS signage-player signage-ctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY playlists content DESTINATION ${signage_data_dir})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

install(FILES ${signage_service_out}/signage-player.service DESTINATION ${signage_unit_dir})
install(FILES deploy/signage-player.sysusers DESTINATION ${signage_sysusers_dir}
        RENAME signage-player.conf)
install(FILES deploy/signage-player.logrotate DESTINATION ${signage_logrotate_dir}
        RENAME signage-player)

# The config file belongs to the admin once installed: like a dpkg conffile,
# an upgrade must not overwrite their edits. So it is installed only when
# missing; the shipped default always lands beside the data as
# signage.conf.default, to compare with (`diff`) after an upgrade.
install(FILES ${signage_service_out}/signage.conf DESTINATION ${signage_data_dir}
        RENAME signage.conf.default)
install(CODE "
    set(signage_conf \"\$ENV{DESTDIR}${signage_config_dir}/signage.conf\")
    if(EXISTS \"\${signage_conf}\")
        message(STATUS \"Keeping: \${signage_conf} (an admin's file; the new default is signage.conf.default)\")
    else()
        file(INSTALL DESTINATION \"${signage_config_dir}\" TYPE FILE
             PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
             FILES \"${signage_service_out}/signage.conf\")
    endif()
")

# Publishing over SSH (README "Update a screen over SSH"): signage-push for the
# laptop, signage-site and the signage-admin key's forced command for the
# display, and setup-signage-admin (root's, once per display) in sbin.
install(PROGRAMS deploy/signage-push deploy/signage-site deploy/signage-admin-gate
        DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS deploy/setup-signage-admin DESTINATION ${CMAKE_INSTALL_SBINDIR})
