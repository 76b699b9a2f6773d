"""A normal install works: the wheel carries workbook_schema/ and templates/, and the commands run
from a folder that has nothing to do with the repository.

Everyday runs install the wheel alone (``--no-deps``) into a fresh venv that borrows the test
venv's third-party packages through a ``.pth`` line (a plain path: the editable svctools there is
not activated); the deep profile (``SVCTOOLS_TEST_DEPTH`` > 1) lets pip resolve and install every
dependency from setup.cfg as a user's ``pip install svctools-*.whl`` would (~30 s more)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from depth import DEPTH

ROOT = Path(__file__).resolve().parent.parent


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVCTOOLS", "PYTHON"))}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_wheel_installs_and_runs_outside_the_repo(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        tmp_path,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("svctools-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "svctools/workbook_schema/call_log.toml" in names
    assert "svctools/templates/renewal.zh.html" in names
    assert "svctools/templates/svctools.toml" in names
    assert "svctools/templates/sla-risk.zh.md" in names

    venv = tmp_path / "venv"
    python = str(venv / "bin" / "python")
    if DEPTH > 1:
        assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
        pip = _run([python, "-m", "pip", "install", "-q", str(wheel)], tmp_path)
    else:
        made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
        assert made.returncode == 0, made.stderr
        install = ["install", "--no-deps", "-q", str(wheel)]
        pip = _run([sys.executable, "-m", "pip", "--python", python, *install], tmp_path)
        site = _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
        )
        Path(site.stdout.strip(), "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"])
    assert pip.returncode == 0, pip.stderr
    where = _run([python, "-c", "import svctools; print(svctools.__file__)"], tmp_path)
    assert where.stdout.startswith(str(venv)), where  # the wheel's copy, not the repository's
    work = tmp_path / "elsewhere"
    work.mkdir()
    svctools = str(venv / "bin" / "svctools")
    init = _run([svctools, "init", "book.xlsx"], work)
    assert init.returncode == 0, init.stderr
    valid = _run([svctools, "validate", "book.xlsx", "--as-of", "2026-11-20"], work)
    assert valid.returncode == 0, valid.stderr
    demo = _run([svctools, "demo", "demo"], work)
    assert demo.returncode == 0, demo.stderr
    assert (work / "demo" / "report.xlsx").exists()
    written = (work / "demo" / "svctools.toml").read_text()
    template = (ROOT / "templates" / "svctools.toml").read_text()
    assert written.startswith(template) and "\n[notify]" in written[len(template) :]
