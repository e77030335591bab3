"""A snippet's edges never cut a number or a Latin word (QA pass 17)."""

from __future__ import annotations

import re

from search_index.highlight import find_spans, highlight_all, snippet


def _plain(html_snippet: str) -> str:
    return re.sub(r"</?mark>", "", html_snippet).strip("…")


def test_a_snippet_ends_after_the_whole_number():
    """A snippet ended "吸引4" where the text says 吸引472億元, and "或洽(0" inside a telephone
    number; at either edge the number is shown whole."""
    for tail in ("吸引472億元的投資。", "或洽(06)2991111轉8341。"):
        for pad in range(0, 40):
            text = "台南就業" + "甲" * pad + tail + "乙" * 200
            got = _plain(snippet(text, ("就業",), 40))
            shown = set(re.findall(r"[0-9()]+", got))
            assert shown <= set(re.findall(r"[0-9()]+", tail)), (pad, got)


def test_a_snippet_starts_at_a_whole_number():
    text = "乙" * 300 + "促轉三字第1075300071號令規定，" + "乙" * 10 + "就業服務" + "乙" * 300
    got = _plain(snippet(text, ("就業",), 60))
    numbers = re.findall(r"\d+", got)
    assert all(n == "1075300071" for n in numbers), got


def test_a_run_too_long_is_cut_as_before():
    text = "就業" + "甲" * 30 + "x" * 400
    got = _plain(snippet(text, ("就業",), 60))
    assert len(got) < 100


def test_a_number_with_a_point_marks_only_where_the_point_is_written():
    """QA pass 22c: ``"3.5"`` found the right documents but its snippet marked the 35 of
    6,435 (compacting drops the point with the comma), and a match far in was not shown."""
    text = "甲" * 50 + "共计6,435元" + "乙" * 3000 + "，增长3.5%，" + "丙" * 50
    got = snippet(text, ("3.5",), 60)
    assert "<mark>3.5</mark>%" in got, got
    assert "6,4" not in got
    assert find_spans("6,435元与3 . 5倍", ("3.5",)) == [(7, 12)]


def test_a_number_with_a_point_and_a_sign_is_still_marked():
    """QA pass 23c: after the fix above, "1.5%" (the README's example) marked nothing: the
    sign is dropped with the punctuation, so the span read 1.5 against 1.5%."""
    text = "甲" * 40 + "比上年增长1.5%，共计6,435元，另增3.5亿元。"
    assert "<mark>1.5</mark>%" in snippet(text, ("1.5%",), 60)
    assert [text[a:b] for a, b in find_spans(text, ("3.5亿",))] == ["3.5亿"]
    # a term typed without the point still marks its own (35 beside 3.5 in one query)
    assert [(a, b) for a, b in find_spans("共6,435元", ("3.5", "35"))] == [(4, 6)]


def test_an_added_article_is_shown_at_its_heading_never_as_other_numbers():
    """QA pass 50b: 離島建設條例第15-1條 showed the law's history, not 第 15-1 條: compacted to
    第151条, the article was marked but its passage never looked for where it is written."""
    law = "離島建設條例\n沿革\n" + "離島建設條例修正公布。\n" * 30 + "甲" * 2000
    text = law + "\n第 15 條\n依本條例所為之開發。\n第 15-1 條\n為促進離島地區居民對外交通便捷。\n"
    got = snippet(text, ("第15-1条", "第十五条之一", "离岛", "条例"), 60, title="離島建設條例")
    assert got.lstrip("…").startswith("<mark>第 15-1 條</mark>"), got
    assert find_spans("第151条 第 15 - 1 條", ("第15-1条",)) == [(6, 16)]
    # ... weighed by rarity too, in the law itself (QA pass 51e: 勞動基準法第84-1條 showed its
    # history, the heading's hyphen unread)
    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    labour = (CORPUS / "docs" / "mojlaw" / "N0030001.txt").read_text(encoding="utf-8")
    got = snippet(labour, ("第84-1条", "第八十四条之一", "劳动基准"), 160,
                  groups={"第八十四条之一": "第84-1条"}, title="勞動基準法",
                  rarity={"第84-1条": 7.0, "劳动基准": 4.0})  # fmt: skip
    assert got.lstrip("…").startswith("<mark>第 84-1 條</mark> 經中央主管機關"), got


