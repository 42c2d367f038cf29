"""Recordings that come in the zip beside a honeypot's transcripts: stored through itg.uploads (audio
recognised by its bytes), under generated keys, deleted again if the chunk's transaction fails."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from itg.uploads import AUDIO_TYPES, as_upload, check_upload

from .models import ImportReject


def attach_recordings(job, records: list[dict], files) -> tuple[list[dict], list[ImportReject]]:
    archive = job.options.get("_archive")
    names = {i.filename.rsplit("/", 1)[-1]: i for i in archive.infolist()} if archive else {}
    kept, rejects = [], []
    for record in records:
        name = record.pop("_recording", "")
        if name:
            info = names.get(name.rsplit("/", 1)[-1])
            reason = _store(archive, info, name, record, files)
            if reason:
                rejects.append(ImportReject(line=record["_line"], reason=reason, raw=f"recording={name}"))
                continue
        kept.append(record)
    return kept, rejects


def _store(archive, info, name: str, record: dict, files) -> str:
    if info is None:
        return f"The recording {name} is not in the zip."
    if info.file_size > settings.UPLOAD_MAX_BYTES:
        return f"The recording {name} is larger than {settings.UPLOAD_MAX_BYTES // 1048576} MB."
    data = archive.read(info)
    try:
        checked = check_upload(as_upload(data, name), allowed=AUDIO_TYPES, field_name="recording")
    except ValidationError as error:
        return " ".join(error.message_dict["recording"])[:300]
    record["recording"] = files.save("calls/recordings", checked)
    return ""
