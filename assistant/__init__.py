"""Answers questions about a document collection with verified, cited passages, offline."""

from .assistant import Assistant, ChatSession
from .config import Settings
from .errors import AssistantError, BackendUnavailable, BadInput, ConfigError, IndexLocked, IndexMismatch
from .types import Answer, Citation, Draft, IngestReport, Turn

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "BackendUnavailable",
    "BadInput",
    "ChatSession",
    "Citation",
    "ConfigError",
    "Draft",
    "IndexLocked",
    "IndexMismatch",
    "IngestReport",
    "Settings",
    "Turn",
]
