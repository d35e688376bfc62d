"""`qualikit demo`: the whole journey on a copy of the demo project, at fixed dates, with the
outbox (nothing leaves the machine): contracts → onboarding → roll calls as recorded →
close-session → daily reminders → survey answers imported → KPIs → audit pack.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from qualikit.base.clock import PARIS, Clock
from qualikit.base.resources import PACKAGE

START, END = date(2026, 10, 1), date(2026, 11, 23)
CLOSINGS = {date(2026, 10, 17): "excel-2026-10-15", date(2026, 10, 28): "reunion-2026-10-26",
            date(2026, 11, 7): "parole-2026-11-04", date(2026, 11, 14): "excel-2026-11-12"}
ANSWERS_ON = date(2026, 11, 10)
LATE_ANSWERS = {date(2026, 11, 18): "excel-2026-11-12"}  # a session closed after ANSWERS_ON: its answers later
# After each low-response alert (20/10 and 10/11), the trainer calls those who did not answer.
CALLS = {date(2026, 10, 21): "excel-2026-10-15", date(2026, 11, 12): "parole-2026-11-04"}
# The first session signs its attendance in the room (qualikit emargement), driven here without a browser.
SIGNED_IN_ROOM = "excel-2026-10-15"
ROOM_DAYS = (date(2026, 10, 15), date(2026, 10, 16))
RESULTS_ON = date(2026, 11, 16)  # the certifier's results of the 06/11 jury (RS0000, fictitious) arrive
RESULTS = "assets/certification/resultats-jury-2026-11-06.csv"
IMPROVEMENT_DONE = date(2026, 11, 23)  # the drop-out's action: carried out, its first effect seen


@dataclass
class DemoResult:
    root: Path
    steps: list[str] = field(default_factory=list)
    pack: Path | None = None  # the audit pack's folder


def demo_source() -> Path:
    """The demo project bundled in the package (wheel), or the checkout's examples/demo."""
    inside = PACKAGE / "examples" / "demo"
    return inside if inside.is_dir() else PACKAGE.parent / "examples" / "demo"


def at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), PARIS)


def run_demo(dest: Path, say: Callable[[str], None] = lambda _: None) -> DemoResult:
    from qualikit.commands.close import close_session
    from qualikit.commands.contracts import issue_contracts, programme_sheets
    from qualikit.commands.remind import remind
    from qualikit.delivery.send import OutboxTransport
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"« {dest} » existe déjà et n'est pas vide : choisissez un autre dossier")
    shutil.copytree(demo_source(), dest, dirs_exist_ok=True)
    result = DemoResult(dest)
    project = load_project(dest).project

    def transport(day: date) -> OutboxTransport:
        return OutboxTransport(dest / "outbox", lambda: at(day))

    programme_sheets(project, dest, open_journal(dest, Clock(at(START))), START)
    for session in project.sessions:
        signed = min((e.enrolled_on for e in session.enrolments if e.enrolled_on), default=START)
        day = max(min(signed, session.start - timedelta(days=20)), date(2026, 9, 1))
        issue_contracts(project, dest, open_journal(dest, Clock(at(day))), transport(day), at(day), session.id)
    say("fiches programmes, contrats et conventions")
    _contract_signed_on_the_page(dest, project)
    say(f"{SIGNED_CONTRACT[1]:%d/%m} : contrat de formation signé par l'apprenante sur la page d'émargement "
        f"({SIGNED_CONTRACT[0]}), copie scellée")
    _external_contract(dest, project)
    say("contrat de sous-traitance de l'intervenant extérieur de reunion-2026-10-26 (sortie/sous-traitance/)")
    _registers(dest, project)
    say("analyse des risques (11 risques habituels) et une réclamation traitée en moins de 48 h")
    day = START
    while day <= END:
        now = at(day)
        if day in ROOM_DAYS:
            _sign_in_room(dest, project, day)
            say(f"{day:%d/%m} : émargement dans la salle ({SIGNED_IN_ROOM}), feuilles scellées")
        if day in CLOSINGS:
            close_session(project, dest, open_journal(dest, Clock(now)), transport(day), now, CLOSINGS[day])
            say(f"{day:%d/%m} : clôture de {CLOSINGS[day]}")
            _invoices(dest, project, day)
        if day == ANSWERS_ON or day in LATE_ANSWERS:
            closed = {s for d, s in CLOSINGS.items() if d < ANSWERS_ON} if day == ANSWERS_ON else {LATE_ANSWERS[day]}
            _import_sample_answers(dest, project, now, closed)
            _trainer_reviews(dest, project, now, closed)
            say(f"{day:%d/%m} : réponses aux enquêtes à chaud importées, bilans de la formatrice")
        for session in project.sessions:
            if session.days and session.start - timedelta(days=2) == day:
                _import_entry_answers(dest, project, now, session.id)
                say(f"{day:%d/%m} : analyses des besoins et positionnements de {session.id} importés")
        if day in CALLS:
            _call_silent(dest, project, now, CALLS[day])
            say(f"{day:%d/%m} : appel des apprenants sans réponse à l'enquête à chaud ({CALLS[day]})")
        if day == RESULTS_ON:
            _import_results(dest, project, now)
            for programme in (p for p in project.programmes if p.certification_code):
                programme_sheets(project, dest, open_journal(dest, Clock(now)), day, programme.id)
            say(f"{day:%d/%m} : résultats de la certification RS0000 importés (obtenue, un bloc, une absence), "
                "fiche programme mise à jour avec les taux")
        if day == IMPROVEMENT_DONE:
            _improvement_done(dest, project, day)
            say(f"{day:%d/%m} : action d'amélioration réalisée, son effet mesuré")
        remind(project, dest, open_journal(dest, Clock(now)), transport(day), now,
               digest_to=project.organisation.email)
        day += timedelta(days=1)
    say("relances quotidiennes du 01/10 au 23/11/2026")
    _invoices(dest, project, END)
    say("factures et avoirs Factur-X (PDF/A-3 et XML CII) dans sortie/factures/")
    result.pack = _audit_pack(dest, at(END))
    return result


