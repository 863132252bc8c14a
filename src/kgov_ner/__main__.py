"""Entry point for ``python -m kgov_ner``."""

from kgov_ner.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
