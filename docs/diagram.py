"""The parts of Leerstroom and the imports allowed between them, drawn from the import contracts in pyproject.toml.

    python docs/diagram.py            prints the Mermaid diagram
    python docs/diagram.py --write    puts it into docs/architecture.md, between the two markers there
    python docs/diagram.py --check    exits 1 when docs/architecture.md does not show what the contracts say

The diagram is drawn from the contracts alone, so it shows what `lint-imports` enforces: an arrow
for each part that a `protected` contract lets import another, a dashed arrow for each import of a
part's public interface that a contract lets through, and a note on the cycle contract.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHITECTURE = REPO / "docs" / "architecture.md"
BEGIN = "<!-- diagram: drawn by docs/diagram.py from the import contracts in pyproject.toml; do not edit -->"
END = "<!-- end of diagram -->"
FOUNDATION = "leerstroom"


def contracts(pyproject: Path = REPO / "pyproject.toml") -> list[dict]:
    return tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]


def _node(module: str) -> str:
    return module.replace(".", "_")


def _label(module: str) -> str:
    return {FOUNDATION: "leerstroom (foundation)", "leerstroom.cli": "leerstroom.cli (command line)"}.get(
        module, module
    )


def mermaid(found: list[dict]) -> str:
    """The contracts as a Mermaid flowchart: who may import whom."""
    protected = [c for c in found if c["type"] == "protected"]
    parts = [module for c in protected for module in c["protected_modules"]]
    lines = ["```mermaid", "flowchart TD"]
    for module in [*parts, FOUNDATION]:
        lines.append(f'    {_node(module)}["{_label(module)}"]')
    arrows: list[str] = []
    for contract in protected:
        for module in contract["protected_modules"]:
            for importer in contract["allowed_importers"]:
                if importer != module and not module.startswith(importer + "."):
                    arrows.append(f"    {_node(importer)} --> {_node(module)}")
            for rule in contract.get("ignore_imports", []):
                importer, imported = (side.strip() for side in rule.split("->"))
                arrows.append(f'    {_node(importer.split(".")[0])} -. "{imported}" .-> {_node(module)}')
    # The foundation is imported by everything and protected by nothing: every part may stand on it.
    arrows += [f"    {_node(module)} --> {_node(FOUNDATION)}" for module in parts]
    lines += sorted(set(arrows), key=arrows.index)
    for contract in found:
        if contract["type"] == "acyclic_siblings":
            ancestors = ", ".join(sorted(contract["ancestors"]))
            lines.append(f'    note_acyclic["no import cycles inside {ancestors}"]')
    lines.append("```")
    return "\n".join(lines)


def in_document(text: str) -> str | None:
    if BEGIN not in text or END not in text:
        return None
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main(argv: list[str]) -> int:
    drawn = mermaid(contracts())
    if "--check" in argv:
        shown = in_document(ARCHITECTURE.read_text())
        if shown != drawn:
            print(
                f"{ARCHITECTURE.relative_to(REPO)} does not show the import contracts of pyproject.toml: "
                "run `python docs/diagram.py --write`",
                file=sys.stderr,
            )
            return 1
        return 0
    if "--write" in argv:
        text = ARCHITECTURE.read_text()
        if in_document(text) is None:
            print(f"{ARCHITECTURE.relative_to(REPO)} lacks the markers {BEGIN!r} and {END!r}", file=sys.stderr)
            return 1
        head, rest = text.split(BEGIN, 1)
        ARCHITECTURE.write_text(f"{head}{BEGIN}\n{drawn}\n{END}{rest.split(END, 1)[1]}")
        return 0
    print(drawn)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
