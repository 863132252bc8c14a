"""The ``kgov-ner`` command line: one module per command."""
