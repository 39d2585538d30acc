"""Eval reports: a printed table, JSON, a Markdown summary and an HTML page (failures first, SVG plots)."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .exports import write_samples, write_trec
from .keyfacts import key_fact_summary
from .scoring import risk_coverage

TABLE_METRICS = [
    ("answer_accuracy", "answer acc", "{:.3f}"),
    ("refusal_accuracy", "refusal acc", "{:.3f}"),
    ("citation_precision", "cite prec", "{:.3f}"),
    ("quote_validity", "quotes ok", "{:.3f}"),
    ("f1", "F1", "{:.1f}"),
    ("hit@1", "hit@1", "{:.3f}"),
    ("ndcg@10", "nDCG@10", "{:.3f}"),
    ("follow_up_accuracy", "follow-up", "{:.3f}"),
    ("latency_p50_ms", "p50 ms", "{:.0f}"),
    ("latency_p95_ms", "p95 ms", "{:.0f}"),
]


def _fmt(value: Any, pattern: str) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else pattern.format(value)


def table(runs: Sequence[dict[str, Any]]) -> str:
    """Markdown table, a row per system, and a ratio row (first system / last) when there are two or more."""
    header = "| system | " + " | ".join(label for _, label, _ in TABLE_METRICS) + " |"
    lines = [header, "|" + "---|" * (len(TABLE_METRICS) + 1)]
    for run in runs:
        s = run["summary"]
        lines.append(f"| {run['system']} | " + " | ".join(_fmt(s.get(k), p) for k, _, p in TABLE_METRICS) + " |")
    if len(runs) >= 2:
        first, last = runs[0]["summary"], runs[-1]["summary"]
        ratios = []
        for key, _, _ in TABLE_METRICS:
            a, b = first.get(key), last.get(key)
            ok = isinstance(a, float) and isinstance(b, float) and b and not math.isnan(a) and not math.isnan(b)
            ratios.append(f"{a / b:.2f}x" if ok else "—")
        lines.append(f"| ratio {runs[0]['system']} / {runs[-1]['system']} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def write_reports(runs: Sequence[dict[str, Any]], directory: Path, title: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / "report.json", directory / "report.md", directory / "report.html"]
    paths[0].write_text(json.dumps({"title": title, "runs": list(runs)}, indent=2, default=str), encoding="utf-8")
    paths[1].write_text(_markdown(runs, title), encoding="utf-8")
    paths[2].write_text(_html(runs, title), encoding="utf-8")
    for run in runs:  # per-sample files for ragas / DeepEval style tools, and the rankings in TREC form
        name = file_name(run["system"])
        paths.append(write_samples(run, directory / f"samples-{name}.jsonl"))
        paths += write_trec(run, directory, name)  # for trec_eval, ir_measures or ranx
    return paths


BLUE = "#4a7bd0"


def file_name(system: str) -> str:
    """A system's name as it appears in the report's file names."""
    return re.sub(r"[^a-z0-9]+", "-", system.lower()).strip("-")


def _uncertainty(run: dict[str, Any]) -> list[str]:
    """Wilson 95% intervals of the run's rates, then its accuracy per question kind."""
    lines = ["| rate | value | 95% interval | n |", "|---|---|---|---|"]
    for key, r in run.get("intervals", {}).items():
        lines.append(
            f"| {key} | {_fmt(r['rate'], '{:.3f}')} | {_fmt(r['low'], '{:.2f}')}–{_fmt(r['high'], '{:.2f}')} "
            f"| {r['n']:.0f} |"
        )
    lines += ["", "| kind | accuracy | 95% interval | n |", "|---|---|---|---|"]
    for kind, r in run.get("by_kind", {}).items():
        lines.append(
            f"| {kind} | {_fmt(r['rate'], '{:.3f}')} | {_fmt(r['low'], '{:.2f}')}–{_fmt(r['high'], '{:.2f}')} "
            f"| {r['n']:.0f} |"
        )
    return lines


def _markdown(runs: Sequence[dict[str, Any]], title: str) -> str:
    parts = [f"# {title}", "", table(runs), ""]
    for run in runs:
        parts += [f"## {run['system']}: rates with their uncertainty", "", *_uncertainty(run), ""]
        failures = [r for r in run["results"] + run["dialogue_turns"] if not r["correct"]]
        parts.append(f"## {run['system']}: {len(failures)} failures")
        parts.extend(f"- `{r['id']}` {r['question']} → {r['answer']['answer'][:160]!r}" for r in failures)
        parts.append("")
        if run.get("broad"):
            parts += [*_broad_markdown(run["broad"]), ""]
    return "\n".join(parts)


def _broad_summary(broad: dict[str, Any]) -> str:
    return f"{len(broad['results'])} questions: {key_fact_summary(broad)}"


