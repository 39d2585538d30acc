"""Two questions typed in one message, as people do in a chat box: "Who designed the trophy? And how many people
live in Warsaw?", made of SQuAD questions from two different articles.

    python -m evals.joined --titles heldout            # SQuAD v1.1 articles 24-47, 150 messages
    python -m evals.joined --titles train --pairs 50

Each message is asked three ways against the benchmark's index of every SQuAD paragraph: searched as one
question (what the engine does with a single question), as the assistant asks it (each question in turn,
``assistant.several``), and each question alone. Printed: how often each question's gold answer is in the answer
(for the assistant's answer, in the part that answers that question), and how often both are.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from typing import Any

from assistant.engine import last_answer
from assistant.scoring import contains
from assistant.types import Answer

from .benchmarks import DATA, assistant_for, progress_bar, squad_corpus, squad_titles

SEED = 11


Message = tuple[str, tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]  # text, its questions, their answers


def messages(data: Sequence[dict[str, Any]], titles: set[str], count: int, rng: random.Random) -> list[Message]:
    """``count`` messages of two questions from different articles of ``titles``: (message, the two questions, their
    gold answers); every other one joins the second with "And"."""
    asked = [
        (a, qa["question"].strip(), tuple(x["text"] for x in qa["answers"]))
        for a, article in enumerate(data)
        if article["title"] in titles
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
        if qa["answers"] and qa["question"].strip().endswith("?")
    ]
    out: list[Message] = []
    while len(out) < count:
        (a1, q1, g1), (a2, q2, g2) = rng.sample(asked, 2)
        if a1 == a2:
            continue
        second = f"And {q2[:1].lower()}{q2[1:]}" if len(out) % 2 else q2
        out.append((f"{q1} {second}", (q1, second), (g1, g2)))
    return out


def _found(answer: Answer, n: int, gold: tuple[str, ...]) -> bool:
    """Whether the answer to question ``n`` of the message holds a gold answer: in its own part when it has parts."""
    part = answer.parts[n] if answer.parts else answer
    return not part.refused and contains(part.text, gold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", choices=["train", "heldout"], default="heldout")
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    data = json.loads((DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))["data"]
    made = messages(data, squad_titles(args.titles), args.pairs, random.Random(args.seed))
    assistant = assistant_for(squad_corpus("1.1"))
    engine = assistant.ready_engine()
    found: dict[str, list[tuple[bool, bool]]] = {"searched as one question": [], "asked in turn": [], "alone": []}
    bar = progress_bar("messages")
    for n, (message, (q1, q2), (g1, g2)) in enumerate(made, 1):
        one = last_answer(engine.stream(message))
        turns = assistant.ask(message)
        first, second = assistant.ask(q1), assistant.ask(q2)
        found["searched as one question"].append((_found(one, 0, g1), _found(one, 0, g2)))
        found["asked in turn"].append((_found(turns, 0, g1), _found(turns, 1, g2)))
        found["alone"].append((_found(first, 0, g1), _found(second, 0, g2)))
        bar(n, len(made))
    print(f"\nSQuAD v1.1 {args.titles} articles, {len(made)} messages of two questions, seed {args.seed}")
    print("| asked | first answered | second answered | both |\n|---|---|---|---|")
    for way, pairs in found.items():
        shares = [sum(p[i] for p in pairs) / len(pairs) for i in (0, 1)]
        both = sum(a and b for a, b in pairs) / len(pairs)
        print(f"| {way} | {shares[0]:.3f} | {shares[1]:.3f} | {both:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
