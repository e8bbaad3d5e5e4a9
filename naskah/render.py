"""Deprecated: rendering moved to :mod:`naskah.docx.renderer`; this alias goes in 0.4.

Importing this module binds it as the attribute ``naskah.render``, where the function
:func:`naskah.render` belongs: the module is therefore callable and renders, so code
calling ``naskah.render(doc)`` keeps working after something imported the old path.
"""

import sys
import types
import warnings
from typing import Any

from naskah.docx.renderer import Renderer, packaged_template, render, save
from naskah.profil import Kertas

warnings.warn("naskah.render (the module) is deprecated: import naskah.docx.renderer "
              "instead", DeprecationWarning, stacklevel=2)


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> bytes:
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["Kertas", "Renderer", "packaged_template", "render", "save"]
