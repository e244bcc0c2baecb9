#!/usr/bin/env bash
# make-standin-clips.sh [CLIPS_DIR]
#
# Generates a stand-in for each lesson clip that is missing from CLIPS_DIR
# (default: content/clips of this repository), so the lesson deck plays end
# to end before the teacher has dropped in the real videos.
#
# A file already present under a clip's name is never touched, even when it
# is empty (that only prints a warning). Each stand-in is 1920x1080, 12 s,
# 25 fps, H.264 + AAC in MP4 (faststart): a moving test pattern with the
# clip's title on a semi-transparent box and a small "stand-in" line, over a
# quiet 440 Hz tone. It is written to a hidden temp file in CLIPS_DIR and only
# then moved to its real name, so an interrupted run never leaves a
# half-written clip under that name.
#
# Needs: ffmpeg (with the drawtext filter) and the font "Noto Sans CJK SC"
# (Debian: apt-get install ffmpeg fonts-noto-cjk).
# Exit status: 0 when every clip is present afterwards, 1 otherwise.

set -u

# The clip names the deck (content/lesson/lesson.md) plays, byte for byte.
CLIP_NAMES='探访钢材“黑灯工厂” 你的汽车可能和这里也有关系.mp4
山东滨湖“聪明”的煤矿让生产更安全高效.mp4
走进传统纸包装企业 感受“国家绿色工厂”魅力.mp4
新质生产力，是个什么力？.mp4
工业互联网：“联”出来的生产力.mp4
宁夏：数据中心向“智算中心”升级，“东数西算”工程投资带动效应明显.mp4
樟树：加“数”前行 擦亮“中国药都”金字招牌.mp4
人形机器人Walker S进新能源车厂“打工”啦！.mp4'

FONT='Noto Sans CJK SC'
NOTE='stand-in clip — replace with the real file'
DURATION=12
RATE=25
WIDTH=1920
HEIGHT=1080
TITLE_MAX_PX=84       # font size for short titles
TITLE_SPAN_PX=1680    # widest a title line may get (frame minus margins and box)

die() {
    printf 'make-standin-clips: %s\n' "$*" >&2
    exit 1
}

script_dir=$(cd "$(dirname "$0")" && pwd) || die "cannot find the script's folder"
clips_dir=${1:-"$script_dir/../content/clips"}

command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg not found (apt-get install ffmpeg)"
ffmpeg -hide_banner -filters 2>/dev/null | grep -q ' drawtext ' ||
    die "this ffmpeg has no drawtext filter (needs libfreetype/fontconfig)"
if command -v fc-list >/dev/null 2>&1; then
    fc-list "$FONT" | grep -q . ||
        die "font '$FONT' not installed (apt-get install fonts-noto-cjk)"
fi

mkdir -p -- "$clips_dir" || die "cannot create $clips_dir"
clips_dir=$(cd -- "$clips_dir" && pwd) || die "cannot enter $clips_dir"

work=$(mktemp -d "${TMPDIR:-/tmp}/standin-clips.XXXXXX") || die "mktemp failed"
partial=''
# shellcheck disable=SC2317  # called through trap
cleanup() {
    [ -n "$partial" ] && rm -f -- "$partial"
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The note goes through a file too: drawtext's textfile= avoids escaping the
# quotes, colons and commas of the titles for the filtergraph parser. ffmpeg
# runs inside $work so the filter only ever sees the bare names below.
printf '%s' "$NOTE" >"$work/note.txt"

# Characters (not bytes) in a UTF-8 string, without relying on the locale:
# drop the continuation bytes 0x80-0xBF, then count what is left.
char_count() {
    printf '%s' "$1" | LC_ALL=C tr -d '\200-\277' | LC_ALL=C wc -c | tr -d ' '
}

status=0
while IFS= read -r name; do
    [ -n "$name" ] || continue
    target="$clips_dir/$name"
    if [ -e "$target" ] || [ -L "$target" ]; then
        if [ ! -s "$target" ]; then
            printf 'make-standin-clips: warning: %s is empty (0 bytes); kept it as it is\n' \
                "$target" >&2
        fi
        printf 'kept %s (already present)\n' "$name"
        continue
    fi

    title=${name%.mp4}
    printf '%s' "$title" >"$work/title.txt"
    # Size the title so the whole line fits: every character is counted as a
    # full CJK em, which over-estimates Latin letters and is therefore safe.
    n=$(char_count "$title")
    [ "$n" -gt 0 ] || n=1
    size=$((TITLE_SPAN_PX / n))
    [ "$size" -le "$TITLE_MAX_PX" ] || size=$TITLE_MAX_PX

    video="[0:v]drawtext=font='$FONT':textfile=title.txt:fontsize=$size:fontcolor=white"
    video="$video:box=1:boxcolor=black@0.6:boxborderw=$((size / 2))"
    video="$video:x=(w-text_w)/2:y=(h-text_h)/2"
    video="$video,drawtext=font='$FONT':textfile=note.txt:fontsize=34:fontcolor=white"
    video="$video:box=1:boxcolor=black@0.6:boxborderw=12"
    video="$video:x=(w-text_w)/2:y=h/2+$((size + 90))[v]"
    audio="[1:a]volume=0.3,aformat=channel_layouts=stereo[a]"

    # mktemp makes the file 0600; it gets the usual umask mode before the move
    # so a player running as another user can read it.
    partial=$(mktemp "$clips_dir/.standin.XXXXXX") || die "cannot write in $clips_dir"
    if (cd "$work" && ffmpeg -hide_banner -nostdin -loglevel error -y \
        -f lavfi -i "testsrc2=size=${WIDTH}x${HEIGHT}:rate=$RATE:duration=$DURATION" \
        -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$DURATION" \
        -filter_complex "$video;$audio" -map '[v]' -map '[a]' \
        -c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p -r "$RATE" \
        -c:a aac -b:a 96k -t "$DURATION" \
        -movflags +faststart -f mp4 "$partial") &&
        chmod "$(printf '%o' $((0666 & ~0$(umask))))" "$partial"; then
        # Move into place without clobbering a file that appeared meanwhile:
        # a hard link fails if the name exists; mv -n is the fallback where
        # the file system has no hard links (FAT/exFAT sticks).
        if ln -- "$partial" "$target" 2>/dev/null ||
            { mv -n -- "$partial" "$target" && [ ! -e "$partial" ]; }; then
            printf 'generated %s\n' "$name"
        elif [ -e "$target" ]; then
            printf 'kept %s (already present)\n' "$name"
        else
            printf 'make-standin-clips: could not move the stand-in to %s\n' "$target" >&2
            status=1
        fi
        rm -f -- "$partial"
        partial=''
    else
        printf 'make-standin-clips: ffmpeg failed for %s\n' "$name" >&2
        rm -f -- "$partial"
        partial=''
        status=1
    fi
done <<EOF
$CLIP_NAMES
EOF

exit "$status"
