"""Colours with at least 3:1 contrast against white (WCAG 2.2 non-text contrast), from the
Okabe-Ito set that stays distinct for the common colour-vision deficiencies, and a neutral
grey. Every chart also labels its series in a legend and has a data table."""

NEGATIVE = "#D55E00"  # vermillion, 3.6:1
NEUTRAL = "#6B6B6B"  # grey, 5.3:1
POSITIVE = "#0072B2"  # blue, 5.0:1
THIS_WEEK = "#0072B2"
LAST_WEEK = "#6B6B6B"
OWN_PAGE = "#0072B2"
MENTION = "#D55E00"
TEXT = "#1A1A1A"
FONT = "DejaVu Sans"
