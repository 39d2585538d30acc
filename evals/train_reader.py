"""Train the span reader: which words of a sentence answer the question, and whether any do?

    python -m evals.train_reader --epochs 2 --init assistant/models/reader-v2.safetensors
        # how the shipped reader-v3 was made (23 minutes on 2 cores, from reader-v2 of the history)
    python -m evals.train_reader --quick    # a tiny slice, to prove the script works (tests use it)

The packaged all-MiniLM-L6-v2 reads [CLS] question [SEP] sentence [SEP]; the embeddings stay frozen (computed once
with onnxruntime, as are any frozen lower layers: --layers), the layers and a start/end head on every token are
trained with the usual SQuAD loss (cross-entropy of the answer's first and last token among the sentence's tokens;
both on [CLS] when the sentence does not answer). Only what changed is stored: the trained layers as 4-bit
differences from the packaged weights, and the head (5.5 MB for all six; ``assistant.backends.packed``;
``evals.pack`` measures other widths). On the check articles, three layers for three epochs gave EM 55.4 / F1 70.2;
four layers for four epochs 64.1 / 77.4; all six layers for four epochs 66.3 / 78.8 (reader-v1, answers only, still
the short answers' reader).

Data (../shared/data/README.md, training splits only): SQuAD v1.1 dev articles 0-19 train, each distinct gold answer
a sentence example (the sentence of the normalised paragraph that holds it); sentences that do not answer
(``build_negatives``: the closest other sentence of the paragraph for v1.1 questions, the closest
--unanswerable-sentences for the v2.0 unanswerable questions of the same titles) and near misses
(``build_swapped``). Articles 20-23 (still training data) give the figures in the metadata: EM/F1 with the official
normalisation when the reader is given the sentence that holds the answer, and the no-answer margin's AUC. Nothing
here reads the held-out articles 24-47 or the corpus gold set.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.backends.finetuned import ARTIFACT_DIR, MAX_TOKENS, pair_tokenizer
from assistant.backends.packed import unpack
from assistant.reader import JUDGE_READER_VERSION, TRAINED_LAYERS, best_span
from assistant.scoring import auc, exact_match, token_f1
from assistant.text import normalize, sentence_spans
from assistant.words import content_words

from .finetune import (
    ALL_LAYERS,
    HIDDEN,
    fit,
    frozen_states,
    length_batches,
    padded,
    prepare,
    save_artifact,
    sentences,
    top_layers,
    training_articles,
)
from .paraphrase import Words, changed, paraphrased, synonyms


@dataclass(frozen=True)
class Example:
    qid: str
    question: str
    sentence: str
    start: int  # the answer's characters in the sentence; -1, -1: the sentence does not answer (target [CLS])
    end: int
    answers: tuple[str, ...]  # every gold answer of the question, for scoring


def build_examples(articles: list[dict[str, Any]], every_answer: bool) -> list[Example]:
    """(question, sentence, answer span) for each gold answer found inside one sentence of its paragraph."""
    examples: list[Example] = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            norm = normalize(paragraph["context"]).text
            spans = sentence_spans(norm)
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                for answer in answers if every_answer else answers[:1]:
                    text = normalize(answer).text.strip()
                    at = norm.find(text) if text else -1
                    inside = [(a, b) for a, b in spans if a <= at and at + len(text) <= b]
                    if not inside:  # not found, or across a sentence boundary: no clean label
                        continue
                    a, b = inside[0]
                    examples.append(Example(qa["id"], qa["question"], norm[a:b], at - a, at - a + len(text), answers))
    return examples


def _overlap(question: str, sentence: str) -> int:
    return len({w.lower() for w in content_words(question)} & {w.lower() for w in content_words(sentence)})


def build_negatives(v11: list[dict[str, Any]], v20: list[dict[str, Any]], per_unanswerable: int = 1) -> list[Example]:
    """Sentences that do not answer, those of its paragraph sharing the most words with the question: for every
    SQuAD v2.0 unanswerable question the ``per_unanswerable`` closest, and for every v1.1 question the closest one
    without its answer."""
    examples: list[Example] = []
    for articles, unanswerable in ((v20, True), (v11, False)):
        for article in articles:
            for paragraph in article["paragraphs"]:
                said = sentences(paragraph["context"])
                for qa in paragraph["qas"]:
                    if bool(qa.get("is_impossible")) != unanswerable:
                        continue
                    answers = tuple(normalize(a["text"]).text.strip() for a in qa["answers"])
                    options = [s for s in said if not any(a and a in s for a in answers)]
                    options.sort(key=lambda s: -_overlap(qa["question"], s))
                    for sentence in options[: per_unanswerable if unanswerable else 1]:
                        examples.append(Example(qa["id"], qa["question"], sentence, -1, -1, ()))
    return examples


def _shape(word: str) -> str:
    return "number" if any(c.isdigit() for c in word) else "name" if word[0].isupper() else "word"


def build_swapped(articles: list[dict[str, Any]], rng: random.Random) -> list[Example]:
    """Near misses, as SQuAD v2.0's unanswerable questions are made: a question with its answer's own sentence, one
    of the question's names or numbers that the sentence holds swapped for another of the same article that the
    sentence lacks (a name for a name, a number for a number). "How many French soldiers
    died?" is not answered by "47 Malian soldiers died"."""
    examples: list[Example] = []
    for article in articles:
        vocabulary: dict[str, set[str]] = {"number": set(), "name": set(), "word": set()}
        for paragraph in article["paragraphs"]:
            for word in content_words(paragraph["context"]):
                if len(word) >= 3:
                    vocabulary[_shape(word)].add(word)
        pools = {shape: sorted(words) for shape, words in vocabulary.items()}
        for ex in build_examples([article], every_answer=False):
            held = {w.lower() for w in content_words(ex.sentence)}
            answer = {w.lower() for w in content_words(ex.sentence[ex.start : ex.end])}
            asked = content_words(ex.question)
            first = ex.question.split()[0]  # capitalised as the question's first word, not as a name
            options = [w for w in asked if w.lower() in held and w.lower() not in answer and len(w) >= 3 and w != first]
            named = [w for w in options if _shape(w) != "word"]
            if not named:  # a common word swapped is too often a paraphrase, or nonsense
                continue
            word = rng.choice(named)
            lowered = {w.lower() for w in asked} | held
            pool = [w for w in pools[_shape(word)] if w.lower() not in lowered and w[:4].lower() != word[:4].lower()]
            if not pool:
                continue
            question = re.sub(rf"\b{re.escape(word)}\b", rng.choice(pool), ex.question, count=1)
            examples.append(Example(f"{ex.qid}-swapped", question, ex.sentence, -1, -1, ()))
    return examples


