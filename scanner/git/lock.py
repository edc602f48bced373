"""The work directory lock: one scan or sync at a time per work directory."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scanner.errors import LockedError, ScannerError


@contextmanager
def workdir_lock(workdir: Path, *, timeout: float = 0.0) -> Iterator[Path]:
    """Hold an exclusive lock on `<workdir>/.lock` (flock; released when the process dies).
    Waits up to `timeout` seconds for another scan to finish, then raises LockedError."""
    lock_path = workdir / ".lock"
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise ScannerError(f"cannot use the work directory {workdir}: {err.strerror}") from err
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LockedError(
                        f"another scan is using {workdir} (lock file {lock_path}); "
                        "wait for it to finish"
                    ) from None
                time.sleep(min(0.1, remaining))
        yield lock_path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
