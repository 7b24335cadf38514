"""Demo content for a fictional outlet, The Harbour Gazette of Port Ellery.

Every name, place and number here is invented. `load_demo` writes it idempotently: rows are
found by slug or username, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

SECTIONS = [
    ("Local", "local", "Council, courts, schools and streets of Port Ellery and the valley."),
    ("Environment", "environment", "The estuary, the weather and the land around us."),
    ("Business", "business", "Work, money and the harbour economy."),
]

AUTHORS = [
    (
        "Maren Okafor",
        "maren-okafor",
        "Covers the council and the courts. Joined in 2019.",
        "editor",
    ),
    ("Tobiah Quill", "tobiah-quill", "Environment reporter; walks the estuary most mornings.", ""),
    ("Ines Varga", "ines-varga", "Business and harbour correspondent.", "writer"),
    ("Dev Castellan", "dev-castellan", "Data reporter who checks the numbers.", ""),
]


@dataclass
class DemoStory:
    slug: str
    headline: str
    standfirst: str
    section: str
    authors: list[str]
    tags: list[str]
    days_ago: float
    paragraphs: list[str]
    status: str = "published"
    correction: str = ""
    image_caption: str = ""
    image_credit: str = ""
    image_alt: str = ""
    palette: tuple[str, str] = ("#16425b", "#81c3d7")
    subheads: dict[int, str] = field(default_factory=dict)


STORIES = [
    DemoStory(
        slug="council-approves-harbour-wall-repairs",
        headline="Council approves £4.2 million repair of the old harbour wall",
        standfirst="Work on the 140-year-old wall starts in spring and will close the east quay "
        "for eleven weeks.",
        section="local",
        authors=["maren-okafor"],
        tags=["harbour", "council"],
        days_ago=2,
        paragraphs=[
            "Port Ellery's council voted 17 to 4 on Tuesday night to spend £4.2 million repairing "
            "the old harbour wall, ending two years of argument about whether the structure "
            "should be patched or replaced.",
            "Engineers from the council's own works department told members that 38 metres of "
            "the wall had lost mortar below the waterline and that two sections had moved by "
            "up to 6 centimetres since the winter storms.",
            "The east quay will close for about eleven weeks while divers and masons work from "
            "a floating platform. Fishing boats will moor at the west pontoons during that time.",
            "Councillor Priya Holloway, who chairs the harbour committee, said the repair would "
            "“buy the town another fifty years” at a third of the cost of a new wall.",
        ],
        subheads={2: "Eleven weeks without the east quay"},
        image_caption="The east quay at low tide, where the wall has lost mortar.",
        image_credit="Photo: Harbour Gazette",
        image_alt="A stone harbour wall at low tide with small boats resting on the mud.",
    ),
    DemoStory(
        slug="estuary-seal-count-rises",
        headline="Seal count in the Ellery estuary rises for a third year",
        standfirst="Volunteers counted 212 grey seals on the sandbanks in the autumn survey.",
        section="environment",
        authors=["tobiah-quill"],
        tags=["estuary", "wildlife"],
        days_ago=5,
        paragraphs=[
            "Volunteers from the Ellery Estuary Trust counted 212 grey seals on the sandbanks "
            "during this autumn's survey, up from 187 last year and 151 the year before.",
            "The trust's survey lead, Hana Brightwater, said the rise probably reflected calmer "
            "water since the dredging of the main channel stopped, but warned that one year's "
            "count could be thrown off by the weather on the day.",
            "Walkers are asked to stay at least 50 metres from the animals and to keep dogs on "
            "leads along the north shore path between October and January.",
        ],
        palette=("#2d6a4f", "#b7e4c7"),
        image_caption="Grey seals hauled out on the Long Sand.",
        image_credit="Photo: Ellery Estuary Trust",
        image_alt="Grey seals resting on a sandbank with the estuary water behind them.",
        correction="An earlier version of this story gave last year's count as 178. It was 187.",
    ),
    DemoStory(
        slug="ferry-timetable-cut-winter",
        headline="Island ferry to run three crossings a day this winter",
        standfirst="The operator blames a shortage of qualified crew for the reduced timetable.",
        section="business",
        authors=["ines-varga"],
        tags=["ferry", "transport"],
        days_ago=9,
        paragraphs=[
            "The ferry between Port Ellery and Skerrin Island will run three return crossings a "
            "day from December until the end of February, down from five.",
            "Skerrin Sound Ferries said it had been unable to recruit two deck officers needed "
            "for a second crew, despite advertising since the summer.",
            "Islanders who commute to the mainland for work said the earliest crossing, now at "
            "08:15, would make them late for jobs that start at eight.",
        ],
        palette=("#023e8a", "#90e0ef"),
    ),
    DemoStory(
        slug="new-primary-school-opens",
        headline="Valley’s first new primary school in thirty years opens its doors",
        standfirst="Brackenford Primary takes 96 pupils in its first term.",
        section="local",
        authors=["maren-okafor", "dev-castellan"],
        tags=["schools", "council"],
        days_ago=16,
        paragraphs=[
            "Brackenford Primary opened on Monday with 96 pupils, the first new primary school "
            "in the Ellery valley since 1994.",
            "The school has room for 210 children and will fill year by year as the new houses "
            "on the former brickworks site are finished.",
            "Parents at the gate praised the building's outdoor classrooms but raised concerns "
            "about the lack of a crossing on Mill Lane.",
        ],
        palette=("#9d4edd", "#e0aaff"),
    ),
    DemoStory(
        slug="fish-market-prices",
        headline="Fish market prices hold steady despite a stormy month",
        standfirst="Auction figures show mackerel and crab prices barely moved in October.",
        section="business",
        authors=["ines-varga", "dev-castellan"],
        tags=["harbour", "fishing"],
        days_ago=22,
        paragraphs=[
            "Prices at the Port Ellery fish auction held steady in October even though boats "
            "lost eight fishing days to storms, according to the market's monthly figures.",
            "Crab fetched an average of £5.10 a kilo, against £5.05 in September. Mackerel "
            "dipped slightly, to £1.80 a kilo.",
            "Auctioneer Colm Redfern said buyers from inland restaurants had kept demand up.",
        ],
        palette=("#bc6c25", "#fefae0"),
    ),
    DemoStory(
        slug="footpath-reopens-after-landslip",
        headline="Cliff footpath reopens a year after landslip",
        standfirst="A new section of path runs 20 metres inland of the old route.",
        section="environment",
        authors=["tobiah-quill"],
        tags=["coast", "walking"],
        days_ago=30,
        paragraphs=[
            "The coast path between Gull Point and Saltern Cove has reopened, a year after a "
            "landslip carried part of it into the sea.",
            "Rangers have built a new section about 20 metres inland, with steps down to the "
            "cove that avoid the unstable ground.",
            "Signs at both ends now warn walkers to keep away from the cliff edge after heavy "
            "rain.",
        ],
        palette=("#6a994e", "#f2e8cf"),
    ),
    DemoStory(
        slug="shipyard-wins-contract",
        headline="Ellery shipyard wins contract for two research vessels",
        standfirst="The order is the yard's largest in a decade and secures about 120 jobs.",
        section="business",
        authors=["ines-varga"],
        tags=["harbour", "jobs"],
        days_ago=38,
        paragraphs=[
            "Corran & Daughters, the shipyard on the north bank, has won a contract to build two "
            "coastal research vessels for a university consortium.",
            "The yard said the order would secure about 120 jobs for three years and allow it "
            "to take on twelve apprentices.",
            "It did not disclose the value of the contract.",
        ],
        palette=("#264653", "#e9c46a"),
    ),
    DemoStory(
        slug="library-extends-opening-hours",
        headline="Town library extends its opening hours",
        standfirst="The library will open on Sunday afternoons from next month.",
        section="local",
        authors=["maren-okafor"],
        tags=["council", "libraries"],
        days_ago=47,
        paragraphs=[
            "Port Ellery library will open from 1pm to 5pm on Sundays from next month, after "
            "a petition signed by more than 1,400 residents.",
            "The council said the extra hours would be staffed by moving two part-time posts "
            "rather than by hiring.",
        ],
        palette=("#780000", "#fdf0d5"),
    ),
    DemoStory(
        slug="flood-barrier-test",
        headline="Flood barrier passes its first full test",
        standfirst="All six gates closed in under forty minutes during the autumn trial.",
        section="environment",
        authors=["tobiah-quill", "dev-castellan"],
        tags=["estuary", "flooding"],
        days_ago=55,
        paragraphs=[
            "The new tidal flood barrier at the mouth of the Ellery closed all six of its gates "
            "in 37 minutes during its first full test on Saturday.",
            "The design target was 45 minutes. Engineers will repeat the test at night in "
            "December.",
            "About 640 homes in the lower town lie inside the area the barrier protects.",
        ],
        palette=("#003049", "#669bbc"),
    ),
    DemoStory(
        slug="market-hall-traders",
        headline="Market hall traders ask for a rent freeze",
        standfirst="Stallholders say footfall has not recovered since the bypass opened.",
        section="business",
        authors=["ines-varga"],
        tags=["council", "shops"],
        days_ago=63,
        paragraphs=[
            "Traders in the Victorian market hall have asked the council to freeze their rents "
            "for two years, saying fewer shoppers come into town since the bypass opened.",
            "Of the hall's 28 stalls, 5 are empty. The council said it would consider the "
            "request at its January meeting.",
        ],
        palette=("#588157", "#dad7cd"),
    ),
    DemoStory(
        slug="rowing-club-centenary",
        headline="Rowing club marks its centenary with a race to the island",
        standfirst="Forty crews rowed the eight kilometres to Skerrin in calm seas.",
        section="local",
        authors=["maren-okafor"],
        tags=["sport", "harbour"],
        days_ago=72,
        paragraphs=[
            "Forty crews took part in Port Ellery Rowing Club's centenary race to Skerrin "
            "Island on Sunday, rowing eight kilometres in unusually calm seas.",
            "The fastest boat, crewed by four members of the club's veterans' squad, finished "
            "in 41 minutes.",
        ],
        palette=("#1d3557", "#a8dadc"),
    ),
    DemoStory(
        slug="wind-survey-offshore",
        headline="Survey ship maps seabed for possible offshore wind site",
        standfirst="The results will decide whether turbines could be built west of Skerrin.",
        section="environment",
        authors=["tobiah-quill"],
        tags=["energy", "coast"],
        days_ago=84,
        paragraphs=[
            "A survey ship has spent three weeks mapping the seabed west of Skerrin Island, "
            "where a developer hopes to build a small offshore wind farm.",
            "Fishing crews have asked to see the survey results before any planning application "
            "is made.",
        ],
        palette=("#335c67", "#e09f3e"),
    ),
    DemoStory(
        slug="harbour-festival-returns",
        headline="Harbour festival returns with a night market",
        standfirst="Organisers plan a two-day programme on the quays next summer.",
        section="local",
        authors=["maren-okafor"],
        tags=["harbour", "events"],
        days_ago=-3,
        paragraphs=[
            "The Port Ellery harbour festival will return next summer after a three-year gap, "
            "with a night market on the west quay.",
            "Organisers are looking for volunteers and stallholders.",
        ],
        palette=("#ff006e", "#ffbe0b"),
    ),
    DemoStory(
        slug="bus-route-review",
        headline="Valley bus routes under review",
        standfirst="Draft: waiting for the operator's figures.",
        section="local",
        authors=["ines-varga"],
        tags=["transport"],
        days_ago=0,
        status="draft",
        paragraphs=[
            "The county is reviewing the three bus routes that serve the Ellery valley.",
            "Figures on passenger numbers are expected from the operator next week.",
        ],
    ),
]


def story_body(story: DemoStory) -> str:
    parts = []
    for index, paragraph in enumerate(story.paragraphs):
        if index in story.subheads:
            parts.append(f"<h2>{story.subheads[index]}</h2>")
        parts.append(f"<p>{paragraph}</p>")
    return "".join(parts)


def published_at(story: DemoStory, now: dt.datetime) -> dt.datetime:
    return (now - dt.timedelta(days=story.days_ago)).replace(second=0, microsecond=0)


def draw_image(
    slug: str, palette: tuple[str, str], size: tuple[int, int] = (1600, 900)
) -> ContentFile:
    """A simple generated picture: a sky gradient, a sea and a few hills, seeded by the slug."""
    rng = random.Random(slug)
    top, bottom = (Image.new("RGB", (1, 1), colour).getpixel((0, 0)) for colour in palette)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    horizon = int(height * rng.uniform(0.55, 0.7))
    for _ in range(3):
        x = rng.randint(-200, width)
        draw.ellipse(
            [x, horizon - rng.randint(80, 220), x + rng.randint(400, 900), horizon + 200],
            fill=tuple(max(0, c - 60) for c in top),
        )
    draw.rectangle([0, horizon, width, height], fill=tuple(max(0, c - 90) for c in top))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"{slug}.jpg")


# The front page as the demo editors arranged it: slug -> featured position (1 = lead).
FEATURED = {
    "council-approves-harbour-wall-repairs": 1,
    "estuary-seal-count-rises": 2,
    "shipyard-wins-contract": 3,
    "flood-barrier-test": 4,
}

CAMPAIGN = {
    "title": "Do you like this content? Consider helping us!",
    "appeal": "The Harbour Gazette is free to read and answers to no owner. Reader gifts pay "
    "for our reporters at council meetings, in court and out on the estuary.",
    "goal": 12000,
    "raised": 7340,
    "currency": "GBP",
    "donate_url": "https://harbour-gazette.example/donate",
}
