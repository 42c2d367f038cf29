"""A small client for ClamAV's daemon (clamd): the INSTREAM command over its socket.

clamd's protocol (clamd(8), "INSTREAM"): send `zINSTREAM\\0`, then the file as chunks each prefixed by its
length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers `stream: OK`,
`stream: <signature> FOUND` or `<message> ERROR`, ended by a NUL byte. The file never touches clamd's disk,
so clamd needs no access to our storage. A hand-written client (about 40 lines) rather than the `clamd` PyPI
package: that package's last release was in 2014 and it is unmaintained.

`CLAMAV_SOCKET` is a Unix socket path (`/run/clamav/clamd.ctl`) or `tcp://host:port`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 256 * 1024


class ScannerUnavailable(Exception):
    """The daemon could not be reached or did not answer: the file is quarantined until it can be scanned."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        host, _, port = address[len("tcp://") :].rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(address)
    return sock


def scan_stream(address: str, handle, *, timeout: float = 30.0) -> Verdict:
    """Scan a binary file object (read from its current position to the end) with clamd's INSTREAM."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(f"{address}: {error}") from None
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(" FOUND"):
        return Verdict(True, text.removeprefix("stream:").removesuffix("FOUND").strip())
    if text.endswith(": OK"):
        return Verdict(False)
    # "INSTREAM size limit exceeded. ERROR" and the like: not a verdict; try again later.
    raise ScannerUnavailable(f"{address}: {text or 'no answer'}")


def ping(address: str, timeout: float = 2.0) -> bool:
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False
