"""How a narration's numbers are read and shown: literal values, each one chosen to catch an off-by-one."""

from __future__ import annotations

import pytest

from letterpress.model.audio import (
    NotAudioError,
    format_clock,
    format_timecode,
    human_size,
    iso_duration,
    parse_timecode,
    read_facts,
)


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0:00"), (5, "0:05"), (59.4, "0:59"), (59.6, "1:00"), (60.0875, "1:00"), (61, "1:01"),
    (599, "9:59"), (3599, "59:59"), (3600, "1:00:00"), (3601, "1:00:01"), (3661, "1:01:01"),
    (36000, "10:00:00"),
])
def test_the_player_clock(seconds, shown):
    assert format_clock(seconds) == shown


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "00:00:00"), (60.0875, "00:01:00"), (252, "00:04:12"), (3599, "00:59:59"), (3600, "01:00:00"),
    (3661, "01:01:01"), (86399, "23:59:59"),
])
def test_the_itunes_duration(seconds, shown):
    assert format_timecode(seconds) == shown


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "PT0S"), (5, "PT5S"), (60, "PT1M"), (65, "PT1M5S"), (3600, "PT1H"), (3605, "PT1H5S"), (3725, "PT1H2M5S"),
])
def test_the_schema_org_duration(seconds, shown):
    assert iso_duration(seconds) == shown


@pytest.mark.parametrize(("length", "shown"), [
    (1, "1 KB"), (499, "1 KB"), (1499, "1 KB"), (1500, "2 KB"), (240558, "241 KB"), (999_499, "999 KB"),
    (1_000_000, "1.0 MB"), (3_250_000, "3.2 MB"), (3_260_000, "3.3 MB"), (48_000_000, "48.0 MB"),
])
def test_the_file_size(length, shown):
    assert human_size(length) == shown


@pytest.mark.parametrize(("value", "seconds"), [
    ("00:00", 0), ("4:12", 252), ("04:12", 252), ("59:59", 3599), ("1:00:00", 3600), ("01:02:03", 3723),
    ("10:00:00", 36000), (" 0:20 ", 20), (252, 252), (0, 0),
])
def test_timecodes_read_as_seconds(value, seconds):
    assert parse_timecode(value) == seconds


@pytest.mark.parametrize("value", [
    "", "12", "4:60", "1:60:00", "4:2", "100:00:00", "1:00:00:00", "a:bc", "-1:00", -1, True, False, 1.5, None,
])
def test_what_is_not_a_timecode(value):
    assert parse_timecode(value) is None


def test_a_size_on_the_half_rounds_up():
    assert human_size(1_050_000) == "1.1 MB"


def test_a_recording_that_cannot_be_parsed_says_so_in_plain_words(tmp_path):
    broken = tmp_path / "broken.flac"
    broken.write_bytes(b"fLaC\x00\x00\x00\x22garbage")  # a FLAC header promising 34 bytes, then 7
    with pytest.raises(NotAudioError) as raised:
        read_facts(broken)
    assert str(raised.value) == "its sound cannot be read; it may be damaged, or not a recording"
