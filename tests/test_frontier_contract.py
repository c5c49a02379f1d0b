"""The ``Frontier`` contract: what the scheduler, the budget middleware and the writer rely
on, for every store (``frontier_store``: SQLite and Redis).

Only the public interface is used (``crawler.frontier.BaseFrontier``): the queue, the seen
set and the budgets (``add``, ``is_seen``, ``pop``, ``mark``, ``take_budget``), per-host
politeness (``release``, ``set_host_policy``, ``backoff``, ``wait_seconds``), resuming
(``reconcile``, ``commit``, ``pending``, ``domains``, ``resumed``, ``close``); the store
fixture opens a frontier (again) and kills one.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from crawler.frontier import DONE, DROPPED


def _drain(frontier) -> list[tuple[str, int, str]]:
    out = []
    while (item := frontier.pop()) is not None:
        out.append(item)
    return out


def test_add_queues_a_new_url_and_says_whether_it_was_new(frontier_store):
    frontier = frontier_store.open()
    assert frontier.add("http://a.com/", 0, "seed") is True
    assert frontier.add("http://a.com/", 3, "link") is False
    assert frontier.pending == 1
    assert _drain(frontier) == [("http://a.com/", 0, "seed")]
    frontier.close()


def test_a_key_is_claimed_once_by_whoever_claims_it_first(frontier_store):
    # What is fetched outside the queue (a site's sitemap) is fetched by one process only.
    frontier = frontier_store.open()
    assert frontier.claim("sitemap http://a.com/sitemap.xml") is True
    assert frontier.claim("sitemap http://a.com/sitemap.xml") is False
    assert frontier.claim("sitemap http://b.com/sitemap.xml") is True
    if frontier.shared:
        other = frontier_store.open(worker="w2")
        assert other.claim("sitemap http://a.com/sitemap.xml") is False
        other.close()
    frontier.close()


def test_a_url_is_seen_once_added_whatever_became_of_it(frontier_store):
    frontier = frontier_store.open()
    assert frontier.is_seen("http://a.com/") is False
    for url in ("http://a.com/", "http://b.com/", "http://c.com/"):
        frontier.add(url, 0)
    frontier.pop()
    frontier.pop()
    frontier.mark(["http://a.com/"], DONE)
    frontier.mark(["http://b.com/"], DROPPED)
    assert [frontier.is_seen(u) for u in ("http://a.com/", "http://b.com/", "http://c.com/")] == [
        True,
        True,
        True,
    ]
    assert frontier.add("http://a.com/", 1) is False
    assert frontier.add("http://b.com/", 1) is False
    frontier.close()


def test_pop_hands_out_the_lowest_depth_first_then_in_order_of_arrival(frontier_store):
    frontier = frontier_store.open()
    for url, depth in [("http://a.com/2", 2), ("http://a.com/0", 0), ("http://a.com/1", 1)]:
        frontier.add(url, depth)
    frontier.add("http://b.com/0", 0)
    frontier.add("http://b.com/1", 1)
    assert [url for url, _, _ in _drain(frontier)] == [
        "http://a.com/0",
        "http://b.com/0",
        "http://a.com/1",
        "http://b.com/1",
        "http://a.com/2",
    ]
    assert frontier.pop() is None
    frontier.close()


def test_urls_found_while_popping_keep_breadth_first_order(frontier_store):
    """As in a crawl: pages at depth d yield links at d + 1 and redirects at d."""
    frontier = frontier_store.open()
    for i in range(3):
        frontier.add(f"http://a.com/s{i}", 0, "seed")
    order = [frontier.pop()[0]]
    frontier.add("http://a.com/x1", 1)
    frontier.add("http://a.com/r0", 0, "redirect")
    frontier.add("http://a.com/x2", 1)
    order += [url for url, _, _ in _drain(frontier)]
    assert order == [
        "http://a.com/s0",
        "http://a.com/s1",
        "http://a.com/s2",
        "http://a.com/r0",
        "http://a.com/x1",
        "http://a.com/x2",
    ]
    frontier.close()


def test_pending_counts_the_urls_queued_and_not_yet_handed_out(frontier_store):
    frontier = frontier_store.open()
    assert frontier.pending == 0
    for i in range(100):
        frontier.add(f"http://a.com/{i}", i % 3)
    assert frontier.pending == 100
    for expected in range(99, 49, -1):
        frontier.pop()
        assert frontier.pending == expected
    frontier.add("http://a.com/0", 0)
    assert frontier.pending == 50
    frontier.close()


def test_take_budget_allows_limit_fetches_per_domain_then_refuses(frontier_store):
    frontier = frontier_store.open()
    assert frontier.domains == 0
    assert [frontier.take_budget("a.com", 3) for _ in range(5)] == [True, True, True, False, False]
    assert frontier.take_budget("b.com", 3) is True
    assert frontier.domains == 2
    # A refusal counts nothing: a larger limit later finds the domain at 3.
    assert [frontier.take_budget("a.com", 5) for _ in range(3)] == [True, True, False]
    frontier.close()


def test_a_closed_frontier_opens_again_with_its_queue_and_seen_set(frontier_store):
    frontier = frontier_store.open()
    assert frontier.resumed is False
    for i in range(5):
        frontier.add(f"http://a.com/{i}", i)
    frontier.pop()
    frontier.mark(["http://a.com/0"], DONE)
    frontier.close()

    again = frontier_store.open()
    assert again.resumed is True
    assert again.pending == 4
    assert again.is_seen("http://a.com/0") and again.add("http://a.com/0", 0) is False
    assert [url for url, _, _ in _drain(again)] == [f"http://a.com/{i}" for i in range(1, 5)]
    again.close()


def test_marked_urls_are_never_handed_out_again_even_after_a_resume(frontier_store):
    frontier = frontier_store.open()
    for url in ("http://a.com/", "http://b.com/", "http://c.com/"):
        frontier.add(url, 0)
    frontier.pop()
    frontier.pop()
    frontier.mark(["http://a.com/"], DONE)
    frontier.mark(["http://b.com/"], DROPPED)
    frontier.commit()
    frontier_store.kill(frontier)

    again = frontier_store.open()
    again.reconcile(["http://a.com/"], {"a.com": 1})
    assert [url for url, _, _ in _drain(again)] == ["http://c.com/"]
    again.close()


def test_reconcile_after_a_kill_queues_taken_unstored_urls_again_and_only_those(frontier_store):
    frontier = frontier_store.open()
    for i in range(5):
        frontier.add(f"http://a.com/{i}", 0)
    taken = [frontier.pop()[0] for _ in range(3)]
    assert taken == ["http://a.com/0", "http://a.com/1", "http://a.com/2"]
    frontier.commit()  # as the writer does before the batch holding /0 and /1 lands
    frontier_store.kill(frontier)

    again = frontier_store.open()
    again.reconcile(["http://a.com/0", "http://a.com/1"], {"a.com": 2})
    assert again.pending == 3
    assert [url for url, _, _ in _drain(again)] == [
        "http://a.com/2",
        "http://a.com/3",
        "http://a.com/4",
    ]
    again.close()


def test_reconcile_counts_budgets_from_the_stored_pages(frontier_store):
    frontier = frontier_store.open()
    for _ in range(4):
        frontier.take_budget("a.com", 10)
    frontier.commit()
    frontier_store.kill(frontier)

    again = frontier_store.open()
    again.reconcile(["http://a.com/1", "http://b.com/1"], {"a.com": 1, "b.com": 1})
    assert again.domains == 2
    assert [again.take_budget("a.com", 3) for _ in range(3)] == [True, True, False]
    again.close()


def test_reconcile_takes_stored_urls_the_frontier_never_saw_as_done(frontier_store):
    frontier = frontier_store.open()
    frontier.reconcile(["http://old.com/"], {"old.com": 1})
    assert frontier.is_seen("http://old.com/")
    assert frontier.add("http://old.com/", 0) is False
    assert frontier.pop() is None and frontier.pending == 0
    frontier.close()


# -- exactly once across kills -------------------------------------------------------------
# A tiny web: page i links to 2i+1 and 2i+2 (a binary tree of 63 pages, depth 5) and to 0.
_PAGES = 63


def _links(url: str) -> list[str]:
    i = int(url.rsplit("/", 1)[1])
    return [f"http://a.com/{j}" for j in (2 * i + 1, 2 * i + 2, 0) if j < _PAGES]


def _crawl(frontier, stored: list[str], batch: int, kill_after: int | None) -> bool:
    """Crawl as the spider and the writer do: a page's links go into the frontier before
    its batch is written, and the frontier commits before the batch lands. Returns False
    when killed after ``kill_after`` fetches (the unwritten batch is lost)."""
    buffer: list[str] = []
    fetched = 0
    while (item := frontier.pop()) is not None:
        url, depth, _ = item
        if kill_after is not None and fetched == kill_after:
            return False
        fetched += 1
        for link in _links(url):
            frontier.add(link, depth + 1)
        buffer.append(url)
        if len(buffer) == batch:
            frontier.commit()
            stored.extend(buffer)
            frontier.mark(buffer, DONE)
            buffer = []
    frontier.commit()
    stored.extend(buffer)
    frontier.mark(buffer, DONE)
    return True


@pytest.mark.parametrize("kills", [[1], [7, 3], [20, 20, 20], [4, 0, 9, 5]])
def test_every_page_is_stored_exactly_once_across_kills_and_resumes(frontier_store, kills):
    stored: list[str] = []
    frontier = frontier_store.open()
    frontier.add("http://a.com/0", 0, "seed")
    for kill_after in [*kills, None]:
        if _crawl(frontier, stored, batch=4, kill_after=kill_after):
            break
        frontier_store.kill(frontier)
        frontier = frontier_store.open()
        frontier.reconcile(list(stored), Counter("a.com" for _ in stored))
        # The spider yields its seeds on every start (new again if the kill came before
        # the first commit).
        frontier.add("http://a.com/0", 0, "seed")
    frontier.close()
    assert sorted(stored) == sorted(f"http://a.com/{i}" for i in range(_PAGES))


# -- per-host queues and politeness --------------------------------------------------------
def _hosts(items) -> list[str]:
    return [url.split("/")[2] for url, _, _ in items]


def test_a_host_has_no_more_urls_out_than_its_concurrency_until_one_comes_back(frontier_store):
    frontier = frontier_store.open(concurrency=2)
    for i in range(4):
        frontier.add(f"http://a.com/{i}", 0)
    assert _hosts(_drain(frontier)) == ["a.com", "a.com"]
    frontier.release("http://a.com/0")
    assert [url for url, _, _ in _drain(frontier)] == ["http://a.com/2"]
    frontier.close()


def test_a_delayed_host_waits_its_delay_after_each_fetch_while_others_are_served(frontier_store):
    frontier = frontier_store.open(concurrency=2)
    frontier.set_host_policy("slow.com", 0.4, 1)
    for i in range(3):
        frontier.add(f"http://slow.com/{i}", 0)
        frontier.add(f"http://fast.com/{i}", 0)
    first = _drain(frontier)
    assert sorted(_hosts(first)) == ["fast.com", "fast.com", "slow.com"]
    frontier.release("http://slow.com/0")
    for url, _, _ in first:
        if url.startswith("http://fast.com"):
            frontier.release(url)
    assert _hosts(_drain(frontier)) == ["fast.com"]  # slow.com waits its 0.4 s
    assert 0.2 < frontier.wait_seconds() <= 0.4
    time.sleep(0.45)
    assert [url for url, _, _ in _drain(frontier)] == ["http://slow.com/1"]
    frontier.close()


def test_ready_hosts_take_turns(frontier_store):
    frontier = frontier_store.open()
    for host in ("a.com", "b.com", "c.com"):
        for i in range(3):
            frontier.add(f"http://{host}/{i}", 0)
    assert _hosts(_drain(frontier)) == ["a.com", "b.com", "c.com"] * 3
    frontier.close()


def test_a_backed_off_host_is_not_served_until_its_time_has_passed(frontier_store):
    frontier = frontier_store.open()
    frontier.add("http://busy.com/1", 0)
    frontier.add("http://busy.com/2", 0)
    frontier.add("http://calm.com/1", 0)
    assert frontier.pop()[0] == "http://busy.com/1"
    frontier.backoff("busy.com", 0.4)
    frontier.release("http://busy.com/1")
    assert [url for url, _, _ in _drain(frontier)] == ["http://calm.com/1"]
    time.sleep(0.45)
    assert [url for url, _, _ in _drain(frontier)] == ["http://busy.com/2"]
    frontier.close()


def test_a_spent_budget_drops_the_domains_queued_urls_at_once(frontier_store):
    frontier = frontier_store.open()
    for i in range(50):
        frontier.add(f"http://www.big.com/{i}", 0)
        frontier.add(f"http://shop.big.com/{i}", 0)
    frontier.add("http://other.com/", 0)
    assert frontier.pending == 101
    assert frontier.take_budget("big.com", 2) and frontier.take_budget("big.com", 2)
    assert frontier.pending == 1
    assert frontier.add("http://www.big.com/new", 1) is False
    assert frontier.is_seen("http://www.big.com/new")
    assert [url for url, _, _ in _drain(frontier)] == ["http://other.com/"]
    frontier.close()


def test_wait_seconds_is_none_when_nothing_is_queued_and_zero_when_a_host_is_ready(
    frontier_store,
):
    frontier = frontier_store.open()
    assert frontier.wait_seconds() is None
    frontier.add("http://a.com/", 0)
    assert frontier.wait_seconds() == 0
    frontier.close()


def test_wait_seconds_leaves_out_hosts_that_wait_for_a_url_to_come_back(frontier_store):
    frontier = frontier_store.open(concurrency=1)
    frontier.add("http://a.com/1", 0)
    frontier.add("http://a.com/2", 0)
    frontier.pop()
    frontier.pop()  # a.com now has its one URL out
    assert frontier.wait_seconds() is None
    frontier.close()
