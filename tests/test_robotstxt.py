"""``crawler.robotstxt`` on its own: which rules a robots.txt puts in force for our bot.

Path matching is Protego's (longest match wins, ``*``, ``$``, percent-encoding); the
group is chosen as Google's parser chooses it (the product token, any version); what an
HTTP status means and how much of a file is read are RFC 9309's. Whole crawls against
misbehaving servers: ``tests/test_hostile_robots.py``.
"""

from __future__ import annotations

import gzip
import zlib

import pytest

from crawler.robotstxt import (
    ALLOW_ALL,
    DISALLOW_ALL,
    RULES,
    RobotsRules,
    decode_body,
    for_bot,
    outcome_of_status,
    product_token,
    robots_text,
)

BOT = "linkgraphbot"


def _allowed(text: str, *paths: str) -> list[bool]:
    rules = RobotsRules.parse(text, BOT)
    return [rules.allowed(f"http://a.com{path}") for path in paths]


def test_the_longest_matching_rule_wins_whatever_the_order():
    text = "User-agent: *\nAllow: /shop/public\nDisallow: /shop\n"
    assert _allowed(text, "/shop/cart", "/shop/public/x", "/shopping", "/other") == [
        False,
        True,
        False,
        True,
    ]


def test_a_dollar_anchors_the_end_and_a_star_matches_anything():
    text = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /tmp/*/cache\n"
    assert _allowed(text, "/a/b.pdf", "/a/b.pdf?x=1", "/tmp/1/cache/x", "/tmp/cache") == [
        False,
        True,
        False,
        True,
    ]


def test_percent_encoding_is_compared_decoded():
    text = "User-agent: *\nDisallow: /caf%C3%A9\nDisallow: /a%2fb\n"
    assert _allowed(text, "/café/menu", "/caf%c3%a9/menu", "/a%2Fb") == [False, False, False]


def test_the_bots_own_group_replaces_the_global_one():
    text = "User-agent: *\nDisallow: /\n\nUser-agent: linkgraphbot\nDisallow: /private\n"
    assert _allowed(text, "/", "/private/x") == [True, False]
    assert RobotsRules.parse(text, BOT).group == BOT


@pytest.mark.parametrize(
    "name",
    [
        "linkgraphbot/0.1",
        "LinkgraphBot",
        "linkgraphbot/2.0 (+https://example.com)",
        "linkgraphbot ",
    ],
)
def test_a_group_named_with_the_product_token_and_any_version_is_the_bots(name):
    text = f"User-agent: *\nDisallow: /all\n\nUser-agent: {name}\nDisallow: /mine\n"
    assert _allowed(text, "/mine/x", "/all/x") == [False, True]


@pytest.mark.parametrize("name", ["linkgraph", "linkgraphbot-news", "bot", "mylinkgraphbot"])
def test_a_group_of_another_product_token_is_not_the_bots(name):
    text = f"User-agent: *\nDisallow: /all\n\nUser-agent: {name}\nDisallow: /mine\n"
    assert _allowed(text, "/mine/x", "/all/x") == [True, False]


def test_a_group_naming_several_agents_applies_to_each():
    text = "User-agent: otherbot\nUser-agent: linkgraphbot/0.1\nDisallow: /x\n"
    assert _allowed(text, "/x") == [False]


def test_product_tokens_are_the_letters_dashes_and_underscores_a_name_starts_with():
    assert [product_token(v) for v in ("Foo_Bar-baz/1.2", "foo2", "  foo bar", "/x")] == [
        "foo_bar-baz",
        "foo",
        "foo",
        "",
    ]


def test_rules_count_and_crawl_delay_are_summarised_with_the_cap_applied():
    text = "User-agent: linkgraphbot\nAllow: /a\nDisallow: /b\nDisallow: /c\nCrawl-delay: 100000\n"
    assert RobotsRules.parse(text, BOT, max_delay=30).summary() == {
        "outcome": RULES,
        "group": BOT,
        "allow_rules": 1,
        "disallow_rules": 2,
        "crawl_delay": 100000.0,
        "delay": 30.0,
    }


def test_for_bot_renames_only_user_agent_lines():
    renamed = for_bot("User-agent: Googlebot\nDisallow: /g # why\nUser-Agent: * \n", BOT)
    assert renamed.text == "User-agent: other-bots\nDisallow: /g # why\nUser-agent: *\n"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, RULES), (204, RULES), (401, ALLOW_ALL), (403, ALLOW_ALL), (404, ALLOW_ALL)]
    + [(410, ALLOW_ALL), (429, DISALLOW_ALL), (500, DISALLOW_ALL), (503, DISALLOW_ALL)],
)
def test_what_a_status_means_for_the_whole_site(status, outcome):
    assert outcome_of_status(status) == outcome


def test_allow_all_and_disallow_all_hold_for_every_url():
    allow, disallow = (RobotsRules.everything(o, BOT) for o in (ALLOW_ALL, DISALLOW_ALL))
    assert (allow.allowed("http://a.com/x"), disallow.allowed("http://a.com/")) == (True, False)


def test_a_file_over_the_cap_loses_its_partial_last_line():
    body = b"User-agent: *\nDisallow: /private\nAllow: /private/open-to-all"
    text, truncated = robots_text(body, limit=len(body) - 5)
    assert (text, truncated) == ("User-agent: *\nDisallow: /private\n", True)
    assert robots_text(body, limit=len(body)) == (body.decode(), False)


def test_a_file_cut_on_the_way_loses_its_partial_last_line_too():
    assert robots_text(b"Disallow: /a\nDisallow: /abc", cut=True) == ("Disallow: /a\n", True)


def test_a_byte_order_mark_goes_and_bytes_that_are_not_utf8_are_replaced():
    assert robots_text(b"\xef\xbb\xbfDisallow: /\xff\n") == ("Disallow: /\ufffd\n", False)


def test_a_compressed_bomb_is_decoded_only_up_to_the_cap():
    bomb = gzip.compress(b"Disallow: /\n" + b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    decoded = decode_body(bomb, ["gzip"], limit=500 * 1024)
    assert len(decoded) == 500 * 1024 + 1 and decoded.startswith(b"Disallow: /\n")


def test_deflate_is_read_with_or_without_its_zlib_header():
    raw = zlib.compressobj(wbits=-15)
    bare = raw.compress(b"Disallow: /x\n") + raw.flush()
    assert decode_body(zlib.compress(b"Disallow: /x\n"), ["deflate"]) == b"Disallow: /x\n"
    assert decode_body(bare, ["deflate"]) == b"Disallow: /x\n"


def test_a_body_in_a_coding_not_asked_for_or_not_decodable_is_none():
    assert decode_body(b"\x1f\x8b garbage", ["gzip"]) is None
    assert decode_body(b"whatever", ["br"]) is None
    assert decode_body(b"plain", []) == b"plain"
