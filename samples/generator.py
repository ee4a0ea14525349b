"""Seeded generator of labeled faxed home-care orders: orchestration and command line.

    python -m samples.generator --out DIR --count N --seed S [--formats a,b]

Each document is a pure function of (seed, fmt, kind, pages): the same call yields the same
bytes. Next to every file goes ``<name>.truth.json`` with what a perfect extractor reads.
"""

from __future__ import annotations

import argparse
import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

from samples import degrade, layouts, people, render
from samples.case import KINDS, Case, build_case, to_truth
from samples.fax import FAX_WIDTH, encode_fax_tiff

FORMATS = ("text_pdf", "scan_pdf", "fax_fine", "fax_standard", "png", "jpeg")
EXTENSIONS = {
    "text_pdf": "pdf",
    "scan_pdf": "pdf",
    "fax_fine": "tiff",
    "fax_standard": "tiff",
    "png": "png",
    "jpeg": "jpg",
}
# Smallest body size per format; a 98-dpi fax loses half its rows, so it needs bigger type.
MIN_FONT_PT = {
    "text_pdf": 10.0,
    "scan_pdf": 10.0,
    "fax_fine": 10.5,
    "fax_standard": 12.0,
    "png": 10.0,
    "jpeg": 10.0,
}
# Chance that a non-fax file still carries a fax header (e-fax PDFs, screenshots of faxes).
HEADER_CHANCE = {"text_pdf": 0.5, "scan_pdf": 0.6, "png": 0.4, "jpeg": 0.4}


@dataclass(frozen=True)
class GeneratedDoc:
    name: str
    fmt: str
    data: bytes
    truth: dict[str, Any]


@dataclass(frozen=True)
class _Plan:
    """Page structure decided before rendering, so page counts can be forced."""

    cover: bool
    order_pages: list[render.Page]
    notes: list[render.Page]


def _header_fn(case: Case, rng: random.Random) -> tuple[render.HeaderFn, datetime]:
    """The transmitting machine's header line, and the timestamp it prints (seconds or not)."""
    t = case.received_at
    with_seconds = rng.random() < 0.4
    if not with_seconds:
        t = t.replace(second=0)
    sender_fax = case.sender.fax
    name = case.sender.name
    style = rng.randint(0, 4)
    clock = f"{t:%H:%M:%S}" if with_seconds else f"{t:%H:%M}"
    ampm = (
        people.format_time(t, 1)
        if not with_seconds
        else f"{(t.hour % 12) or 12}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'}"
    )
    month = people.MONTHS[t.month - 1][:3].upper()

    def header(page: int, total: int) -> str:
        if style == 0:
            pages = f"P.{page:03d}/{total:03d}"
            return f"{t:%m/%d/%Y} {clock}   FROM: {sender_fax}   {name[:26]}   {pages}"
        if style == 1:
            phone = people.format_phone(sender_fax, 0)
            return f"{month}-{t.day:02d}-{t.year} {clock}   {phone}   Page {page}/{total}"
        if style == 2:
            phone = people.format_phone(sender_fax, 2)
            return f"{t:%Y-%m-%d} {clock}  FAX {phone}   p. {page}/{total}"
        if style == 3:
            return (
                f"Date: {t.month}/{t.day}/{t.year} {ampm}  From: {name[:22]}  Fax: {sender_fax}  "
                f"Page: {page} of {total}"
            )
        phone = people.format_phone(sender_fax, 1)
        return f"{t:%m/%d/%y}  {clock}  {name[:24]:<24}  {phone}  Pg {page}/{total}"

    return header, t


def _plan(case: Case, st: layouts.Style, rng: random.Random, fmt: str, pages: int | None) -> _Plan:
    order = render.layout(layouts.order_spec(case, st, rng))
    single = fmt in ("png", "jpeg")
    if single and pages not in (None, 1):
        raise ValueError(f"{fmt} holds one page; pages={pages} is not possible")
    cover = not single and rng.random() < 0.35
    n_notes = 0 if single else rng.choice((0, 0, 0, 1, 1, 2))
    if pages is not None:
        n_notes = pages - len(order) - int(cover)
        if n_notes < 0 and cover:
            cover = False
            n_notes += 1
        if n_notes < 0:
            raise ValueError(f"this order needs {len(order)} pages; cannot fit in {pages}")
    notes = []
    for i in range(n_notes):
        # A note that runs long is cut at one page: its content is not part of the truth.
        notes.append(render.layout(layouts.spec(layouts.notes_page(case, st, rng, i), st, rng))[0])
    return _Plan(cover, order, notes)


def _cover(case: Case, st: layouts.Style, rng: random.Random, total: int) -> render.Page:
    return render.layout(layouts.spec(layouts.cover_sheet(case, st, rng, total), st, rng))[0]


def _stack(images: Sequence[Image.Image]) -> Image.Image:
    """Pages one above the other, the way a long screenshot of a document looks."""
    out = Image.new("L", (images[0].width, sum(i.height for i in images)), 255)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out


def _bilevel(img: Image.Image) -> Image.Image:
    return img.point(lambda v: 255 if v > 160 else 0).convert("1", dither=Image.Dither.NONE)


