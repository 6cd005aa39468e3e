"""Private implementation of :mod:`skdir.text` that needs torch."""
