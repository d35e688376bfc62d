"""Plain helpers every stage may use: dates, typography, files, diagnostics, clock."""
