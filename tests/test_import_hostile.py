"""The importers attacked as a hostile export or site would: each case the import must survive.

A hostile Ghost export (posts whose bodies try to become markup through
Markdown, titles that try to add front-matter keys, names and tags made of
HTML, a title of megabytes), hostile servers (a byte now and then, a redirect
to a service on this computer, a compressed bomb), hostile zips and URLs. The
imported publication is checked by ``letterpress check`` and built for real;
its pages are parsed and searched for anything that became markup.
"""

from __future__ import annotations

import gzip
import json
import signal
import threading
import time
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from markdown import Markdown

from hostile import injections
from import_support import FIXTURES, front_matter, publication, run, snapshot
from letterpress.migrate.convert import to_markdown
from letterpress.migrate.fetch import Fetcher, FetchError
from letterpress.migrate.substack import read_substack
from letterpress.migrate.wordpress import classic_to_html
from letterpress.migrate.writing import IMAGE_SUFFIXES, IMAGE_TYPES, _file_name
from run_options import SAMPLE

POSTS = Path("docs/essays/posts")
SITE = "https://old.example.org"

BODIES = {
    "attribute-list": '<p>Plain words {: onclick="alert(1)" }</p><p><em>emphasis</em>{: onmouseover="alert(2)" }</p>'
                      '<h2>A heading {#top onclick="alert(3)"}</h2><p>{: onclick="alert(4)" }</p>',
    "fence": "<p>Some code:</p><pre>before\n```\n&lt;img src=x onerror=alert(5)&gt;\n```\nafter</pre>"
             "<p>Inline <code>a ``` b</code> too.</p>",
    "schemes": '<p><a href="java&#x09;script:alert(6)">tab</a> <a href="JAVASCRIPT:alert(7)">caps</a> '
               '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">data</a> '
               '<a href="vbscript:alert(9)">vb</a></p><img src="javascript:alert(10)" alt="x">'
               '<img src="data:image/svg+xml,&lt;svg onload=alert(11)&gt;" alt="y">',
    "text": "<p>&lt;script&gt;alert(12)&lt;/script&gt; [x](javascript:alert(13)) "
            "&lt;img src=x onerror=alert(14)&gt;</p>",
}


def _hostile_export(target: Path) -> Path:
    posts = [{"id": f"p-{name}", "title": f"Hostile {name}", "slug": name, "html": html}
             for name, html in BODIES.items()]
    posts.append({"id": "p-yaml", "title": "Quiet\ndraft: false\nslug: taken-over", "slug": "yaml", "status": "draft",
                  "html": "<p>A draft whose title tries to publish it.</p>",
                  "custom_excerpt": "Line one\nnewsletter: true"})
    posts.append({"id": "p-markup", "title": "Reading <em>Walden</em> <script>alert(15)</script>again",
                  "slug": "markup", "html": "<p>A title, tags and an author made of HTML.</p>"})
    rows = [{"type": "post", "status": "published", "visibility": "public",
             "published_at": "2023-05-14T12:00:00.000Z", **post} for post in posts]
    tags = [{"id": "t1", "name": "<b>bold</b> &amp; <i>brave</i>"}, {"id": "t2", "name": "<script>x()</script>"}]
    data = {
        "posts": rows, "tags": tags,
        "posts_tags": [{"post_id": "p-markup", "tag_id": tag["id"], "sort_order": i} for i, tag in enumerate(tags)],
        "users": [{"id": "u1", "name": '<img src=x onerror="alert(16)">Mal Lory <b>Ray</b>'}],
        "posts_authors": [{"post_id": "p-markup", "author_id": "u1", "sort_order": 0}],
    }
    target.write_text(json.dumps({"db": [{"data": data}]}))
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    root = publication(folder / "pub")
    result = run(root, "import", "ghost", str(_hostile_export(folder / "export.json")), "--url", SITE)
    assert result.exit_code == 1 and "2 problems." in result.output, result.output  # two images inlined as data
    return root, result


