"""The project folder: files → model (load, check, convert) and the journal of what was done."""
