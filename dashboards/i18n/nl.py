"""Nederlandse teksten van de dashboards."""

SCORES = {
    "t1_continuous_learning": (
        "T1 Continu leren",
        "Aandeel mensen dat in minstens 9 van de laatste 13 weken leerde.",
        "Leren dat elke paar weken gebeurt, niet eens per jaar, houdt vaardigheden actueel: het "
        "aandeel medewerkers dat in minstens 9 van de laatste 13 weken actief was.",
    ),
    "t2_development_facilitated": (
        "T2 Ontwikkeling gefaciliteerd",
        "Mensen met een leerpad of doel, en hoe snel toegewezen leren start.",
        "Ontwikkeling wordt gefaciliteerd als mensen een leerpad of doel hebben en "
        "toegewezen leren snel begint: het aandeel met pad of doel en de mediaan in dagen "
        "van toewijzing tot eerste start (minder is beter).",
    ),
    "t3_mistakes_as_learning": (
        "T3 Fouten als leerkans",
        "Mislukte pogingen die binnen 14 dagen opnieuw zijn geprobeerd.",
        "Een cultuur die fouten als leerkans ziet, probeert opnieuw: het aandeel mislukte "
        "pogingen dat binnen 14 dagen is herhaald en hoe vaak het daarna lukt.",
    ),
    "t4_leadership_active": (
        "T4 Leiderschap leert mee",
        "Managers die zelf leren, en hun contactmomenten met hun mensen.",
        "Mensen leren als hun leidinggevenden dat doen: het aandeel managers dat dit kwartaal "
        "zelf leerde en contactmomenten (mentoring, toewijzingen) per medewerker.",
    ),
    "t5_diverse_resources": (
        "T5 Gevarieerd aanbod",
        "Hoe gelijkmatig mensen video, audio, lezen, quizzen, cursussen en live of sociaal leren gebruiken.",
        "Toegang tot gevarieerd aanbod blijkt uit gebruik: de gemiddelde genormaliseerde "
        "gelijkmatigheid (Shannon) over de zes soorten bronnen (video, audio, lezen, interactief, "
        "cursus, live/sociaal) per lerende; de soorten liggen vast, dus een tool erbij verandert "
        "op zich geen score.",
    ),
    "l1_microlearning": (
        "L1 Microlearning",
        "Aandeel korte sessies en micro-items per actieve lerende.",
        "Kort leren past in een werkdag: het aandeel sessies van hooguit 10 minuten (of media van "
        "hooguit 5 minuten) en micro-items per actieve lerende.",
    ),
    "l2_gamification": (
        "L2 Gamification",
        "Mensen met badges of certificaten, en badges per lerende.",
        "Erkenning motiveert: het aandeel mensen met minstens één badge of certificaat en badges per "
        "actieve lerende. Het klassement toont alleen mensen die daarvoor kozen.",
    ),
    "l3_personalised_paths": (
        "L3 Persoonlijke leerpaden",
        "Inschrijving in leerpaden, voortgang en opvolging van aanbevelingen.",
        "Persoonlijke paden geven richting: inschrijvingsgraad, mediane voortgang en het "
        "aandeel starts binnen 7 dagen na een aanbeveling.",
    ),
    "l4_social_learning": (
        "L4 Sociaal leren",
        "Mensen die posten of reageren, reacties per post, peer reviews.",
        "Mensen leren van elkaar: het aandeel dat post of reageert, reacties per post en peer "
        "reviews per lerende; het hulpnetwerk laat zien welke teams welke helpen.",
    ),
    "l5_tied_to_performance": (
        "L5 Verbonden met prestaties",
        "Doelen gekoppeld aan beoordelingscycli, en hoeveel er worden gehaald.",
        "Leren dat meetelt in gesprekken over prestaties beklijft: het aandeel met een doel "
        "gekoppeld aan een beoordelingscyclus en hoeveel doelen worden gehaald.",
    ),
}

