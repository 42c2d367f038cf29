"""The campaign engine (tracebacks/detection/engine.py) and `manage.py cluster_transcripts`, no database."""

from __future__ import annotations

import csv
import pathlib
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from sklearn.metrics import adjusted_rand_score

from tests.conftest import need
from tracebacks.detection import engine, synthetic

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def _scripts() -> list[tuple[str, str]]:
    with (FIXTURES / "campaign-scripts.csv").open(encoding="utf-8") as fh:
        return [(r["label"], r["transcript"]) for r in csv.DictReader(fh)]


def test_normalise_masks_numbers_and_amounts_and_keeps_callbacks():
    n = engine.normalise(
        "Call us back at (315) 232-8257 or 1-800-555-0199 to refund $1,499.99 within 30 MINUTES!"
    )
    assert n.text == "call us back at <phone> or <phone> to refund <amount> within <num> minutes"
    assert n.callback_numbers == ["3152328257", "8005550199"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty transcript"),
        ("   \n", "empty transcript"),
        ("您好，这里是中国大使馆，您有一个重要的包裹", "not in a Latin script"),
        ("word " * 250_000, "longer than 50,000 characters"),
        ("1234 5678", "no words"),
    ],
)
def test_unusable_transcripts_are_skipped_with_a_reason(text, reason):
    result = engine.cluster_calls(
        [engine.Call("bad", text), engine.Call("ok", "press one to speak with an agent now")]
    )
    assert result.members["bad"].cluster is None
    assert reason in result.members["bad"].skipped
    assert result.members["ok"].cluster is not None


def test_planted_campaigns_are_recovered():
    rows = synthetic.planted(_scripts(), per_campaign=12, seed=3)
    result = engine.cluster_calls([engine.Call(i, text) for i, text, _ in rows])
    labels = result.labels()
    truth = [label for *_, label in rows]
    found = [labels[i] for i, *_ in rows]
    assert adjusted_rand_score(truth, found) >= 0.9
    # Copies of one script are never split into many pieces: each planted campaign's largest cluster holds
    # at least three quarters of its calls.
    for label in set(truth):
        mine = [labels[i] for i, _, lab in rows if lab == label]
        assert max(mine.count(c) for c in set(mine)) >= 0.75 * len(mine), label


def test_identical_texts_are_collapsed_and_explained():
    text = "Your car's extended warranty is about to expire. Press one to speak with a specialist today."
    calls = [engine.Call(str(i), text) for i in range(5)] + [
        engine.Call("cut", "warranty is about to expire. Press one to speak with a specialist today."),
        engine.Call(
            "other", "This is the Social Security Administration, your number has been suspended today."
        ),
    ]
    result = engine.cluster_calls(calls)
    assert len({result.members[str(i)].cluster for i in range(5)} | {result.members["cut"].cluster}) == 1
    assert result.members["other"].cluster != result.members["0"].cluster
    assert "identical" in result.members["0"].reasons
    assert "text" in result.members["cut"].reasons
    assert 0.45 <= result.members["cut"].similarity <= 1.0


def test_a_shared_callback_number_joins_texts_that_agree_less():
    base = _scripts()[0][1]
    a = base + " Call 315-232-8257 now."
    # The same script heavily garbled (every fifth word misheard): below the text threshold, above the
    # number threshold.
    b = " ".join(w if i % 5 else "uh" for i, w in enumerate(base.split())) + " Call 315-232-8257 now."
    sim = engine.pair_similarities([a, b])[0]
    assert engine.NUMBER_TEXT_THRESHOLD <= sim < engine.TEXT_THRESHOLD
    result = engine.cluster_calls([engine.Call("a", a), engine.Call("b", b)])
    assert result.members["a"].cluster == result.members["b"].cluster
    assert "number" in result.members["b"].reasons


def _run(*args: str) -> None:
    subprocess.run([shutil.which(args[0]), *args[1:]], check=True, capture_output=True)  # noqa: S603


def _speak(path: pathlib.Path, text: str) -> None:
    _run("espeak-ng", "-w", str(path), text)


SCRIPT = (
    "This is an important message from the Social Security Administration. Your social security number has "
    "been suspended because of suspicious activity. Press one now to speak with an officer."
)


