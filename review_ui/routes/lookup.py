"""Code checks as the clerk types: the field's own value is POSTed (no codes in URLs)."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import Response

from review_ui.auth import Form, User, ui_router
from review_ui.codes import CODE_KINDS, describe
from review_ui.templating import templates

router = ui_router()


@router.post("/lookup/{kind}")
def lookup(request: Request, kind: str, principal: User, form: Form) -> Response:
    if kind not in CODE_KINDS:
        raise HTTPException(status_code=404, detail="no such code kind")
    # htmx names the input that fired in HX-Trigger-Name; its value is in the form.
    value = form.get(request.headers.get("hx-trigger-name", ""))
    status = describe(kind, value if isinstance(value, str) else "")
    return templates.TemplateResponse(request, "_code_status.html", {"code": status})