def _broad_markdown(broad: dict[str, Any]) -> list[str]:
    """The broad slice: its share of key facts, then each question short of all of them."""
    short = [r for r in broad["results"] if r["score"] < 1]
    lines = ["## Broad slice", "", _broad_summary(broad), "", f"{len(short)} short of all their key facts:"]
    lines += [
        f"- `{r['id']}` ({r['kind']}, answered as {r['answered_as']}, {r['score']:.2f}) {r['question']} → "
        f"{r['answer'][:160]!r}"
        for r in short
    ]
    return lines


def _histogram(
    series: Sequence[tuple[Sequence[float], str]],
    label: str,
    mark: float | None = None,
    bins: int = 12,
    width: int = 360,
    height: int = 120,
) -> str:
    """Bars of one or more (values, colour) series over a shared range, overlaid; ``mark`` draws a dashed red
    line at that value (a threshold)."""
    series = [([v for v in values if not math.isnan(v)], colour) for values, colour in series]
    every = [v for values, _ in series for v in values] + ([mark] if mark is not None else [])
    if not any(values for values, _ in series):
        return ""
    lo, hi = min(every), max(every)
    span = (hi - lo) or 1.0
    counted = []
    for values, colour in series:
        counts = [0] * bins
        for v in values:
            counts[min(bins - 1, int((v - lo) / span * bins))] += 1
        counted.append((counts, colour))
    top = max(max(counts) for counts, _ in counted)
    bar = width / bins
    opacity = ' fill-opacity="0.55"' if len(series) > 1 else ""
    rects = "".join(
        f'<rect x="{i * bar:.1f}" y="{height - 20 - c / top * (height - 30):.1f}" width="{bar - 2:.1f}" '
        f'height="{c / top * (height - 30):.1f}" fill="{colour}"{opacity}><title>{c}</title></rect>'
        for counts, colour in counted
        for i, c in enumerate(counts)
    )
    line = ""
    if mark is not None:
        x = (mark - lo) / span * width
        line = (
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#d1242f" stroke-dasharray="4 3" '
            f'stroke-width="2"><title>threshold {mark:.3g}</title></line>'
        )
    n = f" (n={len(series[0][0])})" if len(series) == 1 else ""
    return (
        f'<figure><svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">{rects}{line}'
        f'<text x="0" y="{height - 4}" font-size="11">{_axis_label(lo)}</text>'
        f'<text x="{width}" y="{height - 4}" font-size="11" text-anchor="end">{_axis_label(hi)}</text></svg>'
        f"<figcaption>{html.escape(label)}{n}</figcaption></figure>"
    )


