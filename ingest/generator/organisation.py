"""The demo organisation: departments, teams, managers, hires and (voluntary) leavers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

DEPARTMENTS = {
    "Engineering": ["Platform", "Mobile", "Data"],
    "Sales": ["Benelux", "DACH"],
    "Customer Success": ["Onboarding", "Support"],
    "Finance": ["Control"],
    "People": ["Talent"],
}
LOCATIONS = ["Amsterdam", "Utrecht", "Rotterdam", "Remote"]
ROLES = {"Engineering": "Engineer", "Sales": "Account executive", "Customer Success": "Specialist",
         "Finance": "Analyst", "People": "HR partner"}
FIRST = ["Anna", "Bram", "Chloe", "Daan", "Eva", "Finn", "Guus", "Hanna", "Isa", "Jens", "Julia", "Lars",
         "Lotte", "Milan", "Noor", "Olaf", "Pien", "Quinten", "Roos", "Sem", "Tess", "Uma", "Vera", "Wout",
         "Yara", "Zoë", "Ayoub", "Fatima", "Mehmet", "Priya"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
        "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "Kaya"]
DOMAIN = "leerstroom-demo.example"


@dataclass(frozen=True)
class Employee:
    employee_id: str
    name: str
    email: str
    lms_account: str
    department: str
    team: str
    manager_id: str | None
    job_role: str
    location: str
    hire_date: date
    termination_date: date | None
    exit_voluntary: bool | None
    is_manager: bool
    engagement: float  # the generator's hidden propensity to learn, 0..1

    @property
    def mbox(self) -> str:
        return f"mailto:{self.email}"


def _slug(name: str) -> str:
    return name.lower().replace(" ", "").replace("ë", "e")


def build_organisation(employees: int, months: int, seed: int, end: date) -> list[Employee]:
    """`employees` people, with a manager per team, hires spread over the years before `end`.

    About one in eight leaves voluntarily inside the window; their `termination_date`
    lies in the window so the statements can fade before it.
    """
    rng = random.Random(seed)
    start = end - timedelta(days=30 * months)
    teams = [(dept, team) for dept, names in DEPARTMENTS.items() for team in names]
    people: list[Employee] = []
    managers: dict[tuple[str, str], str] = {}
    for i in range(employees):
        dept, team = teams[i % len(teams)] if i < len(teams) else rng.choice(teams)
        is_manager = (dept, team) not in managers
        employee_id = f"E{i + 1:05d}"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{_slug(first)}.{_slug(last)}.{i + 1}@{DOMAIN}"
        hire = end - timedelta(days=rng.randint(60, 365 * 8))
        leaves = not is_manager and rng.random() < 0.12
        termination = start + timedelta(days=rng.randint(45, max(46, 30 * months))) if leaves else None
        if termination is not None and termination > end:
            termination = None
        people.append(Employee(
            employee_id=employee_id,
            name=f"{first} {last}",
            email=email,
            lms_account=f"u{i + 1:05d}",
            department=dept,
            team=team,
            manager_id=None if is_manager else managers[(dept, team)],
            job_role=("Team lead" if is_manager else ROLES[dept]),
            location=rng.choice(LOCATIONS),
            hire_date=hire,
            termination_date=termination,
            exit_voluntary=(rng.random() < 0.85) if termination else None,
            is_manager=is_manager,
            engagement=min(1.0, max(0.05, rng.betavariate(2.2, 2.0))),
        ))
        if is_manager:
            managers[(dept, team)] = employee_id
    return people
