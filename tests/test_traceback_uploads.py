"""Traceback uploads (call recordings, transcripts, hop evidence) are checked by their bytes through
itg/uploads, stored under generated keys, and never left behind when the write they belong to fails."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from itg.audit.models import AuditEvent
from itg.uploads import ATTACHMENT_TYPES, AUDIO_TYPES, TRANSCRIPT_TYPES, as_upload, check_upload
from tests.factories import make_campaign, make_provider, start_traceback, verified_login
from tracebacks.models import Hop, HopLinkUse, Traceback

PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."


def tiny_wav() -> bytes:
    """A real 8 kHz, 16-bit mono PCM WAV of eight samples: RIFF header, fmt chunk, data chunk."""
    samples = struct.pack("<8h", 0, 1000, 2000, 1000, 0, -1000, -2000, -1000)
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def stored(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def form(people) -> dict:
    return {
        "campaign": make_campaign().pk, "call_at": "2026-03-02T10:15", "call_tz": "America/Chicago",
        "calling_number": "2025550143", "called_number": "3125550199",
        "terminating_provider": make_provider("Last Mile Telecom").rmd_number, "source": "complaint",
    }  # fmt: skip


# --- itg/uploads: audio and transcripts by their bytes ---------------------------------------------------

AUDIO_HEADS = {
    "audio/wav": tiny_wav(),
    "audio/mpeg": b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 16,
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 32,
    "audio/ogg": b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis" + b"\x00" * 32,
    "audio/flac": b"fLaC\x00\x00\x00\x22" + b"\x00" * 40,
}


@pytest.mark.parametrize("content_type", sorted(AUDIO_HEADS))
def test_each_recording_format_is_recognised_by_its_bytes_whatever_its_name(content_type):
    checked = check_upload(as_upload(AUDIO_HEADS[content_type], "call.bin"), allowed=AUDIO_TYPES)
    assert checked.content_type == content_type and checked.original_name == "call.bin"


def test_audio_is_not_an_ordinary_attachment_and_captions_are_text():
    with pytest.raises(ValidationError) as refused:
        check_upload(as_upload(tiny_wav(), "call.wav"), allowed=ATTACHMENT_TYPES, field_name="attachment")
    assert "call.wav: this is WAV, whatever its name says" in refused.value.message_dict["attachment"][0]
    vtt = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nThis is the Social Security Administration.\n"
    checked = check_upload(as_upload(vtt, "call.vtt"), allowed=TRANSCRIPT_TYPES)
    assert checked.content_type == "text/plain" and checked.extension == ".txt"


# --- Starting a traceback with files ------------------------------------------------------------------------


def test_a_program_renamed_wav_is_refused_next_to_the_field_and_nothing_is_kept(
    client, people, form, settings
):
    verified_login(client, people.ivy)
    response = client.post("/tracebacks/new/", {**form, "recording": SimpleUploadedFile("call.wav", PROGRAM)})
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "call.wav: this is a program, whatever its name says; accepted here: FLAC, M4A/MP4 audio, MP3, OGG, WAV."
        in body
    )
    assert re.search(r"field-error[^>]*>[^<]*call\.wav: this is a program", body)
    assert not Traceback.objects.exists() and not Hop.objects.exists() and stored(settings) == []


def test_a_wav_recording_and_a_caption_transcript_are_stored_under_generated_keys(
    client, people, form, settings
):
    verified_login(client, people.ivy)
    vtt = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nYour social security number has been suspended.\n"
    response = client.post("/tracebacks/new/", {
        **form, "recording": SimpleUploadedFile("Smith voicemail 0302.wav", tiny_wav()),
        "transcript_file": SimpleUploadedFile("smith-transcript.vtt", vtt),
    })  # fmt: skip
    assert response.status_code == 302
    traceback = Traceback.objects.get()
    assert re.fullmatch(r"tracebacks/recordings/[0-9a-f]{32}\.wav", traceback.recording.name)
    assert re.fullmatch(r"tracebacks/transcripts/[0-9a-f]{32}\.txt", traceback.transcript_file.name)
    assert sorted(p.name for p in stored(settings)) == sorted(
        [Path(traceback.recording.name).name, Path(traceback.transcript_file.name).name]
    )
    assert not any("Smith" in p.name or "smith" in p.name for p in stored(settings))
    assert (Path(settings.MEDIA_ROOT) / traceback.recording.name).read_bytes() == tiny_wav()
    created = AuditEvent.objects.get(action="traceback.created")
    assert any("Smith voicemail 0302.wav sha256:" in f for f in created.changes["files"][1])
    download = client.get(f"/tracebacks/{traceback.pk}/file/transcript/")
    assert b"".join(download.streaming_content) == vtt
    assert f'filename="traceback-{traceback.pk}-transcript.txt"' in download["Content-Disposition"]


def test_a_recording_that_is_a_pdf_and_a_transcript_that_is_audio_are_both_refused(
    client, people, form, settings
):
    from tests.factories import cached_pdf

    verified_login(client, people.ivy)
    response = client.post("/tracebacks/new/", {
        **form, "recording": SimpleUploadedFile("call.mp3", cached_pdf()),
        "transcript_file": SimpleUploadedFile("notes.txt", tiny_wav()),
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    assert "call.mp3: this is PDF, whatever its name says" in body
    assert "notes.txt: this is WAV, whatever its name says; accepted here: PDF, TXT." in body
    assert not Traceback.objects.exists() and stored(settings) == []


@pytest.mark.parametrize("failing", ["record", "hop_open"])
def test_a_failure_after_the_recording_is_stored_leaves_no_row_and_no_file(
    people, monkeypatch, settings, failing
):
    from tracebacks.services import traceback_create

    def boom(*args, **kwargs):
        assert len(stored(settings)) == 1  # the recording was stored before the failure
        raise RuntimeError(f"{failing} failed")

    monkeypatch.setattr(f"tracebacks.services.tracebacks.{failing}", boom)
    from django.utils import timezone

    with pytest.raises(RuntimeError, match=f"{failing} failed"):
        traceback_create(
            by=people.ivy, campaign=make_campaign(), call_at=timezone.now(), call_tz="America/New_York",
            calling_number="2025550143", called_number="3125550199", source="complaint",
            terminating_provider=make_provider("Last Mile Telecom"), recording=as_upload(tiny_wav(), "call.wav"),
        )  # fmt: skip
    assert not Traceback.objects.exists() and not Hop.objects.exists() and stored(settings) == []


# --- A hop answer with evidence, through the e-mailed link ---------------------------------------------------


@pytest.fixture
def emailed(people, django_capture_on_commit_callbacks):
    acme, upstream = make_provider("Acme Voice"), make_provider("Up Carrier")
    with django_capture_on_commit_callbacks(execute=True):
        traceback = start_traceback(people.ivy, acme)
    url = re.search(r"https?://\S+/respond/\S+/", mail.outbox[-1].body).group(0)
    return {"url": url.split("127.0.0.1:8000", 1)[-1], "traceback": traceback, "upstream": upstream}


CDR = b"call_time,ani,dnis\n2026-03-02 10:15,2025550143,3125550199\n"


def test_a_program_renamed_pdf_is_refused_as_evidence_and_the_link_still_works(client, emailed, settings):
    response = client.post(
        emailed["url"], {"answer": "no_record", "attachment": SimpleUploadedFile("cdr.pdf", PROGRAM)}
    )
    assert response.status_code == 400
    assert "cdr.pdf: this is a program, whatever its name says; accepted here: CSV, DOCX, JPEG" in (
        response.content.decode()
    )
    assert stored(settings) == [] and not HopLinkUse.objects.exists()
    assert emailed["traceback"].hops.get().answer == "pending"


def test_a_failure_after_the_evidence_is_stored_leaves_no_answer_and_no_file(
    client, emailed, settings, monkeypatch
):
    def boom(*args, **kwargs):
        assert len(stored(settings)) == 1
        raise RuntimeError("opening the next hop failed")

    monkeypatch.setattr("tracebacks.services.hops.hop_open", boom)
    answer = {
        "answer": "upstream",
        "upstream": "Up Carrier",
        "attachment": SimpleUploadedFile("acme cdr.csv", CDR),
    }
    with pytest.raises(RuntimeError, match="next hop failed"):
        client.post(emailed["url"], answer)
    hop = emailed["traceback"].hops.get()
    assert hop.answer == "pending" and not hop.attachment and stored(settings) == []
    assert not HopLinkUse.objects.exists() and not AuditEvent.objects.filter(action="hop.answered").exists()

    monkeypatch.undo()  # the same link, tried again once the fault is gone, takes the answer and the file
    answer["attachment"] = SimpleUploadedFile("acme cdr.csv", CDR)
    assert client.post(emailed["url"], answer).status_code == 200
    hop.refresh_from_db()
    assert re.fullmatch(r"tracebacks/hops/[0-9a-f]{32}\.csv", hop.attachment.name)
    assert [p.name for p in stored(settings)] == [Path(hop.attachment.name).name]
    answered = AuditEvent.objects.get(action="hop.answered")
    assert answered.changes["attachment"][1].startswith("acme cdr.csv sha256:")
