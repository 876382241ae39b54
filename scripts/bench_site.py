"""scripts/bench site: build N synthetic essays with plain Material's blog and with Letterpress.

Both builds are real ``mkdocs build`` processes over the same generated corpus.
"Plain Material" is the publication's own mkdocs.yml without the letterpress
plugin and without ``theme.custom_dir`` (DESIGN.md); ours is that mkdocs.yml as
it is. CPU time is user+sys of the build process (RUSAGE_CHILDREN deltas);
one warm-up of each, then interleaved pairs (ours, plain), and the median of
the per-pair ratios (ours / plain; below 1.0 means ours costs less).

    scripts/bench site [--essays 1000] [--pairs 5] [--engine mkdocs|zensical] [--since 2019-01-01]

The whole catalogue is inside the newsletter window by default (``newsletter.since`` before the
first essay, so every essay has its email web version and is listed in the archive), the
costliest case; ``--since`` moves it.

With ``--engine zensical`` each round has three builds: Letterpress on Zensical
(``letterpress build --engine zensical``, the publication's mkdocs.yml), bare
Zensical (``zensical build`` of the plain config) and plain Material; every
Zensical run starts with its ``.cache`` deleted. Ratios are against bare
Zensical and against plain Material.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MKDOCS = BIN / "mkdocs"
NOW = "2026-11-01T12:00:00"
WORDS = ("attention quiet room listening patience morning letter silence presence ordinary kitchen "
         "window breath waiting return ritual person small body therapy staying life grief habit "
         "question evening river walk chair kettle practice memory kindness the a of and to in "
         "what we it is was not with for that").split()
CATEGORIES = ("Essays", "Practice", "Notes", "Letters", "Grief", "Work", "Love", "Rituals")
TAGS = ("attention", "therapy", "grief", "habits", "silence", "work", "family", "listening",
        "rituals", "letters", "walking", "sleep")
FOOTNOTES = 3


@dataclass(frozen=True)
class Run:
    """One ``mkdocs build``: CPU and wall seconds, HTML pages written, essay pages among them."""
    cpu: float
    wall: float
    pages: int
    essay_pages: int


# -- the corpus ---------------------------------------------------------------

def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))


def front_matter(index: int, rng: random.Random) -> list[str]:
    date = f"20{20 + index % 6}-{1 + index % 12:02d}-{1 + index % 28:02d}"  # all before NOW
    front = [f"title: Essay number {index}", f"description: {sentence(rng)}", f"date: {date}",
             f"authors: [{'julia' if index % 2 else 'tomas'}]",
             f"categories: [{CATEGORIES[index % len(CATEGORIES)]}]",
             f"tags: [{', '.join(rng.sample(TAGS, rng.randint(2, 3)))}]"]
    if index % 10 == 0:  # every tenth essay narrated; the sample MP3 is a minute long
        front += ["audio:", "  src: ../audio/sample.mp3", "  narrator: Tomás Ferreira", "  chapters:",
                  '    - {title: "Section 1", start: "00:00"}', '    - {title: "Section 2", start: "00:20"}',
                  '    - {title: "Section 3", start: "00:40"}']
    return front


def body(rng: random.Random) -> list[str]:
    """1,500–2,500 words: an epigraph, sections of three paragraphs, footnotes."""
    target = rng.randint(1500, 2500)
    blocks = [f"> {sentence(rng)}\n>\n> — {rng.choice(WORDS).title()}"]
    words, section = 0, 0
    while words < target:
        section += 1
        blocks.append(f"## Section {section}")
        for number in range(3):
            if words >= target:
                break
            text = paragraph(rng) + (f"[^{section}]" if number == 0 and section <= FOOTNOTES else "")
            blocks.append(text)
            words += len(text.split())
    return blocks + [f"[^{n}]: {sentence(rng)}" for n in range(1, min(section, FOOTNOTES) + 1)]


def essay(index: int, rng: random.Random) -> str:
    return "---\n" + "\n".join(front_matter(index, rng)) + "\n---\n\n" + "\n\n".join(body(rng)) + "\n"


def sample_audio(target: Path) -> None:
    """The sample publication's narration, or a spoken minute made with espeak-ng and lame."""
    source = ROOT / "docs/essays/audio/the-listening-hour.mp3"
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.exists():
        shutil.copy(source, target)
        return
    wav = target.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-w", str(wav), " ".join(WORDS * 6)], check=True)
    subprocess.run(["sox", str(wav), str(wav.with_name("long.wav")), "pad", "0", "60", "trim", "0", "60"], check=True)
    subprocess.run(["lame", "--quiet", "-b", "32", str(wav.with_name("long.wav")), str(target)], check=True)


