"""The Qt-free restoration engine.

- The shared vocabulary, which any engine module may import and which imports none of them:
  ``errors``, ``cancel``, ``options``, ``facts``, ``device``, ``pixels`` (where pixels become
  floats and go back, padding, ``Box``) and ``files`` (atomic writes).
- ``restore`` and ``tiling``: an array in, an array out. ``photo``: a file in, a file out.
- Subpackages, each entered through its ``__init__`` only: ``models`` (checkpoints, catalog,
  store, downloads), ``arch`` (network definitions), ``image`` (file reading, writing and
  display levels), ``video``, ``bench``, ``diagnosis``, ``compare``; and ``training``.

Nothing in this package imports PySide6 or qasync; import-linter checks these rules.
"""
