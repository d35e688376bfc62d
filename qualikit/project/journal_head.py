"""The journal's head — its last number and hash — kept outside the journal, so that cutting its
last lines, or rewriting it whole, shows.

A chain of hashes alone proves that no line was changed in the middle; it cannot prove that the
last lines were not deleted, nor that the whole file was not rebuilt. So the head is recorded:

- in `journal.head`, beside the journal, rewritten atomically when a writer releases the journal
  and sealed with the project's key (a head file copied from an older state does not match);
- in every place it is printed and leaves the folder: the alert digest e-mail, the journal's
  export, the audit pack. `qualikit journal verify --tete N:EMPREINTE` checks any such copy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path

SHOWN = 16  # hex characters printed (64 bits): short enough to copy, long enough to be unforgeable
_MIN = 12
_GIVEN = re.compile(r"^\s*(?:n°\s*)?(\d+)\s*[:/ ]\s*([0-9a-fA-F]{12,64})\s*$")


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str

    @property
    def short(self) -> str:
        return f"{self.seq}:{self.hash[:SHOWN]}"

    def text(self) -> str:
        """The line printed in the digest, the export and the pack (French, copyable)."""
        return (f"Tête du journal\u00a0: entrée n°\u00a0{self.seq}, empreinte {self.hash[:SHOWN]} "
                f"(pour vérifier plus tard\u00a0: qualikit journal verify --tete {self.short})")


def parse_head(text: str) -> Head | None:
    """« 1234:3fa2b1c4d5e6f7a8 » (at least 12 hex characters of the hash), as printed."""
    m = _GIVEN.match(text)
    if m is None or len(m.group(2)) < _MIN:
        return None
    return Head(int(m.group(1)), m.group(2).lower())


def journal_key(secret: bytes) -> bytes:
    """The journal's own key, derived from the project secret (survey tokens use the secret itself)."""
    return hmac.new(secret, b"qualikit journal chain v2", hashlib.sha256).digest()


def head_path(journal: Path) -> Path:
    return journal.with_name(journal.stem + ".head")


def _seal(key: bytes, head: Head) -> str:
    return hmac.new(key, f"head\0{head.seq}\0{head.hash}".encode(), hashlib.sha256).hexdigest()


def write_head(journal: Path, head: Head, key: bytes) -> None:
    from qualikit.base.files import write_atomic

    body = {"seq": head.seq, "hash": head.hash, "seal": _seal(key, head)}
    write_atomic(head_path(journal), (json.dumps(body, sort_keys=True) + "\n").encode("ascii"))


def read_head(journal: Path, key: bytes | None) -> tuple[Head | None, str | None]:
    """(the recorded head, a problem in French): (None, None) when there is no head file."""
    path = head_path(journal)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"{path.name} illisible ({exc.strerror})"
    try:
        obj = json.loads(raw)
        head = Head(obj["seq"], obj["hash"])
        seal = obj["seal"]
        if type(head.seq) is not int or type(head.hash) is not str or type(seal) is not str:
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return None, f"{path.name} illisible (modifié à la main\u00a0?)"
    if key is not None and not hmac.compare_digest(seal, _seal(key, head)):
        return head, f"{path.name} ne porte pas le sceau de ce projet (modifié, ou recopié d'un autre état)"
    return head, None


def compare(head: Head, by_seq: dict[int, str], last: int, source: str) -> str | None:
    """Whether the journal still holds `head` (the problem in French, or None)."""
    found = by_seq.get(head.seq)
    if found is None:
        return (f"journal tronqué\u00a0: {source} donne l'entrée n°\u00a0{head.seq}, le journal s'arrête à la "
                f"n°\u00a0{last} (des entrées ont été supprimées)")
    if not found.startswith(head.hash):
        return (f"journal réécrit\u00a0: l'entrée n°\u00a0{head.seq} n'a plus l'empreinte donnée par {source} "
                f"({head.hash[:SHOWN]})")
    return None
