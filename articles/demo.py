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


@dataclass(frozen=True)
class DemoSource:
    title: str
    publisher: str
    kind: str
    url: str = ""
    days_ago: int | None = None


@dataclass(frozen=True)
class DemoFigure:
    counts: str
    source: str | None  # a key of SOURCES; None leaves it unsourced (drafts only)
    metric: str = ""  # a key of METRICS
    # How long before publication the number describes; None means the story's own date.
    as_of_days_before: int | None = None


@dataclass(frozen=True)
class DemoQuote:
    person: str  # a key of PEOPLE
    text: str
    role: str
    source: str


COUNCIL = "https://port-ellery-council.example"
SOURCES: dict[str, DemoSource] = {
    "council-minutes": DemoSource(
        "Minutes of the full council meeting: harbour wall repair",
        "Port Ellery Town Council",
        "document",
        f"{COUNCIL}/meetings/full-council/harbour-wall-minutes",
        3,
    ),
    "works-survey": DemoSource(
        "Harbour wall condition survey",
        "Port Ellery Council Works Department",
        "document",
        f"{COUNCIL}/reports/harbour-wall-condition-survey",
        40,
    ),
    "holloway-interview": DemoSource(
        "Interview with Cllr Priya Holloway", "The Harbour Gazette", "interview"
    ),
    "seal-survey": DemoSource(
        "Autumn grey seal survey",
        "Ellery Estuary Trust",
        "data",
        "https://ellery-estuary-trust.example/surveys/grey-seals-autumn",
        8,
    ),
    "council-wildlife-report": DemoSource(
        "Estuary wildlife monitoring report",
        "Port Ellery Town Council",
        "document",
        f"{COUNCIL}/reports/estuary-wildlife-monitoring",
        4,
    ),
    "brightwater-interview": DemoSource(
        "Interview with Hana Brightwater", "The Harbour Gazette", "interview"
    ),
    "anselm-interview": DemoSource(
        "Interview with Ruth Anselm", "The Harbour Gazette", "interview"
    ),
    "ferry-statement": DemoSource(
        "Winter timetable announcement",
        "Skerrin Sound Ferries",
        "statement",
        "https://skerrin-sound-ferries.example/news/winter-timetable",
        10,
    ),
    "school-statement": DemoSource(
        "Brackenford Primary opens its doors",
        "Ellery Valley County Council",
        "statement",
        "https://ellery-valley-county.example/news/brackenford-primary-opens",
        17,
    ),
    "fish-auction": DemoSource(
        "Monthly auction figures",
        "Port Ellery Fish Market",
        "data",
        "https://port-ellery-fish-market.example/prices/monthly",
        23,
    ),
    "redfern-interview": DemoSource(
        "Interview with Colm Redfern", "The Harbour Gazette", "interview"
    ),
    "rangers-notice": DemoSource(
        "Gull Point to Saltern Cove path reopens",
        "Ellery Coast Rangers",
        "statement",
        "https://ellery-coast-rangers.example/notices/saltern-cove-path",
        31,
    ),
    "shipyard-release": DemoSource(
        "Corran & Daughters wins research vessel order",
        "Corran & Daughters",
        "statement",
        "https://corran-daughters.example/press/research-vessels",
        39,
    ),
    "library-decision": DemoSource(
        "Sunday opening at the town library",
        "Port Ellery Town Council",
        "statement",
        f"{COUNCIL}/news/library-sunday-opening",
        48,
    ),
    "barrier-report": DemoSource(
        "Ellery tidal barrier: first full closure test",
        "Ellery Valley Flood Authority",
        "document",
        "https://ellery-flood-authority.example/barrier/test-results",
        56,
    ),
    "traders-letter": DemoSource(
        "Letter to the council on market hall rents",
        "Market Hall Traders' Association",
        "document",
    ),
    "rowing-results": DemoSource(
        "Centenary race results",
        "Port Ellery Rowing Club",
        "data",
        "https://port-ellery-rowing.example/results/centenary-race",
        72,
    ),
    "wind-notice": DemoSource(
        "Notice of seabed survey west of Skerrin",
        "Skerrin Offshore Wind",
        "statement",
        "https://skerrin-offshore-wind.example/notices/seabed-survey",
        90,
    ),
    "festival-release": DemoSource(
        "The harbour festival returns",
        "Port Ellery Harbour Festival",
        "statement",
        "https://port-ellery-harbour-festival.example/news/festival-returns",
        4,
    ),
}

