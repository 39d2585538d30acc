"""The package stands on its own: its built wheel, installed into a fresh venv, answers outside the checkout."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import CORPUS, HEADLINE, PROJECT

pytestmark = pytest.mark.slow


def test_the_installed_wheel_answers_the_headline_question_outside_the_checkout(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), "."],
        cwd=PROJECT,
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("doc_assistant-*.whl")

    # a fresh venv: the wheel installed into it, its dependencies borrowed from this environment's site-packages
    # (a path line in a .pth file; the checkout's editable install is a .pth hook there, which stays unprocessed)
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        timeout=300,
    )
    purelib = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (purelib / "borrowed-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")

    work = tmp_path / "elsewhere"
    shutil.copytree(CORPUS, work / "corpus")  # the default corpus folder is ./corpus of the working directory
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "PYTHON"))}
    probe = (
        "import sys, assistant; answer = assistant.Assistant().ask(sys.argv[1]); "
        "print(assistant.__file__, answer.refused, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    where = subprocess.run(
        [python, "-c", probe, HEADLINE], cwd=work, env=clean_env, capture_output=True, text=True, timeout=300
    )
    assert where.returncode == 0, where.stderr
    path, refused, torch_loaded, st_loaded = where.stdout.split()
    assert path.startswith(str(env_dir))  # the installed copy, not the checkout
    assert (refused, torch_loaded, st_loaded) == ("False", "False", "False")  # answered without torch

    result = subprocess.run(
        [env_dir / "bin" / "assistant", "ask", HEADLINE, "--json"],
        cwd=work,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["refused"]
    assert any("recovered the remains" in c["quote"] for c in answer["citations"])
    assert (work / ".index").is_dir() and "Traceback" not in result.stderr
