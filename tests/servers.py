"""Real servers on loopback for tests: ``chroma run`` and ``python -m llama_cpp.server``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from .conftest import free_port


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} not ready after {seconds} s: {log.read_text(errors='replace')[-2000:]}")


@contextmanager
def _process(cmd: list[str], url: str, log: Path, seconds: float) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)
    try:
        _wait(url, process, log, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def chroma_command() -> list[str]:
    found = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command is not installed (it comes with chromadb)")
    return [found]


@contextmanager
def chroma_server(path: Path, port: int | None = None) -> Iterator[int]:
    port = port or free_port()
    cmd = chroma_command() + ["run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with _process(cmd, f"http://127.0.0.1:{port}/api/v2/heartbeat", path.parent / f"chroma-{port}.log", 60):
        yield port


@contextmanager
def llama_server(model: Path, log_dir: Path) -> Iterator[str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--verbose",
        "False",
    ]
    with _process(cmd, f"http://127.0.0.1:{port}/v1/models", log_dir / f"llama-{port}.log", 120):
        yield f"http://127.0.0.1:{port}/v1"
