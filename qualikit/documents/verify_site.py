"""The static verification pages (`qualikit verify --publish DIR`), for the trainer's web site.

Anyone holding a document checks it there without qualikit: the QR code and the printed code lead
to <base>/<CODE>/ (one folder per code, so any web server answers it with its index.html), which
says what was issued under that code, when, and the SHA-256 of the file's bytes. The index lists
every fingerprint with the kind and date of its document: whoever has the file computes its
SHA-256 and searches the page for it (a lookup without JavaScript, which reveals no code).
No personal data: no name, no session, no learner: only kinds, dates and fingerprints.
"""

from __future__ import annotations

from html import escape

from qualikit.base.frdates import long_date
from qualikit.base.typography import fr
from qualikit.documents.verify import issued_documents, kind_label
from qualikit.project.journal import Entry

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2933;"
          "line-height:1.5}h1{color:#165e6e;font-size:1.5rem}code{font-size:.85rem;word-break:break-all}"
          "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #c9d3d8;padding:.3rem;"
          "text-align:left;vertical-align:top}.ok{color:#165e6e;font-weight:bold}")
_HOW = ("Calculez l'empreinte SHA-256 de votre fichier (Windows : « certutil -hashfile document.pdf SHA256 » ; "
        "macOS ou Linux : « shasum -a 256 document.pdf ») : si elle figure ici, le fichier est celui délivré, "
        "octet pour octet ; sinon, il a été modifié depuis.")


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="robots" content="noindex">\n<title>{escape(fr(title))}</title>\n'
            f"<style>{_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n").encode()


def _p(text: str) -> str:
    return f"<p>{escape(fr(text))}</p>\n"


def _date(entry: Entry) -> str:
    return long_date(entry.ts.date())


def verification_pages(entries: list[Entry], organisation: str, base: str | None,
                       certificate: str | None) -> dict[str, bytes]:
    """{relative path: bytes}: index.html and <CODE>/index.html for every code of an issued PDF.
    `certificate` is the fingerprint of the trainer's signing certificate, when there is one."""
    from qualikit.documents.pdf_common import de

    documents = [e for e in issued_documents(entries) if e.data.get("code")]
    by_code: dict[str, list[Entry]] = {}
    for e in documents:
        by_code.setdefault(e.data["code"], []).append(e)
    pages: dict[str, bytes] = {}
    for code, versions in sorted(by_code.items()):
        rows = "".join(f"<tr><td>{escape(fr(kind_label(e).capitalize()))}</td><td>{escape(_date(e))}</td>"
                       f"<td>{'oui' if e.data.get('signed') else 'non'}</td>"
                       f"<td><code>{escape(e.data['sha256'])}</code></td></tr>\n" for e in versions)
        known = fr(f"Le code {code} est bien un code de vérification {de(organisation)}.")
        body = (f"<h1>Document délivré par {escape(fr(organisation))}</h1>\n"
                f'<p class="ok">{escape(known)}</p>\n'
                + _p("Ce qui a été délivré sous ce code (la dernière ligne est la version en vigueur) :")
                + "<table>\n<tr><th>Document</th><th>Délivré le</th><th>Signé</th><th>Empreinte SHA-256</th></tr>\n"
                + rows + "</table>\n" + _p(_HOW)
                + _p("Le type et la date doivent correspondre au document que vous avez en main ; pour une preuve "
                     "octet pour octet, comparez l'empreinte.")
                + '<p><a href="../">Toutes les empreintes publiées</a></p>\n')
        pages[f"{code}/index.html"] = _page(f"Vérification {code} – {organisation}", body)
    rows = "".join(f"<tr><td><code>{escape(e.data['sha256'])}</code></td><td>{escape(fr(kind_label(e)))}</td>"
                   f"<td>{escape(_date(e))}</td></tr>\n"
                   for e in sorted(documents, key=lambda e: (e.ts, e.data["sha256"])))
    where = f" ({base}/CODE)" if base else ""
    body = (f"<h1>Vérifier un document {escape(fr(de(organisation)))}</h1>\n"
            + _p("Chaque attestation, certificat, contrat ou convention porte un code de vérification "
                 f"(QK-XXXX-XXXX-XXXX) et un QR code qui mène à sa page{where}.")
            + _p("Sans le code : " + _HOW + " Cherchez-la ensuite dans cette page (Ctrl+F).")
            + (_p(f"Documents signés électroniquement : empreinte SHA-256 du certificat de signature "
                  f"{de(organisation)} : {certificate}. Un lecteur PDF ou « qualikit verify » affiche celle du "
                  "document : elles doivent être identiques.") if certificate else "")
            + "<table>\n<tr><th>Empreinte SHA-256</th><th>Document</th><th>Délivré le</th></tr>\n"
            + rows + "</table>\n")
    pages["index.html"] = _page(f"Vérification des documents – {organisation}", body)
    return pages
