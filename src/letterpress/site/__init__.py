"""The site adapter: the only package that imports MkDocs.

``loader`` reads ``mkdocs.yml`` with MkDocs' own YAML loader (so ``!ENV`` and
``!relative`` keep working); ``plugin`` wires the build's events to the
writers, which are plain functions over the Essay model.
"""
