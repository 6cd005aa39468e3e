# The image dataset module imports torch and pillow; without them, pytest must
# not import it to collect its doctests.
collect_ignore = []
try:
    import PIL  # noqa: F401
    import torch  # noqa: F401
except ImportError:
    collect_ignore.append("_agedb_images.py")