def reworded_examples(examples: list[Example], words: Words, rng: random.Random) -> list[Example]:
    """Each example whose question has a word to swap, asked in other words (same sentence, same label); and each
    answering one with such a word swapped for an unrelated one (the sentence no longer answers: a near miss)."""
    out = []
    for ex in examples:
        question = paraphrased(ex.question, ex.sentence, words.near, rng)
        if question:
            out.append(Example(f"{ex.qid}-reworded", question, ex.sentence, ex.start, ex.end, ex.answers))
        question = changed(ex.question, ex.sentence, words, rng) if ex.start >= 0 else None
        if question:
            out.append(Example(f"{ex.qid}-swapped-word", question, ex.sentence, -1, -1, ()))
    return out


def labelled(examples: list[Example]) -> tuple[list[Any], list[Example], np.ndarray]:
    """Tokenised pairs with the answer's first and last token (examples whose answer was cut off are dropped)."""
    encoded = pair_tokenizer().encode_batch([(e.question, e.sentence) for e in examples])
    kept_enc, kept, targets = [], [], []
    for enc, ex in zip(encoded, examples, strict=True):
        if ex.start < 0:  # no answer here: both ends on [CLS]
            kept_enc.append(enc)
            kept.append(ex)
            targets.append((0, 0))
            continue
        first, last = enc.char_to_token(ex.start, 1), enc.char_to_token(ex.end - 1, 1)
        if first is not None and last is not None and first <= last:
            kept_enc.append(enc)
            kept.append(ex)
            targets.append((first, last))
    return kept_enc, kept, np.array(targets, np.int64)


