# Shared by scripts/play and scripts/test: installing what is missing and
# building. Sourced, not run.
set -eu

repo_dir=$(cd "$(dirname "$0")/.." && pwd)

# Packages to build and run the player (and make the lesson's stand-in clips).
run_packages="build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev libavformat-dev
libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libmd4c-dev libunibreak-dev
libfontconfig-dev fontconfig fonts-noto-cjk ffmpeg libsystemd-dev rsync"
# Extra packages the test suite uses.
test_packages="libcmocka-dev python3 xvfb xauth imagemagick clang-format strace systemd logrotate openssh-server openssh-client rsync ansible-core tzdata clang libclang-rt-dev cppcheck clang-tidy faketime"

say() { printf '==> %s\n' "$*"; }

# need_root [WHAT]: stops unless root, saying WHAT needs it.
need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "${1:-Installing packages} needs root: run 'sudo $0'." >&2
        exit 1
    fi
}

# Installs whichever of the named packages are missing; apt only runs when
# something is missing, so a second run costs nothing.
install_missing() {
    missing=""
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $package"
    done
    [ -z "$missing" ] && return 0
    need_root
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q
    # shellcheck disable=SC2086
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
}

# Runs a command as the user who called sudo, so build trees and the window
# belong to them; as plain root (CI, a Pi image build) it runs as root.
as_invoking_user() {
    if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
        uid=$(id -u "$SUDO_USER")
        XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$uid} \
            runuser -u "$SUDO_USER" --preserve-environment -- "$@"
    else
        "$@"
    fi
}

# build DIR [cmake options...]
build() {
    dir=$1
    shift
    as_invoking_user cmake -S "$repo_dir" -B "$dir" "$@" >/dev/null
    as_invoking_user cmake --build "$dir" --parallel "$(nproc)"
}

# scripts/test-arm64: the cross compiler, qemu, and the arm64 libraries to
# build and run the player for 64-bit Raspberry Pi OS (dpkg multiarch; the
# script adds arm64 first). Not libunibreak-dev:arm64: Debian 12 does not ship
# libunibreak multiarch and installing it would remove the host's
# libunibreak-dev, so the script unpacks it into its build folder instead.
arm64_packages="crossbuild-essential-arm64 qemu-user-static libsdl2-dev:arm64
libsdl2-ttf-dev:arm64 libavformat-dev:arm64 libavcodec-dev:arm64 libavutil-dev:arm64
libswresample-dev:arm64 libswscale-dev:arm64 libmd4c-dev:arm64 libfontconfig-dev:arm64
libsystemd-dev:arm64 libcmocka-dev:arm64"
# scripts/test-package: CPack's dpkg-shlibdeps and file, lintian, and
# debootstrap for the fresh Debian 12 root the package is installed into.
package_test_packages="dpkg-dev file lintian debootstrap"
