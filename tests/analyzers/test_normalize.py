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
