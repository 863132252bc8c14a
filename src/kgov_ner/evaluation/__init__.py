"""Evaluation: how well the tagger does on gold data.

:mod:`.gold` reads gold files, :mod:`.scorer` scores predicted against gold
entities (pure functions over ``(start, end, label)``), :mod:`.predict`
tags the gold texts, :mod:`.cv` cross-validates (it may run training; training
never imports evaluation), :mod:`.report` prints.  ``kgov-ner eval`` is
:mod:`kgov_ner.cli.eval`.
"""
