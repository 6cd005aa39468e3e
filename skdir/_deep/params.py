"""DeepRegressor's parameters: their checks, and how they reach skorch.

A mixin for :class:`skdir.estimators.DeepRegressor`. The estimator's own
parameters are checked at every fit and ``initialize()`` (its
``_skdir_constraints``, then what constraints cannot say). On skorch's own
routing: prefixed parameters (``fds__*``, ``module__*``) are stored by
skorch, and those read afresh at every fit are registered as skorch virtual
parameters, so that setting them on a fitted net is a plain assignment.
"""

from numbers import Integral

from torch import nn

from .._sklearn import validate_parameter_constraints

__all__ = ["ParamsMixin"]

# Read afresh by every fit and predict: on a fitted net, setting them is a
# plain assignment (skorch would otherwise look for a component to rebuild).
_PLAIN_AFTER_INIT = ["fds", "fds__*", "iterator_train", "iterator_train__*",
                     "iterator_valid", "iterator_valid__*", "dataset", "dataset__*"]


def _is_module_spec(value):
    return value is None or isinstance(value, nn.Module) or callable(value)


class ParamsMixin:
    """Parameter checks, ``set_params``, skorch's virtual parameters, the parameter names."""

    def _check_own_params(self):
        """Check the parameters (at every fit and ``initialize()``)."""
        name = type(self).__name__
        validate_parameter_constraints(
            self._skdir_constraints,
            {key: getattr(self, key) for key in self._skdir_constraints},
            caller_name=name,
        )
        if not _is_module_spec(self.module):
            raise ValueError(
                f"module must be None, a torch.nn.Module class or instance, or a callable "
                f"returning one; got {self.module!r}."
            )
        sizes = self.hidden_sizes
        if not all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1
                   for s in sizes):
            raise ValueError(
                f"hidden_sizes must be a tuple of ints >= 1; got {sizes!r}."
            )
        bad = [r for r in (self.regularizers or []) if not isinstance(r, nn.Module)]
        if bad:
            raise ValueError(
                "regularizers must be a list of torch modules (skdir.regularizers."
                f"Regularizer, e.g. ConR()); got a {type(bad[0]).__name__}: {bad[0]!r}."
            )
        self._check_fds()
        if self.criterion is not None:
            raise ValueError(
                f"{name} chooses its loss with loss=...; leave criterion=None "
                "(loss parameters go in criterion__<name>)."
            )

    def initialize_virtual_params(self):
        """skorch's virtual parameters, plus those read afresh at every fit."""
        super().initialize_virtual_params()
        self._register_virtual_param(_PLAIN_AFTER_INIT)
        return self

    def set_params(self, **params):
        """Set parameters (skorch's rules).

        Before the network is initialised, ``callbacks`` is stored as given
        and built by :meth:`initialize`, so that, as scikit-learn asks of
        ``set_params``, a bad value fails at ``fit``, not here. Parts that
        skorch re-initialises go to the resolved ``device``.

        Returns
        -------
        self : DeepRegressor
            This estimator.
        """
        if not self.initialized_:
            if "callbacks" in params:
                self.callbacks = params.pop("callbacks")
            return super().set_params(**params) if params else self
        if "device" in params:
            super().set_params(device=params.pop("device"))
        with self._runtime():  # skorch may re-initialise parts on the device
            return super().set_params(**params)

    def _get_param_names(self):
        # skorch lists every public attribute; its private bookkeeping
        # (_params_to_validate) is rebuilt from the parameters on clone.
        return [k for k in super()._get_param_names() if not k.startswith("_")]
