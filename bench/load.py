"""Load (issue 15, "Prove it"): simulated users on loopback against gunicorn (4 workers, production
settings), a Celery worker on Redis and moto_server as S3.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_load REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/load.py --users 100 --minutes 10

Mix, as the real users would be: AG staff browse their lists and demand pages and upload demands
(10 MB PDFs now and then); ITG staff work the queue, open demands and tracebacks, prepare responses (the
worker signs them); providers list and answer their hops through the API. Every loop is bounded by the
deadline and stops by itself. Printed: requests, errors (target 0), p50/p95 per page (target p95 < 500 ms),
p95 of a 10 MB upload (target < 5 s). Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import sys as _sys
from pathlib import Path as _Path

# bench/queue.py would shadow the standard library's `queue` (urllib3, psycopg import it).
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]

import argparse  # noqa: E402
import base64  # noqa: E402
import http.cookiejar  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, what: str, timeout: float = 300) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{what} did not start on port {port}")


def production_env(s3_url: str, bucket: str) -> dict:
    from itg.signing import ensure_dev_ca

    pki = ensure_dev_ca(ROOT / "var" / "bench-ca")  # a throwaway signing certificate for the bench only
    env = dict(os.environ)
    env.update(AUDIT_SIGNING_KEY=base64.b64encode(os.urandom(32)).decode(), ITG_SIGNING_P12_PATH=str(pki.signer_p12_path),
               ITG_SIGNING_P12_PASSPHRASE=pki.signer_passphrase_path.read_text().strip(),
               ITG_SIGNING_TRUST_ROOTS=str(pki.root_cert_path))  # fmt: skip
    env.update(
        DEBUG="false", SECRET_KEY="load-bench-" + uuid.uuid4().hex + uuid.uuid4().hex, ALLOWED_HOSTS="127.0.0.1",
        CELERY_BROKER_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
        S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_url, S3_ACCESS_KEY_ID="test", S3_SECRET_ACCESS_KEY="test",
        SECURE_SSL_REDIRECT="false", BEHIND_PROXY="true", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ITG_CUSTODIAN_NAME="Load Bench Custodian",
    )  # fmt: skip
    return env


def setup_world(env: dict, n_ag: int, n_itg: int, n_prov: int) -> dict:
    """Migrate and create the people: AG staff in TX, ITG staff, providers with a hop each (in a child
    process with the production settings, so the files land in the bucket)."""
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    # Production settings serve static files from the hashed manifest, as a deployment would.
    subprocess.run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([PY, str(ROOT / "bench" / "load_world.py"), str(n_ag), str(n_itg), str(n_prov)],
                         cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
    if out.returncode:
        sys.exit(f"setting up the world failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.signed: list[float] = []
        self.load: list[tuple[float, float, float]] = []

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[name].append(seconds)
            if not ok:
                self.errors.append(f"{name}: {detail}"[:300])


def timed(stats: Stats, name: str, call, *, expect=(200,)):
    start = time.perf_counter()
    try:
        response = call()
        ok = response.status_code in expect
        stats.add(name, time.perf_counter() - start, ok, f"{response.status_code} {response.text[:120]}")
        return response
    except requests.RequestException as error:
        stats.add(name, time.perf_counter() - start, False, repr(error))
        return None


# Django marks its cookies Secure (production settings, TLS ended at the proxy); the bench talks to gunicorn
# over plain http on 127.0.0.1 as the proxy would, so this process's clients send Secure cookies back anyway
# (requests copies cookies into fresh jars, so the default policy itself is told).
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def login(base: str, email: str, password: str, key: str) -> requests.Session:
    from django_otp.oath import TOTP

    session = requests.Session()
    session.headers["X-Forwarded-Proto"] = "https"  # BEHIND_PROXY: Django sees the request as secure
    # ... so its CSRF check wants a same-origin https Referer on every POST
    session.headers["Referer"] = base.replace("http://", "https://", 1) + "/"
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    session.get(f"{base}/accounts/login/", timeout=30)
    token = session.cookies.get("csrftoken", "")
    session.post(f"{base}/accounts/login/", data={"username": email, "password": password,
                 "csrfmiddlewaretoken": token}, timeout=30)  # fmt: skip
    token = session.cookies.get("csrftoken", token)  # Django rotates the CSRF token at login
    answer = session.post(f"{base}/accounts/two-factor/", data={"code": code, "csrfmiddlewaretoken": token,
                          "next": "/"}, timeout=30)  # fmt: skip
    if "/accounts/" in answer.url:
        raise SystemExit(
            f"login of {email} did not reach the site (ended on {answer.url}, {answer.status_code})"
        )
    return session


def demand_form(pdf: bytes, n: int) -> tuple[dict, dict]:
    data = {
        "kind": "subpoena", "new_case_title": f"Load case {n}", "caption": f"In re Load Test {uuid.uuid4().hex[:8]}",
        "issuing_authority": "Consumer Protection Division", "date_issued": "2026-03-02",
        "date_served": "2026-03-02", "response_days": "30", "response_day_kind": "business",
        "contact_name": "Tess", "contact_email": "tess@tx.example", "confirm_duplicate": "true",
        "requests": json.dumps([{"number": 1, "text": "All records of calls from +1 214 555 0142."}]),
    }  # fmt: skip
    return data, {"document": ("subpoena.pdf", io.BytesIO(pdf), "application/pdf")}


def ag_user(base, person, deadline, stats, pdfs, rng):
    s = login(base, person["email"], person["password"], person["key"])
    api = requests.Session()
    api.headers["Authorization"] = f"Token {person['token']}"
    n = 0
    while time.monotonic() < deadline:
        timed(stats, "page /", lambda: s.get(f"{base}/", timeout=30))
        r = timed(stats, "page /demands/", lambda: s.get(f"{base}/demands/", timeout=30))
        ids = re.findall(r'href="/demands/(\d+)/"', r.text if r is not None else "")
        if ids:
            pk = rng.choice(ids)
            timed(stats, "page /demands/<id>/", lambda: s.get(f"{base}/demands/{pk}/", timeout=30))  # noqa: B023
        timed(stats, "page /cases/", lambda: s.get(f"{base}/cases/", timeout=30))
        if rng.random() < 0.25:
            n += 1
            big = rng.random() < 0.2
            data, files = demand_form(pdfs["big" if big else "small"], n)
            timed(stats, "upload 10 MB" if big else "upload demand", expect=(201,),
                  call=lambda: api.post(f"{base}/api/demands/", data=data, files=files, timeout=60,  # noqa: B023
                                        headers={"Idempotency-Key": uuid.uuid4().hex}))  # fmt: skip
        time.sleep(rng.uniform(0.5, 2.0))  # think time


def itg_user(base, person, deadline, stats, rng, to_sign=None):
    s = login(base, person["email"], person["password"], person["key"])
    api = requests.Session()
    api.headers["Authorization"] = f"Token {person['token']}"
    signing_since = None
    while time.monotonic() < deadline:
        if to_sign is not None and signing_since is None and rng.random() < 0.1:
            # Prepare the response of the demand this person worked; the worker renders and signs it.
            timed(stats, "api prepare response", expect=(202,),
                  call=lambda: api.post(f"{base}/api/demands/{to_sign}/responses/", json={}, timeout=30))  # fmt: skip
            signing_since = time.monotonic()
        elif signing_since is not None and signing_since > 0:
            r = timed(
                stats,
                "api response versions",
                lambda: api.get(f"{base}/api/demands/{to_sign}/responses/", timeout=30),
            )
            versions = r.json() if r is not None and r.status_code == 200 else []
            if versions and versions[0].get("status") == "signed":
                stats.signed.append(time.monotonic() - signing_since)  # prepare to signed, as the user waits
                signing_since = -1.0
            elif versions and versions[0].get("status") == "failed":
                stats.add("signing", 0.0, False, versions[0].get("error", "failed"))
                signing_since = -1.0
        r = timed(stats, "page /demands/ (queue)", lambda: s.get(f"{base}/demands/?status=open", timeout=30))
        ids = re.findall(r'href="/demands/(\d+)/"', r.text if r is not None else "")
        if ids:
            pk = rng.choice(ids)
            timed(stats, "page /demands/<id>/", lambda: s.get(f"{base}/demands/{pk}/", timeout=30))  # noqa: B023
            timed(
                stats,
                "page /responses/demand/<id>/",
                lambda: s.get(f"{base}/responses/demand/{pk}/", timeout=30),  # noqa: B023
            )
        timed(stats, "page /tracebacks/", lambda: s.get(f"{base}/tracebacks/", timeout=30))
        timed(stats, "page /providers/", lambda: s.get(f"{base}/providers/?q=voice", timeout=30))
        time.sleep(rng.uniform(0.5, 2.0))


def provider_user(base, person, deadline, stats, rng):
    api = requests.Session()
    api.headers["Authorization"] = f"Provider {person['token']}"
    while time.monotonic() < deadline:
        r = timed(
            stats, "api /api/provider/hops/", lambda: api.get(f"{base}/api/provider/hops/?open=1", timeout=30)
        )
        hops = (r.json().get("results") if r is not None and r.status_code == 200 else None) or []
        if hops and rng.random() < 0.5:
            hop = hops[0]["id"]
            timed(stats, "api answer hop", expect=(200, 400),
                  call=lambda: api.post(f"{base}/api/provider/hops/{hop}/answer/", json={"answer": "no_record"},  # noqa: B023
                                        timeout=30))  # fmt: skip
        timed(
            stats,
            "api /api/provider/providers/",
            lambda: api.get(f"{base}/api/provider/providers/?q=acme", timeout=30),
        )
        time.sleep(rng.uniform(1.0, 3.0))


def sample_load(stats: Stats, deadline: float) -> None:
    """The machine is shared: the load average every 15 s, printed with the figures."""
    while time.monotonic() < deadline:
        stats.load.append(os.getloadavg())
        time.sleep(15)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores",
          flush=True)  # fmt: skip
    from bench.pgdb import ensure_database

    ensure_database()
    procs: list[subprocess.Popen] = []
    try:
        s3_port = free_port()
        procs.append(subprocess.Popen([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        wait_port(s3_port, "moto_server")
        import boto3

        bucket = f"itg-load-{uuid.uuid4().hex[:8]}"
        boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3_port}", aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1").create_bucket(Bucket=bucket)  # fmt: skip
        env = production_env(f"http://127.0.0.1:{s3_port}", bucket)
        n_ag, n_itg = int(args.users * 0.5), int(args.users * 0.2)
        n_prov = args.users - n_ag - n_itg
        world = setup_world(env, n_ag, n_itg, n_prov)
        port = free_port()
        procs.append(subprocess.Popen([str(BIN / "gunicorn"), "itg.wsgi:application", "-w", "4", "-b",
                                       f"127.0.0.1:{port}", "--timeout", "30", "--preload", "--log-level", "warning"],
                                      cwd=ROOT, env=env))  # fmt: skip
        procs.append(subprocess.Popen([str(BIN / "celery"), "-A", "itg", "worker", "-c", "1", "-l", "warning"],
                                      cwd=ROOT, env=env))  # fmt: skip
        wait_port(port, "gunicorn")
        base = f"http://127.0.0.1:{port}"
        pdfs = {"small": world_pdf(200_000), "big": world_pdf(10 * 1024 * 1024)}
        stats, deadline = Stats(), time.monotonic() + args.minutes * 60
        threads = []
        for i, person in enumerate(world["ag"]):
            threads.append(
                threading.Thread(target=ag_user, args=(base, person, deadline, stats, pdfs, random.Random(i)))
            )
        for i, person in enumerate(world["itg"]):
            to_sign = world["to_sign"][i] if i < len(world["to_sign"]) else None
            threads.append(
                threading.Thread(
                    target=itg_user, args=(base, person, deadline, stats, random.Random(1000 + i), to_sign)
                )
            )
        threads.append(threading.Thread(target=sample_load, args=(stats, deadline), daemon=True))
        for i, person in enumerate(world["providers"]):
            threads.append(
                threading.Thread(
                    target=provider_user, args=(base, person, deadline, stats, random.Random(2000 + i))
                )
            )
        began = time.monotonic()
        for t in threads:
            t.start()
            time.sleep(0.05)  # ramp up
        for t in threads:
            t.join(timeout=args.minutes * 60 + 120)
        elapsed = time.monotonic() - began
        report(stats, elapsed, args)
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def world_pdf(size: int) -> bytes:
    """A valid one-page PDF padded with a comment stream up to `size` bytes (what a scanned demand weighs)."""

    base = subprocess.run([PY, "-c", "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','itg.settings');"
                           "import django; django.setup(); import sys; from tests.factories import pdf_bytes;"
                           "sys.stdout.buffer.write(pdf_bytes())"], cwd=ROOT, capture_output=True, check=True).stdout  # fmt: skip
    pad = max(0, size - len(base))
    return base + b"\n%" + b"0" * pad + b"\n"


def report(stats: Stats, elapsed: float, args) -> None:
    total = sum(len(v) for v in stats.times.values())
    print(f"\n{args.users} users, {elapsed / 60:.1f} min on 127.0.0.1: {total} requests "
          f"({total / elapsed:.1f}/s), {len(stats.errors)} errors (target 0)")  # fmt: skip
    print(f"{'page / call':42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}  target")
    for name in sorted(stats.times):
        values = stats.times[name]
        target = "< 5000" if name == "upload 10 MB" else "< 500"
        print(f"{name:42} {len(values):6} {pct(values, 50):8.0f} {pct(values, 95):8.0f}  {target}")
    if stats.signed:
        print(f"{'prepare -> signed (as the user waits)':42} {len(stats.signed):6} {pct(stats.signed, 50):8.0f} "
              f"{pct(stats.signed, 95):8.0f}  (worker, 1 process)")  # fmt: skip
    if stats.load:
        one = [x[0] for x in stats.load]
        print(f"load average (1 min) during the run on {os.cpu_count()} cores: min {min(one):.2f}, "
              f"mean {sum(one) / len(one):.2f}, max {max(one):.2f}; at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    for line in stats.errors[:20]:
        print("error:", line)


if __name__ == "__main__":
    main()
