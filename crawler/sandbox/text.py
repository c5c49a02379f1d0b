"""Words and sentences of the sandbox web, per niche.

Pages need prose a text-density boilerplate detector can find (several paragraphs of real
looking sentences), titles that read like titles, and domain names that look like the
niche they are in (the niches' vocabularies are in ``crawler.sandbox.niches``). Everything
here is drawn from a caller's ``random.Random``, so a page's text depends only on the seed
that the caller derived for it.
"""

from __future__ import annotations

import random

from crawler.sandbox.niches import Niche

__all__ = ["sentence", "paragraph", "article_title", "slugify"]

_OPENERS = (
    "Most readers ask us how to",
    "In our experience it pays to",
    "A common mistake is to",
    "Every spring we",
    "It is easier than it looks to",
    "Beginners often forget to",
    "Over the years we learned to",
    "Nobody tells you when to",
)
_MIDDLES = (
    "before the weather turns",
    "with nothing more than patience",
    "on a small budget",
    "without special equipment",
    "the way our grandparents did",
    "when the light is right",
    "after a long week",
    "in about an hour",
)
_CLOSERS = (
    "and the results speak for themselves.",
    "which saves time later on.",
    "so plan ahead.",
    "but the details matter.",
    "and you will rarely regret it.",
    "although opinions differ.",
    "as the photos below show.",
    "and it is worth every minute.",
)
_TITLE_FORMS = (
    "How to {verb} {adj} {noun}",
    "{Adj} {noun}: a beginner's guide",
    "Ten tips for {noun} & more",
    "Why we {verb} {noun} in winter",
    "The {adj} guide to {noun}",
    "What nobody tells you about {noun}",
    "{Noun} for {adj} weekends",
    "Our favourite {adj} {noun}",
)


def sentence(rng: random.Random, niche: Niche) -> str:
    """One plain-text sentence about the niche (may contain ``&``; escape it in HTML)."""
    noun = rng.choice(niche.nouns)
    return (
        f"{rng.choice(_OPENERS)} {rng.choice(niche.verbs)} {rng.choice(niche.adjectives)} "
        f"{noun} {rng.choice(_MIDDLES)}, {rng.choice(_CLOSERS)}"
    )


def paragraph(rng: random.Random, niche: Niche, sentences: int = 4) -> str:
    """Several sentences joined by spaces."""
    return " ".join(sentence(rng, niche) for _ in range(sentences))


def article_title(rng: random.Random, niche: Niche) -> str:
    """A title such as ``How to prune climbing roses``."""
    adj = rng.choice(niche.adjectives)
    noun = rng.choice(niche.nouns)
    form = rng.choice(_TITLE_FORMS)
    return form.format(
        verb=rng.choice(niche.verbs),
        adj=adj,
        Adj=adj[:1].upper() + adj[1:],
        noun=noun,
        Noun=noun[:1].upper() + noun[1:],
    )


def slugify(text: str) -> str:
    """``How to prune roses & more`` -> ``how-to-prune-roses-more``."""
    out = []
    dash = False
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")
