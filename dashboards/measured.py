"""What the culture figures can and cannot say: "not measured" instead of a 0, and complete periods before "so far"."""

from __future__ import annotations

import pandas as pd

from dashboards import privacy
from dashboards.deep_dives import SUB_SCORES


def with_not_measured(frame: pd.DataFrame, label: str, columns: tuple[str, ...] = (*SUB_SCORES, "lci")) -> pd.DataFrame:
    """A copy for a table or a CSV export where a missing sub-score reads `label`, never an empty cell a reader could
    take for 0. Rows of suppressed units, and figures disclosure control withheld, stay empty: there the number
    exists but may not be shown."""
    shown = frame.copy()
    visible = (
        ~shown["is_suppressed"].fillna(True).astype(bool)
        if "is_suppressed" in shown
        else pd.Series(True, index=shown.index)
    )
    for column in (c for c in columns if c in shown.columns):
        shown[column] = shown[column].astype(object)
        shown.loc[visible & shown[column].isna() & ~withheld(shown, column), column] = label
    return shown


def withheld(frame: pd.DataFrame, column: str) -> pd.Series:
    """Rows whose `column` was emptied by disclosure control (dashboards.privacy): measured, not to be shown."""
    if privacy.WITHHELD not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[privacy.WITHHELD].map(lambda names: isinstance(names, str) and column in names.split(", "))


def complete_and_running(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """(the complete periods, the period still running if any): headlines and changes use the complete ones only."""
    if "is_complete" not in frame.columns or frame.empty:
        return frame, None
    complete = frame[frame["is_complete"].fillna(False).astype(bool)]
    running = frame[~frame["is_complete"].fillna(False).astype(bool)]
    return complete, (running.iloc[-1] if not running.empty else None)
