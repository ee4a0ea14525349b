"""The small vocabulary of blocks a layout is written in.

Layouts produce these plain data objects; render.py flows them onto pages. Keeping the
vocabulary tiny is what lets one layout feed both the text-PDF and the raster back ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]
FieldStyle = Literal["inline", "stacked", "boxed", "underlined"]


@dataclass(frozen=True)
class Text:
    text: str
    size: float
    bold: bool = False
    align: Align = "left"
    indent: float = 0.0
    space_after: float = 2.0


@dataclass(frozen=True)
class Fields:
    """A grid of label/value cells; each row may hold a different number of cells."""

    rows: tuple[tuple[tuple[str, str], ...], ...]
    size: float
    style: FieldStyle = "inline"
    label_bold: bool = True
    # Column share per row (fractions of the text width); equal split when empty.
    weights: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    size: float
    grid: bool = True


@dataclass(frozen=True)
class Checks:
    label: str
    options: tuple[str, ...]
    checked: frozenset[str]
    size: float


@dataclass(frozen=True)
class Signature:
    label: str
    signed: bool
    printed_name: str
    date_label: str
    date_text: str
    size: float
    electronic: str | None = None
    seed: int = 0


@dataclass(frozen=True)
class Section:
    title: str
    size: float
    style: Literal["box", "underline", "plain", "bar"] = "underline"


@dataclass(frozen=True)
class Rule:
    weight: float = 0.8


@dataclass(frozen=True)
class Space:
    height: float


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Text | Fields | Table | Checks | Signature | Section | Rule | Space | PageBreak

FontFamily = Literal["sans", "serif", "condensed", "mono"]


@dataclass(frozen=True)
class DocSpec:
    blocks: tuple[Block, ...]
    font: FontFamily = "sans"
    margin_left: float = 54.0
    margin_right: float = 54.0
    margin_top: float = 60.0
    margin_bottom: float = 54.0
    # Page indices (0-based) that start a section of interest, filled in by the layout.
    marks: dict[str, int] = field(default_factory=dict)
