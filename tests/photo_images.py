"""Photos the tests make themselves with Pillow (no file is shipped): a phone's JPEG, an animation."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GPS_IFD, ORIENTATION, MAKE, MODEL = 0x8825, 0x0112, 0x010F, 0x0110


def phone_jpeg(path: Path, size=(1600, 900)) -> Path:
    """A landscape JPEG stored sideways (EXIF orientation 6: turn it a quarter clockwise to see it),
    with the camera's name and a GPS position, as a phone writes it. Upright it is 900×1600, its red
    corner at the top right."""
    image = Image.new("RGB", size, "#3366aa")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 4, size[1] // 3), fill="#ff0000")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE], exif[MODEL] = "PhoneMaker", "Phone 12"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


def animated_gif(path: Path, frames: int = 3, size=(640, 360)) -> Path:
    colours = ["#ff0000", "#00aa00", "#0000ff", "#ffaa00"]
    images = [Image.new("RGB", size, colours[i % len(colours)]) for i in range(frames)]
    images[0].save(path, "GIF", save_all=True, append_images=images[1:], duration=120, loop=0)
    return path