def test_the_same_recording_joins_calls_that_speech_recognition_heard_differently(tmp_path):
    need(bool(shutil.which("espeak-ng") and shutil.which("sox")), "espeak-ng and sox (Debian packages)")
    need(engine.fpcalc_available(), "fpcalc (Debian package libchromaprint-tools)")
    _speak(tmp_path / "a.wav", SCRIPT)
    # The same recording as another line heard it: 8 kHz, the first 1.5 s cut, quieter.
    _run("sox", str(tmp_path / "a.wav"), "-r", "8000", str(tmp_path / "b.wav"), "trim", "1.5", "vol", "0.6")
    _speak(
        tmp_path / "c.wav",
        "We have been trying to reach you about your car's extended warranty. Press one now.",
    )
    _run("sox", "-n", "-r", "8000", str(tmp_path / "silent.wav"), "trim", "0", "8")
    (tmp_path / "corrupt.wav").write_bytes(b"RIFF\x00\x00not audio at all" * 100)
    calls = [
        engine.Call(
            "a",
            "this is an important message from the social security administration",
            recording=str(tmp_path / "a.wav"),
        ),
        # Different words entirely (the recogniser failed on the 8 kHz line).
        engine.Call(
            "b",
            "miss a church message from the soldier security and ministration",
            recording=str(tmp_path / "b.wav"),
        ),
        engine.Call(
            "c",
            "we have been trying to reach you about your car's extended warranty",
            recording=str(tmp_path / "c.wav"),
        ),
        engine.Call("s", "hello hello is anybody there at all", recording=str(tmp_path / "silent.wav")),
        engine.Call(
            "x", "good morning this is your bank calling today", recording=str(tmp_path / "corrupt.wav")
        ),
    ]
    assert (
        engine.pair_similarities([calls[0].transcript, calls[1].transcript])[0] < engine.NUMBER_TEXT_THRESHOLD
    )
    result = engine.cluster_calls(calls)
    m = result.members
    assert m["a"].cluster == m["b"].cluster
    assert "audio" in m["b"].reasons
    assert m["c"].cluster != m["a"].cluster
    assert "silent" in result.audio_skipped["s"]
    assert "cannot read the recording" in result.audio_skipped["x"]
    assert m["s"].cluster is not None and m["x"].cluster is not None  # still grouped by their text


def test_cluster_transcripts_command_writes_id_cluster(tmp_path, capsys):
    rows = synthetic.planted(_scripts()[:4], per_campaign=5, seed=11)
    src = tmp_path / "calls.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "transcript", "calling_number"])
        for i, text, _ in rows:
            w.writerow([i, text, ""])
        w.writerow(["empty", "", ""])
        w.writerow(["huge", "words " * 200_000, ""])
    out = tmp_path / "labels.csv"
    call_command("cluster_transcripts", str(src), "--out", str(out))
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(got[0]) == ["id", "cluster"]
    labels = {r["id"]: r["cluster"] for r in got}
    assert labels["empty"] == "" and labels["huge"] == ""
    assert adjusted_rand_score([lab for *_, lab in rows], [labels[i] for i, *_ in rows]) >= 0.9
    err = capsys.readouterr().err
    assert "skipped empty: empty transcript" in err
    assert "skipped huge: transcript longer than" in err


def test_cluster_transcripts_refuses_a_csv_without_transcripts(tmp_path):
    src = tmp_path / "calls.csv"
    src.write_text("id,text\n1,hello there\n", encoding="utf-8")
    with pytest.raises(CommandError, match="has no 'transcript' column.*found: id, text"):
        call_command("cluster_transcripts", str(src), "--out", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_assign_joins_by_text_then_by_a_shared_number_and_leaves_the_rest():
    (_, a), (_, b) = _scripts()[:2]
    b_words = engine.normalise(b).tokens
    third = len(b_words) // 3
    filler = [f"zq{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(2 * third)]  # words in no script
    half_b = " ".join(b_words[:third] + filler)  # a third of B's script: below the text cut
    calls = [
        engine.Call("cut", " ".join(engine.normalise(a).tokens[12:])),  # A heard from mid-sentence
        engine.Call("same-number", half_b + " call 2025550123", calling_number="+14155550100"),
        engine.Call("other-number", half_b + " call 2025550999"),
        engine.Call("nothing", "hello grandma it is me i am in jail please send money right now"),
        engine.Call("empty", ""),
    ]
    found = engine.assign(calls, {"A": [a], "B": [b]}, {"2025550123": "B"})
    # A cut is contained in its script: overlap 1 (the measure forgives missing beginnings).
    assert (found["cut"].label, found["cut"].reason, found["cut"].similarity) == ("A", "identical", 1.0)
    number = found["same-number"]
    assert (number.label, number.reason) == ("B", "number")
    assert engine.NUMBER_TEXT_THRESHOLD <= number.similarity < engine.TEXT_THRESHOLD
    assert number.callback_numbers == ["2025550123"]
    assert set(found) == {"cut", "same-number"}  # the rest wait for the full run
    # Exact: the similarity is the pairwise measure of the engine, not an estimate.
    sims = engine.similarity_matrix(
        engine._Shingles(
            *engine._shingle_ids([engine.normalise(t).tokens for t in (calls[0].transcript, a)], {})
        ).matrix
    )
    assert found["cut"].similarity == pytest.approx(float(sims[0, 1]), abs=1e-3)
