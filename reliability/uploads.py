"""Hostile lead images through the real admin: an editor signs in and uploads
each file on a story's change form, through gunicorn (and the oversize one through nginx).

tests/test_images.py checks articles/images.py file by file in process; this drives the whole
path a browser takes (multipart parsing, the admin form, storage, renditions) in production
workers, and measures how much memory each upload costs a worker.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ExifTags, Image

from loopback.clients import Browser, form_fields
from loopback.photos import CAMERA, CAPTION, jpeg_with_gps
from loopback.servers import Site

MEGABYTE = 1024 * 1024


# --- Building the files (all in memory, all small except where size is the point) --------


def _encode(image_format: str, size: tuple[int, int] = (320, 200), **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 140)).save(buffer, image_format, **options)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# PNG colour types: bytes per pixel at 8 bits (1-bit grey is packed eight to a byte).
_GREY, _RGBA, _PALETTE = 0, 6, 3


def _blank_png(width: int, height: int, color_type: int = _GREY) -> bytes:
    """A complete, valid PNG of blank pixels, compressed a row at a time: kilobytes on disk,
    width × height pixels once decoded. Grey is 1-bit; RGBA and palette are 8-bit."""
    depth = 1 if color_type == _GREY else 8
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    row_bytes = {_GREY: (width + 7) // 8, _RGBA: 4 * width, _PALETTE: width}[color_type]
    row = bytes(1 + row_bytes)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    chunks = [_png_chunk(b"IHDR", header)]
    if color_type == _PALETTE:
        chunks.append(_png_chunk(b"PLTE", bytes(range(0, 256, 1))[: 3 * 64] * 4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + b"".join(chunks)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _one_bit_png(width: int, height: int) -> bytes:
    return _blank_png(width, height, _GREY)


def _gif_with_huge_screen() -> bytes:
    """A 1×1 GIF frame on a logical screen of 65,535 × 65,535 (4.3 gigapixels)."""
    frame = _encode("GIF", size=(1, 1))
    return frame[:6] + struct.pack("<HH", 65535, 65535) + frame[10:]


def _php_in_exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "<?php system($_GET['cmd']); ?>"
    exif[ExifTags.Base.Artist] = "<script>alert(document.cookie)</script>"
    return _encode("JPEG", exif=exif)


HTML_PAYLOAD = b"<html><body><script>alert(document.domain)</script></body></html>"
# What must not survive re-encoding in a stored file, whatever the case.
PAYLOAD_MARKERS = (
    b"<script",
    b"<?php",
    b"<html",
    b"GPS",
    CAMERA.encode(),
    CAPTION.encode(),
    b"Exif",
)


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    build: Callable[[], bytes]
    # "accepted" (re-encoded) or the words the form error must contain.
    expect: str
    # Measure on fresh workers: memory a process once had is not given back, so after a big
    # upload the next one could reuse it and look free.
    fresh_workers: bool = False


CASES = [
    Case("PNG bomb, 400 megapixels", "bomb.png", lambda: _one_bit_png(20000, 20000), "megapixels"),
    Case("GIF claiming 65535 x 65535", "screen.gif", _gif_with_huge_screen, "megapixels"),
    Case(
        "SVG with a script",
        "logo.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "not an image we can use",
    ),
    Case("HTML named .jpg", "photo.jpg", lambda: HTML_PAYLOAD, "not an image we can use"),
    Case("GIF + HTML polyglot", "banner.gif", lambda: _encode("GIF") + HTML_PAYLOAD, "accepted"),
    Case(
        "JPEG + HTML, script in comment",
        "quay.jpg",
        lambda: _encode("JPEG", comment=HTML_PAYLOAD) + HTML_PAYLOAD,
        "accepted",
    ),
    Case("PHP in EXIF", "exif.jpg", _php_in_exif_jpeg, "accepted"),
    Case("GPS in EXIF", "gps.jpg", jpeg_with_gps, "accepted"),
    Case(
        "truncated JPEG",
        "cut.jpg",
        lambda: _encode("JPEG", size=(800, 600), quality=95)[:4000],
        "damaged or incomplete",
    ),
    Case(
        "truncated PNG",
        "cut.png",
        lambda: _one_bit_png(4000, 4000)[:300],
        "damaged or incomplete",
    ),
    Case(
        "15 MB + 1 byte",
        "big.jpg",
        lambda: _encode("JPEG") + bytes(15 * MEGABYTE + 1),
        "the limit is 15 MB",
    ),
    # The largest image the newsroom accepts: it must be decoded, re-encoded and rendered at
    # three widths within the memory budget.
    Case("39.9 MP 1-bit PNG", "wide.png", lambda: _one_bit_png(8000, 4990), "accepted", True),
    Case("39.9 MP RGBA PNG", "alpha.png", lambda: _blank_png(8000, 4990, _RGBA), "accepted", True),
    Case(
        "39.9 MP palette PNG", "gif.png", lambda: _blank_png(8000, 4990, _PALETTE), "accepted", True
    ),
]


# --- Driving the admin ----------------------------------------------------------------------


@dataclass
class Outcome:
    case: str
    status: int
    passed: bool
    detail: str
    rss_growth_mb: float


@dataclass
class UploadReport:
    outcomes: list[Outcome] = field(default_factory=list)
    nginx_oversize_status: int = 0
    nginx_oversize_reached_app: bool = False

    @property
    def server_errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status >= 500)

    @property
    def worst_rss_growth_mb(self) -> float:
        return max((o.rss_growth_mb for o in self.outcomes), default=0.0)


def _memory(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0]) * 1024
    return fields


def _reset_peaks(pids: list[int]) -> dict[int, int]:
    """Each worker's resident size now, with its peak (VmHWM) reset to it, so the peak read
    after one request is that request's own."""
    before = {}
    for pid in pids:
        # "5" resets the peak resident size (Linux 4.0+; needs the worker's owner or root);
        # without it VmHWM keeps the highest peak ever and would hide a request that stays
        # under an older one, so a failure here stops the battery rather than mismeasure.
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        before[pid] = _memory(pid)["VmRSS"]
    return before


