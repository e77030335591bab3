"""Duplicate signatures of a text: pure functions, computed once at index time and for drafts.

Three signatures, each for a different question staff ask before publishing:

* ``content_key`` — *is this exactly a text we already have?* A hash of the normalised body
  with boilerplate, whitespace and punctuation removed, so a Traditional copy, full-width digits,
  a re-wrapped PDF extraction or a page with site chrome all get the same key. From
  ``ORDER_FREE_CHARS`` characters on it hashes the text's characters in sorted order, so a
  layout that reads a table or two columns in another order (the published PDF of an annual
  report against its TXT) is the same text too. Measured on the 6,443 texts of the shared
  corpus (docs and the extracted files): the sorted key joins exactly 4 more groups than the
  ordered one, all the same report or budget as TXT, DOCX and original PDF (shingle
  resemblance 0.76–0.89 because of the tables), and no two different texts.
* MinHash band keys — *is this a slightly edited copy?* MinHash (datasketch's ``affine32``
  permutation scheme) over character shingles of that compact text, cut into ``BANDS`` bands of
  ``ROWS`` rows; each band becomes one indexed term, so any backend finds candidates with plain
  term queries (LSH banding). With 16×4 a pair of resemblance 0.8 shares a band with
  probability 0.9998, one of 0.5 with 0.64 and one of 0.3 with 0.12: candidates are then
  verified exactly, so the curve only has to be generous.
* anchors — *does it contain, or sit inside, a text we have?* Resemblance cannot find a
  two-page notice inside a hundred-page law (their Jaccard is tiny), so we also index winnowing
  fingerprints (Schleimer et al., MOSS): the smallest shingle hash of every window of
  ``WINDOW`` shingles. Any passage of ``WINDOW + K - 1`` characters shared by two texts yields
  at least one shared anchor, whatever surrounds it; about 2/(WINDOW+1) of positions are kept.

Shingles are hashed with a vectorised polynomial hash plus the splitmix64 finaliser (numpy), not
Python's ``hash`` (salted per process) nor SHA-1 per shingle (far too slow for ingest).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzers import native
from analyzers.chars import native_skip_set, skippable_chars, strip_skippable
from analyzers.normalize import normalize

VERSION = 3  # 3: a catalogue block without colons is boilerplate; 2: order-free content_key
ORDER_FREE_CHARS = 200  # below this, a reordering of few characters could be another text
K = 5  # characters per shingle: Chinese packs a word in ~1.6 characters, so 5 ≈ 3 words
NUM_PERM = 64
BANDS, ROWS = 16, 4
SEED = 1
WINDOW = 48  # winnowing window (shingles): a shared run of ≥ 52 characters always shares an anchor
MAX_QUERY_ANCHORS = 256  # a draft queries at most this many anchors (a consistent sample)
# the smallest anchors of a text, kept with its signature: a text that holds this one holds
# most of them, whatever surrounds it (a restricted notice pasted into a longer file)
STORED_ANCHORS = 32

_M64 = (1 << 64) - 1
_POLY = np.uint64(0x100000001B3)  # FNV prime: any odd 64-bit multiplier works for the roll


def _minhash_permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutations for ``NUM_PERM`` and ``SEED``, drawn as it draws
    them (a test holds them equal to ``MinHash(...).permutations``). Importing datasketch
    imports scipy for its LSH classes: 2–5 s at the start of every command and ingest worker,
    for two arrays of 64 numbers."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_PERM_A, _PERM_B = _minhash_permutations()


# -- boilerplate ---------------------------------------------------------------------------
# Lines of 版头/版记 and of page chrome. Matched on *normalised* text (simplified, half-width,
# lower case), so one pattern covers 聯絡我們 and 联络我们. Each alternative is anchored to a
# whole short line: the same words inside a sentence of the body are kept.
_LINE_PATTERNS = (
    r"抄送[:：].*",
    r"抄报[:：].*",
    r"分送[:：].*",
    r"发送[:：].*",
    r"主题词[:：].*",
    r"(?:关键词|关键字)[:：].{0,60}",
    r"(?:索\s*引\s*号|主\s*题\s*分\s*类)[:：].*",
    # a page's catalogue block printed to PDF, labels without colons (发文机关 国务院办公厅)
    r"(?:索\s*引\s*号|主\s*题\s*分\s*类|发文机关|成文日期|发文字号|发布日期)"
    r"\s*[:：]?\s*[^\s，。；,;][^，。；,;]{0,40}",
    r".{0,40}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发",
    r".{0,30}(?:办公厅|办公室|秘书处|秘书科|文电科)\s*印发",
    r"[(（]此件[^)）]{0,12}[)）]",
    r"[(（]?此页无正文[)）]?",
    r"[(（](?:信息)?公开(?:方式|属性|选项)?[:：]?[^)）]{0,10}[)）]",
    r"(?:信息)?公开(?:方式|属性|选项)[:：].{0,12}",
    r".{0,30}(?:人民政府|办公厅|办公室|委员会|[局厅部委])文件",
    r"(?:签发人|份号|密级|紧急程度)[:：].{0,30}",
    r"(?:特急|加急|平急|特提)",
    r"[-—–－]+\s*\d{1,4}\s*[-—–－]+",
    r"第\s*\d+\s*页\s*[,，/]?\s*共\s*\d+\s*页",
    r"共\s*\d+\s*页\s*第\s*\d+\s*页",
    r"(?:首页|当前位置|您现在的位置|你现在的位置|现在位置)\s*[:：>»].{0,80}",
    r".{0,20}[>»›].{0,20}[>»›].{0,60}",
    r"(?:(?:【\s*)?(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏本页|分享到)(?:\s*】)?\s*)+",
    r"字\s*号\s*[:：]?[大中小\s|丨]+",
    r"(?:(?:网站地图|联系我们|联络我们|关于我们|网站声明|隐私声明|使用帮助|无障碍浏览|长者模式|"
    r"网站首页|返回首页|手机版|english)[\s|丨/·]*)+",
    r".{0,20}版权所有.{0,60}",
    r"(?:主办单位|技术支持|运维单位|主办|承办)[:：].{0,40}(?:版权|icp|网站|电话|地址).{0,60}",
    r".{0,40}(?:icp备|icp证|公网安备|网站标识码|网站识别码).{0,60}",
    r"(?:扫一扫|政务微信|政务微博).{0,20}",
    r"(?:发布时间|来源|浏览次数|点击数|阅读次数|作者)[:：].{0,60}",
)
_LINE_RE = re.compile(r"\s*(?:" + "|".join(_LINE_PATTERNS) + r")\s*")
# Cheap pre-filter: a line can only be boilerplate if it contains one of these; the full
# patterns (slow: many alternatives, each tried per line) run only on such short lines.
_TRIGGERS = (
    "抄送 抄报 分送 发送 主题词 关键词 关键字 索 主题分类 主 印发 此件 此页无正文 公开 文件 "
    "发文机关 成文日期 发文字号 发布日期 "
    "签发人 份号 密级 紧急程度 特急 加急 平急 特提 页 首页 位置 > » › 打印 关闭 返回 收藏 "
    "分享到 字号 字 网站 联系我们 联络我们 关于我们 声明 使用帮助 无障碍 长者模式 手机版 "
    "english 版权 承办 技术支持 运维 icp 公网安备 标识码 识别码 扫一扫 政务微 发布时间 来源 "
    "浏览次数 点击数 阅读次数 作者 - — – －"
).split()
# Literal alternatives only: the regex engine then skips to candidate characters in C; one
# \s* inside an alternative made this scan 30× slower.
_TRIGGER_RE = re.compile("|".join(re.escape(t) for t in sorted(_TRIGGERS, key=len, reverse=True)))
_MAX_BOILERPLATE_LINE = 120
# Headings that start a site's trailing link block: everything after them is chrome when they
# come in the last quarter of the text (相關詞條 / 熱門詞條 / 聯絡我們 on reference sites).
_TAIL_RE = re.compile(
    r"^\s*(?:相关词条|热门词条|相关链接|相关文章|相关新闻|相关阅读|相关文件|友情链接|网站地图|"
    r"联系我们|联络我们|扫一扫.{0,10})\s*[:：]?\s*$",
    re.MULTILINE,
)


def chrome_tail(normalized: str) -> int:
    """Where a trailing block of site links starts (its heading), or ``len(normalized)``."""
    tail = _TAIL_RE.search(normalized, int(len(normalized) * 0.75))
    return tail.start() if tail else len(normalized)


def is_boilerplate_line(line: str) -> bool:
    """True for one normalised line that :func:`strip_boilerplate` removes."""
    return (
        len(line) <= _MAX_BOILERPLATE_LINE
        and _TRIGGER_RE.search(line) is not None
        and _LINE_RE.fullmatch(line) is not None
    )


def strip_boilerplate(normalized: str) -> str:
    """Drop 版头/版记 lines, page numbers and site chrome from a normalised text.

    Staff re-issue the same body under a new 版头, with another 抄送 list, or copy it from a
    web page; none of that makes it a different document, so it is removed before
    fingerprinting. Only whole short lines are removed, never words inside a sentence.
    """
    normalized = normalized[: chrome_tail(normalized)]
    drop: list[tuple[int, int]] = []
    line_end = -1
    for m in _TRIGGER_RE.finditer(normalized):
        if m.start() < line_end:  # a line already looked at: once per line, or a text of one
            continue  # long line was scanned once per trigger in it (quadratic, QA pass 5)
        start = normalized.rfind("\n", 0, m.start()) + 1
        end = normalized.find("\n", m.end())
        end = len(normalized) if end < 0 else end
        line_end = end
        if end - start <= _MAX_BOILERPLATE_LINE and _LINE_RE.fullmatch(normalized, start, end):
            drop.append((start, end))
    if not drop:
        return normalized
    parts, pos = [], 0
    for start, end in drop:
        parts.append(normalized[pos:start])
        pos = end
    parts.append(normalized[pos:])
    return "".join(parts)


@functools.cache
def skip_mask() -> np.ndarray:
    """Per code point: True for what :func:`analyzers.chars.strip_skippable` removes."""
    mask = np.zeros(sys.maxunicode + 1, dtype=bool)
    mask[[ord(c) for c in skippable_chars()]] = True
    return mask


def _compact_codes(normalized: str) -> np.ndarray:
    """Code points of :func:`fingerprint_text` via numpy (str.translate with a dict: ~30 MB/s)."""
    codes = np.frombuffer(strip_boilerplate(normalized).encode("utf-32-le"), dtype=np.uint32)
    return codes[~skip_mask()[codes]]


def fingerprint_text(normalized: str) -> str:
    """The text the signatures are computed on: boilerplate removed, then every whitespace,
    punctuation and control character removed (so line wraps and ，/, do not count)."""
    return strip_skippable(strip_boilerplate(normalized))


# -- hashing -------------------------------------------------------------------------------
def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser: datasketch's ``affine32`` pre-mix, bit for bit."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(compact: str | np.ndarray, k: int = K) -> np.ndarray:
    """64-bit hashes of every k-character shingle, in text order (duplicates kept).

    ``compact`` is a string or its code points. A text shorter than ``k`` is one shingle (a
    one-line notice still has a signature).
    """
    if isinstance(compact, str):
        compact = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32)
    if len(compact) == 0:
        return np.zeros(0, dtype=np.uint64)
    codes = compact.astype(np.uint64)
    n = len(codes) - k + 1
    if n <= 0:
        h = np.zeros(1, dtype=np.uint64)
        for c in codes:
            h = h * _POLY + c
        return _splitmix64(h + np.uint64(len(codes)))
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * _POLY + codes[j : j + n]
    return _splitmix64(h)


def minhash_values(hashes: np.ndarray) -> np.ndarray:
    """MinHash of a set of shingle hashes: what ``datasketch.MinHash(scheme="affine32")``
    gives after ``update_batch`` with the low 32 bits as hash values, computed in one
    vectorised pass (datasketch's own loop calls a Python hash function per shingle)."""
    out = np.full(NUM_PERM, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    if len(hashes) == 0:
        return out
    hv = _fmix32((hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    for start in range(0, len(hv), 8192):
        chunk = hv[start : start + 8192, None]
        out = np.minimum(out, (chunk * _PERM_A + _PERM_B).min(axis=0))
    return out


def band_keys(values: np.ndarray) -> tuple[str, ...]:
    """One indexed term per LSH band: ``b<band>:<hash of its rows>``."""
    raw = values.astype("<u4").tobytes()
    width = ROWS * 4
    return tuple(
        f"b{i:x}:" + hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=6).hexdigest()
        for i in range(BANDS)
    )


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` is ~10× slower here on 64-bit integers)."""
    if len(values) == 0:
        return values
    s = np.sort(values)
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def winnow(hashes: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Winnowing fingerprints: the distinct minima of every window of ``window`` hashes.

    Sliding-window minima in O(n) (van Herk/Gil-Werman: prefix and suffix minima of blocks),
    vectorised; only the set of values is kept, which is what is indexed.
    """
    n = len(hashes)
    if n == 0:
        return hashes
    if n <= window:
        return hashes.min(keepdims=True)
    blocks = -(-n // window)
    padded = np.full(blocks * window, np.iinfo(np.uint64).max, dtype=np.uint64)
    padded[:n] = hashes
    grid = padded.reshape(blocks, window)
    prefix = np.minimum.accumulate(grid, axis=1).ravel()
    suffix = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    count = n - window + 1
    mins = np.minimum(suffix[:count], prefix[window - 1 : window - 1 + count])
    runs = mins[np.concatenate(([True], mins[1:] != mins[:-1]))]
    return sorted_unique(runs)


def anchor_key(value: int) -> str:
    return f"w:{value >> 24:010x}"  # 40 bits: collisions only cost a verified candidate


# -- the signature -------------------------------------------------------------------------
@dataclass(frozen=True)
class Signature:
    """Everything the duplicate check needs about one text."""

    content_key: str
    chars: int  # length of the compact text
    shingles: np.ndarray  # sorted unique 64-bit shingle hashes (the set that is compared)
    minhash: np.ndarray  # NUM_PERM uint32 values
    anchors: np.ndarray  # sorted unique winnowing fingerprints

    @property
    def size(self) -> int:
        return len(self.shingles)

    def band_keys(self) -> tuple[str, ...]:
        return band_keys(self.minhash) if self.size else ()

    def anchor_keys(self, limit: int | None = None) -> tuple[str, ...]:
        """Anchor terms; with ``limit`` the smallest ones, a sample consistent across texts."""
        values = self.anchors if limit is None else self.anchors[:limit]
        return tuple(anchor_key(int(v)) for v in values)

    def index_terms(self) -> tuple[str, ...]:
        """The ``sig_band`` terms of an indexed document: its band keys and all its anchors."""
        return self.band_keys() + self.anchor_keys()

    def stored(self) -> dict[str, Any]:
        """What ``IndexedDocument.stored`` keeps: enough to estimate resemblance and
        containment without reading the text (MinHash values and the shingle-set size)."""
        return {
            "v": VERSION,
            "ck": self.content_key,
            "n": self.size,
            "chars": self.chars,
            "mh": base64.b64encode(self.minhash.astype("<u4").tobytes()).decode("ascii"),
            "an": base64.b64encode(
                self.anchors[:STORED_ANCHORS].astype("<u8").tobytes()
            ).decode("ascii"),
        }


def signature(normalized: str) -> Signature:
    """The signature of a text already passed through :func:`analyzers.normalize.normalize`.

    Everything after :func:`strip_boilerplate` runs in compiled code when :mod:`analyzers.native`
    has it: with numpy, per-call overhead was most of the 0.36 ms a document cost (issue 13).
    """
    signer = _native_signer()
    if signer is not None:
        body = strip_boilerplate(normalized)
        try:
            chars, key, shingles, minhash, anchors = signer.signature(body)
        except UnicodeEncodeError:
            pass  # a lone surrogate has no UTF-8: the Python path decides
        else:
            return Signature(
                content_key=_key_hash(key) if chars else "",
                chars=chars,
                shingles=np.frombuffer(shingles, dtype=np.uint64),
                minhash=np.frombuffer(minhash, dtype=np.uint32),
                anchors=np.frombuffer(anchors, dtype=np.uint64),
            )
    return signature_python(normalized)


def _native_signer() -> Any:
    return _build_native_signer() if native.active() else None


@functools.cache
def _build_native_signer() -> Any:
    """The kernels get every parameter from here, so this module stays their definition."""
    return native.EXTENSION.Signer(
        native_skip_set(), _PERM_A.tolist(), _PERM_B.tolist(), K, WINDOW, ORDER_FREE_CHARS
    )


def signature_python(normalized: str) -> Signature:
    """The reference :func:`signature` (numpy)."""
    codes = _compact_codes(normalized)
    ordered = shingle_hashes(codes)
    shingles = sorted_unique(ordered)
    key = text_key(codes)
    return Signature(
        content_key=key,
        chars=len(codes),
        shingles=shingles,
        minhash=minhash_values(shingles),
        anchors=winnow(ordered),
    )


def text_key(codes: np.ndarray) -> str:
    """``content_key`` of a compact text's code points ("" for no text)."""
    if not len(codes):
        return ""
    ordered = np.sort(codes) if len(codes) >= ORDER_FREE_CHARS else codes
    return _key_hash(ordered.astype("<u4").tobytes())


def _key_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=10).hexdigest()


def signature_of(text: str) -> Signature:
    """The signature of a raw text (normalises first)."""
    return signature(normalize(text))


@dataclass(frozen=True)
class StoredSignature:
    """The part of a signature read back from the index (``Backend.stored_extra``)."""

    content_key: str
    size: int
    chars: int
    minhash: np.ndarray
    # the :data:`STORED_ANCHORS` smallest anchors; None for a document indexed before they
    # were kept (``govsearch reindex`` adds them)
    anchors: np.ndarray | None = None

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> StoredSignature | None:
        if data.get("v") != VERSION or "mh" not in data:
            return None
        values = np.frombuffer(base64.b64decode(data["mh"]), dtype="<u4").astype(np.uint32)
        if len(values) != NUM_PERM:
            return None
        anchors = None
        if "an" in data:
            anchors = np.frombuffer(base64.b64decode(data["an"]), dtype="<u8").astype(np.uint64)
        size, chars = int(data["n"]), int(data.get("chars", 0))
        return cls(str(data.get("ck", "")), size, chars, values, anchors)

    def anchor_keys(self) -> tuple[str, ...]:
        """The ``sig_band`` terms of the kept anchors (none if none were kept)."""
        return tuple(anchor_key(int(v)) for v in self.anchors) if self.anchors is not None else ()


def stored_content_key(extra: dict[str, Any] | None) -> str:
    """The ``content_key`` in a document's stored extras (``{"dup": stored()}``), "" if none:
    what groups its copies, read where the whole signature is not needed."""
    return str(((extra or {}).get("dup") or {}).get("ck", ""))


# -- comparing -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Overlap:
    """Exact overlap of two shingle sets (A = the draft, B = the existing document)."""

    resemblance: float  # |A∩B| / |A∪B|
    containment: float  # |A∩B| / |A|: how much of the draft is in B
    reverse_containment: float  # |A∩B| / |B|: how much of B is in the draft
    shared: int


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    """Exact resemblance and containment in both directions over sorted unique shingle sets."""
    if len(a) == 0 or len(b) == 0:
        return Overlap(0.0, 0.0, 0.0, 0)
    shared = int(np.intersect1d(a, b, assume_unique=True).size)
    union = len(a) + len(b) - shared
    return Overlap(shared / union, shared / len(a), shared / len(b), shared)


def estimate(a_minhash: np.ndarray, a_size: int, b_minhash: np.ndarray, b_size: int) -> Overlap:
    """Overlap estimated from MinHash values and set sizes (no text needed).

    Resemblance J is the share of equal MinHash values; the intersection follows from
    |A∩B| = J(|A|+|B|)/(1+J). Used to rank candidates before the exact check.
    """
    if not a_size or not b_size:
        return Overlap(0.0, 0.0, 0.0, 0)
    j = float(np.count_nonzero(a_minhash == b_minhash)) / NUM_PERM
    inter = j * (a_size + b_size) / (1 + j)
    return Overlap(j, min(1.0, inter / a_size), min(1.0, inter / b_size), int(round(inter)))
