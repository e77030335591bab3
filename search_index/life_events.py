"""Life events (生育, 上学, 就业 …): a way in for people who do not know what the rule is called.

Government portals list personal services by the events of a life, each with the questions
people ask in their own words. Here each question leads to a search written in the documents'
words (``"丧葬补助金" OR "丧葬费"`` for 丧葬费怎么领), so a tap — on a reading-room terminal
without an input method too — finds the rule, and the query shown in the box teaches the
official words. The table is data (``data/life_events.toml``, or a portal's own file named by
``GOVSEARCH_LIFE_EVENTS``), never code, and is checked when it is loaded so a bad file stops
the server at start-up rather than showing broken links. A question is listed only when its
search finds a document the viewer may see: an archive without such rules shows no dead end.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from analyzers.normalize import normalize
from model.document import year_only
from model.errors import ConfigError, NotFound
from model.viewer import ANONYMOUS, Viewer
from search_index import citizen_words
from search_index.index import SearchIndex
from search_index.request import MAX_QUERY_CHARS, READERS, Query

SHIPPED = Path(__file__).resolve().parent / "data" / "life_events.toml"
_ID = re.compile(r"[a-z][a-z0-9-]{0,31}")


@dataclass(frozen=True)
class Question:
    text: str  # as people ask it
    q: str  # the search, in the documents' words


@dataclass(frozen=True)
class LifeEvent:
    id: str
    name: str
    summary: str  # the everyday words of the event
    questions: tuple[Question, ...]
    # more of the words people search with that lead to it, not shown (退休金 of 退休养老)
    words: tuple[str, ...] = ()


class Top(NamedTuple):
    """One of a question's first results: its date tells versions apart (they share titles),
    its validity (``repealed`` when a later document repeals it, as the API's results say it)
    that a rule listed is no longer in force (QA pass 38a: a repealed 婚姻法 interpretation
    was listed under 结婚登记怎么办 with nothing to say so)."""

    id: str
    title: str
    date: str
    validity: str
    year_only: bool = False  # the date is the year of its title, no day (2015年…工作报告)
    format: str = ""  # said beside an untitled one, whose file name is never shown


@dataclass(frozen=True)
class Answered:
    """A question with the number of results its search gives the viewer, and the first few
    of them, so a page can lead straight to the rule."""

    question: Question
    total: int
    top: tuple[Top, ...] = ()


def load(path: Path | None = None) -> tuple[LifeEvent, ...]:
    """The table of life events; ``ConfigError`` naming the file and the entry that is wrong."""
    path = path or SHIPPED
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"life events file {path}: {exc}") from exc
    entries = raw.get("event")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"life events file {path}: no [[event]] tables")
    events: list[LifeEvent] = []
    for n, entry in enumerate(entries, 1):
        where = f"life events file {path}, event {n}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: not a table")
        ev_id, name = entry.get("id"), entry.get("name")
        if not isinstance(ev_id, str) or not _ID.fullmatch(ev_id):
            raise ConfigError(f"{where}: id must be lower-case letters, digits and '-' ({ev_id!r})")
        if any(e.id == ev_id for e in events):
            raise ConfigError(f"{where}: id {ev_id!r} is used twice")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where} ({ev_id}): no name")
        summary = entry.get("summary", "")
        if not isinstance(summary, str):
            raise ConfigError(f"{where} ({ev_id}): summary must be text")
        words = entry.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ConfigError(f"{where} ({ev_id}): words must be a list of words")
        questions = entry.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ConfigError(f"{where} ({ev_id}): no questions")
        parsed: list[Question] = []
        for m, item in enumerate(questions, 1):
            text = item.get("text") if isinstance(item, dict) else None
            q = item.get("q") if isinstance(item, dict) else None
            if not (isinstance(text, str) and text.strip() and isinstance(q, str) and q.strip()):
                raise ConfigError(f"{where} ({ev_id}), question {m}: needs text and q")
            if len(q) > MAX_QUERY_CHARS:
                raise ConfigError(
                    f"{where} ({ev_id}), question {m}: q longer than {MAX_QUERY_CHARS}"
                )
            parsed.append(Question(text.strip(), q.strip()))
        events.append(LifeEvent(
            ev_id, name.strip(), summary.strip(), tuple(parsed), tuple(w.strip() for w in words)
        ))
    return tuple(events)


def find(events: tuple[LifeEvent, ...], event_id: str) -> LifeEvent:
    for e in events:
        if e.id == event_id:
            return e
    raise NotFound(f"no life event {event_id!r}")


def asked(events: tuple[LifeEvent, ...], q: str) -> tuple[LifeEvent, Question] | None:
    """The event and question whose search ``q`` is, if it is one: a results page reached from
    an event's question shows the question, not only its ``"…" OR "…"`` search, and leads back."""
    typed = " ".join(q.split())
    for e in events:
        for question in e.questions:
            if " ".join(question.q.split()) == typed:
                return e, question
    return None


def named(
    events: tuple[LifeEvent, ...], q: str, words: Sequence[str] = ()
) -> LifeEvent | None:
    """The event ``q`` names, else the first of its ``words`` that does: its name (身后事), a
    part of it (退休 of 退休养老) or one of its everyday words (丧葬费, or 退休金 of its
    ``words``). The results page leads to the event's questions (QA pass 44a: 身后事, the
    start page's own tile, typed, found nothing and led nowhere; 44c: 丧葬费标准 and 退休手续
    did not lead there either; 52a: 退休金, 遗嘱 and 医保报销 did not)."""
    for text in (q, *words):
        typed = _as_compared(text)
        if len(typed) < 2:
            continue
        for e in events:
            if typed in _as_compared(e.name) or typed in _everyday(e):
                return e
    return None


@functools.lru_cache(maxsize=64)
def _everyday(event: LifeEvent) -> frozenset[str]:
    """The words that lead to ``event``: its summary's and its ``words``, as compared."""
    parts = [w for w in re.split(r"[、，,\s]+", event.summary) if w]
    return frozenset(_as_compared(w) for w in (*parts, *event.words))


_ASIDE = re.compile(r"[\s？?！!。，,、]+")
QUESTION_CHARS = 5


def typed_question(events: tuple[LifeEvent, ...], q: str) -> Question | None:
    """The question ``q`` types out word for word (spaces and punctuation aside), if any: typed
    into the box, it meets the search its link runs (QA pass 26b: 多大年龄退休, one of the
    退休养老 page's questions, typed listed seven Taiwan rules in its first ten; its link, the
    社会保险法)."""
    typed = _as_compared(q)  # in either script (QA pass 41b: 家人去世，喪葬費怎麼領)
    if len(typed) < QUESTION_CHARS:  # 离婚, 抚恤金: a keyword, searched as typed
        return None
    for e in events:
        for question in e.questions:
            if _as_compared(question.text) == typed:
                return question
    return None


@functools.lru_cache(maxsize=1024)
def _as_compared(text: str) -> str:
    """A question's text as typed questions are compared with it (every search asks of each)."""
    return normalize(_ASIDE.sub("", text))


def question_id(event: LifeEvent, question: Question) -> str:
    """``retirement/2``: a question as a form field names it."""
    return f"{event.id}/{event.questions.index(question)}"


def question(events: tuple[LifeEvent, ...], qid: str) -> Question | None:
    """The question :func:`question_id` named, or None (a stale or forged ``ask``)."""
    event_id, _, n = qid.partition("/")
    for e in events:
        if e.id == event_id and n.isdigit() and int(n) < len(e.questions):
            return e.questions[int(n)]
    return None


def reader_script(question: Question) -> str:
    """The script the question is written in (``hans``, ``hant`` or ""), for
    :attr:`Query.script`: its search ranks that side's documents a little ahead, as the
    question typed would (QA pass 32b: 遇到家暴怎么办 searches "家庭暴力", the same in both
    scripts, and Taiwan's 家庭暴力防治法 led the mainland's 反家庭暴力法)."""
    return script_of(question.text)


def script_of(text: str) -> str:
    """The reader a text's characters say it was typed for (``hans``, ``hant`` or "")."""
    script = citizen_words.typed_script(text)
    return next((reader for reader, typed in READERS.items() if typed == script), "")


def answered(
    index: SearchIndex, event: LifeEvent, viewer: Viewer = ANONYMOUS, top: int = 3,
    script: str = "",
) -> list[Answered]:
    """Each question of ``event`` with its number of results for ``viewer`` (one per text, as the
    results page counts them) and its first ``top`` results; ranked for a reader of ``script``
    where one is given (QA pass 41b: a Taiwan reader's 产假 put 性別平等工作法 41st), else as
    the question is written."""
    out = []
    for question in event.questions:
        query = Query(q=question.q, size=max(1, top), viewer=viewer, facets=False,
                      snippet_chars=1, script=script or reader_script(question))  # fmt: skip
        result = index.search(query)
        first = tuple(
            Top(h.doc.id, h.doc.title, str(h.doc.date or ""),
                "repealed" if h.repealed_by is not None else h.doc.validity, year_only(h.doc),
                h.doc.format)
            for h in result.hits[:top]
        )  # fmt: skip
        out.append(Answered(question, result.total, first))
    return out
