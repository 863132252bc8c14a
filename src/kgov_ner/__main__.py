"""Entry point for ``python -m kgov_ner``."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
