// main: command line -> app -> exit code. The only place that exits.
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "base/file_io.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "show/schedule.h"
#include "show/service_config.h"

enum exit_code {
    EXIT_CODE_OK = 0,
    EXIT_CODE_PROBLEMS = 1,
    EXIT_CODE_USAGE = 2,
    EXIT_CODE_RESTART = APP_RUN_RESTART, // never returned: main executes itself again
};

static const char usage_text[] =
    "Usage: signage-player [options] PLAYLIST\n"
    "       signage-player [options] --config FILE [PLAYLIST]\n"
    "Plays PLAYLIST (slides, images and video) full-screen, in a loop.\n"
    "\n"
    "  --config FILE      take settings from FILE (e.g. /etc/signage/signage.conf):\n"
    "                     KEY = VALUE lines for playlist, content, play-log and control;\n"
    "                     relative paths are relative to FILE's folder; the command line\n"
    "                     wins over FILE; any mistake in FILE is an error (exit 1).\n"
    "                     display-off and display-on (only here) are commands run when\n"
    "                     the schedule leaves the screen idle and when it plays again\n"
    "  --check            validate the playlist and every file it names, then exit:\n"
    "                     0 clean, 1 problems found (printed as FILE:LINE: message)\n"
    "  --at TIME          with --check: also print what plays at local TIME, written\n"
    "                     \"YYYY-MM-DD HH:MM\": the active schedule section and its items\n"
    "  --loops N          exit after N complete passes (default: loop forever)\n"
    "  --play-log FILE    append one JSON line per item shown (proof of play)\n"
    "  --window WxH       a window of that size instead of full-screen (preview)\n"
    "  --content DIR      the content folder (default: ../content from the playlist's folder)\n"
    "  --control PATH     the control socket signage-ctl talks to (default under systemd:\n"
    "                     $RUNTIME_DIRECTORY/control.sock; otherwise none)\n"
    "\n"
    "Usage: signage-player --render DECK --out DIR [--size WxH]\n"
    "Writes every slide of a Markdown deck as DIR/slide-NN.png and a contact sheet\n"
    "DIR/contact-sheet.png, at WxH (default 1920x1080), without a window.\n"
    "\n"
    "  --verbose          log debug messages too\n"
    "  --version          print the version and exit\n"
    "  --help             print this help and exit\n"
    "\n"
    "SDL_VIDEODRIVER, SDL_AUDIODRIVER and SDL_RENDER_DRIVER choose SDL's drivers\n"
    "(kmsdrm on a Raspberry Pi without a desktop; x11 or wayland on one).\n";

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *format, ...)
{
    fprintf(stderr, "signage-player: ");
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\nTry 'signage-player --help'.\n");
    return EXIT_CODE_USAGE;
}

// Strings main allocated for options; freed before main returns.
struct owned_options {
    char *playlist_path, *content_root, *play_log_path, *control_path;
    char *display_off_command, *display_on_command;
};

static void owned_options_free(struct owned_options *owned)
{
    free(owned->playlist_path);
    free(owned->content_root);
    free(owned->play_log_path);
    free(owned->control_path);
    free(owned->display_off_command);
    free(owned->display_on_command);
}

static bool parse_long(const char *text, long min, long *value)
{
    char *end;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    if (errno || end == text || *end || parsed < min)
        return false;
    *value = parsed;
    return true;
}

static bool parse_size(const char *text, int *width, int *height)
{
    char *end;
    long w = strtol(text, &end, 10);
    if (end == text || (*end != 'x' && *end != 'X'))
        return false;
    const char *rest = end + 1;
    long h = strtol(rest, &end, 10);
    if (end == rest || *end || w < 16 || h < 16 || w > 16384 || h > 16384)
        return false;
    *width = (int)w;
    *height = (int)h;
    return true;
}

// path as written in config_file: relative to config_file's folder unless
// absolute. Caller frees.
static char *path_beside(const char *config_file, const char *path)
{
    const char *slash = strrchr(config_file, '/');
    if (path[0] == '/' || !slash)
        return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - config_file), config_file, path);
}

