"""scripts/bench feeds: all four feeds for N full-text entries against plain feedgen's RSS + Atom.

The entries are the sample publication's published essays, repeated under new
slugs and dates until there are N (so the text, footnotes, epigraphs and the
narration are real). Both sides start from the same Essay objects, convert
each essay's Markdown once with the same converter (letterpress.render.markdown) and
write their files into a temporary folder:

- ours: ``letterpress.feeds.feed_files`` + writing: rss.xml, atom.xml,
  feed.json, podcast.xml and a chapters file per narrated essay, every URL in
  the HTML made absolute, pretty-printed XML;
- baseline: one feedgen FeedGenerator with the same entries (title, link,
  summary, full HTML, dates, authors, enclosure) written as RSS and Atom
  (``rss_file`` + ``atom_file``, feedgen's defaults), URLs left as written.

CPU time (user+sys of this process), one warm-up, three interleaved pairs,
median ratio (ours / baseline; below 1.0 means ours costs less).

    scripts/bench feeds [--essays 1000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
# The run's options: the sample's clock unless LETTERPRESS_NOW says otherwise (this script is an edge).
ENVIRONMENT = {"LETTERPRESS_NOW": "2026-11-01T12:00:00", **os.environ}

import markdown  # noqa: E402
from feedgen.feed import FeedGenerator  # noqa: E402

from letterpress.checks import raise_for_errors  # noqa: E402
from letterpress.feeds import feed_files, write_files  # noqa: E402
from letterpress.model.options import from_environment  # noqa: E402
from letterpress.model.publication import Publication, load_publication  # noqa: E402
from letterpress.model.site_output import SiteOutput  # noqa: E402
from letterpress.render.epigraphs import EpigraphExtension  # noqa: E402
from letterpress.render.markdown import EssayRenderer, _extension_configs, _extension_names  # noqa: E402
from letterpress.site.loader import load_settings  # noqa: E402
from letterpress.site.registry import SITE_CHECKS  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from benchlib import cpu, timed  # noqa: E402,F401


def bench_publication(count: int) -> Publication:
    """The sample publication with ``count`` published essays, all in every feed."""
    sample = load_publication(load_settings(ROOT), from_environment(ENVIRONMENT))
    raise_for_errors(sample, SITE_CHECKS)
    originals = sample.published()
    essays = []
    for number in range(count):
        original = originals[number % len(originals)]
        essays.append(dataclasses.replace(
            original, slug=f"{original.slug}-{number}", date=original.date - timedelta(days=number),
            updated=None))
    settings = sample.settings
    settings = dataclasses.replace(settings, feeds=dataclasses.replace(settings.feeds, limit=count))
    return Publication(settings, sample.authors, essays)


def ours(publication: Publication, folder: Path) -> None:
    write_files(SiteOutput(publication, folder), feed_files(publication, publication.essays))


def baseline(publication: Publication, folder: Path) -> None:
    """RSS and Atom the plain feedgen way, from the same Markdown conversion as ours."""
    renderer = EssayRenderer(publication.settings)
    plain_feedgen(publication, folder, renderer.html)


def baseline_plain_markdown(publication: Publication, folder: Path) -> None:
    """The same, converting each essay the way Python-Markdown's docs show: markdown.markdown()."""
    settings = publication.settings
    extensions = [*_extension_names(settings), EpigraphExtension()]
    configs = _extension_configs(settings)
    plain_feedgen(publication, folder,
                  lambda essay: markdown.markdown(essay.body, extensions=extensions, extension_configs=configs))


def plain_feedgen(publication: Publication, folder: Path, to_html) -> None:
    settings = publication.settings
    generator = FeedGenerator()
    generator.id(settings.site_url)
    generator.title(settings.site_name)
    generator.link(href=settings.site_url, rel="alternate")
    generator.description(settings.site_description)
    generator.language(settings.language)
    for essay in publication.essays:
        url = settings.absolute_url(essay.url_path(settings.blog_dir))
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.title(essay.title)
        entry.link(href=url)
        entry.summary(essay.description)
        entry.content(to_html(essay), type="html")
        entry.published(essay.date)
        entry.updated(essay.updated or essay.date)
        entry.author([{"name": publication.authors[key].name} for key in essay.authors])
        if essay.audio:
            entry.enclosure(settings.absolute_url(essay.audio.url), str(essay.audio.length),
                            essay.audio.mime_type)
    generator.rss_file(str(folder / "rss.xml"))
    generator.atom_file(str(folder / "atom.xml"))


def conversion_only(publication: Publication) -> None:
    renderer = EssayRenderer(publication.settings)
    for essay in publication.essays:
        renderer.html(essay)


def run(function, publication: Publication) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    try:
        return timed(function, publication, folder)
    finally:
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench feeds")
    parser.add_argument("--essays", type=int, default=1000)
    options = parser.parse_args()
    publication = bench_publication(options.essays)
    narrated = sum(1 for essay in publication.essays if essay.audio)
    words = sum(essay.words for essay in publication.essays)
    print(f"{options.essays:,} essays ({words:,} words, {narrated:,} narrated)")
    warm_up = bench_publication(30)
    sides = {"ours": ours, "baseline": baseline, "plain": baseline_plain_markdown}
    for side in sides.values():
        run(side, warm_up)
    results = [{name: run(side, publication) for name, side in sides.items()} for _ in range(3)]
    seconds = {name: statistics.median(r[name] for r in results) for name in sides}
    ratio = {name: statistics.median(r["ours"] / r[name] for r in results) for name in ("baseline", "plain")}
    convert_s = timed(conversion_only, publication)
    print(f"ours (rss + atom + json + podcast + chapters):      {seconds['ours']:.2f} s CPU")
    print(f"baseline (plain feedgen rss + atom, our converter): {seconds['baseline']:.2f} s CPU")
    print(f"ratio ours/baseline: {ratio['baseline']:.2f}x")
    print(f"baseline with markdown.markdown() per essay:        {seconds['plain']:.2f} s CPU "
          f"(ours/that: {ratio['plain']:.2f}x)")
    print(f"Markdown conversion alone (once per essay): {convert_s:.2f} s CPU; without it: "
          f"ours {seconds['ours'] - convert_s:.2f} s, baseline {seconds['baseline'] - convert_s:.2f} s")

if __name__ == "__main__":
    main()
