"""Pausing Python's cycle collector while a project is built.

Reading a year-sized project creates a few hundred thousand objects (nodes, cells, records) that
all stay alive and hold no cycle. The collector is triggered every few hundred allocations and
then walks the live objects again, more of them each time: measured on the year-sized project,
more than half of a cold YAML load went to it (docs/performances.md). Paused for the build, it
runs again afterwards and frees whatever cycle the build left.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
