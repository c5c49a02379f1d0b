"""The politeness components on their own: ``CrawlDelayMiddleware``, ``PromptStopMiddleware``,
``DomainBudgetMiddleware`` and ``PoliteAutoThrottle``, driven with a real Scrapy crawler
(``scrapy.utils.test.get_crawler`` with the project's settings), real ``Request`` objects,
real robots.txt parsing and the engine's real downloader slots.

Nothing is downloaded here, so the crawler has no download handlers; the test process has
no Twisted reactor, so Scrapy runs reactorless inside an asyncio loop.
"""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, signals
from scrapy.core.engine import ExecutionEngine
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

import crawler.settings as project_settings
from crawler.extensions import PoliteAutoThrottle
from crawler.frontier import Frontier
from crawler.middlewares import (
    CrawlDelayMiddleware,
    DomainBudgetMiddleware,
    PromptStopMiddleware,
    crawl_delays,
)
from crawler.spiders.seeds import SeedsSpider

ROBOTS = b"User-agent: linkgraphbot\nCrawl-delay: 4\n\nUser-agent: *\nCrawl-delay: 1\n"


def _crawler(**overrides):
    settings = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    settings.pop("TWISTED_REACTOR")
    settings["DOWNLOAD_HANDLERS"] = {"http": None, "https": None}
    # The progress display is not under test (and would start a Twisted timer).
    settings["EXTENSIONS"] = {**settings["EXTENSIONS"], "crawler.extensions.CrawlProgress": None}
    settings.update(overrides)
    return get_crawler(SeedsSpider, settings)


def _in_loop(scenario):
    """Run ``scenario()`` where Scrapy's downloader can start its timers."""

    async def run():
        return scenario()

    return asyncio.run(run())


def _with_engine(crawler):
    crawler.engine = ExecutionEngine(crawler, lambda _: None)
    return crawler.engine.downloader


def _robots_parsed(crawler, host: str, body: bytes = ROBOTS) -> None:
    crawler.signals.send_catch_log(
        signals.robots_parsed,
        robotparser=ProtegoRobotParser(body, None),
        request=Request(f"http://{host}/robots.txt"),
    )


def test_the_middlewares_run_after_robots_txt_crawl_delay_first():
    def scenario():
        downloader = _with_engine(_crawler())
        names = [type(m).__name__ for m in downloader.middleware.middlewares]
        downloader.close()
        return names

    names = _in_loop(scenario)
    robots = names.index("RobotsTxtMiddleware")
    assert robots < names.index("CrawlDelayMiddleware") < names.index("DomainBudgetMiddleware")


def test_crawl_delay_is_off_when_robots_txt_is_not_obeyed():
    with pytest.raises(NotConfigured):
        CrawlDelayMiddleware.from_crawler(_crawler(ROBOTSTXT_OBEY=False))


def test_the_crawl_delay_for_our_bot_is_recorded_for_its_host():
    crawler = _crawler()
    middleware = CrawlDelayMiddleware.from_crawler(crawler)
    _robots_parsed(crawler, "www.a.com")
    _robots_parsed(crawler, "www.b.com", b"User-agent: *\nDisallow: /private\n")
    assert middleware.delays == {"www.a.com": 4.0}
    assert crawl_delays(crawler) is middleware.delays
    assert crawler.stats.get_value("linkgraph/crawl_delay/www.a.com") == 4.0


def test_a_host_with_a_crawl_delay_gets_one_request_at_a_time_spaced_by_it():
    def scenario():
        crawler = _crawler(DOWNLOAD_DELAY=0.5)
        middleware = CrawlDelayMiddleware.from_crawler(crawler)
        downloader = _with_engine(crawler)
        _robots_parsed(crawler, "www.a.com")
        for url in ("http://www.a.com/page", "http://www.b.com/page"):
            middleware.process_request(Request(url))
            downloader._get_slot(Request(url))
        slots = {k: (s.concurrency, s.delay, s.jitter) for k, s in downloader.slots.items()}
        downloader.close()
        return slots

    assert _in_loop(scenario) == {
        "www.a.com": (1, 4.0, 0),
        "www.b.com": (2, 0.5, 0.5),  # the settings' defaults: 2 per host, jitter on
    }


def test_a_longer_configured_delay_is_not_shortened_by_the_crawl_delay():
    def scenario():
        crawler = _crawler(DOWNLOAD_DELAY=10)
        middleware = CrawlDelayMiddleware.from_crawler(crawler)
        downloader = _with_engine(crawler)
        _robots_parsed(crawler, "www.a.com")
        middleware.process_request(Request("http://www.a.com/page"))
        slot = downloader.slots["www.a.com"]
        downloader.close()
        return slot.concurrency, slot.delay

    assert _in_loop(scenario) == (1, 10.0)


