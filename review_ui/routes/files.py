"""Page images and the original file. Both are PHI: session required, never cached; the
original's download is audited and named by document id, never by the name it arrived with."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlmodel import col, select

from intake.audit_trail import append
from intake.db.models import Document, PageRecord
from review_ui.auth import SessionDep, User, services_of, ui_router
from review_ui.path_ids import DocumentId, PageNumber
from review_ui.views.review import original_file_name

router = ui_router(prefix="/documents")


@router.get("/{document_id}/pages/{page_number}")
def page_image(
    request: Request,
    document_id: DocumentId,
    page_number: PageNumber,
    principal: User,
    db: SessionDep,
) -> Response:
    image = db.exec(
        select(col(PageRecord.image_sha256)).where(
            col(PageRecord.document_id) == document_id, col(PageRecord.number) == page_number
        )
    ).first()
    if image is None:
        raise HTTPException(status_code=404, detail="no such page")
    return Response(services_of(request).store.get(image), media_type="image/png")


@router.get("/{document_id}/original")
def original(
    request: Request, document_id: DocumentId, principal: User, db: SessionDep
) -> Response:
    document = db.get(Document, document_id)
    if document is None:
        raise HTTPException(status_code=404, detail="no such document")
    data = services_of(request).store.get(document.sha256)
    append(db, "download", principal.actor, document_id=document_id)
    return Response(
        data,
        media_type=document.media_type or "application/octet-stream",
        headers={"content-disposition": f'attachment; filename="{original_file_name(document)}"'},
    )
