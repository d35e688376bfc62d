"""Rendering a batch on every core: `ordered` maps a function over items in worker processes and
yields the results in the items' order, so the caller writes, journals and sends exactly as a
single process would (the journal and the numbering stay in the calling process).

The function gets a context (the project, the output folder…) sent once to each worker instead
of with every item, and must be a module-level function (it is pickled by name). A small batch
stays in the calling process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

LEAST = 8  # items below which a batch is done in the calling process (measured: docs/performances.md)
AHEAD = 2  # items queued per worker: results are streamed, never the whole batch held at once

_context: Any = None


def _install(context: Any) -> None:
    global _context
    _context = context


def _call(fn: Callable[[Any, Any], Any], item: Any) -> Any:
    return fn(_context, item)


def workers_for(count: int, workers: int | None = None) -> int:
    """How many processes a batch of `count` items gets: 1 (in the calling process) for a small
    batch or a one-core machine; otherwise one per core, at most one per item."""
    if workers is None:
        workers = os.cpu_count() or 1
        if count < LEAST:
            return 1
    return max(1, min(workers, count))


def ordered(fn: Callable[[Any, Any], Any], context: Any, items: Iterable[Any], *,
            workers: int | None = None) -> Iterator[Any]:
    """fn(context, item) for each item, in order; `workers` None: chosen by `workers_for`."""
    items = list(items)
    n = workers_for(len(items), workers)
    if n == 1:
        for item in items:
            yield fn(context, item)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(n, initializer=_install, initargs=(context,)) as pool:
        pending = iter(items)
        window = deque(pool.submit(_call, fn, item) for item in islice(pending, n * AHEAD))
        while window:
            result = window.popleft().result()
            for item in pending:
                window.append(pool.submit(_call, fn, item))
                break
            yield result
