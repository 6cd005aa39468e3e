"""How DeepRegressor's parameters reach skorch: plain after a fit, callbacks at fit.

A mixin for :class:`skdir.estimators.DeepRegressor`, on skorch's own
routing: prefixed parameters (``fds__*``, ``module__*``) are stored by
skorch, and those read afresh at every fit are registered as skorch virtual
parameters, so that setting them on a fitted net is a plain assignment.
"""

__all__ = ["ParamsMixin"]

# Read afresh by every fit and predict: on a fitted net, setting them is a
# plain assignment (skorch would otherwise look for a component to rebuild).
_PLAIN_AFTER_INIT = ["fds", "fds__*", "iterator_train", "iterator_train__*",
                     "iterator_valid", "iterator_valid__*", "dataset", "dataset__*"]


class ParamsMixin:
    """``set_params``, skorch's virtual parameters, and the parameter names."""

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
