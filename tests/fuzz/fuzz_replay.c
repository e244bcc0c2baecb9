// Runs saved fuzz inputs through a target's LLVMFuzzerTestOneInput without
// libFuzzer: every file named on the command line, or every file in a
// folder named there. The seed corpora and every past finding
// (tests/fuzz/regressions/) run this way as ordinary ctest tests, under
// whatever sanitizers the build has. Exit 0 when all ran, 1 when an argument
// cannot be read or names no input at all; a defect crashes or aborts.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

static int run_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        return -1;
    }
    size_t capacity = 4096, size = 0;
    unsigned char *data = malloc(capacity);
    size_t n;
    while (data && (n = fread(data + size, 1, capacity - size, file)) > 0) {
        size += n;
        if (size == capacity) {
            capacity *= 2;
            unsigned char *grown = realloc(data, capacity);
            if (!grown)
                free(data);
            data = grown;
        }
    }
    fclose(file);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, size); // the targets copy it before a guard page
    free(data);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Runs every regular file in dir, in name order. Returns how many, or -1.
static int run_folder(const char *dir)
{
    DIR *folder = opendir(dir);
    if (!folder) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n_names = 0;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n_names + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[n_names++] = strdup(entry->d_name);
    }
    closedir(folder);
    qsort(names, n_names, sizeof *names, compare_names);
    int n_run = 0;
    for (size_t i = 0; i < n_names; i++) {
        char path[4096];
        struct stat info;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (names[i] && stat(path, &info) == 0 && S_ISREG(info.st_mode)) {
            if (run_file(path) != 0)
                n_run = -1;
            else if (n_run >= 0)
                n_run++;
        }
        free(names[i]);
    }
    free(names);
    return n_run;
}

int main(int argc, char **argv)
{
    int n_total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat info;
        if (stat(argv[i], &info) != 0) {
            perror(argv[i]);
            return 1;
        }
        int n_run = S_ISDIR(info.st_mode) ? run_folder(argv[i]) : (run_file(argv[i]) ? -1 : 1);
        if (n_run < 0)
            return 1;
        printf("%s: %d inputs\n", argv[i], n_run);
        n_total += n_run;
    }
    if (n_total == 0) {
        fprintf(stderr, "no inputs\n");
        return 1;
    }
    printf("%d inputs ran cleanly\n", n_total);
    return 0;
}
