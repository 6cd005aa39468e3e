"""A fit refused before training leaves the estimator as it was.

DeepRegressor's ``fit`` records what it learns from the data (input
width, label distribution, FDS bins) and builds a new network before it
trains; some refusals come only then (a loss given as a factory is known
once built, the memory of joint FDS bins once the feature width is). The
attributes are put back as they were, so a refused fit neither leaves a
half-built estimator nor replaces the fitted model with an untrained one.
"""

from contextlib import contextmanager

__all__ = ["kept_on_failure"]


@contextmanager
def kept_on_failure(estimator, enabled=True):
    """Restore ``estimator``'s attributes when the block raises.

    The attributes are restored as references: what the block built is
    dropped, what it replaced comes back. Objects the block mutated in
    place are not undone; the build steps of ``fit`` replace rather than
    mutate the fitted state, which is what makes this enough.

    Parameters
    ----------
    estimator : object
        The estimator whose ``__dict__`` to keep.
    enabled : bool, default=True
        False makes this a no-op (training further keeps its partial state).
    """
    if not enabled:
        yield
        return
    saved = dict(vars(estimator))
    try:
        yield
    except BaseException:
        state = vars(estimator)
        state.clear()
        state.update(saved)
        raise
