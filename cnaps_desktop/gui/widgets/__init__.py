"""The window's widgets: each draws one thing and asks the session for the rest."""
