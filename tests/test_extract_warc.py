"""``parse_html`` against Scrapy's ``LinkExtractor`` on archived pages of the real web
(``tests/data/warc/``: a Common Crawl excerpt and one Wikipedia page), where the two
disagree only where a browser and Python's ``urljoin`` do (``docs/extraction.md``)."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.extract import parse_html
from crawler.urls import normalize_url

WARC_DIR = Path(__file__).parent / "data" / "warc"


def _responses(path: Path) -> Iterator[tuple[str, str, bytes]]:
    """(target URL, Content-Type, body) of each HTTP response record of a WARC file.

    Enough of WARC 1.0 for these files: records one after another (gzip members), a
    header block, ``Content-Length`` bytes of content; the payload is stored de-chunked
    and decoded (the original framing headers renamed ``X-Crawler-...``)."""
    data = gzip.decompress(path.read_bytes())
    pos = 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        lines = data[pos:end].decode("utf-8").split("\r\n")[1:]
        fields = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines)}
        block = data[end + 4 : end + 4 + int(fields["content-length"])]
        pos = end + 4 + len(block)
        while data[pos : pos + 2] == b"\r\n":
            pos += 2
        if fields["warc-type"] != "response":
            continue
        split = block.index(b"\r\n\r\n")
        head = block[:split].decode("latin-1")
        match = re.search(r"(?im)^content-type:\s*(.*?)\s*$", head)
        yield fields["warc-target-uri"], match.group(1) if match else "", block[split + 4 :]


def _pages() -> list[tuple[str, str, bytes]]:
    return [
        (normalize_url(url), content_type, body)
        for path in sorted(WARC_DIR.glob("*.warc.gz"))
        for url, content_type, body in _responses(path)
        if "html" in content_type
    ]


def test_every_link_linkextractor_finds_in_the_archived_pages_is_found_bar_two_spellings():
    extractor = LinkExtractor(deny_extensions=[], unique=False)
    pages = _pages()
    only_theirs: list[tuple[str, str]] = []
    ours_total = theirs_total = 0
    ours_by_page = {}
    for url, content_type, body in pages:
        ours = Counter(
            link.dst_url for link in parse_html(body, url, content_type=content_type).links
        )
        response = HtmlResponse(url, body=body, headers={"Content-Type": content_type})
        theirs = Counter(
            u for u in (normalize_url(x.url) for x in extractor.extract_links(response)) if u
        )
        ours_total += ours.total()
        theirs_total += theirs.total()
        ours_by_page[url] = ours
        only_theirs += [(url, u) for u in sorted((theirs - ours).elements())]
    assert (len(pages), theirs_total, ours_total) == (17, 1_595, 1_594)
    radsport = [
        "http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html",
        "http://06.live-radsport.ch/tippspiel/stats_140_petzi.html",
    ]
    ads = [
        f"http://ads.adtiger.de/adnoclick.php?ord=%5Btimestamp%5D&pid={p}" for p in (21715, 22614)
    ]
    assert only_theirs == [
        *((page, ad) for page in radsport for ad in ads),
        # <area href="http://">: urljoin makes it the page itself; WHATWG rejects the empty host.
        ("http://0760.jxtdw.com/area/sanxiang/", "http://0760.jxtdw.com/area/sanxiang/"),
    ]
    # w3lib escapes the brackets, WHATWG keeps them: the same link, spelled differently.
    for page in radsport:
        for ad in ads:
            assert ours_by_page[page][ad.replace("%5B", "[").replace("%5D", "]")] == 1
