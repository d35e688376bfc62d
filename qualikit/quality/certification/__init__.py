"""Certifying trainings: the certifier's results imported into the journal (indicators 3 and 16)."""
