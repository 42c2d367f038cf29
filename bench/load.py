"""Load (issue 15, "Prove it"): simulated users on loopback against gunicorn (4 workers, production
settings), a Celery worker on Redis and moto_server as S3.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_load REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/load.py --users 100 --minutes 10

Mix, as the real users would be: AG staff browse their lists and demand pages and upload demands
(10 MB PDFs now and then); ITG staff work the queue, open demands and tracebacks, prepare responses (the
worker signs them); providers' systems list and answer their hops through the API. Each simulated person
pauses after every page as a reader does (`--think`, default 1-4 s uniform, 2.5 s on average; a provider's
system twice as long): about 0.35 requests per second per person, already several times faster than a
lawyer reads a demand. (The earlier version paused once per round of four or five pages, so each person
asked for about 2.7 pages a second and 100 of them offered some 270 requests/s to a 2-core machine whose
capacity is a fraction of that: its latencies were queueing, not pages.) `--think 0` removes the pauses to
find the saturation point. Every loop is bounded by the deadline and stops by itself.

Printed: requests, errors (target 0), p50/p95 per page (target p95 < 500 ms), p95 of a 10 MB upload
(target < 5 s), each also over the requests made after the ramp-up (`--ramp`, default 60 s: the people
arrive and log in over the first minute), and where the cores went: the CPU seconds of gunicorn, the Celery worker, moto_server,
PostgreSQL and the load generator itself during the run, against the machine's total (the rest is other
work on the machine). Everything listens on 127.0.0.1 only.
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
import resource  # noqa: E402
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
        self.starts: dict[str, list[float]] = defaultdict(list)  # when each request began (monotonic)
        self.steady_from = 0.0  # the end of the ramp-up: every person has arrived and logged in
        self.errors: list[str] = []
        self.signed: list[float] = []
        self.load: list[tuple[float, float, float]] = []

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[name].append(seconds)
            self.starts[name].append(time.monotonic() - seconds)
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


class Person:
    """One simulated person: after each page or call, a pause drawn from THINK (seconds, uniform), as a
    person reads what the page shows before the next click (a closed loop with think time)."""

    think = (1.0, 4.0)

    def __init__(self, rng: random.Random, deadline: float, scale: float = 1.0):
        self.rng, self.deadline, self.scale = rng, deadline, scale

    def pause(self) -> None:
        low, high = self.think
        time.sleep(min(max(0.0, self.deadline - time.monotonic()), self.rng.uniform(low, high) * self.scale))

    def timed(self, stats: Stats, name: str, call, *, expect=(200,)):
        response = timed(stats, name, call, expect=expect)
        self.pause()
        return response


def ag_user(base, person, deadline, stats, pdfs, rng):
    s = login(base, person["email"], person["password"], person["key"])
    api = requests.Session()
    api.headers["Authorization"] = f"Token {person['token']}"
    me = Person(rng, deadline)
    me.pause()  # people do not all arrive in the same second
    n = 0
    while time.monotonic() < deadline:
        me.timed(stats, "page /", lambda: s.get(f"{base}/", timeout=30))
        r = me.timed(stats, "page /demands/", lambda: s.get(f"{base}/demands/", timeout=30))
        ids = re.findall(r'href="/demands/(\d+)/"', r.text if r is not None else "")
        if ids:
            pk = rng.choice(ids)
            me.timed(stats, "page /demands/<id>/", lambda: s.get(f"{base}/demands/{pk}/", timeout=30))  # noqa: B023
        me.timed(stats, "page /cases/", lambda: s.get(f"{base}/cases/", timeout=30))
        if rng.random() < 0.25:
            n += 1
            big = rng.random() < 0.2
            data, files = demand_form(pdfs["big" if big else "small"], n)
            me.timed(stats, "upload 10 MB" if big else "upload demand", expect=(201,),
                     call=lambda: api.post(f"{base}/api/demands/", data=data, files=files, timeout=60,  # noqa: B023
                                           headers={"Idempotency-Key": uuid.uuid4().hex}))  # fmt: skip


def itg_user(base, person, deadline, stats, rng, to_sign=None):
    s = login(base, person["email"], person["password"], person["key"])
    api = requests.Session()
    api.headers["Authorization"] = f"Token {person['token']}"
    signing_since = None
    me = Person(rng, deadline)
    me.pause()
    while time.monotonic() < deadline:
        if to_sign is not None and signing_since is None and rng.random() < 0.1:
            # Prepare the response of the demand this person worked; the worker renders and signs it.
            me.timed(stats, "api prepare response", expect=(202,),
                  call=lambda: api.post(f"{base}/api/demands/{to_sign}/responses/", json={}, timeout=30))  # fmt: skip
            signing_since = time.monotonic()
        elif signing_since is not None and signing_since > 0:
            r = me.timed(
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
        r = me.timed(
            stats, "page /demands/ (queue)", lambda: s.get(f"{base}/demands/?status=open", timeout=30)
        )
        ids = re.findall(r'href="/demands/(\d+)/"', r.text if r is not None else "")
        if ids:
            pk = rng.choice(ids)
            me.timed(stats, "page /demands/<id>/", lambda: s.get(f"{base}/demands/{pk}/", timeout=30))  # noqa: B023
            me.timed(
                stats,
                "page /responses/demand/<id>/",
                lambda: s.get(f"{base}/responses/demand/{pk}/", timeout=30),  # noqa: B023
            )
        me.timed(stats, "page /tracebacks/", lambda: s.get(f"{base}/tracebacks/", timeout=30))
        me.timed(stats, "page /providers/", lambda: s.get(f"{base}/providers/?q=voice", timeout=30))


def provider_user(base, person, deadline, stats, rng):
    api = requests.Session()
    api.headers["Authorization"] = f"Provider {person['token']}"
    me = Person(rng, deadline, scale=2.0)  # a provider's system polls its open hops, less often than a person
    me.pause()
    while time.monotonic() < deadline:
        r = me.timed(
            stats, "api /api/provider/hops/", lambda: api.get(f"{base}/api/provider/hops/?open=1", timeout=30)
        )
        hops = (r.json().get("results") if r is not None and r.status_code == 200 else None) or []
        if hops and rng.random() < 0.5:
            hop = hops[0]["id"]
            me.timed(stats, "api answer hop", expect=(200, 400),
                  call=lambda: api.post(f"{base}/api/provider/hops/{hop}/answer/", json={"answer": "no_record"},  # noqa: B023
                                        timeout=30))  # fmt: skip
        me.timed(
            stats,
            "api /api/provider/providers/",
            lambda: api.get(f"{base}/api/provider/providers/?q=acme", timeout=30),
        )


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = defaultdict(list)
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(entry))
        # utime, stime, and cutime, cstime (children already reaped: the file parser's forks)
        cpu[int(entry)] = sum(int(x) for x in fields[11:15]) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, ()))
    return total


def _postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL server process (the whole cluster: other users of it count too)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    name, rest = f.read().split(" (", 1)[1].rsplit(")", 1)
                if name.startswith("postgres"):
                    total += sum(int(x) for x in rest.split()[11:15]) / tick
            except (OSError, IndexError):
                continue
    return total


def _machine_cpu() -> float:
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def cpu_snapshot(procs: dict[str, int]) -> dict[str, float]:
    """Where the cores go: each component's CPU seconds so far (this process is the load generator)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    snap = {name: _tree_cpu(pid) for name, pid in procs.items()}
    snap.update({"postgres (whole cluster)": _postgres_cpu(), "load generator (this process)":
                 usage.ru_utime + usage.ru_stime, "machine (all processes)": _machine_cpu()})  # fmt: skip
    return snap


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
    parser.add_argument(
        "--think",
        default="1-4",
        help="seconds a person pauses after each page, LOW-HIGH "
        "(uniform; providers' API clients pause twice as long); 0 = no pause (saturation)",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=60,
        help="seconds over which the people arrive (each logs "
        "in as it arrives: 100 password checks in one second are not a working day)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)"
    )
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    Person.think = (float(low), float(high or low))
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
        procs.append(subprocess.Popen([str(BIN / "gunicorn"), "itg.wsgi:application", "-w", str(args.workers),
                                       "--threads", str(args.threads), "-b", f"127.0.0.1:{port}", "--timeout", "30",
                                       "--preload", "--log-level", "warning"], cwd=ROOT, env=env))  # fmt: skip
        procs.append(subprocess.Popen([str(BIN / "celery"), "-A", "itg", "worker", "-c", "1", "-l", "warning"],
                                      cwd=ROOT, env=env))  # fmt: skip
        components = {
            "moto_server (S3)": procs[0].pid,
            "gunicorn (web)": procs[1].pid,
            "celery (worker)": procs[2].pid,
        }
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
        before = cpu_snapshot(components)
        began = time.monotonic()
        stats.steady_from = began + args.ramp
        for t in threads:
            t.start()
            time.sleep(args.ramp / len(threads))  # people arrive over the ramp, not all in one second
        for t in threads:
            t.join(timeout=args.minutes * 60 + 120)
        elapsed = time.monotonic() - began
        after = cpu_snapshot(components)
        report(stats, elapsed, args, {name: after[name] - before[name] for name in after})
    finally:
        for p in reversed(procs):  # the worker and the web first: S3 goes last, once nothing writes to it
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def world_pdf(size: int) -> bytes:
    """A valid one-page PDF with text, weighing `size` bytes as a scanned demand does: the weight is one
    stream object of incompressible bytes (a scan's image data), inside the file's structure. (Bytes appended
    after %%EOF would make pypdf search backwards line by line through them: about 1.4 s per 10 MB, a cost of
    the synthetic file, not of a real scan.)"""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject

    base = subprocess.run([PY, "-c", "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','itg.settings');"
                           "import django; django.setup(); import sys; from tests.factories import pdf_bytes;"
                           "sys.stdout.buffer.write(pdf_bytes())"], cwd=ROOT, capture_output=True, check=True).stdout  # fmt: skip
    writer = PdfWriter(clone_from=io.BytesIO(base))
    scan = DecodedStreamObject()
    scan.set_data(random.Random(size).randbytes(max(0, size - len(base) - 200)))
    writer._add_object(scan)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def report(stats: Stats, elapsed: float, args, cpu: dict[str, float]) -> None:
    total = sum(len(v) for v in stats.times.values())
    print(f"\n{args.users} users, {elapsed / 60:.1f} min on 127.0.0.1, think {args.think} s after each page, "
          f"gunicorn {args.workers} workers x {args.threads} threads: {total} requests "
          f"({total / elapsed:.1f}/s, {total / elapsed / args.users:.2f}/s per user), "
          f"{len(stats.errors)} errors (target 0)")  # fmt: skip
    print(f"{'page / call':42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}  {'after the ramp-up:':>18} "
          f"{'n':>6} {'p95 ms':>8}  target")  # fmt: skip
    for name in sorted(stats.times):
        values = stats.times[name]
        steady = [v for v, at in zip(values, stats.starts[name], strict=True) if at >= stats.steady_from]
        later = f"{len(steady):6} {pct(steady, 95):8.0f}" if steady else f"{0:6} {'-':>8}"
        target = "< 5000" if name == "upload 10 MB" else "< 500"
        print(
            f"{name:42} {len(values):6} {pct(values, 50):8.0f} {pct(values, 95):8.0f}  {'':18} {later}  {target}"
        )
    if stats.signed:
        print(f"{'prepare -> signed (as the user waits)':42} {len(stats.signed):6} {pct(stats.signed, 50):8.0f} "
              f"{pct(stats.signed, 95):8.0f}  (worker, 1 process)")  # fmt: skip
    if stats.load:
        one = [x[0] for x in stats.load]
        print(f"load average (1 min) during the run on {os.cpu_count()} cores: min {min(one):.2f}, "
              f"mean {sum(one) / len(one):.2f}, max {max(one):.2f}; at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    cores = elapsed * (os.cpu_count() or 1)
    print(f"CPU during the run ({cores:.0f} core-seconds available on {os.cpu_count()} cores):")
    for name, seconds in cpu.items():
        per = f"{seconds / total * 1000:6.1f} ms per request" if total else ""
        print(f"  {name:34} {seconds:8.1f} s  {seconds / cores:6.1%} of the machine  {per}")
    for line in stats.errors[:20]:
        print("error:", line)


if __name__ == "__main__":
    main()
