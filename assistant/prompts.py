"""Prompt templates live as files in ``prompts/`` (installed as the package ``assistant.templates``); a template
whose variables do not match fails at start-up."""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .errors import ConfigError

EXPECTED: dict[str, frozenset[str]] = {
    "system": frozenset(),
    "answer": frozenset({"evidence", "question"}),
    "rewrite": frozenset({"history", "question"}),
}


@dataclass(frozen=True)
class Prompts:
    system: str
    answer: str
    rewrite: str

    def render(self, name: str, **values: str) -> str:
        return str(getattr(self, name)).format(**values)


def _variables(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def load_prompts(directory: Path | Traversable | None = None) -> Prompts:
    """The templates from ``directory``, by default the ones installed with the package."""
    directory = directory or resources.files("assistant.templates")
    texts = {}
    for name, expected in EXPECTED.items():
        path = directory / f"{name}.txt"  # type: ignore[operator]
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"prompt template {path} cannot be read: {exc}") from exc
        try:
            found = _variables(text)
        except ValueError as exc:
            raise ConfigError(f"prompt template {path} is malformed: {exc}") from exc
        if found != expected:
            raise ConfigError(
                f"prompt template {path} uses variables {sorted(found)}; it must use exactly {sorted(expected)}"
            )
        texts[name] = text
    return Prompts(**texts)