def test_numbers_joined_by_other_hyphens_are_marked_whatever_joins_them():
    """QA pass 51c: after the added article's hyphen was kept, a 索引号 or a telephone number
    typed with hyphens went unmarked in a text writing it with a slash or none."""
    text = "索引号：000014349/2019-00006 电话 0571-8888-1234"
    spans = find_spans(text, ("000014349-2019-00006", "0571-88881234"))
    assert [text[a:b] for a, b in spans] == ["000014349/2019-00006", "0571-8888-1234"]


def test_the_page_jumps_to_the_article_asked_for_not_the_title_holding_the_words():
    """QA pass 50b: 劳动合同法第三十九条 offered only the first of 460 marks, the law's title
    (劳动 and 合同法, the rarest word, stand there); the article's heading was the 86th."""
    from web.views import mark_anchors

    title = "中华人民共和国劳动合同法"
    text = (f"{title}\n" + "第一条 为了完善劳动合同制度，明确劳动合同双方的权利。\n" * 40
            + "第二十条 劳动者依照本法第三十九条规定解除。\n" * 3
            + "第三十九条 劳动者有下列情形之一的，用人单位可以解除劳动合同。\n"
            + "第四十条 劳动合同。\n" * 20)  # fmt: skip
    terms = ("劳动", "合同法", "第三十九条")
    rarity = {"劳动": 2.0, "合同法": 4.5, "第三十九条": 1.5}
    html = highlight_all(text, terms)
    page = mark_anchors(html, {}, "", rarity, terms, title)
    best = page.html.find('id="match-best"')
    assert best > 0 and page.html[best:].split(">", 1)[1].startswith("第三十九条</mark> "), (
        page.html[best - 20 : best + 60]
    )
    # ... where the article holds no other word asked for, and another cites it beside them
    # (QA pass 50e: 工伤保险条例第十四条 went to 第十六条's 本条例第十四条)
    title = "工伤保险条例"
    text = (f"{title}\n" + "第一条 为了保障工伤保险待遇，制定本条例。\n" * 10
            + "第十四条 职工有下列情形之一的，应当认定为工伤。\n" + "甲" * 300 + "\n"
            + "第十六条 职工符合本条例第十四条的规定，享受工伤保险待遇。\n")  # fmt: skip
    terms = ("工伤保险", "条例", "第十四条")
    page = mark_anchors(highlight_all(text, terms), {}, "", {"工伤保险": 4.3, "条例": 1.1,
                        "第十四条": 1.1}, terms, title)  # fmt: skip
    best = page.html.find('id="match-best"')
    assert page.html[best:].split(">", 1)[1].startswith("第十四条</mark> 职工"), page.best


def test_the_snippet_shows_where_most_of_the_words_stand_together() -> None:
    """QA pass 24b: a law names its subject in its first article, and the snippet opened
    there, not at the article answering the question (装修噪音几点到几点 showed 第一条 of the
    noise rules, not 12时至14时…装修作业). The place where most of the typed words stand
    together is shown; with one word, its first occurrence, as before; a word written in
    every article (more than the occurrences counted) is looked for beside the rarer ones."""
    opening = "第一条 为防治环境噪声污染，保护和改善生活环境，制定本办法。\n"
    filler = "".join(f"第{i}条 环境噪声的监督管理，依照有关规定执行。\n" for i in range(2, 90))
    answer = ("第九十条 工作日12时至14时、18时至次日8时，禁止在居民住宅楼内进行产生噪声的"
              "装修作业。\n")
    text = opening + filler + answer
    shown = snippet(text, ("噪声", "装修"), 120)
    assert "<mark>装修</mark>作业" in shown and "12时至14时" in shown, shown
    assert "第一条" in snippet(text, ("噪声",), 120)


