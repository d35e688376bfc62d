"""The pages of `qualikit emargement`: served by the trainer's laptop, no internet needed.

Safe by default: every page lives under a random key (the room's, in the QR code shown to the
learners; the trainer's, printed in the terminal only), so nothing answers to a guessed address;
learners' pages show first names and initials only; each form carries a CSRF token bound to a
cookie of the browser and to the form's address; nothing is logged (no access log: addresses hold
keys and tokens); the server stops by itself at the end of the day. Starlette and uvicorn are
imported here only, and this module only by the command that serves.

The same server signs documents (commands/countersign.py): under /document/TOKEN, the one contract or
convention that personal link is bound to, its PDF to read, and a pad to sign it; no page lists the
documents but the trainer's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

from qualikit.base.frdates import clock_time, long_date
from qualikit.base.resources import templates_dir
from qualikit.commands.countersign import CountersignError, Desk
from qualikit.commands.emargement import MARKS, EmargementError, Room, display_name
from qualikit.documents.signed_sheet import parse_strokes

COOKIE = "qk_csrf"
MAX_BODY = 256 * 1024  # a traced signature is a few kilobytes
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                      "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"}


@dataclass(frozen=True)
class Keys:
    """The random parts of the addresses, and the secret the CSRF tokens are made with."""

    room: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    trainer: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    csrf: bytes = field(default_factory=lambda: secrets.token_bytes(32))


def _env(root: Path):
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(root / "templates"), FileSystemLoader(templates_dir())]),
        autoescape=True, undefined=StrictUndefined)


def make_app(room: Room | None, keys: Keys, base_url: str | None = None, desk: Desk | None = None):
    """The Starlette application for one half-day (`room`) and the session's documents to sign (`desk`),
    or either alone; `base_url`: the address the learners reach (for their personal links), else the one
    the trainer's page was asked at."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    held = room or desk
    env = _env(held.root)
    title = f"{long_date(room.day).capitalize()}, {room.half.value}" if room else "Signature des documents"

    def csrf_for(cookie: str, path: str) -> str:
        return hmac.new(keys.csrf, f"{cookie}|{path}".encode(), hashlib.sha256).hexdigest()

    def page(request, name: str, status: int = 200, **context) -> Response:
        cookie = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
        html = env.get_template(f"emargement/{name}.html.j2").render(
            title=title, session=held.session.id, csrf=lambda path: csrf_for(cookie, path), **context)
        response = HTMLResponse(html, status_code=status, headers=HEADERS)
        if COOKIE not in request.cookies:
            response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict")
        return response

    def missing() -> Response:
        return PlainTextResponse("Page introuvable.", status_code=404, headers=HEADERS)

    async def form(request) -> dict[str, str] | None:
        """The posted fields, or None when the CSRF token does not match this browser and address."""
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return None
        body = await request.body()
        if len(body) > MAX_BODY:
            return None
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        cookie = request.cookies.get(COOKIE)
        if not cookie or not hmac.compare_digest(fields.get("csrf", ""), csrf_for(cookie, request.url.path)):
            return None
        return fields

    def refused(request, why: str) -> Response:
        return page(request, "message", 400, heading="Signature refusée", text=why)

    def device(request) -> str:
        agent = request.headers.get("user-agent", "")[:80]
        host = request.client.host if request.client else "?"
        return f"{host} · {agent}" if agent else host

    def seat_at(request):
        try:
            n = int(request.path_params["n"])
        except ValueError:
            return None
        seats = room.seats()
        return seats[n] if 0 <= n < len(seats) else None

    async def salle(request) -> Response:
        if room is None or request.path_params["key"] != keys.room:
            return missing()
        seats = [(n, display_name(s.learner), s) for n, s in enumerate(room.seats())]
        return page(request, "salle", key=keys.room, seats=seats, closed=room.closed() is not None,
                    thanks=request.query_params.get("merci"))

    async def signer(request) -> Response:
        if room is None or request.path_params["key"] != keys.room:
            return missing()
        seat = seat_at(request)
        if seat is None:
            return missing()
        if request.method == "POST":
            fields = await form(request)
            if fields is None:
                return refused(request, "Formulaire expiré ou venu d'ailleurs : rechargez la page.")
            return await _sign(request, seat.learner.id, fields, "salle",
                               f"/{keys.room}/?merci={request.path_params['n']}")
        return page(request, "signer", who=display_name(seat.learner), action=request.url.path,
                    back=f"/{keys.room}/", done=seat.signed is not None or seat.absent,
                    code=f"{request.url.path}/code" if room.distance else None)

    async def code(request) -> Response:
        """A distance half-day: the learner types the personal code of their convocation instead of drawing."""
        if room is None or request.path_params["key"] != keys.room:
            return missing()
        seat = seat_at(request)
        if seat is None:
            return missing()
        fields = await form(request)
        if fields is None:
            return refused(request, "Formulaire expiré ou venu d'ailleurs : rechargez la page.")
        try:
            room.sign_pin(seat.learner.id, fields.get("pin", "")[:20], device(request))
        except EmargementError as exc:
            return refused(request, str(exc).capitalize() + ".")
        return RedirectResponse(f"/{keys.room}/?merci={request.path_params['n']}", status_code=303, headers=HEADERS)

    async def lien(request) -> Response:
        learner = room.learner_of_token(request.path_params["token"]) if room else None
        if learner is None:
            return page(request, "message", 404, heading="Lien non valable",
                        text="Ce lien ne permet pas de signer cette demi-journée (il vaut pour une personne et "
                             "une demi-journée).")
        if request.method == "POST":
            fields = await form(request)
            if fields is None:
                return refused(request, "Formulaire expiré ou venu d'ailleurs : rechargez la page.")
            return await _sign(request, learner.id, fields, "lien", request.url.path)
        seat = next(s for s in room.seats() if s.learner.id == learner.id)
        return page(request, "signer", who=display_name(learner), action=request.url.path, back=None,
                    done=seat.signed is not None or seat.absent, code=None)

    async def _sign(request, learner_id: str, fields: dict, via: str, then: str) -> Response:
        strokes = parse_strokes(fields.get("strokes", ""))
        if strokes is None:
            return refused(request, "Signature vide ou illisible : signez dans le cadre puis validez.")
        try:
            room.sign(learner_id, strokes, device(request), via)
        except EmargementError as exc:
            return refused(request, str(exc).capitalize() + ".")
        return RedirectResponse(then, status_code=303, headers=HEADERS)

    async def formateur(request) -> Response:
        if request.path_params["key"] != keys.trainer:
            return missing()
        base = base_url or f"{request.url.scheme}://{request.url.netloc}"
        seats = [(s, f"{base}/lien/{room.token(s.learner.id)}") for s in room.seats()] if room else []
        papers = [(p, f"{base}/document/{desk.token(p)}") for p in desk.papers()] if desk else []
        return page(request, "formateur", key=keys.trainer, seats=seats, marks=MARKS,
                    closed=room.closed() if room else None, room=room is not None, papers=papers,
                    error=request.query_params.get("erreur"))

    async def action(request) -> Response:
        if request.path_params["key"] != keys.trainer:
            return missing()
        fields = await form(request)
        if fields is None:
            return refused(request, "Formulaire expiré ou venu d'ailleurs : rechargez la page.")
        if room is None:
            return missing()
        try:
            if request.path_params["what"] == "marquer":
                room.mark(fields.get("learner", ""), fields.get("status", ""), fields.get("time") or None)
            elif request.path_params["what"] == "confirmer":
                strokes = parse_strokes(fields.get("strokes", ""))
                if strokes is None:
                    raise EmargementError("votre signature est vide : signez dans le cadre puis confirmez")
                room.confirm(strokes, device(request))
            else:
                return missing()
        except EmargementError as exc:
            return refused(request, str(exc).capitalize() + ".")
        return RedirectResponse(f"/{keys.trainer}/formateur", status_code=303, headers=HEADERS)

    async def document(request) -> Response:
        token = request.path_params["token"]
        paper = desk.paper_of_token(token) if desk else None
        if paper is None:
            return page(request, "message", 404, heading="Lien non valable",
                        text="Ce lien ne permet de signer aucun document (il vaut pour une personne et un document).")
        if request.method == "POST":
            fields = await form(request)
            if fields is None:
                return refused(request, "Formulaire expiré ou venu d'ailleurs : rechargez la page.")
            strokes = parse_strokes(fields.get("strokes", ""))
            if strokes is None:
                return refused(request, "Signature vide ou illisible : signez dans le cadre puis validez.")
            try:
                desk.sign(token, strokes, device(request), "lien", fields.get("signer", ""))
            except CountersignError as exc:
                return refused(request, str(exc).capitalize() + ".")
            return RedirectResponse(request.url.path, status_code=303, headers=HEADERS)
        when = paper.signed and datetime.fromisoformat(paper.signed["at"])
        return page(request, "document", paper=paper, action=request.url.path, pdf=f"{request.url.path}/pdf",
                    signed_at=f"{long_date(when.date())} à {clock_time(when)}" if when else None)

    async def document_pdf(request) -> Response:
        paper = desk.paper_of_token(request.path_params["token"]) if desk else None
        if paper is None:
            return missing()
        try:
            data = (held.root / (paper.copy or paper.file)).read_bytes()
        except OSError:
            return missing()
        return Response(data, media_type="application/pdf",
                        headers={**HEADERS, "Content-Disposition": "inline; filename=document.pdf"})

    async def script(request) -> Response:
        text = env.loader.get_source(env, "emargement/pad.js")[0]
        return Response(text, media_type="text/javascript", headers=HEADERS)

    async def root(request) -> Response:
        return missing()

    return Starlette(routes=[
        Route("/", root),
        Route("/pad.js", script),
        Route("/lien/{token}", lien, methods=["GET", "POST"]),
        Route("/document/{token}", document, methods=["GET", "POST"]),
        Route("/document/{token}/pdf", document_pdf),
        Route("/{key}/", salle),
        Route("/{key}/signer/{n}", signer, methods=["GET", "POST"]),
        Route("/{key}/signer/{n}/code", code, methods=["POST"]),
        Route("/{key}/formateur", formateur),
        Route("/{key}/formateur/{what}", action, methods=["POST"]),
    ])


