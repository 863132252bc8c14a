"""Award records: the table "which government won what" from tagged Docs.

:mod:`.extract` turns a Doc into rows, :mod:`.table` writes and reads them
(CSV, JSON lines), :mod:`.score` scores rows against a gold table.
``kgov-ner records`` is :mod:`kgov_ner.cli.records`.
"""
