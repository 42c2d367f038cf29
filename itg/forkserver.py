"""The one `forkserver` of a process, shared by the bounded file parser and the PDF renderer's pool.

A process has a single forkserver, and its preload list counts only if set before the server first starts:
whichever module started it first would decide what the other's children import again at every fork. So
both ask here, and the server starts once with pypdf, the parser, WeasyPrint and ReportLab (through
itg.pdf) already imported (a child then costs a fork, not the 1.3 s of CPU that importing WeasyPrint takes;
measured on this project's machines). Nothing here imports Django: the children must not touch the database.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext

PRELOAD = ["pypdf", "itg.filescan", "itg.pdf"]
_context: BaseContext | None = None


def context() -> BaseContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


@contextmanager
def children_allowed() -> Iterator[None]:
    """Let this process start the forkserver's children even when it is daemonic.

    Celery's prefork pool runs every task in a daemonic process, and multiprocessing refuses to start a
    child from one ("daemonic processes are not allowed to have children"), so that no child outlives a
    daemon killed with its parent. That rule's reason does not hold here: the children are forked by the
    forkserver, not by this process; the caller joins them (or kills them, at a parse's time limit) before
    the block ends; and if this process dies first, they end with it: a render process watches the process
    that asked for the render and exits within a second of its death (itg.pdf's `_watch_owner`: a pool
    worker holds both ends of its call queue, so it would never see a pipe close), a parse is bounded by
    its own CPU limit, and the forkserver exits when its parent's pipe closes. So the flag is lifted for
    the block and put back after.

    In a Celery pool process, multiprocessing's "current process" is billiard's process object, whose
    authentication key is billiard's own kind, which refuses to be pickled outside billiard's spawning; a
    child's start pickles it. For the block, the key is the same bytes in multiprocessing's kind.
    """
    config = multiprocessing.current_process()._config
    saved = {key: config[key] for key in ("daemon", "authkey") if key in config}
    config["daemon"] = False
    if "authkey" in config:
        config["authkey"] = multiprocessing.process.AuthenticationString(bytes(config["authkey"]))
    try:
        yield
    finally:
        config.pop("daemon", None)
        config.update(saved)