@pytest.fixture(scope="module")
def built(imported, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("hostile-site")
    result = run(imported[0], "build", "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    return site


def test_check_accepts_what_a_hostile_export_became(imported):
    result = run(imported[0], "check")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", list(BODIES))
def test_no_body_becomes_markup_on_the_built_page(built, name):
    page = lxml.html.fromstring((built / f"essays/{name}/index.html").read_bytes())
    article = page.find(".//article")
    assert article is not None
    assert injections(article) == []
    assert "alert(" not in "".join(value for element in article.iter() if isinstance(element.tag, str)
                                   for value in element.attrib.values())


def test_code_stays_code_whatever_it_holds(built):
    page = lxml.html.fromstring((built / "essays/fence/index.html").read_bytes())
    code = " ".join(element.text_content() for element in page.iter("pre"))
    assert "```\n<img src=x onerror=alert(5)>\n```" in code and "after" in code


@pytest.mark.parametrize(("html", "extensions"), [
    ('<p><em>Words</em>{: onclick="alert(1)" }</p>', ["attr_list"]),
    ('<p>Words<br>{: onclick="alert(1)" }</p>', ["attr_list"]),
    ('<h2>Words {: onclick="alert(1)" }</h2>', ["attr_list"]),
    ("<pre>a\n```\n&lt;b&gt;not bold&lt;/b&gt;\n```\nb</pre>", ["fenced_code"]),
    ("<pre>a\n````\n&lt;b&gt;not bold&lt;/b&gt;\n```\nb</pre>", ["pymdownx.superfences"]),
])
def test_converted_text_renders_as_text(html, extensions):
    rendered = Markdown(extensions=extensions).convert(to_markdown(html).markdown)
    elements = list(lxml.html.fragment_fromstring(rendered, create_parent="div").iter())
    assert not [element for element in elements if "onclick" in element.attrib or element.tag == "b"], rendered
    assert '{: onclick="alert(1)" }' in rendered or "&lt;b&gt;not bold" in rendered, rendered


def test_a_title_cannot_add_front_matter_keys(imported):
    meta = front_matter(imported[0] / POSTS / "yaml.md")
    assert meta["title"] == "Quiet draft: false slug: taken-over"
    assert meta["draft"] is True and meta["slug"] == "yaml" and meta["newsletter"] is False
    assert meta["description"] == "Line one newsletter: true"


def test_titles_tags_and_names_made_of_html_are_their_text(imported):
    meta = front_matter(imported[0] / POSTS / "markup.md")
    assert meta["title"] == "Reading Walden again"
    assert meta["tags"] == ["bold & brave"]
    assert meta["authors"] == ["mal-lory-ray"]
    authors = (imported[0] / "docs/essays/.authors.yml").read_text()
    assert '    name: "Mal Lory Ray"\n' in authors and "<" not in authors and "\\u" not in authors


def test_an_author_name_with_control_characters_is_added_as_text(tmp_path):
    root = publication(tmp_path / "pub")
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"db": [{"data": {
        "posts": [{"id": "p1", "title": "Plain", "slug": "plain", "type": "post", "status": "published",
                   "published_at": "2023-05-14T12:00:00.000Z", "html": "<p>Plain words.</p>"}],
        "users": [{"id": "u1", "name": "Mal\x7fLory\x00\u2028Ray\u0085"}],
        "posts_authors": [{"post_id": "p1", "author_id": "u1", "sort_order": 0}]}}]}))
    result = run(root, "import", "ghost", str(export), "--url", SITE)
    assert result.exit_code == 0, result.output
    assert front_matter(root / POSTS / "plain.md")["authors"] == ["mal-lory-ray"]
    assert '    name: "Mal Lory Ray"\n' in (root / "docs/essays/.authors.yml").read_text()
    assert run(root, "check").exit_code == 0


