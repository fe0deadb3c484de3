"""Fixtures the CLI tests ask for by name: pytest finds them here, so no test module imports (and shadows) them."""
from cli_helpers import read_only_folder

__all__ = ["read_only_folder"]
