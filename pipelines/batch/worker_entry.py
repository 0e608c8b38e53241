"""The first code a worker process runs: it asks the kernel to kill it with its batch process *before* importing
anything heavy. A spawned worker unpickles its target first, so a target in :mod:`pipelines.batch.worker` would
import Haystack and the parsers (half a second idle, ten under load) before it could ask; a batch process killed in
that window left workers that lived until their imports finished. This module imports only the standard library.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys


def start(worker_id: int, settings, tasks, results) -> None:
    """Entry point of a worker process: die with the parent, then run :func:`pipelines.batch.worker.worker_main`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the batch process, which stops the workers
    die_with_parent()
    from pipelines.batch.worker import worker_main

    worker_main(worker_id, settings, tasks, results)


def die_with_parent() -> None:
    """On Linux, have the kernel SIGKILL this worker the moment the batch process dies, however it dies; elsewhere
    the worker notices between files and pages (see ``pipelines.batch.worker``)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    parent = mp.parent_process()
    if parent is not None and not parent.is_alive():  # it died before the request took effect
        os._exit(0)