def _axis_label(value: float) -> str:
    """An axis end as a reader writes it: 1,914 (not 1.91e+03), 42, 0.631."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _answerability(rows: Sequence[dict[str, Any]], threshold: float | None) -> str:
    """The best sentence's score of answerable (blue) and unanswerable (orange) questions on one axis, the
    answer threshold marked: how far apart the two are is how well the score can decide to refuse."""
    scored = [(r["best_score"], r["answerable"]) for r in rows if not math.isnan(r.get("best_score", math.nan))]
    answerable = [v for v, a in scored if a]
    unanswerable = [v for v, a in scored if not a]
    if not answerable or not unanswerable:
        return ""
    label = (
        f"best sentence score: answerable (blue, n={len(answerable)}) and unanswerable (orange, "
        f"n={len(unanswerable)}); red: the answer threshold"
    )
    return _histogram([(answerable, BLUE), (unanswerable, "#e8853d")], label, threshold, bins=20, height=140)


def _risk_coverage(rows: Sequence[dict[str, Any]], width: int = 360, height: int = 200) -> str:
    """Accuracy of the answered questions against the share answered as the threshold moves; the dot is where
    the system stands (its own answers and refusals)."""
    scored = [(r["best_score"], r["right_if_answered"]) for r in rows if not math.isnan(r.get("best_score", math.nan))]
    if len(scored) < 2:
        return ""
    curve = risk_coverage(scored)
    pad = 24

    def xy(coverage: float, accuracy: float) -> str:
        return f"{pad + coverage * (width - pad - 4):.1f},{height - pad - accuracy * (height - pad - 8):.1f}"

    line = " ".join(xy(c, a) for _, c, a in curve)
    answered = [r for r in rows if not r["answer"]["refused"]]
    dot = ""
    if answered:
        coverage = len(answered) / len(rows)
        accuracy = sum(r["correct"] for r in answered) / len(answered)
        x, y = xy(coverage, accuracy).split(",")
        dot = (
            f'<circle cx="{x}" cy="{y}" r="5" fill="#d1242f"><title>operating point: {coverage:.0%} answered, '
            f"{accuracy:.0%} of them right</title></circle>"
        )
    axes = (
        f'<line x1="{pad}" y1="{height - pad}" x2="{width}" y2="{height - pad}" stroke="#999"/>'
        f'<line x1="{pad}" y1="0" x2="{pad}" y2="{height - pad}" stroke="#999"/>'
        f'<text x="{pad}" y="{height - 6}" font-size="11">0</text>'
        f'<text x="{width}" y="{height - 6}" font-size="11" text-anchor="end">answered 100%</text>'
        f'<text x="0" y="12" font-size="11">1.0</text>'
    )
    return (
        f'<figure><svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">{axes}'
        f'<polyline points="{line}" fill="none" stroke="#4a7bd0" stroke-width="2"/>{dot}</svg>'
        "<figcaption>risk-coverage: accuracy of the answered questions as the threshold moves (red: the "
        "operating point)</figcaption></figure>"
    )


def _html(runs: Sequence[dict[str, Any]], title: str) -> str:
    e = html.escape
    body = [f"<h1>{e(title)}</h1>", _table_html(runs)]
    for run in runs:
        rows = sorted(run["results"] + run["dialogue_turns"], key=lambda r: (r["correct"], r["id"]))
        body.append(f"<h2>{e(run['system'])}</h2><div class=plots>")
        latencies = [r["timings_ms"].get("total", float("nan")) for r in rows]
        body.append(_histogram([(latencies, BLUE)], "latency, ms"))
        body.append(
            _histogram([([r["f1"] for r in rows if r["answerable"]], BLUE)], "token F1 of answerable questions")
        )
        scores = [c["score"] for r in rows for c in r["answer"]["citations"]]
        body.append(_histogram([(scores, BLUE)], "citation scores"))
        body.append(_answerability(run["results"], run.get("threshold")))
        body.append(_risk_coverage(run["results"]))
        body.append(
            "</div><div class=wide><table><tr><th>id</th><th>kind</th><th>question</th><th>answer</th>"
            "<th>citations</th><th>result</th></tr>"
        )
        for r in rows:
            cites = "".join(
                f"<li><b>{e(c['source'])}</b> {c['start']}–{c['end']}{'' if ok else ' <b>(quote invalid)</b>'}: "
                f"{e(c['quote'][:300])}</li>"
                for c, ok in zip(r["answer"]["citations"], r["quotes_valid"], strict=True)
            )
            verdict = "pass" if r["correct"] else "FAIL"
            body.append(
                f"<tr class={verdict.lower()}><td>{e(r['id'])}</td><td>{e(r['kind'])}</td>"
                f"<td>{e(r['question'])}</td><td>{e(r['answer']['answer'])}</td><td><ul>{cites}</ul></td>"
                f"<td>{verdict}</td></tr>"
            )
        body.append("</table></div>")
        if run.get("broad"):
            body.append(_broad_html(run["broad"]))
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:4px;vertical-align:top;font-size:13px}"
        "tr.fail{background:#fde8e8}.plots{display:flex;flex-wrap:wrap;gap:2em;margin-bottom:1.5em}"
        "figure{margin:0;max-width:360px;font-size:13px}figure svg{max-width:100%;height:auto}"
        # on a phone the figures shrink to the screen and the wide tables scroll sideways, not the page
        ".wide{overflow-x:auto}@media(max-width:600px){body{margin:1em}}"
    )
    head = f'<meta charset=utf-8><meta name="viewport" content="width=device-width"><title>{e(title)}</title>'
    return f"<!doctype html>{head}<style>{style}</style>{''.join(body)}"


def _broad_html(broad: dict[str, Any]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr class={'pass' if r['score'] == 1 else 'fail'}><td>{e(r['id'])}</td><td>{e(r['kind'])}</td>"
        f"<td>{e(str(r['answered_as']))}</td><td>{r['score']:.2f}</td><td>{e(r['question'])}</td>"
        f"<td>{e(r['answer'])}</td></tr>"
        for r in sorted(broad["results"], key=lambda r: (r["score"], r["id"]))
    )
    head = "<tr><th>id</th><th>kind</th><th>answered as</th><th>key facts</th><th>question</th><th>answer</th></tr>"
    return f"<h2>Broad slice</h2><p>{e(_broad_summary(broad))}</p><div class=wide><table>{head}{rows}</table></div>"


def _table_html(runs: Sequence[dict[str, Any]]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label, _ in TABLE_METRICS)
    rows = "".join(
        f"<tr><td>{html.escape(run['system'])}</td>"
        + "".join(f"<td>{_fmt(run['summary'].get(k), p)}</td>" for k, _, p in TABLE_METRICS)
        + "</tr>"
        for run in runs
    )
    return f"<div class=wide><table><tr><th>system</th>{head}</tr>{rows}</table></div>"
