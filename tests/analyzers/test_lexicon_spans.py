"""Synonym spans: the longest key first, with the longest key length cached per rule set."""

from analyzers.lexicon import longest_spans


def test_longest_match_first_left_to_right() -> None:
    rules = {"人大": ("人民代表大会",), "市人大常委会": ("市人民代表大会常务委员会",)}
    spans = longest_spans("上海市人大常委会和区人大", rules)
    assert [(s, e, k) for s, e, k, _ in spans] == [(2, 8, "市人大常委会"), (10, 12, "人大")]


def test_each_rule_set_has_its_own_longest_key() -> None:
    short = {"社保": ("社会保险",)}
    long = {"社保": ("社会保险",), "社保卡服务": ("社会保障卡服务",)}
    assert [k for _, _, k, _ in longest_spans("社保卡服务", short)] == ["社保"]
    assert [k for _, _, k, _ in longest_spans("社保卡服务", long)] == ["社保卡服务"]
    assert [k for _, _, k, _ in longest_spans("社保卡服务", short)] == ["社保"]


def test_a_rule_set_grown_in_place_is_seen() -> None:
    rules = {"低保": ("最低生活保障",)}
    assert [k for _, _, k, _ in longest_spans("城市低保标准", rules)] == ["低保"]
    rules["城市低保标准"] = ("城市居民最低生活保障标准",)
    assert [k for _, _, k, _ in longest_spans("城市低保标准", rules)] == ["城市低保标准"]


def test_overlapping_spans_are_every_starts_longest_key() -> None:
    """For a caller that chooses by the words: taken left to right, 车牌 (1–3) hid 牌照税 (2–5)
    of 汽车牌照税, though the words 汽车 / 牌照税 cut 车牌 through."""
    rules = {"车牌": ("机动车号牌",), "牌照税": ("使用牌照税", "车船税")}
    assert [k for _, _, k, _ in longest_spans("汽车牌照税", rules)] == ["车牌"]
    both = longest_spans("汽车牌照税", rules, overlapping=True)
    assert [(s, e, k) for s, e, k, _ in both] == [(1, 3, "车牌"), (2, 5, "牌照税")]
