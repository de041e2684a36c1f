"""The work folder of one video job: finished segments plus a small state file.

How resume works, and why it gives the same file as an uninterrupted run:

* Every run, interrupted or not, encodes the selected frames in fixed segments of
  ``segment_frames`` frames, each a self-contained file starting with a keyframe, in a hidden
  folder beside the output (``.NAME.cnaps-work/``). Segment boundaries depend only on frame
  numbers, never on timing, so they fall in the same places in every run.
* A segment counts only once it is flushed, closed and renamed to its final name; the state file
  (``state.json``, rewritten atomically) then lists it with the timestamp of its last frame.
* The final file is assembled from the segments' packets. A resumed run decodes from the first
  frame after the last finished segment, restores and encodes the rest, and assembles the same
  way: with a deterministic model (the CPU; cuDNN on a GPU need not repeat its arithmetic bit for
  bit) the output is identical, byte for byte, on the same computer.
  Two things stood in the way and are handled where they arise: muxers that write a random id or
  the date (every file is opened with ``fflags=+bitexact``, ``encode.BITEXACT``), and x264's
  AVX-512 code, whose bits depended on leftover memory (``x264_cpu``). The kill -9 tests in
  tests/test_issue16_gaps.py and tests/engine/test_video_resume.py compare the bytes.
* The state file carries a key of everything that shapes the result (input file identity, model,
  codec settings, frame range). A run whose key differs starts over instead of mixing results.

An interruption loses at most the frames of the unfinished segment.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_STATE_VERSION = 1


@dataclass(frozen=True)
class SegmentRecord:
    """One finished segment."""

    number: int
    first_frame: int
    """Index of its first frame among the selected frames."""
    frames: int
    last_pts: int
    """Presentation timestamp of its last frame, in the input stream's time base."""
    file: str
    width: int
    """Size of the restored frames (before any padding for the encoder)."""
    height: int


def work_folder_for(output_path: Path) -> Path:
    return output_path.with_name(f".{output_path.name}.cnaps-work")


class WorkFolder:
    """Finished segments of one job and the state that says which they are."""

    def __init__(self, path: Path, key: dict[str, Any], segments: list[SegmentRecord]) -> None:
        self.path = path
        self.key = key
        self.segments = segments

    @classmethod
    def open(cls, output_path: Path, key: dict[str, Any], resume: bool) -> WorkFolder:
        """The work folder for ``output_path``: its finished segments when ``resume`` is asked
        and the earlier run had the same key, otherwise a fresh, empty one."""
        path = work_folder_for(output_path)
        segments = _read_segments(path, key) if resume else None
        if segments is None:
            shutil.rmtree(path, ignore_errors=True)
            segments = []
        path.mkdir(parents=True, exist_ok=True)
        folder = cls(path, key, segments)
        folder._write_state()
        return folder

    @property
    def frames_done(self) -> int:
        return sum(s.frames for s in self.segments)

    @property
    def last_pts(self) -> int | None:
        return self.segments[-1].last_pts if self.segments else None

    def segment_paths(self) -> list[Path]:
        return [self.path / s.file for s in self.segments]

    def add(self, record: SegmentRecord) -> None:
        self.segments.append(record)
        self._write_state()

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _write_state(self) -> None:
        state = {
            "version": _STATE_VERSION,
            "key": self.key,
            "segments": [asdict(s) for s in self.segments],
        }
        temporary = self.path / "state.json.tmp"
        temporary.write_text(json.dumps(state, indent=1), encoding="utf-8")
        temporary.replace(self.path / "state.json")


def _read_segments(path: Path, key: dict[str, Any]) -> list[SegmentRecord] | None:
    """The finished segments listed in ``path/state.json`` if it belongs to the same job and
    every listed file is there; None otherwise."""
    try:
        state = json.loads((path / "state.json").read_text(encoding="utf-8"))
        if state.get("version") != _STATE_VERSION or state.get("key") != key:
            return None
        segments = [SegmentRecord(**item) for item in state["segments"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    expected_first = 0
    for number, segment in enumerate(segments):
        if segment.number != number or segment.first_frame != expected_first:
            return None
        if not (path / segment.file).is_file():
            return None
        expected_first += segment.frames
    return segments
