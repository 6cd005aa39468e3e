"""Regression resamplers; the public names live in :mod:`skdir.resample`."""
