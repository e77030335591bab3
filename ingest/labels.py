"""Labelled header lines: the gov.cn 公文 metadata block as it reaches plain text.

gov.cn heads a 公文 with a table (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期).
The HTML and DOCX extractors read that table into file properties; in a PDF, a scan's
recognised text or a ``.txt`` copy it arrives as lines, each a label and its value, the label
often letter-spaced and the separator a space as often as a colon::

    索 引 号 000014349/2018-00204
    发文机关 国务院办公厅
    发文字号 国办函〔2018〕71号

Like the extractors, which read a table only when it holds two labels, only a block is read:
two different labels at least, on lines near the top that start with them. One body line that
happens to open with 标题 is no metadata block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# label as written → the property key ``derive_meta`` reads (the Simplified form)
LABELS: dict[str, str] = {
    "索引号": "索引号", "索引號": "索引号",
    "主题分类": "主题分类", "主題分類": "主题分类",
    "发文机关": "发文机关", "發文機關": "发文机关",
    # a Taiwan 公文's 發文日期 is the day it was signed and sent (QA pass 22c: 60 Tainan
    # notices under 發文日期：中華民國115年2月2日 were undated)
    "成文日期": "成文日期", "发文日期": "成文日期", "發文日期": "成文日期",
    "标题": "标题", "標題": "标题",
    "发文字号": "发文字号", "發文字號": "发文字号",
    # the shorter names local sites give it (QA pass 48d: 文　　号 in a table lost the number)
    "文号": "发文字号", "文號": "发文字号", "字号": "发文字号", "字號": "发文字号",
    "文件编号": "发文字号", "文件編號": "发文字号",
    "发布日期": "发布日期", "發布日期": "发布日期", "發佈日期": "发布日期",
    "有效性": "有效性", "时效性": "有效性", "時效性": "有效性",
}  # fmt: skip
HEAD_LINES = 40  # the block sits right under the title; body lines are not read
_LABEL = "|".join(
    r"[ \t\u3000]*".join(map(re.escape, label)) for label in sorted(LABELS, key=len, reverse=True)
)
# a label at the start of a line or after a space (a table row flattened to one line), then a
# colon or a space before its value
_GAP = r"[ \t\u3000]"
# ... or glued to the value before it, with its colon (QA pass 42b: 發文日期：中華民國113年3月22日
# 發文字號：府都綜字第…號, 14 of the 60 Tainan notices that print a 發文日期, were undated)
_PAIR = re.compile(
    rf"(?:^|(?<=\s))(?P<label>{_LABEL})(?:{_GAP}*[:：]{_GAP}*|{_GAP}+)"
    rf"|(?<=\S)(?P<glued>{_LABEL}){_GAP}*[:：]{_GAP}*"
)
_SPACE = re.compile(r"[ \t\u3000]+")
_NUMBER_END = re.compile(r"(?<=[号號]).*$")  # what follows a 文号's 号
# a block's line starts with a label, so with the first character of one: a line that does
# not is skipped before the regex looks for labels all along it (issue 13)
_FIRST = frozenset(label[0] for label in LABELS)


# a notice's head, its organ then 公告, where a page's conversion glued the labelled block to it
# (QA pass 48c: 臺南市政府　公告發文日期：中華民國109年3月10日發文字號：… lost its date); the
# organ is group 1
NOTICE_HEAD = re.compile(r"^([\u4e00-\u9fff（）()]{2,30}?)[ \t\u3000]*公[ \t\u3000]*告[ \t\u3000]*"
                         r"(?=$|[發发]文)")


def labelled_header(lines: Sequence[str]) -> dict[str, str]:
    """``{key: value}`` of the labelled block among the first lines (keys as in :data:`LABELS`'
    values); empty when fewer than two labels are stated. The first value of a label wins."""
    found: dict[str, str] = {}
    for line in lines[:HEAD_LINES]:
        line = line.strip()
        if line[:1] not in _FIRST:
            if "公" not in line:  # (公 告 is spaced out in some heads)
                continue
            line = NOTICE_HEAD.sub("", line, count=1)  # 臺南市政府　公告發文日期：…
            if line[:1] not in _FIRST:
                continue
        matches = list(_PAIR.finditer(line))
        if not matches or matches[0].start() != 0:
            continue
        for m, after in zip(matches, [*matches[1:], None], strict=True):
            value = line[m.end() : after.start() if after else len(line)].strip()
            key = LABELS[_SPACE.sub("", m.group("label") or m.group("glued"))]
            if key == "发文字号":  # a 公文's 附件： or 主旨： glued after its number is not it
                value = _NUMBER_END.sub("", value)
            if value and key not in found:
                found[key] = value
    return found if len(found) >= 2 else {}


def starts_with_label(line: str) -> bool:
    """The line opens with a label of the block (``发文字号 …``): it is not part of a title."""
    return bool(_PAIR.match(line.strip()))
