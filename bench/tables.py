"""The benchmark's measurements, its table and its targets (see bench/run.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: What the numbers should be, checked on the sizes that were run: a clean build at most this many times
#: Hugo's time on the same corpus, by size.
HUGO_RATIO = {1000: 1.5, 10000: 1.0}
#: A one-article edit (``sitegen build`` from the command line), by size, in seconds.
TARGET_EDIT_S = {1000: 0.3, 10000: 1.0}
#: The same with the search index made too, at 10,000 articles.
TARGET_SEARCH_EDIT_S = 5.0
#: A rebuild with nothing changed at 1,000 articles.
TARGET_NO_CHANGE_S = 0.2
#: The time per page may differ this much between the smallest and the largest size.
TARGET_SCALING = 0.20
#: The peak memory of the builds at 10,000 articles (the process tree's PSS).
TARGET_PEAK_MB = 600


@dataclass
class Run:
    """One timed subprocess."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float  # the process tree's summed PSS (RSS where PSS cannot be read), sampled
    max_rss_mb: float  # ru_maxrss: the largest single process of the tree
    pages: int = 0  # .html files in the output folder afterwards
    reported_pages: int | None = None  # what sitegen's summary line says, when it prints one
    output: str = field(default="", repr=False)


@dataclass
class Size:
    """Every measurement for one site size."""

    articles: int
    source_files: int
    floor: Run
    clean: Run
    no_change: Run
    one_edit: Run
    hugo: Run | None = None
    #: With ``--search``: the one-article edit again, with the search index made as well.
    search_edit: Run | None = None
    #: Each pair's clean build time over Hugo's (``--pairs``); ``clean`` and ``hugo`` are the median runs.
    hugo_ratios: list[float] = field(default_factory=list)
    #: Every one-article edit's time (``--edits``); ``one_edit`` is the median run.
    edit_seconds: list[float] = field(default_factory=list)

    @property
    def hugo_ratio(self) -> float:
        """sitegen's clean build over Hugo's: the median of the pairs' ratios."""
        if self.hugo_ratios:
            return _middle(self.hugo_ratios)
        return self.clean.seconds / self.hugo.seconds if self.hugo else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(run.peak_rss_mb for run in (self.clean, self.no_change, self.one_edit))


def _middle(values: list[float]) -> float:
    values = sorted(values)
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2


def ms_per_page(run: Run) -> float:
    return run.seconds * 1000 / run.pages if run.pages else float("nan")


