"""Pack a span reader stored in float16 (as readers were before ``assistant.backends.packed``) and show what packing
costs: the check figures of both forms, read by the run-time reader.

    git show ace17f8:assistant/models/reader-v1.safetensors > build/reader-v1-float16.safetensors
    python -m evals.pack 1 --bits 3 --source build/reader-v1-float16.safetensors   # how reader-v1 ships
    python -m evals.pack 1 --bits 4 --source build/reader-v1-float16.safetensors --dry-run   # figures only

Without --source it packs assistant/models/reader-vN.safetensors in place, if that is still float16.

The check questions are those of ``evals.train_reader`` (SQuAD v1.1 dev articles 20-23, training data the reader
did not learn from): EM/F1 given the answer's sentence, and the margin's AUC against sentences without the answer
and against near misses.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from assistant.backends.embeddings import _model_dir
from assistant.backends.finetuned import ARTIFACT_DIR
from assistant.backends.packed import BITS, is_packed, pack
from assistant.config import Settings
from assistant.reader import SpanReader
from assistant.scoring import exact_match, token_f1

from .finetune import training_articles
from .train_reader import Example, auc_without, build_examples, build_negatives, build_swapped


def check_examples() -> list[Example]:
    v11, v20 = training_articles()
    check = v11[20:24]
    titles = {a["title"] for a in check}
    return (
        build_examples(check, every_answer=False)
        + build_negatives(check, [a for a in v20 if a["title"] in titles])
        + build_swapped(check, random.Random(13))
    )


def figures(reader: SpanReader, examples: list[Example]) -> tuple[dict[str, float], np.ndarray]:
    """EM/F1 on the answering sentences, the margin's AUCs, and every margin (to compare two forms)."""
    spans = [reader.spans(e.question, [e.sentence])[0] for e in examples]
    margins = np.array([s.margin if s else -1e4 for s in spans])
    answering = [e.start >= 0 for e in examples]
    said = [e.sentence[s.start : s.end] if s else "" for e, s in zip(examples, spans, strict=True)]
    near = [e.qid.endswith("-swapped") for e in examples]
    answered = [i for i, e in enumerate(examples) if e.start >= 0]
    return {
        "em": round(100 * float(np.mean([exact_match(said[i], examples[i].answers) for i in answered])), 1),
        "f1": round(100 * float(np.mean([token_f1(said[i], examples[i].answers) for i in answered])), 1),
        "answers_vs_not_auc": auc_without(list(margins), answering, near, True),
        "answers_vs_near_misses_auc": auc_without(list(margins), answering, near, False),
    }, margins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("version", type=int)
    parser.add_argument("--dry-run", action="store_true", help="print the figures, leave the artifact as it is")
    parser.add_argument("--bits", type=int, choices=(2, 3, 4, 5, 6), default=BITS, help="bits per step (default 4)")
    parser.add_argument("--source", type=Path, help="the float16 weights to pack (default: the artifact itself)")
    args = parser.parse_args(argv)
    stem = f"reader-v{args.version}"
    source = args.source or ARTIFACT_DIR / f"{stem}.safetensors"
    if not source.is_file() or not (ARTIFACT_DIR / f"{stem}.json").is_file():
        print(f"no {source} (or no {stem}.json beside the shipped readers)", file=sys.stderr)
        return 1
    stored = load_file(str(source))
    if is_packed(stored):
        print(f"{source} is packed already; give the float16 weights with --source", file=sys.stderr)
        return 1
    cache = Settings().embed.cache_dir
    examples = check_examples()
    with tempfile.TemporaryDirectory() as scratch:
        float_dir, packed_dir = Path(scratch) / "float16", Path(scratch) / "packed"
        for folder in (float_dir, packed_dir):
            folder.mkdir()
            shutil.copy(ARTIFACT_DIR / f"{stem}.json", folder / f"{stem}.json")
        shutil.copy(source, float_dir / f"{stem}.safetensors")
        base = load_file(str(_model_dir() / "model.safetensors"))
        save_file(pack(stored, base, args.bits), str(packed_dir / f"{stem}.safetensors"))
        before, margins_before = figures(SpanReader(cache, float_dir, args.version), examples)
        after, margins_after = figures(SpanReader(cache, packed_dir, args.version), examples)
        report = {
            "float16": {**before, "megabytes": round(source.stat().st_size / 1e6, 1)},
            "packed": {**after, "megabytes": round((packed_dir / f"{stem}.safetensors").stat().st_size / 1e6, 1)},
            "bits": args.bits,
            "largest_margin_change": round(float(np.abs(margins_before - margins_after).max()), 3),
            "check_pairs": len(examples),
        }
        print(json.dumps(report, indent=2))
        if not args.dry_run:
            shutil.copy(packed_dir / f"{stem}.safetensors", ARTIFACT_DIR / f"{stem}.safetensors")
            meta_path = ARTIFACT_DIR / f"{stem}.json"
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["packed"] = report
            meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
