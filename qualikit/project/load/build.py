"""Located tables → the model. The one place where values get their types.

Each cell is parsed by its column's parser; a bad cell becomes a Diagnostic
and the record is built without it (or skipped when a required field is
missing), so one run reports every problem.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from qualikit.base.diagnostics import Location, Report, quote
from qualikit.project import model as m
from qualikit.project.load import fields as f
from qualikit.project.load import schema as s
from qualikit.project.load.tables import Cell, Row, Tables

_MISSING = object()


class _Reader:
    """Typed access to one row's cells, reporting as it goes."""

    def __init__(self, table: s.Table, row: Row, report: Report):
        self.table, self.row, self.report = table, row, report
        self.ok = True

    def get(self, key: str, default: Any = None) -> Any:
        column = self.table.column(key)
        cell = self.row.cells.get(key)
        if cell is None or _empty(cell.value):
            if column.required:
                self.report.error(self.row.loc, f"champ obligatoire manquant (attendu : {column.parser.expected})",
                                  f"{key}")
                self.ok = False
            return default
        if column.many:
            return tuple(self._many(column, cell))
        value = self._one(column, cell)
        if value is _MISSING:
            if column.required:
                self.ok = False
            return default
        return value

    def _one(self, column: s.Column, cell: Cell) -> Any:
        try:
            value = column.parser(cell.value)
        except f.Invalid as exc:
            self.report.error(cell.loc, exc.message, column.key)
            return _MISSING
        if value == "" and column.required:
            self.report.error(cell.loc, f"champ obligatoire vide (attendu : {column.parser.expected})", column.key)
            return _MISSING
        return value if value != "" else None

    def _many(self, column: s.Column, cell: Cell) -> list[Any]:
        items = cell.value if isinstance(cell.value, list) else _split(cell, column.parser is f.IDENT)
        out = []
        for item in items:
            if _empty(item.value):
                continue
            value = self._one(column, item)
            if value is not _MISSING and value is not None:
                out.append(value)
        return out

    def loc(self, key: str) -> Location:
        cell = self.row.cells.get(key)
        return cell.loc if cell else self.row.loc


def _empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _split(cell: Cell, ids: bool) -> list[Cell]:
    """A cell or block of text holding a list: one item per line (ids: also , or ;)."""
    text = cell.value if isinstance(cell.value, str) else str(cell.value)
    parts = re.split(r"[\n;,]" if ids else r"\n", text)
    return [Cell(p.strip().lstrip("•-–* ").strip() if not ids else p.strip(), cell.loc)
            for p in parts if p.strip()]


def build_project(tables: Tables, report: Report) -> m.Project | None:
    org_rows = tables["organisation"]
    if not org_rows:
        return None
    org = _organisation(_Reader(s.ORGANISATION, org_rows[0], report))
    settings_rows = tables["parametres"]
    settings = _settings(_Reader(s.SETTINGS, settings_rows[0], report)) if settings_rows else m.Settings()
    trainers = _each(tables, s.TRAINERS, report, _trainer)
    programmes = _each(tables, s.PROGRAMMES, report, _programme)
    learners = _each(tables, s.LEARNERS, report, _learner)
    days = defaultdict(list)
    for r in _each(tables, s.DAYS, report, lambda r: (r.get("session"), _day(r))):
        days[r[0]].append(r[1])
    enrolments = defaultdict(list)
    for r in _each(tables, s.ENROLMENTS, report, lambda r: (r.get("session"), _enrolment(r))):
        enrolments[r[0]].append(r[1])
    with_days = {str(row.cells["session"].value) for row in tables["journees"] if "session" in row.cells}
    sessions = _each(tables, s.SESSIONS, report,
                     lambda r: _session(r, days, enrolments, with_days))
    attendance = _each(tables, s.ATTENDANCE, report, _attendance)
    evaluations = _each(tables, s.EVALUATIONS, report, _evaluation)
    journey = _each(tables, s.JOURNEY, report, _journey_step)
    clients = _each(tables, s.CLIENTS, report, _client)
    from qualikit.project.load.certification import certifications

    certs, exams = certifications(_each, tables, report, s)
    payments = _each(tables, s.PAYMENTS, report, _payment)
    _orphans(tables, sessions, report)
    sessions = _subcontracted(sessions, programmes)
    if org is None:
        return None
    return m.Project(
        organisation=org, settings=settings, trainers=tuple(trainers), programmes=tuple(programmes),
        learners=tuple(learners), sessions=tuple(sessions), attendance=tuple(attendance),
        evaluations=tuple(evaluations), journey=tuple(journey), clients=tuple(clients),
        certifications=certs, exams=exams, payments=tuple(payments),
    )


