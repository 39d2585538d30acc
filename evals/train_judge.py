"""Train the answer judge: does this sentence answer this question?

    python -m evals.train_judge            # about 30 minutes on 2 cores; writes assistant/models/judge-v1.*
    python -m evals.train_judge --quick    # a tiny slice, to prove the script works (tests use it)

A cross-encoder made from the packaged all-MiniLM-L6-v2: the question and a candidate sentence are read together
([CLS] question [SEP] sentence [SEP]); the lower four layers stay frozen (their outputs are computed once with
onnxruntime), the top two layers and a linear head on the mean-pooled tokens are trained. Only what changed is
stored: the two layers and the head in float16 (about 7 MB), a delta over the packaged weights.

Data (../shared/data/README.md, training splits only): SQuAD v1.1 dev articles 0-23 and the SQuAD v2.0 dev
articles with the same titles. Positives are the sentences that hold a gold answer; negatives are the other
sentences of the paragraph (the two closest in words), the closest sentence of another paragraph of the article
(out of 40 drawn), and the two closest
sentences of the paragraph a v2.0 unanswerable question was written against. Articles 0-19 train;
articles 20-23 (still training data) calibrate the probability and choose the operating threshold. Nothing
here reads the held-out articles 24-47, SciFact test or the corpus gold set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.judge import ARTIFACT_DIR, JUDGE_VERSION, MAX_TOKENS, TRAINED_LAYERS, pair_tokenizer
from assistant.text import normalize
from assistant.words import terms

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

FROZEN_LAYERS = ALL_LAYERS - len(TRAINED_LAYERS)


@dataclass(frozen=True)
class Pair:
    qid: str
    question: str
    sentence: str
    label: int
    answerable: bool  # the question has an answer in its paragraph (v2.0 unanswerable: False)


def overlap(question: set[str], sentence: str) -> int:
    return len(question & set(terms(sentence)))


def build_pairs(articles: list[dict[str, Any]], unanswerable: list[dict[str, Any]], seed: int) -> list[Pair]:
    """Labelled (question, sentence) pairs from SQuAD v1.1 articles and v2.0 articles of the same titles."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for article in articles:
        split = [sentences(p["context"]) for p in article["paragraphs"]]
        for i, paragraph in enumerate(article["paragraphs"]):
            for qa in paragraph["qas"]:
                answers = [normalize(a["text"]).text.lower() for a in qa["answers"]]
                labels = [int(any(a and a in s.lower() for a in answers)) for s in split[i]]
                if not any(labels):  # the answer crosses a sentence boundary: no clean label
                    continue
                q_terms = set(terms(qa["question"]))
                for s, y in zip(split[i], labels, strict=True):
                    if y:
                        pairs.append(Pair(qa["id"], qa["question"], s, 1, True))
                negatives = [s for s, y in zip(split[i], labels, strict=True) if not y]
                negatives.sort(key=lambda s: -overlap(q_terms, s))
                for s in negatives[:2]:
                    pairs.append(Pair(qa["id"], qa["question"], s, 0, True))
                others = [s for j, sents in enumerate(split) if j != i for s in sents]
                if others:
                    sample = rng.sample(others, min(40, len(others)))
                    pairs.append(
                        Pair(qa["id"], qa["question"], max(sample, key=lambda s: overlap(q_terms, s)), 0, True)
                    )
    for article in unanswerable:
        for paragraph in article["paragraphs"]:
            split_one = sentences(paragraph["context"])
            for qa in paragraph["qas"]:
                if not qa.get("is_impossible"):
                    continue
                q_terms = set(terms(qa["question"]))
                for s in sorted(split_one, key=lambda s: -overlap(q_terms, s))[:2]:
                    pairs.append(Pair(qa["id"], qa["question"], s, 0, False))
    return pairs


def encode(pairs: list[Pair]) -> list[Any]:
    return pair_tokenizer().encode_batch([(p.question, p.sentence) for p in pairs])


