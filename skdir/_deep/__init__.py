"""Private helpers of the deep estimators (needs the ``deep`` extra).

- :mod:`.data`: input conversion, the array dataset and the device-resident
  batch loader.
- :mod:`.mlp`: the default tabular feature extractor.
- :mod:`.net`: the module skdir trains (extractor, optional FDS, linear head).
"""
