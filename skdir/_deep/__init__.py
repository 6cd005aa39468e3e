"""Private helpers of the deep estimators (needs the ``deep`` extra).

- :mod:`._require`: the clear ImportError when torch or skorch are missing.
- :mod:`.data`: input conversion, the array dataset and the device-resident
  batch loader.
- :mod:`.mlp`: the default tabular feature extractor.
- :mod:`.net`: the module skdir trains (extractor, optional FDS, linear head).
"""
