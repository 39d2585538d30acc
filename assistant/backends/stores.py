"""Chroma clients: embedded (on disk under the data dir), a Chroma server over HTTP, or in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import StoreSettings
from ..errors import BackendUnavailable, ConfigError


def store_kind(settings: StoreSettings) -> str:
    return settings.backend or ("server" if settings.host else "embedded")


def make_chroma_client(settings: StoreSettings, data_dir: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    kind = store_kind(settings)
    if kind == "embedded":
        path = data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    if kind == "memory":
        return chromadb.EphemeralClient(settings=chroma_settings)
    if kind == "server":
        if not settings.host:
            raise ConfigError("store backend 'server' needs ASSISTANT_STORE__HOST (and ASSISTANT_STORE__PORT)")
        try:
            _preflight(settings)  # chromadb's own client would wait forever on a server that accepts but hangs
            client = chromadb.HttpClient(host=settings.host, port=settings.port, settings=chroma_settings)
        except Exception as exc:  # chromadb raises several transport errors; all mean the same to a user
            raise BackendUnavailable(
                f"cannot reach the Chroma server at {settings.host}:{settings.port} ({type(exc).__name__}: {exc}); "
                "start it with `chroma run --path DIR --port N` or unset ASSISTANT_STORE__HOST for the embedded store"
            ) from exc
        _bound_requests(client, settings.timeout_s)
        return client
    raise ConfigError(f"unknown store backend {kind!r}; known: embedded, server, memory")


def _preflight(settings: StoreSettings) -> None:
    import httpx

    response = httpx.get(f"http://{settings.host}:{settings.port}/api/v2/heartbeat", timeout=settings.timeout_s)
    response.raise_for_status()


def _bound_requests(client: Any, timeout_s: float) -> None:
    """chromadb 1.5.x builds its HTTP session with ``timeout=None`` and offers no setting (chroma-core/chroma#5805)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout_s)


def forget_embedded_clients() -> None:
    """Drop this process's embedded Chroma systems, whose in-memory vector indexes miss other processes' writes;
    the next client opened reads the store from disk again."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
