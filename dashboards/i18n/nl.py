"""Nederlandse teksten van de dashboards."""

SCORES = {
    "t1_continuous_learning": ("T1 Continu leren",
                               "Aandeel mensen dat in minstens 9 van de laatste 13 weken leerde.",
                               "Leren dat elke paar weken gebeurt, niet eens per jaar, houdt vaardigheden actueel: het "
                               "aandeel medewerkers dat in minstens 9 van de laatste 13 weken actief was."),
    "t2_development_facilitated": ("T2 Ontwikkeling gefaciliteerd",
                                   "Mensen met een leerpad of doel, en hoe snel toegewezen leren start.",
                                   "Ontwikkeling wordt gefaciliteerd als mensen een leerpad of doel hebben en "
                                   "toegewezen leren snel begint: het aandeel met pad of doel en de mediaan in dagen "
                                   "van toewijzing tot eerste start (minder is beter)."),
    "t3_mistakes_as_learning": ("T3 Fouten als leerkans",
                                "Mislukte pogingen die binnen 14 dagen opnieuw zijn geprobeerd.",
                                "Een cultuur die fouten als leerkans ziet, probeert opnieuw: het aandeel mislukte "
                                "pogingen dat binnen 14 dagen is herhaald en hoe vaak het daarna lukt."),
    "t4_leadership_active": ("T4 Leiderschap leert mee",
                             "Managers die zelf leren, en hun contactmomenten met hun mensen.",
                             "Mensen leren als hun leidinggevenden dat doen: het aandeel managers dat dit kwartaal "
                             "zelf leerde en contactmomenten (mentoring, toewijzingen) per medewerker."),
    "t5_diverse_resources": ("T5 Gevarieerd aanbod",
                             "Hoe gelijkmatig mensen video, audio, artikelen, cursussen en quizzen gebruiken.",
                             "Toegang tot gevarieerd aanbod blijkt uit gebruik: de gemiddelde genormaliseerde "
                             "gelijkmatigheid (Shannon) van de activiteitsoorten per lerende."),
    "l1_microlearning": ("L1 Microlearning",
                         "Aandeel korte sessies en micro-items per actieve lerende.",
                         "Kort leren past in een werkdag: het aandeel sessies van hooguit 10 minuten (of media van "
                         "hooguit 5 minuten) en micro-items per actieve lerende."),
    "l2_gamification": ("L2 Gamification",
                        "Mensen met badges of certificaten, en badges per lerende.",
                        "Erkenning motiveert: het aandeel mensen met minstens één badge of certificaat en badges per "
                        "actieve lerende. Het klassement toont alleen mensen die daarvoor kozen."),
    "l3_personalised_paths": ("L3 Persoonlijke leerpaden",
                              "Inschrijving in leerpaden, voortgang en opvolging van aanbevelingen.",
                              "Persoonlijke paden geven richting: inschrijvingsgraad, mediane voortgang en het "
                              "aandeel starts binnen 7 dagen na een aanbeveling."),
    "l4_social_learning": ("L4 Sociaal leren",
                           "Mensen die posten of reageren, reacties per post, peer reviews.",
                           "Mensen leren van elkaar: het aandeel dat post of reageert, reacties per post en peer "
                           "reviews per lerende; het hulpnetwerk laat zien welke teams welke helpen."),
    "l5_tied_to_performance": ("L5 Verbonden met prestaties",
                               "Doelen gekoppeld aan beoordelingscycli, en hoeveel er worden gehaald.",
                               "Leren dat meetelt in gesprekken over prestaties beklijft: het aandeel met een doel "
                               "gekoppeld aan een beoordelingscyclus en hoeveel doelen worden gehaald."),
}

