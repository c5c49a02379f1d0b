"""The `seeds` spider's arguments: parsed and checked in one place, without Scrapy.

``scrapy crawl seeds -a NAME=VALUE`` gives strings; this module turns them into a
``CrawlOptions`` or raises ``CrawlArgError`` with a one-line message. Our ``crawl``
command (``crawler/commands/crawl.py``) calls it before the reactor starts, so a bad
argument is one line on stderr and exit status 2, not a traceback.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.errors import LinkgraphError
from crawler.rendering import RENDER_ALL
from crawler.urls import normalize_url

__all__ = [
    "CrawlArgError",
    "CrawlOptions",
    "KNOWN_ARGS",
    "NAME_MAX",
    "parse_options",
    "path_problem",
    "read_seeds",
    "shown",
]

logger = logging.getLogger(__name__)

KNOWN_ARGS = (
    "seeds",
    "crawl_id",
    "max_pages_per_domain",
    "max_depth",
    "follow_external",
    "follow_nofollow",
    "sitemaps",
    "render",
)
#: The longest file name (one path component, in bytes) most file systems take.
NAME_MAX = 255
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class CrawlArgError(LinkgraphError):
    """A spider argument the user must fix (the message is one line)."""


def shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a one-line message, cut when long.

    >>> shown("x" * 300, limit=8)
    "'xxxxxxxx...' (300 characters)"
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}"[:-1] + f"...' ({len(text)} characters)"


def path_problem(path: str) -> str | None:
    """Why no file system can take ``path``, or None: a NUL byte, or a name (one path
    component) longer than ``NAME_MAX`` bytes.

    >>> path_problem("data/" + "x" * 300)
    'holds a name of 300 bytes; file systems take at most 255'
    >>> path_problem("data/crawls") is None
    True
    """
    if "\0" in path:
        return "holds a NUL byte"
    for part in path.split("/"):
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > NAME_MAX:
            return f"holds a name of {size} bytes; file systems take at most {NAME_MAX}"
    return None


@dataclass(frozen=True)
class CrawlOptions:
    seeds: list[str]
    seeds_source: str
    crawl_id: str
    max_pages_per_domain: int
    max_depth: int
    follow_external: bool
    follow_nofollow: bool
    skipped_seed_lines: list[str] = field(default_factory=list)
    #: Read the sitemaps each site declares (docs/crawling.md, "Sitemaps").
    sitemaps: bool = True
    #: Registered domains (or hosts) whose HTML pages are rendered, ``("all",)`` for every
    #: page, ``()`` for none (docs/crawling.md, "Rendering").
    render: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


def _bool(name: str, value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    low = str(value).strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise CrawlArgError(f"-a {name}={value!r}: expected true or false")


def _count(name: str, value: str | int, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CrawlArgError(f"-a {name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise CrawlArgError(f"-a {name}={value!r}: must be at least {minimum}")
    return number


_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _render(value: str | None) -> tuple[str, ...]:
    """``-a render=DOMAIN[,DOMAIN...]|all`` as a tuple of names (``()``: off).

    >>> _render("Example.com,blog.example.org"), _render("all"), _render(None)
    (('example.com', 'blog.example.org'), ('all',), ())
    """
    if value is None or not str(value).strip():
        return ()
    text = str(value).strip().lower()
    if text == RENDER_ALL:
        return (RENDER_ALL,)
    names: list[str] = []
    for raw in text.split(","):
        name = raw.strip().rstrip(".")
        if not name:
            continue
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            name = ""
        if not _NAME.match(name):
            raise CrawlArgError(
                f"-a render={shown(str(value))}: {shown(raw.strip())} is not a domain name"
                " (give DOMAIN[,DOMAIN...] or all)"
            )
        if name not in names:
            names.append(name)
    return tuple(names)


def read_seeds(arg: str | None, default_file: str) -> tuple[list[str], str, list[str]]:
    """Seeds from a file (one URL a line, blank lines and ``#`` comments ignored) or a
    comma-separated list. Returns (normalised unique seeds in order, source, problems):
    the source is the file's path as given, or ``"arguments"`` for a list.

    A line that is not an http(s) URL is reported with its line number and skipped; no
    valid seed at all raises ``CrawlArgError``.
    """
    source = arg if arg else default_file
    path = Path(source)
    problems: list[str] = []
    if arg and not path.is_file() and ("://" in arg or "," in arg):
        entries = [(f"item {i}", part) for i, part in enumerate(arg.split(","), 1)]
        where = "seeds"
        source = "arguments"
    else:
        if not path.is_file():
            raise CrawlArgError(f"seeds file {source!r} not found (give -a seeds=FILE_OR_URLS)")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CrawlArgError(f"seeds file {source!r} cannot be read: {exc}") from None
        entries = [(f"line {i}", line) for i, line in enumerate(text.splitlines(), 1)]
        where = source
    seeds: list[str] = []
    seen: set[str] = set()
    for label, raw in entries:
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        url = normalize_url(entry) if "://" in entry else None
        if url is None:
            problems.append(f"{where} {label}: not an http(s) URL: {entry!r}")
            continue
        if url not in seen:
            seen.add(url)
            seeds.append(url)
    if not seeds:
        detail = f" ({len(problems)} invalid)" if problems else ""
        raise CrawlArgError(f"no valid http(s) seed URL in {where}{detail}")
    return seeds, source, problems


def parse_options(spargs: dict[str, str], settings: dict | None = None) -> CrawlOptions:
    """Check the spider arguments (``-a``) against the settings' defaults."""
    settings = settings or {}
    unknown = sorted(set(spargs) - set(KNOWN_ARGS) - {"_job"})
    if unknown:
        raise CrawlArgError(f"unknown argument -a {unknown[0]}=...; known: {', '.join(KNOWN_ARGS)}")
    seeds, source, problems = read_seeds(
        spargs.get("seeds"), settings.get("LINKGRAPH_DEFAULT_SEEDS", "data/seeds.txt")
    )
    crawl_id = spargs.get("crawl_id") or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    problem = path_problem(crawl_id)
    if problem is not None:
        raise CrawlArgError(f"-a crawl_id={shown(crawl_id)}: {problem}")
    if (
        any(c in crawl_id for c in '/\\:*?"<>|')
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in crawl_id)
        or crawl_id.startswith(".")
    ):
        raise CrawlArgError(f"-a crawl_id={shown(crawl_id)}: must be a plain directory name")
    return CrawlOptions(
        seeds=seeds,
        seeds_source=source,
        crawl_id=crawl_id,
        max_pages_per_domain=_count(
            "max_pages_per_domain",
            spargs.get(
                "max_pages_per_domain", settings.get("LINKGRAPH_MAX_PAGES_PER_DOMAIN", 1000)
            ),
            1,
        ),
        max_depth=_count(
            "max_depth", spargs.get("max_depth", settings.get("LINKGRAPH_MAX_DEPTH", 10)), 0
        ),
        follow_external=_bool("follow_external", spargs.get("follow_external", True)),
        follow_nofollow=_bool("follow_nofollow", spargs.get("follow_nofollow", False)),
        skipped_seed_lines=problems,
        sitemaps=_bool(
            "sitemaps", spargs.get("sitemaps", settings.get("LINKGRAPH_SITEMAPS", True))
        ),
        render=_render_ready(
            _render(spargs.get("render", settings.get("LINKGRAPH_RENDER"))), settings
        ),
    )


def _render_ready(render: tuple[str, ...], settings) -> tuple[str, ...]:
    """``render`` when rendering can run here: Playwright importable, the browser present."""
    if not render:
        return render
    if importlib.util.find_spec("playwright") is None:
        raise CrawlArgError(
            "-a render needs Playwright's Python package: pip install -e '.[render]'"
        )
    browser = settings.get("LINKGRAPH_RENDER_BROWSER") or "/usr/bin/chromium"
    if not Path(browser).is_file():
        raise CrawlArgError(
            f"-a render: no Chromium at {browser} (apt-get install chromium, or give"
            " -s LINKGRAPH_RENDER_BROWSER=PATH)"
        )
    return render
