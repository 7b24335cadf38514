"""Fill an empty database with a large synthetic outlet for benchmarks.

    manage.py seed_bench --stories 100000 --comments 1000000

Everything is written with bulk inserts in batches, one transaction per batch, so 100,000
stories and a million comments take minutes, not hours. bulk_create() skips save(), so what
save() would derive is derived here with the model's own code: the cleaned body, word count,
reading time and publication month (`Article._derive`), each comment's HTML
(`Comment.derive`) and every story's search-index row (`articles.search.write_documents`).
No history rows or moderation-log lines are written; the benchmark does not read them. It
ends with ANALYZE so the query planner has statistics, as on a site that has been running.

The text is generated from the word lists below: an invented harbour town, invented people.
A fixed `--seed` gives the same site every time.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator, Sequence
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, Author, Section
from articles.sanitize import clean_body
from articles.search import SearchDocument, topics_of, write_documents
from comments.models import Comment
from newsroom.invalidation import invalidate_everything

MAX_STORIES = 5_000_000
MAX_COMMENTS_PER_STORY = 5_000
BATCH = 2_000

SECTIONS = [
    ("Harbour", "harbour"),
    ("Town Hall", "town-hall"),
    ("Schools", "schools"),
    ("Business", "business"),
    ("Weather", "weather"),
    ("Sport", "sport"),
    ("Culture", "culture"),
    ("Letters", "letters"),
]
FIRST_NAMES = [
    "Ada", "Bram", "Cleo", "Dorian", "Edda", "Fenna", "Gwil", "Hesper", "Ilse", "Jory", "Kestrel",
    "Lorna", "Merrin", "Nell", "Oswin", "Petra", "Quill", "Rhoswen", "Sable", "Tamsin", "Ulric",
    "Vesna", "Wren", "Yestin", "Zillah",
]  # fmt: skip
LAST_NAMES = [
    "Quayle", "Penhallow", "Marrick", "Tregothnan", "Saltash", "Oakhurst", "Brindle", "Gullane",
    "Fairwater", "Kestle", "Menheniot", "Rosevear", "Trelawny", "Hawksmoor", "Cardew", "Polwhele",
]  # fmt: skip
SUBJECTS = [
    "harbour board", "ferry crew", "lifeboat station", "fish market", "town council",
    "school governors", "lighthouse trust", "sailing club", "allotment society", "bus company",
    "library", "tide gauge", "coastguard", "boatyard", "pier company", "chamber of trade",
    "rowing club", "museum", "cottage hospital",
]  # fmt: skip
VERBS = [
    "delays", "approves", "rejects", "reviews", "extends", "postpones", "celebrates", "questions",
    "funds", "reopens", "closes", "doubles", "halves", "defends", "announces",
]  # fmt: skip
OBJECTS = [
    "dredging plan", "new pontoon", "parking charges", "winter timetable", "sea wall repairs",
    "summer regatta", "rent increase", "flood barrier", "oyster beds", "harbour dues",
    "night market", "slipway works", "bathing water tests", "coastal path", "school crossing",
    "quay lighting",
]  # fmt: skip
WORDS = [
    "tide", "quay", "harbour", "mooring", "council", "budget", "ferry", "timetable", "pilot",
    "channel", "silt", "basin", "crane", "pontoon", "lifeboat", "volunteer", "storm", "gale",
    "forecast", "spring", "neap", "estuary", "seal", "gull", "fisher", "catch", "auction",
    "market", "ice", "engine", "hull", "keel", "rope", "winch", "slip", "boatyard", "trust",
    "meeting", "vote", "member", "chair", "report", "survey", "plan", "works", "contract", "delay",
    "cost", "pound", "year", "winter", "summer", "season", "visitor", "resident", "school",
    "pupil", "teacher", "parent", "bus", "route", "stop", "library", "museum", "archive",
    "photograph", "lighthouse", "keeper", "lamp", "signal", "buoy", "beacon", "chart",
]  # fmt: skip
TAG_WORDS = [
    "dredging", "ferries", "lifeboat", "fishing", "council", "schools", "weather", "regatta",
    "flooding", "tourism", "transport", "housing", "wildlife", "heritage", "budget", "planning",
    "health", "sport", "arts", "letters", "moorings", "harbour dues", "sea wall", "storms",
    "volunteers", "markets", "libraries", "museums", "jobs", "energy",
]  # fmt: skip
# Most stories are live; some are scheduled, in review or drafts, as on a working site.
STORY_STATES = [("published", 92), ("scheduled", 3), ("review", 2), ("draft", 3)]
COMMENT_STATES = [
    (Comment.Status.APPROVED, 85),
    (Comment.Status.PENDING, 8),
    (Comment.Status.REJECTED, 4),
    (Comment.Status.SPAM, 2),
    (Comment.Status.REMOVED, 1),
]


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(WORDS, k=words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


class Command(BaseCommand):
    help = "Fill an empty database with N synthetic stories and M comments for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=int, required=True, help="How many stories.")
        parser.add_argument("--comments", type=int, default=0, help="How many comments.")
        parser.add_argument(
            "--years", type=int, default=5, help="Spread stories over this many years back."
        )
        parser.add_argument("--authors", type=int, default=40, help="How many bylines.")
        parser.add_argument("--seed", type=int, default=6, help="Same seed, same site.")

    def handle(self, *args: object, **options: int) -> None:
        stories, comments = options["stories"], options["comments"]
        years, authors = options["years"], options["authors"]
        if not 1 <= stories <= MAX_STORIES:
            raise CommandError(f"--stories must be between 1 and {MAX_STORIES:,}; got {stories}.")
        if comments < 0:
            raise CommandError(f"--comments cannot be negative; got {comments}.")
        if comments > stories * MAX_COMMENTS_PER_STORY:
            raise CommandError(
                f"--comments {comments:,} is more than {MAX_COMMENTS_PER_STORY:,} per story; "
                "add stories or ask for fewer comments."
            )
        if not 1 <= years <= 50:
            raise CommandError(f"--years must be between 1 and 50; got {years}.")
        if not 1 <= authors <= 10_000:
            raise CommandError(f"--authors must be between 1 and 10,000; got {authors}.")
        existing = Article.objects.count()
        if existing:
            # Slugs, nonces and the benchmark's numbers all assume a site of exactly this size.
            raise CommandError(
                f"seed_bench fills an empty database, and this one has {existing:,} stories. "
                "Point DATABASE_URL at a new database and run `manage.py migrate` first."
            )
        self.verbosity = options["verbosity"]
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        started = time.perf_counter()
        sections, bylines, tags = self._furniture(authors)
        live = self._stories(stories, years, sections, bylines, tags)
        self._comments(comments, live)
        invalidate_everything()  # bulk writes send no signals; cached pages must not survive
        # Fresh statistics, as a live site gets from autovacuum (PostgreSQL) or a periodic
        # `PRAGMA optimize` (SQLite): without them SQLite guesses and may walk every live story
        # testing membership of a tag or a byline instead of starting from the tag.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {stories:,} stories ({len(live):,} live) and {comments:,} comments "
                f"in {seconds:.1f} s."
            )
        )

    # --- Sections, bylines, tags -------------------------------------------------------------

    def _furniture(self, count: int) -> tuple[list[Section], list[Author], list[Tag]]:
        with transaction.atomic():
            sections = [
                Section.objects.get_or_create(
                    slug=slug, defaults={"name": name, "position": position}
                )[0]
                for position, (name, slug) in enumerate(SECTIONS)
            ]
            names = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES]
            self.rng.shuffle(names)
            taken = set(Author.objects.values_list("slug", flat=True))
            authors = []
            for n in range(count):
                name = names[n % len(names)] + (
                    f" {n // len(names) + 1}" if n >= len(names) else ""
                )
                slug = slugify(name)
                if slug not in taken:
                    taken.add(slug)
                    authors.append(Author(name=name, slug=slug, bio="Reports for the Gazette."))
            Author.objects.bulk_create(authors)
            tag_names = [*TAG_WORDS, *(f"{s} {o}" for s in SUBJECTS[:6] for o in OBJECTS[:5])]
            known = set(Tag.objects.values_list("slug", flat=True))
            Tag.objects.bulk_create(
                [
                    Tag(name=name, slug=slugify(name))
                    for name in tag_names
                    if slugify(name) not in known
                ]
            )
        return (
            sections,
            list(Author.objects.filter(slug__in=taken)),
            list(Tag.objects.filter(name__in=tag_names)),
        )

    # --- Stories -----------------------------------------------------------------------------

    def _stories(
        self,
        count: int,
        years: int,
        sections: list[Section],
        authors: list[Author],
        tags: list[Tag],
    ) -> list[tuple[int, dt.datetime]]:
        """Write the stories; returns (pk, published_at) of the live ones, for comments."""
        content_type = ContentType.objects.get_for_model(Article)
        span = dt.timedelta(days=365 * years).total_seconds()
        live: list[tuple[int, dt.datetime]] = []
        made = 0
        for numbers in _batches(iter(range(count)), BATCH):
            articles, texts = [], []
            for n in numbers:
                article, text = self._story(n, span, sections)
                articles.append(article)
                texts.append(text)
            with transaction.atomic():
                Article.objects.bulk_create(articles)
                links, tagged, documents = [], [], []
                for article, text in zip(articles, texts, strict=True):
                    chosen = self.rng.sample(
                        authors, k=min(len(authors), self.rng.choice([1, 1, 2]))
                    )
                    links += [
                        ArticleAuthor(article=article, author=author, position=position)
                        for position, author in enumerate(chosen)
                    ]
                    story_tags = self.rng.sample(tags, k=min(len(tags), self.rng.randint(1, 4)))
                    tagged += [
                        TaggedItem(tag=tag, content_type=content_type, object_id=article.pk)
                        for tag in story_tags
                    ]
                    documents.append(
                        SearchDocument(
                            article_id=article.pk,
                            headline=article.headline,
                            standfirst=article.standfirst,
                            body=text,
                            tags=topics_of(article.section.name, (t.name for t in story_tags)),
                            authors=" ".join(author.name for author in chosen),
                        )
                    )
                    if article.is_live(at=self.now) and article.published_at is not None:
                        live.append((article.pk, article.published_at))
                ArticleAuthor.objects.bulk_create(links)
                TaggedItem.objects.bulk_create(tagged)
                write_documents(documents)
            made += len(articles)
            self._progress("stories", made, count)
        return live

    def _story(self, n: int, span: float, sections: list[Section]) -> tuple[Article, str]:
        rng = self.rng
        headline = f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(4, 9))]
        body = "".join(
            (f"<h2>{_sentence(rng, 3)[:-1]}</h2>" if i and i % 3 == 0 else "") + f"<p>{p}</p>"
            for i, p in enumerate(paragraphs)
        )
        state = _weighted(rng, STORY_STATES)
        published_at: dt.datetime | None = None
        if state == "published" or n == 0:  # the first story is always live
            state = "published"
            published_at = self.now - dt.timedelta(seconds=rng.uniform(60, span))
        elif state == "scheduled":
            state = "published"
            published_at = self.now + dt.timedelta(hours=rng.uniform(1, 24 * 30))
        article = Article(
            headline=headline,
            # The number keeps slugs unique within a month however often a headline repeats.
            slug=f"{slugify(headline)[:180]}-{n + 1}",
            standfirst=_sentence(rng, rng.randint(12, 24)),
            body=clean_body(body),
            section=rng.choice(sections),
            status=state,
            published_at=published_at,
            created_at=(published_at or self.now) - dt.timedelta(hours=rng.uniform(1, 48)),
            comment_mode=_weighted(rng, [("open", 90), ("premoderated", 7), ("closed", 3)]),
        )
        # What save() derives: word count, reading time and the month that scopes the slug.
        article._derive()
        return article, " ".join(paragraphs)

    # --- Comments ----------------------------------------------------------------------------

    def _comments(self, count: int, live: list[tuple[int, dt.datetime]]) -> None:
        if not count:
            return
        if not live:
            raise CommandError("No live story to put comments under; seed more stories.")
        # A few stories draw most comments, as on a real site: weights from a long tail.
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(live))]
        self.rng.shuffle(weights)
        per_story = dict.fromkeys(range(len(live)), 0)
        for index in self.rng.choices(range(len(live)), weights=weights, k=count):
            per_story[index] += 1
        cap = MAX_COMMENTS_PER_STORY
        overflow = sum(max(0, c - cap) for c in per_story.values())
        per_story = {i: min(c, cap) for i, c in per_story.items() if c}
        for index in range(len(live)):
            if not overflow:
                break
            room = cap - per_story.get(index, 0)
            extra = min(room, overflow)
            per_story[index] = per_story.get(index, 0) + extra
            overflow -= extra
        made = 0
        plan = iter(sorted(per_story.items()))
        for group in _batches(plan, 200):
            roots: list[Comment] = []
            replies: list[Comment] = []
            for index, how_many in group:
                article_id, published_at = live[index]
                self._thread(article_id, published_at, how_many, made, roots, replies)
                made += how_many
            with transaction.atomic():
                Comment.objects.bulk_create(roots, batch_size=BATCH)
                # Level by level, so every parent has its primary key before its replies.
                for depth in (1, 2):
                    level = [reply for reply in replies if reply.depth == depth]
                    for reply in level:
                        # Read the parent once: setting parent_id drops the cached object.
                        parent = reply.parent
                        assert parent is not None  # replies are made with their parent
                        reply.parent_id = parent.pk
                        reply.root_id = parent.root_id or parent.pk
                    Comment.objects.bulk_create(level, batch_size=BATCH)
            self._progress("comments", made, count)

    def _thread(
        self,
        article_id: int,
        published_at: dt.datetime,
        count: int,
        first_number: int,
        roots: list[Comment],
        replies: list[Comment],
    ) -> None:
        """One story's comments: about a third answer an earlier one, two levels at most."""
        rng = self.rng
        story_roots: list[Comment] = []
        story_replies: list[Comment] = []
        elapsed = max(60.0, (self.now - published_at).total_seconds())
        moments = sorted(rng.uniform(30, min(elapsed, 14 * 86400)) for _ in range(count))
        for offset, seconds in enumerate(moments):
            n = first_number + offset
            comment = Comment(
                article_id=article_id,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}.",
                email=f"reader{n}@example.test",
                body=_paragraph(rng) if rng.random() < 0.7 else _sentence(rng, 9),
                status=_weighted(rng, COMMENT_STATES),
                ip_hash=f"{rng.getrandbits(128):032x}",
                nonce=f"bench-{n}",
                created_at=published_at + dt.timedelta(seconds=seconds),
            )
            comment.derive()  # bulk_create skips save()
            candidates = story_roots + [r for r in story_replies[-20:] if r.depth < 2]
            if candidates and rng.random() < 0.35:
                parent = rng.choice(candidates)
                comment.parent = parent
                comment.depth = parent.depth + 1
                story_replies.append(comment)
            else:
                story_roots.append(comment)
        roots.extend(story_roots)
        replies.extend(story_replies)

    def _progress(self, what: str, done: int, total: int) -> None:
        # With NEWSROOM_DEBUG=1 Django keeps the last 9,000 queries, each bulk INSERT a few
        # hundred kilobytes of SQL: close to a gigabyte by the end of a large run.
        reset_queries()
        if self.verbosity and (done == total or done % (BATCH * 10) < BATCH):
            self.stdout.write(f"  {what}: {done:,} of {total:,}")
