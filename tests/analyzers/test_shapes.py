"""Characters that look alike (analyzers.shapes): the same sound part beside another."""

from __future__ import annotations

from analyzers.shapes import neighbours, variants


def test_characters_of_one_sound_part_are_neighbours() -> None:
    """瞻 and 赡 (詹 beside 目 and 贝), 检 and 险 (佥 beside 木 and 阝), in either script."""
    assert "赡" in neighbours("瞻") and "瞻" in neighbours("赡")
    assert "险" in neighbours("检") and "險" in neighbours("檢")
    assert "瞻" not in neighbours("瞻")
    assert "险" not in neighbours("瞻")


def test_a_part_most_characters_share_makes_no_neighbours() -> None:
    """A part shared by more than 40 characters is a radical's kind (口, 木), not a sound
    part a reader confuses: 和 is no neighbour of every other character ending in 口."""
    assert len(neighbours("和")) <= 40
    assert neighbours("一") == ()


def test_variants_swap_one_character_each() -> None:
    found = variants("保检")
    assert "保险" in found and "保检" not in found
    assert all(sum(a != b for a, b in zip(v, "保检", strict=True)) == 1 for v in found)