def _sign_in_room(root: Path, project, day: date) -> None:
    """Each half-day of the day: the learners sign on the room's page as they arrive (those absent in
    presences.yaml do not), the trainer confirms and signs last; the same functions as the web pages."""
    from qualikit.commands.close import _signer
    from qualikit.commands.emargement import open_room
    from qualikit.project.journal_check import open_journal

    clock = _Moment(at(day))
    journal = open_journal(root, clock)
    signer = _signer(project, root)
    session = project.session(SIGNED_IN_ROOM)
    held = next(d for d in session.days if d.date == day)
    for half, span in held.halves():
        absent = next((set(a.absent) for a in project.attendance
                       if a.session_id == session.id and a.date == day and a.half is half), set())
        room = open_room(project, root, journal, session.id, day, half, clock.now, signer)
        start = datetime.combine(day, span.start, PARIS)
        for n, learner in enumerate(room.learners()):
            clock.value = start - timedelta(minutes=8) + timedelta(minutes=2 * n, seconds=7 * n)
            if learner.id in absent:
                room.mark(learner.id, "absent", f"{span.start:%H:%M}")
            else:
                room.sign(learner.id, _strokes(learner.first_name + learner.last_name),
                          "192.168.1.20 · tablette de la salle")
        clock.value = datetime.combine(day, span.end, PARIS) - timedelta(minutes=4)
        room.confirm(_strokes("formatrice"), "192.168.1.10 · ordinateur de la formatrice")


SIGNED_CONTRACT = ("projet-2026-11-30", date(2026, 11, 3), "emma-dupuis")  # the day it was sent


def _contract_signed_on_the_page(root: Path, project) -> None:
    """A particulier signs her contrat de formation on the page of `qualikit emargement --documents`
    (her personal link), the evening it was sent; the same functions as the web page."""
    from qualikit.commands.close import _signer
    from qualikit.commands.countersign import open_desk
    from qualikit.project.journal_check import open_journal

    session_id, day, learner_id = SIGNED_CONTRACT
    clock = _Moment(datetime.combine(day, time(19, 42), PARIS))
    desk = open_desk(project, root, open_journal(root, clock), session_id, clock.now, _signer(project, root))
    paper = next(p for p in desk.papers() if p.party == learner_id)
    desk.sign(desk.token(paper), _strokes("EmmaDupuis"), "192.168.1.23 · téléphone de l'apprenante")


