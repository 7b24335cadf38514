"""Lead pictures for the demo stories, drawn from each slug: the repository ships no photos."""

from __future__ import annotations

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageColor, ImageDraw


def draw_image(
    slug: str, palette: tuple[str, str], size: tuple[int, int] = (1600, 900)
) -> ContentFile:
    """A simple generated picture: a sky gradient, a sea and a few hills, seeded by the slug."""
    rng = random.Random(slug)
    top, bottom = (ImageColor.getrgb(colour) for colour in palette)
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
