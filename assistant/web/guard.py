"""An ASGI guard in front of the Gradio app: same-origin requests only, and uploads of allowed types only.

Gradio answers cross-origin requests (it only withholds the CORS headers, so the request still runs) and its
upload route stores any file type; these two checks turn both into 4xx before Gradio sees them.
"""

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
_FILENAME = re.compile(rb'filename="([^"\r\n]*)"')


class RequestGuard:
    def __init__(self, app: Callable[..., Awaitable[None]], allowed_types: tuple[str, ...], max_bytes: int) -> None:
        self.app = app
        self.allowed_types = tuple(t.lower() for t in allowed_types)
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        origin = headers.get(b"origin")
        if (
            origin
            and origin != b"null"
            and urlsplit(origin.decode("latin-1")).netloc != headers.get(b"host", b"").decode("latin-1")
        ):
            await _reply(send, 403, "cross-origin requests are not allowed")
            return
        if scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/upload"):
            body, too_big = await _read(receive, self.max_bytes)
            if too_big:
                await _reply(send, 413, "the upload is larger than the limit")
                return
            names = [n.decode("utf-8", "replace").lower() for n in _FILENAME.findall(body)]
            if any(not n.endswith(self.allowed_types) for n in names):
                await _reply(send, 415, f"only {', '.join(self.allowed_types)} files can be uploaded")
                return
            await self.app(scope, _replay(body), send)
            return
        await self.app(scope, receive, send)


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _reply(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