def test_a_lone_digit_is_marked_only_as_a_number_of_its_own():
    """QA pass 27b: 第1条 marked the 1s inside 09100125210, which the search did not match (a
    lone character is searched as a word only); two digits or more are also found inside a
    longer number, by its bigrams, and marked there (above)."""
    text = "编号09100125210，第1条，共1000元"
    assert [(a, b) for a, b in find_spans(text, ("1",))] == [(15, 16)]  # the 1 of 第1条
    assert [text[a:b] for a, b in find_spans(text, ("10",))] == ["10", "10", "10"]


def test_a_passage_counts_the_words_asked_for_not_their_other_wordings():
    """QA pass 28b: 拖欠工资 (工资 read also as 劳动报酬) showed 劳动合同法's passage of 工资 beside
    劳动报酬, and its page jumped there, not to 第三十条's 拖欠 … 劳动报酬: each wording counted
    as one more word asked for."""
    from web.views import mark_anchors

    filler = "本条规定其他事项。" * 40
    text = (
        "第十条 试用期工资不得低于本单位相同岗位最低档工资，劳动报酬按约定支付。" + filler
        + "第三十条 用人单位拖欠或者未足额支付劳动报酬的，劳动者可以申请支付令。" + filler
    )  # fmt: skip
    terms = ("拖欠", "工资", "劳动报酬")
    groups = {"劳动报酬": "工资"}
    assert "拖欠" not in snippet(text, terms, 80)  # wordings counted apart: the first passage
    assert "<mark>拖欠</mark>" in snippet(text, terms, 80, groups=groups)
    marked = highlight_all(text, terms)
    assert mark_anchors(marked).best is None  # the first passage is (one of) the richest
    best = mark_anchors(marked, groups)
    assert best.best is not None and 'id="match-best" tabindex="-1">拖欠' in best.html


# -- the passage that answers (the thirty-fourth session) -------------------------------------
_PART_TIME = (
    "第七十条 非全日制用工双方当事人不得约定试用期。第七十二条 结算支付周期最长不得超过十五日。"
)
_PROBATION = "第十九条 劳动合同期限一年以上的，试用期不得超过二个月。"


def test_a_question_of_measure_shows_the_passage_with_its_answer():
    """试用期最长几个月: 劳动合同法's snippet was 第七十条 (试用期 and a 最长 of pay periods
    beside it), where 第十九条 gives the months; the months are marked."""
    from search_index.answers import answer_pattern

    text = _PART_TIME + "乙" * 400 + _PROBATION + "乙" * 400
    rarity = {"试用期": 5.3, "最长": 3.1}
    asked = answer_pattern("试用期最长几个月")
    got = snippet(text, ("试用期", "最长"), 60, answer=asked, rarity=rarity)
    assert "<mark>二个月</mark>" in got and "十五日" not in got, got
    # a question asking no measure: as before, the passage of both words
    assert "不得约定<mark>试用期</mark>" in snippet(text, ("试用期", "最长"), 60, rarity=rarity)


def test_an_answer_counts_and_is_marked_only_beside_the_word_asked_about():
    """产假有多少天 marked a police rule's 连续超过15天 (absence), far from its 产假; 试用期最长
    多久 showed a 最长…十五日 of pay periods in place of the passage of 试用期."""
    from search_index.answers import answer_pattern

    police = "女性人民警察在孕期、产假、哺乳期内的。"
    text = "旷工连续超过15天的，予以辞退。" + "乙" * 300 + police + "乙" * 300
    got = snippet(text, ("产假",), 60, answer=answer_pattern("产假有多少天"))
    assert "<mark>产假</mark>" in got and "15天" not in got, got
    text = _PART_TIME.replace("试用期。", "试用期。" + "丙" * 200)
    got = snippet(
        text, ("试用期", "最长"), 60, answer=answer_pattern("试用期最长多久"),
        rarity={"试用期": 5.3, "最长": 3.1},
    )
    assert "<mark>试用期</mark>" in got and "<mark>十五日</mark>" not in got, got


