"""The side pane, "What happened": the task, this run's facts, how MSSNet works, papers and code.

Its words live in resources/explain/*.md and resources/links.toml (content, not code); this
module only fills in the facts of what is on screen and renders the Markdown. Links open in the
system browser; the one in-pane link, RELATED_ANCHOR, opens or folds "Related reading (not used
here)", the papers this app does not use (collapsed at first, like an HTML <details>).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from string import Template

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from cnaps_desktop.engine.facts import ModelInfo
from cnaps_desktop.engine.models.catalog import CatalogEntry
from cnaps_desktop.gui.screen_model import ScreenFacts
from cnaps_desktop.resources import resource_path

SECTIONS = ("task", "workflow", "mssnet", "checkpoints", "papers")
RELATED_HEADING = "Related reading (not used here)"
RELATED_ANCHOR = "related-reading"
"""The fragment of the link that opens and folds the related reading (``#related-reading``)."""


def read_content(name: str) -> str:
    return resource_path("explain", f"{name}.md").read_text(encoding="utf-8")


def read_links(path: Path | None = None) -> dict[str, list[dict[str, str | bool]]]:
    with (path or resource_path("links.toml")).open("rb") as handle:
        data = tomllib.load(handle)
    return {"link": data.get("link", []), "tool": data.get("tool", [])}


def facts_table(facts: ScreenFacts) -> str:
    """The input -> model -> output facts as a Markdown table."""
    rows: list[tuple[str, str]] = []
    if facts.input_path is not None:
        rows.append(("Input", f"{facts.input_path.name}"))
    if facts.input_size is not None:
        rows.append(
            ("Input size", f"{_size(facts.input_size)}, {facts.input_kind or 'unknown type'}")
        )
    rows.extend(facts_model_rows(facts))
    rows.append(("Device", facts.device or "chosen when the model loads"))
    rows.append(("Precision", facts.precision or "-"))
    if facts.tiles is not None:
        tile = f"{facts.tile_size} px" if facts.tile_size else "automatic size"
        pieces = "one piece" if facts.tiles <= 1 else f"{facts.tiles} tiles ({tile})"
        rows.append(("Tiles", pieces))
    rows.append(("Time taken", f"{facts.seconds:.1f} s" if facts.seconds is not None else "-"))
    if facts.output_size is not None:
        same = facts.input_size == facts.output_size
        rows.append(
            ("Output size", _size(facts.output_size) + (" (same as the input)" if same else ""))
        )
    if facts.output_path is not None:
        rows.append(("Output file", str(facts.output_path)))
    if facts.change:
        rows.append(("Before vs after", facts.change))
    rows.extend(facts.video_lines)
    if facts.state:
        rows.append(("State", facts.state))
    body = "\n".join(f"| {name} | {_cell(value)} |" for name, value in rows)
    return "| | This picture |\n|---|---|\n" + body


def facts_model_rows(facts: ScreenFacts) -> list[tuple[str, str]]:
    model = facts.model
    if model is None:
        return [("Checkpoint", Path(facts.checkpoint).name if facts.checkpoint else "none chosen")]
    return [
        ("Checkpoint", model.name),
        ("Model", f"{model.architecture}, {model.task}"),
        ("Variant", model.variant),
        ("Parameters", f"{model.parameters / 1e6:.1f} million ({model.parameters:,})"),
        ("Training data", model.training_data or "not known (your own file)"),
    ]


def task_section(model: ModelInfo | None) -> str:
    if model is None or model.task == "deblur":
        return read_content("task")
    scale_sentence = (
        f"It makes the picture **{model.scale}x larger** in each direction, so most output "
        "pixels are new pixels the model draws."
        if model.scale > 1
        else "It keeps the picture's size."
    )
    return Template(read_content("task_other")).safe_substitute(
        task_title=model.task.capitalize(),
        checkpoint=model.name,
        architecture=model.architecture,
        task=model.task,
        scale_sentence=scale_sentence,
    )


def checkpoints_section(entries: list[CatalogEntry]) -> str:
    lines = [
        f"- **{e.name}** ({_variant_name(e)}): {e.suits} *Trained on:* {e.training_data}."
        for e in entries
    ]
    return Template(read_content("checkpoints")).safe_substitute(entries="\n".join(lines))


def papers_section(related_open: bool = False) -> str:
    """The papers this app uses first; the others under a fold, open when ``related_open``."""
    links = read_links()
    used = [_paper_line(item) for item in links["link"] if item.get("used")]
    related = [_paper_line(item) for item in links["link"] if not item.get("used")]
    tools = [f"- [{item['title']}]({item['url']})" for item in links["tool"]]
    return Template(read_content("papers")).safe_substitute(
        papers="\n".join(used), related=related_part(related, related_open), tools="\n".join(tools)
    )


def related_part(lines: list[str], is_open: bool) -> str:
    """The "Related reading (not used here)" heading, its fold link and, when open, its list."""
    if not lines:
        return ""
    if not is_open:
        count = f"{len(lines)} paper" + ("" if len(lines) == 1 else "s")
        toggle = f"[\u25b8 Show {count} on neighbouring problems]"
        return f"### {RELATED_HEADING}\n\n{toggle}(#{RELATED_ANCHOR})"
    toggle = f"[\u25be Hide these papers](#{RELATED_ANCHOR})"
    intro = "; each has one line on how it relates, and none of them is part of this app."
    return f"### {RELATED_HEADING}\n\n{toggle}{intro}\n\n" + "\n".join(lines)


def _paper_line(item: dict[str, str | bool]) -> str:
    code = f" ([code]({item['code']}))" if item.get("code") else ""
    return f"- [{item['title']}]({item['url']}){code}: {item['relation']}"


def pane_markdown(
    facts: ScreenFacts | None, entries: list[CatalogEntry], related_open: bool = False
) -> str:
    """The whole pane: welcome text when nothing is loaded, else the task and this run's facts."""
    parts = []
    if facts is None or facts.input_path is None:
        parts.append(read_content("welcome"))
        parts.append(task_section(facts.model if facts else None))
    else:
        parts.append(Template(read_content("workflow")).safe_substitute(facts=facts_table(facts)))
        parts.append(task_section(facts.model))
    parts.append(read_content("mssnet"))
    parts.append(checkpoints_section(entries))
    parts.append(papers_section(related_open))
    return "\n\n".join(parts)


class ExplainPane(QTextBrowser):
    def __init__(self, entries: list[CatalogEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries = entries
        self._facts: ScreenFacts | None = None
        self._related_open = False
        # Links are followed here: web links in the system browser, the fold link in the pane.
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_link)
        self.setAccessibleName("What happened")
        self.setMinimumWidth(260)
        self.document().setDocumentMargin(12)
        self.show_facts(None)

    def show_facts(self, facts: ScreenFacts | None) -> None:
        self._facts = facts
        scroll = self.verticalScrollBar().value()
        self.setMarkdown(pane_markdown(facts, self._entries, self._related_open))
        self.verticalScrollBar().setValue(scroll)

    def related_open(self) -> bool:
        return self._related_open

    def set_related_open(self, is_open: bool) -> None:
        """Open or fold "Related reading (not used here)", keeping the scroll position."""
        if is_open != self._related_open:
            self._related_open = is_open
            self.show_facts(self._facts)

    def _on_link(self, url: QUrl) -> None:
        if url.isRelative() and url.fragment() == RELATED_ANCHOR:
            self.set_related_open(not self._related_open)
        elif not url.isRelative():
            QDesktopServices.openUrl(url)  # the system browser

    def show_section(self, heading: str) -> bool:
        """Scroll so that ``heading`` (e.g. "Papers and code") is at the top of the pane."""
        document = self.document()
        found = document.find(heading)
        if found.isNull():
            return False
        bar = self.verticalScrollBar()
        top = document.documentLayout().blockBoundingRect(found.block()).top()
        bar.setValue(int(top))
        return True

    def link_urls(self) -> list[str]:
        """Every link the pane shows, in order (for tests and accessibility checks)."""
        return re.findall(r'href="([^"]+)"', self.toHtml())


def _size(size: tuple[int, int]) -> str:
    megapixels = size[0] * size[1] / 1e6
    return f"{size[0]:,} x {size[1]:,} px ({megapixels:.1f} MP)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _variant_name(entry: CatalogEntry) -> str:
    return f"wf={entry.wf}, scale={entry.scale}, vscale={entry.vscale}"
