"""Installed versions stay clear of the advisories this project is exposed to (checked offline)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

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


def test_the_web_chat_lock_holds_every_package_the_project_needs():
    # `make web` installs scripts/app.lock with --no-deps: a requirement added to pyproject.toml and not to the
    # lock would be missing on a fresh machine, so the lock is compared with what pip resolved here
    script = Path(__file__).parents[1] / "scripts" / "app_lock.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
