"""The GUI process: the only importer of ``gui/``.

``main`` opens the window, ``engine_services`` gives the window the engine's work behind the
``gui.services`` protocols, ``self_test`` checks an installation, and ``system_libraries`` names
the system packages Qt's window needs before Qt loads.
"""
