"""How often a description read beside a name answers "Who is X?" rightly, and a place beside it "Where is X?", on
SQuAD dev (never the gold set).

    python -m evals.descriptions        # a few seconds

Each SQuAD question of the form ``assistant.descriptions.described_asked`` recognises ("What was Tymnet?", "Who
was Warsz?", "What was Brown's job?") is read, as the engine reads it, against the sentences of its own paragraph
that hold the name: the first whose short-answer span stands beside the name in apposition (for "Where is X?",
after it as a place: ``assistant.descriptions.located_asked``) answers. Printed for each kind of question, by
split (v1.1 articles 0-23 and the v2.0 titles of those articles are training data, the rest held out;
../shared/data/README.md): how many such questions, how many the rule answers, how many of those rightly (holding
a gold answer or F1 >= 0.5), and for v2.0 how many unanswerable ones it answers.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from assistant.config import Settings
from assistant.descriptions import described_asked, located_asked, read_as
from assistant.reader import SpanReader
from assistant.scoring import phrase_right
from assistant.text import normalize, sentence_spans

from .benchmarks import DATA


def main() -> None:
    reader = SpanReader(Settings().embed.cache_dir)  # the short answers' reader, as the engine builds it
    training = {a["title"] for a in _articles("1.1")[:24]}
    for where in (False, True):
        print("where is X?" if where else "who / what is X?")
        for version in ("1.1", "2.0"):
            _report(reader, version, training, where)


def _report(reader: SpanReader, version: str, training: set[str], where: bool) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    for article in _articles(version):
        split = "training" if article["title"] in training else "held out"
        for paragraph in article["paragraphs"]:
            text = normalize(paragraph["context"]).text
            sentences = [text[a:b] for a, b in sentence_spans(text)]
            for qa in paragraph["qas"]:
                name = located_asked(qa["question"]) if where else described_asked(qa["question"])
                if name is None or not any(re.search(rf"\b{re.escape(name)}\b", s, re.I) for s in sentences):
                    continue
                answers = [a["text"] for a in qa["answers"]]
                kind = "answerable" if answers else "unanswerable"
                counts[split, kind] += 1
                asked = qa["question"] if where else read_as(qa["question"], name)
                found = reader.description(asked, name, sentences, where)
                if found:
                    counts[split, f"{kind} answered"] += 1
                    said = sentences[found[0]][slice(*found[1].range)]
                    counts[split, f"{kind} right"] += bool(answers) and phrase_right(said, answers)
    for split in ("training", "held out"):
        line = [f"SQuAD v{version} {split}:"]
        for kind in ("answerable", "unanswerable"):
            if counts[split, kind]:
                line.append(
                    f"{kind} {counts[split, kind]}, answered {counts[split, f'{kind} answered']}"
                    + (f", rightly {counts[split, f'{kind} right']}" if kind == "answerable" else "")
                )
        print(" ".join(line[:1]) + " " + "; ".join(line[1:]))


def _articles(version: str) -> list[dict]:  # type: ignore[type-arg]
    return json.loads((DATA / "squad" / f"dev-v{version}.json").read_text(encoding="utf-8"))["data"]


if __name__ == "__main__":
    main()
