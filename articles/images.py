"""Lead-image uploads for news stories: validation, metadata stripping and srcset renditions.

An upload is trusted only after Pillow has decoded it: the file name and the browser's
content type are ignored. Accepted images are re-encoded from their pixels, which drops
EXIF (including GPS positions of sources and reporters), XMP, comments and anything
smuggled after the image data. Renditions are made once, at upload, and described in a
JSON-serialisable list so templates can build ``srcset`` without touching storage.

Everything Pillow can throw at a hostile or broken file is turned into a
``ValidationError`` with a message an editor can act on, so a bad upload is a form
error and never a server error.
"""

import contextlib
import io
import logging
import re
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
RENDITION_WIDTHS = (480, 960, 1600)

_MEGABYTE = 1024 * 1024
_MEGAPIXEL = 1_000_000

# Handing Image.open only these formats means Pillow never runs its parsers for
# anything else (TIFF, EPS via Ghostscript, PSD...) on untrusted bytes.
_OPEN_FORMATS = tuple(sorted(ALLOWED_FORMATS))

# A lead image is a still, so an animated GIF becomes a PNG of its first frame.
_OUTPUT = {
    "JPEG": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
    "GIF": ("PNG", "png"),
}

_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}
_PNG_TRANSPARENCY_MODES = {"1", "L", "P", "RGB"}
_SIXTEEN_BIT_GREY_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}

_NOT_AN_IMAGE = "This file is not an image we can use: upload a JPEG, PNG, WebP or GIF."
_BROKEN_IMAGE = (
    "This image is damaged or incomplete, so we can't use it: try exporting or saving it again."
)

# Pillow refuses very large images itself before we ever see their size; its message is
# the only place the pixel count survives.
_PILLOW_PIXEL_COUNT = re.compile(r"Image size \((\d+) pixels\)")


def clean_upload(upload: File) -> ContentFile:
    """Validate an uploaded lead image and return a metadata-free re-encoding of it.

    JPEG, PNG and WebP keep their format; a GIF becomes a PNG of its first frame. The
    result has a fresh random name, because uploaded names can carry path tricks and
    reporters' file names can reveal more than the story should.

    Raises ValidationError (codes ``empty_file``, ``file_too_large``, ``not_an_image``,
    ``too_many_pixels``, ``broken_image``) for anything unusable.
    """
    # upload.size is what Django counted while receiving the body, so an oversized file
    # is refused before any of it is parsed.
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _file_too_large(upload.size)
    upload.open()
    # The cap guards against File objects whose reported size is wrong.
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if not data:
        raise ValidationError("This file is empty.", code="empty_file")
    if len(data) > MAX_BYTES:
        raise _file_too_large(len(data))

    try:
        content, extension = _reencode(data)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning only arrives as an exception when warnings are turned into errors.
        match = _PILLOW_PIXEL_COUNT.search(str(exc))
        raise _too_many_pixels(int(match.group(1)) if match else None) from exc
    except Exception as exc:
        # Decoders fail in many ways on hostile input (OSError, SyntaxError, ValueError,
        # MemoryError...); none of them should become a 500.
        logger.info("Refused a lead image that could not be decoded", exc_info=True)
        raise ValidationError(_BROKEN_IMAGE, code="broken_image") from exc
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{extension}")


