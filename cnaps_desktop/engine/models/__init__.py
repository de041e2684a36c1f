"""Checkpoints and what is known about them: safe reading, architecture detection, loading,
the catalog of named models, the per-user model store, its manifest, downloads and archives."""
