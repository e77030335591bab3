"""Letters → words of the index: readings, cutting a run of letters, input-method candidates."""

from __future__ import annotations

from analyzers.pinyin_lexicon import (
    PinyinLexicon,
    Slot,
    split_run,
    syllables,
    typed_as_pinyin,
    word_keys,
    word_syllables,
)

COUNTS = {
    "政务": 50, "证物": 3, "公开": 80, "政务公开": 20, "社会保险": 30, "社会保障": 40,
    "生活必需": 2, "社保": 12, "重庆": 9, "银行": 15, "引航": 1, "行": 70, "政府": 90,
    "信息": 60, "hzzwgk": 5, "2016": 9,
}


def lexicon() -> PinyinLexicon:
    return PinyinLexicon(COUNTS.items())


def test_readings_of_polyphones_come_from_the_phrase_dictionary():
    assert word_syllables("重庆") == ("chong", "qing")
    assert word_syllables("银行") == ("yin", "hang")
    assert word_syllables("行政") == ("xing", "zheng")
    assert word_keys("社会保险") == ("shehuibaoxian", "shbx")
    assert word_keys("绿化") == ("lvhua", "luhua", "lh")  # ü typed as v, or as u
    assert {"xing", "hang"} <= set(word_keys("行"))  # a lone character: every reading in use
    assert word_keys("hzzwgk") == () and word_keys("2016") == ()


def test_a_lone_character_is_offered_only_for_readings_people_type():
    """The character table also reads 市 fu, 月 ru, 仅 nu, 需 nuo/ru/ruan: ranked by documents,
    the kiosk offered 不 first for fu and 需 for nuo (QA pass 6)."""
    assert word_keys("市") == ("shi",) and word_keys("月") == ("yue",)
    assert word_keys("需") == ("xu",) and word_keys("仅") == ("jin",)
    assert set(word_keys("不")) == {"bu", "fou"}  # 是否 … 不 fou is in use
    assert set(word_keys("乐")) >= {"le", "yue"} and set(word_keys("重")) == {"zhong", "chong"}
    lex = PinyinLexicon({"不": 900, "市": 500, "附": 20, "府": 30, "女": 40, "需": 300}.items())
    assert lex.candidates("fu") == ["府", "附"]
    assert lex.candidates("nu") == ["女"] and "需" not in lex.candidates("ru")


def test_only_han_words_are_kept():
    lex = lexicon()
    assert "hzzwgk" not in lex.counts and "政务" in lex.counts
    assert lex.words("zwgk") == ["政务公开"]


def test_homophones_most_documents_first_rare_ones_dropped_for_search():
    lex = lexicon()
    assert lex.words("zhengwu") == ["政务", "证物"]
    assert lex.search_words("zhengwu") == ["政务", "证物"]  # 3/50 is above the 2% floor
    assert lex.search_words("yinhang") == ["银行", "引航"]
    assert PinyinLexicon([("政务", 1000), ("证物", 3)]).search_words("zhengwu") == ["政务"]


def test_segment_prefers_whole_words_then_frequent_ones():
    lex = lexicon()
    assert lex.segment("zhengwugongkai") == ["zhengwugongkai"]
    assert lex.segment("zhengfuxinxi") == ["zhengfu", "xinxi"]
    assert lex.segment("zfxx") == ["zf", "xx"]
    assert lex.segment("zhengfugk") == ["zhengfu", "gk"]  # full pinyin and initials mixed
    # ... read as one word where it takes fewer: 政务公开, not 政务 + 公开 (QA pass 40b:
    # yanglaoj was 养 + 立案 + 瓯江, and found nothing)
    assert lex.segment("zhengwugk") == ["zhengwugk"]
    pension = PinyinLexicon({**COUNTS, "养老金": 30, "养": 40, "立案": 20, "瓯江": 2}.items())
    assert pension.read("yanglaoj") == [Slot("yanglaoj", True, ("养老金",))]
    # a last syllable typed past its initial, not whole (zh of zhang), is read as that initial
    assert lex.read("shehuibaozh") == [Slot("shehuibaoz", True, ("社会保障",))]
    # ... and in one word, where the letters read no other way (the j of 金 half typed)
    assert lex.read("shehuibx") == [Slot("shehuibx", True, ("社会保险",))]
    assert lex.segment("zhengwugongk") == ["zhengwugongk"]
    assert lex.segment("qqqq") is None
    assert lex.segment("") is None


