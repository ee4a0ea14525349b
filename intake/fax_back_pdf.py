"""The fax-back letter as a one-page PDF, for the clerk to print or download and for a fax
server's outbound folder.

Set in DejaVu Sans (Debian's fonts-dejavu-core), embedded: a patient's or practitioner's name
prints as written, accents and all, where PDF's core fonts know Latin-1 only. Large type and
wide margins survive a standard-resolution fax.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from fpdf import FPDF

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
#: Points: 11 pt reads after a 98 dpi fax; the heading larger.
_TEXT_PT = 11
_HEADING_PT = 15
_MARGIN_MM = 20


def letter_pdf(text: str) -> bytes:
    """The letter ``text`` (its first line the heading) on one US Letter page."""
    pdf = FPDF(format="Letter", unit="mm")
    pdf.set_margins(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(BOLD))
    pdf.add_page()
    heading, _, body = text.partition("\n")
    pdf.set_font("DejaVu", "B", _HEADING_PT)
    pdf.multi_cell(0, 8, heading)
    pdf.ln(2)
    pdf.set_font("DejaVu", "", _TEXT_PT)
    pdf.multi_cell(0, 5.5, body)
    return bytes(pdf.output())


def drop_in_outbox(folder: Path, document_id: int, pdf: bytes, to_fax: str | None) -> Path:
    """Leave the letter where a fax server sends from: ``fax-back-<id>.pdf`` and, beside it,
    ``fax-back-<id>.json`` with the number to send to. Names carry no PHI; each file appears
    whole (written aside, then renamed), the JSON last, so a server that waits for it never
    sends half a letter."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"fax-back-{document_id}"
    _write_whole(folder / f"{stem}.pdf", pdf)
    ticket = {"document_id": document_id, "to_fax": to_fax, "file": f"{stem}.pdf"}
    _write_whole(folder / f"{stem}.json", json.dumps(ticket).encode())
    return folder / f"{stem}.pdf"


def _write_whole(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
