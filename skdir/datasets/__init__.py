"""Datasets with skewed targets, shipped with skdir, and their DIR splits."""

from ._tabular import load_abalone

__all__ = ["load_abalone"]
