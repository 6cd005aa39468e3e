# _bilstm.py imports torch; without it, pytest must not import it to collect
# its doctests.
collect_ignore = []
try:
    import torch  # noqa: F401
except ImportError:
    collect_ignore.append("_bilstm.py")