class _Moment:
    """A clock the demo moves by hand: each signature at its own minute."""

    def __init__(self, value: datetime) -> None:
        self.value = value

    def now(self) -> datetime:
        return self.value


def _strokes(seed: str) -> dict:
    """A handwriting-like trace, different for each name (what the pad would send)."""
    import hashlib

    digest = hashlib.sha256(seed.encode()).digest()
    strokes, x = [], 20.0
    for part in range(2):
        points = []
        for i in range(14):
            b = digest[part * 14 + i]
            points.append([round(x, 1), round(60 + (b % 50) - 25 + (10 if i % 2 else -10), 1)])
            x += 8 + b % 9
        strokes.append(points)
        x += 14
    return {"w": max(x + 20, 300.0), "h": 120.0, "strokes": strokes}


def _external_contract(root: Path, project) -> None:
    """The contract with the external intervenant, issued before his session (its signed copy is in
    preuves-intervenants/, recorded in registre-sous-traitants.yaml)."""
    from qualikit.commands.external_contracts import issue_external_contracts
    from qualikit.project.journal_check import open_journal

    day = date(2026, 9, 15)
    issue_external_contracts(project, root, open_journal(root, Clock(at(day))), at(day))


def _invoices(root: Path, project, day: date) -> None:
    """The invoices due that day (Factur-X), in sortie/factures/."""
    from qualikit.admin.invoicing.issue import issue_invoices
    from qualikit.project.journal_check import open_journal

    issue_invoices(project, root, open_journal(root, Clock(at(day).replace(hour=18))), day)


def _import_sample_answers(root: Path, project, now: datetime, closed: set[str]) -> None:
    """What a form tool would export: hot-survey answers of most learners of the `closed` sessions."""
    import csv
    import io

    from qualikit.project.journal_check import open_journal
    from qualikit.quality.surveys.importer import parse_answers, record
    from qualikit.quality.surveys.tokens import token_map

    tokens = token_map(project, root)
    by_learner = {(s, lid): t for t, (kind, s, lid) in tokens.items() if kind == "chaud"}
    notes = [(5, 5, 5, 4, 5, 10, "Oui", "Très concret, merci !"), (4, 4, 5, 4, 4, 9, "Oui", ""),
             (4, 3, 4, 4, 4, 8, "Oui", "Un peu dense l'après-midi"), (5, 4, 5, 5, 5, 9, "Oui", "Formatrice à l'écoute"),
             (5, 5, 4, 4, 5, 9, "Oui", "Les exercices sur nos propres fichiers m'ont débloqué"),
             (3, 4, 4, 3, 4, 7, "Oui", "La salle était un peu petite pour le nombre de participants"),
             (5, 5, 5, 5, 4, 10, "Oui", "Je me sens enfin capable de prendre la parole en réunion"),
             (4, 4, 4, 4, 4, 8, "Non", "J'aurais aimé un support à garder après la formation"),
             (5, 4, 5, 4, 5, 9, "Oui", "")]
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(["Horodateur", "Comment évaluez-vous l'accueil ?", "Le contenu de la formation",
                  "L'équipe pédagogique", "Les moyens mis à disposition", "L'accompagnement",
                  "Recommanderiez-vous cette formation à un collègue ?", "Vous êtes-vous senti(e) accompagné(e) ?",
                  "Commentaire libre", "Jeton (ne pas modifier)"])
    n = 0
    for session_id in CLOSINGS.values():
        session = project.session(session_id)
        for e in session.enrolments[:-1]:  # one learner never answers: the reminders show it
            if e.status.value == "abandon":
                continue
            a = notes[n % len(notes)]
            n += 1
            if session_id not in closed:
                continue
            out.writerow([f"{session.end + timedelta(days=1):%d/%m/%Y} 18:{n:02d}:00", *a,
                          by_learner[(session_id, e.learner_id)]])
    path = root / "exports" / "reponses-chaud.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    record(open_journal(root, Clock(now)), parse_answers(path, tokens), set())
    if "excel-2026-10-15" not in closed:
        return
    # the client company of the first session answers its own survey (sent ten days after the end)
    company = next(t for t, (kind, s, who) in tokens.items()
                   if kind == "entreprise" and s == "excel-2026-10-15" and who == "entreprise")
    path = root / "exports" / "reponses-entreprise.csv"
    path.write_text("Horodateur,\"Globalement, êtes-vous satisfait(e) de la formation ?\","
                    "Les compétences visées sont-elles mises en œuvre dans l'entreprise ?,Que faudrait-il améliorer ?,"
                    "Recommanderiez-vous cette formation ?,Jeton (ne pas modifier)\r\n"
                    f"{now.date() - timedelta(days=1):%d/%m/%Y} 11:20:00,4,Oui,"
                    f"\"Un point d'étape avec le responsable à J+30\",8,{company}\r\n", encoding="utf-8")
    record(open_journal(root, Clock(now)), parse_answers(path, tokens, survey="entreprise"), set())


