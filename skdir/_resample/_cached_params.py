"""``CachedParams``: parameter names read once per class, and parameter sets
that passed validation remembered, for the resamplers and relevances.

A mixin placed left of scikit-learn's ``BaseEstimator``; see the class for
why the names and the validation are worth keeping.
"""

__all__ = ["CachedParams"]


#: Parameter values (of these exact types) that validation may remember: they
#: cannot change, and a value of another type is another key (1 and 1.0 and
#: True are equal, but an int constraint may accept only the first).
_IMMUTABLE = (str, int, float, bool, type(None))
#: How many validated parameter sets each class remembers, at most.
_MAX_REMEMBERED = 256


class CachedParams:
    """Reads ``__init__``'s parameter names once per class, and validates a
    set of immutable parameter values once.

    scikit-learn's ``get_params``, which every parameter validation and
    ``clone`` goes through, finds the names with ``inspect.signature`` on
    every call, and ``validate_parameter_constraints`` rebuilds every
    constraint object on every call: each costs more than the rest of a
    resample of a few thousand rows. A class's signature and constraints do
    not change, so each class (looked up in its own ``__dict__``, so that a
    subclass reads its own) keeps its names, and the parameter sets that
    passed validation when all their values are strings, numbers, booleans
    or None: the same values pass again. Any other value (an object, a
    dict, an array) is validated on every fit, and a set that fails is
    never remembered, so the error is raised as before.
    """

    @classmethod
    def _get_param_names(cls):
        names = cls.__dict__.get("_param_names")
        if names is None:
            names = super()._get_param_names()
            cls._param_names = names
        return list(names)

    def _validate_params(self):
        cls = type(self)
        params = self.get_params(deep=False)
        values = tuple(params.values())
        if not all(type(v) in _IMMUTABLE for v in values):
            return super()._validate_params()
        key = tuple(map(type, values)) + values
        passed = cls.__dict__.get("_validated")
        if passed is None:
            passed = cls._validated = set()
        if key not in passed:
            super()._validate_params()
            if len(passed) >= _MAX_REMEMBERED:
                passed.clear()
            passed.add(key)
        return None
