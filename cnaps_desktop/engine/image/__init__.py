"""Image files: faithful reading and writing (``io``), encoding, metadata, colour spaces, and
the display levels of pixels on screen."""
