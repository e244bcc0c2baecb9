// Confinement: a playlist or deck path must never reach outside the content
// root, whether by "..", an absolute path or a symlink.
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/content_path.h"

static char top[PATH_MAX];  // mkdtemp folder holding root/ and root2/
static char root[PATH_MAX]; // the content root, resolved

static void write_file(const char *relative)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", top, relative);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs("x", file);
    fclose(file);
}

static void make_link(const char *target, const char *relative)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", top, relative);
    assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(top, sizeof top, "/tmp/signage-content-path-XXXXXX");
    if (!mkdtemp(top))
        return -1;
    char path[PATH_MAX * 2];
    const char *dirs[] = {"root", "root/sub", "root2"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", top, dirs[i]);
        if (mkdir(path, 0755) != 0)
            return -1;
    }
    write_file("root/a.txt");
    write_file("root/sub/b.txt");
    write_file("root2/secret.txt");
    write_file("outside.txt");
    make_link("a.txt", "root/link_in");
    make_link("../outside.txt", "root/link_out");
    make_link("/etc", "root/etc_dir");
    snprintf(path, sizeof path, "%s/root", top);
    return realpath(path, root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[PATH_MAX + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", top);
    return system(command) == 0 ? 0 : -1;
}

struct resolve_case {
    const char *base_subdir; // below root, "" for root itself
    const char *path;
    int expected;
    const char *expected_suffix; // of the resolved path, when expected == 0
};

static const struct resolve_case cases[] = {
    {"", "a.txt", 0, "/root/a.txt"},
    {"", "sub/b.txt", 0, "/root/sub/b.txt"},
    {"sub", "../a.txt", 0, "/root/a.txt"}, // a deck in sub/ naming a file beside it is fine
    {"", "link_in", 0, "/root/a.txt"},
    {"", "../outside.txt", -EXDEV, NULL},
    {"", "../root2/secret.txt", -EXDEV, NULL}, // same prefix, different folder
    {"", "link_out", -EXDEV, NULL},
    {"", "etc_dir/passwd", -EXDEV, NULL},
    {"", "/etc/passwd", -EINVAL, NULL},
    {"", "", -EINVAL, NULL},
    {"", "missing.mp4", -ENOENT, NULL},
    {"", "../missing.mp4", -EXDEV, NULL},
};

static void test_resolve_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char base[PATH_MAX * 2], out[PATH_MAX];
        snprintf(base, sizeof base, "%s%s%s", root, cases[i].base_subdir[0] ? "/" : "",
                 cases[i].base_subdir);
        int result = content_path_resolve(root, base, cases[i].path, out, sizeof out);
        if (result != cases[i].expected)
            fail_msg("'%s' from '%s': got %d (%s), expected %d", cases[i].path,
                     cases[i].base_subdir, result, content_path_strerror(result),
                     cases[i].expected);
        if (cases[i].expected_suffix) {
            size_t n = strlen(out), m = strlen(cases[i].expected_suffix);
            if (n < m || strcmp(out + n - m, cases[i].expected_suffix) != 0)
                fail_msg("'%s' resolved to '%s', expected ...%s", cases[i].path, out,
                         cases[i].expected_suffix);
        }
    }
}

static void test_messages_name_the_problem(void **state)
{
    (void)state;
    assert_string_equal(content_path_strerror(-EXDEV), "path leaves the content folder");
    assert_string_equal(content_path_strerror(-ENOENT), "file not found");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_cases),
        cmocka_unit_test(test_messages_name_the_problem),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
