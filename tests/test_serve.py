"""``letterpress serve``'s app: HTTP Range for narrations, CORS for feeds and chapters.

Browsers seek in a recording they have not downloaded by asking for byte
ranges; a server that answers every request with the whole file (MkDocs' own
dev server does) breaks seeking and chapter links. These tests talk to the real
app over HTTP on 127.0.0.1 (the session's ``site_server``).
"""

from __future__ import annotations

import os

import httpx
import lxml.html
import pytest
import uvicorn

from browser_helpers import free_port, in_thread
from letterpress.site.serve import BUILD_PATH, Preview, make_app
from run_options import PREVIEW

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



# -- what the preview shares, and with whom ----------------------------------------------------

DRAFT = "an-unfinished-letter"
PUBLISHED = ("the-listening-hour", "small-rituals", "the-art-of-staying")


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def preview_server(tmp_path_factory, sample_root, request):
    """``letterpress serve`` as it runs (with each engine): the sample built with drafts, served on 127.0.0.1."""
    preview = Preview(sample_root, tmp_path_factory.mktemp("preview") / "site", PREVIEW, engine=request.param)
    preview.build()
    config = uvicorn.Config(make_app(preview), host="127.0.0.1", port=free_port(), log_level="warning",
                            lifespan="off")
    with in_thread(config) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def shared(response) -> bool:
    return response.headers.get("access-control-allow-origin") == "*"


@pytest.mark.parametrize("path", [*FEEDS, CHAPTERS, *(f"essays/{slug}/" for slug in PUBLISHED),
                                  f"essays/{PUBLISHED[0]}/index.html"])
def test_feeds_chapters_and_published_essays_are_shared(preview_server, path):
    response = preview_server.get("/" + path, headers={"Origin": "https://player.example.net"})
    assert response.status_code == 200
    assert shared(response)


@pytest.mark.parametrize("path", [f"essays/{DRAFT}/", f"newsletter/{DRAFT}/", "newsletter/", "", "essays/",
                                  "about/", "sitemap.xml", "search index", BUILD_PATH.lstrip("/"),
                                  f"newsletter/{PUBLISHED[0]}/", NARRATION])
def test_nothing_else_is_shared_with_other_origins(preview_server, path):
    if path == "search index":  # MkDocs' or Zensical's
        [path] = [p for p in ("search/search_index.json", "search.json") if preview_server.get("/" + p).is_success]
    response = preview_server.get("/" + path, headers={"Origin": "https://evil.example"})
    assert response.status_code == 200, path
    assert not shared(response), f"/{path} may be read by any web page"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_requests_for_another_host_are_refused(preview_server, host):
    # A DNS-rebinding page reaches 127.0.0.1 under its own name, which it sends as Host.
    response = preview_server.get(f"/essays/{DRAFT}/", headers={"Host": host})
    assert response.status_code in (400, 421)
    assert "Dear M." not in response.text


def test_loopback_names_are_served(preview_server):
    port = preview_server.base_url.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert preview_server.get("/", headers={"Host": host}).status_code == 200


def test_the_preview_shows_the_draft_marked_as_a_draft(preview_server):
    response = preview_server.get(f"/essays/{DRAFT}/")
    assert response.status_code == 200
    root = lxml.html.fromstring(response.text)
    [banner] = root.find_class("lp-draft-banner")
    assert banner.text_content().startswith("Draft")
    assert "Dear M." in root.text_content()
    listing = lxml.html.fromstring(preview_server.get("/essays/").text)
    [entry] = [e for e in listing.find_class("lp-listing") if DRAFT in lxml.html.tostring(e, encoding=str)]
    assert "Draft" in entry.text_content()


def test_a_build_leaves_the_draft_out(built_site, preview_server):
    assert not (built_site / "essays" / DRAFT).exists()
    for name in FEEDS:
        assert DRAFT not in (built_site / name).read_text(encoding="utf-8")
        assert DRAFT not in preview_server.get("/" + name).text, f"the preview's {name} lists the draft"


# -- what serve is given, and what it leaves alone ---------------------------------------------

A_DRAFT = "---\ntitle: Not Yet\ndescription: A draft.\ndate: 2026-04-03\nauthors: [julia]\ndraft: true\n---\n\nText.\n"


def test_serve_takes_its_options_and_leaves_the_environment_alone(minimal_publication, monkeypatch):
    """Drafts and the reload script come from the options serve is given; os.environ is the same after."""
    from letterpress.site.serve import serve_publication

    (minimal_publication / "docs/essays/posts/not-yet.md").write_text(A_DRAFT, encoding="utf-8")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "true")  # Material writes it on import: set it first, as it would
    before = dict(os.environ)
    seen = {}

    def serve_once(app, host, port, log_level):  # instead of serving until Ctrl+C: what a browser gets, once
        seen["environment"] = dict(os.environ)
        config = uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off")
        with in_thread(config) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
            seen["draft"] = client.get("/essays/not-yet/").text
            seen["letter"] = client.get("/newsletter/not-yet/").status_code

    monkeypatch.setattr(uvicorn, "run", serve_once)
    serve_publication(minimal_publication, PREVIEW, port=free_port())
    assert seen["environment"] == before and dict(os.environ) == before
    assert "lp-draft-banner" in seen["draft"] and f'fetch("{BUILD_PATH}"' in seen["draft"]
    assert seen["letter"] == 200  # the draft's web version: the run's options reach the writers too
