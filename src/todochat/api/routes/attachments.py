"""``PUT|POST /chatkit/attachments/{id}/upload``: phase two of a ChatKit attachment upload."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from todochat.api.deps import authenticated_user, resolve_zone
from todochat.api.routes.tasks import ErrorOut
from todochat.conversations.attachments import UPLOAD_HEADER, AttachmentFiles
from todochat.errors import ValidationError

router = APIRouter(prefix="/chatkit/attachments", tags=["attachments"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid bearer token or upload token"},
    404: {"model": ErrorOut, "description": "No such attachment of this user"},
    409: {"model": ErrorOut, "description": "The user's attachment quota (TODOCHAT_QUOTA_ATTACHMENT_BYTES) is full"},
    413: {"model": ErrorOut, "description": "Larger than TODOCHAT_ATTACHMENT_MAX_BYTES"},
    422: {"model": ErrorOut, "description": "Not an allowed file type, or no file in the form"},
}


async def _upload(request: Request, attachment_id: str) -> dict[str, Any]:
    files: AttachmentFiles = request.app.state.attachments
    if request.headers.get("authorization"):
        user_id = await authenticated_user(request)
    else:
        user_id = await files.upload_user(request.headers.get(UPLOAD_HEADER, ""), attachment_id)  # sign-out checked too
    ctx = dataclasses.replace(await resolve_zone(request, user_id), front="rest", tool="upload attachment")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationError("The form has no file field 'file'.", field="file")
        data = await upload.read()
    else:
        data = await request.body()
    attachment = await files.write(attachment_id, data, ctx)
    return attachment.model_dump(mode="json")


ID = Annotated[str, Path(max_length=64, description="The attachment id attachments.create gave")]


@router.put("/{attachment_id}/upload", responses=RESPONSES, summary="Upload an attachment's file (raw body)")
async def upload_put(request: Request, attachment_id: ID) -> dict[str, Any]:
    """Phase two of a ChatKit two-phase upload: the file's bytes as the body. Authenticated by
    the bearer token of the attachment's user, or the ``X-Upload-Token`` the upload descriptor
    gave. Returns the attachment (``upload_descriptor`` now null)."""
    return await _upload(request, attachment_id)


@router.post("/{attachment_id}/upload", responses=RESPONSES, summary="Upload an attachment's file (multipart)")
async def upload_post(request: Request, attachment_id: ID) -> dict[str, Any]:
    """As the PUT, with the file as the multipart field ``file``."""
    return await _upload(request, attachment_id)