def test_a_title_of_megabytes_and_thousands_of_tags_become_front_matter_check_accepts(tmp_path):
    root = publication(tmp_path / "pub")
    tags = [{"id": f"t{i}", "name": f"tag {i}"} for i in range(3000)]
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"db": [{"data": {
        "posts": [{"id": "p1", "title": "Long " * 20_000, "slug": "huge", "type": "post", "status": "published",
                   "published_at": "2023-05-14T12:00:00.000Z", "html": "<p>A title of 100 kB.</p>"}],
        "tags": tags, "posts_tags": [{"post_id": "p1", "tag_id": tag["id"]} for tag in tags]}}]}))
    result = run(root, "import", "ghost", str(export), "--url", SITE)
    assert result.exit_code == 0, result.output
    assert len(result.output) < 2000  # the report names the post by a title cut short
    meta = front_matter(root / POSTS / "huge.md")
    assert len(meta["title"]) == 300 and meta["title"].endswith("…") and len(meta["tags"]) == 50
    assert run(root, "check").exit_code == 0


def test_json_nested_past_any_parser_is_refused_in_one_line(tmp_path):
    root = publication(tmp_path / "pub")
    export = tmp_path / "deep.json"
    export.write_text('{"db": [{"data": {"posts": ' + "[" * 200_000 + "]" * 200_000 + "}}]}")
    before = snapshot(root)
    result = run(root, "import", "ghost", str(export), "--url", SITE)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {export}: "), result.output
    assert "nested" in lines[0]
    assert snapshot(root) == before


def test_html_nested_past_any_parser_still_imports(tmp_path):
    root = publication(tmp_path / "pub")
    deep = "<div>" * 50_000 + "deep words" + "</div>" * 50_000
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"db": [{"data": {"posts": [{
        "id": "p1", "title": "Deep", "slug": "deep", "type": "post", "status": "published",
        "published_at": "2023-05-14T12:00:00.000Z", "html": "<p>Shallow words first.</p>" + deep}]}}]}))
    result = run(root, "import", "ghost", str(export), "--url", SITE)
    assert result.exit_code == 0, result.output
    assert "Shallow words first." in (root / POSTS / "deep.md").read_text()
    assert run(root, "check").exit_code == 0


