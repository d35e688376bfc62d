"""What the signing modules share: the French SigningError and a runner for pyHanko's async API."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class SigningError(Exception):
    """A signing problem explained in French; the message never contains the passphrase."""


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, also from inside a running loop (pyHanko's API is async)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