def test_input_method_candidates():
    lex = lexicon()
    assert lex.candidates("shebao")[0] == "社保"
    assert lex.candidates("shbx") == ["社会保险", "生活必需"]
    assert lex.candidates("shehuib") == ["社会保障", "社会保险"]  # half typed, most documents first
    assert lex.candidates("chongq") == ["重庆"]
    assert "行" in lex.candidates("hang") and "行" in lex.candidates("xing")
    assert lex.candidates("zhengfuxinxi") == ["政府"]  # no one word: the first word's candidates
    # ... and they stand for its first 7 letters only; whole matches for all the letters
    assert lex.candidates_for("zhengfuxinxi") == (["政府"], 7)
    assert lex.candidates_for("shbx")[1] == 4 and lex.candidates_for("qqqq") == ([], 0)
    assert lex.candidates("") == [] and lex.candidates("123") == []
    assert len(lex.candidates("z", limit=2)) == 2


def test_the_first_stretchs_candidates_are_ordered_as_when_it_is_typed_alone():
    """QA pass 36a: fangdong offered 房东 first (the synonym file's word citizens type, read
    so by search), fangdongyajin 防冻 (most documents): a patron tapping the first candidate
    searched 防冻押金."""
    lex = PinyinLexicon([("防冻", 40), ("房东", 20), ("押金", 30)])
    assert lex.candidates("fangdong")[0] == "房东"
    assert lex.candidates_for("fangdongyajin") == (["房东", "防冻"], 8)


def test_candidates_of_a_sentence_whose_later_letters_read_as_nothing():
    """QA pass 24: a question typed in pinyin without a choice (fangdongbutuiyajin…wo…) had
    no candidates at all once a later stretch (wo) was no word of the index; as an input method
    does, the first word of the longest start that reads is offered, for its letters only."""
    lex = lexicon()
    assert lex.read("zhengfuxinxiqqqq") is None  # search reads the whole run or nothing
    assert lex.read_head("zhengfuxinxiqqqq") == lex.read("zhengfuxinxi")
    assert lex.candidates_for("zhengfuxinxiqqqq") == (["政府"], 7)
    assert lex.candidates_for("shbxzhengwuqq")[0][0] == "社会保险"
    assert lex.read_head("qqqq") is None and lex.candidates_for("qqqq") == ([], 0)
    assert lex.read_head("gongjij") == lex.read("gongjij")  # all of it, when it reads


def test_letters_are_pinyin_only_as_people_type_it():
    """Whole syllables, initials, or whole syllables then initials (a half-typed last
    syllable is one of these); never initials, a syllable and initials again (QA: script read
    as sc + ri + pt found 1,467 documents about 生产, 日 and 平台)."""
    for typed in ("shebao", "gongjijin", "zhufanggongjijin", "gjj", "sb", "zwgk", "zhengwugk",
                  "gongjij", "renminfay", "lvhua"):  # fmt: skip
        assert typed_as_pinyin(typed), typed
    for typed in ("script", "covid", "iso", "wifi", "zwgongkai", "xyz1"):
        assert not typed_as_pinyin(typed), typed
    assert split_run("xi'an") == ("xian", (2,)) and typed_as_pinyin(*split_run("xi'an"))
    assert not typed_as_pinyin("xian", [1])  # x'ian: an initial, then a syllable again
    # every syllable typed half way is accepted; fiao (覅, Wu dialect) is the one whose
    # beginning fi no syllable or initial spells
    half = {s[:k] for s in syllables() if s != "fiao" for k in range(1, len(s) + 1)}
    assert all(typed_as_pinyin(h) for h in half)


def test_a_key_in_full_pinyin_stands_only_for_words_spelled_so():
    """da is 大, not the initials of 档案; and letters that need initials between syllables
    (sc + ri + pt) are no reading at all."""
    lex = PinyinLexicon([("大", 100), ("档案", 500), ("他", 80), ("生产", 900), ("日", 700),
                         ("平台", 300)])  # fmt: skip
    assert [(s.key, s.initials, s.words[0]) for s in lex.read("data")] == [
        ("da", False, "大"),
        ("ta", False, "他"),
    ]
    assert lex.read("dagl") is None  # no word of the index for gl
    assert lex.read("script") is None and lex.segment("script") is None
    assert lex.read("scpt") == [("sc", True, ("生产",)), ("pt", True, ("平台",))]


