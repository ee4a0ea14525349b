"""Seeded, moderate image degradations: the damage a real fax or scan does, kept OCR-readable."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageFilter


@dataclass(frozen=True)
class Damage:
    """What to do to one page; decided up front so the truth can name it."""

    skew_deg: float = 0.0
    rotate_180: bool = False
    speckle: float = 0.0  # fraction of pixels flipped to black
    faint: float = 0.0  # 0..1, how much lighter the ink gets
    blur: float = 0.0
    jpeg_quality: int | None = None  # the file's own JPEG quality when it is a harsh one

    def names(self) -> list[str]:
        out = []
        if self.rotate_180:
            out.append("rotated_180")
        if abs(self.skew_deg) >= 0.3:
            out.append("skewed")
        if self.speckle > 0:
            out.append("speckled")
        if self.faint > 0:
            out.append("faint")
        if self.jpeg_quality is not None and self.jpeg_quality < 50:
            out.append("jpeg_artifacts")
        return out


def choose_damage(rng: random.Random, fmt: str, allow_rotate: bool) -> Damage:
    """Degradations by channel: faxes speckle and skew, scans blur and compress."""
    fax = fmt.startswith("fax")
    camera = fmt in ("jpeg", "scan_pdf")
    return Damage(
        skew_deg=rng.uniform(-1.5, 1.5) if rng.random() < (0.6 if fax or camera else 0.3) else 0.0,
        rotate_180=allow_rotate and rng.random() < 0.08,
        speckle=rng.uniform(0.0001, 0.0005) if fax and rng.random() < 0.6 else 0.0,
        faint=rng.uniform(0.15, 0.35) if rng.random() < 0.2 else 0.0,
        blur=rng.uniform(0.3, 0.7) if camera and rng.random() < 0.5 else 0.0,
        jpeg_quality=rng.randint(35, 60) if camera and rng.random() < 0.6 else None,
    )


def apply(img: Image.Image, damage: Damage, rng: random.Random) -> Image.Image:
    """Greyscale in, greyscale out; binarization (for fax) happens after, as in a real machine."""
    out = img.convert("L")
    if damage.faint:
        # Lift the ink towards white: a low toner cartridge, still legible to a person.
        lift = round(255 * damage.faint * 0.5)
        out = out.point(lambda v: min(255, v + lift))
    if damage.blur:
        out = out.filter(ImageFilter.GaussianBlur(damage.blur))
    if damage.skew_deg:
        out = out.rotate(
            damage.skew_deg, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255
        )
    if damage.speckle:
        out = speckle(out, damage.speckle, rng)
    if damage.rotate_180:
        out = out.transpose(Image.Transpose.ROTATE_180)
    # Scanners clip the paper to white; keeping the faint grey halo would only add JPEG noise
    # (and megabytes) without making the page any harder to read.
    return out.point(lambda v: 255 if v > 232 else v)


def speckle(img: Image.Image, density: float, rng: random.Random) -> Image.Image:
    """Isolated black dots, as dust on the scanner glass and line noise leave on a fax."""
    out = img.copy()
    px = out.load()
    assert px is not None  # a freshly copied in-memory image always loads
    w, h = out.size
    for _ in range(int(w * h * density)):
        x, y = rng.randrange(w), rng.randrange(h)
        size = 1 if rng.random() < 0.8 else 2
        for dx in range(size):
            for dy in range(size):
                if x + dx < w and y + dy < h:
                    px[x + dx, y + dy] = 0
    return out
