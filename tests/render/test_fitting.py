"""Documents laid out once (documents/layout.py): the same level, and the same bytes, as building
the whole PDF at each level until it fits, over a spread of learners, objectives and programmes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from conftest import DEMO
from qualikit.commands.close import results_of
from qualikit.documents.attestation import attestation_fitting
from qualikit.documents.competence import competence_fitting
from qualikit.documents.departure import departure_fitting
from qualikit.documents.layout import Fitting, drawn, fitted, laid_out
from qualikit.documents.pdf_common import draw_pdf
from qualikit.documents.programme_sheet import programme_sheet_fitting
from qualikit.documents.stamp import DocStamp
from qualikit.journey.hours import attended
from qualikit.project.load import load_project
from qualikit.project.model import Evaluation, Result

CODE = "QK-7F3K-9XQ2-M4TD"
STAMP = DocStamp(code=CODE, issued_on=date(2026, 10, 16), place="Lyon", signer_name="Claire Clément",
                 qr_text=f"https://www.atelier-clement-formation.fr/verification/{CODE}")
LINKS = {"chaud": "https://tally.so/r/wM9xYz?token=tok-chaud"}


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def built_until_it_fits(fitting: Fitting) -> tuple[bytes, int]:
    """The way documents were fitted before: the whole PDF built at level 0, 1… until it holds."""
    for level in range(fitting.levels):
        pdf = draw_pdf(fitting.story(level), fitting.setup)
        if level == fitting.levels - 1 or page_count(pdf) <= fitting.pages:
            return pdf, level
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def demo():
    return load_project(DEMO).project


def longer(project, programme_id: str, *, objectives: int = 1, title: bool = False):
    """The project with that programme's objectives repeated (and spelt out at length), or its title."""
    def change(programme):
        if programme.id != programme_id:
            return programme
        goals = programme.objectives
        if objectives > 1:
            goals = tuple(f"{o}, puis le restituer à l'équipe dans un compte rendu écrit" for o in goals * objectives)
        name = f"{programme.title} : approfondissement, cas pratiques et mise en situation professionnelle" \
            if title else programme.title
        return replace(programme, objectives=goals, title=name)

    return replace(project, programmes=tuple(change(p) for p in project.programmes))


def mixed(results):
    """Every kind of result in turn: acquis, en cours, a score, not evaluated, non acquis."""
    kinds = [dict(result=Result.ACQUIS), dict(result=Result.EN_COURS), dict(score=Decimal(9), scale=Decimal(20)),
             None, dict(result=Result.NON_ACQUIS)]
    out = []
    for n, (objective, _) in enumerate(results, 1):
        kind = kinds[n % len(kinds)]
        out.append((objective, None if kind is None else Evaluation("s", "l", n, **kind)))
    return out


def acquired(results):
    return [(objective, Evaluation("s", "l", n, result=Result.ACQUIS)) for n, (objective, _) in enumerate(results, 1)]


NAMES = {
    "short": dict(first_name="Li", last_name="Wu"),
    "long": dict(first_name="Marie-Charlotte-Éléonore", last_name="de La Tour d'Auvergne-Montmorency-Laval",
                 company="Société coopérative de production des Transports et Logistique du Grand Lyon"),
}


