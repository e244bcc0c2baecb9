"""End to end: a week of schedule, with the night the clocks go forward, on a
fake clock (issue #9).

The player runs under libfaketime (Debian package faketime) started at Monday
2026-03-23 06:00 in Europe/Berlin, with the clock running RATE times faster
than real time, until the play log reaches Sunday 2026-03-29 22:00: about
2.7 real minutes for the simulated week. That Sunday the clocks go forward at
02:00 (+01:00 -> +02:00): 02:00-03:00 does not exist.

Why every clock is faked, monotonic included (no FAKETIME_DONT_FAKE_MONOTONIC):
the player times slides and all its waiting on CLOCK_MONOTONIC and reads the
wall clock only for the schedule (time(), once per civil minute) and the play
log's ts (CLOCK_REALTIME). It turns the wait until the next window edge into a
monotonic deadline and sleeps in ppoll(). libfaketime speeds up CLOCK_MONOTONIC
by the same factor as the wall clock and divides the timeouts of ppoll() and
the other sleeping calls by it, so the player lives in a coherent, fast world:
a 5 m slide lasts 5 fake minutes (83 real ms), the idle night sleeps until
07:30 and wakes on time, and ts and duration_ms agree. With the monotonic clock
left real, the wall clock would race while slides last their real time and the
deadline of an idle night (computed in wall seconds, slept in monotonic ones)
would be RATE times too long: the player would sleep through the morning.

What costs real time (rendering a slide, about a millisecond) costs RATE times
as much fake time, so an item may start a few fake minutes after the one
before ended. Hence the tolerance at window edges: the item on screen plays to
its end and the next one is chosen then, so a record may belong to a section
that was active up to one slide time plus a few minutes (scaled for the
sanitizer build) before its ts.

The expected section at each instant is computed here, independently of the
player, from the documented precedence: the most specific wins, dates first,
then days, then times (a section with the part beats one without; when both
have it, the one covering less wins; ties go to the one further down)."""

import datetime
import glob
import os
import sys
import time
import unittest
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from e2e import TIME_SCALE, LivePlayerTest, read_play_log  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.timezone.utc
RATE = 3600  # fake seconds per real second
START = datetime.datetime(2026, 3, 23, 6, 0, tzinfo=BERLIN)  # a Monday, before school
END = datetime.datetime(2026, 3, 29, 22, 0, tzinfo=BERLIN)  # the Sunday of the DST change
SLIDE = datetime.timedelta(minutes=5)
# An item may start this long after the section that chose it ended.
TOLERANCE = SLIDE + datetime.timedelta(minutes=5) * TIME_SCALE

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Section:
    """A schedule section as the README defines it (no ranges crossing
    midnight here, so a time window belongs to the day it lies in)."""

    def __init__(self, index, deck, days=None, dates=None, times=None):
        self.index, self.deck = index, deck
        self.days, self.dates, self.times = days, dates, times

    def minutes(self):
        start, end = self.times
        return (end[0] * 60 + end[1]) - (start[0] * 60 + start[1])

    def fits(self, local):
        """local: a naive civil time (wall clock reading)."""
        if self.dates and local.date() not in self.dates:
            return False
        if self.days and DAYS[local.weekday()] not in self.days:
            return False
        if self.times:
            minute = local.hour * 60 + local.minute
            start, end = self.times
            if not start[0] * 60 + start[1] <= minute < end[0] * 60 + end[1]:
                return False
        return True

    def specificity(self):
        """Larger is more specific: dates, then days, then times, then position."""
        return (self.dates is not None, -len(self.dates or ()),
                self.days is not None, -len(self.days or ()),
                self.times is not None, -(self.minutes() if self.times else 0),
                self.index)


SECTIONS = [
    Section(0, "school.md", days=DAYS[0:5], times=((7, 30), (17, 30))),
    Section(1, "weekend.md", days=["sat", "sun"]),
    Section(2, "dstnight.md", dates=[datetime.date(2026, 3, 29)], times=((1, 0), (4, 0))),
]
PLAYLIST = ("slide-time = 5m\n"
            "idle = black\n"
            "[mon-fri 07:30-17:30]\ndeck school.md\n"
            "[sat,sun]\ndeck weekend.md\n"
            "[2026-03-29 01:00-04:00]\ndeck dstnight.md\n")


def expected_deck(instant):
    """The deck of the section active at an aware instant, or None (idle)."""
    local = instant.astimezone(BERLIN).replace(tzinfo=None)
    fitting = [s for s in SECTIONS if s.fits(local)]
    return max(fitting, key=Section.specificity).deck if fitting else None


def decks_within(instant, before):
    """The decks active at some minute of [instant - before, instant]."""
    decks = set()
    t = instant - before
    while t <= instant:
        decks.add(expected_deck(t))
        t += datetime.timedelta(minutes=1)
    decks.add(expected_deck(instant))
    return decks


def faketime_library():
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    return found[0] if found else None


