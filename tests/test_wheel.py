"""A normal install works: the wheel carries workbook_schema/ and templates/, and the commands run
from a folder that has nothing to do with the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

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
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path)
    assert pip.returncode == 0, pip.stderr
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