MESSAGES = {
    "age.never": "nooit",
    "age.now": "zojuist",
    "age.minutes": "{count} min geleden",
    "age.hours": "{count} uur geleden",
    "age.days": "{count} dagen geleden",
    "signin.title": "Inloggen",
    "signin.name": "Gebruikersnaam",
    "signin.password": "Wachtwoord",
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
    "role.executive": "directie",
    "role.hr_analyst": "HR-analist",
    "role.admin": "beheerder",
    "sidebar.signed_in": "Ingelogd als {name} ({role})",
    "sidebar.sign_out": "Uitloggen",
    "sidebar.language": "Taal",
    "sidebar.as_of": "Stand van gecertificeerde snapshot",
    "sidebar.snapshot_option": "#{snapshot} · {certified}",
    "nav.overview": "Overzicht",
    "nav.deep_dives": "Leercultuur in detail",
    "nav.operations": "Beheer",
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
    "axis.day": "Dag",
    "axis.week": "Week",
    "axis.month": "Maand",
    "axis.minute": "Minuut (UTC)",
    "axis.unit": "Eenheid",
    "axis.department": "Afdeling",
    "dim.department": "Afdeling",
    "dim.team": "Team",
    "dim.manager_id": "Leidinggevende",
    "dim.job_role": "Functie",
    "dim.location": "Locatie",
    "overview.title": "Directieoverzicht",
    "overview.lci": "Leercultuurindex",
    "overview.lci_month": "{month}, de laatste volledige maand; verandering ten opzichte van de volledige maand "
    "ervoor.",
    "overview.lci_explain": "0–100: het gemiddelde van de deelscores hieronder die de gekoppelde tools meten. Hoger "
    "betekent dat leren deel is van hoe de organisatie werkt.",
    "overview.sub_scores": "De tien deelscores",
    "overview.changed": "Wat veranderde sinds de vorige maand",
    "overview.no_previous": "Er is nog geen vorige maand om mee te vergelijken.",
    "overview.changed_sentence": "Van {previous} naar {current}: **{up}** steeg het meest ({up_by}), **{down}** "
    "daalde het meest ({down_by}).",
    "overview.engagement": "Betrokkenheid",
    "overview.engagement_index": "Betrokkenheidsindex (0–100)",
    "overview.engagement_now": "Betrokkenheidsindex, laatste volledige week",
    "overview.risk": "Vertrekrisico",
    "overview.risk_share": "Aandeel mensen met hoog risico",
    "overview.risk_explain": "Berekend op {date}; hoog risico is een vertrekkans van minstens 3× het gebruikelijke "
    "percentage van de organisatie. Afdelingen met minder dan {k} mensen worden niet getoond.",
    "explorer.title": "HR-verkenner",
    "explorer.period": "Periode",
    "explorer.period_line": "Weken van {start} tot {end}.",
    "explorer.compare": "Eenheden vergelijken",
    "explorer.compare_by": "Vergelijk per",
    "explorer.trend": "Betrokkenheid in de periode",
    "explorer.drill": "Inzoomen: organisatie → team → persoon",
    "explorer.all": "Alle",
    "explorer.level_units": "Per {level}:",
    "explorer.level_people": "Mensen in team {team}:",
    "explorer.segments": "Betrokkenheidssegmenten (laatste week van de periode)",
    "explorer.segment": "Segment",
    "explorer.people": "Mensen",
    "explorer.risk": "Vertrekrisico: wie dreigt af te haken, en waarom",
    "explorer.risk_note": "Een kans uit een uitlegbaar model met per persoon de drie sterkste redenen. Het opent "
    "een gesprek; het beslist niets. Elke weergave en download wordt vastgelegd.",
    "segment.highly_engaged": "Zeer betrokken",
    "segment.active": "Actief",
    "segment.struggling": "Worstelt",
    "segment.disengaging": "Haakt af",
    "segment.inactive": "Inactief",
    "activity.title": "Dagelijkse activiteit",
    "activity.statements": "Statements",
    "activity.learners": "Actieve lerenden",
    "activity.active_days": "Actieve dagen",
    "activity.per_day": "Statements per dag (UTC)",
    "activity.per_verb": "Per werkwoord",
    "activity.verb": "Werkwoord",
    "activity.last_statement": "Laatste statement (UTC)",
    "activity.empty": "De gecertificeerde snapshot bevat geen statements.",
    "activity.voided_note": "Ingetrokken statements en de intrekkende statements tellen niet mee.",
    "metric.withheld": "niet getoond",
    "metric.withheld_explain": "Gemeten, maar over minder dan {k} mensen (een handvol managers bijvoorbeeld): alleen "
    "voor HR-analisten.",
    "metric.not_measured": "niet gemeten",
    "metric.measured": "{measured} van 10 gemeten",
    "metric.not_measured_explain": "Niet gemeten: geen gekoppelde tool stuurt wat {score} nodig heeft (bijv. badges, "
    "doelen, leerpaden). Het telt niet mee in de index, en niet als 0; een beheerder "
    "kan een tool opgeven die een tijd stil is (transform/seeds/declared_signals.csv).",
    "metric.none_measured": "Niet gemeten: geen gekoppelde tool stuurt wat deze deelscore nodig heeft.",
    "metric.so_far": "{period} tot nu toe: {value}",
    "metric.so_far_explain": "De lopende periode is niet volledig: ze staat er tot nu toe, en de koppen vergelijken "
    "alleen volledige periodes.",
    "metric.history_short": "Minder dan een jaar aan gegevens: de vensters van 365 dagen van {period} reiken terug tot "
    "vóór de eerste gegevens, dus de cijfers rusten op minder dan een jaar geschiedenis.",
    "metric.no_complete_month": "Nog geen volledige maand: de cijfers hieronder zijn {period} tot nu toe.",
    "metric.week_so_far": "Deze week tot nu toe ({week}): {value}",
    "validation.title": "Houdt de cultuur mensen vast? (HR-analisten)",
    "validation.result": "Over {n} {level}-kwartalen hangen de LCI en het behoud in het volgende kwartaal samen met "
    "r = {r} (95 %-interval {low} tot {high}).",
    "validation.short": "Te weinig geschiedenis om iets te zeggen: {n} eenheden met een LCI en een bekend behoud in "
    "het volgende kwartaal; een correlatie met interval vraagt er minstens 4.",
    "validation.note": "Samenhang is geen oorzaak; op gegenereerde demogegevens toont ze alleen wat de generator erin "
    "legde. Per kwartaal hieronder.",
    "level.department": "afdeling",
    "level.team": "team",
    "dive.trend": "Organisatie, per maand",
    "dive.by_unit": "Per eenheid, nieuwste kwartaal",
    "dive.evidence": "Onderbouwing",
    "dive.mart": "{mart}",
    "dive.evidence_marts": "de onderbouwende marts ({prefixes}…)",
    "dive.continuous_learning.title": "Continu leren",
    "dive.development.title": "Ontwikkeling gefaciliteerd",
    "dive.mistakes.title": "Fouten en herkansingen",
    "dive.leadership.title": "Managers en mentoring",
    "dive.diverse_resources.title": "Gevarieerd aanbod",
    "dive.microlearning.title": "Microlearning",
    "dive.gamification.title": "Badges en certificaten",
    "dive.paths.title": "Leerpaden",
    "dive.social.title": "Sociaal leren",
    "dive.performance.title": "Doelen en beoordelingen",
    "health.title": "Gezondheid van data en pijplijn",
    "health.freshness": "Actualiteit",
    "health.lake_statements": "Statements in de lake",
    "health.newest_statement": "Nieuwste statement opgeslagen",
    "health.outbox_backlog": "Achterstand outbox",
    "health.last_certified": "Laatst gecertificeerd",
    "health.no_lrs": "LRS-opslag: {reason}",
    "health.per_minute": "Statements per minuut (laatste uur aan aanvoer)",
    "health.statements": "Statements",
    "health.no_statements": "Nog geen statements in de lake.",
    "health.kafka_lag": "Kafka-achterstand per partitie",
    "health.no_broker": "Geen broker bereikbaar: {reason}",
    "health.lag_note": "published_not_in_lake is exact (uit de outbox); de eind-offset van de broker is bij "
    "benadering.",
    "health.dead_letters": "Dead letters bij de sink (berichten die geen statement zijn)",
    "health.no_dead_letters": "Geen dead letters bij de sink.",
    "health.rejections": "Geweigerde verzoeken per tool en reden",
    "health.no_rejections": "Geen geweigerde verzoeken bewaard.",
    "health.rejections_note": "Statements die met 400 geweigerd zijn, blijven {days} dagen bewaard met hun inhoud "
    "(dead letters). `leerstroom rejected list|show|export|replay` leest, herstelt en "
    "verstuurt ze opnieuw.",
    "health.rejections_dropped": "{tool}: {dropped} van de oudste geweigerde verzoeken zijn verwijderd om de nieuwste "
    "{cap} te bewaren (LEERSTROOM_LRS_REJECTED_PER_TOOL); de laatste op {last}. De tool kreeg telkens zijn 400.",
    "health.runs": "Transform-runs",
    "health.quality": "Kwaliteitsresultaten van de laatste gecertificeerde run",
    "health.no_quality": "De kwaliteitspoort heeft nog geen resultaten vastgelegd.",
    "health.checks_passed": "Controles geslaagd",
    "health.not_certified": "De dashboards zijn niet actueel:",
    "health.quarantine": "Quarantaine: apart gezette statements, per reden",
    "health.no_quarantine": "Er is geen statement apart gezet.",
    "health.quarantine_note": "Apart gezette statements tellen in geen enkele maatstaf mee tot ze vrijgegeven zijn: "
    "`leerstroom quarantine list|show|release|void` (docs/operations.md).",
    "health.quarantine_share": "Apart gezet in de laatst beoordeelde run",
    "health.quarantine_share_value": "{quarantined} van {screened} nieuwe statements ({share}; grens {limit})",
    "audit.title": "Auditlog",
    "alerts.title": "Signalen",
    "alerts.empty": "Er is nog geen signaal gegeven.",
    "alerts.note": "Gegeven door `leerstroom deliver` uit elke gecertificeerde momentopname volgens de regels in "
    "{rules}, één keer per regel, eenheid en periode, en gestuurd naar het HR-kanaal (ontvangers in "
    "{recipients}). Een eenheid onder {k} mensen geeft er geen. De kolommen tellen ontvangers.",
    "health.delivery": "Briefings en signalen (leerstroom deliver)",
    "health.delivery_none": "Er is nog niemand iets verschuldigd (geen ontvangersbestand, of geen volledige maand).",
    "health.delivery_failing": "{n} bezorgingen mislukken; ze worden met oplopende wachttijd opnieuw geprobeerd. "
    "Nieuwste fout: {error}",
    "health.delivery_ok": "Alles wat tot nu toe verschuldigd was, is aangekomen.",
    "health.delivery_last_briefing": "Laatste briefing verstuurd: {delivery}, {when}.",
    "overview.briefing": "Download de maandelijkse briefing (pdf)",
    "overview.briefing_note": "De briefing van één pagina over {month} in deze taal, uit deze gecertificeerde "
    "momentopname: dezelfde pagina die `leerstroom deliver` verstuurt.",
    "audit.explain": "Elke weergave van gegevens over individuele personen en elke download: wie, wanneer, wat, "
    "van welke snapshot.",
    "audit.empty": "Nog niemand heeft gegevens over individuele personen bekeken of iets gedownload.",
}
for _score, (_name, _short, _explain) in SCORES.items():
    MESSAGES[f"score.{_score}"] = _name
    MESSAGES[f"score.{_score}.short"] = _short
    MESSAGES[f"score.{_score}.explain"] = _explain