def table(sizes: list[Size]) -> str:
    """A Markdown table, one row per size."""
    with_hugo = any(size.hugo for size in sizes)
    head = [
        "N",
        "floor s",
        "floor ms/page",
        "sitegen s",
        "sitegen ms/page",
        "sitegen/floor",
        "no-change s",
        "one-edit s",
        "peak MB (PSS)",
        "pages floor/sitegen",
    ]
    with_search = any(size.search_edit for size in sizes)
    if with_search:
        head.append("one-edit, search s")
    if with_hugo:
        head += ["hugo s", "hugo ms/page", "sitegen/hugo", "hugo pages"]
    rows = []
    for size in sizes:
        row = [
            f"{size.articles:,}",
            f"{size.floor.seconds:.2f}",
            f"{ms_per_page(size.floor):.2f}",
            f"{size.clean.seconds:.2f}",
            f"{ms_per_page(size.clean):.2f}",
            f"{size.clean.seconds / size.floor.seconds:.2f}",
            f"{size.no_change.seconds:.3f}",
            f"{size.one_edit.seconds:.3f}",
            f"{size.peak_mb:.0f}",
            f"{size.floor.pages}/{size.clean.pages}",
        ]
        if with_search:
            row.append(f"{size.search_edit.seconds:.3f}" if size.search_edit else "")
        if with_hugo:
            hugo = size.hugo
            ratio = size.hugo_ratio if hugo else 0
            row += (
                [f"{hugo.seconds:.2f}", f"{ms_per_page(hugo):.2f}", f"{ratio:.2f}", str(hugo.pages)]
                if hugo
                else ["", "", "", ""]
            )
        rows.append(row)
    widths = [max(len(line[i]) for line in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (width + 1) + ":" for width in widths) + "|"
    return "\n".join([line(head), rule, *(line(row) for row in rows)])


def scaling(sizes: list[Size]) -> list[str]:
    """Time per page at the largest size over time per page at the smallest."""
    if len(sizes) < 2:
        return []
    small, large = sizes[0], sizes[-1]
    parts = [
        f"floor {ms_per_page(large.floor) / ms_per_page(small.floor):.2f}",
        f"sitegen {ms_per_page(large.clean) / ms_per_page(small.clean):.2f}",
    ]
    if small.hugo and large.hugo:
        parts.append(f"hugo {ms_per_page(large.hugo) / ms_per_page(small.hugo):.2f}")
    return [f"ms/page at N={large.articles:,} / ms/page at N={small.articles:,}: " + ", ".join(parts)]


def targets(sizes: list[Size]) -> list[str]:
    """The targets, judged on the sizes that were measured (see :data:`HUGO_RATIO` and the constants above)."""
    lines = []
    for size in sizes:
        lines += _size_targets(size)
    if len(sizes) >= 2:
        ratio = ms_per_page(sizes[-1].clean) / ms_per_page(sizes[0].clean)
        ok = abs(ratio - 1) <= TARGET_SCALING
        lines.append(f"ms/page constant within ±{TARGET_SCALING:.0%} across sizes: x{ratio:.2f} -- {_verdict(ok)}")
    return lines


def _size_targets(size: Size) -> list[str]:
    n = f"N={size.articles:,}"
    lines = []
    ratio = size.clean.seconds / size.floor.seconds
    lines.append(f"clean build no slower than the floor ({n}): x{ratio:.2f} -- {_verdict(ratio <= 1)}")
    if size.hugo and size.articles in HUGO_RATIO:
        ratio, most = size.hugo_ratio, HUGO_RATIO[size.articles]
        spread = _spread(size.hugo_ratios, "pairs")
        lines.append(f"clean build at most x{most} Hugo's ({n}): x{ratio:.2f}{spread} -- {_verdict(ratio <= most)}")
    if size.articles == 1000:
        seconds = size.no_change.seconds
        ok = seconds < TARGET_NO_CHANGE_S
        lines.append(f"no-change rebuild < {TARGET_NO_CHANGE_S} s ({n}): {seconds:.3f} s -- {_verdict(ok)}")
    if size.articles in TARGET_EDIT_S:
        seconds, most = size.one_edit.seconds, TARGET_EDIT_S[size.articles]
        spread = _spread(size.edit_seconds, "edits")
        lines.append(f"one-article edit < {most} s ({n}): {seconds:.3f} s{spread} -- {_verdict(seconds < most)}")
    if size.articles == 10000:
        if size.search_edit:
            seconds = size.search_edit.seconds
            ok = seconds < TARGET_SEARCH_EDIT_S
            lines.append(
                f"one-article edit with search < {TARGET_SEARCH_EDIT_S} s ({n}): {seconds:.3f} s -- {_verdict(ok)}"
            )
        ok = size.peak_mb < TARGET_PEAK_MB
        lines.append(f"peak memory < {TARGET_PEAK_MB} MB ({n}): {size.peak_mb:.0f} MB -- {_verdict(ok)}")
    return lines


def _spread(values: list[float], what: str) -> str:
    """`` (median of 5 pairs, 2.71 to 3.02)``: where a figure is the median of several runs."""
    if len(values) < 2:
        return ""
    return f" (median of {len(values)} {what}, {min(values):.3f} to {max(values):.3f})"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def as_json(size: Size) -> dict:
    data: dict = {"articles": size.articles, "source_files": size.source_files}
    data["hugo_ratios"], data["edit_seconds"] = size.hugo_ratios, size.edit_seconds
    for step in ("floor", "clean", "no_change", "one_edit", "hugo", "search_edit"):
        if (run := getattr(size, step)) is not None:
            data[step] = {key: value for key, value in asdict(run).items() if key != "output"}
    return data
