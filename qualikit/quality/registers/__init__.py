"""The quality registers a Qualiopi auditor asks for, as YAML files in the project folder.

- registre-reclamations.yaml: réclamations, difficultés et aléas (indicator 31) → incidents
- registre-ameliorations.yaml: actions d'amélioration (indicator 32) → improvements
- registre-risques.yaml: risques sur la qualité des formations (indicator 32, 2026) → risks
- signalements/registre-signalements.yaml: violences, harcèlement, discriminations (indicator 12,
  2026), restricted access → reports
- registre-veille.yaml: veille légale, métiers, pédagogique et technologique (indicators 23–25) → watch
- registre-competences.yaml: the trainers' diplomas, experience and own trainings (indicators 21, 22)
  → competences
- registre-handicap.yaml: the disability network's actions (indicator 26) → network
- registre-sous-traitants.yaml: what was checked of each subcontractor or salarié porté, their invoices
  (indicator 27) → external
- registre-procedures.yaml: the versions of the written procedures (indicators 12, 26, 31, 32) → procedures

model: the records; store: reading with located problems, writing without losing text;
commands: the `qualikit incident|improvement|risk|report` commands without their command line;
rows: the listings as rows of text.
"""
