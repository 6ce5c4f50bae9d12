"""Vega-Lite to SVG with vl-convert (its own bundled Vega engine: no browser, no network)."""

from __future__ import annotations

import base64
import json
from typing import Any

import vl_convert as vlc


def to_svg(spec: dict[str, Any]) -> str:
    svg: str = vlc.vegalite_to_svg(json.loads(json.dumps(spec)), vl_version="5.20")
    return svg


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
