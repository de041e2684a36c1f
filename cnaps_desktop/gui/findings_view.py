"""Where the window shows what :class:`~cnaps_desktop.gui.findings.Findings` learns.

- What the photo needs: the diagnosis panel at the top of the side pane and the one-line badge on
  the "before" side.
- What the selected checkpoint is: the first-version notice under the toolbar while it applies.
- What the model changed: the heat map over the "after" side while "Show changes" (D) is on, the
  legend beside the button, and the "What changed" line in the run facts.
"""

from __future__ import annotations

from cnaps_desktop.gui.diagnosis_facts import CheckpointFacts, DiagnosisFacts
from cnaps_desktop.gui.findings import Findings
from cnaps_desktop.gui.services import ChangeView
from cnaps_desktop.gui.widgets.change_legend import ChangeControls
from cnaps_desktop.gui.widgets.compare_view import CompareView
from cnaps_desktop.gui.widgets.diagnosis_panel import DiagnosisPanel
from cnaps_desktop.gui.widgets.display_image import DisplayImage
from cnaps_desktop.gui.widgets.explain_pane import ExplainPane
from cnaps_desktop.gui.widgets.first_version_notice import FirstVersionNotice


def show_findings(
    findings: Findings,
    panel: DiagnosisPanel,
    compare: CompareView,
    notice: FirstVersionNotice,
    changes: ChangeControls,
    explain: ExplainPane,
) -> None:
    """Connect ``findings`` to the widgets that show them."""
    badge = compare.badge

    def diagnosed(found: DiagnosisFacts, task: CheckpointFacts) -> None:
        panel.show_diagnosis(found)
        badge.show_diagnosis(found, task)

    def pending(name: str) -> None:
        panel.show_pending(name)
        badge.clear()

    def failed(sentence: str) -> None:
        panel.show_failed(sentence)
        badge.clear()

    def task_known(task: CheckpointFacts) -> None:
        notice.show_for(task.first_version, task.name)

    def change_known(view: ChangeView | None) -> None:
        if view is None:
            compare.set_overlay(None)
            changes.clear()
            return
        compare.set_overlay(DisplayImage.from_levels(view.overlay_levels))
        changes.set_change(view.legend, view.sentence, view.almost_nothing)

    findings.diagnosing.connect(pending)
    findings.diagnosed.connect(diagnosed)
    findings.diagnosis_failed.connect(failed)
    findings.task_known.connect(task_known)
    findings.change_known.connect(change_known)
    findings.facts_changed.connect(explain.show_facts)
    changes.toggled.connect(compare.set_overlay_visible)
