"""The corpus folder synced in a background thread when the server starts, so the page is up at once and shows
how far indexing has got; questions asked meanwhile wait for it (with that progress in their bubble)."""

from __future__ import annotations

import threading

from ..assistant import Assistant
from ..errors import AssistantError
from .render import plural


class BackgroundIndex:
    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant
        self._done = threading.Event()
        self._embedded = 0
        self._to_embed = 0
        self.error: str | None = None

    def start(self) -> BackgroundIndex:
        threading.Thread(target=self._run, name="background-index", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            # a sync, not only a first ingest: files added to the corpus folder while the server was down count
            self._assistant.ingest(progress=self._progress)
        except AssistantError as exc:
            self.error = str(exc)
        except Exception as exc:  # the page must say so rather than wait for ever
            self.error = f"indexing failed: {exc}"
        finally:
            self._done.set()

    def _progress(self, done: int, total: int) -> None:
        self._embedded, self._to_embed = done, total

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    def wait(self, seconds: float) -> bool:
        return self._done.wait(seconds)

    def status(self, count: int | None = None) -> str:
        """One line for the page: progress while indexing, then the count of documents (``count`` when the
        caller has just read them), or what went wrong."""
        if not self.ready:
            if self._to_embed:
                return f"Indexing the documents: {self._embedded:,} of {plural(self._to_embed, 'passage')}…"
            return "Reading the documents…"
        if self.error:
            return f"Indexing stopped: {self.error}"
        try:
            count = len(self._assistant.documents()) if count is None else count
        except AssistantError as exc:
            return f"The index cannot be read: {exc}"
        return f"{plural(count, 'document')} indexed."
