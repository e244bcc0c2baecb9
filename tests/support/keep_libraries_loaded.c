// keep_libraries_loaded: preloaded into sanitizer test runs only. Makes
// dlclose() a no-op so LeakSanitizer can name the library behind a leak in
// a plugin that SDL loads and unloads (Mesa's EGL/GL drivers, dbus): their
// one-time allocations are then suppressed by name in tests/lsan.supp,
// while every leak of our own code is still reported.
#include <dlfcn.h>

int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
