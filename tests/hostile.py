"""A publication whose every metadata field is hostile markup, for the escaping tests.

Front matter, ``.authors.yml`` and config values are text wherever they land
(DESIGN.md, "Escaping"); these values would run script, add attributes or
break out of an attribute if any output printed them as HTML.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

from run_options import child_env
from scratch_publication import minimal_copy

SLUG = "hostile-essay"
# A quote in the path: it breaks out of any attribute that prints the URL as it is.
REMOTE_AUDIO = 'https://media.example.org/a"><img src=x onerror=alert(106)>.mp3'
AVATAR = 'https://media.example.org/j.png" onerror="alert(113)'
AUTHOR_URL = 'https://example.org/"><script>alert(114)</script>'


def hostile(number: int) -> str:
    """Text that is markup if printed unescaped (a script, an onerror image, both quotes, an
    ampersand, a bold element) or converted as Markdown (an attribute list)."""
    return (f"T{number} <script>alert({number})</script> <img src=x onerror=alert({number})> "
            f"\" ' & <b>bold</b> *not emphasis* {{: onclick=alert({number}) }}")


FIELDS = {
    "site_name": hostile(100), "site_description": hostile(99),
    "title": hostile(101), "subtitle": hostile(102), "description": hostile(103),
    "category": hostile(104), "tag": hostile(105), "narrator": hostile(107),
    "chapter": hostile(108), "author_name": hostile(111), "author_description": hostile(112),
    "cta_label": hostile(116), "bio": hostile(117), "link": hostile(118), "link_section": hostile(119),
}


def hostile_publication(root: Path) -> Path:
    """A copy of tests/fixtures/minimal at ``root``, made hostile (as :func:`make_hostile`)."""
    return make_hostile(minimal_copy(root))


def make_hostile(root: Path) -> Path:
    """Turn the minimal publication at ``root`` into the hostile one; returns ``root``."""
    _write_config(root)
    _write_authors(root / "docs/essays/.authors.yml")
    _write_essay(root / "docs/essays/posts/hostile.md")
    return root


def _write_config(root: Path) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("site_name: Test Rooms\n", _yaml({"site_name": FIELDS["site_name"],
                                                          "site_description": FIELDS["site_description"]}))
    authors = {"authors": {"julia": {"cta_label": FIELDS["cta_label"], "bio": FIELDS["bio"]},
                           "mallory": {"cta_label": "Hire Mallory"}}}
    extra = "".join(f"      {line}\n" for line in _yaml(authors).splitlines())
    text = text.replace('post_url_format: "{slug}"\n', 'post_url_format: "{slug}"\n      authors_profiles: true\n')
    text = text.replace("      media_hosts: [media.example.org]\n", "      media_hosts: [media.example.org]\n" + extra)
    config.write_text(text, encoding="utf-8")


def _write_authors(path: Path) -> None:
    path.write_text(_yaml({"authors": {
        "julia": {"name": FIELDS["author_name"], "description": FIELDS["author_description"],
                  "avatar": AVATAR, "url": AUTHOR_URL},
        "mallory": {"name": "Mallory", "description": "Writes plainly.", "avatar": "essays/images/julia.png"},
    }}), encoding="utf-8")


def _write_essay(path: Path) -> None:
    meta = {
        "title": FIELDS["title"], "slug": SLUG, "subtitle": FIELDS["subtitle"],
        "description": FIELDS["description"], "date": date(2025, 8, 10), "authors": ["julia", "mallory"],
        "categories": [FIELDS["category"]], "tags": [FIELDS["tag"]],
        "links": [{FIELDS["link"]: "https://example.org/further"},
                  {FIELDS["link_section"]: [{"Plain link": "https://example.org/plain"}]}],
        "audio": {"src": REMOTE_AUDIO, "narrator": FIELDS["narrator"], "length": 123456,
                  "duration": "00:01:00", "chapters": [{"title": FIELDS["chapter"], "start": "00:00"},
                                                       {"title": "Plain words", "start": "00:30"}]},
    }
    # The body is the author's HTML; its heading spells the chapter title as text.
    heading = "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in FIELDS["chapter"])
    body = f"## {heading}\n\nSome words.\n\n## Plain words\n\nMore words.\n"
    path.write_text(f"---\n{_yaml(meta)}---\n\n{body}", encoding="utf-8")


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def build(root: Path, site_dir: Path, engine: str = "mkdocs") -> Path:
    """A real ``mkdocs build --strict`` of ``root`` into ``site_dir`` (or ``letterpress build --engine zensical``)."""
    command = ["mkdocs", "build", "--strict"] if engine == "mkdocs" else ["letterpress", "build", "--engine", engine]
    result = subprocess.run(
        [str(Path(sys.executable).parent / command[0]), *command[1:], "--site-dir", str(site_dir)],
        cwd=root, capture_output=True, text=True, env=child_env(),
    )
    assert result.returncode == 0, result.stderr
    return site_dir


ENTITIES = ("&lt;", "&gt;", "&quot;", "&#34;", "&#39;", "&#x27;", "&amp;")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "data")


def injections(root) -> list[str]:
    """What on a parsed page came from metadata as markup, or was escaped twice.

    Markup from metadata: a script, image or ``<b>`` element made of it, an event
    handler attribute, a ``javascript:`` link. Escaped twice: an entity a reader
    would see (``&lt;`` in the text or in an attribute after parsing).
    """
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        found += _element_injections(element)
        for name, value in element.attrib.items():
            found += _attribute_injections(element, name, value)
        found += [f"<{element.tag}> text shows {entity!r}" for entity in ENTITIES
                  if entity in (element.text or "") + (element.tail or "") and element.tag != "script"]
    return found


def _element_injections(element) -> list[str]:
    if element.tag == "script" and element.get("type") != "application/ld+json" \
            and "alert(" in (element.text or "") + element.get("src", ""):
        return [f"<script> from metadata: {(element.text or element.get('src'))[:80]!r}"]
    if element.tag == "img" and element.get("src") == "x":
        return ["<img src=x> from metadata"]
    if element.tag in ("b", "em") and element.text in ("bold", "not emphasis"):
        return [f"<{element.tag}> from metadata"]
    return []


def _attribute_injections(element, name: str, value: str) -> list[str]:
    found = []
    if name.lower().startswith("on"):
        found.append(f"<{element.tag} {name}={value[:40]!r}>")
    if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
        found.append(f"<{element.tag} {name}={value!r}>")
    found += [f"<{element.tag} {name}> shows {entity!r}" for entity in ENTITIES if entity in value]
    return found
