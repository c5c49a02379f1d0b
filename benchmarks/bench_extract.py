"""Link extraction speed against Scrapy's LinkExtractor, on real documentation pages.

Peer: ``scrapy.linkextractors.LinkExtractor(deny_extensions=[], unique=False)`` (every link,
duplicates kept, as ``parse_html`` records them), on Debian's Python 3.11 documentation
(about 530 real HTML pages of about 100 KB and 300 links each). Both start from the page's
bytes and produce absolute links; ``parse_html`` also computes everything else an edge row
needs (placement, rel flags, anchors, normalisation, registered domains, page metadata).

It also times parsing alone (the HTML to a tree, nothing else), lexbor
(``selectolax.lexbor``, what ``parse_html`` uses) against lxml (``lxml.html``, what
LinkExtractor uses through parsel), the same pages, the same rounds.

It also checks completeness: on every page, every http(s) link LinkExtractor finds
(normalised with ``crawler.urls.normalize_url``) must be among ``parse_html``'s links, as
multisets.

Needs the pages::

    apt-get install -y python3.11-doc      # /usr/share/doc/python3.11/html

Run from the repository root::

    python3 benchmarks/bench_extract.py [--pages N] [--rounds R]

With ``--against DIR`` (a checkout of another revision, e.g. ``git worktree add --detach
../main main``) it also times that revision's ``parse_html`` on the same pages, in a
subprocess, alternating with this one round by round (``--against-only``: just that)::

    nice python3 benchmarks/bench_extract.py --against ../main --against-only --rounds 5

Each round times both extractors on the same pages, one after the other; the best round of
each is reported (on a busy machine the best round is the least disturbed one).
``parse_html``'s memo caches (hrefs per directory, hosts, registered domains) are emptied
before each of its rounds, so no round profits from the one before.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extract import parse_html, resolve_in_directory  # noqa: E402
from crawler.urls import host_of, normalize_url, registered_domain  # noqa: E402

DOCS = Path("/usr/share/doc/python3.11/html")
SITE = "https://docs.python.org/3.11/"
CONTENT_TYPE = "text/html; charset=utf-8"


def load(limit: int | None) -> list[tuple[str, bytes]]:
    files = sorted(DOCS.rglob("*.html"))
    if limit:
        files = files[:limit]
    return [(SITE + str(path.relative_to(DOCS)), path.read_bytes()) for path in files]


def run_scrapy(pages, extractor) -> int:
    from scrapy.http import HtmlResponse

    found = 0
    for url, body in pages:
        response = HtmlResponse(url, body=body, headers={"Content-Type": CONTENT_TYPE})
        found += len(extractor.extract_links(response))
    return found


def parse_lexbor(pages) -> int:
    from selectolax.lexbor import LexborHTMLParser

    return sum(LexborHTMLParser(body).root is not None for _, body in pages)


def parse_lxml(pages) -> int:
    import lxml.html

    return sum(lxml.html.document_fromstring(body) is not None for _, body in pages)


def cold_caches() -> None:
    """Empty the memo caches, so every round starts as a fresh crawl process would."""
    resolve_in_directory.cache_clear()
    host_of.cache_clear()
    registered_domain.cache_clear()


def run_ours(pages) -> int:
    cold_caches()
    found = 0
    for url, body in pages:
        found += len(parse_html(body, url, content_type=CONTENT_TYPE).links)
    return found


def completeness(pages, extractor) -> tuple[int, int, int]:
    """(pages where parse_html misses a link LinkExtractor finds, links missed, links
    LinkExtractor found)."""
    from scrapy.http import HtmlResponse

    bad_pages = missed = total = 0
    for url, body in pages:
        response = HtmlResponse(url, body=body, headers={"Content-Type": CONTENT_TYPE})
        theirs = Counter(
            normalized
            for link in extractor.extract_links(response)
            if (normalized := normalize_url(link.url)) is not None
        )
        ours = Counter(
            link.dst_url for link in parse_html(body, url, content_type=CONTENT_TYPE).links
        )
        missing = theirs - ours
        total += sum(theirs.values())
        if missing:
            bad_pages += 1
            missed += sum(missing.values())
    return bad_pages, missed, total


_TIMER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, str(Path(sys.argv[1]) / "benchmarks"))
import bench_extract
pages = bench_extract.load(int(sys.argv[2]))
bench_extract.run_ours(pages[:5])
started = time.process_time()
bench_extract.run_ours(pages)
print(len(pages) / (time.process_time() - started))
"""


