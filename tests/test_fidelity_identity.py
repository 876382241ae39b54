"""An essay's identity outlives its address: a new post_url_format or title mails nothing again, and old links land.

Through the real ``publish`` of tests/test_publish.py (a bare remote, a clone with
subscribers, aiosmtpd on 127.0.0.1): the letter goes out, then the author moves
to Material's default layout and later retitles the essay. Each time ``publish``
sends nothing, and the addresses the sent letter linked redirect to the new ones.
"""

from __future__ import annotations

import json

import lxml.html

import test_publish as publish_setup
from scratch_publication import git

remote = publish_setup.remote
server_clone = publish_setup.server_clone
smtp = publish_setup.smtp

SITE = "https://test.example.org/"


def commit_all(root, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def refresh_target(page) -> str:
    content = lxml.html.parse(str(page)).getroot().xpath("//meta[@http-equiv='refresh']/@content")[0]
    return content.split("url=", 1)[1]


def test_a_new_address_rule_or_title_sends_nothing_again_and_the_old_links_redirect(server_clone, smtp, tmp_path):
    first = publish_setup.publish()
    assert first.exit_code == 0, first.output
    assert publish_setup.recipients(smtp) == sorted(publish_setup.PEOPLE)
    record = json.loads((server_clone / "newsletter/sent/a-new-letter.json").read_text(encoding="utf-8"))
    assert (record["essay"], record["url"], record["web"]) == (
        "a-new-letter.md", "essays/a-new-letter/", "newsletter/a-new-letter/")

    config = server_clone / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('      post_url_format: "{slug}"\n', ""))
    commit_all(server_clone, "Material's default addresses")
    second = publish_setup.publish()
    assert second.exit_code == 0, second.output
    assert len(list(smtp)) == 2, "a letter went out again"
    www = tmp_path / "www"
    assert (www / "essays/2026/02/01/a-new-letter/index.html").is_file()
    assert refresh_target(www / "essays/a-new-letter/index.html") == SITE + "essays/2026/02/01/a-new-letter/"

    post = server_clone / "docs/essays/posts/a-new-letter.md"
    post.write_text(post.read_text(encoding="utf-8").replace("title: A New Letter", "title: A Letter Renamed"))
    commit_all(server_clone, "A better title")
    third = publish_setup.publish()
    assert third.exit_code == 0, third.output
    assert len(list(smtp)) == 2, "a letter went out again"
    assert refresh_target(www / "essays/a-new-letter/index.html") == SITE + "essays/2026/02/01/a-letter-renamed/"
    assert refresh_target(www / "newsletter/a-new-letter/index.html") == SITE + "newsletter/a-letter-renamed/"
    assert (www / "newsletter/a-letter-renamed/index.html").is_file()
