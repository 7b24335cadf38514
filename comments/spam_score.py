"""A spam score learned from this site's own moderators: naive Bayes over a comment's words,
the sites it links to and a few features. Pure: it imports no model, so it is tested on plain
lists, and comments/models/tuning.py stores what it learns.

"Unwanted" means what moderators turned away (rejected or marked as spam); "wanted" what they
published. The score is the model's probability that a comment is unwanted. It only ever
holds a comment for a person (comments/rules.py); it never publishes or rejects one.

Each comment counts as a set of tokens (a word said ten times is one piece of evidence), with
add-one smoothing, so a word seen once in one class cannot decide alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from comments.text import URL_RE

_WORD = re.compile(r"[^\W\d_]{2,30}")
# Tokens that are not words: links and features. Shown to moderators as they are.
LINK_PREFIX = "link:"
FEATURE_PREFIX = "has:"
# Words too common to say anything; kept short on purpose (the model learns the rest).
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "this",
        "with",
        "you",
        "are",
        "was",
        "but",
        "not",
        "have",
        "has",
        "had",
        "its",
        "his",
        "her",
        "they",
        "them",
        "our",
        "out",
        "all",
        "can",
        "will",
        "from",
        "what",
        "who",
        "when",
        "where",
        "which",
        "there",
        "their",
        "than",
        "then",
        "just",
    ]
)


def tokens(body: str, *, name: str = "", email: str = "") -> set[str]:
    """What the model looks at in one comment."""
    found: set[str] = set()
    links = URL_RE.findall(body)
    for link in links:
        text = link.rstrip(".,;:!?)]}'\"")
        host = urlsplit(text if "//" in text else f"http://{text}").hostname or ""
        if host:
            found.add(LINK_PREFIX + host.removeprefix("www."))
    without_links = URL_RE.sub(" ", body)
    found.update(w for w in (m.lower() for m in _WORD.findall(without_links)) if w not in _STOP)
    letters = [c for c in without_links if c.isalpha()]
    if links:
        found.add(FEATURE_PREFIX + "links")
    if len(links) >= 2:
        found.add(FEATURE_PREFIX + "several_links")
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        found.add(FEATURE_PREFIX + "shouting")
    if "!!" in body:
        found.add(FEATURE_PREFIX + "exclamations")
    if len(body) < 40:
        found.add(FEATURE_PREFIX + "very_short")
    if any(ch.isdigit() for ch in name):
        found.add(FEATURE_PREFIX + "digits_in_name")
    if email and email.rsplit("@", 1)[-1].lower() in {h.removeprefix(LINK_PREFIX) for h in found}:
        found.add(FEATURE_PREFIX + "links_own_domain")
    return found


@dataclass
class Model:
    """Document counts per token for each class, and how many comments of each."""

    unwanted: dict[str, int] = field(default_factory=dict)
    wanted: dict[str, int] = field(default_factory=dict)
    unwanted_docs: int = 0
    wanted_docs: int = 0

    def learn(self, seen: Iterable[str], *, is_unwanted: bool) -> None:
        counts = self.unwanted if is_unwanted else self.wanted
        for token in set(seen):
            counts[token] = counts.get(token, 0) + 1
        if is_unwanted:
            self.unwanted_docs += 1
        else:
            self.wanted_docs += 1

    def weight(self, token: str) -> float:
        """How far this token moves the log-odds towards unwanted (negative: towards wanted)."""
        p_unwanted = (self.unwanted.get(token, 0) + 1) / (self.unwanted_docs + 2)
        p_wanted = (self.wanted.get(token, 0) + 1) / (self.wanted_docs + 2)
        return math.log(p_unwanted / p_wanted)

    def score(self, seen: Iterable[str]) -> tuple[float, list[tuple[str, float]]]:
        """The probability the comment is unwanted, and its known tokens by weight, heaviest
        towards unwanted first."""
        known = [t for t in set(seen) if t in self.unwanted or t in self.wanted]
        prior = math.log((self.unwanted_docs + 1) / (self.wanted_docs + 1))
        weights = sorted(((t, self.weight(t)) for t in known), key=lambda tw: (-tw[1], tw[0]))
        log_odds = prior + sum(w for _, w in weights)
        # The logistic function, kept finite for very long comments.
        probability = 1 / (1 + math.exp(-max(min(log_odds, 50.0), -50.0)))
        return probability, weights

    def as_json(self) -> dict:
        return {
            "unwanted": self.unwanted,
            "wanted": self.wanted,
            "unwanted_docs": self.unwanted_docs,
            "wanted_docs": self.wanted_docs,
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            unwanted=dict(data.get("unwanted", {})),
            wanted=dict(data.get("wanted", {})),
            unwanted_docs=int(data.get("unwanted_docs", 0)),
            wanted_docs=int(data.get("wanted_docs", 0)),
        )


def train(examples: Iterable[tuple[set[str], bool]]) -> Model:
    model = Model()
    for seen, is_unwanted in examples:
        model.learn(seen, is_unwanted=is_unwanted)
    return model


@dataclass(frozen=True)
class Evaluation:
    examples: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        unwanted = self.true_positives + self.false_negatives
        return self.true_positives / unwanted if unwanted else None


def evaluate(
    model: Model, examples: Sequence[tuple[set[str], bool]], *, threshold: float
) -> Evaluation:
    """How the model's holds (score at or over `threshold`) match what moderators decided."""
    tp = fp = fn = 0
    for seen, is_unwanted in examples:
        held = model.score(seen)[0] >= threshold
        tp += held and is_unwanted
        fp += held and not is_unwanted
        fn += (not held) and is_unwanted
    return Evaluation(len(examples), tp, fp, fn)


def heaviest(weights: Sequence[tuple[str, float]], count: int = 5) -> list[str]:
    """The tokens that weighed most towards unwanted, as moderators read them."""
    return [token for token, weight in weights[:count] if weight > 0]
