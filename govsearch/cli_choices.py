"""A command-line option whose value is one of a catalogue field's choices (分类, 公开方式).

Read as the API, the upload form and the catalogue read it (:func:`analyzers.choices.read_choice`):
its code or a label, in either script (QA pass 14: ``search --category 政策法規`` was refused by
click's fixed list while ``category=政策法規`` worked on the API). An empty value is no choice, as
an empty filter is no filter.
"""

from __future__ import annotations

from typing import Any

import click

from analyzers.choices import read_choice
from model.fields import BY_NAME


class FieldChoice(click.ParamType):
    """The canonical value of the choice field ``field`` a typed value names."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.name = field
        self.values = tuple(dict.fromkeys((BY_NAME[field].choices or {}).values()))

    # click 8.2 passes ``ctx`` by keyword, 8.1 not at all (QA pass 20: ``search --help`` and
    # ``report --help`` died in a TypeError under click 8.5)
    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return "[" + "|".join(self.values) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or not str(value).strip():
            return None
        found = read_choice(self.field, str(value))
        if found is None:
            self.fail(f"{value!r} is not a {self.field}; use one of {', '.join(self.values)} "
                      "(either script)", param, ctx)  # fmt: skip
        return found