def reader_model(weights: dict[str, np.ndarray], trained: tuple[int, ...]) -> Any:
    from torch import nn

    class Reader(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.top = top_layers(weights, trained)
            self.span_head = nn.Linear(HIDDEN, 2)
            nn.init.normal_(self.span_head.weight, std=0.02)
            nn.init.zeros_(self.span_head.bias)

        def forward(self, x: Any, mask: Any, inside: Any) -> Any:
            logits = self.span_head(self.top(x, mask))  # [batch, seq, 2]
            return logits.masked_fill(~inside[..., None], -1e4)  # only the sentence's tokens can start or end it

    return Reader()


def inside_mask(encoded: list[Any], chunk: list[int], width: int) -> Any:
    import torch

    mask = torch.zeros((len(chunk), width), dtype=torch.bool)
    for row, i in enumerate(chunk):
        for t, s in enumerate(encoded[i].sequence_ids):
            mask[row, t] = s == 1 or t == 0  # [CLS] stands for "no answer in this sentence"
    return mask


def load_delta(model: Any, path: Path, base: dict[str, np.ndarray]) -> None:
    """Start from a stored reader: its trained layers and span head."""
    import torch
    from safetensors.numpy import load_file

    for key, value in unpack(load_file(str(path)), base).items():
        tensor = torch.tensor(value)
        if key.startswith("span_head."):
            getattr(model.span_head, key.split(".")[1]).data.copy_(tensor)
        else:
            model.top.params[key.replace(".", "__")].data.copy_(tensor)


def auc_without(margins: list[float], answered: list[bool], swapped: list[bool], leave_out: bool) -> float:
    """The margin's AUC, answering sentences against the other negatives (the near misses left out, or only them)."""
    kept = [i for i, s in enumerate(swapped) if s != leave_out or answered[i]]
    return round(auc([margins[i] for i in kept], [answered[i] for i in kept]), 4)


def check_figures(model: Any, encoded: list[Any], check: list[Example], states: list[np.ndarray]) -> dict[str, Any]:
    """EM/F1 given the answer's sentence, and the margin's AUC against sentences without the answer and against
    near misses."""
    import torch

    em, f1, margins, answered, swapped = [], [], [], [], []
    with torch.no_grad():
        for chunk in length_batches([len(s) for s in states], 64, None):
            x, mask = padded(states, chunk)
            logits = model(x, mask, inside_mask(encoded, chunk, x.shape[1])).numpy()
            for row, i in enumerate(chunk):
                ex = check[i]
                span = best_span(ex.sentence, encoded[i], logits[row, : len(encoded[i].ids)])
                margins.append(span.margin if span else -1e4)
                answered.append(ex.start >= 0)
                swapped.append("-swapped" in ex.qid)
                if ex.start < 0:
                    continue
                said = ex.sentence[span.start : span.end] if span else ""
                em.append(exact_match(said, ex.answers))
                f1.append(token_f1(said, ex.answers))
    return {
        "given_the_sentence_em": round(100 * float(np.mean(em)), 1),
        "given_the_sentence_f1": round(100 * float(np.mean(f1)), 1),
        "answers_vs_not_auc": auc_without(margins, answered, swapped, True),
        "answers_vs_near_misses_auc": auc_without(margins, answered, swapped, False),
        "check_questions": len(em),
        "check_sentences_without_answer": len(check) - len(em) - sum(swapped),
        "check_near_misses": sum(swapped),
    }


def command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """The command that makes this artifact again: the options that differ from their defaults (not --out)."""
    options = []
    for action in parser._actions:  # the option as typed, not its attribute name (--no-swapped, --unanswerable-...)
        value = getattr(args, action.dest, None)
        if action.dest in ("help", "out") or value == action.default:
            continue
        flag = action.option_strings[0]
        options.append(flag if action.nargs == 0 else f"{flag} {value}")
    return " ".join(["python -m evals.train_reader", *options])


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-4, help="learning rate of the trained layers")
    parser.add_argument("--layers", type=int, default=len(TRAINED_LAYERS), help="top layers trained (the rest frozen)")
    parser.add_argument("--init", type=Path, help="start from this reader artifact (.safetensors) instead of MiniLM")
    parser.add_argument(
        "--no-swapped", dest="swapped", action="store_false", help="without the near misses (build_swapped)"
    )
    parser.add_argument(
        "--unanswerable-sentences",
        type=int,
        default=1,
        help="sentences of its paragraph read as 'no answer' for each v2.0 unanswerable question (the closest first)",
    )
    parser.add_argument(
        "--reworded",
        action="store_true",
        help="also read every example with some question words swapped for near synonyms (evals.paraphrase)",
    )
    parser.add_argument("--quick", action="store_true", help="a small slice, one epoch: proves the script runs")
    parser.add_argument("--out", type=Path, default=ARTIFACT_DIR)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = arguments()
    args = parser.parse_args(argv)
    import torch

    rng, began, base, scratch = prepare(args.seed, args.out, ".scratch-reader")
    v11, v20 = training_articles()
    train_articles, check_articles = (v11[:2], v11[20:21]) if args.quick else (v11[:20], v11[20:24])
    check_titles = {a["title"] for a in check_articles}
    train_v20 = [a for a in v20 if a["title"] in {t["title"] for t in train_articles}]
    train = build_examples(train_articles, every_answer=True)
    train += build_negatives(train_articles, train_v20, args.unanswerable_sentences)
    if args.swapped:
        train += build_swapped(train_articles, rng)
    check = build_examples(check_articles, every_answer=False)
    check_negatives = build_negatives(check_articles, [a for a in v20 if a["title"] in check_titles])
    check_negatives += build_swapped(check_articles, rng)
    if args.quick:  # enough to run every step, not to learn much
        train, check = rng.sample(train, min(600, len(train))), rng.sample(check, min(200, len(check)))
        check_negatives = rng.sample(check_negatives, min(200, len(check_negatives)))
    reworded: list[Example] = []
    if args.reworded:  # every example once more with some of the question's words in other words
        table = synonyms(v11[:2] if args.quick else v11[:24])
        train += reworded_examples(train, table, rng)
        reworded = reworded_examples(check + check_negatives, table, rng)
    train_enc, train, targets = labelled(train)
    check_enc, check, _ = labelled(check + check_negatives)
    reworded_enc, reworded, _ = labelled(reworded) if reworded else ([], [], None)
    print(f"examples: {len(train)} train, {len(check)} check", file=sys.stderr)

    trained = tuple(range(ALL_LAYERS - args.layers, ALL_LAYERS))
    train_states = frozen_states(train_enc, scratch, trained[0])
    check_states = frozen_states(check_enc, scratch, trained[0])

    model = reader_model(base, trained)
    if args.init:
        load_delta(model, args.init, base)
    optimizer = torch.optim.AdamW(
        [
            {"params": list(model.top.parameters()), "lr": args.lr},
            {"params": list(model.span_head.parameters()), "lr": 1e-3},
        ],
        weight_decay=0.01,
    )
    epochs = 1 if args.quick else args.epochs
    loss_fn = torch.nn.CrossEntropyLoss()

    def batch_loss(chunk: list[int], x: Any, mask: Any) -> Any:
        logits = model(x, mask, inside_mask(train_enc, chunk, x.shape[1]))
        y = torch.from_numpy(targets[chunk])
        return (loss_fn(logits[..., 0], y[:, 0]) + loss_fn(logits[..., 1], y[:, 1])) / 2

    fit(model, optimizer, train_states, epochs, batch_loss, rng, began)
    figures = check_figures(model, check_enc, check, check_states)
    if reworded_enc:
        states = frozen_states(reworded_enc, scratch, trained[0])
        figures.update({f"reworded_{k}": v for k, v in check_figures(model, reworded_enc, reworded, states).items()})
    meta = save_artifact(
        args.out,
        "reader",
        JUDGE_READER_VERSION,
        model.top.delta(),
        ("span_head", model.span_head),
        base,
        scratch,
        trained_layers=list(trained),
        max_tokens=MAX_TOKENS,
        seed=args.seed,
        epochs=epochs,
        learning_rate=args.lr,
        data={
            "train": "SQuAD v1.1 dev articles 0-19, every distinct answer; sentences without the answer: the closest "
            "one of the paragraph for each v1.1 question, the closest "
            f"{args.unanswerable_sentences} for each v2.0 unanswerable question of the same titles"
            + ("; near misses: v1.1 questions with a name or number swapped (build_swapped)" if args.swapped else "")
            + (
                "; every example also reworded, and answering ones with a word swapped for an unrelated one as near "
                "misses (evals.paraphrase)"
                if args.reworded
                else ""
            )
            if not args.quick
            else "quick slice",
            "check": "SQuAD v1.1 dev articles 20-23, first answer's sentence, sentences without the answer and near "
            "misses as in training"
            if not args.quick
            else "quick slice",
            "initialised_from": args.init.name if args.init else "all-MiniLM-L6-v2",
            "train_examples": len(train),
        },
        check_figures=figures,
        seconds=round(time.perf_counter() - began),
        command=command(parser, args),
    )
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
