# The image dataset module imports torch; without it, pytest must not try to
# import it to collect its doctests.
collect_ignore = []
try:
    import torch  # noqa: F401
except ImportError:
    collect_ignore.append("_agedb_images.py")
