"""Documents and messages produced from the model: PDFs, e-mails, calendar invites."""
