"""robots.txt files as the crawler reads them: pure functions, no Scrapy, no network.

RFC 9309 decides what an answer means and how much of a file is read; Google's open-source
parser (github.com/google/robotstxt) decides what the RFC leaves open: which group a bot
belongs to. Protego matches the paths (longest match, ``*``, ``$``, percent-encoding).
``crawler.robots.RobotsTxtMiddleware`` fetches the files and applies the rules; the rules
are described for users in ``docs/crawling.md`` ("robots.txt").

- **What an answer means** (RFC 9309 section 2.3.1): 2xx, the file's rules; 4xx, no
  rules ("unavailable": everything allowed), except 429 Too Many Requests, which Google
  reads as a server error; 5xx, 429 and no answer at all (refused, dropped, timed out, no
  such host), everything disallowed, because the site may be down or overloaded (the
  crawler fetches the file again later). 3xx redirects are followed by the middleware.
- **How much is read**: the first ``MAX_BYTES`` (500 KiB, the RFC's minimum) of the
  decoded file. A cut file loses its last, partial line (a half rule could allow what the
  whole rule forbids); the rules before the cut apply. A large file is never read as "no
  rules".
- **Which group applies** (Google's parser): a ``User-agent`` line names a bot by its
  product token, the letters, ``-`` and ``_`` it starts with, compared case-insensitively
  with the bot's own token; so ``User-agent: linkgraphbot/0.1`` and ``User-agent:
  LinkgraphBot`` both name ``linkgraphbot``, while ``linkgraph`` and ``linkgraphbot-news``
  are other bots. The bot's own groups apply when there are any, else the ``*`` groups,
  else none (everything allowed).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from protego import Protego

__all__ = [
    "ALLOW_ALL",
    "DISALLOW_ALL",
    "MAX_BYTES",
    "RULES",
    "RobotsRules",
    "decode_body",
    "for_bot",
    "outcome_of_status",
    "product_token",
    "robots_text",
]

#: How much of a robots.txt is read, decoded (RFC 9309: at least 500 kibibytes).
MAX_BYTES = 500 * 1024
#: The three outcomes of reading a robots.txt.
RULES, ALLOW_ALL, DISALLOW_ALL = "rules", "allow all", "disallow all"

_USER_AGENT_LINE = re.compile(r"^\s*(user[- ]?agent)(\s*:\s*|\s+)([^#]*)(#.*)?$", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z_-]*")
# Protego's spellings of the two path rules (it forgives some typos of Disallow).
_ALLOW = {"allow"}
_DISALLOW = {"disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"}
_RULE_LINE = re.compile(r"^\s*([^:#]+?)\s*:\s*([^#]*)")
#: The name other bots' groups get: it can never match a product token query.
_OTHER_BOT = "other-bots"
#: Content codings the crawler asks robots.txt in; ``decode_body`` reads them with a cap.
ENCODINGS = ("gzip", "deflate")


def product_token(user_agent: str) -> str:
    """The product token of a user agent, lower case, as Google's parser extracts it: the
    letters, ``-`` and ``_`` it starts with.

    >>> product_token("linkgraphbot/0.1 (+https://example.com/bot)")
    'linkgraphbot'
    >>> product_token("Googlebot-Image/1.0"), product_token("*")
    ('googlebot-image', '')
    """
    return _TOKEN.match(user_agent.strip()).group(0).lower()


def outcome_of_status(status: int) -> str:
    """What an HTTP status other than a redirect means for the whole site.

    >>> [outcome_of_status(s) for s in (200, 404, 410, 429, 500, 503)]
    ['rules', 'allow all', 'allow all', 'disallow all', 'disallow all', 'disallow all']
    """
    if 200 <= status < 300:
        return RULES
    if 400 <= status < 500 and status != 429:
        return ALLOW_ALL
    if 300 <= status < 400:  # a redirect that cannot be followed: no file there
        return ALLOW_ALL
    return DISALLOW_ALL


def decode_body(body: bytes, encodings: Iterable[str], limit: int = MAX_BYTES) -> bytes | None:
    """The first ``limit`` bytes of a body sent with these ``Content-Encoding`` values,
    decoded, and one more when there is more (so that a cut can be seen); None when it
    cannot be decoded.

    Decoding stops at the cap, so a compressed bomb costs ``limit`` bytes of memory, not
    its decoded size. Only the codings the crawler asks for (``ENCODINGS``) and
    ``identity`` are read.

    >>> import gzip
    >>> len(decode_body(gzip.compress(b"Disallow: /\\n" * 10**6), ["gzip"], limit=1000))
    1001
    >>> decode_body(b"x", ["br"]) is None
    True
    """
    names = [n.strip().lower() for value in encodings for n in value.split(",") if n.strip()]
    for name in reversed(names):  # the last coding listed was applied last
        if name in ("gzip", "x-gzip", "deflate"):
            # wbits 47: a gzip or a zlib header, whichever the body has; raw deflate too.
            for wbits in (47, -15) if name == "deflate" else (47,):
                try:
                    decoder = zlib.decompressobj(wbits)
                    body = decoder.decompress(body, limit + 1)
                    break
                except zlib.error:
                    continue
            else:
                return None
        elif name != "identity":
            return None
    return body


def robots_text(body: bytes, limit: int = MAX_BYTES, *, cut: bool = False) -> tuple[str, bool]:
    """(text, truncated): the first ``limit`` bytes of a decoded robots.txt as text.

    A file longer than ``limit``, or ``cut`` short on the way (its download was stopped),
    loses its last, partial line. UTF-8, a byte order mark dropped, bytes that are not
    UTF-8 replaced (RFC 9309: the file is UTF-8).

    >>> robots_text(b"Disallow: /a\\nDisallow: /abc", limit=16)
    ('Disallow: /a\\n', True)
    """
    truncated = cut or len(body) > limit
    if truncated:
        body = body[:limit]
        end = max(body.rfind(b"\n"), body.rfind(b"\r"))
        body = body[: end + 1] if end >= 0 else b""
    return body.decode("utf-8-sig", errors="replace"), truncated


@dataclass
class _Groups:
    """What ``for_bot`` learnt while naming the groups."""

    text: str
    names: set[str] = field(default_factory=set)
    rules: dict[str, list[int]] = field(default_factory=dict)  # name -> [allow, disallow]


def for_bot(text: str, token: str) -> _Groups:
    """``text`` with every ``User-agent`` line renamed for Protego, so that Protego picks the
    group Google's parser would: ``token`` for the bot's own groups, ``*`` for the global
    ones, a name matching nothing for other bots. Counts each group's path rules too.

    >>> for_bot("User-agent: LinkgraphBot/0.1\\nDisallow: /x\\nUser-agent: linkgraph\\n",
    ...         "linkgraphbot").text
    'User-agent: linkgraphbot\\nDisallow: /x\\nUser-agent: other-bots\\n'
    """
    out: list[str] = []
    groups = _Groups("")
    current: list[str] = []
    after_rule = True
    for line in text.splitlines():
        agent = _USER_AGENT_LINE.match(line)
        if agent is not None:
            if after_rule:  # a User-agent line after a rule starts the next group
                current, after_rule = [], False
            value = agent.group(3).strip()
            if value:
                name = _group_name(value, token)
                current.append(name)
                groups.names.add(name)
                line = f"User-agent: {name}"
            out.append(line)
            continue
        rule = _RULE_LINE.match(line)
        if rule is not None and rule.group(2).strip():
            directive = rule.group(1).lower()
            if directive in _ALLOW or directive in _DISALLOW:
                after_rule = True
                for name in current:
                    counts = groups.rules.setdefault(name, [0, 0])
                    counts[directive in _DISALLOW] += 1
            elif directive not in ("sitemap", "host"):
                after_rule = True
        out.append(line)
    groups.text = "\n".join(out) + ("\n" if out else "")
    return groups


def _group_name(value: str, token: str) -> str:
    if value == "*" or value.startswith(("* ", "*\t")):
        return "*"
    return token if product_token(value) == token else _OTHER_BOT


class RobotsRules:
    """The robots.txt rules in force for one site (scheme, host and port), for one bot.

    Implements Scrapy's ``RobotParser`` interface (``allowed``, ``crawl_delay``), so it
    can be sent with Scrapy's ``robots_parsed`` signal. ``crawl_delay`` is the delay in
    force: the file's ``Crawl-delay`` for the bot's group, capped at ``max_delay``.

    >>> rules = RobotsRules.parse("User-agent: *\\nDisallow: /private\\nCrawl-delay: 90",
    ...                           "linkgraphbot", max_delay=30)
    >>> rules.allowed("http://a.com/private/x"), rules.allowed("http://a.com/public")
    (False, True)
    >>> rules.asked_delay, rules.crawl_delay("linkgraphbot"), rules.summary()["group"]
    (90.0, 30.0, '*')
    """

    def __init__(
        self,
        outcome: str,
        token: str,
        *,
        parser: Protego | None = None,
        groups: _Groups | None = None,
        asked_delay: float | None = None,
        max_delay: float | None = None,
    ) -> None:
        self.outcome = outcome
        self.token = token
        self._parser = parser
        self._groups = groups
        self.asked_delay = asked_delay
        self.delay = asked_delay if max_delay is None else _capped(asked_delay, max_delay)

    @classmethod
    def parse(cls, text: str, token: str, *, max_delay: float | None = None) -> RobotsRules:
        """The rules of a robots.txt that answered 2xx."""
        groups = for_bot(text, token)
        parser = Protego.parse(groups.text)
        asked = parser.crawl_delay(token)
        return cls(
            RULES,
            token,
            parser=parser,
            groups=groups,
            asked_delay=None if asked is None else float(asked),
            max_delay=max_delay,
        )

    @classmethod
    def everything(cls, outcome: str, token: str) -> RobotsRules:
        """``ALLOW_ALL`` or ``DISALLOW_ALL``, whatever the URL."""
        return cls(outcome, token)

    def allowed(self, url: str | bytes, user_agent: str | bytes | None = None) -> bool:
        """May the bot fetch ``url``? (``user_agent`` is ignored: the rules are for the
        bot's token already.)"""
        if self.outcome != RULES:
            return self.outcome == ALLOW_ALL
        text = url.decode("utf-8") if isinstance(url, bytes) else url
        return self._parser.can_fetch(text, self.token)

    @property
    def sitemaps(self) -> list[str]:
        """The ``Sitemap:`` URLs the file declares, in order (none unless it was read)."""
        return list(self._parser.sitemaps) if self._parser is not None else []

    def crawl_delay(self, user_agent: str | bytes | None = None) -> float | None:
        """The delay in force between two requests to the site, seconds (None: none asked)."""
        return self.delay

    @property
    def group(self) -> str | None:
        """The group that applies: the bot's token, ``*``, or None."""
        if self._groups is None:
            return None
        for name in (self.token, "*"):
            if name in self._groups.names:
                return name
        return None

    def summary(self) -> dict:
        """What crawl.json says about the rules in force."""
        allow, disallow = (0, 0)
        if self._groups is not None and self.group is not None:
            allow, disallow = self._groups.rules.get(self.group, [0, 0])
        return {
            "outcome": self.outcome,
            "group": self.group,
            "allow_rules": allow,
            "disallow_rules": disallow,
            "crawl_delay": self.asked_delay,
            "delay": self.delay,
        }


def _capped(delay: float | None, cap: float) -> float | None:
    return None if delay is None else min(delay, float(cap))
