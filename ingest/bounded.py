"""Run a parser on untrusted bytes in a child process with a time and a memory limit.

Every extraction (all formats; ingest and uploads alike) goes through :func:`run_bounded`:
parsers are C and Python code we do not control, and a small hostile file can make one loop,
go quadratic or inflate gigabytes (a DOCX whose ZIP directory lies, a PDF whose content stream
inflates to 500 MB). In the child the address space may grow by at most ``memory_mb``
(``RLIMIT_AS`` over what the child already maps, so an index mapped by the parent does not
count), its CPU priority is lowered so a running search in the parent keeps its core, and the
parent kills it after ``timeout`` seconds. A limit that is hit is an ``ExtractionTimeout`` or an
``UnsafeFile`` naming the limit, never a dead server.

The child is a plain fork when the caller is single-threaded (cheapest: ingest workers, the
CLI) and comes from a fork server when threads exist (the web server), because forking a
threaded process can deadlock.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import TypeVar

from ingest import errors, processes
from ingest.errors import ExtractionError, ExtractionTimeout, IngestError, UnsafeFile

T = TypeVar("T")
_NICE = 5  # extraction yields the CPU to searches answered by the same machine


@dataclass(frozen=True)
class Limits:
    """Per-file limits: wall-clock seconds and MB of extra address space (None: no limit)."""

    timeout: float | None = 60.0
    memory_mb: int | None = 1024

    @property
    def bounded(self) -> bool:
        return bool(self.timeout) or bool(self.memory_mb)


_limits = Limits()  # set from Settings by the entry points (govsearch.configure.apply)
_inside = False  # True in a bounded child: nested extractors run in-process


def configure(
    *, timeout: float | None | str = "keep", memory_mb: int | None | str = "keep"
) -> Limits:
    """Change the limits every extraction runs under; ``0``/None switches one off."""
    global _limits
    new = _limits
    if timeout != "keep":
        new = replace(new, timeout=float(timeout) if timeout else None)  # type: ignore[arg-type]
    if memory_mb != "keep":
        new = replace(new, memory_mb=int(memory_mb) if memory_mb else None)  # type: ignore[arg-type]
    _limits = new
    return new


def limits() -> Limits:
    """The limits extraction currently runs under."""
    return _limits


def inside() -> bool:
    """True when this process is already a bounded child (do not fork again)."""
    return _inside


def _mapped_bytes() -> int:
    """Virtual memory this process maps now (``RLIMIT_AS`` counts all of it)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    cap = _mapped_bytes() + memory_mb * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _unlimit_memory() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _load(func: Callable[..., object] | int | bytes) -> Callable[..., object]:
    """The function to run: unpickled (which imports its module) or inherited by fork."""
    if isinstance(func, int):  # a function that cannot be pickled, inherited by fork
        return _unpicklable[func]
    if isinstance(func, bytes):
        return pickle.loads(func)  # noqa: S301 - the parent's own function reference
    return func


def _serve(conn: Connection, memory_mb: int | None) -> None:
    """The child's loop: load a function, then run one call at a time until the parent hangs
    up.

    Loading a function imports its module: trusted code, so it runs outside the memory limit
    and before the file's time starts; the limit is re-applied over what the import mapped.
    After running out of memory the child answers and exits: its heap may be in any state.
    """
    global _inside
    _inside = True
    faulthandler.disable()  # dying at the memory limit is an answer, not a crash to dump
    # Ctrl-C is the parent's to handle (an interrupted ingest reports what it wrote); its
    # children end when their pipe closes, without a traceback each
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    processes.drop_inherited_locks(keep=conn.fileno())
    processes.exit_with_parent()
    try:
        os.nice(_NICE)
    except OSError:
        pass
    _limit_memory(memory_mb)
    conn.send(("ready", None))  # the file's time limit starts now, not at the fork
    funcs: dict[object, Callable[..., object]] = {}
    while True:
        try:
            kind, key, payload = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "load":
            try:
                _unlimit_memory()
                funcs[key] = _load(payload)
                reply: tuple[str, object] = ("ok", None)
            except BaseException as exc:  # noqa: BLE001 - report, never hang the parent
                reply = ("error", ("ExtractionError", f"the parser could not be loaded ({exc})"))
            finally:
                _limit_memory(memory_mb)
            conn.send(reply)
            continue
        try:
            reply = ("ok", funcs[key](*payload))
        except MemoryError:
            conn.send(("memory", ""))
            return
        except IngestError as exc:
            reply = ("error", (type(exc).__name__, str(exc), exc.reason, exc.data))
        except BaseException as exc:  # noqa: BLE001 - report, never hang the parent
            reply = ("error", ("ExtractionError", f"damaged file, cannot be parsed ({exc})"))
        try:
            conn.send(reply)
        except MemoryError:
            return