MESSAGES = {
    "age.never": "nooit", "age.now": "zojuist", "age.minutes": "{count} min geleden",
    "age.hours": "{count} uur geleden", "age.days": "{count} dagen geleden",
    "signin.title": "Inloggen", "signin.name": "Gebruikersnaam", "signin.password": "Wachtwoord",
    "signin.submit": "Inloggen",
    "signin.intro": "De dashboards van Leerstroom tonen leergegevens van je organisatie; log in met het account "
                    "dat je beheerder voor je aanmaakte.",
    "signin.throttled": "Te veel mislukte inlogpogingen: probeer het over {seconds} s opnieuw.",
    "signin.failed": "Inloggen mislukt: onbekende gebruikersnaam of verkeerd wachtwoord.",
    "signin.oidc": "Inloggen met het account van je organisatie",
    "signin.oidc_unknown": "{email} is ingelogd bij de identiteitsprovider maar heeft geen dashboardrol; vraag "
                           "een beheerder om het toe te voegen met `leerstroom users add`.",
    "signin.oidc_unverified": "{email} is ingelogd bij de identiteitsprovider, maar die meldt niet dat het adres "
                              "geverifieerd is, dus het kan de dashboards niet openen.",
    "access.not_for_role": "Deze pagina is niet open voor jouw rol.",
    "download.refused": "Deze download is niet (meer) voor jou beschikbaar: log opnieuw in.",
    "privacy.hidden_rows": "{n} andere weggelaten: minder dan {k} mensen, of een vergelijking met een ander cijfer "
                           "hier zou minder dan {k} mensen aanwijzen.",
    "privacy.whole_units_note": "Cijfers staan er alleen voor hele groepen (de organisatie, een afdeling, team, "
                                "team van een manager, locatie of functie), elk van minstens {k} mensen. Een filter "
                                "dat groepen doorsnijdt, verbergt ze: vergeleken met de hele groep zou het de "
                                "mensen verraden die het weglaat.",
    "role.executive": "directie", "role.hr_analyst": "HR-analist", "role.admin": "beheerder",
    "sidebar.signed_in": "Ingelogd als {name} ({role})", "sidebar.sign_out": "Uitloggen",
    "sidebar.language": "Taal", "sidebar.as_of": "Stand van gecertificeerde snapshot",
    "sidebar.snapshot_option": "#{snapshot} · {certified}",
    "nav.overview": "Overzicht", "nav.deep_dives": "Leercultuur in detail", "nav.operations": "Beheer",
    "data.nothing_certified": "Nog geen gecertificeerde gegevens: voer `leerstroom transform` uit",
    "data.snapshot_line": "Gecertificeerde snapshot {snapshot} (ruwe gegevens tot lake-snapshot {raw}), "
                          "gecertificeerd {certified} ({certified_age}). Nieuwste statement: {newest} "
                          "({newest_age}).",
    "data.as_of_earlier": "Je bekijkt een eerdere snapshot ({snapshot}); de nieuwste gecertificeerde is {latest}.",
    "data.not_yet": "De gegevens voor dit onderdeel zijn er nog niet: {what} staat niet in de gecertificeerde "
                    "snapshot.",
    "table.download": "CSV downloaden",
    "table.empty_after_suppression": "Niets te tonen: elke groep hier telt minder dan {k} mensen, of zou er "
                                     "vergeleken met een ander cijfer minder dan {k} aanwijzen.",
    "privacy.individuals_hidden": "Gegevens over individuele personen zijn alleen zichtbaar voor HR-analisten.",
    "axis.day": "Dag", "axis.week": "Week", "axis.month": "Maand", "axis.minute": "Minuut (UTC)",
    "axis.unit": "Eenheid", "axis.department": "Afdeling",
    "dim.department": "Afdeling", "dim.team": "Team", "dim.manager_id": "Leidinggevende",
    "dim.job_role": "Functie", "dim.location": "Locatie",
    "overview.title": "Directieoverzicht", "overview.lci": "Leercultuurindex",
    "overview.lci_month": "{month}, verandering ten opzichte van de maand ervoor.",
    "overview.lci_explain": "0–100: het gemiddelde van de tien deelscores hieronder. Hoger betekent dat leren "
                            "deel is van hoe de organisatie werkt.",
    "overview.sub_scores": "De tien deelscores",
    "overview.changed": "Wat veranderde sinds de vorige maand",
    "overview.no_previous": "Er is nog geen vorige maand om mee te vergelijken.",
    "overview.changed_sentence": "Van {previous} naar {current}: **{up}** steeg het meest ({up_by}), **{down}** "
                                 "daalde het meest ({down_by}).",
    "overview.engagement": "Betrokkenheid", "overview.engagement_index": "Betrokkenheidsindex (0–100)",
    "overview.engagement_now": "Betrokkenheidsindex, vorige week",
    "overview.risk": "Vertrekrisico", "overview.risk_share": "Aandeel mensen met hoog risico",
    "overview.risk_explain": "Berekend op {date}; afdelingen met minder dan {k} mensen worden niet getoond.",
    "explorer.title": "HR-verkenner", "explorer.period": "Periode",
    "explorer.period_line": "Weken van {start} tot {end}.",
    "explorer.compare": "Eenheden vergelijken", "explorer.compare_by": "Vergelijk per",
    "explorer.trend": "Betrokkenheid in de periode",
    "explorer.drill": "Inzoomen: organisatie → team → persoon", "explorer.all": "Alle",
    "explorer.level_units": "Per {level}:", "explorer.level_people": "Mensen in team {team}:",
    "explorer.segments": "Betrokkenheidssegmenten (laatste week van de periode)", "explorer.segment": "Segment",
    "explorer.people": "Mensen",
    "explorer.risk": "Vertrekrisico: wie dreigt af te haken, en waarom",
    "explorer.risk_note": "Een kans uit een uitlegbaar model met per persoon de drie sterkste redenen. Het opent "
                          "een gesprek; het beslist niets. Elke weergave en download wordt vastgelegd.",
    "segment.highly_engaged": "Zeer betrokken", "segment.active": "Actief", "segment.struggling": "Worstelt",
    "segment.disengaging": "Haakt af", "segment.inactive": "Inactief",
    "activity.title": "Dagelijkse activiteit", "activity.statements": "Statements",
    "activity.learners": "Actieve lerenden", "activity.active_days": "Actieve dagen",
    "activity.per_day": "Statements per dag (UTC)", "activity.per_verb": "Per werkwoord",
    "activity.verb": "Werkwoord", "activity.last_statement": "Laatste statement (UTC)",
    "activity.empty": "De gecertificeerde snapshot bevat geen statements.",
    "activity.voided_note": "Ingetrokken statements en de intrekkende statements tellen niet mee.",
    "dive.trend": "Organisatie, per maand", "dive.by_unit": "Per eenheid, nieuwste kwartaal",
    "dive.evidence": "Onderbouwing", "dive.mart": "{mart}",
    "dive.evidence_marts": "de onderbouwende marts ({prefixes}…)",
    "dive.continuous_learning.title": "Continu leren", "dive.development.title": "Ontwikkeling gefaciliteerd",
    "dive.mistakes.title": "Fouten en herkansingen", "dive.leadership.title": "Managers en mentoring",
    "dive.diverse_resources.title": "Gevarieerd aanbod", "dive.microlearning.title": "Microlearning",
    "dive.gamification.title": "Badges en certificaten", "dive.paths.title": "Leerpaden",
    "dive.social.title": "Sociaal leren", "dive.performance.title": "Doelen en beoordelingen",
    "health.title": "Gezondheid van data en pijplijn", "health.freshness": "Actualiteit",
    "health.lake_statements": "Statements in de lake", "health.newest_statement": "Nieuwste statement opgeslagen",
    "health.outbox_backlog": "Achterstand outbox", "health.last_certified": "Laatst gecertificeerd",
    "health.no_lrs": "LRS-opslag: {reason}", "health.per_minute": "Statements per minuut (laatste uur aan aanvoer)",
    "health.statements": "Statements", "health.no_statements": "Nog geen statements in de lake.",
    "health.kafka_lag": "Kafka-achterstand per partitie", "health.no_broker": "Geen broker bereikbaar: {reason}",
    "health.lag_note": "published_not_in_lake is exact (uit de outbox); de eind-offset van de broker is bij "
                       "benadering.",
    "health.dead_letters": "Dead letters", "health.no_dead_letters": "Geen dead letters.",
    "health.rejections": "Geweigerde verzoeken per tool", "health.no_rejections": "Geen geweigerde verzoeken.",
    "health.runs": "Transform-runs", "health.quality": "Kwaliteitsresultaten van de laatste gecertificeerde run",
    "health.no_quality": "De kwaliteitspoort heeft nog geen resultaten vastgelegd.",
    "health.checks_passed": "Controles geslaagd",
    "audit.title": "Auditlog",
    "audit.explain": "Elke weergave van gegevens over individuele personen en elke download: wie, wanneer, wat, "
                     "van welke snapshot.",
    "audit.empty": "Nog niemand heeft gegevens over individuele personen bekeken of iets gedownload.",
}
for _score, (_name, _short, _explain) in SCORES.items():
    MESSAGES[f"score.{_score}"] = _name
    MESSAGES[f"score.{_score}.short"] = _short
    MESSAGES[f"score.{_score}.explain"] = _explain
MESSAGES["score.lci"] = "Leercultuurindex"
MESSAGES.update({f"col.{column}": label for column, label in {
    "unit": "Eenheid", "headcount": "Aantal mensen", "active_learners": "Actieve lerenden",
    "avg_engagement_index": "Betrokkenheidsindex", "learning_minutes": "Leerminuten", "completions": "Afgerond",
    "social_actions": "Sociale acties", "segment": "Segmentcode", "segment_label": "Segment",
    "people": "Mensen", "week_start": "Week", "department": "Afdeling",
    "team": "Team", "job_role": "Functie", "location": "Locatie",
    "name": "Naam", "employee_id": "Medewerker", "risk_score": "Risico (0–1)",
    "risk_band": "Risicoklasse", "reason_1": "Reden 1", "reason_2": "Reden 2",
    "reason_3": "Reden 3", "snapshot_date": "Berekend op", "share_high": "Hoog risico",
    "sub_score": "Deelscore", "previous": "Vorige maand", "current": "Deze maand",
    "change": "Verandering", "unit_level": "Niveau", "unit_name": "Eenheid",
    "active_days": "Actieve dagen", "quarter_start": "Kwartaal",
}.items()})
