"""Words and sentences of the sandbox web, per niche.

Pages need prose a text-density boilerplate detector can find (several paragraphs of real
looking sentences), titles that read like titles, and domain names that look like the
niche they are in. Everything here is drawn from a caller's ``random.Random``, so a page's
text depends only on the seed that the caller derived for it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Niche", "NICHES", "sentence", "paragraph", "article_title", "slugify"]


@dataclass(frozen=True, slots=True)
class Niche:
    """A topic: the vocabulary of its sites and the stems of their domain names."""

    name: str
    label: str
    sections: tuple[str, ...]
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    adjectives: tuple[str, ...]
    stems: tuple[str, ...]
    tails: tuple[str, ...]


NICHES: tuple[Niche, ...] = (
    Niche(
        "gardening",
        "Gardening",
        ("care", "planting", "roses", "vegetables", "tools", "seasons"),
        (
            "roses",
            "tomatoes",
            "seedlings",
            "hedges",
            "compost",
            "perennials",
            "bulbs",
            "raised beds",
            "climbers",
            "herbs",
            "fruit trees",
            "lawns",
        ),
        ("prune", "plant", "water", "feed", "mulch", "divide", "repot", "train"),
        ("hardy", "early", "organic", "shady", "climbing", "dwarf", "fragrant", "late"),
        (
            "rose",
            "green",
            "petal",
            "fern",
            "moss",
            "bloom",
            "leaf",
            "thyme",
            "orchard",
            "meadow",
            "willow",
            "hedge",
        ),
        ("garden", "grower", "patch", "plot", "yard", "nursery", "gardener"),
    ),
    Niche(
        "cooking",
        "Cooking",
        ("recipes", "baking", "techniques", "kitchen", "seasonal", "drinks"),
        (
            "sourdough",
            "risotto",
            "stock",
            "pastry",
            "curries",
            "pancakes",
            "sauces",
            "knives",
            "casseroles",
            "dumplings",
            "spices",
            "custard",
        ),
        ("bake", "braise", "roast", "whisk", "season", "knead", "simmer", "ferment"),
        ("crisp", "slow", "quick", "rustic", "spicy", "creamy", "golden", "smoky"),
        (
            "saffron",
            "ladle",
            "pantry",
            "crumb",
            "skillet",
            "butter",
            "pepper",
            "oven",
            "honey",
            "basil",
            "fennel",
            "oat",
        ),
        ("kitchen", "table", "cook", "bakes", "recipes", "larder", "feast"),
    ),
    Niche(
        "cycling",
        "Cycling",
        ("routes", "bikes", "repairs", "training", "gear", "touring"),
        (
            "gravel routes",
            "chains",
            "saddles",
            "climbs",
            "wheels",
            "brakes",
            "panniers",
            "tyres",
            "cadence",
            "descents",
            "commutes",
            "gears",
        ),
        ("ride", "climb", "adjust", "train", "tune", "pack", "service", "fit"),
        ("steep", "light", "tubeless", "rolling", "coastal", "alpine", "steel", "quiet"),
        (
            "spoke",
            "crank",
            "pedal",
            "chain",
            "velo",
            "saddle",
            "gravel",
            "sprocket",
            "tandem",
            "peloton",
            "cog",
            "rim",
        ),
        ("cycles", "riders", "wheelers", "bikes", "club", "tours", "works"),
    ),
    Niche(
        "photography",
        "Photography",
        ("lenses", "lighting", "editing", "landscapes", "portraits", "film"),
        (
            "lenses",
            "tripods",
            "exposures",
            "portraits",
            "sunsets",
            "filters",
            "sensors",
            "negatives",
            "flashes",
            "histograms",
            "prints",
            "apertures",
        ),
        ("frame", "expose", "meter", "focus", "edit", "develop", "light", "compose"),
        ("wide", "fast", "grainy", "golden", "soft", "sharp", "vintage", "low"),
        (
            "aperture",
            "shutter",
            "focal",
            "prism",
            "lumen",
            "frame",
            "darkroom",
            "tripod",
            "lens",
            "pixel",
            "kodak",
            "exposure",
        ),
        ("photo", "studio", "lab", "images", "pictures", "works", "eye"),
    ),
    Niche(
        "travel",
        "Travel",
        ("destinations", "itineraries", "packing", "trains", "islands", "budget"),
        (
            "night trains",
            "islands",
            "hostels",
            "old towns",
            "ferries",
            "markets",
            "border crossings",
            "backpacks",
            "visas",
            "hiking trails",
            "harbours",
            "museums",
        ),
        ("visit", "book", "explore", "pack", "cross", "plan", "wander", "reach"),
        ("remote", "cheap", "scenic", "slow", "crowded", "hidden", "northern", "coastal"),
        (
            "nomad",
            "compass",
            "atlas",
            "voyage",
            "harbour",
            "passport",
            "wander",
            "horizon",
            "roam",
            "journey",
            "trek",
            "island",
        ),
        ("travels", "trips", "guide", "journal", "roads", "abroad", "routes"),
    ),
    Niche(
        "finance",
        "Personal finance",
        ("budgeting", "saving", "investing", "pensions", "debt", "taxes"),
        (
            "budgets",
            "index funds",
            "pensions",
            "mortgages",
            "savings accounts",
            "bonds",
            "credit cards",
            "tax returns",
            "emergency funds",
            "dividends",
            "loans",
            "ISAs",
        ),
        ("save", "invest", "budget", "repay", "compare", "track", "rebalance", "claim"),
        ("frugal", "passive", "fixed", "low-cost", "tax-free", "monthly", "steady", "safe"),
        (
            "penny",
            "thrift",
            "ledger",
            "coin",
            "nest",
            "budget",
            "wallet",
            "sterling",
            "acorn",
            "tally",
            "purse",
            "mint",
        ),
        ("money", "finance", "saver", "wealth", "cents", "pounds", "fund"),
    ),
    Niche(
        "woodworking",
        "Woodworking",
        ("joinery", "finishing", "tools", "projects", "timber", "workshop"),
        (
            "dovetails",
            "chisels",
            "hand planes",
            "oak",
            "workbenches",
            "finishes",
            "mortises",
            "walnut",
            "clamps",
            "saws",
            "veneers",
            "dowels",
        ),
        ("plane", "carve", "sand", "join", "glue", "sharpen", "finish", "cut"),
        ("hand-cut", "rough", "oiled", "seasoned", "curly", "reclaimed", "green", "fine"),
        (
            "oak",
            "chisel",
            "grain",
            "timber",
            "mortise",
            "lathe",
            "walnut",
            "ash",
            "birch",
            "plane",
            "joiner",
            "dovetail",
        ),
        ("works", "craft", "shop", "bench", "joinery", "makers", "woods"),
    ),
    Niche(
        "astronomy",
        "Astronomy",
        ("observing", "telescopes", "planets", "deep-sky", "astrophotography", "events"),
        (
            "telescopes",
            "nebulae",
            "eyepieces",
            "eclipses",
            "meteor showers",
            "galaxies",
            "star charts",
            "mounts",
            "planets",
            "comets",
            "binoculars",
            "moons",
        ),
        ("observe", "track", "align", "spot", "image", "collimate", "chart", "sketch"),
        ("faint", "bright", "dark-sky", "lunar", "northern", "distant", "clear", "wide-field"),
        (
            "orbit",
            "nova",
            "zenith",
            "comet",
            "nebula",
            "stellar",
            "lunar",
            "quasar",
            "meridian",
            "cosmos",
            "aurora",
            "galaxy",
        ),
        ("sky", "stars", "observatory", "astro", "skies", "space", "scope"),
    ),
)

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