def test_how_a_sum_is_reckoned_shows_the_rule_that_reckons_it():
    """QA pass 51a: 经济补偿金怎么算 showed 劳动合同法's 第二十三条 (按月给予劳动者经济补偿, no
    number), not 第四十七条 (每满一年支付一个月工资): 怎么算 asks how a sum is reckoned, and the
    rarest word asked, 经济补偿金, is one the law never writes (it writes 经济补偿), so no answer
    stood beside it; the rarest word the text holds is the one asked about there."""
    from search_index.answers import answer_pattern

    noncompete = "第二十三条 在竞业限制期限内按月给予劳动者经济补偿。"
    reckoned = "第四十七条 经济补偿按工作的年限，每满一年支付一个月工资的标准向劳动者支付。"
    text = noncompete + "乙" * 400 + reckoned + "乙" * 400
    rarity = {"经济补偿金": 6.1, "经济补偿": 4.3}
    got = snippet(text, ("经济补偿金", "经济补偿"), 60, answer=answer_pattern("经济补偿金怎么算"),
                  rarity=rarity)  # fmt: skip
    assert "<mark>一个月工资</mark>" in got and "竞业限制" not in got, got
    assert answer_pattern("加班费如何计算") and not answer_pattern("这算不算工伤")


def test_the_rare_word_asked_for_places_the_snippet():
    """丧葬补助金标准 showed a passage of 标准 alone (a wage standard), the law's 丧葬补助金
    further on: the rarer word tells more."""
    funeral = "其遗属领取的丧葬补助金和抚恤金。"
    text = "缴费工资不得低于最低工资标准。" + "乙" * 400 + funeral + "乙" * 400
    words = ("丧葬补助金", "标准")
    assert "丧葬补助金" not in snippet(text, words, 60)  # without weights: the first of equals
    got = snippet(text, words, 60, rarity={"丧葬补助金": 4.2, "标准": 0.9})
    assert "<mark>丧葬补助金</mark>" in got, got
    # the same on the document page: its richest passage is the rare word's
    from web.views import mark_anchors

    text = "标准，领取" + "乙" * 400 + "丧葬补助金，领取"
    marked = highlight_all(text, ("丧葬补助金", "标准", "领取"))
    assert mark_anchors(marked).best is None  # the first of equals
    weighed = mark_anchors(marked, rarity={"丧葬补助金": 4.2, "标准": 0.9, "领取": 1.0})
    assert weighed.best == 2


def test_answers_of_each_measure_and_what_is_no_answer():
    from search_index.answers import answer_pattern, compiled

    def found(question: str, text: str) -> list[str]:
        pattern = compiled(answer_pattern(question))
        return [m.group() for m in pattern.finditer(text)] if pattern else []

    assert found("婚假有几天", "增加婚假七天，3月15日起，十五个工作日") == ["七天", "十五个工作日"]
    assert found("试用期几个月", "不得超过六个月；2008年1月1日；三个半月") == ["六个月", "三个半月"]
    assert found("罚多少钱", "处二百元以上1000元以下罚款；公元") == ["二百元", "1000元"]
    assert found("交多少年", "累计缴费满十五年；2019年；二〇一九年；年度") == ["十五年"]
    assert found("多大年龄退休", "年满六十周岁") == ["六十周岁"]
    assert found("探亲假能休几次", "每年一次，一次性补贴") == ["一次"]
    assert found("怎么办", "三天") == []


