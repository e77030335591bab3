"""Who is asking, and the one rule of what they may see.

Every reader (search, suggestions, a document by id, the duplicate check, statistics) asks
:meth:`Viewer.can_see` or filters by :attr:`Viewer.visible_disclosures`; nothing else decides
visibility. Anonymous callers see only 主动公开 (public) documents; staff see every level.
"""

from __future__ import annotations

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


ANONYMOUS = Viewer()
STAFF = Viewer(staff=True, name="staff")
