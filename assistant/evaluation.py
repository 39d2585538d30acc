"""Scorers and reports for answer accuracy, refusal, citations, retrieval and latency (used by ``assistant eval``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .answer import UNSURE_NOTE, SourceReader
from .exports import by_kind, intervals
from .scoring import (
    contains,
    exact_match,
    mean,
    normalize_answer,
    percentile,
    phrase_right,
    retrieval_metrics,
    token_f1,
)
from .types import Answer

if TYPE_CHECKING:
    from .assistant import Assistant

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answers: tuple[str, ...]
    sources: tuple[str, ...]
    answerable: bool
    kind: str = "fact"
    split: str = "test"
    polarity: str | None = None  # a yes/no question: "yes" or "no", what a reader of the documents would reply


@dataclass(frozen=True)
class Dialogue:
    id: str
    turns: tuple[tuple[str, tuple[str, ...]], ...]  # (question, accepted answers); no answers: should be declined


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "question" not in row:
            raise ValueError(f"{path}:{n}: each line needs at least 'question' (and 'answers', 'answerable')")
        answers = tuple(row.get("answers", ()))
        items.append(
            GoldItem(
                str(row.get("id", n)),
                row["question"],
                answers,
                tuple(row.get("sources", ())),
                bool(row.get("answerable", bool(answers))),
                row.get("kind", "fact"),
                row.get("split", "test"),
                row.get("polarity"),
            )
        )
    return items


def load_dialogues(path: Path) -> list[Dialogue]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Dialogue(row["id"], tuple((t["question"], tuple(t.get("answers", ()))) for t in row["turns"])))
    return out


class System(Protocol):
    """What the harness evaluates: our assistant in any mode, or the llama-index baseline."""

    name: str

    def answer(self, question: str) -> Answer: ...

    def ranked_sources(self, question: str, k: int) -> list[str]: ...

    def conversation(self) -> Callable[[str], Answer]: ...


class AssistantSystem:
    """Our assistant in one answer mode, seen through the harness."""

    def __init__(self, assistant: Assistant, mode: str) -> None:
        self.assistant = assistant
        self.mode = mode
        self.name = f"assistant {mode}"

    @property
    def threshold(self) -> float:
        """The score a sentence must reach to answer: the verifier's or the learned judge's probability, or the rule
        score."""
        engine = self.assistant.engine
        if engine.verifier:
            return engine.verifier.threshold
        return engine.judge.threshold if engine.judge else self.assistant.settings.retrieval.min_score

    def answer(self, question: str) -> Answer:
        return self.assistant.ask(question, mode=self.mode)

    def ranked_sources(self, question: str, k: int) -> list[str]:
        return self.assistant.retriever.ranked_sources(question, k, self.assistant.settings.retrieval.top_k)

    def conversation(self) -> Callable[[str], Answer]:
        session = self.assistant.chat()
        return lambda question: session.ask(question, mode=self.mode)


@dataclass
class Result:
    id: str
    kind: str
    question: str
    answerable: bool
    answer: dict[str, Any]
    correct: bool
    em: float
    f1: float
    contained: bool
    quotes_valid: list[bool]
    citations_correct: list[bool]
    ranked_sources: list[str]
    gold_sources: list[str]
    timings_ms: dict[str, float] = field(default_factory=dict)
    best_score: float = float("nan")  # the best sentence's score, cited or (refused) nearest
    right_if_answered: bool = False  # answering with the best sentence would be right
    accepted: list[str] = field(default_factory=list)  # the gold answers (for exports' "reference")
    polarity: str | None = None  # a yes/no question's reply ("yes"/"no"); the answer's is answer["verdict"]


# extracted texts of the files quoted, kept while a file is unchanged (a PDF is not read again for each quote)
_FILES = SourceReader()


def _quote_valid(c: dict[str, Any], corpus_dir: Path) -> bool:
    """The quote is the file's text at its offsets (for a PDF, DOCX or web page: the text extracted again)."""
    try:
        text = _FILES.text(str(corpus_dir / c["source"]))
        return text is not None and text[c["start"] : c["end"]] == c["quote"]
    except (KeyError, TypeError):
        return False


