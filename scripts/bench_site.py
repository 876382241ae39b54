"""scripts/bench site: build N synthetic essays with plain Material's blog and with Letterpress.

Both builds are real ``mkdocs build`` processes over the same generated corpus.
"Plain Material" is the publication's own mkdocs.yml without the letterpress
plugin and without ``theme.custom_dir`` (DESIGN.md); ours is that mkdocs.yml as
it is. CPU time is user+sys of the build process (RUSAGE_CHILDREN deltas);
one warm-up of each, then three interleaved pairs, and the median of the
per-pair ratios (ours / plain; below 1.0 means ours costs less).

    scripts/bench site [--essays 1000] [--pairs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
WORDS = ("attention quiet room listening patience morning letter silence presence ordinary kitchen "
         "window breath waiting return ritual person small body therapy staying life grief habit "
         "question evening river walk chair kettle practice memory kindness").split()
CATEGORIES = ("Essays", "Practice", "Notes", "Letters", "Grief", "Work", "Love", "Rituals")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def essay(index: int, rng: random.Random) -> str:
    """About 2,000 words: an epigraph, six sections, footnotes; every tenth essay narrated."""
    date = f"20{20 + index % 6}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    front = [f"title: Essay number {index}", f"description: {sentence(rng)}", f"date: {date}",
             f"authors: [{'julia' if index % 2 else 'tomas'}]",
             f"categories: [{CATEGORIES[index % len(CATEGORIES)]}]", f"tags: [{WORDS[index % len(WORDS)]}]"]
    if index % 10 == 0:
        front += ["audio:", "  src: ../audio/sample.mp3", "  narrator: Tomás Ferreira", "  chapters:",
                  '    - {title: "Section 1", start: "00:00"}', '    - {title: "Section 2", start: "00:20"}']
    body = [f"> {sentence(rng)}\n>\n> — {rng.choice(WORDS).title()}"]
    for section in range(1, 7):
        body.append(f"## Section {section}")
        body += [paragraph(rng) + (f"[^{section}]" if section < 4 else "") for _ in range(3)]
    body += [f"[^{n}]: {sentence(rng)}" for n in range(1, 4)]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(body) + "\n"


def make_corpus(folder: Path, count: int) -> tuple[Path, Path]:
    """The sample publication with N synthetic essays; returns (ours.yml, plain.yml)."""
    shutil.copytree(ROOT / "docs", folder / "docs", ignore=shutil.ignore_patterns("posts"))
    shutil.copytree(ROOT / "newsletter/templates", folder / "newsletter/templates")
    shutil.copy(ROOT / "docs/essays/audio/the-listening-hour.mp3", folder / "docs/essays/audio/sample.mp3")
    home = folder / "docs/index.md"  # plain Material has no home.html (it lives in our overrides)
    home.write_text(home.read_text(encoding="utf-8").replace("template: home.html\n", ""), encoding="utf-8")
    posts = folder / "docs/essays/posts"
    posts.mkdir()
    rng = random.Random(1)
    for index in range(count):
        (posts / f"essay-{index:04d}.md").write_text(essay(index, rng), encoding="utf-8")
    return write_configs(folder)


def write_configs(folder: Path) -> tuple[Path, Path]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    ours = folder / "ours.yml"
    ours.write_text(text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}"), encoding="utf-8")
    config = yaml.safe_load(text)  # the sample config uses no YAML tags
    config["theme"].pop("custom_dir", None)
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "letterpress" in p)
                         and p != "letterpress"]
    plain = folder / "plain.yml"
    plain.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return ours, plain


def build(config: Path, site: Path) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and pages of one ``mkdocs build``."""
    shutil.rmtree(site, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LETTERPRESS_NOW": "2026-11-01T12:00:00"}
    subprocess.run([str(MKDOCS), "build", "-q", "-f", str(config), "-d", str(site)],
                   cwd=config.parent, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, time.monotonic() - start, sum(1 for _ in site.rglob("index.html"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench site")
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="letterpress-bench-site-") as folder:
        ours, plain = make_corpus(Path(folder), args.essays)
        print(f"{args.essays} essays; warm-up…", flush=True)
        build(ours, Path(folder) / "site-ours")
        build(plain, Path(folder) / "site-plain")
        rows = []
        for pair in range(1, args.pairs + 1):
            mine = build(ours, Path(folder) / "site-ours")
            base = build(plain, Path(folder) / "site-plain")
            rows.append((mine, base))
            print(f"pair {pair}: letterpress {mine[0]:.1f} s CPU ({mine[2]} pages), "
                  f"plain Material {base[0]:.1f} s CPU ({base[2]} pages), ratio {mine[0] / base[0]:.2f}", flush=True)
    report(rows)


def report(rows) -> None:
    ours = statistics.median(m[0] for m, _ in rows)
    plain = statistics.median(b[0] for _, b in rows)
    ratio = statistics.median(m[0] / b[0] for m, b in rows)
    wall = statistics.median(m[1] / b[1] for m, b in rows)
    print(f"\nmedian CPU: letterpress {ours:.1f} s, plain Material blog {plain:.1f} s")
    print(f"median ratio letterpress / plain: {ratio:.2f} (CPU), {wall:.2f} (wall)")


if __name__ == "__main__":
    main()
