"""Training: the estimators behind the pipeline's learned layers, and retraining.

:mod:`.crf` is the sequence model (and saving it), :mod:`.body` the body
detector, :mod:`.synth` template training sentences, :mod:`.train` the one
retraining function the CLI and the notebook call.  Everything here may
import scikit-learn; the pipeline, which tags, never imports this package.
"""
