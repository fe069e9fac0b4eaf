"""A deterministic demo organisation: employees, a roster, and the xAPI statements their learning tools send."""

from ingest.generator.organisation import Employee, build_organisation
from ingest.generator.statements import generate_statements

__all__ = ["Employee", "build_organisation", "generate_statements"]
