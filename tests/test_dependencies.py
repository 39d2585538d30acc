"""Installed versions stay clear of the advisories this project is exposed to (checked offline)."""

from __future__ import annotations

from importlib.metadata import version

from packaging.version import Version


def test_chroma_is_past_the_fastapi_server_rce():
    # Chroma's Python FastAPI server: pre-auth RCE in 1.0.0-1.5.8; the tests use the `chroma run` server
    assert Version(version("chromadb")) >= Version("1.5.9")


def test_gradio_is_past_the_known_path_traversal_advisories():
    # CVE-2023-51449 (/file route traversal, fixed in 4.11) and GHSA-j36p-7w88-g82j (traversal, fixed in 6.16.0);
    # tests/test_web_security.py probes the running app's file routes as well
    assert Version(version("gradio")) >= Version("6.16.0")


def test_torch_is_the_pinned_cpu_build():
    assert version("torch").startswith("2.13.0")
