"""The audit pack: the proofs of every applicable Qualiopi indicator, sampled as an auditor samples.

- context: the project, journal and registers as of the audit date; the period, the sample;
- sheets: byte-stable workbooks;
- evidence: which collector shows each proof id of the grid, and each indicator's folder;
- information, delivery, means, improvement: the collectors for indicators 1–8, 9–16, 17–27, 28–33;
- procedures: the procedures, from templates the trainer can edit;
- shared: what several collectors share (command hints, programme and answer extracts);
- retention: the retention dashboard (indicator 12);
- survey_report: the survey report (indicator 30);
- results: the records of a pack (files, proofs, per-indicator and pack results, statuses);
- index: index.html and index.xlsx, per indicator;
- pack: statuses, the folder written whole or not at all, manifest and zip.

Importing this package reads nothing and imports no heavy library.
"""