def lan_address() -> str:
    """This laptop's address on the local network (no packet is sent: a UDP socket only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@dataclass
class Serving:
    """A server started in a thread: its address, and how to stop it."""

    url: str
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(room: Room | None, keys: Keys, *, host: str = "127.0.0.1", port: int = 0,
          stop_at: datetime | None = None, now: Callable[[], datetime] = datetime.now,
          desk: Desk | None = None) -> Serving:
    """Start serving in a thread (port 0: any free port); it stops by itself at `stop_at`."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)  # connections wait in the queue until uvicorn accepts them: no refusal at start-up
    shown = f"http://{lan_address() if host == '0.0.0.0' else host}:{sock.getsockname()[1]}"
    config = uvicorn.Config(make_app(room, keys, shown, desk), log_level="warning", access_log=False, lifespan="off",
                            server_header=False)
    server = uvicorn.Server(config)

    def run() -> None:
        server.run(sockets=[sock])

    thread = threading.Thread(target=run, daemon=True, name="qualikit-emargement")
    thread.start()
    for _ in range(200):  # up to 10 s for the event loop to start
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.05)
    if stop_at is not None:
        def watch() -> None:
            while not server.should_exit:
                if now() >= stop_at:
                    server.should_exit = True
                    return
                threading.Event().wait(5)

        threading.Thread(target=watch, daemon=True, name="qualikit-emargement-stop").start()
    return Serving(shown, server, thread)
