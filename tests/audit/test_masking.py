"""Survey tokens masked in the pack's e-mail copies, whatever the form tool's address looks like."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from qualikit.audit.masking import mask_text, masked_eml

GOOGLE = "https://docs.google.com/forms/d/e/1FAIpQ/viewform?usp=pp_url&entry.1318={token}"
TOKEN = "ab3kq7zzm2xw4r5t6y7u2i3o4p"


def test_a_token_keeps_its_start_only():
    link = GOOGLE.replace("{token}", TOKEN)
    assert mask_text(f"Votre avis : {link}\n", (GOOGLE,)) == f"Votre avis : {link[:-22]}••••\n"
    assert mask_text(f"https://tally.so/r/x?token={TOKEN}") == "https://tally.so/r/x?token=ab3k••••"
    assert mask_text("https://exemple.fr/s/AbC1dEf2GhI3", ("https://exemple.fr/s/{token}",)) == \
        "https://exemple.fr/s/AbC1••••"
    assert mask_text("rien à masquer : anticonstitutionnellement") == "rien à masquer : anticonstitutionnellement"


def test_text_and_html_parts_are_masked_attachments_kept():
    link = GOOGLE.replace("{token}", TOKEN)
    message = EmailMessage()
    message["Subject"] = "Votre avis"
    message.set_content(f"Répondez ici : {link}\n" + "é" * 200)  # long enough to be encoded
    message.add_alternative(f'<p><a href="{link.replace("&", "&amp;")}">le questionnaire</a></p>', subtype="html")
    message.add_attachment(TOKEN.encode(), maintype="application", subtype="octet-stream", filename="a.bin")
    masked = BytesParser(policy=policy.default).parsebytes(masked_eml(message.as_bytes(), (GOOGLE,)))
    texts = [p.get_content() for p in masked.walk() if p.get_content_maintype() == "text"]
    assert len(texts) == 2 and all(TOKEN not in t and "ab3k••••" in t for t in texts)
    [attachment] = list(masked.iter_attachments())
    assert attachment.get_content() == TOKEN.encode()
