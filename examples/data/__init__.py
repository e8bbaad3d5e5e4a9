"""Example data, shipped inside the package as ``naskah.contoh`` (see pyproject.toml)."""
