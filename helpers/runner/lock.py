"""One batch per reports folder: an exclusive lock on ``reports/.batch.lock`` holding the pid.

The lock is an ``flock`` on the file, so it is released when its holder dies: a stale lock of a
dead process is simply taken over. A second batch waits (printing who holds the lock) or, with
``wait=False``, refuses.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BatchLockedError(RuntimeError):
    """Another batch holds the reports folder."""


class ManifestError(RuntimeError):
    """``reports/manifest.json`` cannot be read; nothing is overwritten (raised by :mod:`.batch`)."""


@contextmanager
def batch_lock(reports_dir: Path, *, wait: bool = True, poll: float = 0.5) -> Iterator[None]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / ".batch.lock"
    fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole batch
    try:
        told = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                if not wait:
                    raise BatchLockedError(f"{reports_dir} is in use by batch pid {holder}; run again when it "
                                           "has finished, or drop --no-wait to wait for it") from None
                if not told:
                    print(f"waiting for the batch (pid {holder}) that is writing {reports_dir} ...",
                          file=sys.stderr)
                    told = True
                time.sleep(poll)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        try:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()