class ScheduleWeekTest(LivePlayerTest):
    def setUp(self):
        super().setUp()
        for name, title in (("school", "Schule"), ("weekend", "Wochenende"),
                            ("dstnight", "Zeitumstellung")):
            self.write(f"content/{name}.md", f"# {title} 1\n\n---\n\n# {title} 2\n")

    def test_a_week_with_the_spring_forward_night(self):
        library = faketime_library()
        self.assertIsNotNone(library, "libfaketime is missing: apt-get install faketime")
        playlist = self.write("playlists/week.playlist", PLAYLIST)
        preload = " ".join(p for p in (os.environ.get("SIGNAGE_PLAYER_PRELOAD"), library) if p)
        env = {
            "TZ": "Europe/Berlin",
            "LD_PRELOAD": preload,
            "FAKETIME": "@" + START.strftime("%Y-%m-%d %H:%M:%S") + f" x{RATE}",
        }
        started = time.monotonic()
        # start() waits for the control socket: long before 07:30 on the fake clock.
        self.start(playlist, env=env)
        real_s = (END - START).total_seconds() / RATE
        end_utc = END.astimezone(UTC)

        def reached_end():
            records = self.records()
            return records and datetime.datetime.fromisoformat(records[-1]["ts"]) >= end_utc
        reached = None
        deadline = time.monotonic() + real_s * 1.3 + 20
        while not reached and time.monotonic() < deadline and self.player.poll() is None:
            reached = reached_end()
            time.sleep(0.5)
        self.assertIsNone(self.player.poll(), self.stderr())
        self.stop(limit_s=5.0)
        took = time.monotonic() - started
        records = read_play_log(self.log)
        self.assertTrue(reached, f"the play log did not reach {END} in {took:.0f} s: "
                                 f"last {records[-1] if records else None}")
        self.assert_all_ok(records)
        print(f"simulated {END - START} in {took:.0f} real s, {len(records)} records",
              file=sys.stderr)

        shown = []  # (aware ts, deck, raw record)
        for record in records:
            ts = datetime.datetime.fromisoformat(record["ts"])
            deck = record["path"].split("#")[0]
            shown.append((ts, deck, record))
            # The player's local time agrees with zoneinfo's, offset included.
            self.assertEqual(ts.utcoffset(), ts.astimezone(BERLIN).utcoffset(), record)
            self.assertEqual(ts.replace(tzinfo=None),
                             ts.astimezone(BERLIN).replace(tzinfo=None), record)

        # Every record's item belongs to a section active at its ts (or, at an
        # edge, just before it).
        for ts, deck, record in shown:
            if ts < START.astimezone(UTC) or ts > end_utc + datetime.timedelta(hours=2):
                self.fail(f"a record outside the simulated week: {record}")
            self.assertIn(deck, decks_within(ts, TOLERANCE), record)

        # Each section played, each on its days.
        def local_days(name):
            return {ts.astimezone(BERLIN).date() for ts, deck, _ in shown if deck == name}
        week = [START.date() + datetime.timedelta(days=i) for i in range(7)]
        self.assertEqual(local_days("school.md"), set(week[0:5]))
        self.assertEqual(local_days("weekend.md"), set(week[5:7]))
        self.assertEqual(local_days("dstnight.md"), {datetime.date(2026, 3, 29)})

        # Weekday nights (and the Monday morning before school) are idle: no
        # record from the end of school (plus the tolerance) to 07:30.
        for day in week[0:5]:
            morning = datetime.datetime.combine(day, datetime.time(7, 30), BERLIN)
            evening = datetime.datetime.combine(day, datetime.time(17, 30), BERLIN)
            night_start = evening + TOLERANCE
            night_end = morning + datetime.timedelta(days=1)
            if day == week[4]:  # Friday night ends at midnight: then the weekend
                night_end = datetime.datetime.combine(week[5], datetime.time(0, 0), BERLIN)
            in_night = [r for ts, _, r in shown if night_start <= ts < night_end]
            self.assertEqual(in_night, [], f"records in the night after {day}")
            early = [r for ts, _, r in shown
                     if morning - datetime.timedelta(hours=1) <= ts < morning]
            self.assertEqual(early, [], f"records before school on {day}")
            # School starts on time: its first record within a few minutes of 07:30.
            first = min(ts for ts, deck, _ in shown
                        if deck == "school.md" and ts.astimezone(BERLIN).date() == day)
            self.assertLess(first - morning, datetime.timedelta(minutes=5) * TIME_SCALE,
                            f"school started late on {day}: {first}")

        # The DST night: +01:00 before the change, +02:00 after, nothing at
        # 02:xx local, and the date-range section on both sides of the gap.
        change = datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET = 03:00 CEST
        for ts, _, record in shown:
            expected = "+01:00" if ts < change else "+02:00"
            self.assertTrue(record["ts"].endswith(expected), record)
            self.assertFalse(record["ts"].startswith("2026-03-29T02:"), record)
        night = [(ts, r) for ts, deck, r in shown if deck == "dstnight.md"]
        self.assertTrue(any(r["ts"].startswith("2026-03-29T01:") and
                            r["ts"].endswith("+01:00") for _, r in night), night)
        self.assertTrue(any(r["ts"].startswith("2026-03-29T03:") and
                            r["ts"].endswith("+02:00") for _, r in night), night)
        # The weekend deck gives way to it: none from 01:00 (+ tolerance) to 04:00.
        night_start = datetime.datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN) + TOLERANCE
        night_end = datetime.datetime(2026, 3, 29, 4, 0, tzinfo=BERLIN)
        self.assertEqual([r for ts, deck, r in shown if deck == "weekend.md" and
                          night_start <= ts < night_end], [])
        # Two hours of dstnight (01:00-02:00 and 03:00-04:00), about 24 slides of 5 m.
        self.assertGreaterEqual(len(night), 16, night)
        self.assertLessEqual(len(night), 26, night)


if __name__ == "__main__":
    unittest.main(verbosity=2)
