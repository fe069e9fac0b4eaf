"""The HR roster: read an HRIS export, validate it row by row, and store it in the lake as a new version."""

from ingest.roster.exceptions import RosterError, RosterInvalid, RowProblem
from ingest.roster.importer import ImportSummary, import_roster
from ingest.roster.mapping import Mapping, load_mapping

__all__ = ["ImportSummary", "Mapping", "RosterError", "RosterInvalid", "RowProblem", "import_roster", "load_mapping"]