def make_corpus(folder: Path, count: int, since: str = "2019-01-01") -> tuple[Path, Path]:
    """The sample publication with N synthetic essays; returns (ours.yml, plain.yml)."""
    shutil.copytree(ROOT / "docs", folder / "docs", ignore=shutil.ignore_patterns("posts", "*.mp3"))
    shutil.copytree(ROOT / "newsletter/templates", folder / "newsletter/templates")
    sample_audio(folder / "docs/essays/audio/sample.mp3")
    posts = folder / "docs/essays/posts"
    posts.mkdir()
    rng = random.Random(1)
    for index in range(count):
        (posts / f"essay-{index:04d}.md").write_text(essay(index, rng), encoding="utf-8")
    return write_configs(folder, since)


def write_configs(folder: Path, since: str) -> tuple[Path, Path]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    ours = folder / "ours.yml"
    text = re.sub(r"(\n\s+since: )\S+", lambda m: m.group(1) + since, text, count=1)
    ours.write_text(text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}"), encoding="utf-8")
    config = yaml.safe_load(text)  # the sample config uses no YAML tags
    config["theme"].pop("custom_dir", None)
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "letterpress" in p)
                         and p != "letterpress"]
    plain = folder / "plain.yml"
    plain.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return ours, plain


# -- measuring ----------------------------------------------------------------

def build(config: Path, site: Path) -> Run:
    """One ``mkdocs build -q`` of ``config`` into ``site``, measured, with no cache of ours (cold)."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LETTERPRESS_NOW": NOW}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([str(MKDOCS), "build", "-q", "-f", str(config), "-d", str(site)],
                   cwd=config.parent, env=env, check=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    essays = sum(1 for _ in (site / "essays").glob("essay-number-*/index.html"))
    return Run(cpu, wall, sum(1 for _ in site.rglob("*.html")), essays)


def measured(command: list[str], cwd: Path, site: Path) -> Run:
    """Run ``command`` in ``cwd`` (it writes ``site``), measured."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LETTERPRESS_NOW": NOW}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    essays = sum(1 for _ in (site / "essays").glob("essay-number-*/index.html"))
    return Run(cpu, wall, sum(1 for _ in site.rglob("*.html")), essays)


def zensical_runs(folder: Path, ours: Path, plain: Path):
    """The three builds of a Zensical round: Letterpress on Zensical, bare Zensical, plain Material."""
    shutil.copy(ours, folder / "mkdocs.yml")  # letterpress reads the publication's mkdocs.yml
    bare = folder / "zensical.yml"
    config = yaml.safe_load(plain.read_text(encoding="utf-8"))
    config["theme"]["variant"] = "classic"  # the look Letterpress asks Zensical for
    bare.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def ours_run() -> Run:
        for name in (".cache", "site-ours"):
            shutil.rmtree(folder / name, ignore_errors=True)
        return measured([str(BIN / "letterpress"), "build", "--engine", "zensical", "--site-dir", "site-ours"],
                        folder, folder / "site-ours")

    def bare_run() -> Run:
        for name in (".cache", "site"):
            shutil.rmtree(folder / name, ignore_errors=True)
        return measured([str(BIN / "zensical"), "build", "-f", str(bare)], folder, folder / "site")

    return ours_run, bare_run, lambda: build(plain, folder / "site-plain")


def measure_zensical(folder: Path, ours: Path, plain: Path, pairs: int) -> list[tuple[Run, ...]]:
    runs = zensical_runs(folder, ours, plain)
    print("warm-up…", flush=True)
    for run in runs:
        run()
    rows = []
    for pair in range(1, pairs + 1):
        rows.append(tuple(run() for run in runs))
        print(f"round {pair} done", flush=True)
    return rows


