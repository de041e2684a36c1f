"""The Qt window: widgets and adapters only; the work happens in the engine."""