def score(item: GoldItem, answer: Answer, ranked: list[str], corpus_dir: Path) -> Result:
    data = answer.to_dict()
    if item.answerable:
        contained = not answer.refused and contains(answer.text, item.answers)
        # a yes/no answer that says "yes" or "no" must say the right one; one that only quotes is judged by them
        correct = contained and (answer.verdict is None or item.polarity in (None, answer.verdict))
    else:
        contained, correct = False, answer.refused
    cites = data["citations"]
    said = answer.short.text if answer.short else answer.text  # EM/F1 judge the answer given first
    return Result(
        item.id,
        item.kind,
        item.question,
        item.answerable,
        data,
        correct,
        exact_match(said, item.answers) if item.answerable and not answer.refused else 0.0,
        token_f1(said, item.answers) if item.answerable and not answer.refused else 0.0,
        contained,
        [_quote_valid(c, corpus_dir) for c in cites],
        [c["source"] in item.sources and contains(c["quote"], item.answers) for c in cites]
        if item.answerable
        else [False for _ in cites],
        ranked,
        list(item.sources),
        dict(answer.timings_ms),
        max((c.score for c in answer.citations + answer.nearest), default=float("nan")),
        item.answerable and contains(_would_answer(answer), item.answers),
        list(item.answers),
        item.polarity,
    )


def _would_answer(answer: Answer) -> str:
    """The text given if the question had been answered: the answer, or for a refusal the nearest passage."""
    if not answer.refused:
        return answer.text
    return answer.nearest[0].quote if answer.nearest else ""


def _says_unsure(result: Result) -> bool:
    return any(note.startswith(UNSURE_NOTE) for note in result.answer.get("notes", ()))


def summarize(results: Sequence[Result], dialogue_turns: Sequence[Result] = ()) -> dict[str, float]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    refused = [r for r in results if r.answer["refused"]]
    answered = [r for r in answerable if not r.answer["refused"]]
    quotes = [v for r in results for v in r.quotes_valid]
    cites = [v for r in answered for v in r.citations_correct]
    totals = [r.timings_ms.get("total", float("nan")) for r in results]
    summary = {
        "questions": float(len(results)),
        "answer_accuracy": mean([float(r.correct) for r in answerable]),
        "refusal_accuracy": mean([float(r.correct) for r in unanswerable]),
        "overall_accuracy": mean([float(r.correct) for r in results]),
        "refusal_precision": mean([float(not r.answerable) for r in refused]),
        "refusal_recall": mean([float(r.answer["refused"]) for r in unanswerable]),
        "exact_match": 100 * mean([r.em for r in answerable]),
        "f1": 100 * mean([r.f1 for r in answerable]),
        "containment": mean([float(r.contained) for r in answerable]),
        "quote_validity": mean([float(v) for v in quotes]) if quotes else 1.0,
        "citation_precision": mean([float(v) for v in cites]),
        "answers_with_valid_citation": mean([float(any(r.quotes_valid)) for r in answered]),
        "latency_p50_ms": percentile(totals, 0.5),
        "latency_p95_ms": percentile(totals, 0.95),
        "latency_max_ms": max(totals, default=float("nan")),
    }
    stages = sorted({k for r in results for k in r.timings_ms if k != "total"})
    for stage in stages:
        summary[f"{stage}_p50_ms"] = percentile([r.timings_ms[stage] for r in results if stage in r.timings_ms], 0.5)
    summary.update(retrieval_metrics([(r.ranked_sources, r.gold_sources) for r in results if r.answerable]))
    polar = [r for r in results if r.polarity and not r.answer["refused"]]
    given = [r for r in polar if r.answer.get("verdict")]
    if polar:  # of the yes/no questions answered: how often "yes" or "no" was said, and how often rightly
        summary["verdict_share"] = len(given) / len(polar)
        summary["verdict_precision"] = mean([float(r.answer["verdict"] == r.polarity) for r in given])
    given_answers = [r for r in results if not r.answer["refused"]]
    unsure = [r for r in given_answers if _says_unsure(r)]
    if unsure:  # answers that said the judge was unsure: how often they were right, against the others
        sure = [r for r in given_answers if not _says_unsure(r)]
        summary["unsure_share"] = len(unsure) / len(given_answers)
        summary["unsure_accuracy"] = mean([float(r.answerable and r.correct) for r in unsure])
        summary["sure_accuracy"] = mean([float(r.answerable and r.correct) for r in sure]) if sure else float("nan")
    short = [r for r in results if r.answerable and not r.answer["refused"] and r.answer.get("short_answer")]
    if short:  # the phrase said first, in bold: how often it is itself right (the whole answer may hold it anyway)
        summary["short_share"] = len(short) / max(1, len(answered))
        summary["short_accuracy"] = mean(
            [float(phrase_right(r.answer["short_answer"]["text"], r.accepted)) for r in short]
        )
    if dialogue_turns:
        summary["dialogue_turn_accuracy"] = mean([float(r.correct) for r in dialogue_turns])
        summary["follow_up_accuracy"] = mean([float(r.correct) for r in dialogue_turns if r.kind == "follow-up"])
    return summary


