"""Few error classes, each raised with what happened and what to do about it."""


class AssistantError(Exception):
    """Base class: the CLI and the web page show its message instead of a traceback."""


class ConfigError(AssistantError):
    """A setting is invalid or an optional dependency is missing."""


class BackendUnavailable(AssistantError):
    """A server (Chroma, LLM) cannot be reached or did not answer in time."""


class IndexMismatch(AssistantError):
    """The stored index was built with a different configuration."""


class IndexLocked(AssistantError):
    """Another process is writing to the same index."""


class BadInput(AssistantError):
    """A question or a document that cannot be used as given."""