NEEDS = ("Quel est votre poste et votre contexte de travail ?", "Qu'attendez-vous de cette formation ?",
         "Avez-vous besoin d'une adaptation (handicap, contraintes horaires, matériel) ?")
NEEDS_ANSWERS = (
    ("Assistante de gestion, tableaux de suivi mensuels", "Gagner du temps sur mes synthèses", "Non"),
    ("Chef d'équipe, réunions hebdomadaires de chantier", "Être plus à l'aise devant mon équipe", "Non"),
    ("Comptable dans une PME de transport", "Fiabiliser les rapprochements", "Écran large si possible"),
    ("Chargée de mission, présentations aux élus", "Structurer mes interventions", "Non"),
    ("Technicien SAV, comptes rendus d'intervention", "Automatiser mes tableaux", "Non"),
    ("Responsable d'agence, réunions clients", "Gérer le trac et les objections", "Horaires : départ 17 h le jeudi"),
)
LEVEL = ("Comment situez-vous votre niveau actuel sur le sujet (1 débutant à 5 expert) ?",
         "Sur quel point voulez-vous progresser en priorité ?")
LEVEL_ANSWERS = (("2", "Les tableaux croisés"), ("1", "Oser prendre la parole"), ("3", "Les formules imbriquées"),
                 ("2", "Tenir le temps de parole"), ("3", "Les macros simples"), ("2", "Répondre aux objections"))


def _import_entry_answers(root: Path, project, now: datetime, session_id: str) -> None:
    """Needs analysis and positioning, answered by every learner who received the links."""
    import csv
    import io

    from qualikit.journey import as_of
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.surveys.importer import parse_answers, record
    from qualikit.quality.surveys.tokens import token_map

    journal = open_journal(root, Clock(now))
    sj = as_of(project, journal.entries(), now.date(), {session_id}).get(session_id)
    tokens = token_map(project, root)
    by_learner = {(kind, lid): t for t, (kind, s, lid) in tokens.items() if s == session_id}
    for kind, questions, answers in (("besoins", NEEDS, NEEDS_ANSWERS), ("positionnement", LEVEL, LEVEL_ANSWERS)):
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\r\n")
        out.writerow(["Horodateur", *questions, "Jeton (ne pas modifier)"])
        asked = [lj for lj in sj.learners if lj.survey(kind).asked is not None]
        for n, lj in enumerate(asked):
            out.writerow([f"{now.date() - timedelta(days=1):%d/%m/%Y} {9 + n % 9}:{n * 7 % 60:02d}:00",
                          *answers[(n + len(session_id)) % len(answers)], by_learner[(kind, lj.id)]])
        path = root / "exports" / f"{kind}-{session_id}.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        record(journal, parse_answers(path, tokens, survey=kind), set())


def _import_results(root: Path, project, now: datetime) -> None:
    """The certifier's results file, imported as a trainer would (`qualikit certification import`)."""
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.certification.results import parse_results, record

    record(open_journal(root, Clock(now)), parse_results(root / RESULTS, project))