def evaluate(
    system: System,
    gold: Sequence[GoldItem],
    dialogues: Sequence[Dialogue],
    corpus_dir: Path,
    progress: Progress | None = None,
    k: int = 10,
) -> dict[str, Any]:
    """Ask every gold question and every dialogue; return per-question results and the summary."""
    results: list[Result] = []
    turns: list[Result] = []
    total = len(gold) + sum(len(d.turns) for d in dialogues)
    began = time.perf_counter()
    for item in gold:
        results.append(score(item, system.answer(item.question), system.ranked_sources(item.question, k), corpus_dir))
        if progress:
            progress(len(results), total)
    for dialogue in dialogues:
        ask = system.conversation()
        for n, (question, answers) in enumerate(dialogue.turns):
            item = GoldItem(
                f"{dialogue.id}.{n + 1}", question, answers, (), bool(answers), "first-turn" if n == 0 else "follow-up"
            )
            answer = ask(question)
            turns.append(score(item, answer, [], corpus_dir))
            if progress:
                progress(len(results) + len(turns), total)
    rows = [asdict(r) for r in results]
    return {
        "system": system.name,
        "summary": summarize(results, turns),
        "intervals": intervals(rows),
        "by_kind": by_kind(rows),
        "threshold": getattr(system, "threshold", None),  # the score that decides to answer, where there is one
        "seconds": time.perf_counter() - began,
        "results": rows,
        "dialogue_turns": [asdict(r) for r in turns],
    }


def check_thresholds(summary: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """The metrics that fall below their threshold, as readable lines."""
    failures = []
    for metric, minimum in thresholds.items():
        value = summary.get(metric, float("nan"))
        if not value >= minimum:  # NaN fails too
            failures.append(f"{metric} = {value:.3f} is below the threshold {minimum:.3f}")
    return failures


def feedback_candidates(feedback: Path, known: Sequence[GoldItem] = ()) -> list[dict[str, Any]]:
    """Answers marked wrong in the web chat, as gold-set rows for a person to complete and confirm.

    Each row keeps the model's answer, the comment and the cited sources; ``answers`` is left empty and
    ``needs_review`` set, so nothing enters the gold set without a person writing the accepted answers.
    """
    asked = {normalize_answer(g.question) for g in known}
    out: list[dict[str, Any]] = []
    for n, line in enumerate(feedback.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        question = str(row.get("question", "")).strip()
        if row.get("liked") is not False or not question or normalize_answer(question) in asked:
            continue
        asked.add(normalize_answer(question))
        out.append(
            {
                "id": f"fb{n:04d}",
                "question": question,
                "answers": [],
                "sources": sorted({c["source"] for c in row.get("citations", []) if "source" in c}),
                "answerable": None,
                "kind": "feedback",
                "needs_review": True,
                "model_answer": row.get("answer", ""),
                "comment": row.get("comment", ""),
            }
        )
    return out
