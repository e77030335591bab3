"""``govsearch shared status|pull|push``: the query-side folders (lexicon, vectors) and the
backend's shared copy of them (:mod:`search_index.shared_folders`).

Ingests, ``embed`` and ``learn-words`` fetch and publish by themselves, and servers follow
the shared copy; these commands are for staff who edit ``lexicon/mined.txt`` by hand with the
Elasticsearch backend (``push`` publishes the edit to every server), and for a copy that both
sides changed (``--force`` says which one wins).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from model.errors import GovSearchError
from search_index.shared_folders import NAMES, SharedFolders

if TYPE_CHECKING:
    from model.settings import Settings
    from search_index.index import SearchIndex

Act = Callable[[SharedFolders, Path, str], str]

_names = click.argument("names", nargs=-1, type=click.Choice(NAMES))


def _folders(ctx: click.Context) -> tuple[SharedFolders, Path]:
    """The backend's shared folders; with the embedded backend a data folder holding no index
    is refused (its lexicon and vectors come from an ingest there), with Elasticsearch a new
    folder is fine (``pull`` fills it from the cluster)."""
    from search_index.backends import open_index

    settings = ctx.obj["settings"]
    return open_index(settings, create=False).backend.shared_folders(), settings.data_dir


def _run(ctx: click.Context, names: tuple[str, ...], act: Act) -> None:
    try:
        shared, data_dir = _folders(ctx)
        for name in names or NAMES:
            click.echo(f"{name}: {act(shared, data_dir, name)}")
    except GovSearchError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)


def fetch_lexicon(settings: Settings, index: SearchIndex) -> None:
    """A command that answers as the servers do reads the lexicon they read: with
    Elasticsearch, the cluster's copy, fetched first as ``serve`` fetches it (QA pass 35a: on a
    new data folder ``report annual`` counted 88 superseded where the servers counted 149, and
    ``search 消法`` found nothing). A copy edited here and not pushed is kept, and said."""
    from search_index import citizen_words
    from search_index.shared_folders import LEXICON

    shared = index.backend.shared_folders()
    if not shared.remote:
        return
    try:
        if shared.pull(settings.data_dir, LEXICON):
            citizen_words.load_lexicon(settings.data_dir)
    except (GovSearchError, OSError) as exc:  # OSError: a read-only data folder (the review)
        why = exc.message if isinstance(exc, GovSearchError) else str(exc)
        click.echo(f"warning: the cluster's lexicon was not fetched ({why}); this answers "
                   f"from {settings.data_dir / LEXICON}", err=True)  # fmt: skip


@click.group()
def shared() -> None:
    """The lexicon and vectors every server must hold alike (with Elasticsearch: in the
    cluster)."""


@shared.command("status")
@_names
@click.pass_context
def shared_status(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Which generation this data folder holds, which one the backend holds, what changed here."""

    def act(s: SharedFolders, d: Path, n: str) -> str:
        if not s.remote:
            return "the data folder is the only copy (embedded backend)"
        st = s.status(d, n)
        return (
            f"here {st.local_generation or '-'}, shared {st.shared_generation or '-'}"
            + (f"; changed here: {', '.join(st.edited)}" if st.edited else "")
        )

    _run(ctx, names, act)


@shared.command("pull")
@_names
@click.option("--force", is_flag=True, help="Replace files changed here with the shared copy.")
@click.pass_context
def shared_pull(ctx: click.Context, names: tuple[str, ...], force: bool) -> None:
    """Fetch the shared copy into this data folder."""
    _run(ctx, names, lambda s, d, n: "fetched" if s.pull(d, n, force=force) else "up to date")


@shared.command("push")
@_names
@click.option("--force", is_flag=True, help="Publish even if the shared copy changed since.")
@click.pass_context
def shared_push(ctx: click.Context, names: tuple[str, ...], force: bool) -> None:
    """Publish this data folder's copy (hand edits included) to every server."""

    def act(s: SharedFolders, d: Path, n: str) -> str:
        gen = s.push(d, n, force=force)
        return f"published generation {gen}" if gen else "nothing to publish"

    _run(ctx, names, act)
