"""Who is asking, and the one rule of what they may see.

Every reader (search, suggestions, a document by id, the duplicate check, statistics) asks
:meth:`Viewer.can_see` or filters by :attr:`Viewer.visible_disclosures`, and a filter that asks
for levels the viewer may not see is refused by :meth:`Viewer.unseen`; nothing else decides
visibility. Anonymous callers see only 主动公开 (public) documents; staff see every level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    staff: bool = False
    name: str = "anonymous"

    @property
    def visible_disclosures(self) -> tuple[str, ...] | None:
        """The disclosure levels this viewer may see; None means every level."""
        return None if self.staff else ("public",)

    def can_see(self, disclosure: str) -> bool:
        visible = self.visible_disclosures
        return visible is None or disclosure in visible

    def unseen(self, levels: Iterable[str]) -> tuple[str, ...]:
        """The levels among ``levels`` (a ``disclosure`` filter) this viewer may not see.

        A filter asking for them is refused rather than answered with nothing (QA pass 13:
        an anonymous ``disclosure=not_public`` found 0 and was logged as a citizen's search
        that found nothing): nothing could ever match, and the caller should be told why."""
        return tuple(dict.fromkeys(d for d in levels if not self.can_see(d)))


ANONYMOUS = Viewer()
STAFF = Viewer(staff=True, name="staff")