def test_autothrottle_never_goes_below_a_hosts_crawl_delay():
    def scenario():
        crawler = _crawler(AUTOTHROTTLE_ENABLED=True)
        assert crawler.get_extension(PoliteAutoThrottle) is not None, "enabled by the settings"
        middleware = CrawlDelayMiddleware.from_crawler(crawler)
        downloader = _with_engine(crawler)
        crawler.signals.send_catch_log(signals.spider_opened, spider=None)
        _robots_parsed(crawler, "www.a.com")
        delays = {}
        for host in ("www.a.com", "www.b.com"):
            request = Request(f"http://{host}/page", meta={"download_latency": 0.01})
            middleware.process_request(request)
            key, slot = downloader._get_slot(request)
            request.meta["download_slot"] = key
            slot.delay = 5.0
            response = HtmlResponse(request.url, body=b"<html></html>", request=request)
            crawler.signals.send_catch_log(
                signals.response_downloaded, response=response, request=request, spider=None
            )
            delays[host] = slot.delay
        downloader.close()
        return delays

    delays = _in_loop(scenario)
    assert delays["www.a.com"] == 4.0, "lowered by the fast answer, but not below 4 s"
    assert delays["www.b.com"] < 4.0, "a host without Crawl-delay is throttled freely"


def _budget(max_pages: int):
    crawler = _crawler()
    crawler.spider = SeedsSpider.from_crawler(
        crawler, seeds="http://www.a.com/", max_pages_per_domain=str(max_pages)
    )
    return crawler, DomainBudgetMiddleware.from_crawler(crawler)


def _outcome(middleware, request: Request) -> str:
    try:
        middleware.process_request(request)
    except IgnoreRequest as exc:
        return f"ignored: {exc}"
    return "sent"


def test_a_registered_domain_gets_max_pages_per_domain_fetches_then_no_more():
    crawler, middleware = _budget(2)
    urls = ["http://www.a.com/1", "http://shop.a.com/2", "http://www.a.com/3", "http://b.com/1"]
    assert [_outcome(middleware, Request(u)) for u in urls] == [
        "sent",
        "sent",
        "ignored: page budget of a.com spent",
        "sent",
    ]
    assert crawler.stats.get_value("linkgraph/budget_exhausted") == 1
    Frontier.for_crawler(crawler).close()


def test_robots_txt_fetches_and_retries_take_no_budget():
    crawler, middleware = _budget(1)
    robots = Request("http://www.a.com/robots.txt", meta={"dont_obey_robotstxt": True})
    assert _outcome(middleware, robots) == "sent"
    assert _outcome(middleware, Request("http://www.a.com/1")) == "sent"
    retry = Request("http://www.a.com/1", meta={"retry_times": 1}, dont_filter=True)
    assert _outcome(middleware, retry) == "sent"
    assert _outcome(middleware, Request("http://www.a.com/2")).startswith("ignored")
    Frontier.for_crawler(crawler).close()


def test_the_budget_lives_in_the_frontier_so_it_resumes_with_the_stored_pages():
    crawler, middleware = _budget(3)
    frontier = Frontier.for_crawler(crawler)
    frontier.reconcile(["http://www.a.com/1", "http://www.a.com/2"], {"a.com": 2})
    assert [_outcome(middleware, Request(f"http://www.a.com/{i}")) for i in (3, 4)] == [
        "sent",
        "ignored: page budget of a.com spent",
    ]
    assert frontier.domains == 1
    frontier.close()


def test_once_the_crawl_stops_requests_waiting_for_their_delay_and_new_ones_are_not_sent():
    def scenario():
        crawler = _crawler()
        downloader = _with_engine(crawler)
        [stop] = [
            m for m in downloader.middleware.middlewares if isinstance(m, PromptStopMiddleware)
        ]
        _, slot = downloader._get_slot(Request("http://www.a.com/1"))
        waiting: Deferred = Deferred()
        failures: list = []
        waiting.addErrback(failures.append)
        slot.queue.append((Request("http://www.a.com/1"), waiting))
        crawler.crawling = True
        stop._check()
        running = (len(failures), len(slot.queue), _outcome(stop, Request("http://www.a.com/2")))
        crawler.crawling = False  # what Scrapy does when a stop begins
        stop._check()
        stopped = (
            [type(f.value).__name__ for f in failures],
            len(slot.queue),
            _outcome(stop, Request("http://www.a.com/3")),
        )
        downloader.close()
        return running, stopped, crawler.stats.get_value("linkgraph/not_sent")

    assert _in_loop(scenario) == (
        (0, 1, "sent"),
        (["NotSent"], 0, "ignored: not sent: the crawl stopped (http://www.a.com/3)"),
        2,
    )
