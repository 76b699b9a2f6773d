"""Writing a file so that it appears only when complete: a temporary file beside it, then a
rename. Its own module, without openpyxl: ``remind`` writes its outbox with it, and importing
openpyxl (``outputs.xlsxout``) for that cost every run 0.1 s of CPU."""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from svctools.core.errors import SvctoolsError
from svctools.core.messages import Msg
from svctools.core.paths import refuse_input_book

STALE_SECONDS = 3600  # a temporary file of ours this old was left by a killed run


def write_atomic(
    path: str | os.PathLike[str],
    write: Callable[[Path], object],
    sync: bool = True,
    tidy: bool = True,
) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, fsync it, then rename it into place.
    ``sync=False`` skips the fsync (a dry run's outbox: thousands of files nobody relies on).
    ``tidy=False``: the caller has already removed the folder's stale temporary files
    (``remove_stale``, once for a folder it fills with thousands of files).

    An existing file at ``path`` is replaced only when the new one is complete. The temporary
    name ends in the target's suffix because openpyxl refuses ``.tmp`` paths.
    """
    refuse_input_book(path)  # the book being read is never written, whoever asks
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SvctoolsError(Msg("file.no_folder", target=target, folder=folder))
    if tidy:
        _remove_stale(folder, target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        if sync:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))  # mkstemp made it 0600
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _remove_stale(folder: Path, target: Path) -> None:
    """Temporary files of our own naming (``.NAME.<random>.xlsx``) for this target that a run
    killed mid-write left behind, older than an hour (a running write is never that old)."""
    now = time.time()
    for stale in folder.glob(f".{glob.escape(target.stem)}.*{glob.escape(target.suffix)}"):
        middle = stale.name[len(target.stem) + 2 : len(stale.name) - len(target.suffix)]
        _unlink_if_stale(stale, middle, now)


def remove_stale(folder: Path, suffix: str) -> None:
    """What ``write_atomic`` removes for its target, for every ``*suffix`` target of ``folder``
    at once: a folder of 4,677 messages scanned once, not once per message (10 s of CPU)."""
    now = time.time()
    for stale in folder.glob(f".*{glob.escape(suffix)}"):
        stem, dot, middle = stale.name[1 : len(stale.name) - len(suffix)].rpartition(".")
        if stem and dot:  # mkstemp's part has no dot: the last one ends the target's stem
            _unlink_if_stale(stale, middle, now)


def _unlink_if_stale(path: Path, middle: str, now: float) -> None:
    """Remove ``path`` if ``middle`` is mkstemp's (8 characters) and it is over an hour old."""
    if len(middle) != 8 or not middle.replace("_", "a").isalnum():  # mkstemp's 8 characters
        return
    try:
        if now - path.stat().st_mtime > STALE_SECONDS:
            path.unlink()
    except OSError:
        pass


def _mode_for(target: Path) -> int:
    """The mode a new output gets: that of the file it replaces, else what the umask allows
    (0644 under the usual 022) -- as ``cp`` or a text editor would leave it."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask, read without changing it where Linux tells it (else set and reset)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask
