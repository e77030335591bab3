"""Search in citizens' words (issue 12): a query word also matches the words the corpus and a
thesaurus say mean the same, and documents higher in the legal hierarchy rank first.

Every method is a switch in :data:`METHODS`, so its effect is measured on its own
(``bench/citizen/eval.py --ablation``). Sources, all data, none written per query:

* ``mined`` — short forms the documents define themselves (``（以下简称“居委会”）``), mined at
  ingest by :mod:`analyzers.mining` and written by the pipeline to ``lexicon/mined.txt`` in the
  data folder, one ``short => long`` rule per line with its provenance; staff edit or delete
  lines (a line starting with ``#`` is off and stays off when the next ingest merges new pairs);
* ``thesaurus`` — colloquial ↔ official words from the 同义词 groups of the ``cnsyn`` package
  (Apache-2.0, data inside the wheel), gated by the corpus's own vocabulary
  (``lexicon/vocabulary.tsv``, document frequencies counted at ingest): a word is expanded only
  to group members the corpus uses much more often than the word itself, so 房东 finds 出租人
  but a word the laws already use is left alone;
* ``cross_strait`` — OpenCC's phrase tables (``s2twp``, ``tw2sp``): 信息 ↔ 資訊, 软件 ↔ 軟體,
  beyond the character conversion every query already gets, kept only when the other side's word
  occurs in the corpus;
* ``level`` — a small bonus by rank in the legal hierarchy (index keyword ``level``, from
  :mod:`analyzers.hierarchy`); with ``level_constant`` a constant score per level
  (:class:`~search_index.tree.Constant`), otherwise a scored term whose weight depends on how
  many documents of that level the index holds;
* ``validity`` — a constant bonus for documents in force (现行有效) over repealed or expired
  ones, turned round when the query asks for the old rule (废止, 失效, 历史 …). A scored term
  cannot carry it: 98.7% of the documents are in force, so its IDF is ~0.06. Off by default:
  it changes nothing on the tune half of the blind sets (no judged document is repealed);
* ``learned`` — word2vec neighbours learned from the index's own public documents by
  ``govsearch learn-words`` (:mod:`pipeline.learned`, ``lexicon/learned.tsv``), added at
  :data:`LEARNED_WEIGHT`: the nearest neighbour that shares a character and is mutual (户口 →
  户籍, 举报 → 检举). Off by default: +0.004 tune, −0.002 held-out (bench/README.md);
* ``general`` — general-language word vectors from the ``simplechinese`` wheel (MIT; 435,729
  words × 64 dimensions inside the package, installed with ``--no-deps``: its metadata names
  the withdrawn ``sklearn``): they know the words citizens type and the index never holds (房东,
  辞退, 驾照), which the index's own vectors cannot. A typed word gets its nearest corpus word
  above :data:`GENERAL_MIN_SIM` that the corpus uses far more often, at
  :data:`GENERAL_WEIGHT` (in the whole corpus: 辞退 → 开除, 驾照 → 驾驶执照). Chosen on the
  tune half: +0.005 tune, +0.010 held-out (bench/README.md). Without the package the method
  adds nothing;
* ``semantic`` — a sentence-embedding leg (:mod:`search_index.semantic`): the documents whose
  meaning is nearest the query, from the vectors ``govsearch embed`` wrote into the data
  folder, fused with the word ranking (run by :class:`~search_index.index.SearchIndex`, so
  both backends get the same plan). Without the model files or the vectors it adds nothing;
* ``prf`` — pseudo-relevance feedback (:mod:`search_index.feedback`): the words the first
  pass's best documents share, added at a low weight (run by :class:`~search_index.index.
  SearchIndex`, so both backends get the same second plan).

The lexicon is query-side data read from the data folder: both backends get the same plan from
the same planner, so they expand identically (the Elasticsearch cluster holds no copy). An
expansion is matched with a lower weight than the typed word, so it never outranks a document
that has the literal word.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analyzers.lexicon import distinct, longest_spans
from analyzers.normalize import _fold, normalize, to_simplified
from search_index import shared_folders

if TYPE_CHECKING:  # numpy is imported where vectors are read, not with this module
    import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Methods:
    mined: bool = True
    thesaurus: bool = True
    cross_strait: bool = True
    level: bool = True
    level_constant: bool = True
    validity: bool = False  # no change on the tune half (no judged document is repealed)
    prf: bool = False  # +0.009 on the tune half but 2× the time per query: over the latency target
    titles: bool = True
    region: bool = True
    questions: bool = True
    learned: bool = False
    general: bool = True
    common: bool = False  # −0.005 to +0.001 on the tune half (bench/README.md)
    script: bool = True
    # the script's bonus only for documents holding a query word as a word (業主: not inside
    # 事業主管機關)
    script_words: bool = True
    semantic: bool = True  # a sentence-embedding leg (search_index.semantic), where embedded
    word_bounds: bool = True  # synonym and short-form spans start and end on jieba's cuts
    place: bool = True  # a place typed with other words: its region's rules before its mentions
    mentions: bool = True  # a title abbreviation means the titles the documents mention most
    leg_simplified: bool = True  # the semantic leg reads the query in simplified script
    short_leg: bool = False  # half the leg for a one-word query: +0.006 tune, −0.002 held-out
    # a run jieba cut into single characters, unknown to the corpus, as the corpus's word with
    # its first and last character (年假 → 年休假)
    word_abbreviations: bool = True
    # a word one side of the strait uses, as the other side's neighbour in general Chinese
    # (身份证 → 身分证, 出租车 → 计程车): cross_strait_twins
    twins: bool = True
    # a word typed inside a compound the documents write whole (口袋公园) keeps only the
    # wordings written beside the compound's other word (planner._Builder._out_of_context)
    compounds: bool = True
    # a year typed (1954年政府工作报告) is a bonus for documents of that year, never a match
    year_typed: bool = True
    # a query asking about one side (台湾 named, traditional typed): another wording of a word
    # counts SIDE_WORDING_BOOST times in that side's documents
    side_wordings: bool = True
    # the rules for everyone ahead of a group's own (军人, 公务员 …) where the query names none:
    # −0.001 on the tune half (questions −0.002), though QA passes 51a and 52a's 抚恤金怎么领
    # (15th → 8th) and 退休金 (26th → 20th) gained (bench/README.md): off
    everyone: bool = False


METHODS = Methods()

# Level bonus (added to the score of any matching document of that level).
# Weights chosen by a coordinate search on the tune half of the blind sets (bench/citizen).
LEVEL_BOOST: dict[str, float] = {
    "法律": 1.8, "行政法规": 1.5, "司法解释": 0.9, "部门规章": 0.9, "地方性法规": 0.75,
    "地方政府规章": 0.6,
}  # fmt: skip
# The same bonus as a constant score (Constant node), independent of the level's document count:
# started from LEVEL_BOOST × the level's IDF in the whole corpus (the same ranking), then a
# coordinate search on the tune half, keeping the hierarchy's order (部门规章 at 0 scored 0.001
# more but would rank 部门规章 below 地方性法规).
LEVEL_SCORE: dict[str, float] = {
    "法律": 4.6, "行政法规": 3.5, "司法解释": 2.4, "部门规章": 1.7, "地方性法规": 0.95,
    "地方政府规章": 0.6,
}  # fmt: skip
VALIDITY_BONUS = 1.0  # constant score added to documents in force (or, asked for, to the others)
# A query that asks for the old rule: the bonus goes to repealed and expired documents instead.
_ASKS_HISTORY = re.compile(
    r"废止|失效|作废|废除|废弃|历史|旧版|老版|原来的|以前的|过去的|修订前|修改前"
)
EXPANSION_WEIGHT = 0.3  # an expansion's clauses weigh this much of the typed word's
THESAURUS_RATIO = 1.5  # the official word is used this many times more often than the typed one
THESAURUS_MIN_DF = 5
THESAURUS_SHARED = True  # a character in common (房子 → 房屋; not 护照 → 营业执照)
# ... other than a place or time word's head, which any two places or spans share (QA pass
# 24b: 楼上 → 地上 listed land expropriation for 楼上太吵怎么办, 几年 → 半年 a 1997 notice for
# 醉驾判几年); the word before it is what the word says
_HEADS_SHARED_BY_ANY = frozenset("上下里外内中前后旁边间年月日天周时")
THESAURUS_MAX_GROUP = 16  # larger cnsyn groups are topics, not synonyms
# a group member must also be near the typed word in general Chinese (the ``general`` vectors'
# cosine): a shared character lets loose members through (办证 → 办学 0.18, 押金 → 奖金 0.48,
# 护照 → 营业执照 0.60), which put schools and bonuses above deposits (QA pass 3); chosen on
# the tune half (bench/README.md). A word without a vector keeps the members the gate above lets
# in; without the vectors installed, no member is taken.
THESAURUS_MIN_SIM = 0.6
MAX_EXPANSIONS = 3
# learned: word2vec neighbours from the indexed documents (lexicon/learned.tsv, pipeline.learned)
# k, threshold, weight and gates chosen by a grid on the tune half (bench/README.md)
LEARNED_K = 1  # neighbours taken per word
LEARNED_MIN_SIM = 0.7  # cosine
LEARNED_WEIGHT = 0.3  # of the typed word's weight
LEARNED_MAX_DF = 10**9  # a typed word in more documents is left alone (50: +0.001, not +0.004)
LEARNED_RATIO = 2.0  # ... unless the neighbour is used this many times more often
LEARNED_SHARED = True  # a character in common (养老金 → 基本养老金; not 出租人 → 买受人)
LEARNED_MUTUAL = True  # the typed word is also among the neighbour's nearest

# general: word vectors of general Chinese (simplechinese); k, threshold, ratio and weight chosen
# by the grid of bench/citizen/general_vectors.py on the tune half
GENERAL_K = 1
GENERAL_MIN_SIM = 0.80  # cosine
# Word vectors put a word beside its opposite and its siblings as readily as its synonyms (QA
# pass 4: 领取 → 缴纳, 返还 → 缴纳; 七天 → 三天, 一个月 → 一年). A typed word the corpus uses
# must be among its neighbour's GENERAL_MUTUAL nearest too (0: not asked), and two counts or
# durations are never each other's wording. Chosen on the tune half (bench/README.md).
GENERAL_MUTUAL = 4
GENERAL_NO_COUNTS = True
_COUNT = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿半几]")
# ... nor are two words that differ in one character where the two characters are each other's
# converse (QA pass 24b: 退款 → 付款, a refund read as a payment, brought in banking rules)
CONVERSE_CHARS = frozenset(
    frozenset(pair) for pair in (
        "退付", "收付", "收支", "买卖", "购售", "出入", "进出", "借贷", "存取", "借还", "上下",
        "增减", "升降", "开关", "正负", "男女", "前后", "内外", "左右", "多少", "长短", "高低",
        "早晚", "得失", "盈亏", "赢输", "胜负", "公私", "主客", "奖罚", "奖惩", "加减",
        "涨跌", "升贬", "支收", "送收", "发收", "供需", "供求", "甲乙", "老新", "旧新", "真假",
        # QA pass 26b: 断交 → 建交, 父亲 → 母亲, 出租人 → 承租人 were searched as other wordings
        "断建", "父母", "夫妻", "出承", "出受", "结离", "原被", "权务", "入离",
        # QA pass 50e: 降低 → 增加 (general)
        "降增",
    )
)  # fmt: skip
GENERAL_RATIO = 1.5  # the neighbour is used this many times more often than the typed word
GENERAL_WEIGHT = 0.5  # of the typed word's weight
GENERAL_MIN_DF = 3  # corpus words used in fewer documents are never a neighbour

LEXICON_DIR = shared_folders.LEXICON
MINED_FILE = "mined.txt"
VOCABULARY_FILE = "vocabulary.tsv"
# words in fewer documents are in the file (so that later ingests can add to their counts) but
# not in the vocabulary the methods read: a word one document uses tells nothing of the corpus
VOCABULARY_MIN_DF = 2
REGIONS_FILE = "regions.tsv"
TAIWAN_WORDS_FILE = "taiwan_words.tsv"
TITLES_FILE = "titles.tsv"
ISSUERS_FILE = "issuers.tsv"
ISSUER_CANDIDATES = 3  # full names a short issuer may stand for, most documents first
# agency<TAB>文号 prefix<TAB>documents: the prefix of each document's own yearly 文号 under its
# issuing agency (国务院办公厅 → 国办发, 国办函), so that a number typed with the agency's name
# (国务院办公厅2019年6号文) is read as the prefix's
DOCNO_PREFIXES_FILE = "docno_prefixes.tsv"
PREFIX_MIN_DOCUMENTS = 2  # one document may be a catalogue's slip (国务院 → 劳部发 once)
PREFIX_CANDIDATES = 3  # prefixes an agency's name may stand for, most documents first
_NAME_CHARS = 10  # an issuer's characters that 文号 keys keep (analyzers.docno)
LEARNED_FILE = "learned.tsv"
# repealed title key<TAB>repealing document's id<TAB>its title<TAB>its date<TAB>the statement:
# the repeals the documents state (analyzers.repeals), gathered at ingest
REPEALS_FILE = "repeals.tsv"
TITLE_LEVELS = frozenset({"法律", "行政法规", "司法解释", "部门规章"})
# A place typed with other words (台湾 产检假几天) asks for that place's rules more than for texts
# that mention it (the mainland's 中国公民往来台湾地区管理办法 said 台湾 in its title and ranked
# first): documents of the region score REGION_BOOST, the word in a text PLACE_TEXT_WEIGHT of a
# word's score. Tune half grid (REGION_BOOST 1/2/4/8/16 × text 1/0.5/0.2/0.1/0): 0.740 at 1 × 1,
# 0.750 at 4 × 0.2 (cross-strait 0.651 → 0.715), flat beyond.
REGION_BOOST = 4.0
PLACE_TEXT_WEIGHT = 0.2
# A query asking about Taiwan (台湾 named, or typed in traditional) meets Taiwan's documents in
# Taiwan's words: there, another wording of a typed word (年休假's 特别休假, 头盔's 安全帽)
# counts this many times what it counts elsewhere, where it weighs 0.3 of the word so that the
# literal word stays ahead (QA pass 41b: 台湾 年休假 天数 put the mainland's 职工带薪年休假条例
# first, 劳动基准法 sixth). No table of which wording is whose is needed: the region says it.
SIDE_WORDING_BOOST = 3.0


def place_weights() -> tuple[float, float]:
    """(bonus of the region's documents, weight of the place word in a text); 1 and 1 with
    the ``place`` method off, as before it."""
    return (REGION_BOOST, PLACE_TEXT_WEIGHT) if METHODS.place else (1.0, 1.0)

_lexicon_dir: Path | None = None


def load_lexicon(data_dir: Path | None, warm: bool = False) -> None:
    """Read the mined rules and the vocabulary from ``<data_dir>/lexicon`` (None: none); with
    ``warm`` (a server), also start reading the query side's larger data (:func:`warm_up`)."""
    global _lexicon_dir
    _lexicon_dir = Path(data_dir) / LEXICON_DIR if data_dir is not None else None
    _forget_lexicon()
    with _general_lock:
        _general.clear()
    if warm:
        warm_up()


# The files :func:`refresh` watches, and how often it looks at them: a server re-reads them
# within this many seconds of an ingest in another process or an edit of mined.txt (QA pass 9:
# new rules, and rules switched off with #, waited for a restart).
LEXICON_FILES = (
    MINED_FILE, VOCABULARY_FILE, REGIONS_FILE, TITLES_FILE, ISSUERS_FILE, LEARNED_FILE,
    TAIWAN_WORDS_FILE, DOCNO_PREFIXES_FILE, REPEALS_FILE,
)  # fmt: skip
RECHECK_SECONDS = 2.0
_seen: tuple[tuple[str, int, int], ...] = ()
_checked_at = 0.0
_refresh_lock = threading.Lock()


def _stamp() -> tuple[tuple[str, int, int], ...]:
    if _lexicon_dir is None:
        return ()
    out = []
    for name in LEXICON_FILES:
        try:
            st = (_lexicon_dir / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, 0, 0))
    return tuple(out)


def _forget_lexicon() -> None:
    global _seen, _checked_at
    for f in (mined, vocabulary, regions_known, regions_longest_first, titles, titles_text,
              order_issuers, docno_prefixes, known_docno_prefixes, learned, expansions, repeals,
              _words_by_ends, taiwan_words,
              cross_strait_twins, _general_frequencies):  # fmt: skip
        f.cache_clear()
    _common_cutoff.cache_clear()
    _seen, _checked_at = _stamp(), time.monotonic()


def refresh() -> bool:
    """Forget what was read of the lexicon when one of its files changed on disk since (a
    look every :data:`RECHECK_SECONDS` at most: six ``stat`` calls). True when it did."""
    global _checked_at
    now = time.monotonic()
    if _lexicon_dir is None or now - _checked_at < RECHECK_SECONDS:
        return False
    with _refresh_lock:
        if now - _checked_at < RECHECK_SECONDS:
            return False
        _checked_at = now
        if _stamp() == _seen:
            return False
        _forget_lexicon()
        return True


def warm_up() -> None:
    """Read the synonym groups, the general vectors and the semantic leg's model and store in
    a thread (~1-2 s each), so that a server's first user does not wait for them (one who
    comes sooner waits for the load under way). Only for servers: a short command (``govsearch
    keys create``) that exited while the thread was inside the model's native start-up was
    aborted by the C++ runtime ("terminate called without an active exception"); without
    the thread everything is read on first use."""
    if _lexicon_dir is not None and (_lexicon_dir / VOCABULARY_FILE).is_file():
        _warmed.clear()
        threading.Thread(target=_warm, name="citizen-words", daemon=True).start()


_warmed = threading.Event()
_warmed.set()  # nothing to read ahead until warm_up starts


def warmed() -> bool:
    """Whether :func:`warm_up`'s reading is done (a server's readiness: ``/api/ready``)."""
    return _warmed.is_set()


def data_dir() -> Path | None:
    """The data folder :func:`load_lexicon` was given (the semantic leg's vectors live there)."""
    return _lexicon_dir.parent if _lexicon_dir is not None else None


def _warm() -> None:
    try:
        _read_ahead()
    finally:
        _warmed.set()


def _read_ahead() -> None:
    from analyzers.chars import skippable_chars
    from analyzers.lexicon import synonyms
    from analyzers.normalize import normalize
    from analyzers.pinyin_lexicon import syllables, typed_readings
    from analyzers.segment import everyday_words
    from search_index import semantic  # the query side's other data, read in the same thread

    thesaurus()
    general_vectors()
    _general_frequencies()
    everyday_words()  # what the typo suggestions leave alone (search_index.index)
    # and the tables a first query builds (QA pass 38a: the first search after a start took
    # 1.1 s, 2.1 s measured on a loaded machine: jieba's word tags 0.7 s, the characters a
    # query skips 0.3, pinyin's readings 0.2, the synonym file 0.3, the words by their ends 0.1)
    synonyms()
    cross_strait_variants("检索")
    _tag("法律")
    skippable_chars()
    normalize("检索")
    typed_readings("行")
    syllables()
    _words_by_ends()
    semantic.warm(data_dir())


def use(methods: Methods) -> None:
    """Switch methods on or off (the ablation runs)."""
    global METHODS
    METHODS = methods
    expansions.cache_clear()


def asks_history(normalized_query: str) -> bool:
    """Whether the query asks for a rule no longer in force (废止, 失效, 旧版 …)."""
    return bool(_ASKS_HISTORY.search(normalized_query))


# words that ask which version of a rule, not what it is about (QA pass 25a: 行政复议法 历史版本
# listed the rules on 历史文化风貌区 first, 历史 and 版本 searched as topic words)
_VERSION_WORDS = re.compile(
    r"(?:历史|歷史|以前的|原来的|原來的|所有|全部|各个|各個)版本|[旧舊老]版本?|历次修[订改]|歷次修[訂改]"
    r"|修[订訂改]前的?版本|修[订訂改]前"
)


def is_version_words(text: str) -> bool:
    return bool(_VERSION_WORDS.fullmatch(text))


def without_version_words(typed: str) -> tuple[str, list[str]]:
    """``typed`` without the words asking for a rule's versions, and those words: the rule is
    what is searched for, and :func:`asks_history` (which reads the query as typed) keeps its
    older versions in their place. Left alone when nothing else is typed, or in a query with
    quotes or fields (the syntax decides there)."""
    if any(c in typed for c in "\"“”「」:：") or not _VERSION_WORDS.search(typed):
        return typed, []
    rest = _VERSION_WORDS.sub(" ", typed)
    if not rest.strip():
        return typed, []
    return rest, _VERSION_WORDS.findall(typed)


def parse_rules(text: str) -> dict[str, tuple[str, ...]]:
    """``short => long1, long2  # provenance`` lines; ``#`` lines are off."""
    rules: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=>" not in line:
            continue
        left, right = (normalize(s.strip()) for s in line.split("=>", 1))
        targets = tuple(t.strip() for t in right.split(",") if t.strip() and t.strip() != left)
        if left and targets:
            rules[left] = tuple(dict.fromkeys(rules.get(left, ()) + targets))
    return rules


def _lexicon_text(path: Path) -> str:
    """A lexicon file's text; one not in UTF-8 (mined.txt saved by an editor in GBK) is read
    without the lines it cannot decode, and the log names it, where every search was a 500
    (QA pass 51f)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        log.warning("%s is not UTF-8 (%s): its lines that are not are left out; save it as "
                    "UTF-8", path, exc)  # fmt: skip
        text = data.decode("utf-8", errors="replace")
        return "\n".join(line for line in text.splitlines() if "\ufffd" not in line)


@functools.cache
def mined() -> dict[str, tuple[str, ...]]:
    path = _lexicon_dir / MINED_FILE if _lexicon_dir else None
    if path is None or not path.is_file():
        return {}
    return parse_rules(_lexicon_text(path))


def agency_wordings(name: str, limit: int = 4) -> tuple[str, ...]:
    """An agency's name with the short forms the documents define written out (北京市人大常委会
    → 北京市人民代表大会常务委员会, 市场监管总局 → 市场监督管理总局; QA pass 11: 机构: with either
    short name found nothing while the words typed alone expand). Short forms of three
    characters or more, longest first, each replaced once; only the documents' own pairs."""
    if not METHODS.mined:
        return ()
    out: list[str] = []
    for short in sorted((k for k in mined() if len(k) >= 3 and k in name), key=len, reverse=True):
        for long in mined()[short][:2]:
            if short not in long:
                out.append(name.replace(short, long, 1))
        if len(out) >= limit:
            break
    return tuple(dict.fromkeys(out[:limit]))


@functools.cache
def vocabulary() -> dict[str, int]:
    path = _lexicon_dir / VOCABULARY_FILE if _lexicon_dir else None
    if path is None or not path.is_file():
        return {}
    out: dict[str, int] = {}
    for line in _lexicon_text(path).splitlines():
        word, _, df = line.partition("\t")
        if df.isdigit() and int(df) >= VOCABULARY_MIN_DF:
            out[word] = int(df)
    return out


def find_mined(
    normalized_query: str, overlapping: bool = False
) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Spans of the query that are mined short forms (longest first, left to right): a short
    form may be several jieba words (市人大常委会 → 市人大 + 常委会). ``overlapping``: as in
    :func:`~analyzers.lexicon.longest_spans`."""
    return longest_spans(normalized_query, mined() if METHODS.mined else {}, overlapping)


def _counts(name: str) -> dict[tuple[str, ...], int]:
    path = _lexicon_dir / name if _lexicon_dir else None
    if path is None or not path.is_file():
        return {}
    out: dict[tuple[str, ...], int] = {}
    for line in _lexicon_text(path).splitlines():
        *key, n = line.split("\t")
        if n.isdigit():
            out[tuple(key)] = int(n)
    return out


@functools.cache
def repeals() -> dict[str, tuple[tuple[str, str, str, str], ...]]:
    """Repealed title key (:func:`analyzers.repeals.title_key`) → (repealing document's id,
    title, ISO date, statement) for each public document that states the repeal."""
    path = _lexicon_dir / REPEALS_FILE if _lexicon_dir else None
    if path is None or not path.is_file():
        return {}
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    for line in _lexicon_text(path).splitlines():
        parts = line.split("\t")
        if len(parts) == 5 and not line.startswith("#"):
            out.setdefault(parts[0], []).append((parts[1], parts[2], parts[3], parts[4]))
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def learned() -> dict[str, tuple[tuple[str, float], ...]]:
    """word → (neighbour, cosine), nearest first, from ``lexicon/learned.tsv``."""
    path = _lexicon_dir / LEARNED_FILE if _lexicon_dir else None
    if path is None or not path.is_file():
        return {}
    out: dict[str, list[tuple[str, float]]] = {}
    for line in _lexicon_text(path).splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            try:
                out.setdefault(parts[0], []).append((parts[1], float(parts[2])))
            except ValueError:
                continue
    return {w: tuple(ns) for w, ns in out.items()}


def learned_neighbours(word: str) -> tuple[str, ...]:
    """The word's learned neighbours used as expansions: the top :data:`LEARNED_K` above
    :data:`LEARNED_MIN_SIM`, for a word few documents use (or a neighbour used far more often),
    never a word containing the typed one or contained in it (those match already)."""
    df = vocabulary().get(word, 0)
    table = learned()
    out = []
    for n, sim in table.get(word, ())[:LEARNED_K]:
        if sim < LEARNED_MIN_SIM or n in word or word in n:
            continue
        if LEARNED_SHARED and not set(n) & set(word):
            continue
        if converse(word, n):  # 出境/入境 share a character, and mean the opposite
            continue
        if LEARNED_MUTUAL and word not in (m for m, _ in table.get(n, ())):
            continue
        if df <= LEARNED_MAX_DF or vocabulary().get(n, 0) >= LEARNED_RATIO * df:
            out.append(n)
    return tuple(out)


@functools.cache
def taiwan_words() -> dict[str, int]:
    """word → the Taiwan documents that use it (``lexicon/taiwan_words.tsv``)."""
    vocab = vocabulary()
    return {k[0]: n for k, n in _counts(TAIWAN_WORDS_FILE).items() if k[0] in vocab}


@functools.cache
def regions_known() -> frozenset[str]:
    """Jurisdictions at least a few documents apply to (``region`` keyword values)."""
    return frozenset(k[0] for k, n in _counts(REGIONS_FILE).items() if n >= 3)


@functools.cache
def regions_longest_first() -> tuple[str, ...]:
    """:func:`regions_known` of two characters or more, longest first (a query is cut at the
    longest name it holds), sorted once per lexicon, not per query."""
    return tuple(sorted((k for k in regions_known() if len(k) >= 2), key=len, reverse=True))


def region(word: str) -> str | None:
    """The ``region`` value a query word names (台湾, 北京市 → 北京), if documents carry it."""
    from analyzers.hierarchy import place_name

    if not METHODS.region:
        return None
    name = place_name(word)
    return name if name in regions_known() else None


_LEVEL_ORDER = ("法律", "行政法规", "司法解释", "部门规章")


@functools.cache
def titles() -> dict[tuple[str, str], tuple[str, ...]]:
    """(first, last character) → short titles, highest level and most documents first."""
    rows = sorted(
        _counts(TITLES_FILE).items(),
        key=lambda kv: (_LEVEL_ORDER.index(kv[0][1]) if kv[0][1] in _LEVEL_ORDER else 9, -kv[1]),
    )
    out: dict[tuple[str, str], list[str]] = {}
    for key, _ in rows:
        t = key[0]
        if len(t) >= 3 and t not in out.get((t[0], t[-1]), []):
            out.setdefault((t[0], t[-1]), []).append(t)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def titles_text() -> str:
    """Every short title, one per line: one substring test asks whether any title holds a text."""
    return "\n".join(t for ts in titles().values() for t in ts)


def _inside_a_typed_title(query: str, i: int, j: int, starts: set[int], ends: set[int]) -> bool:
    """Whether ``query[i:j]`` is part of a longer stretch of the query that a title writes
    (QA pass 11: 性别平等工作法, a title typed whole, read 工作法 as 工程施工查核小组作业办法)."""
    held = titles_text()
    return any(query[s:j] in held for s in starts if i - 8 <= s < i) or any(
        query[i:e] in held for e in ends if j < e <= j + 8
    )


@functools.cache
def order_issuers() -> tuple[str, ...]:
    """Issuers of orders the documents print or cite (``lexicon/issuers.tsv``), most first."""
    counts = _counts(ISSUERS_FILE)
    return tuple(k[0] for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _subsequence_from(short: str, name: str, start: int) -> bool:
    it = iter(name[start:])
    return all(c in it for c in short)


def issuer_full_names(issuer: str) -> tuple[str, ...]:
    """The issuers of orders a short one stands for (市场监管总局令 → 市场监督管理总局令,
    工商总局令 → 工商行政管理总局令): a known issuer that holds its characters in order, from
    its first on, ending as it does; none when the issuer typed is itself known (as the end of
    a known name: 公安部令). Only names the documents print, so nothing is guessed."""
    known = order_issuers()
    if len(issuer) < 3 or not issuer.endswith("令") or any(k.endswith(issuer) for k in known):
        return ()
    out: list[str] = []
    for name in known:
        # names are kept to their last characters, as keys are (家市场监督管理总局令): what
        # was typed before that (国家市场监管总局令) is not asked for
        for j in range(len(issuer) - 2 if len(name) == _NAME_CHARS else 1):
            typed = issuer[j:]
            found = next(
                (name[i:] for i, c in enumerate(name)
                 # past a skipped start the rest begins where the name was cut
                 if c == typed[0] and (j == 0 or i == 0) and _subsequence_from(typed, name, i)),
                None,
            )  # fmt: skip
            if found:
                out.append(found)
                break
        if len(out) == ISSUER_CANDIDATES:
            break
    return tuple(dict.fromkeys(out))


@functools.cache
def docno_prefixes() -> dict[str, tuple[str, ...]]:
    """Agency → the 文号 prefixes of its documents (``lexicon/docno_prefixes.tsv``): those of
    :data:`PREFIX_MIN_DOCUMENTS` documents or more, most first, at most
    :data:`PREFIX_CANDIDATES`."""
    by_agency: dict[str, list[tuple[int, str]]] = {}
    for key, n in _counts(DOCNO_PREFIXES_FILE).items():
        if len(key) == 2 and n >= PREFIX_MIN_DOCUMENTS:
            by_agency.setdefault(key[0], []).append((-n, key[1]))
    return {a: tuple(p for _, p in sorted(ps)[:PREFIX_CANDIDATES]) for a, ps in by_agency.items()}


@functools.cache
def known_docno_prefixes() -> frozenset[str]:
    """Every 文号 prefix the documents hold, whatever its agency and however few its
    documents: what a 文号 typed without brackets or in pinyin may start with (the planner
    asks at every query holding a digit; the lexicon counts each again among public
    documents). One document is enough here: a new issuer's first upload (QA pass 39a:
    qingzhengbanfa 2025 12 was read as words after 青政办发〔2025〕12号 was uploaded), and a
    series of the same issuer (国办发明电 of 国办发: QA pass 32b). The floor of
    :data:`PREFIX_MIN_DOCUMENTS` is for what an agency's name stands for, where one
    catalogue's slip would mislead."""
    return frozenset(key[1] for key in _counts(DOCNO_PREFIXES_FILE) if len(key) == 2)


