"""The packaged docxtpl templates, one per document type (built by tools/build_templates.py)."""
