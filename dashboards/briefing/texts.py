"""The briefing's words in English and Dutch; sub-score names and number formats come from the dashboards' i18n."""

from __future__ import annotations

from dashboards import i18n

MESSAGES = {
    "en": {
        "title": "Learning culture briefing",
        "unit.organisation": "the organisation",
        "subtitle": "{unit} · {month}",
        "snapshot": "Certified snapshot {snapshot} (certified {certified}); data up to {until}.",
        "lci": "Learning Culture Index",
        "lci.change": "{change} points on {before}",
        "lci.no_change": "no complete month before to compare with",
        "lci.withheld": "withheld: it would describe fewer than {k} people (a unit's one or two leads)",
        "lci.measured": "{measured} of 10 sub-scores measured",
        "lci.history_short": "Its yearly windows reach back before the first data: less than a year of history.",
        "trend.title": "The index over the last {n} complete months",
        "trend.measured": "sub-scores measured",
        "moved.title": "What moved it",
        "moved.composition": "Who is in {unit} changed: {who}. That moved the index {by} points.",
        "moved.composition_none": "Nobody joined, left or moved, so the change is not about who is in {unit}.",
        "moved.composition_hidden": "Fewer than {k} people joined, left or moved: too few to show what they did "
        "without describing them, so the change is not split.",
        "moved.behaviour": "The {stayers} people in {unit} both months changed what they do: {by} points.",
        "moved.behaviour_none": "Nobody was in {unit} both months, so no change in behaviour can be shown.",
        "moved.coverage": "Measured differently this month ({which}): {by} points.",
        "moved.no_change": "There is no complete month before {month} to compare with.",
        "moved.withheld": "The index is withheld for {unit}, so what moved it is too.",
        "who.joined": "{n} joined",
        "who.left": "{n} left",
        "who.moved_in": "{n} moved in",
        "who.moved_out": "{n} moved out",
        "who.arrived": "{n} arrived",
        "who.departed": "{n} departed",
        "who.gained": "now measured: {scores}",
        "who.lost": "no longer measured: {scores}",
        "waterfall.before": "{month}",
        "waterfall.composition": "who is in it",
        "waterfall.behaviour": "what they do",
        "waterfall.coverage": "what is measured",
        "waterfall.now": "{month}",
        "scores.title": "Sub-scores in {month} (the three that moved most marked)",
        "scores.moved": "Moved most: {list}.",
        "scores.none_moved": "No sub-score can be compared with the month before.",
        "scores.not_measured": "not measured",
        "scores.withheld": "withheld",
        "drops.title": "Where the index fell most",
        "drops.none": "No unit's index fell this month (of the units with at least {k} people).",
        "drops.axis": "change in points",
        "levers.title": "Where to act",
        "levers.none": "No measured sub-score is below {threshold}: keep doing what works.",
        "levers.item": "{score} ({value}): {text}",
        "outlook.title": "Retention outlook",
        "outlook.sentence": "Expected voluntary leavers in the six months after {date}: {expected} (model), against "
        "{actual} in the same months a year earlier.",
        "outlook.sentence_no_last_year": "Expected voluntary leavers in the six months after {date}: {expected} "
        "(model); the same months a year earlier are not known yet.",
        "outlook.expected": "expected (next 6 months)",
        "outlook.last_year": "a year earlier",
        "outlook.not_validated": "No outlook this month. {note}",
        "outlook.no_model": "No outlook: no retention model has been trained on this data yet.",
        "outlook.off": "Retention analysis is switched off.",
        "outlook.hidden": "No department can be shown without describing fewer than {k} people.",
        "footer": "Groups of fewer than {k} people are left out, and so is any figure that would give one away. "
        "No names. Made by Leerstroom.",
    },
    "nl": {
        "title": "Briefing leercultuur",
        "unit.organisation": "de organisatie",
        "subtitle": "{unit} · {month}",
        "snapshot": "Gecertificeerde momentopname {snapshot} (gecertificeerd {certified}); gegevens tot {until}.",
        "lci": "Leercultuurindex",
        "lci.change": "{change} punten t.o.v. {before}",
        "lci.no_change": "geen volledige maand ervoor om mee te vergelijken",
        "lci.withheld": "achtergehouden: het zou minder dan {k} mensen beschrijven (de een of twee leidinggevenden)",
        "lci.measured": "{measured} van 10 deelscores gemeten",
        "lci.history_short": "De jaarvensters reiken terug tot vóór de eerste gegevens: minder dan een jaar historie.",
        "trend.title": "De index over de laatste {n} volledige maanden",
        "trend.measured": "deelscores gemeten",
        "moved.title": "Wat het bewoog",
        "moved.composition": "Wie er in {unit} zit veranderde: {who}. Dat bewoog de index {by} punten.",
        "moved.composition_none": "Niemand kwam, ging of verhuisde, dus de verandering komt niet door wie er in "
        "{unit} zit.",
        "moved.composition_hidden": "Minder dan {k} mensen kwamen, gingen of verhuisden: te weinig om hun effect te "
        "tonen zonder hen te beschrijven, dus de verandering wordt niet gesplitst.",
        "moved.behaviour": "De {stayers} mensen die beide maanden in {unit} zaten, veranderden wat ze doen: "
        "{by} punten.",
        "moved.behaviour_none": "Niemand zat beide maanden in {unit}, dus een verandering in gedrag is niet te tonen.",
        "moved.coverage": "Deze maand anders gemeten ({which}): {by} punten.",
        "moved.no_change": "Er is geen volledige maand vóór {month} om mee te vergelijken.",
        "moved.withheld": "De index van {unit} wordt achtergehouden, en dus ook wat hem bewoog.",
        "who.joined": "{n} in dienst",
        "who.left": "{n} uit dienst",
        "who.moved_in": "{n} overgekomen",
        "who.moved_out": "{n} vertrokken naar een ander team",
        "who.arrived": "{n} erbij",
        "who.departed": "{n} eraf",
        "who.gained": "nu gemeten: {scores}",
        "who.lost": "niet meer gemeten: {scores}",
        "waterfall.before": "{month}",
        "waterfall.composition": "wie erin zit",
        "waterfall.behaviour": "wat ze doen",
        "waterfall.coverage": "wat gemeten wordt",
        "waterfall.now": "{month}",
        "scores.title": "Deelscores in {month} (de drie grootste bewegers gemarkeerd)",
        "scores.moved": "Bewogen het meest: {list}.",
        "scores.none_moved": "Geen deelscore is te vergelijken met de maand ervoor.",
        "scores.not_measured": "niet gemeten",
        "scores.withheld": "achtergehouden",
        "drops.title": "Waar de index het meest daalde",
        "drops.none": "Van geen eenheid daalde de index deze maand (van de eenheden met minstens {k} mensen).",
        "drops.axis": "verandering in punten",
        "levers.title": "Waar te handelen",
        "levers.none": "Geen gemeten deelscore ligt onder {threshold}: ga zo door.",
        "levers.item": "{score} ({value}): {text}",
        "outlook.title": "Vooruitzicht behoud",
        "outlook.sentence": "Verwachte vrijwillige vertrekkers in de zes maanden na {date}: {expected} (model), "
        "tegen {actual} in dezelfde maanden een jaar eerder.",
        "outlook.sentence_no_last_year": "Verwachte vrijwillige vertrekkers in de zes maanden na {date}: {expected} "
        "(model); dezelfde maanden een jaar eerder zijn nog niet bekend.",
        "outlook.expected": "verwacht (komende 6 maanden)",
        "outlook.last_year": "een jaar eerder",
        "outlook.not_validated": "Geen vooruitzicht deze maand; het behoudmodel meldt (in het Engels): {note}",
        "outlook.no_model": "Geen vooruitzicht: er is nog geen behoudmodel op deze gegevens getraind.",
        "outlook.off": "Analyse van behoud staat uit.",
        "outlook.hidden": "Geen afdeling is te tonen zonder minder dan {k} mensen te beschrijven.",
        "footer": "Groepen van minder dan {k} mensen zijn weggelaten, net als elk cijfer dat er een zou verraden. "
        "Geen namen. Gemaakt door Leerstroom.",
    },
}


def text(language: str, key: str, **values: object) -> str:
    """The briefing's message `key`, or else the dashboards' (sub-score names and the like), filled with `values`."""
    message = MESSAGES.get(language, MESSAGES["en"]).get(key)
    if message is None:
        return i18n.text(language, key, **values)
    return message.format(**values) if values else message


def score_name(language: str, key: str) -> str:
    return i18n.text(language, f"score.{key}")