def _subcontracted(sessions: list[m.Session], programmes: list[m.Programme]) -> list[m.Session]:
    """A programme delivered for a donneur d'ordre makes each of its sessions subcontracted, unless
    the session names its own."""
    from dataclasses import replace

    by_id = {p.id: p.contractor for p in programmes if p.contractor}
    return [replace(x, contractor=by_id[x.programme_id]) if not x.contractor and x.programme_id in by_id else x
            for x in sessions]


def _each(tables: Tables, table: s.Table, report: Report, make) -> list:
    """Build every row's record; a repeated id is reported and its record left out."""
    out = []
    first_seen: dict[str, Location] = {}
    for row in tables[table.name]:
        reader = _Reader(table, row, report)
        record = make(reader)
        if not reader.ok or record is None:
            continue
        rid = getattr(record, "id", None)
        if rid is not None and not isinstance(record, tuple):
            if rid in first_seen:
                report.error(reader.loc("id"), f"identifiant {quote(rid)} déjà utilisé ({first_seen[rid]})", "id")
                continue
            first_seen[rid] = reader.loc("id")
        out.append(record)
    return out


def _person(r: _Reader, prefix: str) -> m.Person | None:
    name = r.get(f"{prefix}.nom")
    email = r.get(f"{prefix}.email") if r.table.column(f"{prefix}.email") else None
    phone = r.get(f"{prefix}.telephone") if r.table.column(f"{prefix}.telephone") else None
    title = r.get(f"{prefix}.qualite") if r.table.column(f"{prefix}.qualite") else None
    if not any((name, email, phone, title)):
        return None
    return m.Person(name=name or "", title=title, email=email, phone=phone)


def _organisation(r: _Reader) -> m.Organisation | None:
    name = r.get("raison_sociale")
    record = m.Organisation(
        name=name or "",
        legal_form=r.get("forme_juridique"),
        siret=r.get("siret"),
        nda=r.get("nda"),
        nda_region=r.get("nda_region"),
        address=_address(r),
        phone=r.get("telephone"),
        email=r.get("email"),
        website=r.get("site_web"),
        legal_rep=_person(r, "representant_legal"),
        disability_referent=_person(r, "referent_handicap"),
        disability_network=r.get("reseau_handicap", ()),
        sender=_person(r, "expediteur"),
        logo=r.get("logo"),
        signature=r.get("signature"),
        rules_url=r.get("reglement_interieur"),
        vat_regime=r.get("regime_tva"),
        vat_number=r.get("numero_tva"),
        loc=r.row.loc,
    )
    return record if name else None


def _address(r: _Reader) -> m.Address:
    """The adresse / code_postal / ville columns of a row (organisation, trainer, client, learner)."""
    return m.Address(r.get("adresse"), _postcode(r), r.get("ville"))


def _postcode(r: _Reader) -> str | None:
    value = r.get("code_postal")
    if value is not None and not re.fullmatch(r"\d{5}", value):
        r.report.error(r.loc("code_postal"), f"{quote(value)} n'est pas un code postal (attendu : 5 chiffres)",
                       "code_postal")
    return value


