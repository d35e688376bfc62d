"""qualikit: the learner journey and Qualiopi proof for independent trainers, from flat files."""

__version__ = "0.1.0"
