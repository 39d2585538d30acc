"""The web battery, with httpx against the running app on loopback: traversal, uploads, origins, login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from assistant import Assistant, Settings
from assistant.backends.embeddings import HashEmbedder
from assistant.web import serve

from .conftest import free_port

TRAVERSALS = [
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/gradio_api/file=/ETC/PASSWD",
    "/gradio_api/file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=//etc//passwd",
    "/gradio_api/file=/etc/passwd%00.txt",
    "/file=/etc/passwd",
    "/static/../../../etc/passwd",
    "/assets/..%2f..%2f..%2fetc%2fpasswd",
    "/gradio_api/file={secret}",
    "/gradio_api/file={corpus}/000_a58b146e5f1983c4.txt",
]


def _start(tmp_path: Path, corpus: Path, **login: object) -> tuple[object, str]:
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", **login)  # type: ignore[arg-type]
    port = free_port()
    demo = serve("127.0.0.1", port, Assistant(settings, embedder=HashEmbedder()), block=False)
    return demo, f"http://127.0.0.1:{port}"


@pytest.fixture
def app(tmp_path: Path, corpus: Path) -> Iterator[tuple[str, Path]]:
    demo, url = _start(tmp_path, corpus)
    try:
        yield url, tmp_path
    finally:
        demo.close()  # type: ignore[attr-defined]


def test_file_routes_do_not_leak_files(app: tuple[str, Path], corpus: Path):
    url, tmp_path = app
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-991", encoding="utf-8")
    for path in TRAVERSALS:
        response = httpx.get(url + path.format(secret=secret, corpus=corpus), timeout=10)
        assert 400 <= response.status_code < 500, path
        assert "root:" not in response.text and "TOPSECRET" not in response.text and "Wagner" not in response.text


def test_uploads_are_limited_in_size_and_type(app: tuple[str, Path]):
    url, _ = app
    big = httpx.post(url + "/gradio_api/upload", files={"files": ("big.txt", b"x" * (6 * 1024 * 1024))}, timeout=30)
    assert big.status_code == 413
    exe = httpx.post(url + "/gradio_api/upload", files={"files": ("tool.exe", b"MZ\x00\x00")}, timeout=30)
    assert exe.status_code == 415
    sneaky = httpx.post(url + "/gradio_api/upload", files={"files": ("notes.txt.js", b"<script>")}, timeout=30)
    assert sneaky.status_code == 415
    fine = httpx.post(url + "/gradio_api/upload", files={"files": ("notes.txt", b"plain text")}, timeout=30)
    assert fine.status_code == 200
    # a saved web page is a document type now: it is read as text, and never served back as a page
    page = b"<html><body><p>Report</p><script>alert(document.cookie)</script></body></html>"
    uploaded = httpx.post(url + "/gradio_api/upload", files={"files": ("page.html", page)}, timeout=30)
    assert uploaded.status_code == 200
    served = httpx.get(url + f"/gradio_api/file={uploaded.json()[0]}", timeout=30)
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment")


def test_cross_origin_requests_are_refused(app: tuple[str, Path]):
    url, _ = app
    evil = {"Origin": "http://evil.example"}
    call = httpx.post(
        url + "/gradio_api/call/ask", json={"data": ["who recovered the bodies?"]}, headers=evil, timeout=30
    )
    assert call.status_code == 403
    assert call.headers.get("access-control-allow-origin") not in ("*", "http://evil.example")
    assert httpx.get(url + "/config", headers=evil, timeout=10).status_code == 403
    same = httpx.post(
        url + "/gradio_api/call/ask", json={"data": ["who recovered the bodies?"]}, headers={"Origin": url}, timeout=30
    )
    assert same.status_code == 200


def test_with_login_on_nothing_answers_without_it(tmp_path: Path, corpus: Path):
    demo, url = _start(tmp_path, corpus, web_user="ana", web_password=SecretStr("correct horse"))
    try:
        for method, path in [
            ("GET", "/config"),
            ("GET", "/gradio_api/info"),
            ("POST", "/gradio_api/call/ask"),
            ("GET", "/gradio_api/file=/etc/passwd"),
            ("POST", "/gradio_api/upload"),
        ]:
            response = httpx.request(method, url + path, json={"data": ["q"]} if method == "POST" else None, timeout=10)
            assert response.status_code in (401, 403), path
            assert "Wagner" not in response.text
        wrong = httpx.post(url + "/login", data={"username": "ana", "password": "guess"}, timeout=10)
        assert wrong.status_code >= 400
        session = httpx.Client(base_url=url, timeout=10)
        assert session.post("/login", data={"username": "ana", "password": "correct horse"}).status_code == 200
        assert session.get("/config").status_code == 200
    finally:
        demo.close()  # type: ignore[attr-defined]