def make_renditions(name: str, storage: Storage) -> list[dict[str, Any]]:
    """Write WebP and JPEG renditions of the cleaned image ``name`` for ``srcset``.

    Widths are those of RENDITION_WIDTHS that fit inside the original, plus the original
    width when it is narrower than the widest rendition, so there is always at least one
    rendition and nothing is ever upscaled. Returns, narrowest first, dicts of
    ``width``, ``height``, ``webp`` and ``jpeg`` (storage names), ready for a JSONField.
    """
    with storage.open(name, "rb") as handle, Image.open(handle, formats=_OPEN_FORMATS) as image:
        original_width, original_height = image.size
        sizes = [
            (width, max(1, round(original_height * width / original_width)))
            for width in _rendition_widths(original_width)
        ]
        # For JPEGs this lets libjpeg decode at 1/2, 1/4 or 1/8 scale, never below the
        # largest rendition, which is several times faster than decoding every pixel of a
        # large photo; other formats ignore it.
        image.draft("RGB", sizes[-1])
        image.load()
        profile = image.info.get("icc_profile")
        # Only the widest rendition is made from the full-size pixels; the rest come from it,
        # so the full-size picture is let go as early as possible.
        widest = _shrunk_towards(image, sizes[-1])
    # Leaving `with` closes the file, not the pixels: drop them before resampling and
    # encoding, which would otherwise add their buffers to the full-size picture's 160 MB
    # (40 MP RGBA) at the request's peak.
    del image
    if widest.size != sizes[-1]:
        widest = widest.resize(sizes[-1], Image.Resampling.LANCZOS, reducing_gap=3.0)

    stem = PurePosixPath(name).stem
    icc_profile = _matching_profile(profile, widest.mode)
    renditions: list[dict[str, Any]] = []
    saved: list[str] = []
    try:
        for width, height in sizes:
            resized = widest
            if (width, height) != widest.size:
                # reducing_gap shrinks in cheap integer steps first; at 3.0 the result
                # is indistinguishable from a full LANCZOS pass and much faster.
                resized = widest.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            webp = _save_rendition(
                storage,
                f"renditions/{stem}-{width}.webp",
                resized,
                "WEBP",
                quality=80,
                icc_profile=icc_profile,
            )
            saved.append(webp)
            jpeg, jpeg_bytes = _save_rendition_sized(
                storage,
                f"renditions/{stem}-{width}.jpg",
                _flatten_to_rgb(resized),
                "JPEG",
                quality=82,
                optimize=True,
                progressive=True,
                icc_profile=icc_profile,
            )
            saved.append(jpeg)
            renditions.append(
                {
                    "width": width,
                    "height": height,
                    "webp": webp,
                    "jpeg": jpeg,
                    # The feed's enclosure length, known here so rendering a feed asks
                    # storage nothing (on S3 each size would be a request).
                    "jpeg_bytes": jpeg_bytes,
                }
            )
    except BaseException:
        # Half a set of renditions would be orphaned: nothing refers to them yet.
        for saved_name in saved:
            _delete_quietly(saved_name, storage)
        raise
    return renditions


# The shapes a picture is cut to around its focal point: Google asks structured data for all
# three, and each place on the site shows the one it is laid out for.
CROP_RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}


