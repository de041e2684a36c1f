"""The person's choices, kept between runs in QSettings, behind typed properties."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


class SettingsStore:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings if settings is not None else QSettings()

    # ------------------------------------------------------------------ plain values
    def _text(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return str(value) if value is not None else default

    @property
    def checkpoint(self) -> str:
        return self._text("run/checkpoint", "default")

    @checkpoint.setter
    def checkpoint(self, name: str) -> None:
        self._s.setValue("run/checkpoint", name)

    @property
    def device(self) -> str:
        return self._text("run/device", "auto")

    @device.setter
    def device(self, name: str) -> None:
        self._s.setValue("run/device", name)

    @property
    def precision(self) -> str:
        return self._text("run/precision", "auto")

    @precision.setter
    def precision(self, name: str) -> None:
        self._s.setValue("run/precision", name)

    @property
    def tile(self) -> int | None:
        """Tile edge in pixels, or None for automatic (from the memory budget)."""
        value = self._text("run/tile", "")
        return int(value) if value.isdigit() and int(value) > 0 else None

    @tile.setter
    def tile(self, size: int | None) -> None:
        self._s.setValue("run/tile", "" if size is None else str(size))

    @property
    def output_dir(self) -> Path | None:
        value = self._text("save/output_dir")
        return Path(value) if value else None

    @output_dir.setter
    def output_dir(self, folder: Path | None) -> None:
        self._s.setValue("save/output_dir", "" if folder is None else str(folder))

    @property
    def output_format(self) -> str | None:
        """None keeps each input's format."""
        return self._text("save/format") or None

    @output_format.setter
    def output_format(self, name: str | None) -> None:
        self._s.setValue("save/format", name or "")

    @property
    def explain_visible(self) -> bool:
        return self._text("window/explain", "true") == "true"

    @explain_visible.setter
    def explain_visible(self, on: bool) -> None:
        self._s.setValue("window/explain", "true" if on else "false")

    # ------------------------------------------------------------------ recent files
    @property
    def recent_files(self) -> list[Path]:
        value = self._s.value("files/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [Path(str(item)) for item in items if item]

    def add_recent(self, paths: list[Path]) -> None:
        merged = [str(p) for p in paths]
        merged += [str(p) for p in self.recent_files if str(p) not in merged]
        self._s.setValue("files/recent", merged[:MAX_RECENT])

    # ------------------------------------------------------------------ window layout
    def save_layout(self, name: str, state: QByteArray) -> None:
        self._s.setValue(f"window/{name}", state)

    def layout(self, name: str) -> QByteArray | None:
        value = self._s.value(f"window/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def sync(self) -> None:
        self._s.sync()
