from analyzers.normalize import normalize, normalize_with_offsets


def test_full_width_traditional_and_case_fold():
    assert normalize("中華人民共和國公安部令第１２５號ＡＢＣ") == "中华人民共和国公安部令第125号abc"


def test_offsets_identity_when_aligned():
    norm, offsets = normalize_with_offsets("國務院辦公廳２０１９")
    assert norm == "国务院办公厅2019" and offsets is None


def test_offsets_map_expanding_characters_back():
    text = "①中華ﬁ"
    norm, offsets = normalize_with_offsets(text)
    assert norm == "1中华fi"
    assert offsets is not None and len(offsets) == len(norm)
    assert [text[i] for i in offsets] == ["①", "中", "華", "ﬁ", "ﬁ"]


def _per_character(text: str) -> tuple[str, list[int] | None]:
    """The per-character reference normalize_with_offsets was written as (the fast version
    must give exactly this)."""
    from analyzers.normalize import _fold, _nfkc_map, to_simplified

    folded = _fold(text)
    if len(folded) == len(text):
        simplified = to_simplified(folded)
        if len(simplified) == len(text):
            return simplified, None
    out: list[str] = []
    offsets: list[int] = []
    table = _nfkc_map()
    for i, ch in enumerate(text):
        piece = table.get(ch, ch).lower()
        out.append(piece)
        offsets.extend([i] * len(piece))
    folded = "".join(out)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in folded)
    return simplified, offsets


def test_offsets_same_as_per_character_reference():
    import random

    cases = [
        "",
        "①中華ﬁ",
        "㈠總則㈡附則 ＡＢＣ１２３",
        "ΣΑΣ ΟΔΟΣ İstanbul ẞ ㎏㎡ ¼",
        "乾隆年間 乾燥 ㈠ 頭髮 髮型 ㍿",  # t2s phrases that may change length
        "前\ud800后 ㈠",  # a lone surrogate
        "第一章　總　則\n第一條　為了規範……① ② ③\r\n",
    ]
    rng = random.Random(4)
    alphabet = "中華國務院辦公廳乾隆頭髮ΣİẞAbc１２３①㈠㍿ﬁ，。　\n"
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(300)]
    for text in cases:
        assert normalize_with_offsets(text) == _per_character(text), repr(text)


def test_replacements_do_not_chain():
    from analyzers.normalize import _replace_each

    assert _replace_each("abc", {"a": "b", "b": "c"}) == "bcc"
    assert _replace_each("abc", {"a": "x", "c": "y"}) == "xby"


def test_the_walk_of_assigned_planes_finds_every_skippable_character():
    """The skip table walks planes 0–3 and 14 only (process start); every code point agrees."""
    from analyzers.chars import EVERY_CODE_POINT, _skip_table, _skippable_code_points

    assert list(_skip_table()) == _skippable_code_points(EVERY_CODE_POINT)


def test_fold_table_has_no_cjk_unified_character():
    """``_fold`` drops U+4E00–U+9FFF before it looks for characters to fold: none is folded."""
    from analyzers.normalize import _nfkc_map

    assert not [c for c in _nfkc_map() if "\u4e00" <= c <= "\u9fff"]


def test_hong_kong_variants_read_as_the_usual_character() -> None:
    """QA pass 41b: Hong Kong's 衞 (衞生署) stayed as typed, cut 衞 / 生 / 署, and met other 署s;
    one character for one, so a highlight's offsets stay."""
    assert normalize("衞生署") == normalize("衛生署") == "卫生署"
    text, offsets = normalize_with_offsets("保衞　人民")
    assert text == "保卫 人民" and offsets is None


def test_a_circle_among_chinese_numerals_is_the_numeral_zero() -> None:
    """QA pass 42a: OCR reads 〇 as ○ (U+25CB), and 58 corpus documents type 二○一九年 so:
    "一九五〇年" quoted missed them. Folded among numerals, one character for one; circles
    alone stand for a name left out (○○市) and stay."""
    assert normalize("一九五○年") == normalize("一九五〇年") == "一九五〇年"
    assert normalize("二○○八年") == "二〇〇八年"
    assert normalize("○○市人民政府") == "○○市人民政府"
    text, offsets = normalize_with_offsets("自一九八○年起")
    assert text == "自一九八〇年起" and offsets is None