def report_zensical(essays: int, rows: list[tuple[Run, ...]]) -> None:
    names = ("letterpress on Zensical", "bare Zensical", "plain Material")
    print(f"{essays} essays: CPU/wall seconds per round, then the median")
    for side, name in enumerate(names):
        runs = [row[side] for row in rows]
        cpu, wall = statistics.median(r.cpu for r in runs), statistics.median(r.wall for r in runs)
        cells = "".join(f"{r.cpu:>8.1f}/{r.wall:.1f}" for r in runs)
        print(f"{name:<26}{cells}   median {cpu:.1f}/{wall:.1f}   pages {runs[0].pages} ({runs[0].essay_pages})")
    for label, top, bottom in (("ours / bare Zensical", 0, 1), ("ours / plain Material", 0, 2),
                               ("bare Zensical / Material", 1, 2)):
        ratios = [row[top].cpu / row[bottom].cpu for row in rows]
        each = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"{label:<26} CPU ratio median {statistics.median(ratios):.2f}, spread {min(ratios):.2f}–"
              f"{max(ratios):.2f}  ({each})")


def measure(folder: Path, ours: Path, plain: Path, pairs: int) -> list[tuple[Run, Run]]:
    print("warm-up…", flush=True)
    build(ours, folder / "site-ours")
    build(plain, folder / "site-plain")
    rows = []
    for pair in range(1, pairs + 1):
        rows.append((build(ours, folder / "site-ours"), build(plain, folder / "site-plain")))
        print(f"pair {pair} done", flush=True)
    return rows


def report(essays: int, rows: list[tuple[Run, Run]]) -> None:
    def line(label: str, cells) -> None:
        print(f"{label:<22}" + "".join(f"{cell:>16}" for cell in cells))

    line(f"{essays} essays", [f"pair {n}" for n in range(1, len(rows) + 1)] + ["median"])
    for side, name in ((0, "letterpress"), (1, "plain Material")):
        runs = [row[side] for row in rows]
        line(f"{name} CPU/wall", [f"{r.cpu:.1f}/{r.wall:.1f} s" for r in runs]
             + [f"{statistics.median(r.cpu for r in runs):.1f}/{statistics.median(r.wall for r in runs):.1f} s"])
        line(f"{name} pages", [f"{r.pages} ({r.essay_pages})" for r in runs] + [""])
    cpu = [ours.cpu / plain.cpu for ours, plain in rows]
    wall = [ours.wall / plain.wall for ours, plain in rows]
    line("ratio CPU/wall", [f"{c:.2f}/{w:.2f}" for c, w in zip(cpu, wall, strict=True)]
         + [f"{statistics.median(cpu):.2f}/{statistics.median(wall):.2f}"])
    print(f"CPU ratio spread {min(cpu):.2f}–{max(cpu):.2f}")
    print("pages: every .html file written (essay pages in brackets)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench site")
    parser.add_argument("--essays", type=int, default=1000, help="synthetic essays to build (default 1000)")
    parser.add_argument("--pairs", type=int, default=5, help="measured pairs after the warm-up (default 5)")
    parser.add_argument("--since", default="2019-01-01",
                        help="newsletter.since of ours (default 2019-01-01: every essay in the window)")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs",
                        help="the engine Letterpress builds with (default mkdocs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="letterpress-bench-site-") as name:
        folder = Path(name)
        ours, plain = make_corpus(folder, args.essays, args.since)
        words = sum(len(p.read_text(encoding="utf-8").split("\n---\n", 1)[1].split())
                    for p in (folder / "docs/essays/posts").iterdir())
        print(f"{args.essays} essays, {words / args.essays:,.0f} words each on average; {os.cpu_count()} cores")
        if args.engine == "zensical":
            report_zensical(args.essays, measure_zensical(folder, ours, plain, args.pairs))
            return
        rows = measure(folder, ours, plain, args.pairs)
    report(args.essays, rows)


if __name__ == "__main__":
    main()
