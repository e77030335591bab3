"""What a server-side failure tells whom: the cluster's addresses are the operator's business.

QA pass 7: with the Elasticsearch cluster unreachable, anonymous ``/api/search``,
``/api/documents``, ``/api/suggest``, ``/api/stats`` answered 503 with ``"Elasticsearch at
http://…:8718 is unreachable (search): HTTPConnection(…)"`` and ``data.url``, while the README
says cluster URLs are for staff (``/api/health`` already hid them). The failure itself is a
network fault, so it is injected here (the backend's own message is what the Elasticsearch
tests check); what is checked is what each caller is told.
"""

from __future__ import annotations

from model.errors import BackendUnavailable
from model.settings import Settings
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from tests.corpus import corpus_document, sample_paths
from tests.security.conftest import serve

CLUSTER = "http://10.20.30.40:9200"


def test_anonymous_callers_are_not_told_where_the_cluster_is(tmp_path) -> None:
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    docs = [corpus_document(p) for p in sample_paths(3)]
    assert all(r.ok for r in index.write(prepare(d, "corpus") for d in docs))
    served = serve(Settings(data_dir=tmp_path / "data"), index)

    def unreachable(*_args, **_kwargs):
        raise BackendUnavailable(
            f"Elasticsearch at {CLUSTER} is unreachable (search): ConnectionError", url=CLUSTER
        )

    index.backend.search = unreachable  # type: ignore[method-assign]
    index.backend.count = unreachable  # type: ignore[method-assign]
    for url in ("/api/search?q=条例", "/api/suggest?q=条例", "/api/stats"):
        anonymous = served.client.get(url)
        assert anonymous.status_code == 503, url
        error = anonymous.json()["error"]
        assert error["code"] == "backend_unavailable" and error["status"] == 503
        assert "10.20.30.40" not in anonymous.text and error["data"] == {}, url
        assert "try again later" in error["message"]
        staff = served.client.get(url, headers=served.staff)
        assert staff.status_code == 503 and CLUSTER in staff.json()["error"]["message"], url
    index.close()


def test_no_message_names_the_interpreters_internals() -> None:
    """QA pass 40a: a damaged PNG's 422 named <_io.BytesIO object at 0x7fa1520e2200> (a heap
    address, to anonymous callers), a 5,001-digit number's told them to use
    sys.set_int_max_str_digits(). Every error is made without them, whichever layer makes it."""
    from ingest.errors import IngestError
    from ingest.formats import extract
    from model.errors import BadRequest

    damaged = b"\x89PNG\r\n\x1a\n" + b"not an image at all " * 8
    try:
        extract(damaged, "scan.png")
    except IngestError as exc:
        said = str(exc)
    else:
        raise AssertionError("a damaged PNG was read")
    assert "object at 0x" not in said and "damaged" in said, said
    digits = BadRequest("the body is not valid JSON: Exceeds the limit (4300 digits) for "
                        "integer string conversion: value has 5001 digits; use "
                        "sys.set_int_max_str_digits() to increase the limit").message
    assert "sys." not in digits and digits.endswith("value has 5001 digits"), digits
