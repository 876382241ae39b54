"""scripts/bench feeds: all four feeds for N full-text entries against plain feedgen's RSS + Atom.

The entries are the sample publication's published essays, repeated under new
slugs, dates and keys until there are N (so the text, footnotes, epigraphs and
the narration are real). There is one Markdown pipeline, the site engine's: the
sample's essays' HTML is captured from its build once, before anything is timed
(:func:`letterpress.site.capture.load_for_outputs`; a scratch build of the
sample the first time, the HTML cache after), and each synthetic essay is given
its original's HTML the way a build keeps it (``publication.rendered[essay.key]``).
Neither side converts anything, so this measures the feeds alone: the
conversion is the build's, measured by ``scripts/bench site``. Both sides start
from the same Essay objects and the same HTML, and write into a temporary folder:

- ours: ``letterpress.feeds.feed_files`` written through ``SiteOutput``:
  rss.xml, atom.xml, feed.json, podcast.xml and a chapters file per narrated
  essay, a "Listen" link before each narrated essay's HTML, pretty-printed XML;
- baseline: one feedgen FeedGenerator with the same entries (title, link,
  summary, the same HTML, dates, authors, enclosure), written as RSS and Atom
  (``rss_file`` + ``atom_file``, feedgen's defaults), URLs from the layout.

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

from feedgen.feed import FeedGenerator  # noqa: E402

from letterpress.checks import raise_for_errors  # noqa: E402
from letterpress.feeds import feed_files, write_files  # noqa: E402
from letterpress.model.options import from_environment  # noqa: E402
from letterpress.model.publication import Publication  # noqa: E402
from letterpress.model.site_output import SiteOutput  # noqa: E402
from letterpress.render.once import Captured, essay_html_for  # noqa: E402
from letterpress.site.capture import load_for_outputs  # noqa: E402
from letterpress.site.registry import SITE_CHECKS  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from benchlib import timed  # noqa: E402


def load_sample() -> Publication:
    """The sample publication, its published essays' HTML captured from the engine (not timed)."""
    sample = load_for_outputs(ROOT, from_environment(ENVIRONMENT))
    raise_for_errors(sample, SITE_CHECKS)
    for essay in sample.published():
        essay_html_for(sample, essay)  # the first asks for one scratch build, unless the cache holds them
    return sample


def bench_publication(sample: Publication, count: int) -> Publication:
    """``sample`` with ``count`` published essays, all in every feed, each with its original's HTML."""
    originals = sample.published()
    settings = dataclasses.replace(sample.settings, feeds=dataclasses.replace(sample.settings.feeds, limit=count))
    # No capture_missing: an essay without HTML is an error here, never a build inside the timing.
    publication = Publication(settings, sample.authors, [], sample.run_options)
    for number in range(count):
        original = originals[number % len(originals)]
        essay = dataclasses.replace(
            original, slug=f"{original.slug}-{number}", date=original.date - timedelta(days=number),
            updated=None, key=f"bench-{number}-{original.key}")
        publication.essays.append(essay)
        # What a build leaves behind for each page: its HTML kept by key, its address worked out.
        # The HTML is the original's (its links absolute against the original's page), which costs the same.
        publication.rendered[essay.key] = Captured(essay, essay_html_for(sample, original))
        settings.layout.essay(essay)
    return publication


def ours(publication: Publication, folder: Path) -> None:
    write_files(SiteOutput(publication, folder), feed_files(publication, publication.essays))


def baseline(publication: Publication, folder: Path) -> None:
    """RSS and Atom the plain feedgen way, with the same entries and the same captured HTML."""
    settings = publication.settings
    layout = settings.layout
    generator = FeedGenerator()
    generator.id(settings.site_url)
    generator.title(settings.site_name)
    generator.link(href=settings.site_url, rel="alternate")
    generator.description(settings.site_description)
    generator.language(settings.language)
    for essay in publication.essays:
        url = layout.absolute(layout.essay(essay).url)
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.title(essay.title)
        entry.link(href=url)
        entry.summary(essay.description)
        entry.content(essay_html_for(publication, essay), type="html")
        entry.published(essay.date)
        entry.updated(essay.updated or essay.date)
        entry.author([{"name": publication.authors[key].name} for key in essay.authors])
        if essay.audio:
            entry.enclosure(layout.absolute(essay.audio.url), str(essay.audio.length), essay.audio.mime_type)
    generator.rss_file(str(folder / "rss.xml"))
    generator.atom_file(str(folder / "atom.xml"))


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
    sample = load_sample()
    publication = bench_publication(sample, options.essays)
    narrated = sum(1 for essay in publication.essays if essay.audio)
    words = sum(essay.words for essay in publication.essays)
    print(f"{options.essays:,} essays ({words:,} words, {narrated:,} narrated), "
          f"HTML from the engine's build of {len(sample.published())} sample essays")
    warm_up = bench_publication(sample, 30)
    sides = {"ours": ours, "baseline": baseline}
    for side in sides.values():
        run(side, warm_up)
    results = [{name: run(side, publication) for name, side in sides.items()} for _ in range(3)]
    seconds = {name: statistics.median(r[name] for r in results) for name in sides}
    ratio = statistics.median(r["ours"] / r["baseline"] for r in results)
    print(f"ours (rss + atom + json + podcast + chapters): {seconds['ours']:.2f} s CPU")
    print(f"baseline (plain feedgen rss + atom):           {seconds['baseline']:.2f} s CPU")
    print(f"ratio ours/baseline: {ratio:.2f}x (no Markdown conversion on either side)")


if __name__ == "__main__":
    main()