def _rate_of(directory: Path, pages: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _TIMER, str(directory), str(pages)],
        capture_output=True,
        text=True,
        check=True,
        cwd=directory,
    )
    return float(done.stdout.strip())


def against(directory: Path, pages: int, rounds: int) -> None:
    """Pages/s of this revision's parse_html and of ``directory``'s, alternating."""
    here = Path(__file__).resolve().parent.parent
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        mine.append(_rate_of(here, pages))
        theirs.append(_rate_of(directory, pages))
    print(
        f"parse_html, best of {rounds} alternating runs: this revision {max(mine):.1f} "
        f"pages/s, {directory}: {max(theirs):.1f} pages/s, ratio {max(mine) / max(theirs):.3f}"
    )
    print(f"  every run: this {[round(r, 1) for r in mine]}, that {[round(r, 1) for r in theirs]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=0, help="first N pages only (0: all)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another revision's checkout to compare")
    parser.add_argument("--against-only", action="store_true")
    args = parser.parse_args()
    if not DOCS.is_dir():
        print(f"skipped: {DOCS} not found; install it with: apt-get install -y python3.11-doc")
        return 0
    if args.against:
        against(args.against.resolve(), args.pages, args.rounds)
        if args.against_only:
            return 0
    from scrapy.linkextractors import LinkExtractor

    pages = load(args.pages)
    extractor = LinkExtractor(deny_extensions=[], unique=False)
    run_ours(pages[:5])  # load the suffix list, as a crawler does once at start
    run_scrapy(pages[:5], extractor)

    best_scrapy = best_ours = best_lxml = best_lexbor = float("inf")
    links_scrapy = links_ours = 0
    for _ in range(args.rounds):
        started = time.process_time()
        links_scrapy = run_scrapy(pages, extractor)
        best_scrapy = min(best_scrapy, time.process_time() - started)
        started = time.process_time()
        links_ours = run_ours(pages)
        best_ours = min(best_ours, time.process_time() - started)
        started = time.process_time()
        parse_lxml(pages)
        best_lxml = min(best_lxml, time.process_time() - started)
        started = time.process_time()
        parse_lexbor(pages)
        best_lexbor = min(best_lexbor, time.process_time() - started)

    bad_pages, missed, total = completeness(pages, extractor)
    n = len(pages)
    print(f"pages: {n} ({DOCS}), best of {args.rounds} rounds")
    print(
        f"scrapy LinkExtractor : {n / best_scrapy:7.1f} pages/s  "
        f"{best_scrapy / links_scrapy * 1e6:5.1f} us/link  ({links_scrapy / n:.0f} links/page)"
    )
    print(
        f"crawler.extract      : {n / best_ours:7.1f} pages/s  "
        f"{best_ours / links_ours * 1e6:5.1f} us/link  ({links_ours / n:.0f} links/page)"
    )
    print(f"speed-up             : {best_scrapy / best_ours:.2f}x per page")
    print(
        f"parsing only         : lexbor {n / best_lexbor:.1f} pages/s, lxml "
        f"{n / best_lxml:.1f} pages/s: {best_lxml / best_lexbor:.1f}x"
    )
    print(
        f"completeness         : {total} http(s) links found by LinkExtractor; "
        f"{missed} missed by parse_html on {bad_pages} pages"
    )
    return 0 if missed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
