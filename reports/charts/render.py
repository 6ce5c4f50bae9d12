"""Vega-Lite to SVG with vl-convert (its own bundled Vega engine: no browser, no network)."""

from __future__ import annotations

import base64
import json
from typing import Any

import vl_convert as vlc

from dashboards.vega import VEGA_LITE_VERSION


def to_svg(spec: dict[str, Any]) -> str:
    """The drawing as SVG, by the Vega-Lite version the dashboards draw with."""
    svg: str = vlc.vegalite_to_svg(json.loads(json.dumps(spec)), vl_version=VEGA_LITE_VERSION)
    return svg


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
