"""The one `forkserver` of a process, shared by the bounded file parser and the PDF renderer's pool.

A process has a single forkserver, and its preload list counts only if set before the server first starts:
whichever module started it first would decide what the other's children import again at every fork. So
both ask here, and the server starts once with pypdf, the parser and WeasyPrint already imported (a child
then costs a fork, not the 1.3 s of CPU that importing WeasyPrint takes; measured on this project's
machines). Nothing here imports Django: the children must not touch the database.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = ["pypdf", "itg.filescan", "itg.pdf"]
_context: BaseContext | None = None


def context() -> BaseContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context