def _raster(
    pages: Sequence[render.Page], fmt: str, seed: int, rng: random.Random, created: datetime
) -> tuple[bytes, list[str]]:
    """Paint, damage and encode the pages; returns the file bytes and the damage names."""
    fax = fmt.startswith("fax")
    dpi = 204.0 if fax else float(rng.choice((200, 200, 200, 200, 240, 240, 300)))
    damaged: list[Image.Image] = []
    names: list[str] = []
    quality = rng.randint(45, 65)
    for i, page in enumerate(pages):
        prng = random.Random(f"damage:{seed}:{fmt}:{i}")
        # Only a page after the first is ever upside down: the first page is fed with care.
        damage = degrade.choose_damage(
            prng, fmt, allow_rotate=i > 0 or (len(pages) == 1 and prng.random() < 0.5)
        )
        img = render.to_image(page, dpi, FAX_WIDTH if fax else None)
        damaged.append(degrade.apply(img, damage, prng))
        quality = min(quality, damage.jpeg_quality or quality)
        names += [n for n in damage.names() if n not in names]
    if fax:
        data = encode_fax_tiff(
            damaged,
            "fine" if fmt == "fax_fine" else "standard",
            compression=rng.choice(("group3", "group4", "group4")),
            fill_order=2 if rng.random() < 0.25 else 1,
            g3_2d=rng.random() < 0.6,
        )
        return data, names
    if fmt == "scan_pdf":
        if rng.random() < 0.4:
            # Office scanners set to "black & white" store CCITT G4 pages inside the PDF.
            damaged = [_bilevel(im) for im in damaged]
        return render.images_to_pdf(damaged, dpi, quality, created), names
    img = _stack(damaged) if len(damaged) > 1 else damaged[0]
    buf = io.BytesIO()
    if fmt == "png":
        if rng.random() < 0.4:
            # Fax-to-email gateways often hand over bilevel PNGs.
            img = _bilevel(img)
        img.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=9)
    else:
        img.save(buf, format="JPEG", dpi=(round(dpi), round(dpi)), quality=quality, optimize=True)
    return buf.getvalue(), names


def make_document(
    seed: int, fmt: str, kind: str | None = None, pages: int | None = None
) -> GeneratedDoc:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    rng = random.Random(f"doc:{seed}:{fmt}")
    kind = kind or rng.choice(KINDS)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    case = build_case(seed, kind)
    st = layouts.pick_style(rng, MIN_FONT_PT[fmt])
    plan = _plan(case, st, rng, fmt, pages)
    total = len(plan.order_pages) + len(plan.notes) + int(plan.cover)
    all_pages = (
        ([_cover(case, st, rng, total)] if plan.cover else []) + plan.order_pages + plan.notes
    )

    received_at: datetime | None = None
    if fmt.startswith("fax") or rng.random() < HEADER_CHANCE.get(fmt, 0.0):
        header, received_at = _header_fn(case, rng)
        all_pages = render.with_header(all_pages, header, max(10.0, MIN_FONT_PT[fmt] - 0.5))

    name = f"order-{seed:04d}.{EXTENSIONS[fmt]}"
    damage: list[str] = []
    # File timestamps come from the document, never the clock, so output is reproducible.
    stamp = received_at or datetime.combine(
        case.order_date or case.received_at.date(), datetime.min.time()
    )
    if fmt == "text_pdf":
        data = render.to_pdf(all_pages, stamp, f"Order {seed}")
    else:
        data, damage = _raster(all_pages, fmt, seed, rng, stamp)

    truth = to_truth(case)
    single = fmt in ("png", "jpeg")
    truth["format"] = fmt
    truth["kind"] = kind
    truth["received_at"] = received_at.isoformat() if received_at else None
    # When the file reached the inbox: context the service knows, not a value on the page.
    truth["arrived_at"] = case.received_at.replace(tzinfo=UTC).isoformat()
    truth["gaps"] = sorted(set(case.gaps) | ({"rotated_180"} if "rotated_180" in damage else set()))
    truth["degradations"] = damage
    truth["source"] = {
        "filename": name,
        "pages": 1 if single else len(all_pages),
        "order_page": 2 if plan.cover else 1,
    }
    truth["seed"] = seed
    return GeneratedDoc(name, fmt, data, truth)


def generate(
    out_dir: Path, count: int, seed: int = 0, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Write ``count`` documents and their truth files; formats and kinds both cycle so a
    run of len(formats) * len(KINDS) covers every pairing. Returns the document paths."""
    if not formats:
        raise ValueError("formats must not be empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        fmt = formats[i % len(formats)]
        kind = KINDS[(i + i // len(formats)) % len(KINDS)]
        doc = make_document(seed + i, fmt, kind)
        path = out_dir / doc.name
        path.write_bytes(doc.data)
        (out_dir / f"{doc.name}.truth.json").write_text(
            json.dumps(doc.truth, indent=2, sort_keys=True) + "\n"
        )
        paths.append(path)
    return paths


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m samples.generator", description=__doc__.splitlines()[0] if __doc__ else None
    )
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--count", type=int, default=24)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"comma-separated subset of {','.join(FORMATS)}",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    formats = [f.strip() for f in str(args.formats).split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise SystemExit(f"unknown formats: {', '.join(unknown)}")
    for path in generate(args.out, args.count, args.seed, formats):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
