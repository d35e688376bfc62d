"""Quality: the figures (one function each), the alerts built on them, surveys and registers."""