MESSAGES["score.lci"] = "Leercultuurindex"
MESSAGES.update(
    {
        f"col.{column}": label
        for column, label in {
            "unit": "Eenheid",
            "headcount": "Aantal mensen",
            "active_learners": "Actieve lerenden",
            "avg_engagement_index": "Betrokkenheidsindex",
            "learning_minutes": "Leerminuten",
            "completions": "Afgerond",
            "social_actions": "Sociale acties",
            "segment": "Segmentcode",
            "segment_label": "Segment",
            "people": "Mensen",
            "week_start": "Week",
            "department": "Afdeling",
            "team": "Team",
            "job_role": "Functie",
            "location": "Locatie",
            "name": "Naam",
            "employee_id": "Medewerker",
            "risk_score": "Risico (0–1)",
            "risk_band": "Risicoklasse",
            "reason_1": "Reden 1",
            "reason_2": "Reden 2",
            "reason_3": "Reden 3",
            "snapshot_date": "Berekend op",
            "share_high": "Hoog risico",
            "sub_score": "Deelscore",
            "previous": "Vorige maand",
            "current": "Deze maand",
            "change": "Verandering",
            "unit_level": "Niveau",
            "unit_name": "Eenheid",
            "active_days": "Actieve dagen",
            "quarter_start": "Kwartaal",
        }.items()
    }
)

