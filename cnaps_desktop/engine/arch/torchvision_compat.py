"""Let spandrel import when the installed torchvision's compiled ops do not match torch.

spandrel imports torchvision for two pure-Python helpers (an image normalise and a rotate). A
torchvision wheel built for another torch (for example PyPI's CUDA torchvision beside the CPU-only
torch wheel) cannot load its compiled operators, and its import then stops at the line that
registers a shape function for ``torchvision::nms``. Defining the two operator *schemas* (no
kernels) lets that import finish. Calling those operators still fails loudly; no image model
we load uses them. When torchvision works, this module changes nothing.
"""

from __future__ import annotations

import sys

import torch

_MISSING_OPERATOR_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_library: torch.library.Library | None = None


def import_torchvision() -> None:
    """Import torchvision, defining its missing operator schemas first if its ops failed to load."""
    global _library
    try:
        import torchvision
    except RuntimeError:
        # Forget the half-imported package, declare the schemas, import again.
        for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
            del sys.modules[name]
        if _library is None:
            _library = torch.library.Library("torchvision", "DEF")
            for schema in _MISSING_OPERATOR_SCHEMAS:
                _library.define(schema)
        import torchvision  # noqa: F401
