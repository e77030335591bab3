"""Document → IndexedDocument: the one place the analyzer is applied to documents.

Runs in worker processes during ingest (pure function of the document), so it must stay
picklable and free of backend state.
"""

from __future__ import annotations

from analyzers.agencies import agency_keys, agency_names
from analyzers.bigrams import bigram_string
from analyzers.chars import strip_skippable
from analyzers.docno import keys_for_value, keys_in_text, own_history_keys
from analyzers.hierarchy import legal_level, regions
from analyzers.index_no import index_no_key
from analyzers.normalize import normalize
from analyzers.pinyin import document_tokens, key_terms
from analyzers.segment import index_words
from analyzers.signatures import signature
from model.document import Document
from model.fields import KEYWORD_FIELDS
from search_index.protocol import IndexedDocument

_DOCNO_SCAN_CHARS = 4000  # 文号 of a document sit in its head (and its 沿革/history lines)


def date_int(doc: Document) -> int:
    """The date as YYYYMMDD. Arithmetic, not ``int(strftime("%Y%m%d"))``: the same number,
    ~5 µs less per document (issue 13)."""
    d = doc.meta.date
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def prepare(doc: Document, source: str) -> IndexedDocument:
    """Analyse title, body and metadata into the fields every backend indexes."""
    m = doc.meta
    title = normalize(m.title)
    body = normalize(doc.text)
    agency = normalize(m.agency)
    body_words = index_words(body)
    terms = [normalize(k) for k in m.keywords] + key_terms(body_words)
    tokens = {
        "title_w": " ".join(index_words(title)),
        "title_bi": bigram_string(title),
        "body_w": " ".join(body_words),
        "body_bi": bigram_string(body),
        "agency_bi": bigram_string(agency),
        # kiosks have no IME: titles and key terms are also findable by pinyin and initials
        "pinyin": document_tokens(title, dict.fromkeys(terms)),
    }
    head = body[:_DOCNO_SCAN_CHARS]
    text_keys = keys_in_text(head) + keys_in_text(title)
    keywords = {
        "source": (source,),
        "path": (doc.path,),
        "title_exact": (strip_skippable(title),),
        "agency": agency_names(m.agency),
        "category": (m.category,),
        "validity": (m.validity,),
        "level": (legal_level(agency, title),),
        "region": regions(m.agency, doc.text),
        "disclosure": (m.disclosure,),
        "format": (doc.format,),
        "docno": tuple(dict.fromkeys(
            keys_for_value(normalize(m.doc_number)) + own_history_keys(head)
        )),
        "docno_text": tuple(dict.fromkeys(text_keys)),
        "agency_key": agency_keys(m.agency),
        "index_key": tuple(k for k in (index_no_key(normalize(m.index_no)),) if k),
    }
    # Duplicate signatures (search_index.signatures): ~+15% on prepare's time, measured in
    # bench/README.md "Duplicate check".
    sig = signature(body)
    keywords["content_key"] = (sig.content_key,)
    keywords["sig_band"] = sig.index_terms()
    # every other keyword field of the table, as the document states it (text_source was
    # declared a staff facet and never indexed: /api/stats listed no ocr; QA pass 8)
    for name in KEYWORD_FIELDS:
        if name not in keywords:
            value = getattr(m, name, None) if hasattr(m, name) else getattr(doc, name, None)
            keywords[name] = (str(value),) if value else ()
    d = date_int(doc)
    ints = {"date": d, "year": d // 10000 if d else 0}
    return IndexedDocument(
        doc=doc,
        source=source,
        tokens=tokens,
        keywords=keywords,
        ints=ints,
        stored={"dup": sig.stored()},
        normalized=body,
    )