def agency_docno_prefixes(issuer: str) -> tuple[str, ...]:
    """The 文号 prefixes an issuer typed as an agency's name stands for (国务院办公厅 → 国办发,
    国办函), from the documents' own pairs; none for a name no document pairs with a prefix,
    or one that is a prefix itself. The issuer is the Han run before the number, so it may
    hold words before the name (关于国务院办公厅): the longest name it ends with. Names are
    compared as keys keep them, to their last :data:`_NAME_CHARS` characters."""
    known = docno_prefixes()
    if not known:
        return ()
    names = sorted(known, key=len, reverse=True)
    for name in names:
        cut = name[-_NAME_CHARS:]
        if issuer == cut or (len(name) <= _NAME_CHARS and issuer.endswith(name)):
            return tuple(p for p in known[name] if p != issuer)
    return ()


def joint_issuers(issuer: str) -> tuple[str, str] | None:
    """The two issuers of a joint order typed without the 、 documents print between them
    (国务院中央军事委员会令 → 国务院令, 中央军事委员会令; QA pass 10: 0 results): a split of the
    name whose both halves end names the documents print, the longest second half first."""
    if not issuer.endswith("令") or len(issuer) < 5:
        return None
    known = order_issuers()
    if any(k.endswith(issuer) for k in known):
        return None  # a name the documents print whole
    name = issuer[:-1]
    for i in range(2, len(name) - 1):
        head, tail = name[:i] + "令", name[i:] + "令"
        if any(k.endswith(tail) for k in known) and any(k.endswith(head) for k in known):
            return head, tail
    return None


TITLE_CANDIDATES = 4  # titles an abbreviation may mean, before the index's mention counts pick
# a title at most this many times as long as the span abbreviating it: 消法 (2) for
# 消费者权益保护法 (8), never 人定 (a slip of 认定) for a 24-character 人…规定 (QA pass 30a)
TITLE_SPAN_RATIO = 5


def title_abbreviation(span: str) -> tuple[str, ...]:
    """Titles ``span`` abbreviates (消法 → 消费者权益保护法): same first and last character, the
    span's characters in order, and the span itself not a word the corpus uses."""
    if not METHODS.titles or len(span) < 2 or vocabulary().get(span, 0) >= 3:
        return ()
    from analyzers.mining import is_subsequence

    found = [
        t for t in titles().get((span[0], span[-1]), ())
        if len(span) + 1 < len(t) <= TITLE_SPAN_RATIO * len(span)
        and span not in t and is_subsequence(span, t)
    ]  # fmt: skip
    return tuple(found[:TITLE_CANDIDATES])


