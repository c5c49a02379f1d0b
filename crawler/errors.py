"""The errors a user can cause, in one hierarchy every linkgraph command turns into one line.

Every problem a user can fix (a bad argument, a path that is not a crawl, a Parquet file
that is truncated, SQL that does not parse) is raised as a ``LinkgraphError`` whose message
is one line naming the problem and, where there is one, the file. The command-line layers
(``linkgraph``, and ``scrapy crawl seeds`` through ``crawler/commands``) print that line
and exit with status 2; nothing a user can cause ends in a traceback. Bugs stay ordinary
exceptions and do end in one, which is what a bug report needs.

This module is pure Python (no Scrapy, no pyarrow), so the crawler, the graph code and the
commands can all import it: it sits with ``crawler.urls`` and ``crawler.schema`` in the
layer both sides share.
"""

from __future__ import annotations

import os

__all__ = ["LinkgraphError", "InputFileError", "one_line"]


class LinkgraphError(ValueError):
    """A problem the user can fix; ``str(error)`` is one line that says what and where.

    A ``ValueError`` so that code written against the older, per-module error classes
    (which were ``ValueError`` subclasses) keeps working.
    """


class InputFileError(LinkgraphError):
    """An input file that cannot be read as what it should be (corrupt, truncated, wrong
    kind); the message names the file."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = os.fspath(path)
        self.problem = one_line(problem)
        super().__init__(f"{self.path}: {self.problem}")


def one_line(text: object, limit: int = 300) -> str:
    """The first line of ``text`` (an exception or a message), cut to ``limit`` characters.

    Library errors often carry several lines (DuckDB prints the query and a caret, Arrow
    a C++ backtrace in debug builds); a user needs the first.

    >>> one_line(ValueError("Parquet magic bytes not found\\nin footer"))
    'Parquet magic bytes not found'
    """
    message = str(text).strip()
    if not message and isinstance(text, BaseException):
        message = type(text).__name__
    first = message.splitlines()[0] if message else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."