# De pagina van het vertrekmodel en de link ernaartoe vanuit de risicolijst.
MESSAGES.update(
    {
        "model.title": "Vertrekmodel",
        "model.not_for_role": "De pagina van het vertrekmodel is voor HR-analisten en beheerders.",
        "model.switched_off": "Vertrekrisico staat uit (LEERSTROOM_RETENTION_SCORING=false): er wordt geen model "
        "getraind en niemand krijgt een score.",
        "model.status.validated": "Gevalideerd met een terugtoets met rollend beginpunt: elk beginpunt is alleen "
        "getraind op afloop die ervoor bekend was, en op andere mensen dan die het voorspelt.",
        "model.status.too_short": "Nog niemand krijgt een score. {note}",
        "model.status.leakage_suspected": "Niemand krijgt een score. {note}",
        "model.trained": "Laatst getraind",
        "model.scored_people": "Mensen met een score",
        "model.scored_on": "op de nieuwste momentopname, {date}",
        "model.window": "Gegevensvenster",
        "model.window_text": "Momentopnamen aan het eind van elke maand van {first} tot {last}: {snapshots} "
        "momentopnamen van mensen terwijl ze in dienst waren. De momentopnamen waarvan HR de 180 "
        "dagen erna kent, van {labelled_first} tot {labelled_last}, trainen en toetsen het model: "
        "{labelled} momentopnamen van {people} mensen, {exits} ervan gevolgd door vrijwillig vertrek "
        "binnen 180 dagen. Het gebruikelijke percentage dat binnen 180 dagen vertrekt is "
        "{base_rate}.",
        "model.window_hr": "HR-kenmerken (tevredenheid, overuren, laatste promotie) komen uit de versie van het "
        "personeelsbestand die op elk moment gold: versies ingelezen van {first} tot {last}; {share} "
        "van de momentopnamen had er een. Waar geen versie gold, zijn de kenmerken onbekend en "
        "behandelt het model ze als onbekend.",
        "model.window_no_hr": "Op geen enkele momentopname gold al een versie van het personeelsbestand (het is daarna "
        "ingelezen), dus het model gebruikt geen HR-kenmerken: alleen leersignalen en diensttijd.",
        "model.figures": "Hoe goed het is: de terugtoets",
        "model.figures_how": "Een terugtoets met een rollend beginpunt op {cutoffs} maandeinden van {first} tot "
        "{last}. Op elk ervan is het model alleen getraind op momentopnamen waarvan de afloop na 180 dagen "
        "al bekend was, en zijn mensen verdeeld in {groups} groepen, zodat niemand voorspeld wordt "
        "door een model dat hem zag. Intervallen zijn 95%-bootstrapintervallen over mensen.",
        "model.roc_auc": "ROC-AUC, samen",
        "model.roc_auc_note": "{interval}. Hoe vaak iemand die vertrok hoger stond dan iemand die bleef; 0,5 is "
        "toeval.",
        "model.pr_auc": "PR-AUC, samen",
        "model.pr_auc_note": "{interval}, tegen {base_rate} voor een model dat niets weet.",
        "model.brier_skill": "Brier-vaardigheid, samen",
        "model.brier_skill_note": "95%-interval {low} tot {high}. Brierscore {brier} tegen {reference} voor steeds het "
        "gebruikelijke percentage voorspellen: boven 0% doen de kansen het beter.",
        "model.interval": "{value} [{low}, {high}]",
        "model.pooled": "samen",
        "model.trained_on": "{start} – {end}",
        "model.calibration": "Kalibratie: voorspeld tegen waargenomen",
        "model.calibration_how": "Elk punt is een tiende van de momentopnamen uit de terugtoets, gesorteerd op "
        "voorspelde kans; op de stippellijn is het voorspelde vertrekpercentage het "
        "waargenomen percentage. De kansen van het model worden herkalibreerd voordat iemand ze "
        "ziet: die van elk beginpunt hier met een kalibratie op de andere beginpunten, die in de "
        "risicolijst met een op allemaal (intercept {intercept}, helling {slope}; 0 en 1 zouden "
        "niets veranderen).",
        "model.predicted": "Voorspeld percentage dat binnen 180 dagen vertrekt",
        "model.observed": "Waargenomen",
        "model.departments": "Verwacht vertrek (de som van de kansen) tegen werkelijk vertrek per afdeling, over alle "
        "beginpunten:",
        "model.bands": "Risicoklassen",
        "model.bands_how": "De klassen vergelijken iemands gekalibreerde kans met het gebruikelijke percentage van de "
        "organisatie, {base_rate}: **hoog** vanaf {high}× dat ({high_rate}), **middel** vanaf "
        "{medium}× ({medium_rate}), **laag** daaronder. Hoeveel mensen in een klasse vallen volgt uit "
        "de gegevens, niet uit een vast aandeel.",
        "model.bands_now": "Op de nieuwste momentopname zijn {high} van {people} mensen hoog, {medium} middel.",
        "model.features": "Wat elk kenmerk bijdraagt",
        "model.features_how": "Coëfficiënten per standaardafwijking van een kenmerk (log-odds): naar rechts verhoogt "
        "het het risico, naar links verlaagt het. Iemands bijdrage is de coëfficiënt × hoeveel "
        "standaardafwijkingen hij van het gemiddelde af zit; de drie grootste verhogende bijdragen "
        "zijn de redenen in de risicolijst. Een kenmerk dat onbekend kan zijn heeft een eigen "
        'indicator ("… unknown") in plaats van een ingevulde waarde. Min en max tonen hoe de '
        "coëfficiënt over de beginpunten van de terugtoets bewoog.",
        "model.term": "Kenmerk",
        "model.coefficient": "Coëfficiënt per standaardafwijking",
        "model.link": "Hoe goed is dit model, en op welke gegevens? De pagina van het vertrekmodel",
        "explorer.risk_not_scored": "Niemand heeft een risicoscore in deze momentopname; de pagina van het "
        "vertrekmodel zegt waarom.",
    }
)
MESSAGES.update(
    {
        f"col.{column}": label
        for column, label in {
            "relative_risk": "× gebruikelijk",
            "cutoff_date": "Beginpunt",
            "trained_on": "Getraind op momentopnamen",
            "exits": "Vertrek",
            "expected_exits": "Verwacht vertrek",
            "roc_auc": "ROC-AUC [95%]",
            "pr_auc": "PR-AUC [95%]",
            "base_rate": "Basispercentage",
            "brier_skill": "Brier-vaardigheid % [95%]",
            "decile": "Tiende",
            "rows": "Momentopnamen",
            "mean_predicted": "Voorspeld",
            "observed_rate": "Waargenomen",
            "snapshots": "Momentopnamen",
            "actual_exits": "Werkelijk vertrek",
            "description": "Kenmerk",
            "is_missing_indicator": "Onbekend-indicator",
            "coefficient": "Coëfficiënt",
            "odds_ratio_per_sd": "Odds ratio per SD",
            "coefficient_min": "Min over beginpunten",
            "coefficient_max": "Max over beginpunten",
            "share_among_reasons": "Aandeel onder redenen",
            "share_unknown": "Aandeel onbekend",
        }.items()
    }
)