def _call_silent(root: Path, project, now: datetime, session_id: str) -> None:
    """The trainer phones each learner who has not answered the hot survey: the alert's treatment."""
    from qualikit.commands.followups import record_followup
    from qualikit.journey import as_of
    from qualikit.project.journal_check import open_journal

    journal = open_journal(root, Clock(now))
    sj = as_of(project, journal.entries(), now.date(), {session_id}).get(session_id)
    for lj in sj.started:
        if not lj.dropped and lj.survey("chaud").answered is None:
            record_followup(project, journal, kind="appel", learner_id=lj.id, session_id=session_id,
                            text="Relance téléphonique : enquête à chaud sans réponse",
                            outcome="répondra cette semaine",
                            at=now + timedelta(hours=2))


def _improvement_done(root: Path, project, day: date) -> None:
    """The action opened at the drop-out, carried out with an owner and a deadline, and its effect."""
    from qualikit.quality.registers import improvements, store
    from qualikit.quality.registers.model import ImprovementSource, ImprovementStatus

    doc = improvements.load(root)
    action = next((a for a in doc.register.entries if a.source is ImprovementSource.ABANDON), None)
    if action is None:
        return
    owner = project.organisation.legal_rep.name if project.organisation.legal_rep else None
    action = improvements.update(
        action, day, action="Appeler le jour même tout apprenant absent et proposer un rattrapage individuel",
        owner=owner, due=day + timedelta(days=10), status=ImprovementStatus.REALISEE, done=day,
        effect="Session parole-2026-11-23 : l'apprenante absente le premier matin appelée dans l'heure, un "
               "rattrapage individuel lui a été proposé ; à confirmer au bilan de la session")
    store.replace(root, doc, action)
    from qualikit.quality.registers import procedures

    doc = procedures.load(root)
    store.append(root, doc, procedures.adopt(doc.register, "abandons-relances", day,
                                             "Appel le jour même de toute absence (action d'amélioration "
                                             f"{action.id})"))


def _registers(root: Path, project) -> None:
    """The risk analysis seeded at the start, and one complaint received, answered and closed."""
    from qualikit.quality.registers import incidents, risks, store
    from qualikit.quality.registers.model import Channel, IncidentKind

    owner = project.organisation.legal_rep.name if project.organisation.legal_rep else None
    store.save(root, risks.load(root), risks.seed(START, owner))
    doc = incidents.load(root)
    received = datetime(2026, 11, 9, 10, 15, tzinfo=PARIS)
    complaint = incidents.new_incident(doc.register, kind=IncidentKind.RECLAMATION, who="karim-haddad",
                                       subject="Certificat de réalisation demandé par l'employeur au format papier",
                                       received=received, session="parole-2026-11-04", channel=Channel.EMAIL)
    doc = store.append(root, doc, complaint)
    complaint = incidents.acknowledge(complaint, received + timedelta(hours=1))
    complaint = incidents.answer(complaint, "Certificat imprimé, signé et posté le jour même", received +
                                 timedelta(hours=6), analysis="Certains employeurs exigent encore le papier")
    complaint = incidents.close(complaint, corrective_action="Demander à l'inscription le format attendu")
    store.replace(root, doc, complaint)
    _watch(root)
    _procedures(root)
    _competences(root)


COMPETENCES = (
    ("diplôme", "Titre professionnel Formateur professionnel d'adultes (niveau 5)", date(2017, 6, 30),
     "Ministère du Travail", None, "preuves-formatrice/cv-claire-clement.pdf"),
    ("expérience", "12 ans de gestion de projet et d'animation d'équipes en entreprise", date(2014, 8, 31),
     "Industrie pharmaceutique", None, "preuves-formatrice/cv-claire-clement.pdf"),
    ("certification", "Microsoft Office Specialist Excel Expert (Microsoft 365 Apps)", date(2023, 3, 15),
     "Microsoft", None, "preuves-formatrice/cv-claire-clement.pdf"),
    ("formation", "Évaluer les acquis en formation courte", date(2026, 6, 19),
     "Centre de formation de formateurs", 14, "preuves-formatrice/attestation-formation-2026.pdf"),
)
# The external intervenant of reunion-2026-10-26 (registre-sous-traitants.yaml holds what was checked).
EXTERNAL_COMPETENCES = (
    ("diplôme", "Master Ingénierie pédagogique multimodale", date(2008, 9, 30), "Université Lumière Lyon 2", None,
     "preuves-intervenants/diplome-mathieu-lefort.pdf"),
    ("expérience", "8 ans d'animation de formations à distance et d'outils collaboratifs", date(2026, 8, 31),
     "ML Conseil & Formation", None, "preuves-intervenants/cv-mathieu-lefort.pdf"),
    ("formation", "Accueillir en formation les personnes en situation de handicap", date(2026, 3, 20),
     "Ressource Handicap Formation Auvergne-Rhône-Alpes", 7, "preuves-intervenants/cv-mathieu-lefort.pdf"),
)


