"""Lead-image uploads: what is refused, what is stripped, and the srcset renditions.

Every input is built here in code, including the decompression bombs, which are written
chunk by chunk so they stay tiny on disk and are never inflated in the test's memory.
None of these tests touch the database.
"""

import io
import json
import re
import struct
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, JpegImagePlugin, PngImagePlugin

from articles.images import (
    ALLOWED_FORMATS,
    MAX_BYTES,
    MAX_PIXELS,
    RENDITION_WIDTHS,
    clean_upload,
    delete_renditions,
    make_renditions,
)
from loopback.photos import CAMERA, CAPTION, gps_exif, jpeg_with_gps

# --- Building inputs ------------------------------------------------------------------------


def encode(
    image_format: str,
    size: tuple[int, int] = (64, 48),
    mode: str = "RGB",
    color: object = "red",
    **options: object,
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def decode(content: ContentFile) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def refusal(data: bytes, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_upload(upload(data, name))
    return caught.value


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def black_and_white_png(width: int, height: int) -> bytes:
    """A real, complete 1-bit PNG of all-black pixels, compressed a row at a time."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = bytes(1 + (width + 7) // 8)  # filter byte, then eight pixels a byte
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every attempt to decode a PNG's pixels."""
    calls: list[str] = []
    original = PngImagePlugin.PngImageFile.load

    def spy(self: PngImagePlugin.PngImageFile) -> object:
        calls.append("load")
        return original(self)

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", spy)
    return calls


@pytest.fixture
def storage(tmp_path) -> FileSystemStorage:
    return FileSystemStorage(location=tmp_path, base_url="/media/")


def stored(storage: FileSystemStorage, data: bytes, name: str) -> str:
    return storage.save(name, ContentFile(data))


def opened(storage: FileSystemStorage, name: str) -> Image.Image:
    with storage.open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


# --- Decompression bombs ----------------------------------------------------------------------


def test_it_refuses_a_400_megapixel_png_bomb_without_decoding_it(loads: list[str]) -> None:
    bomb = black_and_white_png(20_000, 20_000)
    assert len(bomb) < 200_000  # 400 million pixels in a file smaller than a thumbnail
    limit_before = Image.MAX_IMAGE_PIXELS

    error = refusal(bomb, "bomb.png")

    assert error.code == "too_many_pixels"
    assert error.messages == ["This image is 400 megapixels; the limit is 40."]
    assert loads == []
    assert limit_before == Image.MAX_IMAGE_PIXELS


def test_it_refuses_the_bomb_from_its_header_even_with_pillows_own_limit_switched_off(
    loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)

    error = refusal(black_and_white_png(20_000, 20_000), "bomb.png")

    assert error.messages == ["This image is 400 megapixels; the limit is 40."]
    assert loads == []


def test_it_refuses_an_image_just_over_40_megapixels_without_decoding_it(
    loads: list[str],
) -> None:
    width, height = 8_000, 5_001
    assert width * height > MAX_PIXELS

    error = refusal(black_and_white_png(width, height), "big.png")

    assert error.code == "too_many_pixels"
    assert error.messages == ["This image is 40.1 megapixels; the limit is 40."]
    assert loads == []


def test_it_still_gives_a_form_error_when_pillows_bomb_warning_is_raised_as_an_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        error = refusal(black_and_white_png(10_000, 10_000), "big.png")

    assert error.code == "too_many_pixels"
    assert error.messages == ["This image is 100 megapixels; the limit is 40."]


# --- Files that are not usable images ---------------------------------------------------------


def test_it_rejects_an_svg_file() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'

    error = refusal(svg, "picture.svg")

    assert error.code == "not_an_image"
    assert error.messages == [
        "This file is not an image we can use: upload a JPEG, PNG, WebP or GIF."
    ]


def test_it_rejects_an_html_file_named_like_a_jpeg() -> None:
    error = refusal(b"<html><script>alert(1)</script></html>", "photo.jpg")

    assert error.code == "not_an_image"


def test_it_rejects_an_empty_file() -> None:
    error = refusal(b"", "photo.jpg")

    assert error.code == "empty_file"
    assert error.messages == ["This file is empty."]


@pytest.mark.parametrize("image_format", ["TIFF", "BMP", "ICO", "TGA", "PPM"])
def test_it_rejects_image_formats_we_do_not_publish(image_format: str) -> None:
    assert image_format not in ALLOWED_FORMATS

    error = refusal(encode(image_format), "photo.jpg")

    assert error.code == "not_an_image"


def noise(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 100).save(buffer, image_format)
    return buffer.getvalue()


def corrupted_png_crc() -> bytes:
    data = bytearray(encode("PNG", size=(200, 200), color="blue"))
    idat = data.index(b"IDAT")
    data[idat + 8] ^= 0xFF  # a byte of compressed pixels, so the chunk's CRC no longer matches
    return bytes(data)


BROKEN_FILES = {
    "truncated jpeg": lambda: encode("JPEG", size=(400, 300))[:600],
    "jpeg cut off halfway": lambda: (lambda d: d[: len(d) // 2])(encode("JPEG", size=(400, 300))),
    "jpeg marker then junk": lambda: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8,
    "truncated png": lambda: noise("PNG")[:2_000],
    "png with a bad crc": corrupted_png_crc,
    "png signature alone": lambda: b"\x89PNG\r\n\x1a\n",
    "gif header alone": lambda: b"GIF89a\x10\x00\x10\x00\x00\x00\x00",
    "truncated webp": lambda: encode("WEBP", size=(400, 300))[:60],
}


@pytest.mark.parametrize("build", BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_it_turns_a_broken_image_into_a_form_error_and_nothing_else(build) -> None:
    error = refusal(build())

    assert error.code in {"not_an_image", "broken_image"}
    assert error.messages[0].startswith("This ")


@pytest.mark.parametrize("failure", [MemoryError, ValueError, SyntaxError, OSError])
def test_it_turns_any_decoder_failure_into_a_form_error(
    monkeypatch: pytest.MonkeyPatch, failure: type[Exception]
) -> None:
    def explode(self: Image.Image) -> None:
        raise failure("decoder gave up")

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", explode)

    error = refusal(encode("JPEG"))

    assert error.code == "broken_image"
    assert error.messages == [
        "This image is damaged or incomplete, so we can't use it: try exporting or saving it again."
    ]


# --- File size --------------------------------------------------------------------------------


class ReportedSizeFile(ContentFile):
    """An upload whose size is whatever Django reported, and which notices being read."""

    def __init__(self, content: bytes, reported_size: int) -> None:
        super().__init__(content, name="photo.jpg")
        self.size = reported_size
        self.reads = 0

    def read(self, *args: object) -> bytes:
        self.reads += 1
        return super().read(*args)


def test_it_rejects_a_file_over_15_mb_by_its_size_before_reading_it() -> None:
    big = ReportedSizeFile(encode("JPEG"), reported_size=22 * 1024 * 1024)

    with pytest.raises(ValidationError) as caught:
        clean_upload(big)

    assert caught.value.code == "file_too_large"
    assert caught.value.messages == ["This file is 22 MB; the limit is 15 MB."]
    assert big.reads == 0


def test_it_rejects_a_file_one_byte_over_15_mb() -> None:
    error = refusal(bytes(MAX_BYTES + 1))

    assert error.code == "file_too_large"
    assert error.messages == ["This file is 15.1 MB; the limit is 15 MB."]


def test_it_does_not_trust_a_reported_size_that_is_too_small() -> None:
    liar = ReportedSizeFile(bytes(MAX_BYTES + 1024), reported_size=100)

    with pytest.raises(ValidationError) as caught:
        clean_upload(liar)

    assert caught.value.code == "file_too_large"


def test_it_accepts_a_django_file_wrapping_a_real_file(tmp_path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode("JPEG"))

    with path.open("rb") as handle:
        cleaned = clean_upload(File(handle, name="photo.jpg"))

    assert decode(cleaned).format == "JPEG"


# --- What survives re-encoding ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "output_format", "extension"),
    [
        ("JPEG", "JPEG", "jpg"),
        ("PNG", "PNG", "png"),
        ("WEBP", "WEBP", "webp"),
        ("GIF", "PNG", "png"),
    ],
)
def test_it_accepts_each_published_format_and_returns_a_web_format(
    image_format: str, output_format: str, extension: str
) -> None:
    cleaned = clean_upload(upload(encode(image_format, size=(120, 80)), "photo.bin"))

    image = decode(cleaned)
    assert image.format == output_format
    assert image.size == (120, 80)
    assert cleaned.name.endswith(f".{extension}")


def test_it_ignores_the_file_name_when_deciding_the_format() -> None:
    cleaned = clean_upload(upload(encode("PNG"), "holiday.jpg"))

    assert decode(cleaned).format == "PNG"
    assert cleaned.name.endswith(".png")


def test_it_gives_the_output_a_fresh_random_name_that_never_contains_the_uploaded_one() -> None:
    sneaky = ContentFile(encode("JPEG"), name="../../etc/secret-source-name.jpg")

    first = clean_upload(sneaky)
    second = clean_upload(sneaky)

    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", first.name)
    assert "secret" not in first.name
    assert first.name != second.name


def test_it_drops_a_script_appended_after_a_jpeg() -> None:
    polyglot = encode("JPEG", size=(80, 60)) + b"<script>alert(1)</script>"

    cleaned = clean_upload(upload(polyglot))

    cleaned.seek(0)
    output = cleaned.read()
    assert b"<script" not in output
    assert decode(cleaned).size == (80, 60)


def test_it_strips_gps_and_all_other_exif_from_a_jpeg() -> None:
    original = jpeg_with_gps(size=(80, 60))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"GPS" in original

    cleaned = clean_upload(upload(original))

    cleaned.seek(0)
    output = cleaned.read()
    image = decode(cleaned)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"Exif" not in output
    assert b"GPS" not in output
    assert CAMERA.encode() not in output
    assert CAPTION.encode() not in output


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_it_strips_exif_from_pngs_and_webps_too(image_format: str) -> None:
    original = encode(image_format, size=(80, 60), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    cleaned = clean_upload(upload(original, "photo.png"))

    cleaned.seek(0)
    output = cleaned.read()
    assert dict(decode(cleaned).getexif()) == {}
    assert CAMERA.encode() not in output
    assert b"Exif" not in output and b"eXIf" not in output


def test_it_strips_jpeg_comments_and_xmp() -> None:
    original = encode(
        "JPEG", comment=b"shot at the safe house", xmp=b"<x:xmpmeta>creator</x:xmpmeta>"
    )

    cleaned = clean_upload(upload(original))

    cleaned.seek(0)
    output = cleaned.read()
    assert b"safe house" not in output
    assert b"xmpmeta" not in output
    assert "comment" not in decode(cleaned).info


def test_it_strips_png_text_chunks() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Confidential Source")
    text.add_text("Comment", "compressed note", zip=True)
    text.add_itxt("Description", "an international note")
    original = encode("PNG", pnginfo=text)

    cleaned = clean_upload(upload(original, "photo.png"))

    cleaned.seek(0)
    output = cleaned.read()
    for chunk in (b"tEXt", b"zTXt", b"iTXt"):
        assert chunk not in output
    assert b"Confidential" not in output


def test_it_applies_the_exif_orientation_to_the_pixels_before_stripping_it() -> None:
    # Left half red, right half blue, stored sideways as a camera would: orientation 6
    # means "rotate 90 degrees clockwise to display".
    sideways = Image.new("RGB", (80, 40), "blue")
    sideways.paste("red", (0, 0, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif, quality=95)

    image = decode(clean_upload(upload(buffer.getvalue())))

    assert image.size == (40, 80)
    assert ExifTags.Base.Orientation not in image.getexif()
    top, bottom = image.getpixel((20, 10)), image.getpixel((20, 70))
    assert top[0] > 200 and top[2] < 60  # red went to the top
    assert bottom[2] > 200 and bottom[0] < 60


def test_it_keeps_only_the_first_frame_of_an_animated_gif() -> None:
    frames = [Image.new("RGB", (50, 30), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(buffer.getvalue())).n_frames == 3

    image = decode(clean_upload(upload(buffer.getvalue(), "funny.gif")))

    assert image.format == "PNG"
    assert getattr(image, "n_frames", 1) == 1
    assert image.size == (50, 30)


def test_it_treats_a_phone_jpeg_with_extra_pictures_as_a_jpeg() -> None:
    # Phones add depth maps and previews as extra pictures; Pillow opens these as MPO.
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (16, 12))]
    )
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    cleaned = clean_upload(upload(buffer.getvalue()))

    image = decode(cleaned)
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert cleaned.name.endswith(".jpg")


def fake_icc_profile(colour_space: bytes) -> bytes:
    profile = bytearray(128)
    profile[16:20] = colour_space
    return bytes(profile)


def test_it_converts_a_cmyk_jpeg_to_rgb_and_drops_its_cmyk_profile() -> None:
    original = encode(
        "JPEG", mode="CMYK", color=(0, 255, 255, 0), icc_profile=fake_icc_profile(b"CMYK")
    )

    image = decode(clean_upload(upload(original)))

    assert image.mode == "RGB"
    red, green, blue = image.getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60
    assert "icc_profile" not in image.info


def test_it_keeps_an_rgb_colour_profile() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    image = decode(clean_upload(upload(encode("JPEG", icc_profile=srgb))))

    assert image.info.get("icc_profile") == srgb


def test_it_keeps_a_palette_pngs_transparency() -> None:
    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    palette.paste(1, (0, 0, 20, 40))
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", transparency=0)

    image = decode(clean_upload(upload(buffer.getvalue(), "logo.png")))

    rgba = image.convert("RGBA")
    assert rgba.getpixel((30, 20))[3] == 0
    assert rgba.getpixel((10, 20)) == (200, 0, 0, 255)


@pytest.mark.parametrize("image_format", ["WEBP", "GIF"])
def test_it_keeps_transparency_in_webps_and_gifs(image_format: str) -> None:
    original = encode(image_format, size=(40, 40), mode="RGBA", color=(0, 0, 255, 0))

    image = decode(clean_upload(upload(original, "logo.webp")))

    assert image.convert("RGBA").getpixel((20, 20))[3] == 0


def test_it_scales_a_16_bit_greyscale_png_down_instead_of_clipping_it() -> None:
    grey = Image.new("I;16", (20, 20), 32768)  # half brightness
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")

    image = decode(clean_upload(upload(buffer.getvalue(), "scan.png")))

    assert image.mode == "L"
    assert image.getpixel((10, 10)) == 128


# --- Renditions -------------------------------------------------------------------------------


def test_it_makes_480_960_and_1600_renditions_of_a_wide_image(storage: FileSystemStorage) -> None:
    cleaned = clean_upload(upload(encode("JPEG", size=(2000, 1000))))
    name = stored(storage, cleaned.read(), f"lead_images/{cleaned.name}")
    stem = cleaned.name.removesuffix(".jpg")

    renditions = make_renditions(name, storage)

    assert [(r["width"], r["height"]) for r in renditions] == [(480, 240), (960, 480), (1600, 800)]
    assert tuple(r["width"] for r in renditions) == RENDITION_WIDTHS
    assert json.loads(json.dumps(renditions)) == renditions
    for rendition in renditions:
        width = rendition["width"]
        assert rendition["webp"] == f"renditions/{stem}-{width}.webp"
        assert rendition["jpeg"] == f"renditions/{stem}-{width}.jpg"
        webp, jpeg = opened(storage, rendition["webp"]), opened(storage, rendition["jpeg"])
        assert (webp.format, webp.size) == ("WEBP", (width, rendition["height"]))
        assert (jpeg.format, jpeg.mode, jpeg.size) == ("JPEG", "RGB", (width, rendition["height"]))


def test_it_makes_exact_size_renditions_from_a_large_jpeg_decoded_at_reduced_scale(
    storage: FileSystemStorage,
) -> None:
    name = stored(storage, encode("JPEG", size=(5000, 2501)), "lead_images/wide.jpg")

    renditions = make_renditions(name, storage)

    assert [(r["width"], r["height"]) for r in renditions] == [(480, 240), (960, 480), (1600, 800)]
    for rendition in renditions:
        size = (rendition["width"], rendition["height"])
        assert opened(storage, rendition["jpeg"]).size == size
        assert opened(storage, rendition["webp"]).size == size


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (2000, [480, 960, 1600]),
        (1600, [480, 960, 1600]),
        (960, [480, 960]),
        (700, [480, 700]),
        (480, [480]),
        (300, [300]),
    ],
)
def test_it_never_upscales_and_always_makes_at_least_one_rendition(
    storage: FileSystemStorage, width: int, expected: list[int]
) -> None:
    name = stored(storage, encode("PNG", size=(width, 200)), "lead_images/picture.png")

    renditions = make_renditions(name, storage)

    assert [r["width"] for r in renditions] == expected
    assert max(expected) <= width
    for rendition in renditions:
        assert opened(storage, rendition["webp"]).width == rendition["width"]
        assert rendition["height"] == round(200 * rendition["width"] / width)


def test_rendition_jpegs_of_a_transparent_image_have_a_white_background(
    storage: FileSystemStorage,
) -> None:
    transparent = encode("PNG", size=(600, 300), mode="RGBA", color=(0, 0, 0, 0))
    name = stored(storage, transparent, "lead_images/logo.png")

    first = make_renditions(name, storage)[0]

    assert opened(storage, first["jpeg"]).getpixel((10, 10)) == (255, 255, 255)
    webp = opened(storage, first["webp"])
    assert webp.mode == "RGBA" and webp.getpixel((10, 10))[3] == 0


def test_renditions_of_a_palette_png_are_full_colour(
    storage: FileSystemStorage,
) -> None:
    name = stored(storage, encode("PNG", size=(1000, 500), mode="P", color=3), "lead_images/p.png")

    renditions = make_renditions(name, storage)

    assert [r["width"] for r in renditions] == [480, 960, 1000]
    assert opened(storage, renditions[0]["jpeg"]).mode == "RGB"
    assert opened(storage, renditions[0]["webp"]).mode == "RGB"


def test_it_keeps_the_name_the_storage_chose_when_a_rendition_name_is_taken(
    storage: FileSystemStorage,
) -> None:
    name = stored(storage, encode("JPEG", size=(500, 250)), "lead_images/story.jpg")
    stored(storage, b"someone else's file", "renditions/story-480.webp")

    renditions = make_renditions(name, storage)

    taken = renditions[0]["webp"]
    assert taken != "renditions/story-480.webp"
    assert opened(storage, taken).format == "WEBP"
    with storage.open("renditions/story-480.webp") as theirs:
        assert theirs.read() == b"someone else's file"


def test_delete_renditions_removes_the_files_and_ignores_missing_ones(
    storage: FileSystemStorage,
) -> None:
    name = stored(storage, encode("JPEG", size=(1000, 500)), "lead_images/story.jpg")
    renditions = make_renditions(name, storage)
    storage.delete(renditions[0]["webp"])

    delete_renditions(renditions, storage)
    delete_renditions(renditions, storage)

    for rendition in renditions:
        assert not storage.exists(rendition["webp"])
        assert not storage.exists(rendition["jpeg"])
    assert storage.exists(name)


class FailingStorage(FileSystemStorage):
    """Fails on the third save, as a full disk or a flaky bucket might."""

    saves = 0

    def _save(self, name: str, content: File) -> str:
        self.saves += 1
        if self.saves == 3:
            raise OSError("No space left on device")
        return super()._save(name, content)


def test_make_renditions_removes_what_it_wrote_when_a_save_fails(tmp_path) -> None:
    storage = FailingStorage(location=tmp_path, base_url="/media/")
    name = stored(storage, encode("JPEG", size=(2000, 1000)), "lead_images/story.jpg")

    with pytest.raises(OSError, match="No space"):
        make_renditions(name, storage)

    assert not (tmp_path / "renditions").exists() or not any((tmp_path / "renditions").iterdir())
    assert storage.exists(name)


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "P", "1"])
def test_a_large_image_is_reduced_band_by_band_exactly_as_a_whole_image_reduce_would(
    mode: str,
) -> None:
    """The widest rendition of a big image is averaged a band of rows at a time to save memory;
    the pixels must be those of reducing the whole image at once."""
    from articles.images import _shrunk_towards

    gradient = Image.linear_gradient("L").resize((1000, 700))
    source = Image.merge("RGBA", [gradient, gradient.rotate(90), gradient.transpose(0), gradient])
    image = source.convert(mode) if mode != "RGBA" else source
    target = "RGBA" if image.has_transparency_data else "RGB"

    banded = _shrunk_towards(image, (300, 210))

    whole = image.convert(target).reduce(3)
    assert banded.mode == target
    assert banded.size == (334, 234)  # whole 3 × 3 blocks, never below the rendition
    assert banded.tobytes() == whole.tobytes()