// Sets *option from a config value unless the command line already did.
static void option_fill(const char **option, char **owned, const char *config_file,
                        const char *value)
{
    if (*option || !value)
        return;
    *owned = path_beside(config_file, value);
    *option = *owned;
}

// One problem with the configuration: plain on stderr for --check (like its
// other problems), logged with the error priority otherwise.
static void config_problem(bool is_check, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void config_problem(bool is_check, const char *format, ...)
{
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (is_check)
        fprintf(stderr, "%s\n", message);
    else
        log_error("%s", message);
}

// Reads and parses --config FILE and fills the options the command line left
// unset (owned keeps the strings). On any problem prints each as FILE:LINE:
// message and returns false.
static bool config_apply(const char *config_file, bool is_check, struct app_options *options,
                         struct owned_options *owned)
{
    char *text;
    size_t length;
    int result = file_read_all(config_file, FILE_IO_TEXT_MAX_BYTES, &text, &length);
    if (result != 0) {
        config_problem(is_check, "%s: cannot read the configuration: %s", config_file,
                       strerror(-result));
        return false;
    }
    struct parse_report report;
    struct service_config *config = service_config_parse(text, length, &report);
    free(text);
    if (!config) {
        for (size_t i = 0; i < report.n_errors; i++)
            config_problem(is_check, "%s:%d: %s", config_file, report.errors[i].line,
                           report.errors[i].message);
        if (report.n_dropped)
            config_problem(is_check, "%s: %zu more problems not shown", config_file,
                           report.n_dropped);
        return false;
    }
    option_fill(&options->playlist_path, &owned->playlist_path, config_file,
                service_config_playlist(config));
    option_fill(&options->content_root, &owned->content_root, config_file,
                service_config_content(config));
    option_fill(&options->play_log_path, &owned->play_log_path, config_file,
                service_config_play_log(config));
    option_fill(&options->control_path, &owned->control_path, config_file,
                service_config_control(config));
    // Commands come from the config alone, taken as written: no command-line
    // option, so a unit file's ExecStart= cannot hide one from the admin.
    if (service_config_display_off(config))
        options->display_off_command = owned->display_off_command =
            xstrdup(service_config_display_off(config));
    if (service_config_display_on(config))
        options->display_on_command = owned->display_on_command =
            xstrdup(service_config_display_on(config));
    service_config_destroy(config);
    return true;
}

// Runs what options ask for once the command line and --config are settled.
// at: --at's local time, or NULL.
static int run(const struct app_options *options, bool is_check,
               const struct schedule_civil_time *at, const char *config_file)
{
    if (options->render_deck_path)
        return app_render_deck(options) == 0 ? EXIT_CODE_OK : EXIT_CODE_PROBLEMS;
    if (!options->playlist_path)
        return usage_error("%s sets no playlist: add playlist = PATH to it, or give PLAYLIST",
                           config_file);
    if (is_check)
        return app_check_at(options, at) == 0 ? EXIT_CODE_OK : EXIT_CODE_PROBLEMS;
    int result = app_run(options);
    return result == APP_RUN_RESTART ? EXIT_CODE_RESTART
           : result == 0             ? EXIT_CODE_OK
                                     : EXIT_CODE_PROBLEMS;
}

int main(int argc, char **argv)
{
    enum {
        OPTION_CHECK = 256,
        OPTION_LOOPS,
        OPTION_PLAY_LOG,
        OPTION_WINDOW,
        OPTION_CONTENT,
        OPTION_VERBOSE,
        OPTION_VERSION,
        OPTION_HELP,
        OPTION_RENDER,
        OPTION_OUT,
        OPTION_SIZE,
        OPTION_CONTROL,
        OPTION_CONFIG,
        OPTION_AT,
    };
    static const struct option long_options[] = {
        {"check", no_argument, NULL, OPTION_CHECK},
        {"loops", required_argument, NULL, OPTION_LOOPS},
        {"play-log", required_argument, NULL, OPTION_PLAY_LOG},
        {"window", required_argument, NULL, OPTION_WINDOW},
        {"content", required_argument, NULL, OPTION_CONTENT},
        {"control", required_argument, NULL, OPTION_CONTROL},
        {"config", required_argument, NULL, OPTION_CONFIG},
        {"at", required_argument, NULL, OPTION_AT},
        {"render", required_argument, NULL, OPTION_RENDER},
        {"out", required_argument, NULL, OPTION_OUT},
        {"size", required_argument, NULL, OPTION_SIZE},
        {"verbose", no_argument, NULL, OPTION_VERBOSE},
        {"version", no_argument, NULL, OPTION_VERSION},
        {"help", no_argument, NULL, OPTION_HELP},
        {NULL, 0, NULL, 0},
    };
    struct app_options options = {.render_width_px = 1920, .render_height_px = 1080};
    bool is_check = false;
    const char *config_file = NULL;
    struct schedule_civil_time at;
    bool has_at = false;
    const char *why;
    opterr = 0;
    int option;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case OPTION_CHECK:
            is_check = true;
            break;
        case OPTION_LOOPS:
            if (!parse_long(optarg, 1, &options.loops))
                return usage_error("--loops needs a whole number of at least 1, not '%s'", optarg);
            break;
        case OPTION_PLAY_LOG:
            options.play_log_path = optarg;
            break;
        case OPTION_WINDOW:
            if (!parse_size(optarg, &options.window_width_px, &options.window_height_px))
                return usage_error("--window needs a size like 1280x720, not '%s'", optarg);
            break;
        case OPTION_CONTENT:
            options.content_root = optarg;
            break;
        case OPTION_CONTROL:
            options.control_path = optarg;
            break;
        case OPTION_CONFIG:
            config_file = optarg;
            break;
        case OPTION_AT:
            if (schedule_civil_time_parse(optarg, strlen(optarg), &at, &why) != 0)
                return usage_error(
                    "--at needs a local time like \"2026-12-01 08:00\", not '%s': %s", optarg, why);
            has_at = true;
            break;
        case OPTION_RENDER:
            options.render_deck_path = optarg;
            break;
        case OPTION_OUT:
            options.render_out_dir = optarg;
            break;
        case OPTION_SIZE:
            if (!parse_size(optarg, &options.render_width_px, &options.render_height_px))
                return usage_error("--size needs a size like 1920x1080, not '%s'", optarg);
            break;
        case OPTION_VERBOSE:
            log_set_max_level(LOG_LEVEL_DEBUG);
            break;
        case OPTION_VERSION:
            printf("signage-player %s\n", SIGNAGE_VERSION);
            return EXIT_CODE_OK;
        case OPTION_HELP:
            fputs(usage_text, stdout);
            return EXIT_CODE_OK;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (has_at && !is_check)
        return usage_error("%s",
                           "--at goes with --check: --check --at \"2026-12-01 08:00\" PLAYLIST");
    if (options.render_deck_path || options.render_out_dir) {
        if (!options.render_deck_path || !options.render_out_dir || optind != argc)
            return usage_error("%s", "--render DECK goes with --out DIR and no PLAYLIST");
    } else if (optind < argc - 1 || (optind == argc && !config_file)) {
        return usage_error("%s",
                           optind == argc ? "give exactly one PLAYLIST" : "give only one PLAYLIST");
    } else if (optind == argc - 1) {
        options.playlist_path = argv[optind];
    }
    struct owned_options owned = {0};
    int exit_code = EXIT_CODE_PROBLEMS; // a service with a broken config fails loudly
    if (!config_file || config_apply(config_file, is_check, &options, &owned))
        exit_code = run(&options, is_check, has_at ? &at : NULL, config_file);
    owned_options_free(&owned);
    if (exit_code == EXIT_CODE_RESTART) {
        // Same process (systemd's main PID, its watchdog and notify socket
        // stay), fresh state: signage.conf and the screens are read anew.
        // /proc/self/exe is this very binary even if a package upgrade has
        // replaced the file meanwhile (the upgrade restarts the service anyway).
        log_info("starting again");
        execv("/proc/self/exe", argv);
        log_error("cannot start again: %s", strerror(errno));
        exit_code = EXIT_CODE_PROBLEMS; // systemd starts it afresh
    }
    return exit_code;
}