def _competences(root: Path) -> None:
    """The trainers' diplomas, experience and own training of the year, each with its proof."""
    from qualikit.quality.registers import competences, store

    for trainer, rows in (("claire-clement", COMPETENCES), ("mathieu-lefort", EXTERNAL_COMPETENCES)):
        for kind, title, day, provider, hours, file in rows:
            doc = competences.load(root)
            store.append(root, doc, competences.new_entry(doc.register, trainer=trainer,
                                                          kind=competences.KIND(kind), title=title, day=day,
                                                          provider=provider, hours=hours, file=file))


def _procedures(root: Path) -> None:
    """The five procedures, read and adopted before the first session of the demo."""
    from qualikit.quality.registers import procedures, store

    for name in procedures.NAMES:
        doc = procedures.load(root)
        day = date(2026, 8, 20) if name == "violences-harcelement-discriminations" else date(2026, 9, 1)
        store.append(root, doc, procedures.adopt(doc.register, name, day, None))


WATCH = (
    (date(2026, 8, 6), "légale", "Légifrance, décret n° 2026-728 du 1er août 2026",
     "Nouveau référentiel national qualité pour les audits dès novembre : 33 indicateurs, analyse des risques, "
     "signalement des violences", "Registre des risques créé, procédure violences rédigée, livret d'accueil mis à "
     "jour avant les sessions d'octobre"),
    (date(2026, 9, 15), "métiers", "France Travail, enquête Besoins en main-d'œuvre 2026 (région Auvergne-Rhône-Alpes)",
     "Les postes d'assistant de gestion demandent l'automatisation des tableaux de bord",
     "Exemples d'automatisation des tableaux de bord ajoutés aux exercices du programme Excel"),
    (date(2026, 10, 2), "pédagogique", "Webinaire Centre Inffo « L'évaluation des acquis en formation courte »",
     "Les mises en situation filmées améliorent l'auto-évaluation en prise de parole",
     "Exercice filmé (sur le téléphone de l'apprenant, supprimé ensuite) ajouté au 2e jour de Prise de parole"),
)


def _watch(root: Path) -> None:
    """Three things the trainer read or heard this year, and what she changed."""
    from qualikit.quality.registers import store, watch

    for day, kind, source, finding, action in WATCH:
        doc = watch.load(root)
        store.append(root, doc, watch.new_entry(doc.register, day=day, kind=watch.KIND(kind), source=source,
                                                finding=finding, action=action))


def _trainer_reviews(root: Path, project, now: datetime, closed: set[str]) -> None:
    from qualikit.project.journal_check import open_journal

    journal = open_journal(root, Clock(now))
    for session_id in (s for s in CLOSINGS.values() if s in closed):
        journal.append("survey.answer", {
            "survey": "formateur", "session": session_id, "learner": project.session(session_id).trainer_id,
            "submitted_at": now.isoformat(), "source": "qualikit survey review",
            "values": {"satisfaction": 4, "reussites": "Groupe impliqué, exercices sur leurs propres cas",
                       "ameliorations": "Prévoir plus de temps pour la mise en pratique de l'après-midi"}},
            key=f"survey:formateur:{session_id}:{project.session(session_id).trainer_id}")


def _audit_pack(root: Path, now: datetime) -> Path:
    """The audit pack for an audit on the last day of the demo (the 2026 grid)."""
    from qualikit.audit.pack import build_pack
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    project = load_project(root).project
    entries = open_journal(root, Clock(now)).entries()
    return build_pack(project, root, entries, today=now.date()).folder
