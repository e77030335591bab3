"""Settings from the environment: a mistyped or half-given setting is refused, named.

QA pass 7: ``GOVSEARCH_ES_VERIFY_CERTS=maybe`` was taken for "no" (certificates unchecked); a
user name without a password (or a password without a user) was silently no credentials; an
API key beside a user, or a CA file with an http:// node, failed as "bad Elasticsearch URL".
A mistyped number or backend was already refused: these now are too, naming the variable.
"""

from __future__ import annotations

import pytest

from model.errors import ConfigError
from model.settings import Settings


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GOVSEARCH_ES_VERIFY_CERTS": "maybe"}, "GOVSEARCH_ES_VERIFY_CERTS"),
        ({"GOVSEARCH_OCR": "sometimes"}, "GOVSEARCH_OCR"),
        ({"GOVSEARCH_ES_USERNAME": "elastic"}, "GOVSEARCH_ES_PASSWORD"),
        ({"GOVSEARCH_ES_PASSWORD": "s3cret"}, "GOVSEARCH_ES_USERNAME"),
        ({"GOVSEARCH_ES_API_KEY": "k", "GOVSEARCH_ES_USERNAME": "u",
          "GOVSEARCH_ES_PASSWORD": "p"}, "GOVSEARCH_ES_API_KEY"),  # fmt: skip
        ({"GOVSEARCH_ES_CA_FILE": "/etc/ca.pem", "GOVSEARCH_ES_URL": "http://es1:9200"},
         "GOVSEARCH_ES_CA_FILE"),  # fmt: skip
        # reached the cluster, failed there and left an index behind
        ({"GOVSEARCH_ES_REPLICAS": "-1"}, "GOVSEARCH_ES_REPLICAS"),
        ({"GOVSEARCH_ES_SHARDS": "0"}, "GOVSEARCH_ES_SHARDS"),
    ],
)
def test_a_mistyped_or_half_given_setting_is_refused_by_name(env, named) -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    assert named in err.value.message
    assert "s3cret" not in err.value.message


def test_yes_and_no_in_their_usual_spellings() -> None:
    for word, value in (("1", True), ("yes", True), ("On", True), ("0", False), ("false", False),
                        ("off", False), ("", True)):  # fmt: skip
        assert Settings.from_env({"GOVSEARCH_ES_VERIFY_CERTS": word}).es_verify_certs is value
    both = {"GOVSEARCH_ES_USERNAME": "u", "GOVSEARCH_ES_PASSWORD": "p",
            "GOVSEARCH_ES_CA_FILE": "/etc/ca.pem", "GOVSEARCH_ES_URL": "https://es1:9200"}
    settings = Settings.from_env(both)
    assert (settings.es_username, settings.es_password) == ("u", "p")
