"""The one loaded model, shared by the preview and Restore all.

A model takes hundreds of megabytes to gigabytes, so one is kept at a time: asking for other
settings (checkpoint, device or precision) loads those and lets the previous one go. Loading runs
on the device's worker thread, inside the job that needs the model.
"""

from __future__ import annotations

from collections.abc import Callable

from cnaps_desktop.gui.services import ModelHandle, RunSettings


def device_worker(settings: RunSettings) -> str:
    """The worker that runs models on this device; one at a time per device."""
    return f"device:{settings.device}"


class ModelCache:
    """Loads the model for a run's settings once and hands it to every job that asks."""

    def __init__(self, load: Callable[[RunSettings], ModelHandle]) -> None:
        self._load = load
        self._models: dict[RunSettings, ModelHandle] = {}

    @staticmethod
    def key(settings: RunSettings) -> RunSettings:
        """The settings that decide which model is loaded (not tiling or the output folder)."""
        return RunSettings(settings.checkpoint, settings.device, settings.precision)

    def get(self, settings: RunSettings) -> ModelHandle:
        """The model for ``settings``, loaded now if it is not the one kept; runs on a worker."""
        key = self.key(settings)
        loaded = self._models.get(key)
        if loaded is None:
            loaded = self._load(key)
            self._models = {key: loaded}  # replaced whole: other workers see old or new, never half
        return loaded

    def clear(self) -> None:
        """Forget the kept model (a new checkpoint or device was chosen)."""
        self._models = {}

    def __contains__(self, settings: RunSettings) -> bool:
        return self.key(settings) in self._models
