"""The Qt-free restoration engine: models, checkpoints, images, video, training.

Nothing in this package imports PySide6 or qasync (import-linter checks it).
"""
