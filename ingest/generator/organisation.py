"""The demo organisation: departments, teams, managers, hires, HR attributes and (voluntary) leavers.

Each person has a hidden flight risk. It raises the chance of leaving voluntarily and
nudges satisfaction, overtime and time since promotion, each with much noise. Most
voluntary leavers' learning fades in the months before they go, but not all, and some
people who stay fade too: no single signal gives a leaver away.
"""

from __future__ import annotations

import math
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
# How people spread over departments beyond each team's first member (its manager): People stays small,
# so that a small organisation shows a unit below the privacy threshold.
DEPARTMENT_WEIGHTS = {"Engineering": 3.0, "Sales": 3.0, "Customer Success": 2.0, "Finance": 1.0, "People": 0.4}
LOCATIONS = ["Amsterdam", "Utrecht", "Rotterdam", "Remote"]
ROLES = {
    "Engineering": "Engineer",
    "Sales": "Account executive",
    "Customer Success": "Specialist",
    "Finance": "Analyst",
    "People": "HR partner",
}
FIRST = [
    "Anna",
    "Bram",
    "Chloe",
    "Daan",
    "Eva",
    "Finn",
    "Guus",
    "Hanna",
    "Isa",
    "Jens",
    "Julia",
    "Lars",
    "Lotte",
    "Milan",
    "Noor",
    "Olaf",
    "Pien",
    "Quinten",
    "Roos",
    "Sem",
    "Tess",
    "Uma",
    "Vera",
    "Wout",
    "Yara",
    "Zoë",
    "Ayoub",
    "Fatima",
    "Mehmet",
    "Priya",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "Kaya",
]
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
    satisfaction: float = 3.5  # survey score 1..5
    overtime_hours: float = 0.0  # per month
    last_promotion_date: date | None = None
    leaderboard_opt_in: bool = False
    fade_start: date | None = None  # from here on this person's learning fades

    @property
    def mbox(self) -> str:
        return f"mailto:{self.email}"


def _slug(name: str) -> str:
    return name.lower().replace(" ", "").replace("ë", "e")


def _teams(employees: int) -> list[tuple[str, str]]:
    """The named teams, repeated with a number (Platform 2, …) so that teams keep about ten people."""
    base = [(dept, team) for dept, names in DEPARTMENTS.items() for team in names]
    count = max(len(base), employees // 10)
    return [
        (dept, team if n < len(base) else f"{team} {n // len(base) + 1}")
        for n, (dept, team) in ((n, base[n % len(base)]) for n in range(count))
    ]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _fade_start(
    rng: random.Random, start: date, end: date, termination: date | None, voluntary: bool | None
) -> date | None:
    if termination is not None and voluntary:
        # About half the voluntary leavers fade 2-5 months before they go; the rest learn on to the end.
        return termination - timedelta(days=rng.randint(60, 150)) if rng.random() < 0.5 else None
    if rng.random() < 0.2:
        # Counter-examples: people who fade and stay.
        return start + timedelta(days=rng.randint(0, max(0, (end - start).days - 30)))
    return None


def build_organisation(employees: int, months: int, seed: int, end: date) -> list[Employee]:
    """`employees` people, with a manager per team, hires spread over the years before `end`.

    About one in eight non-managers leaves per year (more of them at a high hidden flight
    risk), most voluntarily; their `termination_date` lies in the window, so their
    statements can fade before it.
    """
    rng = random.Random(seed)
    start = end - timedelta(days=30 * months)
    teams = _teams(employees)
    weights = [DEPARTMENT_WEIGHTS[dept] for dept, _ in teams]
    people: list[Employee] = []
    managers: dict[tuple[str, str], str] = {}
    for i in range(employees):
        dept, team = teams[i] if i < len(teams) else rng.choices(teams, weights=weights)[0]
        is_manager = (dept, team) not in managers
        employee_id = f"E{i + 1:05d}"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{_slug(first)}.{_slug(last)}.{i + 1}@{DOMAIN}"
        hire = end - timedelta(days=rng.randint(60, 365 * 8))
        risk = rng.gauss(0, 1)
        leaves = not is_manager and rng.random() < _sigmoid(-3.2 + 2.0 * risk) * min(1.0, months / 12 + 0.25)
        termination = start + timedelta(days=rng.randint(45, max(46, 30 * months))) if leaves else None
        if termination is not None and (termination > end or termination <= hire):
            termination = None
        voluntary = (rng.random() < 0.85) if termination else None
        tenure = (end - hire).days
        promoted = tenure > 365 and rng.random() < 0.8
        promotion_gap = min(tenure - 30, int(math.exp(rng.gauss(6.0 + 0.3 * risk, 0.7)))) if promoted else 0
        people.append(
            Employee(
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
                exit_voluntary=voluntary,
                is_manager=is_manager,
                engagement=min(1.0, max(0.05, rng.betavariate(2.2, 2.0) - 0.04 * risk)),
                satisfaction=round(min(5.0, max(1.0, rng.gauss(3.6 - 0.45 * risk, 0.7))), 1),
                overtime_hours=round(max(0.0, rng.gauss(6 + 2.5 * risk, 5)), 1),
                last_promotion_date=(end - timedelta(days=promotion_gap)) if promoted else None,
                leaderboard_opt_in=rng.random() < 0.3,
                fade_start=_fade_start(rng, start, end, termination, voluntary),
            )
        )
        if is_manager:
            managers[(dept, team)] = employee_id
    return people