def find_titles(normalized_query: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Spans of the query that abbreviate a law's title, longest first, left to right."""
    if not METHODS.titles or not titles():
        return []
    from analyzers.segment import word_bounds

    # a span starts and ends where jieba cuts the query: 押金合法 holds no 金合法 (金融机构合并法)
    starts, ends = word_bounds(normalized_query)
    spans = []
    i, n = 0, len(normalized_query)
    while i < n:
        for size in range(min(8, n - i), 1, -1):
            if i not in starts or i + size not in ends:
                continue
            found = title_abbreviation(normalized_query[i : i + size])
            if found and not _inside_a_typed_title(normalized_query, i, i + size, starts, ends):
                spans.append((i, i + size, normalized_query[i : i + size], found))
                i += size
                break
        else:
            i += 1
    return spans


# A word abbreviation (年假 for 年休假): the corpus's words one or two characters longer, with
# the run's characters in order, at least this many documents, the most used first.
WORD_ABBREVIATION_MIN_DF = 5
WORD_ABBREVIATION_CANDIDATES = 2


@functools.cache
def _words_by_ends() -> dict[tuple[str, str], tuple[str, ...]]:
    """(first, last character) → the corpus's Han words of 3–6 characters, most documents first."""
    out: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for w, df in vocabulary().items():
        if 3 <= len(w) <= 6 and df >= WORD_ABBREVIATION_MIN_DF and _HAN_WORD.fullmatch(w):
            out.setdefault((w[0], w[-1]), []).append((-df, w))
    return {k: tuple(w for _, w in sorted(v)) for k, v in out.items()}


def word_abbreviation(run: str) -> tuple[str, ...]:
    """The words ``run`` abbreviates: jieba knows no word for it (it cut it into single
    characters) and no document has it as a word, so people wrote it short for a word the
    documents use, keeping its first and last character (年假 → 年休假, as 消法 stands for
    消费者权益保护法 among titles)."""
    if not METHODS.word_abbreviations or len(run) < 2 or vocabulary().get(run, 0) >= 3:
        return ()
    from analyzers.mining import is_subsequence

    found = [
        w for w in _words_by_ends().get((run[0], run[-1]), ())
        if len(run) < len(w) <= len(run) + 2 and run not in w and is_subsequence(run, w)
    ]  # fmt: skip
    return tuple(found[:WORD_ABBREVIATION_CANDIDATES])


def find_word_abbreviations(
    normalized_query: str, words: list[str] | None = None
) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Runs of two or more Han characters that jieba cut one by one (or ``words``, the query
    as the planner cut it), read as abbreviations."""
    if not METHODS.word_abbreviations or not vocabulary():
        return []
    from analyzers.chars import is_han
    from analyzers.segment import query_words

    runs: list[list[int]] = []  # [start, end] of each run of adjacent single characters
    pos = 0
    for w in query_words(normalized_query) if words is None else words:
        at = normalized_query.find(w, pos)
        if at < 0:
            continue
        if len(w) == 1 and is_han(w):
            if runs and runs[-1][1] == at:
                runs[-1][1] = at + 1
            else:
                runs.append([at, at + 1])
        pos = at + len(w)
    spans = []
    for s, e in runs:  # the longest part of each run that is one, left to right (年假有 → 年假)
        i = s
        while i < e - 1:
            for j in range(min(e, i + 4), i + 1, -1):
                found = word_abbreviation(normalized_query[i:j])
                if found:
                    spans.append((i, j, normalized_query[i:j], found))
                    i = j
                    break
            else:
                i += 1
    return spans


def _thesaurus_file() -> Path | None:
    spec = importlib.util.find_spec("cnsyn")  # located, not imported: its __init__ loads a model
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "chinese_dictionary" / "sim_words.txt"
    return path if path.is_file() else None


@functools.cache
def thesaurus() -> dict[str, tuple[str, ...]]:
    """word → the members of every small synonym group it belongs to (Han words only)."""
    path = _thesaurus_file()
    if path is None:
        return {}
    han = re.compile(r"[\u3400-\u9fff]{2,}")
    groups: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        words = [w for w in line.split() if han.fullmatch(w)]
        if not 2 <= len(words) <= THESAURUS_MAX_GROUP:
            continue
        for w in words:
            groups[w] = groups.get(w, ()) + tuple(x for x in words if x != w)
    return groups


class GeneralVectors:
    """The ``simplechinese`` vectors, looked up by word, and the corpus words they may point to.

    Read from the package's data files, never imported (its ``__init__`` loads pandas and
    scikit-learn and builds a KD-tree). Kept small (measured: +107 MB RSS when first written
    with a dict of the words and the vectors mapped): a word is found by a 64-bit hash in a
    sorted array (3.5 MB; a collision among 435,729 such hashes has odds of ~10⁻⁸; FNV-1a,
    computed for all of them at once by :func:`_word_hashes` in 0.3 s where blake2b one word at
    a time took 1.8 s of every server start, CLI search and test index) and its row
    read from the file when asked; only the corpus words'
    rows are held, normalised; the 435,729 unpickled words are dropped after the start, none
    of them kept alive (the targets are the vocabulary's own strings), so their memory is freed.
    """

    def __init__(self, data: Path, vocab: dict[str, int]) -> None:
        import pickle

        import numpy as np

        with (data / "all_words.pickle").open("rb") as f:
            words: list[str] = pickle.load(f)  # noqa: S301 - the installed package's own data
        keys = _word_hashes(words)
        self._order = np.argsort(keys)
        self._keys = keys[self._order]
        own = {w: w for w, n in vocab.items() if n >= GENERAL_MIN_DF and len(w) > 1}
        rows = {own[w]: i for i, w in enumerate(words) if w in own}
        del words, own
        self._path = data / "all_weights_64.npy"
        vectors = np.load(self._path, mmap_mode="r")
        self._offset, self._dtype, self._dims = vectors.offset, vectors.dtype, vectors.shape[1]
        self.targets = list(rows)  # in file order: the rows below are read front to back
        self.targets_set = frozenset(self.targets)
        matrix = np.asarray(vectors[list(rows.values())], dtype=np.float32)
        del vectors
        self._matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)

    def vector(self, word: str) -> np.ndarray | None:
        """The word's unit vector, or None if the package does not know it."""
        import numpy as np

        key = np.uint64(_word_hash(word))
        at = int(np.searchsorted(self._keys, key))
        if at >= len(self._keys) or self._keys[at] != key:
            return None
        size = self._dtype.itemsize * self._dims
        with self._path.open("rb") as f:
            f.seek(self._offset + int(self._order[at]) * size)
            v = np.frombuffer(f.read(size), dtype=self._dtype).astype(np.float32)
        norm = float(np.linalg.norm(v))
        return v / norm if norm else None

    def nearest(self, word: str, n: int) -> list[tuple[str, float]]:
        """Up to ``n`` corpus words nearest ``word`` (cosine), nearest first."""
        import numpy as np

        v = self.vector(word)
        if v is None or not self.targets:
            return []
        scores = self._matrix @ v
        top = np.argpartition(-scores, min(n, len(scores) - 1))[:n]
        return sorted(((self.targets[i], float(scores[i])) for i in top), key=lambda x: -x[1])


def general_similarity(a: str, b: str) -> float:
    """Cosine of two words in the general vectors; 1.0 when either has none (no evidence
    against the pair) or the vectors are not installed."""
    table = general_vectors()
    va = table.vector(a) if table is not None else None
    vb = table.vector(b) if table is not None and va is not None else None
    return 1.0 if va is None or vb is None else float(va @ vb)


_FNV_OFFSET = 0xCBF29CE484222325  # 64-bit FNV-1a
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1


def _word_hash(word: str) -> int:
    """FNV-1a of the word's UTF-8 bytes: one word, as :func:`_word_hashes` gives many."""
    h = _FNV_OFFSET
    for b in word.encode("utf-8"):
        h = ((h ^ b) * _FNV_PRIME) & _MASK64
    return h


def _word_hashes(words: list[str]):  # noqa: ANN202 - numpy array
    """:func:`_word_hash` of every word, a byte position at a time across all the words
    (longest first, so the words still going are a prefix): no library hashes many short
    strings into one array, and a Python call per word cost 1.8 s for the 435,729 words."""
    import numpy as np

    encoded = [w.encode("utf-8") for w in words]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    by_length = np.argsort(-lengths, kind="stable")
    longest_first = -lengths[by_length]  # ascending
    at = starts[by_length]
    h = np.full(len(encoded), _FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(_FNV_PRIME)
    for j in range(int(-longest_first[0]) if len(encoded) else 0):
        going = int(np.searchsorted(longest_first, -j, side="left"))  # words longer than j
        h[:going] ^= data[at[:going] + j]
        h[:going] *= prime  # numpy's uint64 product wraps modulo 2**64, as FNV's does
    out = np.empty_like(h)
    out[by_length] = h
    return out


_general_lock = threading.Lock()
_general: dict[Path | None, GeneralVectors | None] = {}  # the lexicon folder's table


def general_vectors() -> GeneralVectors | None:
    """The general vectors over this corpus's vocabulary (None without the package or a
    vocabulary). Built once per lexicon folder; a caller arriving during the build (the first
    query while :func:`load_lexicon`'s background load runs) waits for it instead of building
    it again."""
    with _general_lock:
        if _lexicon_dir not in _general:
            _general[_lexicon_dir] = _load_general()
        return _general[_lexicon_dir]


def general_off_reason() -> str:
    """Why the ``general`` vectors are missing ('' when installed): without them the thesaurus
    is off too, as its gate cannot tell 押金 from 奖金 (QA pass 34a: a server on a machine that
    had lost the wheel searched deposits as bonuses, and said nothing)."""
    if _general_data() is not None:
        return ""
    return ("the general-language word vectors are not installed (pip install --no-deps "
            "simplechinese==0.2.15, as .ci/install does): everyday words are searched "
            "without their general or thesaurus wordings")  # fmt: skip


def _general_data() -> Path | None:
    """The ``simplechinese`` wheel's data folder, if it holds the words and their vectors."""
    spec = importlib.util.find_spec("simplechinese")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    if not (data / "all_words.pickle").is_file() or not (data / "all_weights_64.npy").is_file():
        return None
    return data


def _load_general() -> GeneralVectors | None:
    data, vocab = _general_data(), vocabulary()
    return GeneralVectors(data, vocab) if data is not None and vocab else None


# A person's or a place's name is never another wording of a word, nor another name one
# (QA pass 9: 李登辉 was also searched as 马英九, "也查近义词"): general Chinese puts them near
# each other because they are used alike. Names by jieba's dictionary tag (nr…, ns).
NAMES_ARE_NOT_WORDINGS = True


@functools.lru_cache(maxsize=8192)  # keyed by typed words: bounded, as expansions' cache is
def _tag(word: str) -> str:
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word, "")


def is_proper_name(word: str) -> bool:
    tag = _tag(word)
    return tag.startswith("nr") or tag == "ns"


def is_pronoun(word: str) -> bool:
    """A pronoun by jieba's tag (r): general Chinese puts them all side by side, and none is
    another wording of another (QA pass 30a: 别人 was also searched as 自己)."""
    return _tag(word) == "r"


def converse(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ in one or two characters, a pair of which are each
    other's converse (退款/付款, 买方/卖方, 出境/入境; 取出/装入, QA pass 50a: the 公积金 taken
    out was also searched as put in): neighbours in any word vectors, opposite in law."""
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return 1 <= len(differ) <= 2 and any(frozenset(d) in CONVERSE_CHARS for d in differ)


def general_neighbours(word: str) -> tuple[str, ...]:
    """The typed word's nearest corpus words in general Chinese, used as other wordings: above
    :data:`GENERAL_MIN_SIM`, used :data:`GENERAL_RATIO` times more often than the typed word,
    never a word containing it or contained in it (those match already)."""
    table = general_vectors()
    if table is None or (NAMES_ARE_NOT_WORDINGS and is_proper_name(word)):
        return ()
    vocab = vocabulary()
    df = max(vocab.get(word, 0), 1)
    out: list[str] = []
    for n, sim in table.nearest(word, GENERAL_K + 20):
        if sim < GENERAL_MIN_SIM or len(out) >= GENERAL_K:
            break
        if n in word or word in n or vocab.get(n, 0) < GENERAL_RATIO * df:
            continue
        if NAMES_ARE_NOT_WORDINGS and is_proper_name(n):
            continue
        if is_pronoun(n) and is_pronoun(word):
            continue
        if GENERAL_NO_COUNTS and _COUNT.search(word) and _COUNT.search(n):
            continue
        if converse(word, n):
            continue
        if GENERAL_MUTUAL and word in table.targets_set and word not in (
            m for m, _ in table.nearest(n, int(GENERAL_MUTUAL))
        ):
            continue
        out.append(n)
    return tuple(out)


@functools.cache
def _opencc(config: str):  # noqa: ANN202 - opencc has no stubs
    import opencc

    return opencc.OpenCC(config)


SCRIPT_BONUS = 16.0  # constant score for a document of the side whose script the query is in
# the rules for everyone: a bonus over those whose title names a group of people the query does
# not (boosters.everyone_booster)
EVERYONE_BONUS = 8.0
GROUP_TITLE_WORDS = (
    "军人", "烈士", "退役", "兵役", "军队", "军官", "士兵", "武警", "公务员", "公务", "政务",
    "法官", "检察官", "警察", "教职员", "教师", "船员", "外交", "离休",
)
# ... and what in a query names one of those groups (当兵退伍回来政府安排工作吗 asks the veterans'
# rules, 军属优待 the military's)
GROUP_QUERY_WORDS = GROUP_TITLE_WORDS + (
    "当兵", "退伍", "参军", "入伍", "军属", "军嫂", "部队", "老兵", "转业", "复员", "公职",
    "老师", "民警", "辅警", "海员", "抚恤优待",
)
TAIWAN = "台湾"


def typed_script(text: str) -> str | None:
    """``"traditional"`` or ``"simplified"`` if ``text`` holds a character written differently
    in the two scripts (only one of them is typed), else None (工作, 法律: either side)."""
    text = _fold(text)
    if to_simplified(text) != text:
        return "traditional"
    if _opencc("s2t").convert(text) != text:
        return "simplified"
    return None


# characters Taiwan and Hong Kong write, and older mainland texts, where the mainland's standard
# (通用规范汉字表) writes another that no script conversion gives: 帳戶 is 帐户 simplified, the
# mainland's 账户 (QA pass 51d: 台灣人在大陸開銀行帳戶 read 银行帐户, one word, and missed
# 个人存款账户实名制规定)
# — of accounts only: a 帐篷 (tent) and a 蚊帐 (net) stay (QA pass 51e: 也查 账篷)
_ACCOUNT_帐 = re.compile(r"帐(?=[户号单目务簿本款])|(?<=[记对查转结算挂入到销赖])帐")


def standard_form(word: str) -> str:
    """``word`` in the mainland's standard characters, where a script conversion leaves it in
    another (帐户 → 账户)."""
    return _ACCOUNT_帐.sub("账", word)


def cross_strait_variants(word: str) -> tuple[str, ...]:
    """The word as the other side of the strait says it (simplified script), if different."""
    out = []
    taiwan = to_simplified(_opencc("s2twp").convert(word))
    mainland = _opencc("tw2sp").convert(_opencc("s2t").convert(word))
    for v in (taiwan, mainland):
        v = normalize(v)
        if v != word and v not in out:
            out.append(v)
    return tuple(out)


# cross_strait_twins: a word's neighbours in general Chinese, taken as the other side's wording
# when the two are used on opposite sides of the strait in this corpus. Chosen on the tune half.
TWIN_K = 20  # neighbours looked at
TWIN_MIN_SIM = 0.80  # cosine (身份证/身分证 0.81, 出租车/计程车 0.80, 硬件/硬体 0.84)
TWIN_MIN_DF = 5  # documents using each word (a side is not told from fewer)
TWIN_SHARED = True  # a character in common (塑料 → 塑胶; not 复发 → 中风, 班主任 → 老师)
TWIN_MUTUAL = 4  # the word is among its twin's this many nearest too (0: not asked)
# Taiwan's wording is rarer than the mainland's in general Chinese (jieba's dictionary, counted
# from mainland text): 身分证 23 against 身份证's 708, 计程车 17 against 出租车's 395; a word of
# its own (大雨 508 against 暴雨's 558, 县市 2,458 against 省市's 441, 上任 against 离任) is not
TWIN_GENERAL_RATIO = 0.4
TWIN_SIDE = 0.9  # share of a word's documents on one side that makes it that side's word


def _side(word: str) -> str | None:
    """``"taiwan"`` or ``"mainland"`` if (nearly) only that side's documents use the word."""
    df = vocabulary().get(word, 0)
    if df < TWIN_MIN_DF:
        return None
    share = taiwan_words().get(word, 0) / df
    return "taiwan" if share >= TWIN_SIDE else "mainland" if share <= 1 - TWIN_SIDE else None


@functools.cache
def _general_frequencies() -> dict[str, int]:
    """jieba's dictionary counts of the corpus words used on one side only (read once per
    lexicon, ~1.5 s, in a server's warm-up thread; not jieba's whole table, 115 MB)."""
    from analyzers.segment import dictionary_frequencies

    return dictionary_frequencies(w for w in vocabulary() if _side(w) is not None)


def _rarer_in_general_chinese(taiwan: str, mainland: str) -> bool:
    freq = _general_frequencies()
    return freq.get(taiwan, 0) <= TWIN_GENERAL_RATIO * max(freq.get(mainland, 0), 1)


@functools.lru_cache(maxsize=8192)  # keyed by typed words: bounded, as expansions' cache is
def cross_strait_twins(word: str) -> tuple[str, ...]:
    """The other side's wording of a word only one side of the strait uses (身份证 → 身分证,
    网络 → 网路, 出租车 → 计程车): its neighbours in general Chinese that only the other side's
    documents use. OpenCC's phrase tables map script and a few hundred computing words, none of
    these; a list written by hand holds what its writer thought of. The corpus tells the
    sides apart (``region`` 台湾), the general vectors that two words are used alike; a word
    both sides use (权利, 权力) is never a twin, so homophones and near-synonyms of one side
    stay apart."""
    side = _side(word)
    table = general_vectors()
    if side is None or table is None or (NAMES_ARE_NOT_WORDINGS and is_proper_name(word)):
        return ()
    other = "mainland" if side == "taiwan" else "taiwan"
    return tuple(
        n for n, sim in table.nearest(word, TWIN_K)
        if sim >= TWIN_MIN_SIM and n not in word and word not in n and _side(n) == other
        and not (GENERAL_NO_COUNTS and _COUNT.search(word) and _COUNT.search(n))
        and (not TWIN_SHARED or set(n) & set(word))
        and _rarer_in_general_chinese(*((n, word) if other == "taiwan" else (word, n)))
        and (not TWIN_MUTUAL or word in (m for m, _ in table.nearest(n, TWIN_MUTUAL)))
        and not distinct(word, n)
    )  # fmt: skip


# Words jieba glues from a question word and one character (几天, 几分, 多少钱, 能休, 要交, 会被):
# they carry the question, not its topic, so they score but do not count as a topic word that
# half of must match (the decisive word is not outvoted by them).
_QUESTION_WORD = re.compile(
    r"^(?:几|多少|多久|多长|多大|怎么|怎样|如何|哪|啥|什么)[\u4e00-\u9fff]{0,2}$"
    r"|^(?:能|可以|可|要|会|得|该|需|需要|还能|能不能|可不可以|是否)[\u4e00-\u9fff]$"
)


QUESTION_MAX_DF = 50  # 要求, 能源, 会议 look alike but the laws use them: content words

# what a question asks with, wherever the segmenter glued it (多大能, 判给谁, 多大算): never a
# typo. A particle alone only where a clause ends: 所得谁 and 健康吗 inside a query are slips of
# 所得税 and 健康码 (the thirty-second session's review)
ASKS = re.compile(
    r"(?:几|多少)[岁天年月个次级号点分周]|多少|多久|多长|多大算?|怎么算?|怎样|如何|哪里|哪儿"
    r"|哪个|啥|什么|算不算|[谁吗呢么](?=$|[\s，。？！,.?!、])"
)


# What a question asks to be paid, beside the loss it is paid for (被辞退有赔偿吗, 开除了能拿多少
# 赔偿): the loss decides which rule answers, and the word, in every 国家赔偿 text's title,
# only scores (QA pass 51a: 国家赔偿法 and nine more of its kind came before 劳动合同法). Not
# 补偿: the labour laws' own word (经济补偿), which 公司逼我辞职有补偿吗 needs to find them.
ASKED_FOR = frozenset({"赔偿", "赔偿金", "赔钱"})


def asking_positions(text: str) -> frozenset[int]:
    """The positions in ``text`` of the characters a question asks with (:data:`ASKS`)."""
    return frozenset(i for m in ASKS.finditer(text) for i in range(m.start(), m.end()))


COMMON_SHARE = 0.1  # of the most used word's documents


@functools.lru_cache(maxsize=1)
def _common_cutoff() -> int:
    vocab = vocabulary()
    return int(COMMON_SHARE * max(vocab.values())) if vocab else 0


def is_common(word: str) -> bool:
    """A word so widely used (重新, 办理, 申请) that a document lacking it is no worse an answer:
    it still scores, but does not count toward the words a document must hold, so one decisive
    rare word (护照) is not outvoted (Lucene's common-terms query). The number of documents is
    not kept; the most used word (规定, in ~80% of the texts) stands in for it."""
    cutoff = _common_cutoff()
    return METHODS.common and cutoff > 0 and vocabulary().get(word, 0) >= cutoff


# Hong Kong's and Macao's word for the mainland (香港人去内地工作): it says whose rules are asked
# for, which no text needs to write; the mainland's documents rank first, as for a simplified
# query (QA pass 34a: 內地最低工資 matched 台內地字, a Taiwan ministry's 文号, and listed Taiwan's
# rules first).
MAINLAND_WORDS = frozenset({"内地", "大陆"})
# ... never inside a Taiwan ministry's 文号, 台內地字 (the review: it ranked the mainland first)
_TAIWAN_DOCNO_AROUND = re.compile(r"台内地|内地字")
# Taiwan's word, 大陆, asks so where it names the place (大陸公司資遣費, 在大陸開銀行帳戶: QA pass
# 51d, every result was Taiwan's), not its people, things or Taiwan's dealings with them:
# Taiwan's laws on 大陸地區人民 are what 大陸配偶 asks for, and 大陸礁層, 大陆法系 are terms
# (QA pass 51e)
_TAIWANS_MAINLAND = re.compile(
    r"大陆(?!\s*(?:地区|配偶|人民|人士|籍|新娘|居民|来台|来台湾|委员会|事务|同胞|学生|亲属|探亲"
    r"|子女|礁层|法系|物品|船舶|渔船|民众|观光|出生|游客|旅客|配偶))"
)


def asks_for_mainland(word: str, text: str) -> bool:
    """Whether ``word``, read in the normalised query ``text``, asks for the mainland's rules."""
    if word == "大陆":
        return bool(_TAIWANS_MAINLAND.search(text))
    return word in MAINLAND_WORDS and not _TAIWAN_DOCNO_AROUND.search(text)


def is_question_word(word: str) -> bool:
    return (
        METHODS.questions
        and bool(_QUESTION_WORD.match(word))
        and vocabulary().get(word, 0) < QUESTION_MAX_DF
    )


_HAN_WORD = re.compile(r"^[\u3400-\u9fff]{2,}$")


@functools.lru_cache(maxsize=4096)
def expansions(word: str) -> tuple[tuple[str, str], ...]:
    """``(other wording, source)`` for one normalised query word, best first."""
    if not _HAN_WORD.match(word):
        return ()
    out: dict[str, str] = {}
    m = METHODS
    vocab = vocabulary()
    df = vocab.get(word, 0)
    if m.mined:
        for long in mined().get(word, ()):
            out.setdefault(long, "mined")
    if m.cross_strait:
        for v in cross_strait_variants(word):
            if vocab.get(v, 0) > 0 or not vocab:
                out.setdefault(v, "cross_strait")
        standard = standard_form(word)
        if standard != word:  # one word in the mainland's standard form, a word or not
            out.setdefault(standard, "cross_strait")
    if m.twins:
        for v in cross_strait_twins(word):
            out.setdefault(v, "cross_strait")
    if m.thesaurus and vocab and general_vectors() is not None:  # its gate needs them
        cands = [
            c for c in thesaurus().get(word, ())
            if c not in word and word not in c
            and (not THESAURUS_SHARED or (set(c) & set(word)) - _HEADS_SHARED_BY_ANY)
            and vocab.get(c, 0) >= max(THESAURUS_MIN_DF, THESAURUS_RATIO * df)
            and general_similarity(word, c) >= THESAURUS_MIN_SIM
        ]  # fmt: skip
        for c in sorted(cands, key=lambda c: -vocab.get(c, 0))[:2]:
            out.setdefault(c, "thesaurus")
    if m.learned:
        for n in learned_neighbours(word):
            out.setdefault(n, "learned")
    # 中华民国 is no 中华人民共和国; nor, from any source, a converse (QA pass 50e: the
    # thesaurus's groups took 迁入 → 迁出, 调出 → 调入, 出租人 → 承租人)
    for other in [o for o in out if distinct(word, o) or converse(word, o)]:
        del out[other]
    kept = list(out.items())[:MAX_EXPANSIONS]
    if m.general:  # beyond the cap, as measured: the other sources fill it for common words
        have = {o for o, _ in kept}
        kept += [
            (n, "general") for n in general_neighbours(word)
            if n not in have and not distinct(word, n)
        ]  # fmt: skip
    return tuple(kept)
