"""Hostile and broken inputs, made here so each test says exactly what is wrong with them."""

from __future__ import annotations

import io
import struct
import zlib

from fpdf import FPDF
from PIL import Image


def text_pdf(pages: int = 1, text: str = "Order for oxygen concentrator E1390") -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def text_past_the_edge_pdf() -> bytes:
    """An order whose text layer runs a word past the page's right edge, and one wholly off
    the page: a writer's layout bug that gives word boxes beyond the page."""
    pdf = FPDF(format="letter")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.set_auto_page_break(False)
    pdf.multi_cell(0, 8, "Patient: Jane Roe  DOB: 03/14/1951\nDx: J44.1 Chronic obstructive")
    pdf.text(pdf.w - 15, 60, "E1390-oxygen-concentrator")
    pdf.text(pdf.w + 40, 70, "offpage")
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Confidential order")
    return bytes(pdf.output())


def png(width: int = 400, height: int = 200) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge canvas in a few bytes: a decompression bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]