def _context() -> multiprocessing.context.BaseContext:
    if processes.plain_fork_allowed():
        return multiprocessing.get_context("fork")
    return processes.fork_server(
        [__name__, "ingest.formats.registry", "ingest.formats.docx", "ingest.formats.html",
         "ingest.formats.pdf", "ingest.formats.txt"]
    )  # fmt: skip


class _Child:
    """One bounded child process, reused for many files (a fork per file costs more than
    parsing most files); replaced after a limit is hit, a crash, or ``_MAX_USES`` files."""

    def __init__(
        self, memory_mb: int | None, ctx: multiprocessing.context.BaseContext | None = None
    ) -> None:
        ctx = ctx or _context()
        self.memory_mb = memory_mb
        self.uses = 0
        self.loaded: set[object] = set()
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child, memory_mb), daemon=True)
        try:
            self.proc.start()
        except OSError as exc:
            self.conn.close()
            raise ExtractionError(f"the parser process did not start ({exc})") from None
        finally:
            child.close()
        # A fork server starting on a busy machine can take many seconds to import the
        # parsers: that is not the file's time.
        try:
            ready = self.conn.poll(_START_SECONDS) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise ExtractionError("the parser process did not start")

    def load(self, key: object, func: Callable[..., object] | int | bytes) -> None:
        """Make ``func`` callable in the child as ``key``; its import is not the file's time."""
        if key in self.loaded:
            return
        try:
            self.conn.send(("load", key, func))
            answer = self.conn.recv() if self.conn.poll(_START_SECONDS) else None
        except (EOFError, OSError):
            answer = None
        if answer is None:
            raise ExtractionError("the parser process did not start")
        if answer[0] == "error":
            _raise(*answer[1])  # type: ignore[misc]
        self.loaded.add(key)

    def close(self) -> None:
        self.conn.close()
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.proc.close()


_unpicklable: dict[int, Callable[..., object]] = {}
_MAX_USES = 200
_START_SECONDS = 300
_MAX_IDLE = 4
_idle: list[_Child] = []
_lock = threading.Lock()


def _forget_children() -> None:
    """In a forked process the parent's children are not ours: drop them (never use a pipe
    another process also reads)."""
    global _idle, _lock
    _idle = []
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_children)


def _take(memory_mb: int | None) -> _Child:
    with _lock:
        while _idle:
            child = _idle.pop()
            if child.memory_mb == memory_mb and child.proc.is_alive():
                return child
            child.close()
    return _Child(memory_mb)


def _give_back(child: _Child) -> None:
    child.uses += 1
    with _lock:
        if child.uses < _MAX_USES and len(_idle) < _MAX_IDLE:
            _idle.append(child)
            return
    child.close()


def _raise(name: str, message: str, reason: str = "", data: dict[str, str] | None = None) -> None:
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, IngestError)):
        cls = ExtractionError
    raise cls(message, reason=reason, **(data or {}))


def run_bounded(
    func: Callable[..., T], args: tuple[object, ...], lim: Limits | None = None, *,
    what: str = "parsing",
) -> T:
    """``func(*args)`` under ``lim`` (default: the configured limits) in a child process.

    ``func`` must be a module-level function. An ``IngestError`` it raises is re-raised here
    as the same class with the same message; running out of time raises ``ExtractionTimeout``,
    out of memory ``UnsafeFile``; anything else becomes an ``ExtractionError``. Inside a
    bounded child, or with no limit at all, ``func`` simply runs here.
    """
    lim = lim or _limits
    if _inside or not lim.bounded:
        return func(*args)
    target: bytes | int
    try:
        target = pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError):
        # A closure (a format registered at run time): a fresh fork inherits it by its key.
        if not processes.plain_fork_allowed():
            return func(*args)  # cannot isolate it safely here; extractors should be top-level
        target = id(func)
        _unpicklable[target] = func
        child = _Child(lim.memory_mb, multiprocessing.get_context("fork"))
        child.uses = _MAX_USES  # never reused: the next closure may differ
        del _unpicklable[target]
    else:  # a failure to start a child is an ExtractionError, never an unbounded parse here
        child = _take(lim.memory_mb)
    healthy = False
    try:
        child.load(target, target)
        try:
            child.conn.send(("call", target, args))
            if not child.conn.poll(lim.timeout):
                raise ExtractionTimeout(
                    f"{what} exceeded the {lim.timeout:g} s time limit "
                    "(malformed or pathological file)"
                )
            status, payload = child.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            if lim.memory_mb:
                raise UnsafeFile(
                    f"{what} stopped: the parser died, most likely at the {lim.memory_mb} MB "
                    "memory limit (malformed or pathological file)"
                ) from None
            raise ExtractionError("the parser crashed on this file") from None
        if status == "memory":
            raise UnsafeFile(
                f"{what} needed more than the {lim.memory_mb} MB memory limit "
                "(malformed or pathological file)"
            )
        healthy = True
    finally:
        if healthy:
            _give_back(child)
        else:
            child.close()
    if status == "error":
        _raise(*payload)  # type: ignore[misc]
    return payload  # type: ignore[no-any-return]