def crop_box(
    size: tuple[int, int], ratio: tuple[int, int], focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside `size`, centred on the focal point as far as the
    picture's edges allow (focal given as fractions of the width and height)."""
    width, height = size
    box_width = min(width, round(height * ratio[0] / ratio[1]))
    box_height = min(height, round(box_width * ratio[1] / ratio[0]))
    box_width = max(1, box_width)
    box_height = max(1, box_height)
    left = round(focal[0] * width - box_width / 2)
    top = round(focal[1] * height - box_height / 2)
    left = min(max(0, left), width - box_width)
    top = min(max(0, top), height - box_height)
    return left, top, left + box_width, top + box_height


def make_crops(
    name: str, storage: Storage, focal: tuple[float, float]
) -> dict[str, list[dict[str, Any]]]:
    """Write WebP and JPEG renditions of the cleaned image `name` cut to each of CROP_RATIOS
    around `focal`; returns ratio -> the same list of dicts as `make_renditions`.

    The cut is made from the picture shrunk to the widest rendition, so a focal point moved
    later costs a small decode, and no crop is ever upscaled.
    """
    with storage.open(name, "rb") as handle, Image.open(handle, formats=_OPEN_FORMATS) as image:
        original_width, original_height = image.size
        base_width = min(original_width, max(RENDITION_WIDTHS))
        base = (base_width, max(1, round(original_height * base_width / original_width)))
        image.draft("RGB", base)
        image.load()
        profile = image.info.get("icc_profile")
        widest = _shrunk_towards(image, base)
    del image
    if widest.size != base:
        widest = widest.resize(base, Image.Resampling.LANCZOS, reducing_gap=3.0)
    icc_profile = _matching_profile(profile, widest.mode)
    stem = PurePosixPath(name).stem
    crops: dict[str, list[dict[str, Any]]] = {}
    saved: list[str] = []
    try:
        for key, ratio in CROP_RATIOS.items():
            cut = widest.crop(crop_box(widest.size, ratio, focal))
            crops[key] = []
            for width in _rendition_widths(cut.width):
                height = max(1, round(cut.height * width / cut.width))
                resized = cut
                if (width, height) != cut.size:
                    resized = cut.resize((width, height), Image.Resampling.LANCZOS)
                webp = _save_rendition(
                    storage,
                    f"renditions/{stem}-{key}-{width}.webp",
                    resized,
                    "WEBP",
                    quality=80,
                    icc_profile=icc_profile,
                )
                saved.append(webp)
                jpeg = _save_rendition(
                    storage,
                    f"renditions/{stem}-{key}-{width}.jpg",
                    _flatten_to_rgb(resized),
                    "JPEG",
                    quality=82,
                    optimize=True,
                    progressive=True,
                    icc_profile=icc_profile,
                )
                saved.append(jpeg)
                crops[key].append({"width": width, "height": height, "webp": webp, "jpeg": jpeg})
    except BaseException:
        for saved_name in saved:
            _delete_quietly(saved_name, storage)
        raise
    return crops


def _shrunk_towards(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The picture in RGB or RGBA, averaged down towards `size` (never below it) without
    holding a second full-size copy; the caller resamples the rest of the way.

    The battery's upload check measured a 40-megapixel RGBA upload costing a worker
    330 MB here: `convert` copied the full-size pixels (even to the same mode) and Pillow's
    resize premultiplies RGBA into yet another full-size copy. Now an image at least twice
    the rendition's size is averaged down by whole blocks one band of rows at a time
    (box filtering: each band gives exactly the rows a whole-image `reduce` would), so only
    a band is ever converted; LANCZOS then makes up the remaining fraction on the small
    result, once the full-size picture is gone. Pillow keeps RGB at four bytes a pixel, so
    40 MP is 160 MB however it is held.
    """
    target = "RGBA" if image.has_transparency_data else "RGB"
    width, height = image.size
    factor = min(width // size[0], height // size[1])
    if factor >= 2:
        reduced = Image.new(target, (-(-width // factor), -(-height // factor)))
        rows = factor * max(1, 64 // factor)  # a whole number of blocks per band
        for top in range(0, height, rows):
            band = image.crop((0, top, width, min(height, top + rows)))
            if band.mode != target:
                band = band.convert(target)
            reduced.paste(band.reduce(factor), (0, top // factor))
        image = reduced
    elif image.mode != target:
        image = image.convert(target)
    return image


def delete_renditions(renditions: list[dict[str, Any]], storage: Storage) -> None:
    """Delete the files described by ``make_renditions`` output; missing ones are fine."""
    for rendition in renditions:
        for key in ("webp", "jpeg"):
            if name := rendition.get(key):
                _delete_quietly(name, storage)


def _reencode(data: bytes) -> tuple[bytes, str]:
    try:
        image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    except Image.UnidentifiedImageError as exc:
        raise ValidationError(_NOT_AN_IMAGE, code="not_an_image") from exc

    with image:
        # Phone JPEGs carrying extra pictures (depth maps, previews) open as MPO.
        source_format = "JPEG" if image.format == "MPO" else image.format
        if source_format not in ALLOWED_FORMATS:
            raise ValidationError(_NOT_AN_IMAGE, code="not_an_image")
        # The size comes from the header; checking it before load() means a
        # decompression bomb is refused without its pixels ever being inflated. Pillow's
        # own limit is process-wide and far higher than ours, so it is not relied on.
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(width * height)

        image.load()
        # The orientation tag goes with the rest of EXIF, so it is applied to the pixels.
        ImageOps.exif_transpose(image, in_place=True)
        profile = image.info.get("icc_profile")
        output_format, extension = _OUTPUT[source_format]
        pixels = _pixels_for(image, output_format)

        # Keep only what is needed to show the pixels correctly; EXIF, XMP, comments,
        # PNG text chunks and the like would otherwise be carried over by the encoders.
        kept: dict[str | tuple[int, int], Any] = {}
        if (
            output_format == "PNG"
            and pixels.mode in _PNG_TRANSPARENCY_MODES
            and "transparency" in pixels.info
        ):
            kept["transparency"] = pixels.info["transparency"]
        pixels.info = kept

        options: dict[str, Any] = {"icc_profile": _matching_profile(profile, pixels.mode)}
        if output_format == "JPEG":
            options.update(quality=85, optimize=True, progressive=True)
        elif output_format == "WEBP":
            options.update(quality=85)
        buffer = io.BytesIO()
        pixels.save(buffer, output_format, **options)
    return buffer.getvalue(), extension


def _pixels_for(image: Image.Image, output_format: str) -> Image.Image:
    if image.mode in _SIXTEEN_BIT_GREY_MODES:
        # Pillow clips rather than scales 16-bit values when converting to 8 bits, which
        # would turn nearly the whole picture white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if output_format == "JPEG":
        return _flatten_to_rgb(image)
    allowed = _PNG_MODES if output_format == "PNG" else {"RGB", "RGBA"}
    if image.mode in allowed:
        return image
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    if not image.has_transparency_data:
        return image if image.mode == "RGB" else image.convert("RGB")
    # Dropping alpha outright would show whatever colour transparent pixels happen to
    # hold (often black); a white page background is what readers expect.
    rgba = image.convert("RGBA")
    flattened = Image.new("RGB", rgba.size, "white")
    flattened.paste(rgba, mask=rgba.getchannel("A"))
    return flattened


def _matching_profile(profile: bytes | None, mode: str) -> bytes | None:
    # A profile describes one colour space (bytes 16-20 of its header); a CMYK or grey
    # profile attached to converted RGB pixels would make browsers shift the colours.
    if mode in {"RGB", "RGBA", "P"}:
        wanted = b"RGB "
    elif mode in {"1", "L", "LA"}:
        wanted = b"GRAY"
    else:
        return None
    if profile and profile[16:20] == wanted:
        return profile
    return None


def _rendition_widths(original_width: int) -> list[int]:
    widths = {width for width in RENDITION_WIDTHS if width <= original_width}
    if original_width < max(RENDITION_WIDTHS):
        widths.add(original_width)
    return sorted(widths)


def _save_rendition(
    storage: Storage, name: str, image: Image.Image, image_format: str, **options: Any
) -> str:
    return _save_rendition_sized(storage, name, image, image_format, **options)[0]


def _save_rendition_sized(
    storage: Storage, name: str, image: Image.Image, image_format: str, **options: Any
) -> tuple[str, int]:
    """Save the encoded image; return the name it was stored under and its size in bytes."""
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    # The storage may pick a different name if this one is taken; that is the one to keep.
    return storage.save(name, ContentFile(buffer.getvalue())), buffer.tell()


def _delete_quietly(name: str, storage: Storage) -> None:
    with contextlib.suppress(FileNotFoundError):
        storage.delete(name)


def _file_too_large(size: int) -> ValidationError:
    return ValidationError(
        "This file is %(size)s MB; the limit is %(limit)s MB.",
        code="file_too_large",
        params={"size": _round_up(size, _MEGABYTE), "limit": _round_up(MAX_BYTES, _MEGABYTE)},
    )


def _too_many_pixels(pixels: int | None) -> ValidationError:
    limit = _round_up(MAX_PIXELS, _MEGAPIXEL)
    if pixels is None:
        return ValidationError(
            "This image has far too many pixels; the limit is %(limit)s megapixels.",
            code="too_many_pixels",
            params={"limit": limit},
        )
    return ValidationError(
        "This image is %(pixels)s megapixels; the limit is %(limit)s.",
        code="too_many_pixels",
        params={"pixels": _round_up(pixels, _MEGAPIXEL), "limit": limit},
    )


def _round_up(amount: int, unit: int) -> str:
    # Rounding up keeps a file just over the limit from being reported as exactly the
    # limit ("15 MB; the limit is 15 MB"); integer arithmetic avoids float surprises.
    whole, tenths = divmod(-(-amount * 10 // unit), 10)
    return f"{whole}.{tenths}" if tenths else str(whole)


def srcset(renditions: list[dict[str, Any]], storage: Storage, kind: str = "jpeg") -> str:
    """The ``srcset`` value for ``make_renditions`` output: "url 480w, url 960w, …"."""
    return ", ".join(
        f"{storage.url(rendition[kind])} {rendition['width']}w"
        for rendition in sorted(renditions, key=lambda r: r["width"])
        if rendition.get(kind)
    )
