"""A photo as a phone leaves it, EXIF and all: the camera, a private caption and where it was
taken. Every upload must come out of the site without any of it; the image tests, the admin
tests and the battery's upload check all build that photo here."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

# Text a stored file must not contain once cleaned.
CAMERA = "Quayside Camera"
CAPTION = "Meeting with the whistleblower"


def gps_exif() -> Image.Exif:
    """EXIF naming the camera, with a caption and a GPS block; JPEG, PNG and WebP all carry it."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.ImageDescription] = CAPTION
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 9.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (5.0, 4.0, 31.0),
        # Spelled out in the file, so b"GPS" in the bytes shows whether the block survived.
        ExifTags.GPS.GPSProcessingMethod: b"ASCII\x00\x00\x00GPS",
    }
    return exif


def jpeg_with_gps(size: tuple[int, int] = (320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 140)).save(buffer, "JPEG", exif=gps_exif())
    return buffer.getvalue()
