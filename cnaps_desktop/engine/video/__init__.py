"""Videos, restored frame by frame with their sound, timing and metadata kept.

``restore`` runs a whole video; ``probe`` reads what a video holds; ``options`` says what to
do; ``pipeline``, ``batch``, ``encode``, ``assemble``, ``resume`` and ``progress`` are its parts.
"""