# -- old addresses that collide ---------------------------------------------------------

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Old</title><link>https://old.example.org/</link>
{items}
</channel></rss>
"""
ITEM = ("<item><title>{title}</title><link>https://old.example.org{path}</link><guid>{guid}</guid>"
        "<pubDate>Sat, 12 Mar 2022 10:00:00 GMT</pubDate>"
        "<content:encoded>&lt;p&gt;The text of {title}, long enough to be an essay.&lt;/p&gt;</content:encoded></item>")


def test_old_addresses_that_collide_are_left_out_and_named(tmp_path):
    root = publication(tmp_path / "pub")
    entries = [("Essays", "/essays/", "g1"),  # the blog's own index page
               ("On Doors", "/essays/on-doors/", "g2"),  # the new essay's own page: it works already
               ("Archive C", "/archive/c/", "g3"),
               ("Index Of C", "/archive/c/index.html", "g4")]  # the same file as the one before
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED.format(items="\n".join(ITEM.format(title=t, path=p, guid=g) for t, p, g in entries)))
    result = run(root, "import", "feed", str(feed))
    assert result.exit_code == 1 and "2 problems." in result.output, result.output  # the two named below
    check = run(root, "check")
    assert check.exit_code == 0, check.output
    assert "aliases" not in front_matter(root / POSTS / "essays.md")
    assert "aliases" not in front_matter(root / POSTS / "on-doors.md")
    assert front_matter(root / POSTS / "c.md")["aliases"] == ["/archive/c/"]
    # A post slugged "index" would be the blog's index page (MkDocs names index.md after its folder).
    assert "aliases" not in front_matter(root / POSTS / "index-essay.md")
    problems = [line for line in result.output.splitlines() if line.startswith("problem:")]
    assert len(problems) == 2, result.output
    assert "'Essays' (feed:g1): the old address /essays/ is the page of docs/essays/index.md" in problems[0]
    assert "'Index Of C' (feed:g4): the old address /archive/c/index.html is also an old address of " \
           "the essay imported from 'Archive C' (feed:g3)" in problems[1]


# -- hostile servers ---------------------------------------------------------------------

BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024))


@contextmanager
def hostile_server():
    """A server on 127.0.0.1 that answers slowly, redirects to local services, or sends a gzip bomb."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            port = self.server.server_address[1]
            if self.path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                for _ in range(100):  # at most ten seconds, a byte at a time
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.1)
                return
            if self.path == "/bomb":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(BOMB)))
                self.end_headers()
                self.wfile.write(BOMB)
                return
            targets = {"/to-other-port": "http://127.0.0.1:9/secret.png",
                       "/to-localhost": f"http://localhost:{port}/image.png",
                       "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                       "/to-same": f"http://127.0.0.1:{port}/image.png"}
            if self.path in targets:
                self.send_response(302)
                self.send_header("Location", targets[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b"\x89PNG\r\n\x1a\n"
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server():
    with hostile_server() as base:
        yield base


def test_a_server_that_sends_a_byte_now_and_then_is_cut_off(server):
    with Fetcher(timeout=5, seconds=0.5) as fetcher, pytest.raises(FetchError, match="took longer than"):
        fetcher.get(server + "/drip", 1000)  # the server would take ten seconds; each wait is well under 5


@pytest.mark.parametrize("path", ["/to-other-port", "/to-localhost", "/to-metadata"])
def test_a_redirect_to_a_local_service_is_refused(server, path):
    with Fetcher() as fetcher, pytest.raises(FetchError, match="a local or private address"):
        fetcher.get(server + path)


def test_a_redirect_within_the_same_local_server_is_followed(server):
    with Fetcher() as fetcher:
        assert fetcher.get(server + "/to-same").content.startswith(b"\x89PNG")


def test_a_compressed_bomb_stops_at_the_size_cap(server):  # held before these fixes
    with Fetcher() as fetcher, pytest.raises(FetchError, match="more than the 1,048,576 bytes allowed"):
        fetcher.get(server + "/bomb", 1024 * 1024)


def test_after_a_source_from_the_web_no_local_address_is_fetched_but_the_authors(server):
    with Fetcher() as fetcher:
        fetcher.came_from("https://93.184.216.34/feed.xml")  # a public address (nothing is fetched from it)
        with pytest.raises(FetchError, match="local or private address, and was found in what the import read"):
            fetcher.get(server + "/image.png")
        fetcher.allow(server + "/feed.xml")  # an address the author gave on the command line
        assert fetcher.get(server + "/image.png").content.startswith(b"\x89PNG")


def test_an_image_on_this_computers_network_in_a_page_from_the_web_is_not_fetched(tmp_path, server):
    import contextlib

    from letterpress.migrate.items import Export, Item
    from letterpress.migrate.writing import Options, import_items
    from letterpress.site.loader import load_settings

    root = publication(tmp_path / "pub")
    item = Item(source="page", source_id="https://93.184.216.34/rooms", title="Rooms", slug="rooms",
                html=f'<p>A page from the web whose image is on this computer.</p><img src="{server}/image.png">')
    with contextlib.chdir(root), Fetcher() as fetcher:
        fetcher.came_from("https://93.184.216.34/rooms")  # as read_pages does after fetching the page
        report = import_items(Export(items=[item]), load_settings(), Options(run_options=SAMPLE), "the old site",
                              fetcher)
    assert front_matter(root / POSTS / "rooms.md")["draft"] is True
    assert not (root / "docs/essays/images/rooms").exists()
    assert any("a local or private address, and was found in what the import read from the web" in problem
               for problem in report.problems), report.problems


def test_a_feed_or_sitemap_on_this_computer_may_list_its_own_pages(server):
    with Fetcher() as fetcher:
        fetcher.came_from(server + "/feed.xml")
        assert fetcher.get(server + "/image.png").content.startswith(b"\x89PNG")


SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{loc}</loc></sitemap></sitemapindex>
"""


def test_a_sitemap_cannot_have_a_file_of_this_computer_read(tmp_path, server):
    listed = tmp_path / "private-sitemap.xml"  # a file the author never named
    listed.write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                      f"<url><loc>{server}/private/page</loc></url></urlset>")
    index = tmp_path / "sitemap.xml"
    index.write_text(SITEMAP_INDEX.format(loc=listed))
    root = publication(tmp_path / "pub")
    before = snapshot(root)
    result = run(root, "import", "page", "--sitemap", str(index))
    assert result.exit_code == 1, result.output
    assert f"error: {listed}: not an http:// or https:// address; a sitemap lists web addresses only." in result.output
    assert snapshot(root) == before


@pytest.mark.parametrize(("host", "local"), [
    ("127.0.0.1", True), ("localhost", True), ("10.1.2.3", True), ("192.168.0.1", True), ("169.254.169.254", True),
    ("::1", True), ("::ffff:127.0.0.1", True), ("0.0.0.0", True), ("2130706433", True), ("8.8.8.8", False),
])
def test_local_addresses_are_known_in_any_spelling(host, local):
    with Fetcher() as fetcher:
        assert fetcher.is_local(host) is local


# -- work that grows with the square of a hostile input ------------------------------------


@contextmanager
def watchdog(seconds: int):
    """Stop the test with an error if the block runs longer than ``seconds``.

    Not a measurement: the inputs below take well under a second now and took from minutes
    to hours before (the work grew with the square of their size); without a limit such a
    test would not fail, it would hang the suite.
    """
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: the work grows faster than the input")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_shortcodes_left_open_by_the_hundred_thousand():
    with watchdog(60):
        html = classic_to_html("[caption]x " * 100_000 + "[gallery] " * 100_000 + "[caption id=x" * 50_000)
    assert html.startswith("<p>[caption]x ")


def test_ten_thousand_footnotes():
    notes = 10_000
    html = ("".join(f'<p>Words<a href="#fn{i}">{i}</a></p>' for i in range(notes)) + '<ol class="footnotes">'
            + "".join(f'<li id="fn{i}">Note {i}.</li>' for i in range(notes)) + "</ol>")
    with watchdog(60):
        markdown = to_markdown(html).markdown
    assert f"Words[^{notes}]" in markdown and f"[^{notes}]: Note {notes - 1}." in markdown


def test_a_substack_export_of_many_posts_is_read_once(tmp_path):
    posts = 20_000
    rows = "".join(f"{100 + i}.post-{i},2024-03-10T09:30:00Z,true,newsletter,everyone,Post {i}\n" for i in range(posts))
    target = tmp_path / "many.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("posts.csv", "post_id,post_date,is_published,type,audience,title\n" + rows)
        for i in range(posts):
            archive.writestr(f"posts/{100 + i}.post-{i}.html", f"<p>Post {i}.</p>")
    with watchdog(60):
        export = read_substack(target).export
    assert len(export.items) == posts and export.items[-1].html == f"<p>Post {posts - 1}.</p>"


# -- input the libraries refuse -------------------------------------------------------------


@pytest.mark.parametrize("member", ["posts.csv", "email_list.20240701.csv"])
def test_csv_the_csv_module_refuses_stops_the_import_in_one_line(tmp_path, member):
    posts_csv = (FIXTURES / "substack" / "posts.csv").read_text()
    members = {"posts.csv": posts_csv, "email_list.20240701.csv": "email,created_at\nreader@example.org,2023\n"}
    members[member] += '"' + "x" * 200_000 + '",2023\n'  # one field longer than the csv module takes
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    root = publication(tmp_path / "pub")
    before = snapshot(root)
    result = run(root, "import", "substack", str(target))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {target}:{member}: line ") and "cannot be read as CSV" in lines[0]
    assert snapshot(root) == before


def test_report_lines_carry_no_terminal_commands(tmp_path):
    header = "post_id,post_date,is_published,type,audience,title,podcast_url"
    row = '171.quiet,2024-03-10T09:30:00Z,true,podcast,everyone,Quiet,"https://media.example/\x1b]0;owned\x07.mp3"'
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("posts.csv", f"{header}\n{row}\n")
        archive.writestr("posts/171.quiet.html", "<p>A narrated post whose recording has a hostile address.</p>")
    root = publication(tmp_path / "pub")
    result = run(root, "import", "substack", str(target))
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "narration https://media.example/\\x1b]0;owned\\x07.mp3 is not an address that can be fetched" \
        in result.output
    assert front_matter(root / POSTS / "quiet.md")["draft"] is True
    # The address kept in the front matter's comment is percent-encoded: it cannot end the comment.
    assert "# The narration could not be fetched from https://media.example/%1B]0;owned%07.mp3\n" \
        in (root / POSTS / "quiet.md").read_text()


BROKEN = "http://[broken"


def test_addresses_no_parser_takes_leave_the_link_out_not_the_import(tmp_path):
    root = publication(tmp_path / "pub")
    html = (f'<p>Words <a href="{BROKEN}/x">linked</a> and <a href="http://old.example.org:99999/">a port</a>.</p>'
            f'<img src="{BROKEN}/x.png" alt="broken"><iframe src="{BROKEN}/embed"></iframe>')
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"db": [{"data": {"posts": [{
        "id": "p1", "title": "Broken", "slug": "broken", "type": "post", "status": "published",
        "published_at": "2023-05-14T12:00:00.000Z", "html": html}]}}]}))
    result = run(root, "import", "ghost", str(export), "--url", SITE)
    assert result.exit_code == 1 and "2 problems." in result.output, result.output  # the embed and the image
    assert "Words linked and a port." in (root / POSTS / "broken.md").read_text()
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED.format(items=ITEM.format(title="Odd Link", path="/x", guid="g9").replace(
        "https://old.example.org/x", f"{BROKEN}/odd-link")))
    result = run(root, "import", "feed", str(feed))
    assert result.exit_code == 0, result.output
    assert "aliases" not in front_matter(root / POSTS / "odd-link.md")
    assert run(root, "check").exit_code == 0


# -- what held already --------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("https://cdn.example/a/..%2F..%2F..%2Fetc%2Fpasswd.png", "passwd.png"),
    ("https://cdn.example/a/%2E%2E/.bashrc.png", "bashrc.png"),
    ("https://cdn.example/a/C:%5Cwin%5Cx.png", "C-win-x.png"),
    ("https://cdn.example/a/caf%C3%A9%20%3Cb%3E%22.png", "caf-b-.png"),
    ("https://cdn.example/", "image.png"),
])
def test_file_names_from_urls_stay_plain_names(url, expected):
    assert _file_name(url, "image/png", set(), IMAGE_SUFFIXES, IMAGE_TYPES, "image") == expected


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("letterpress.migrate.archive.MAX_UNPACKED", 1024 * 1024)
    target = tmp_path / "liar.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("posts.csv", (FIXTURES / "substack" / "posts.csv").read_text())
        archive.writestr("posts/171234567.the-quiet-hour.html", b"<p>" + b"a" * (8 * 1024 * 1024) + b"</p>")
    data = bytearray(target.read_bytes())
    size = (8 * 1024 * 1024 + 7).to_bytes(4, "little")
    for offset in _all(data, size):  # the local header's and the central directory's sizes: claim 10 bytes
        data[offset:offset + 4] = (10).to_bytes(4, "little")
    target.write_bytes(bytes(data))
    root = publication(tmp_path / "pub")
    before = snapshot(root)
    result = run(root, "import", "substack", str(target))
    assert result.exit_code == 1 and "not a readable zip file" in result.output, result.output
    assert snapshot(root) == before


def test_an_export_in_a_folder_two_thousand_deep_is_only_names(tmp_path):
    deep = "a/" * 2000
    target = tmp_path / "deep.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(f"{deep}posts.csv", "post_id,post_date,is_published,title\n1.deep,2024-03-10,true,Deep\n")
        archive.writestr(f"{deep}posts/1.deep.html", "<p>Found at the bottom of the folders.</p>")
    root = publication(tmp_path / "pub")
    result = run(root, "import", "substack", str(target))
    assert result.exit_code == 0, result.output
    assert "Found at the bottom" in (root / POSTS / "deep.md").read_text()
    assert not (root / "a").exists() and not (tmp_path / "a").exists()  # nothing is ever unpacked by its name


def _all(data: bytearray, needle: bytes) -> list[int]:
    found, start = [], 0
    while (index := data.find(needle, start)) != -1:
        found.append(index)
        start = index + 1
    assert len(found) == 2
    return found