def _growth(before: dict[int, int]) -> float:
    worst = 0
    for pid, rss in before.items():
        try:
            worst = max(worst, _memory(pid)["VmHWM"] - rss)
        except (OSError, KeyError):
            continue  # a worker recycled meanwhile; the new one starts small
    return worst / MEGABYTE


def _stored_image(site: Site, article_id: int) -> Path | None:
    name = site.shell(
        "from articles.models import Article\n"
        f"a = Article.objects.get(pk={article_id})\n"
        "print(a.lead_image.file.name if a.lead_image else '')"
    ).strip()
    return site.workdir / "media" / name if name else None


def upload_through_admin(
    browser: Browser,
    article_id: int,
    filename: str,
    data: bytes,
    before_post: Callable[[], None] = lambda: None,
) -> tuple[int, str]:
    """The story's change form as the editor's browser would submit it, with a new image.
    `before_post` runs between loading the form and sending it."""
    change = f"/admin/articles/article/{article_id}/change/"
    page = browser.get(change)
    if page.status != 200:
        raise RuntimeError(f"the change form answered {page.status}")
    fields = [
        (k, v)
        for k, v in form_fields(page.text, form_id="article_form")
        if k not in {"lead_image_alt", "lead_image-clear"}
    ]
    fields += [("lead_image_alt", "The harbour at dusk"), ("_continue", "Save")]
    before_post()
    response = browser.post_form(change, fields, files={"lead_image_upload": (filename, data)})
    return response.status, response.text


def _warm_up(site: Site, article_id: int) -> None:
    """Fresh workers import the admin, Pillow's encoders and templates on their first upload;
    a few small uploads on new connections (so each worker likely gets one) pay that first,
    so the measurement that follows is of the big upload itself."""
    for _ in range(2 * site.workers):
        editor = Browser(site.gunicorn_url, timeout=60)
        editor.sign_in("editor", site.demo_password)
        upload_through_admin(editor, article_id, "warm.png", _encode("PNG", size=(2000, 1200)))
        editor.close()


def run_uploads(site: Site, cases: list[Case] = CASES) -> UploadReport:
    report = UploadReport()
    article_id = next(iter(site.story_ids().values()))
    editor = Browser(site.gunicorn_url, timeout=120)
    editor.sign_in("editor", site.demo_password)
    for case in cases:
        data = case.build()
        before_file = _stored_image(site, article_id)
        if case.fresh_workers:
            site.restart_workers()
            _warm_up(site, article_id)
            before_file = _stored_image(site, article_id)
        peaks: dict[int, int] = {}
        status, text = upload_through_admin(
            editor,
            article_id,
            case.filename,
            data,
            before_post=lambda peaks=peaks: peaks.update(_reset_peaks(site.worker_pids())),
        )
        growth = _growth(peaks)
        if case.expect == "accepted":
            stored = _stored_image(site, article_id)
            passed = status == 302 and stored is not None and stored != before_file
            detail = "no new file stored"
            if passed and stored is not None:
                content = stored.read_bytes()
                left = [m.decode() for m in PAYLOAD_MARKERS if m in content]
                with Image.open(stored) as image:
                    exif = dict(image.getexif())
                passed = not left and not exif
                detail = f"re-encoded as {stored.suffix}, {len(content)} bytes" + (
                    f", still holds {left} / EXIF {exif}" if left or exif else ""
                )
        else:
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text, re.S)
            message = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(errors)))
            passed = status == 200 and case.expect in message
            detail = " ".join(message.split())[:90] or f"no form error (status {status})"
        report.outcomes.append(Outcome(case.name, status, passed, detail, growth))

    # nginx's client_max_body_size: a 17 MB body is refused before gunicorn sees any of it.
    editor_via_nginx = Browser(site.nginx_url, timeout=60)
    editor_via_nginx.sign_in("editor", site.demo_password)
    access_before = _access_log_lines(site)
    status, _ = _oversize_through_nginx(editor_via_nginx, article_id)
    report.nginx_oversize_status = status
    report.nginx_oversize_reached_app = any(
        f"/admin/articles/article/{article_id}/change/" in line and '"POST' in line
        for line in _access_log_lines(site)[len(access_before) :]
    )
    return report


def _access_log_lines(site: Site) -> list[str]:
    path = site.workdir / "gunicorn-access.log"
    return path.read_text(errors="replace").splitlines() if path.exists() else []


def _oversize_through_nginx(browser: Browser, article_id: int) -> tuple[int, str]:
    try:
        return upload_through_admin(browser, article_id, "huge.jpg", bytes(17 * MEGABYTE))
    except OSError as error:
        # nginx may answer 413 and close while the body is still being sent.
        return -1, str(error)