def _settings(r: _Reader) -> m.Settings:
    defaults = m.Settings()
    surveys = tuple(
        (kind, url) for kind in ("besoins", "positionnement", "chaud", "froid", "entreprise", "financeur")
        if (url := r.get(f"enquetes.{kind}"))
    )
    smtp = None
    host = r.get("smtp.hote")
    security = r.get("smtp.securite") or "starttls"
    if host:
        smtp = m.SmtpSettings(
            host=host,
            port=r.get("smtp.port") or (465 if security == "ssl" else 587),
            security=security,
            user=r.get("smtp.utilisateur"),
            password_env=r.get("smtp.variable_mot_de_passe") or "QUALIKIT_SMTP_PASSWORD",
            certificate=r.get("smtp.certificat"),
        )
    return m.Settings(
        lead_time_days=_default(r.get("delai_convocation_jours"), defaults.lead_time_days),
        dropout_alert_rate=_default(r.get("seuil_alerte_abandon"), defaults.dropout_alert_rate),
        response_target_rate=_default(r.get("taux_reponse_cible"), defaults.response_target_rate),
        complaint_answer_hours=_default(r.get("delai_reponse_reclamation_heures"), defaults.complaint_answer_hours),
        catch_up_days=_default(r.get("rattrapage_jours"), defaults.catch_up_days),
        payment_reminder_days=tuple(sorted(set(r.get("relances_paiement_jours", ()))))
        or defaults.payment_reminder_days,
        send_on_working_days=bool(r.get("envoi_jours_ouvres", True)),
        closed_days=tuple(sorted(set(r.get("jours_fermes", ())))),
        new_entrant=bool(r.get("nouvel_entrant", False)),
        audit_date=r.get("date_audit"),
        survey_urls=surveys,
        smtp=smtp,
        certificate=r.get("signature_electronique.certificat"),
        certificate_passphrase_env=r.get("signature_electronique.variable_phrase_secrete")
        or defaults.certificate_passphrase_env,
        verification_url=r.get("verification_url"),
        loc=r.row.loc,
    )


def _default(value, default):
    return default if value is None else value


def _trainer(r: _Reader) -> m.Trainer:
    return m.Trainer(id=r.get("id"), name=r.get("nom"), email=r.get("email"), phone=r.get("telephone"),
                     qualifications=r.get("qualifications", ()),
                     status=r.get("statut") or m.TrainerStatus.INTERNE, company=r.get("societe"),
                     siret=r.get("siret"), nda=r.get("nda"),
                     address=_address(r),
                     representative=r.get("representant"), day_rate=r.get("tarif_jour"), loc=r.row.loc)


def _programme(r: _Reader) -> m.Programme:
    return m.Programme(
        id=r.get("id"), title=r.get("intitule"), objectives=r.get("objectifs", ()),
        prerequisites=r.get("prerequis", ()), audience=r.get("public"), duration_hours=r.get("duree_heures"),
        modality=r.get("modalite"), methods=r.get("methodes", ()), evaluation=r.get("evaluation", ()),
        accessibility=r.get("accessibilite"), price=r.get("prix"), certification_code=r.get("code_certification"),
        recognition=r.get("reconnaissance"), financing=r.get("financements", ()), access_delay=r.get("delai_acces"),
        outline=r.get("contenu", ()), resources=r.get("ressources", ()),
        competence_certificate=bool(r.get("certificat_competences", False)), updated=r.get("mise_a_jour"),
        contractor=r.get("donneur_ordre"), loc=r.row.loc,
    )


def _learner(r: _Reader) -> m.Learner:
    return m.Learner(
        id=r.get("id"), civility=r.get("civilite"), last_name=r.get("nom"), first_name=r.get("prenom"),
        email=r.get("email"), phone=r.get("telephone"), company=r.get("entreprise"), funder=r.get("financeur"),
        adaptation=r.get("adaptation"), address=_address(r),
        loc=r.row.loc,
    )


def _day(r: _Reader) -> m.Day:
    day = m.Day(date=r.get("date"), morning=r.get("matin"), afternoon=r.get("apres_midi"),
              distance=bool(r.get("a_distance", False)), loc=r.row.loc)
    if r.ok and not day.morning and not day.afternoon:
        r.report.error(r.row.loc, "ni matin ni après-midi : indiquez au moins une plage horaire (09:00-12:30)",
                       "matin")
        r.ok = False
    return day


def _enrolment(r: _Reader) -> m.Enrolment:
    return m.Enrolment(
        learner_id=r.get("apprenant"), status=r.get("statut") or m.Status.INSCRIT,
        enrolled_on=r.get("date_inscription"), dropout_date=r.get("date_abandon"),
        dropout_reason=r.get("motif_abandon"), funder=r.get("financeur"), company=r.get("entreprise"),
        signed_on=r.get("date_signature"), schedule=r.get("echeancier", ()), payer=r.get("payeur"),
        payer_share=r.get("prise_en_charge"), loc=r.row.loc,
    )


