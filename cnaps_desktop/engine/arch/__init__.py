"""Network architectures we implement ourselves, and their registration with spandrel."""
