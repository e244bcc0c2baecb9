// app: the player. Owns every module, runs the main loop (events, schedule,
// render, wait) and turns what happens into play-log records.
#ifndef SIGNAGE_APP_APP_H
#define SIGNAGE_APP_APP_H

struct schedule_civil_time;

struct app_options {
    const char *playlist_path;
    const char *content_root;  // NULL: "content" beside the playlist's folder
    long loops;                // stop after this many passes; 0 = forever
    const char *play_log_path; // NULL: no play log
    const char *control_path;  // NULL: $RUNTIME_DIRECTORY/control.sock, or none
    // signage.conf's display-off / display-on command lines (split into words,
    // no shell), run when the schedule leaves the screen idle and when it plays
    // again; NULL: none. Only from the root-owned config, never a playlist.
    const char *display_off_command;
    const char *display_on_command;
    int window_width_px; // 0 x 0: full-screen
    int window_height_px;
    // --render: the deck to draw, where to, and at which screen size.
    const char *render_deck_path;
    const char *render_out_dir;
    int render_width_px, render_height_px;
};

// The content root options imply. Returns a new string (caller frees).
char *app_default_content_root(const char *playlist_path);

// app_run()'s answer when the player must start again in place (other
// screens under kmsdrm, `signage-ctl restart`): everything is closed and the
// caller (main) executes the program again with the same arguments.
#define APP_RUN_RESTART 3

// Plays until the loops are done or SIGINT/SIGTERM/window close. Returns the
// process exit code: 0, or 1 when the player could not start, or
// APP_RUN_RESTART.
int app_run(const struct app_options *options);

// --check: validates without a window; prints each problem as FILE:LINE:
// message on stderr. Returns 0 when clean, 1 when problems were found.
int app_check(const struct app_options *options);

// --check --at: app_check(), then the entries that would play at local time
// at (which section is active, until when), one per line on stdout.
int app_check_at(const struct app_options *options, const struct schedule_civil_time *at);

// --render: writes every slide of options->render_deck_path as
// render_out_dir/slide-NN.png and a contact-sheet.png of all of them, at
// render_width_px x render_height_px, without a window. Images in the deck are
// looked up below the deck's folder (or content_root when given). Returns 0,
// or 1 when the deck has errors or a file cannot be written.
int app_render_deck(const struct app_options *options);

#endif
