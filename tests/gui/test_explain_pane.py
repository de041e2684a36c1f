"""The side pane: every paper and tool link, the honest task text, and this run's facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from cnaps_desktop.engine.models.catalog import load_catalog
from cnaps_desktop.gui.screen_model import ScreenFacts
from cnaps_desktop.gui.widgets.explain_pane import (
    RELATED_ANCHOR,
    RELATED_HEADING,
    ExplainPane,
    read_links,
)
from tests.gui.conftest import model_info

RELATED_PAPERS = (
    "2502.16025",
    "2406.20085",
    "2406.17749",
    "2412.16839",
    "2404.18949",
    "2308.15462",
    "2304.05538",
    "2412.15677",
    "2502.17093",
    "2309.04502",
)
RELATED_CODE = (
    "github.com/xtotodilex/deep-learning-model-optimization",
    "github.com/hnu-vis/datacrafter",
    "github.com/vgcq/easier",
    "github.com/ytian73/aigi-vc",
)


def pane(qtbot: Any) -> ExplainPane:
    widget = ExplainPane(load_catalog())
    qtbot.addWidget(widget)
    return widget


def test_every_paper_and_tool_is_a_link_with_one_line(qtbot: Any) -> None:
    widget = pane(qtbot)
    widget.set_related_open(True)
    urls = widget.link_urls()
    assert "https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf" in urls
    assert "https://github.com/kky7/MSSNet" in urls
    for number in RELATED_PAPERS:
        assert f"https://arxiv.org/abs/{number}" in urls, number
    for code in RELATED_CODE:
        assert f"https://{code}" in urls, code
    links = read_links()["link"]
    assert links[0]["url"].endswith("MSSNet.pdf")  # the model first
    for item in links:
        relation = item["relation"]
        assert relation and "\n" not in relation and relation.endswith(".")
        assert relation in widget.toPlainText()


def test_show_section_scrolls_to_the_papers(qtbot: Any) -> None:
    widget = pane(qtbot)
    widget.resize(300, 400)
    widget.show()
    assert widget.show_section("Papers and code")
    assert widget.verticalScrollBar().value() > 0
    assert not widget.show_section("No such heading")


def test_the_task_is_said_honestly_before_anything_is_loaded(qtbot: Any) -> None:
    text = pane(qtbot).toPlainText()
    assert "same resolution" in text
    assert "does not upscale" in text
    assert "crisp at 8x" in text
    assert "coarse to fine" in text
    for entry in load_catalog():
        assert entry.name in text


def test_the_run_facts_are_shown(qtbot: Any) -> None:
    widget = pane(qtbot)
    facts = ScreenFacts(
        input_path=Path("/photos/IMG_0412.jpg"),
        input_size=(4032, 3024),
        input_kind="RGB, 8-bit",
        checkpoint="Tiny-GoPro",
        model=model_info("Tiny-GoPro"),
        device="CPU (2 threads)",
        precision="fp32",
        tiles=12,
        tile_size=512,
        seconds=83.25,
        output_size=(4032, 3024),
        output_path=Path("/photos/IMG_0412_restored.jpg"),
        state="restored and saved",
    )
    widget.show_facts(facts)
    text = widget.toPlainText()
    for expected in (
        "IMG_0412.jpg",
        "4,032 x 3,024 px (12.2 MP), RGB, 8-bit",
        "Tiny-GoPro",
        "MSSNet (wf=4, scale=3, vscale=5)",
        "0.1 million (123,456)",
        "GoPro test pairs",
        "CPU (2 threads)",
        "fp32",
        "12 tiles (512 px)",
        "83.2 s",
        "(same as the input)",
        "/photos/IMG_0412_restored.jpg",
    ):
        assert expected in text, expected


def test_an_upscaler_is_named_as_one(qtbot: Any) -> None:
    from dataclasses import replace

    widget = pane(qtbot)
    upscaler = replace(
        model_info("4x-Upscaler"), architecture="ESRGAN", task="super-resolution", scale=4
    )
    widget.show_facts(ScreenFacts(input_path=Path("a.png"), input_size=(10, 10), model=upscaler))
    text = widget.toPlainText()
    assert "4x larger" in text and "super-resolution" in text


def test_mssnet_comes_first_and_the_related_reading_is_folded(qtbot: Any) -> None:
    widget = pane(qtbot)
    assert not widget.related_open()
    urls = widget.link_urls()
    papers = urls.index("https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf")
    assert urls[papers + 1] == "https://github.com/kky7/MSSNet"  # the paper, then its code
    assert not [u for u in urls if "arxiv.org" in u]  # folded: none of the related papers
    text = widget.toPlainText()
    assert RELATED_HEADING in text
    assert f"Show {len(RELATED_PAPERS)} papers on neighbouring problems" in text
    assert text.index("MSSNet: Multi-Scale-Stage Network") < text.index(RELATED_HEADING)
    assert text.index(RELATED_HEADING) < text.index("spandrel")  # tools after the fold
    used = [item for item in read_links()["link"] if item.get("used")]
    assert [item["url"] for item in used] == ["https://cg.postech.ac.kr/Research/MSSNet/MSSNet.pdf"]


def test_the_fold_link_opens_and_closes_the_related_reading(qtbot: Any) -> None:
    widget = pane(qtbot)
    widget.resize(320, 400)
    widget.show()
    assert f"#{RELATED_ANCHOR}" in widget.link_urls()
    widget.anchorClicked.emit(QUrl(f"#{RELATED_ANCHOR}"))  # as a click on the link does
    assert widget.related_open()
    assert "https://arxiv.org/abs/2502.16025" in widget.link_urls()
    assert "none of them is part of this app" in widget.toPlainText()
    widget.show_facts(None)  # new facts keep it open
    assert "https://arxiv.org/abs/2502.16025" in widget.link_urls()
    widget.anchorClicked.emit(QUrl(f"#{RELATED_ANCHOR}"))
    assert not widget.related_open()
    assert "https://arxiv.org/abs/2502.16025" not in widget.link_urls()


class _Browser(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_web_links_open_in_the_system_browser(qtbot: Any) -> None:
    widget = pane(qtbot)
    browser = _Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        widget.anchorClicked.emit(QUrl("https://github.com/kky7/MSSNet"))
        widget.anchorClicked.emit(QUrl(f"#{RELATED_ANCHOR}"))  # stays in the pane
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert browser.opened == ["https://github.com/kky7/MSSNet"]
    assert widget.related_open()