def judge_model(weights: dict[str, np.ndarray]) -> Any:
    """The trainable top layers, then a linear head on the mean-pooled tokens: one logit per pair."""
    from torch import nn

    class Judge(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.top = top_layers(weights, TRAINED_LAYERS)
            self.head = nn.Linear(HIDDEN, 1)
            nn.init.normal_(self.head.weight, std=0.02)
            nn.init.zeros_(self.head.bias)

        def forward(self, x: Any, mask: Any) -> Any:
            x = self.top(x, mask)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
            return self.head(pooled).squeeze(-1)

    return Judge()


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (the probability that a random positive outranks a random negative)."""
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)) if n_pos and n_neg else float("nan")


def platt(logits: np.ndarray, labels: np.ndarray, steps: int = 2000) -> tuple[float, float]:
    """Fit p = sigmoid(a * logit + b) to the labels by gradient descent on the log loss."""
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * logits + b)))
        a -= 0.05 * float(((p - labels) * logits).mean())
        b -= 0.05 * float((p - labels).mean())
    return a, b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a small slice, one epoch: proves the script runs")
    parser.add_argument("--out", type=Path, default=ARTIFACT_DIR)
    parser.add_argument(
        "--target-declined",
        type=float,
        default=0.08,
        help="share of answerable calibration questions the threshold may decline",
    )
    args = parser.parse_args(argv)
    import torch

    rng, began, base, scratch = prepare(args.seed, args.out, ".scratch")
    v11, v20 = training_articles()
    train_articles, calib_articles = (v11[:2], v11[20:21]) if args.quick else (v11[:20], v11[20:24])
    titles = lambda arts: {a["title"] for a in arts}  # noqa: E731
    train = build_pairs(train_articles, [a for a in v20 if a["title"] in titles(train_articles)], args.seed)
    calib = build_pairs(calib_articles, [a for a in v20 if a["title"] in titles(calib_articles)], args.seed)
    if args.quick:  # enough to run every step, not to learn much
        train, calib = rng.sample(train, min(800, len(train))), rng.sample(calib, min(300, len(calib)))
    print(
        f"pairs: {len(train)} train ({sum(p.label for p in train)} positive), {len(calib)} calibration", file=sys.stderr
    )

    train_states = frozen_states(encode(train), scratch, FROZEN_LAYERS)
    calib_states = frozen_states(encode(calib), scratch, FROZEN_LAYERS)
    y_train = np.array([p.label for p in train])
    y_calib = np.array([p.label for p in calib])

    model = judge_model(base)
    head_params = list(model.head.parameters())
    layer_params = [p for n, p in model.named_parameters() if not n.startswith("head")]
    optimizer = torch.optim.AdamW(
        [{"params": layer_params, "lr": 5e-5}, {"params": head_params, "lr": 1e-3}], weight_decay=0.01
    )
    epochs = 1 if args.quick else args.epochs
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def batch_loss(chunk: list[int], x: Any, mask: Any) -> Any:
        return loss_fn(model(x, mask), torch.from_numpy(y_train[chunk].astype(np.float32)))

    fit(model, optimizer, train_states, epochs, batch_loss, rng, began, every=200)
    logits = np.zeros(len(calib_states), np.float32)
    with torch.no_grad():
        for chunk in length_batches([len(s) for s in calib_states], 64, None):
            logits[chunk] = model(*padded(calib_states, chunk)).numpy()
    a, b = platt(logits, y_calib)
    probs = 1 / (1 + np.exp(-(a * logits + b)))
    # question level: the best sentence's probability decides "the documents answer this"
    best: dict[str, tuple[float, bool]] = {}
    for p, prob in zip(calib, probs, strict=True):
        best[p.qid] = (max(best.get(p.qid, (0.0, True))[0], float(prob)), p.answerable)
    answerable = np.array(sorted(v[0] for v in best.values() if v[1]))
    unanswerable = np.array([v[0] for v in best.values() if not v[1]])
    threshold = float(np.quantile(answerable, args.target_declined)) if len(answerable) else 0.5
    figures = {
        "sentence_auc": round(auc(logits, y_calib), 4),
        "question_auc_answerable_vs_not": round(
            auc(
                np.concatenate([answerable, unanswerable]),
                np.concatenate([np.ones(len(answerable)), np.zeros(len(unanswerable))]),
            ),
            4,
        ),
        "answerable_declined": round(float((answerable < threshold).mean()), 4) if len(answerable) else None,
        "unanswerable_declined": round(float((unanswerable < threshold).mean()), 4) if len(unanswerable) else None,
        "calibration_pairs": len(calib),
        "calibration_questions": {"answerable": int(len(answerable)), "unanswerable": int(len(unanswerable))},
    }
    meta = save_artifact(
        args.out,
        "judge",
        JUDGE_VERSION,
        model.top.delta(),
        ("head", model.head),
        scratch,
        trained_layers=list(TRAINED_LAYERS),
        max_tokens=MAX_TOKENS,
        platt=[a, b],
        threshold=threshold,
        seed=args.seed,
        epochs=epochs,
        data={
            "train": "SQuAD v1.1 dev articles 0-19 (+ v2.0 dev, same titles)" if not args.quick else "quick slice",
            "calibration": "SQuAD v1.1 dev articles 20-23 (+ v2.0 dev, same titles)" if not args.quick else "quick",
            "train_pairs": len(train),
        },
        calibration_figures=figures,
        seconds=round(time.perf_counter() - began),
        command="python -m evals.train_judge" + (" --quick" if args.quick else ""),
    )
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