def cases(project):
    """(name, fitting) for the demo's sessions and learners, then longer and shorter variants."""
    def three(project, session, learner, results, tag):
        enrolment = session.enrolment(learner.id)
        done = attended(project, session, enrolment)
        others = [p for p in project.programmes if p.id != session.programme_id]
        yield f"attestation {tag}", attestation_fitting(project, session, learner, enrolment, done, results, DEMO,
                                                         STAMP)
        yield f"competence {tag}", competence_fitting(project, session, learner, results, DEMO, STAMP)
        yield f"departure {tag}", departure_fitting(project, session, learner, enrolment, done, results, DEMO,
                                                     LINKS, others, ("attestation de fin de formation",))

    for session in project.sessions:
        for enrolment in session.enrolments:
            learner = project.learner(enrolment.learner_id)
            yield from three(project, session, learner, results_of(project, session, learner.id),
                             f"{session.id} {learner.id}")
    for session_id, learner_id in (("excel-2026-10-15", "thomas-girard"), ("parole-2026-11-04", "pierre-dumas"),
                                   ("reunion-2026-10-26", "nadia-ferreira")):
        session = project.session(session_id)
        for times, title, name in ((2, False, "short"), (2, True, "long"), (3, False, "long"), (3, True, "short"),
                                   (4, False, "short"), (4, True, "long"), (6, False, "long"), (6, True, "short")):
            bigger = longer(project, session.programme_id, objectives=times, title=title)
            learner = replace(project.learner(learner_id), **NAMES[name])
            results = results_of(bigger, session, learner_id)
            results = {2: acquired, 3: acquired, 4: mixed}.get(times, lambda r: r)(results)
            yield from three(bigger, session, learner, results,
                             f"{session_id} ×{times}{' long title' if title else ''} {name} name")
    for programme in project.programmes:
        for times, title in ((1, False), (3, True), (4, True), (5, False), (8, True)):
            bigger = longer(project, programme.id, objectives=times, title=title)
            yield (f"programme {programme.id} ×{times}",
                   programme_sheet_fitting(bigger, bigger.programme(programme.id), DEMO, date(2026, 9, 1)))


def test_laid_out_once_gives_the_level_and_the_bytes_of_building_until_it_fits(demo):
    levels: dict[tuple[str, int], set[int]] = {}
    for name, fitting in cases(demo):
        expected, level = built_until_it_fits(fitting)
        pdf = fitted(fitting)
        assert pdf == expected, name
        if level < fitting.levels - 1:
            assert page_count(pdf) <= fitting.pages, name
        levels.setdefault((name.split()[0], fitting.pages), set()).add(level)
    # the spread reaches every level of every kind of document
    assert levels == {("attestation", 1): {0, 1, 2}, ("competence", 1): {0, 1, 2}, ("departure", 2): {0, 1, 2},
                      ("programme", 2): {0, 1, 2}}, levels


def test_a_layout_drawn_later_is_the_plain_build_over_many_pages(demo):
    """Tables split across pages (their header repeated), kept-together blocks, page breaks."""
    session = demo.session("parole-2026-11-04")
    bigger = longer(demo, session.programme_id, objectives=12, title=True)
    learner = demo.learner("pierre-dumas")
    enrolment = session.enrolment(learner.id)
    fitting = departure_fitting(bigger, session, learner, enrolment, attended(bigger, session, enrolment),
                                mixed(results_of(bigger, session, learner.id)), DEMO, LINKS, bigger.programmes)
    pages = laid_out(fitting.story(0), fitting.setup, 10)
    assert pages is not None and len(pages) >= 4
    assert laid_out(fitting.story(0), fitting.setup, len(pages) - 1) is None  # stopped at the page too many
    pdf = drawn(pages, fitting.setup)
    assert pdf == draw_pdf(fitting.story(0), fitting.setup)
    assert page_count(pdf) == len(pages)


def test_markup_parsed_once_gives_the_same_bytes_and_paragraphs_of_their_own(demo):
    from qualikit.documents import paragraphs
    from qualikit.documents.pdf_common import para, styles

    session, learner = demo.session("excel-2026-10-15"), demo.learner("thomas-girard")
    enrolment = session.enrolment(learner.id)
    fitting = departure_fitting(demo, session, learner, enrolment, attended(demo, session, enrolment),
                                results_of(demo, session, learner.id), DEMO, LINKS, demo.programmes)
    paragraphs._parsed.clear()
    cold = fitted(fitting)
    assert paragraphs._parsed  # the guide's markup, kept
    assert fitted(fitting) == cold
    first, second = para("<b>Votre avis</b> compte", styles().body), para("<b>Votre avis</b> compte", styles().body)
    assert first.frags is not second.frags and not {id(f) for f in first.frags} & {id(f) for f in second.frags}
    assert [f.text for f in first.frags] == [f.text for f in second.frags] == ["Votre avis", " compte"]
