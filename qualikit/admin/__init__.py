"""Administration: the bilan pédagogique et financier."""