def _client(r: _Reader) -> m.Client:
    return m.Client(
        id=r.get("id"), name=r.get("nom"), kind=r.get("type") or m.ClientKind.ENTREPRISE, siret=r.get("siret"),
        vat_number=r.get("tva"), address=_address(r),
        representative=_person(r, "representant"), contact=_person(r, "contact"),
        agreement=r.get("numero_accord"), payment_days=_default(r.get("delai_paiement"), 30), nda=r.get("nda"),
        loc=r.row.loc,
    )


def _session(r: _Reader, days: dict, enrolments: dict, with_days: set[str]) -> m.Session | None:
    sid = r.get("id")
    session_days = tuple(sorted(days.get(sid, ()), key=lambda d: d.date))
    if not session_days and sid in with_days:
        r.ok = False  # its days were unreadable: already reported
    elif r.ok and not session_days:
        r.report.error(r.row.loc, "aucune journée : ajoutez ses dates et horaires (journees)", "journees")
        r.ok = False
    return m.Session(
        id=sid, programme_id=r.get("programme"), days=session_days, trainer_id=r.get("formateur"),
        place=r.get("lieu"), access=r.get("acces"), distance_link=r.get("lien_distance"),
        connection_help=r.get("aide_connexion"), to_bring=r.get("a_apporter"), client=r.get("entreprise_cliente"),
        funder=r.get("financeur"), contractor=r.get("donneur_ordre"), issuer=r.get("attestations"),
        price=r.get("prix"),
        follow_up=r.get("suivi"), client_email=r.get("email_client"), payer=r.get("payeur"),
        payer_share=r.get("prise_en_charge"), exam_minutes=r.get("proces_verbal"), exam_date=r.get("date_examen"),
        enrolments=tuple(enrolments.get(sid, ())),
        loc=r.row.loc,
    )


def _orphans(tables: Tables, sessions: list[m.Session], report: Report) -> None:
    """Days or enrolments (workbook rows) naming a session that does not exist."""
    known = {row.cells["id"].value for row in tables["sessions"] if "id" in row.cells}
    for table in (s.DAYS, s.ENROLMENTS):
        for row in tables[table.name]:
            cell = row.cells.get("session")
            if cell is not None and cell.value is not None and str(cell.value).strip() not in known:
                report.error(cell.loc, f"session {quote(cell.value)} inconnue", "session")


def _attendance(r: _Reader) -> m.Attendance:
    return m.Attendance(session_id=r.get("session"), date=r.get("date"), half=r.get("demi_journee"),
                        absent=r.get("absents", ()), loc=r.row.loc)


_SCORE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)\s*$")


def _evaluation(r: _Reader) -> m.Evaluation:
    raw = r.get("resultat")
    result = score = scale = None
    if raw is not None:
        match = _SCORE.match(str(raw))
        if match:
            score, scale = (Decimal(g.replace(",", ".")) for g in match.groups())
            if scale == 0 or score > scale:
                r.report.error(r.loc("resultat"), f"{quote(raw)} : note impossible (attendu : 14/20)", "resultat")
                r.ok = False
        else:
            try:
                result = s.RESULT(raw)
            except f.Invalid:
                r.report.error(r.loc("resultat"), f"{quote(raw)} n'est pas un résultat (attendu : acquis, "
                               "en cours d'acquisition, non acquis, ou une note comme 14/20)", "resultat")
                r.ok = False
    return m.Evaluation(session_id=r.get("session"), learner_id=r.get("apprenant"), objective=r.get("objectif"),
                        result=result, score=score, scale=scale, loc=r.row.loc)


def _payment(r: _Reader) -> m.Payment:
    return m.Payment(invoice=r.get("facture"), on=r.get("date"), amount=r.get("montant"),
                     means=r.get("moyen") or "virement", loc=r.row.loc)


def _journey_step(r: _Reader) -> m.JourneyStep:
    return m.JourneyStep(
        id=r.get("id"), label=r.get("libelle"), anchor=r.get("reference"), offset=r.get("decalage_jours"),
        audience=r.get("destinataires"), template=r.get("modele"), survey=r.get("enquete"),
        enabled=r.get("actif"), programme=r.get("programme"), loc=r.row.loc,
    )
