"""The jobs a command runs (onboard, remind, close, contracts…): no printing, no typer."""
