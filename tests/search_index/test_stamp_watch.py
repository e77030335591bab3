"""The one watcher of another process's commits (mention counts, pinyin lexicon)."""

from __future__ import annotations

from search_index import stamp_watch
from search_index.stamp_watch import StampWatcher


class _Stamped:
    """A backend reduced to its stamp: what the watcher reads, counted."""

    def __init__(self) -> None:
        self.value, self.reads = "a", 0

    def stamp(self) -> str:
        self.reads += 1
        return self.value


def test_a_change_is_reported_once_and_the_backend_asked_at_most_once_a_period(
    monkeypatch,
) -> None:
    backend = _Stamped()
    watcher = StampWatcher(backend)  # type: ignore[arg-type]
    watcher.saw("a")
    assert watcher.changed() is False and backend.reads == 1
    backend.value = "b"
    assert watcher.changed() is False and backend.reads == 1  # within the period: not asked
    monkeypatch.setattr(stamp_watch, "RECHECK_SECONDS", 0.0)
    assert watcher.changed() is True
    assert watcher.changed() is False  # the same change is not reported twice
    watcher.saw("c")  # a table built for a newer stamp: changes count from it
    backend.value = "c"
    assert watcher.changed() is False


def test_a_backend_without_a_stamp_never_reports_a_change(monkeypatch) -> None:
    monkeypatch.setattr(stamp_watch, "RECHECK_SECONDS", 0.0)
    backend = _Stamped()
    backend.value = ""  # Elasticsearch: no cheap stamp
    watcher = StampWatcher(backend)  # type: ignore[arg-type]
    assert [watcher.changed() for _ in range(3)] == [False, False, False]
