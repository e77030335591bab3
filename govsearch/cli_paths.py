"""Files the command line writes (``ingest --report``, ``dupes -o``): checked before the work.

QA pass 11: ``ingest --report /missing/dir/r.json`` ingested the whole folder and
``dupes -o /missing/dir/out.csv`` computed the whole report, then both died in a
FileNotFoundError traceback (exit 1, "a file failed") with nothing written. A path that cannot
be written is a usage error like any other: said in one line, exit 2 ("the command could not
run at all"), before an hour of ingest is spent on a report that cannot be kept.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def cannot_write(path: Path) -> str:
    """Why ``path`` cannot be written as a new or replaced file, or "" when it can. The file
    itself need not exist; its folder must, and must take a new file."""
    folder = path.absolute().parent
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if path.is_dir():
        return "it is a folder"
    if path.exists():
        return "" if os.access(path, os.W_OK) else "the file is not writable"
    return "" if os.access(folder, os.W_OK | os.X_OK) else f"the folder {folder} is not writable"


def writable_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Click callback for an option naming a file to write: refuses a path that cannot be
    written while the options are read, before the command does any work."""
    if value is None:
        return None
    problem = cannot_write(value)
    if problem:
        option = max(param.opts, key=len)  # the long name, --report rather than -o
        click.echo(f"error: cannot write {option} {value}: {problem}", err=True)
        sys.exit(2)
    return value
