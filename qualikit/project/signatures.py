"""Attendance signatures in the journal: a second chain, per session, over what was signed in the room.

The journal's own HMAC chain already shows an edited line. This chain answers a narrower question an
auditor asks of an attendance sheet: are these the signatures as given, in the order given, with
their images? Each record (`emargement.signature`, `emargement.mark`, and `contract.signature`: a
contract or convention signed on the same page) carries `chain`, the SHA-256 of
the previous record's chain of the same session and of its own fields, the image's SHA-256 among
them; the image itself is a file beside the sheets. The closing record (`emargement.close`) carries
the chain as it stood when the trainer confirmed the half-day. `check` recomputes all of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SIGNATURE, MARK, CLOSE = "emargement.signature", "emargement.mark", "emargement.close"
CONTRACT = "contract.signature"  # a contract or convention signed by the other party (commands/countersign.py)
CHAINED = (SIGNATURE, MARK, CONTRACT)
START = "0" * 64
# the fields of a record the chain covers (all but the chain itself)
FIELDS = ("session", "date", "half", "learner", "role", "at", "image", "image_sha256", "device", "via",
          "status", "time")
# covered only when present, so that records written before they existed keep their chain value
DOCUMENT_FIELDS = ("document", "party", "signer", "original", "original_sha256")


def link(prev: str, record: dict) -> str:
    """The chain value of `record` after `prev`."""
    covered = {k: record.get(k) for k in FIELDS} | {k: record[k] for k in DOCUMENT_FIELDS if k in record}
    body = json.dumps(covered, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def heads(entries) -> dict[str, str]:
    """The last chain value of each session."""
    out: dict[str, str] = {}
    for e in entries:
        if e.kind in CHAINED and isinstance(e.data.get("session"), str):
            out[e.data["session"]] = str(e.data.get("chain"))
    return out


def contract_signed_on(entries) -> dict[tuple[str, str], datetime]:
    """(session, learner) → when the learner signed their contract on the page (the first signature)."""
    out: dict[tuple[str, str], datetime] = {}
    for e in entries:
        d = e.data
        if e.kind == CONTRACT and d.get("document") == "contrat" and isinstance(d.get("learner"), str):
            try:
                out.setdefault((d.get("session"), d["learner"]), datetime.fromisoformat(d["at"]))
            except (KeyError, TypeError, ValueError):
                continue
    return out


@dataclass(frozen=True)
class SignatureProblem:
    seq: int  # the journal entry's number
    message: str  # French


def check(entries, root: Path) -> tuple[int, list[SignatureProblem]]:
    """(records checked, problems): each record's chain, its image file, each closing's chain."""
    last: dict[str, str] = {}
    problems: list[SignatureProblem] = []
    count = 0
    for e in entries:
        d = e.data
        sid = d.get("session")
        if not isinstance(sid, str):
            continue
        if e.kind in CHAINED:
            count += 1
            prev = last.get(sid, START)
            who = d.get("learner") or d.get("role") or "?"
            if e.kind == CONTRACT:
                what = f"signature de la {d.get('document')} par {d.get('party') or who} ({sid})" \
                    if d.get("document") == "convention" else f"signature du contrat de {who} ({sid})"
            elif e.kind == SIGNATURE:
                what = f"signature de {who} ({sid}, {d.get('date')} {d.get('half')})"
            else:
                what = f"mention «\u00a0{d.get('status')}\u00a0» de {who} ({sid}, {d.get('date')} {d.get('half')})"
            if d.get("prev_chain") != prev:
                problems.append(SignatureProblem(e.seq, f"{what}\u00a0: le lien avec la signature précédente de la "
                                                        "session est rompu (signature supprimée ou déplacée)"))
            elif link(prev, d) != d.get("chain"):
                problems.append(SignatureProblem(e.seq, f"{what}\u00a0: enregistrement modifié après coup (heure, "
                                                        "image ou appareil ne sont plus ceux signés)"))
            if e.kind != MARK:
                problems += _image(e.seq, what, root, d)
            last[sid] = str(d.get("chain"))
        elif e.kind == CLOSE and "chain" in d and d["chain"] != last.get(sid, START):
            problems.append(SignatureProblem(e.seq, f"feuille du {d.get('date')} {d.get('half')} ({sid})\u00a0: "
                                                    "les signatures ne sont plus celles présentes à sa clôture"))
    return count, problems


def _image(seq: int, what: str, root: Path, d: dict) -> list[SignatureProblem]:
    relative = d.get("image")
    if not relative:
        return []
    try:
        data = (root / relative).read_bytes()
    except OSError:
        return [SignatureProblem(seq, f"{what}\u00a0: image introuvable ({relative})")]
    if hashlib.sha256(data).hexdigest() != d.get("image_sha256"):
        return [SignatureProblem(seq, f"{what}\u00a0: image modifiée après la signature ({relative})")]
    return []
