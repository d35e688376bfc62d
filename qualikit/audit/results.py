"""What a pack found: the files and proofs per proof id, the result per indicator and for the whole pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qualikit.audit.context import Period

PROUVE, PARTIEL, MANQUANT, A_FOURNIR, NON_APPLICABLE = (
    "prouvé", "partiel", "manquant", "à fournir par vous", "non applicable")
DROP_FOLDER = "preuves"  # <project>/preuves/<NN>/: the trainer's own files for indicator NN
WEIGHTING_LABELS = {"majeur_seul": "majeur seul", "gradue": "gradué"}


@dataclass(frozen=True)
class PackFile:
    """One file of an indicator's folder: bytes made here, or a project file copied as is."""

    path: str  # relative to the indicator's folder, posix
    label: str  # French, shown in the index
    data: bytes | None = None
    source: Path | None = None


@dataclass
class Proof:
    id: str
    label: str  # French
    present: bool
    files: list[PackFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # French: the sample, what it holds
    todo: list[str] = field(default_factory=list)  # French: what to do about a gap
    missing: list[str] = field(default_factory=list)  # French: who or what lacks it, over the whole period

    @property
    def complete(self) -> bool:
        """Present for everyone of the period: only then may the indicator say « prouvé »."""
        return self.present and not self.missing


@dataclass
class IndicatorResult:
    indicator: object  # qualikit.referentiel.Indicator
    applies: bool
    reason: str
    status: str
    folder: str | None = None
    proofs: list[Proof] = field(default_factory=list)
    extras: list[Proof] = field(default_factory=list)
    dropped: list[PackFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    deferred: bool = False  # new entrant: audited at the surveillance audit only

    @property
    def number(self) -> int:
        return self.indicator.number

    @property
    def major_only(self) -> bool:
        return self.indicator.major_only

    @property
    def gap(self) -> bool:
        return self.applies and not self.deferred and self.status in (PARTIEL, MANQUANT, A_FOURNIR)

    def files(self) -> list[PackFile]:
        """Every file of the folder once (two proofs may share one), in a stable order."""
        seen: dict[str, PackFile] = {}
        for proof in [*self.proofs, *self.extras]:
            for f in proof.files:
                seen.setdefault(f.path, f)
        for f in self.dropped:
            seen.setdefault(f.path, f)
        return list(seen.values())


@dataclass
class PackResult:
    folder: Path
    zip_path: Path | None
    grid: object  # qualikit.referentiel.Grid
    period: Period
    audit_date: date
    generated: date  # the as-of day: the data the pack was made from stops at its end
    new_entrant: bool
    organisation: str
    indicators: list[IndicatorResult]
    journal_head: str | None = None  # the journal's head as read for this pack (journal_head.Head.text)
    pages: list[PackFile] = field(default_factory=list)  # outside the indicators' folders, from the root
    followed: list = field(default_factory=list)  # qualikit.audit.followed.Followed
    audit_kind: str = "audit de surveillance"  # French: audit initial, de surveillance, de renouvellement

    def applicable(self) -> list[IndicatorResult]:
        return [r for r in self.indicators if r.applies]

    def counts(self) -> dict[str, int]:
        out = {PROUVE: 0, PARTIEL: 0, MANQUANT: 0, A_FOURNIR: 0}
        for r in self.applicable():
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def readiness(self) -> list[IndicatorResult]:
        """Applicable indicators, gaps first (major-only before graduated), then the rest, by number."""
        return sorted(self.applicable(), key=lambda r: (not r.gap, not r.major_only, r.number))