def test_the_page_jumps_to_a_word_written_with_its_answer():
    """A word and its answer written together are one mark (年休假5天): the review found the
    page's jump reading it as one unknown word, and staying on the first passage."""
    from search_index.answers import answer_pattern
    from search_index.highlight import Marking
    from web.views import mark_anchors

    asked = answer_pattern("年休假有几天")
    rarity = {"年休假": 4.0, "职工": 1.0}
    marking = Marking(("年休假", "职工"), {}, asked, rarity)
    later = "职工累计工作满1年的，年休假5天。"
    text = "职工享受年休假的办法另定。" + "乙" * 400 + later + "乙" * 100
    marked = highlight_all(text, marking.terms, None, marking)
    assert "<mark>年休假5天</mark>" in marked
    page = mark_anchors(marked, {}, asked, rarity)
    assert page.best is not None and 'id="match-best"' in page.html
    after = page.html[page.html.index('id="match-best"') :]
    assert "年休假5天" in after[:80], after[:80]
    # one word asked (no weights): the terms say what a merged mark holds (the review:
    # 产假有多少天's page stayed on the first passage, the snippet showed 98天产假)
    one = Marking(("产假",), {}, answer_pattern("产假有多少天"), {})
    text = "女职工享有产假。" + "乙" * 400 + "女职工生育享受98天产假，其中产前可以休假15天。"
    marked = highlight_all(text, one.terms, None, one)
    assert "<mark>98天产假</mark>" in marked, marked[-80:]
    page = mark_anchors(marked, {}, one.answer, one.rarity, one.terms)
    assert page.best is not None


def test_a_snippet_never_opens_or_closes_inside_a_match():
    """QA pass 38a: a snippet opened inside 居民身份证 and showed a lone <mark>证</mark>."""
    for pad in range(0, 60):
        text = "乙" * pad + "居民身份证" + "甲" * (pad % 12) + "丢失的居民身份证" + "丁" * 300
        # the title holds 居民身份证: the passage opens on 丢失, a quarter before it
        got = snippet(text, ("居民身份证", "丢失"), 40, title="中华人民共和国居民身份证法")
        marked = re.findall(r"<mark>(.*?)</mark>", got)
        assert marked and all(re.fullmatch("(?:居民身份证|丢失)+", m) for m in marked), (pad, got)


def test_a_printed_lines_wrap_inside_a_sentence_is_no_space():
    """QA pass 46b: a scan's snippet read 舞龙舞狮 表演 and 剪纸 艺术, a space where each
    printed line wrapped. A line end between two Han characters, after a line long enough to
    be printed text, is joined with nothing; a heading's, a title's and a part's are not."""
    text = (
        "关于举办端午民俗活动的通知\n第一章 总则\n"
        "各有关单位：为弘扬传统文化，定于五月举办舞龙舞狮\n表演和龙舟赛，同时开展油纸伞、紫砂壶、剪纸\n"
        "艺术展示。请各单位按时参加，并做好安全保障工作\n第二条 活动地点另行通知"
    )
    shown = snippet(text, ("舞龙舞狮",), size=120)
    assert "<mark>舞龙舞狮</mark>表演" in shown and "剪纸艺术展示" in shown, shown
    assert "保障工作 第二条" in shown, shown  # a part starts on its own line
    head = snippet(text, ("没有的词",), size=40)
    assert head.startswith("关于举办端午民俗活动的通知 第一章 总则 各有关单位"), head


def test_a_cantonese_question_of_measure_is_one():
    """QA pass 48b: 產假有幾多日 (how many days) marked only 产假, where 产假有多少天 marked the
    98天: Cantonese asks 几多 for 多少, 几耐 for 多久, 几钱 for 多少钱."""
    from search_index.answers import answer_pattern

    for cantonese, mandarin in (("产假有几多日", "产假有多少天"), ("试用期几耐", "试用期多久"),
                                ("牌费几钱", "牌费多少钱")):  # fmt: skip
        assert answer_pattern(cantonese) == answer_pattern(mandarin) != "", cantonese
    text = "女职工生育享受98天产假，其中产前可以休假15天。"
    got = snippet(text, ("产假",), 60, answer=answer_pattern("产假有几多日"))
    assert "<mark>98天产假</mark>" in got, got  # the answer beside the word, one mark
