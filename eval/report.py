"""Evaluation output: ``report.md`` (tables, settings, versions), ``results.json``, ``questions.csv`` and PNG plots;
optionally the questions that changed against an earlier run (``--baseline OLD_DIR``)."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import importlib.metadata
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from pipelines.settings import Settings

PACKAGES = (
    "docsight",
    "haystack-ai",
    "qdrant-client",
    "qdrant-haystack",
    "ollama-haystack",
    "pdfplumber",
    "unstructured",
)
SECRET_FIELDS = ("qdrant_api_key", "ui_password")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "machine": f"{platform.machine()}, {_cpus()} cores"}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def header(title: str, settings: Settings, extra: list[str]) -> list[str]:
    lines = [f"# {title}", "", f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.", *extra, ""]
    lines += ["Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()), ""]
    shown = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    shown = {k: "***" if k in SECRET_FIELDS and v else v for k, v in shown.items()}
    lines += ["<details><summary>Settings</summary>", "", "```", *[f"{k} = {v!r}" for k, v in shown.items()], "```"]
    return [*lines, "</details>", ""]


def table(columns: list[str], rows: list[list]) -> list[str]:
    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.3f}"
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|"
    out = ["| " + " | ".join(columns) + " |", rule]
    return out + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


def write(out: Path, lines: list[str], result: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "results.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    rows = result.get("rows") or []
    if rows:
        flat = [{k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in r.items()} for r in rows]
        with open(out / "questions.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(flat[0]))
            writer.writeheader()
            writer.writerows(flat)
    return out / "report.md"


def changes(baseline_dir: Path, rows: list[dict], hit) -> list[str]:
    """Markdown lines listing the questions whose ``hit(row)`` differs from the baseline run's."""
    old_file = Path(baseline_dir) / "results.json"
    if not old_file.is_file():
        return [f"Baseline {baseline_dir}: no results.json there.", ""]
    old = {r["id"]: r for r in json.loads(old_file.read_text()).get("rows", [])}
    lost = [r for r in rows if r["id"] in old and hit(old[r["id"]]) and not hit(r)]
    won = [r for r in rows if r["id"] in old and not hit(old[r["id"]]) and hit(r)]
    summary = f"{len(won)} question(s) went from miss to hit, {len(lost)} from hit to miss."
    lines = [f"## Compared with {baseline_dir}", "", summary, ""]
    for label, group in (("miss -> hit", won), ("hit -> miss", lost)):
        for r in group:
            lines.append(f"- {label}: `{r['id']}` {r.get('question', '')[:100]}")
    return [*lines, ""]


@contextlib.contextmanager
def _figure(out: Path, name: str, width: float = 6):
    """A matplotlib axes (headless backend) whose figure is saved as ``out/name`` and closed on exit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, 4))
    try:
        yield ax
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
    finally:
        plt.close(fig)


def plot_recall(out: Path, curves: dict[str, list[float]], title: str) -> str:
    with _figure(out, "recall_at_k.png") as ax:
        for name, curve in curves.items():
            ax.plot(range(1, len(curve) + 1), curve, marker="o", label=name)
        ax.set(xlabel="k", ylabel="recall@k", title=title, ylim=(0, 1))
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    return "recall_at_k.png"


def plot_histogram(out: Path, values_ms: list[float], title: str, name: str = "latency.png") -> str:
    with _figure(out, name) as ax:
        ax.hist(values_ms, bins=30)
        ax.set(xlabel="ms", ylabel="queries", title=title)
    return name


def plot_bars(out: Path, values: dict[str, float], title: str, ylabel: str, name: str) -> str:
    with _figure(out, name, width=7) as ax:
        ax.bar(list(values), list(values.values()))
        ax.set(ylabel=ylabel, title=title)
        ax.tick_params(axis="x", rotation=30)
    return name