PEOPLE = {
    "priya-holloway": ("Priya Holloway", "Councillor; chairs Port Ellery's harbour committee."),
    "hana-brightwater": ("Hana Brightwater", "Survey lead at the Ellery Estuary Trust."),
    "colm-redfern": ("Colm Redfern", "Auctioneer at the Port Ellery fish market."),
    "ruth-anselm": ("Ruth Anselm", "Ecologist for Port Ellery Town Council."),
}

METRICS = {
    "grey-seals-ellery-estuary": (
        "Grey seals counted in the Ellery estuary",
        "seals",
        "The autumn count of grey seals hauled out on the estuary sandbanks.",
    ),
    "crab-price-port-ellery": (
        "Average crab price at the Port Ellery auction",
        "GBP per kilo",
        "The month's average price paid for crab at the fish auction.",
    ),
}


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
    # The ledger: every number in the body (keyed by its text as the finder reads it, lower
    # case), the quotes, and sources without a link in the body.
    figures: dict[str, DemoFigure] = field(default_factory=dict)
    quotes: list[DemoQuote] = field(default_factory=list)
    hand_sources: list[str] = field(default_factory=list)


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
            "Port Ellery's council "
            # A tracking parameter and a trailing slash: the link still resolves to the minutes.
            f'<a href="{COUNCIL}/meetings/full-council/harbour-wall-minutes/?utm_source=news">'
            "voted 17 to 4</a> on Tuesday night to spend £4.2 million repairing "
            "the old harbour wall, ending two years of argument about whether the structure "
            "should be patched or replaced.",
            "Engineers from the council's own works department "
            f'<a href="{COUNCIL}/reports/harbour-wall-condition-survey">told members</a> that 38 '
            "metres of "
            "the wall had lost mortar below the waterline and that two sections had moved by "
            "up to 6 centimetres since the winter storms.",
            "The east quay will close for about eleven weeks while divers and masons work from "
            "a floating platform. Fishing boats will moor at the west pontoons during that time.",
            "Councillor Priya Holloway, who chairs the harbour committee, said the repair would "
            "“buy the town another fifty years” at a third of the cost of a new wall.",
        ],
        subheads={2: "Eleven weeks without the east quay"},
        figures={
            "17": DemoFigure("Councillors voting for the repair", "council-minutes"),
            "4": DemoFigure("Councillors voting against the repair", "council-minutes"),
            "£4.2 million": DemoFigure("Cost of repairing the old harbour wall", "council-minutes"),
            "two years": DemoFigure("How long the council argued over the wall", "council-minutes"),
            "38 metres": DemoFigure(
                "Wall that has lost mortar below the waterline", "works-survey"
            ),
            "two": DemoFigure("Wall sections that moved after the winter storms", "works-survey"),
            "6 centimetres": DemoFigure("Largest movement of a wall section", "works-survey"),
            "eleven weeks": DemoFigure("Expected closure of the east quay", "council-minutes"),
            "fifty years": DemoFigure(
                "Extra life the repair gives the wall, according to Cllr Holloway",
                "council-minutes",
            ),
        },
        quotes=[
            DemoQuote(
                "priya-holloway",
                "buy the town another fifty years",
                "chair of the harbour committee",
                "council-minutes",
            )
        ],
        hand_sources=["holloway-interview"],
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
            'during <a href="https://ellery-estuary-trust.example/surveys/grey-seals-autumn">'
            "this autumn's survey</a>, up from 187 last year and 151 the year before.",
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
        figures={
            "212": DemoFigure(
                "Grey seals counted in the autumn survey",
                "seal-survey",
                "grey-seals-ellery-estuary",
                7,
            ),
            "187": DemoFigure(
                "Grey seals counted in last year's autumn survey",
                "seal-survey",
                "grey-seals-ellery-estuary",
                7 + 364,
            ),
            "151": DemoFigure(
                "Grey seals counted in the autumn survey two years ago",
                "seal-survey",
                "grey-seals-ellery-estuary",
                7 + 728,
            ),
            "50 metres": DemoFigure("Distance walkers should keep from the seals", "seal-survey"),
        },
        quotes=[
            DemoQuote(
                "hana-brightwater",
                "the rise probably reflected calmer water since the dredging of the main channel "
                "stopped",
                "survey lead, Ellery Estuary Trust",
                "brightwater-interview",
            )
        ],
        hand_sources=["brightwater-interview"],
    ),
    DemoStory(
        slug="council-report-seal-count",
        headline="Council report puts the autumn seal count lower than the trust’s",
        standfirst="Counting from the air and from the shore gave different answers.",
        section="environment",
        authors=["dev-castellan"],
        tags=["estuary", "wildlife"],
        days_ago=3,
        paragraphs=[
            f'A <a href="{COUNCIL}/reports/estuary-wildlife-monitoring">council monitoring '
            "report</a> puts this autumn's grey seal count in the Ellery estuary at 209 animals, "
            "against the 212 reported by the Ellery Estuary Trust for the same survey day.",
            "Ruth Anselm, the council's ecologist, said the council had counted seals on aerial "
            "photographs while the trust's volunteers counted from the shore.",
            "“Photographs miss seals that slip into the water as the plane passes,” she said. "
            "“Both counts show the colony is growing.”",
        ],
        palette=("#2d6a4f", "#d8f3dc"),
        figures={
            "209": DemoFigure(
                "Grey seals counted in the autumn survey (council count)",
                "council-wildlife-report",
                "grey-seals-ellery-estuary",
                9,
            ),
            "212": DemoFigure(
                "Grey seals counted in the autumn survey (trust count)",
                "seal-survey",
                "grey-seals-ellery-estuary",
                9,
            ),
        },
        quotes=[
            DemoQuote(
                "ruth-anselm",
                "Photographs miss seals that slip into the water as the plane passes. Both counts "
                "show the colony is growing.",
                "ecologist, Port Ellery Town Council",
                "anselm-interview",
            )
        ],
        hand_sources=["anselm-interview"],
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
            "Skerrin Sound Ferries "
            '<a href="https://skerrin-sound-ferries.example/news/winter-timetable">said</a> it '
            "had been unable to recruit two deck officers needed "
            "for a second crew, despite advertising since the summer.",
            "Islanders who commute to the mainland for work said the earliest crossing, now at "
            "08:15, would make them late for jobs that start at eight.",
        ],
        palette=("#023e8a", "#90e0ef"),
        figures={
            "three": DemoFigure("Daily return crossings this winter", "ferry-statement"),
            "five": DemoFigure("Daily return crossings the rest of the year", "ferry-statement"),
            "two": DemoFigure("Deck officers the operator could not recruit", "ferry-statement"),
        },
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
            "Brackenford Primary "
            '<a href="https://ellery-valley-county.example/news/brackenford-primary-opens">'
            "opened on Monday</a> with 96 pupils, the first new primary school "
            "in the Ellery valley since 1994.",
            "The school has room for 210 children and will fill year by year as the new houses "
            "on the former brickworks site are finished.",
            "Parents at the gate praised the building's outdoor classrooms but raised concerns "
            "about the lack of a crossing on Mill Lane.",
        ],
        palette=("#9d4edd", "#e0aaff"),
        figures={
            "96": DemoFigure("Pupils in the school's first term", "school-statement"),
            "210": DemoFigure("Places at the school when full", "school-statement"),
        },
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
            "lost eight fishing days to storms, according to "
            '<a href="https://port-ellery-fish-market.example/prices/monthly">the market\'s '
            "monthly figures</a>.",
            "Crab fetched an average of £5.10 a kilo, against £5.05 in September. Mackerel "
            "dipped slightly, to £1.80 a kilo.",
            "Auctioneer Colm Redfern said buyers from inland restaurants had kept demand up.",
        ],
        palette=("#bc6c25", "#fefae0"),
        figures={
            "eight": DemoFigure("Fishing days lost to storms in October", "fish-auction"),
            "£5.10": DemoFigure(
                "Average price of crab per kilo in October",
                "fish-auction",
                "crab-price-port-ellery",
            ),
            "£5.05": DemoFigure(
                "Average price of crab per kilo in September",
                "fish-auction",
                "crab-price-port-ellery",
                30,
            ),
            "£1.80": DemoFigure("Average price of mackerel per kilo in October", "fish-auction"),
        },
        quotes=[
            DemoQuote(
                "colm-redfern",
                "buyers from inland restaurants had kept demand up",
                "auctioneer",
                "redfern-interview",
            )
        ],
        hand_sources=["redfern-interview"],
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
            "The coast path between Gull Point and Saltern Cove "
            '<a href="https://ellery-coast-rangers.example/notices/saltern-cove-path">has '
            "reopened</a>, a year after a "
            "landslip carried part of it into the sea.",
            "Rangers have built a new section about 20 metres inland, with steps down to the "
            "cove that avoid the unstable ground.",
            "Signs at both ends now warn walkers to keep away from the cliff edge after heavy "
            "rain.",
        ],
        palette=("#6a994e", "#f2e8cf"),
        figures={"20 metres": DemoFigure("How far inland the new path runs", "rangers-notice")},
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
            "Corran &amp; Daughters, the shipyard on the north bank, "
            '<a href="https://corran-daughters.example/press/research-vessels">has won a '
            "contract</a> to build two "
            "coastal research vessels for a university consortium.",
            "The yard said the order would secure about 120 jobs for three years and allow it "
            "to take on twelve apprentices.",
            "It did not disclose the value of the contract.",
        ],
        palette=("#264653", "#e9c46a"),
        figures={
            "two": DemoFigure("Research vessels ordered", "shipyard-release"),
            "120": DemoFigure("Jobs the order secures", "shipyard-release"),
            "three years": DemoFigure("How long the jobs are secured", "shipyard-release"),
            "twelve": DemoFigure("Apprentices the yard will take on", "shipyard-release"),
        },
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
            f'a petition signed by more than 1,400 residents, <a href="{COUNCIL}/news/'
            'library-sunday-opening">the council said</a>.',
            "The council said the extra hours would be staffed by moving two part-time posts "
            "rather than by hiring.",
        ],
        palette=("#780000", "#fdf0d5"),
        figures={
            "1,400": DemoFigure("Residents who signed the petition", "library-decision"),
            "two": DemoFigure("Part-time posts moved to cover Sundays", "library-decision"),
        },
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
            "in 37 minutes during "
            '<a href="https://ellery-flood-authority.example/barrier/test-results">its first '
            "full test</a> on Saturday.",
            "The design target was 45 minutes. Engineers will repeat the test at night in "
            "December.",
            "About 640 homes in the lower town lie inside the area the barrier protects.",
        ],
        palette=("#003049", "#669bbc"),
        figures={
            "six": DemoFigure("Gates in the tidal barrier", "barrier-report"),
            "37 minutes": DemoFigure("Time to close all six gates in the test", "barrier-report"),
            "45 minutes": DemoFigure("Design target for closing the gates", "barrier-report"),
            "640": DemoFigure("Homes inside the area the barrier protects", "barrier-report"),
        },
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
        figures={
            "two years": DemoFigure("Length of the rent freeze traders ask for", "traders-letter"),
            "28": DemoFigure("Stalls in the market hall", "traders-letter"),
            "5": DemoFigure("Empty stalls in the market hall", "traders-letter"),
        },
        hand_sources=["traders-letter"],
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
            "Forty crews took part in Port Ellery Rowing Club's "
            '<a href="https://port-ellery-rowing.example/results/centenary-race">centenary '
            "race</a> to Skerrin "
            "Island on Sunday, rowing eight kilometres in unusually calm seas.",
            "The fastest boat, crewed by four members of the club's veterans' squad, finished "
            "in 41 minutes.",
        ],
        palette=("#1d3557", "#a8dadc"),
        figures={
            "forty": DemoFigure("Crews in the centenary race", "rowing-results"),
            "eight kilometres": DemoFigure("Length of the course to Skerrin", "rowing-results"),
            "four": DemoFigure("Rowers in the fastest boat", "rowing-results"),
            "41 minutes": DemoFigure("Winning time", "rowing-results"),
        },
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
            '<a href="https://skerrin-offshore-wind.example/notices/seabed-survey">A survey '
            "ship</a> has spent three weeks mapping the seabed west of Skerrin Island, "
            "where a developer hopes to build a small offshore wind farm.",
            "Fishing crews have asked to see the survey results before any planning application "
            "is made.",
        ],
        palette=("#335c67", "#e09f3e"),
        figures={
            "three weeks": DemoFigure(
                "Time the survey ship spent mapping the seabed", "wind-notice"
            )
        },
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
            "The Port Ellery harbour festival "
            '<a href="https://port-ellery-harbour-festival.example/news/festival-returns">will '
            "return next summer</a> after a three-year gap, "
            "with a night market on the west quay.",
            "Organisers are looking for volunteers and stallholders.",
        ],
        palette=("#ff006e", "#ffbe0b"),
        figures={"three-year": DemoFigure("Years since the last festival", "festival-release")},
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
        # A draft still waiting for its source: the admin's sourcing check shows the gap.
        figures={"three": DemoFigure("Bus routes serving the Ellery valley", None)},
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
