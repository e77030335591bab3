"""Start methods for the child processes that parse untrusted bytes, safe across forks.

Python keeps one fork server per process in a module global. A process forked after the fork
server started (an ingest worker of a ``ProcessPoolExecutor``, a bounded child) inherits that
global, but the server is not its child: the first ``waitpid`` on it fails with ECHILD and no
child can be started. Python 3.11 does not reset it (it is fixed in 3.13), so this module does,
in every forked child, and hands out the contexts the extractors use.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing import forkserver


def _reset_fork_server() -> None:
    """In a forked child, forget the parent's fork server: the next start launches our own."""
    server = forkserver._forkserver  # noqa: SLF001 - no public reset exists in 3.11
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        try:
            os.close(alive)  # our copy of the parent's keep-alive pipe: not ours to hold
        except OSError:
            pass
    for name in ("_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid",
                 "_inherited_fds"):
        if hasattr(server, name):
            setattr(server, name, None)
    server._lock = threading.Lock()  # noqa: SLF001 - a fork may copy it held


os.register_at_fork(after_in_child=_reset_fork_server)


def fork_server(preload: list[str] | None = None) -> multiprocessing.context.BaseContext:
    """The fork-server context (spawn where there is none): lean children, safe to start from
    a threaded process."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    if preload:
        ctx.set_forkserver_preload(preload)
    return ctx


def plain_fork_allowed() -> bool:
    """A plain fork is safe only from a single-threaded process (a fork copies held locks)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
