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
import signal
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
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
    a threaded process.

    The server also imports the caller's main module (``govsearch.cli`` under ``python -m``):
    multiprocessing makes every child run it again before it starts, and unless the server
    holds its imports each child imported the whole CLI and app first (measured: ~1 s a child,
    17 of the 28 s of a 3,000-file ingest with one worker).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    main = getattr(spec, "name", None)
    # a package's __main__ (pytest's) is never run again by the children, and running it
    # here would start the program
    extra = [main] if main and not main.endswith("__main__") else []
    if preload or extra:
        # this module first: its warning filter below is then inherited by every child
        ctx.set_forkserver_preload([__name__, *(preload or []), *extra])
    return ctx


# A child of the fork server runs the caller's main module again (runpy), which the server has
# preloaded: runpy then warns on the user's terminal that the module is already imported. It
# is, on purpose (see fork_server).
warnings.filterwarnings(
    "ignore", message=r"'.*' found in sys\.modules after import of package", category=RuntimeWarning
)


_lean = 0  # inside lean_children(): children come from the fork server


@contextmanager
def lean_children() -> Iterator[None]:
    """Children started meanwhile come from the fork server, never a plain fork of this process.

    For a process that extracts files while it also writes an index: the index writer's native
    threads keep writing a large arena (tantivy's, 256 MB), and after a fork every page of it is
    shared copy-on-write, so each write faults and flushes the TLB of every core. Measured with
    ``govsearch ingest --workers 1`` on 20,000 generated documents: 190 → 282 docs/s, CPU per
    document 8.3 → 4.3 ms (bench/README.md "Ingest with one worker").
    """
    global _lean
    _lean += 1
    try:
        yield
    finally:
        _lean -= 1


def plain_fork_allowed() -> bool:
    """A plain fork is safe only from a single-threaded process (a fork copies held locks),
    and cheap only outside :func:`lean_children`."""
    return (
        not _lean
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1 + _watchers
    )


def drop_inherited_locks(keep: int = -1) -> None:
    """Close inherited descriptors of lock files. A plain fork made while an index writer held
    its lock file (``.tantivy-writer.lock``) holds that lock for as long as the child lives: a
    reused child made the next ingest in the same process find the index "being written by
    another process", and an ingest worker orphaned by ``kill -9`` made every later one."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd <= 2 or fd == keep:
            continue
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith(".lock"):
            try:
                os.close(fd)
            except OSError:
                pass


PARENT_POLL_SECONDS = 0.5
_watchers = 0  # threads of exit_with_parent: they hold no lock a fork could copy


def exit_with_parent(parent: int | None = None) -> None:
    """End this child when the process that started it is gone.

    Killed with ``kill -9`` (or by the OOM killer), an ingest cannot tell its workers; they
    waited for work forever, reparented to pid 1, each holding the index's files (QA pass 9).
    A thread notices the new parent and exits; ``PR_SET_PDEATHSIG`` would be immediate but
    follows the *thread* that forked, and pool workers are forked from whichever thread
    submits first. ``parent``: the process that must be alive (a child started by a pool
    may get here after its parent is gone)."""
    global _watchers
    if parent is None:
        parent = os.getppid()
    elif os.getppid() != parent:  # gone before this child got this far
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    _watchers += 1


def _forget_watchers() -> None:
    global _watchers
    _watchers = 0  # a fork copies only the thread that forks


os.register_at_fork(after_in_child=_forget_watchers)


def pool_worker_start() -> None:
    """Initializer of the ingest's worker processes (see the two functions above). SIGTERM
    ends a worker as it ends any process, whatever handler the parent set: the pool stops its
    workers with it, and one inherited from ``govsearch ingest`` (which turns it into Ctrl-C)
    printed two KeyboardInterrupt tracebacks at the end of every ingest (QA pass 44c)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    drop_inherited_locks()
    exit_with_parent()
