"""``letterpress serve``'s app: HTTP Range for narrations, CORS for feeds and chapters.

Browsers seek in a recording they have not downloaded by asking for byte
ranges; a server that answers every request with the whole file (MkDocs' own
dev server does) breaks seeking and chapter links. These tests talk to the real
app over HTTP on 127.0.0.1 (the session's ``site_server``).
"""

from __future__ import annotations

import httpx
import pytest

NARRATION = "essays/audio/the-listening-hour.mp3"
CHAPTERS = "essays/the-listening-hour/chapters.json"
FEEDS = ("rss.xml", "atom.xml", "feed.json", "podcast.xml")


@pytest.fixture(scope="module")
def client(site_server):
    with httpx.Client(base_url=site_server, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def narration(built_site) -> bytes:
    return (built_site / NARRATION).read_bytes()


def test_a_byte_range_of_the_narration_is_206_partial_content(client, narration):
    response = client.get("/" + NARRATION, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 0-99/{len(narration)}"
    assert response.headers["content-length"] == "100"
    assert response.content == narration[:100]
    assert response.headers["content-type"] == "audio/mpeg"


def test_a_range_from_the_middle_to_the_end_is_served(client, narration):
    start = len(narration) // 2
    response = client.get("/" + NARRATION, headers={"Range": f"bytes={start}-"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{len(narration) - 1}/{len(narration)}"
    assert response.content == narration[start:]


def test_a_range_beyond_the_end_is_416(client, narration):
    response = client.get("/" + NARRATION, headers={"Range": f"bytes={len(narration) + 10}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(narration)}"


def test_the_whole_narration_is_200_and_announces_ranges(client, narration):
    response = client.get("/" + NARRATION)
    assert response.status_code == 200
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == narration


def test_folders_serve_their_index_page(client):
    response = client.get("/essays/the-listening-hour/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "The Listening Hour" in response.text


def test_a_missing_page_is_404(client):
    assert client.get("/essays/no-such-essay/").status_code == 404


@pytest.mark.parametrize("path", [CHAPTERS, *FEEDS])
def test_chapters_and_feeds_may_be_read_from_other_origins(client, built_site, path):
    assert (built_site / path).is_file(), f"the build wrote no {path}"
    response = client.get("/" + path, headers={"Origin": "https://player.example.net"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"