def test_an_apostrophe_ends_a_syllable():
    lex = PinyinLexicon([("县", 900), ("西安", 10), ("先", 800), ("西", 50), ("安", 60)])
    assert lex.read("xian")[0].words[0] == "县"
    assert lex.read("xian", [2]) == [("xian", False, ("西安",))]


def test_latin_words_are_kept_apart():
    lex = PinyinLexicon([("pdf", 2), ("tainan", 101), ("台南", 900), ("a" * 31, 5)])
    assert lex.written("pdf") == 2 and lex.written("tainan") == 101 and lex.written("wto") == 0
    assert "pdf" not in lex.counts and lex.written("a" * 31) == 0  # longer runs: not typed
    assert lex.words("tainan") == ["台南"]


def test_a_word_jieba_only_guessed_is_offered_after_the_real_ones():
    """QA pass 23a: lvshi offered 率时 and 绿石 (one document each, no dictionary word: jieba's
    guesses) before 律师协会; jiche offered 击车 second. They come last, still offered."""
    lex = PinyinLexicon([("律师", 262), ("率时", 1), ("绿石", 1), ("律师协会", 21),
                         ("律师法", 16), ("机车", 61), ("击车", 2), ("继承", 323)])  # fmt: skip
    words, _ = lex.candidates_for("lvshi", 10)
    assert words == ["律师", "律师协会", "律师法", "率时", "绿石"]
    assert lex.candidates_for("jiche", 10)[0] == ["机车", "继承", "击车"]


def test_a_rare_longer_word_is_not_offered_before_the_words_the_letters_spell():
    """QA pass 26c: buhuan offered 不慌不忙 (a dictionary word of one document, whose pinyin
    only starts with the letters) before 补换, which they spell; a longer word passes the
    words spelled only where many documents use it (shehuib: 社会保障)."""
    lex = PinyinLexicon([("不慌不忙", 1), ("补换", 1), ("不换", 1), ("补换领", 2)])
    assert lex.candidates("buhuan")[:2] == ["不换", "补换"]
    assert lex.candidates("buhuan")[-1] == "不慌不忙"
    many = PinyinLexicon([("不慌不忙", 40), ("补换", 1), ("不换", 1)])
    assert many.candidates("buhuan")[0] == "不慌不忙"


def test_tone_numbers_are_left_off_as_tone_marks_are():
    """QA pass 40b: sang1zang4fei4 (pinyin as it is taught, typed on the kiosk's digit row)
    found nothing, where the input method read it. Two numbered whole syllables at least: A4
    paper, mp3 and g20 stay as typed."""
    from analyzers.pinyin_lexicon import dotted_u_as_v

    assert dotted_u_as_v("sang1zang4fei4") == "sang'zang'fei"
    assert dotted_u_as_v("hu4kou3 qian1yi2") == "hu'kou qian'yi"
    assert dotted_u_as_v("nü3er2") == "nv'er" and dotted_u_as_v("tui4xiu1jin") == "tui'xiu'jin"
    for kept in ("a4", "mp3", "g20", "covid19", "5g", "x86", "ab1cd2"):
        assert dotted_u_as_v(kept) == kept


def test_of_slips_alike_the_most_used_word_is_offered_first():
    """QA pass 52a's blind slips of shape: 保验 (a slip of 保险) reads baoyan, as the rarer word
    报验 does; both differ from it in one character, and the most used of such words is tried
    first (勞工保驗 was offered 勞工報驗, an inspection, before 勞工保險)."""
    from analyzers.pinyin_lexicon import corrections

    table = PinyinLexicon({"劳工": 40, "保险": 900, "报验": 6}.items())
    tried: list[str] = []

    def reads_better(span: str, word: str, real: bool) -> bool:
        tried.append(word)
        return True

    assert corrections(table, ["劳工", "保验"], lambda w: True, reads_better) == [("保验", "保险")]
    assert tried == ["保险"]
