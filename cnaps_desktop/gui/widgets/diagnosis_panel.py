"""The top of the side pane: what the photo on screen needs, and what was measured to say so.

Shown as soon as a photo opens, before any model runs. The verdict sentence comes from the engine
(engine/diagnosis); the measured facts are put in plain words by gui/diagnosis_words.py.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from cnaps_desktop.gui.diagnosis_facts import DiagnosisFacts
from cnaps_desktop.gui.diagnosis_words import fact_rows, needs_text

TITLE = "What this photo needs"
EMPTY_TEXT = "Open a photo to see what it needs before any model runs."


class DiagnosisPanel(QFrame):
    """States: empty, measuring (:meth:`show_pending`), a diagnosis, or a failure sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(TITLE)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.title = QLabel(TITLE)
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title.setFont(title_font)
        self._note = ""
        self.needs = _wrapping_label("Verdict")
        self.facts = QFormLayout()
        self.facts.setContentsMargins(0, 4, 0, 0)
        self.facts.setHorizontalSpacing(10)
        self.facts.setVerticalSpacing(2)
        self.facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note = _wrapping_label("Size note")
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter, theme-aware
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.needs)
        layout.addLayout(self.facts)
        layout.addWidget(self.note)
        self.clear()

    # ------------------------------------------------------------------ states
    def clear(self) -> None:
        self._show(EMPTY_TEXT, [], None)

    def show_pending(self, name: str) -> None:
        """While the diagnosis runs (it takes under a second)."""
        self._show(f"Looking at {name}...", [], None)

    def show_failed(self, sentence: str) -> None:
        """The photo could not be diagnosed: ``sentence`` says why (one plain sentence)."""
        self._show(sentence, [], None)

    def show_diagnosis(self, diagnosis: DiagnosisFacts) -> None:
        self._show(needs_text(diagnosis), fact_rows(diagnosis), diagnosis.size_note)

    # ------------------------------------------------------------------ reading back
    def needs_line(self) -> str:
        return self.needs.text()

    def fact_texts(self) -> list[tuple[str, str]]:
        """The (label, value) rows shown, in order."""
        rows = []
        for row in range(self.facts.rowCount()):
            label = self.facts.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            value = self.facts.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            rows.append((label.text().removesuffix(":"), value.text()))
        return rows

    def note_text(self) -> str:
        """The size note as plain text; "" when there is none."""
        return self._note

    def _show(self, needs: str, rows: list[tuple[str, str]], note: str | None) -> None:
        self.needs.setText(needs)
        while self.facts.rowCount():
            self.facts.removeRow(0)
        for label, value in rows:
            name = QLabel(f"{label}:")
            name.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            shown = _wrapping_label(label)
            shown.setText(value)
            self.facts.addRow(name, shown)
        # The engine's note names a command in `backticks`: show it as code, not as backticks.
        self._note = note or ""
        self.note.setText(_code_spans(self._note))
        self.note.setVisible(bool(note))


def _wrapping_label(accessible_name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(accessible_name)
    return label


def _code_spans(text: str) -> str:
    """Rich text of ``text`` with each `span` in a monospace font."""
    pieces = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))
