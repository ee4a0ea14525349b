"""Flow a DocSpec onto letter pages as drawing operations, then paint them with Pillow or fpdf2.

Layout happens once, in points, using the same TrueType metrics for both back ends; that is
why a text PDF and a fax of the same seed put every word in the same place.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from samples.doc import (
    Block,
    Checks,
    DocSpec,
    Fields,
    FontFamily,
    PageBreak,
    Rule,
    Section,
    Signature,
    Space,
    Table,
    Text,
)

PAGE_W = 612.0  # US letter in points
PAGE_H = 792.0
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES: dict[FontFamily, tuple[str, str]] = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}
LEADING = 1.28
_METRIC_SIZE = 200  # large enough that rounding in FreeType advances is negligible


@dataclass(frozen=True)
class TextOp:
    x: float
    y: float  # baseline
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class LineOp:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class RectOp:
    x: float
    y: float
    w: float
    h: float
    width: float


@dataclass(frozen=True)
class PolyOp:
    points: tuple[tuple[float, float], ...]
    width: float


Op = TextOp | LineOp | RectOp | PolyOp


@dataclass(frozen=True)
class Page:
    ops: tuple[Op, ...]
    font: FontFamily


def font_path(family: FontFamily, bold: bool) -> Path:
    return FONT_DIR / FONT_FILES[family][1 if bold else 0]


@cache
def _pil_font(family: FontFamily, bold: bool, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(family, bold)), px)


def text_width(text: str, size: float, family: FontFamily, bold: bool = False) -> float:
    return _pil_font(family, bold, _METRIC_SIZE).getlength(text) * size / _METRIC_SIZE


def wrap(text: str, width: float, size: float, family: FontFamily, bold: bool = False) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for word in para.split(" "):
            trial = f"{cur} {word}" if cur else word
            if cur and text_width(trial, size, family, bold) > width:
                lines.append(cur)
                cur = word
            else:
                cur = trial
        lines.append(cur)
    return lines


def scribble(
    rng: random.Random, x: float, y: float, w: float, h: float
) -> list[tuple[tuple[float, float], ...]]:
    """A few joined cubic Bezier loops: reads as a signature to a human, as noise to OCR."""
    strokes = []
    cx = x
    for _ in range(rng.randint(1, 3)):
        pts: list[tuple[float, float]] = []
        seg_w = w / rng.uniform(2.0, 3.5)
        p0 = (cx, y - rng.uniform(0, h * 0.4))
        for _ in range(rng.randint(3, 6)):
            p3 = (p0[0] + seg_w / rng.uniform(2.5, 4.0), y - rng.uniform(0, h))
            c1 = (p0[0] + rng.uniform(-8, 12), y - rng.uniform(-h * 0.3, h * 1.2))
            c2 = (p3[0] + rng.uniform(-12, 8), y - rng.uniform(-h * 0.3, h * 1.2))
            for i in range(13):
                t = i / 12
                mt = 1 - t
                pts.append(
                    (
                        mt**3 * p0[0]
                        + 3 * mt**2 * t * c1[0]
                        + 3 * mt * t**2 * c2[0]
                        + t**3 * p3[0],
                        mt**3 * p0[1]
                        + 3 * mt**2 * t * c1[1]
                        + 3 * mt * t**2 * c2[1]
                        + t**3 * p3[1],
                    )
                )
            p0 = p3
        strokes.append(tuple(pts))
        cx = p0[0] + rng.uniform(4, 14)
        if cx > x + w:
            break
    return strokes


class _Flow:
    """Cursor state while placing blocks; breaks pages when a block does not fit."""

    def __init__(self, spec: DocSpec) -> None:
        self.spec = spec
        self.font = spec.font
        self.left = spec.margin_left
        self.right = PAGE_W - spec.margin_right
        self.pages: list[list[Op]] = [[]]
        self.y = spec.margin_top

    @property
    def width(self) -> float:
        return self.right - self.left

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.spec.margin_top

    def ensure(self, height: float) -> None:
        if self.y + height > PAGE_H - self.spec.margin_bottom and self.y > self.spec.margin_top + 1:
            self.new_page()

    def emit(self, ops: Sequence[Op], dy: float = 0.0) -> None:
        for op in ops:
            self.pages[-1].append(_shift(op, dy))

    def w(self, text: str, size: float, bold: bool = False) -> float:
        return text_width(text, size, self.font, bold)

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        return wrap(text, width, size, self.font, bold)


def _shift(op: Op, dy: float) -> Op:
    if dy == 0:
        return op
    if isinstance(op, TextOp):
        return TextOp(op.x, op.y + dy, op.text, op.size, op.bold)
    if isinstance(op, LineOp):
        return LineOp(op.x1, op.y1 + dy, op.x2, op.y2 + dy, op.width)
    if isinstance(op, RectOp):
        return RectOp(op.x, op.y + dy, op.w, op.h, op.width)
    return PolyOp(tuple((px, py + dy) for px, py in op.points), op.width)


def _text_block(f: _Flow, b: Text) -> None:
    lh = b.size * LEADING
    for line in f.wrap(b.text, f.width - b.indent, b.size, b.bold):
        f.ensure(lh)
        if b.align == "center":
            x = f.left + (f.width - f.w(line, b.size, b.bold)) / 2
        elif b.align == "right":
            x = f.right - f.w(line, b.size, b.bold)
        else:
            x = f.left + b.indent
        f.emit([TextOp(x, f.y + b.size, line, b.size, b.bold)])
        f.y += lh
    f.y += b.space_after


def _cell(
    f: _Flow, label: str, value: str, x: float, w: float, b: Fields
) -> tuple[list[Op], float]:
    """Ops for one label/value cell relative to the row top, and the cell height."""
    s = b.size
    lh = s * LEADING
    ops: list[Op] = []
    pad = 3.0 if b.style == "boxed" else 0.0
    inner = w - 2 * pad - 4
    if b.style in ("inline", "underlined"):
        lab = f"{label}:" if label and not label.endswith((":", "#", ".", "?")) else label
        lw = f.w(lab + " ", s, b.label_bold) if lab else 0.0
        if lw <= inner * 0.6:
            lines = f.wrap(value, inner - lw, s) if value else [""]
            if lab:
                ops.append(TextOp(x, s, lab, s, b.label_bold))
            for i, ln in enumerate(lines):
                if ln:
                    ops.append(TextOp(x + lw, s + lh * i, ln, s, False))
            if b.style == "underlined":
                ops.append(LineOp(x + lw - 2, s + 2.5, x + w - 8, s + 2.5, 0.6))
            return ops, lh * len(lines)
        label = lab  # a long label pushes its value below rather than squeezing it
    label_lines = f.wrap(label, inner, s, b.label_bold) if label else []
    value_lines = f.wrap(value, inner - 2, s) if value else [""]
    for i, ln in enumerate(label_lines):
        ops.append(TextOp(x + pad, pad + s + lh * i, ln, s, b.label_bold))
    top = len(label_lines)
    for i, ln in enumerate(value_lines):
        if ln:
            ops.append(TextOp(x + pad + 2, pad + s + lh * (top + i), ln, s, False))
    return ops, lh * (top + len(value_lines)) + 2 * pad


def _fields_block(f: _Flow, b: Fields) -> None:
    gap = 10.0 if b.style != "boxed" else 0.0
    for r, row in enumerate(b.rows):
        weights = (
            b.weights[r]
            if r < len(b.weights) and len(b.weights[r]) == len(row)
            else (1.0,) * len(row)
        )
        total = sum(weights)
        x = f.left
        cells: list[tuple[list[Op], float, float, float]] = []
        for (label, value), wt in zip(row, weights, strict=True):
            cw = f.width * wt / total
            ops, h = _cell(f, label, value, x, cw - gap, b)
            cells.append((ops, h, x, cw))
            x += cw
        height = max(h for _, h, _, _ in cells)
        f.ensure(height + 4)
        for ops, _, cx, cw in cells:
            f.emit(ops, f.y)
            if b.style == "boxed":
                f.emit([RectOp(cx, f.y, cw, height, 0.8)])
        f.y += height + (0 if b.style == "boxed" else 4)
    f.y += 4


def _table_block(f: _Flow, b: Table) -> None:
    s = b.size
    lh = s * LEADING
    total = sum(b.widths)
    widths = [f.width * w / total for w in b.widths]
    for r, row in enumerate((b.headers, *b.rows)):
        bold = r == 0
        wrapped = [f.wrap(cell, w - 6, s, bold) for cell, w in zip(row, widths, strict=True)]
        height = max(len(c) for c in wrapped) * lh + 5
        # A header row never sits alone at the foot of a page.
        f.ensure(height * 2.2 if r == 0 else height)
        x = f.left
        ops: list[Op] = []
        for lines, w in zip(wrapped, widths, strict=True):
            for i, ln in enumerate(lines):
                ops.append(TextOp(x + 3, 2.5 + s + lh * i, ln, s, bold))
            if b.grid:
                ops.append(RectOp(x, 0, w, height, 0.7))
            x += w
        if not b.grid and r == 0:
            ops.append(LineOp(f.left, height - 1, f.right, height - 1, 0.8))
        f.emit(ops, f.y)
        f.y += height
    f.y += 6


def _checks_block(f: _Flow, b: Checks) -> None:
    s = b.size
    lh = s * LEADING + 2
    box = s * 0.85
    f.ensure(lh)
    x = f.left
    ops: list[Op] = []
    if b.label:
        lab = b.label if b.label.endswith((":", "?")) else b.label + ":"
        ops.append(TextOp(x, s, lab, s, True))
        x += f.w(lab + "  ", s, True)
    row_top = 0.0
    for opt in b.options:
        need = box + 4 + f.w(opt, s) + 14
        if x + need > f.right:
            x = f.left + 12
            row_top += lh
        ops.append(RectOp(x, row_top + s - box + 1, box, box, 0.8))
        if opt in b.checked:
            x0, y0 = x + 1.5, row_top + s - box + 2.5
            ops.append(LineOp(x0, y0, x0 + box - 3, y0 + box - 3, 1.3))
            ops.append(LineOp(x0, y0 + box - 3, x0 + box - 3, y0, 1.3))
        ops.append(TextOp(x + box + 4, row_top + s, opt, s, False))
        x += need
    f.emit(ops, f.y)
    f.y += row_top + lh + 3


def _signature_block(f: _Flow, b: Signature) -> None:
    s = b.size
    lh = s * LEADING
    height = 30 + lh * 2.4
    f.ensure(height)
    ops: list[Op] = []
    base = 30.0
    lab = b.label if b.label.endswith(":") else b.label + ":"
    lw = f.w(lab + " ", s, True)
    line_x0 = f.left + lw
    line_x1 = f.left + f.width * 0.62
    ops.append(TextOp(f.left, base, lab, s, True))
    ops.append(LineOp(line_x0, base + 2, line_x1, base + 2, 0.7))
    if b.signed and b.electronic is None:
        rng = random.Random(f"sig:{b.seed}")
        for stroke in scribble(rng, line_x0 + 10, base, min(170.0, line_x1 - line_x0 - 20), 22):
            ops.append(PolyOp(stroke, 1.2))
    dx = f.left + f.width * 0.66
    dl = b.date_label if b.date_label.endswith(":") else b.date_label + ":"
    ops.append(TextOp(dx, base, dl, s, True))
    dlw = f.w(dl + " ", s, True)
    ops.append(LineOp(dx + dlw, base + 2, f.right, base + 2, 0.7))
    if b.date_text:
        ops.append(TextOp(dx + dlw + 3, base - 1, b.date_text, s, False))
    y = base + lh + 2
    if b.printed_name:
        ops.append(TextOp(line_x0, y, b.printed_name, s, False))
        y += lh
    if b.electronic:
        ops.append(TextOp(f.left, y, b.electronic, s, False))
        y += lh
    f.emit(ops, f.y)
    f.y += y + 4


def _section_block(f: _Flow, b: Section) -> None:
    s = b.size
    lh = s * LEADING
    lines = f.wrap(b.title, f.width - 8, s, True)
    h = lh * len(lines) + (6 if b.style == "box" else 3)
    # Keep a heading with at least a couple of lines of what follows it.
    f.ensure(h + 3 * s)
    ops: list[Op] = []
    x = f.left + (4 if b.style == "box" else 0)
    top = 3.0 if b.style == "box" else 4.0 if b.style == "bar" else 0.0
    for i, ln in enumerate(lines):
        ops.append(TextOp(x, top + s + lh * i, ln, s, True))
    if b.style == "box":
        ops.append(RectOp(f.left, 0, f.width, h, 1.0))
    elif b.style == "bar":
        ops.append(LineOp(f.left, 0, f.right, 0, 2.2))
    elif b.style == "underline":
        ops.append(LineOp(f.left, h, f.right, h, 0.8))
    f.emit(ops, f.y)
    f.y += h + 4


def _place(f: _Flow, b: Block) -> None:
    if isinstance(b, Text):
        _text_block(f, b)
    elif isinstance(b, Fields):
        _fields_block(f, b)
    elif isinstance(b, Table):
        _table_block(f, b)
    elif isinstance(b, Checks):
        _checks_block(f, b)
    elif isinstance(b, Signature):
        _signature_block(f, b)
    elif isinstance(b, Section):
        _section_block(f, b)
    elif isinstance(b, Rule):
        f.ensure(6)
        f.emit([LineOp(f.left, 3, f.right, 3, b.weight)], f.y)
        f.y += 8
    elif isinstance(b, Space):
        f.y += b.height
    elif isinstance(b, PageBreak):
        f.new_page()


def layout(spec: DocSpec) -> list[Page]:
    f = _Flow(spec)
    for b in spec.blocks:
        _place(f, b)
    pages = [p for p in f.pages if p]
    return [Page(tuple(p), spec.font) for p in pages]


HeaderFn = Callable[[int, int], str]


def with_header(pages: Sequence[Page], header: HeaderFn, size: float) -> list[Page]:
    """Stamp the transmitting machine's line across the top of every page.

    Fax machines print this line in whatever small font fits, so a long one is shrunk
    (never below 9 pt) rather than run off the edge.
    """
    total = len(pages)
    out = []
    for i, p in enumerate(pages):
        text = header(i + 1, total)
        fit = min(size, max(9.0, size * (PAGE_W - 30) / max(1.0, text_width(text, size, p.font))))
        out.append(Page((TextOp(14.0, 6.0 + fit, text, fit, False), *p.ops), p.font))
    return out


def to_image(page: Page, dpi: float, width_px: int | None = None) -> Image.Image:
    """Greyscale raster of a page; ``width_px`` crops/pads to a fixed width (fax is 1728)."""
    scale = dpi / 72.0
    w = width_px or round(PAGE_W * scale)
    h = round(PAGE_H * scale)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    for op in page.ops:
        if isinstance(op, TextOp):
            font = _pil_font(page.font, op.bold, max(6, round(op.size * scale)))
            draw.text((op.x * scale, op.y * scale), op.text, font=font, fill=0, anchor="ls")
        elif isinstance(op, LineOp):
            draw.line(
                (op.x1 * scale, op.y1 * scale, op.x2 * scale, op.y2 * scale),
                fill=0,
                width=max(1, round(op.width * scale)),
            )
        elif isinstance(op, RectOp):
            draw.rectangle(
                (op.x * scale, op.y * scale, (op.x + op.w) * scale, (op.y + op.h) * scale),
                outline=0,
                width=max(1, round(op.width * scale)),
            )
        else:
            draw.line(
                [(px * scale, py * scale) for px, py in op.points],
                fill=0,
                width=max(1, round(op.width * scale)),
                joint="curve",
            )
    return img


def to_pdf(pages: Sequence[Page], created: datetime, title: str) -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(created)
    pdf.set_title(title)
    pdf.set_creator("fax-intake sample generator")
    families = {p.font for p in pages}
    for fam in sorted(families):
        pdf.add_font(fam, "", str(font_path(fam, False)))
        pdf.add_font(fam, "B", str(font_path(fam, True)))
    for page in pages:
        pdf.add_page()
        for op in page.ops:
            if isinstance(op, TextOp):
                pdf.set_font(page.font, "B" if op.bold else "", op.size)
                pdf.text(op.x, op.y, op.text)
            elif isinstance(op, LineOp):
                pdf.set_line_width(op.width)
                pdf.line(op.x1, op.y1, op.x2, op.y2)
            elif isinstance(op, RectOp):
                pdf.set_line_width(op.width)
                pdf.rect(op.x, op.y, op.w, op.h)
            else:
                pdf.set_line_width(op.width)
                pdf.polyline(list(op.points))
    buf = io.BytesIO()
    pdf.output(buf)
    return buf.getvalue()


def images_to_pdf(
    images: Sequence[Image.Image], dpi: float, quality: int, created: datetime
) -> bytes:
    """Image-only PDF, the way scanners and most e-fax services deliver it."""
    buf = io.BytesIO()
    grey = [im if im.mode in ("L", "1") else im.convert("L") for im in images]
    # Pillow stamps the wall clock unless told otherwise, which would break reproducibility.
    stamp = created.timetuple()
    # Bilevel pages go in as CCITT G4, for which Pillow refuses a JPEG quality setting.
    jpeg = {"quality": quality} if grey[0].mode == "L" else {}
    grey[0].save(
        buf,
        format="PDF",
        save_all=True,
        append_images=list(grey[1:]),
        resolution=dpi,
        **jpeg,
        creationDate=stamp,
        modDate=stamp,
        producer="fax-intake sample generator",
    )
    return buf.getvalue()
