"""The naskah version, in a module of its own so any module can import it without
importing the package's public API (and so without importing back up)."""

__version__ = "0.1.0"
