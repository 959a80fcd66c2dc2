"""How an article's contacts are put together (transforms/pipeline/resolution.py).

Every sentence here is written for these tests; none comes from an outlet or ../shared.
"""

from __future__ import annotations

import pytest

from tests.test_pipeline import knowledge_base, nlp, records  # noqa: F401  (fixtures)


def _one(found: list[dict], contact_type: str) -> dict:
    matching = [r for r in found if r["type"] == contact_type]
    assert len(matching) == 1, found
    return matching[0]


def test_participants_named_later_join_the_reported_talks(nlp):  # noqa: F811
    found = records(
        nlp,
        "Außenminister Rubio und sein russischer Amtskollege Lawrow trafen sich am Dienstag in Riad. "
        "An den Gesprächen nahmen auch der Sondergesandte Steve Witkoff und Mike Waltz teil.",
        "2025-02-19",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Marco Rubio", "Mike Waltz", "Sergej Lawrow", "Steve Witkoff"]
    assert len(found) == 1


def test_a_negated_participation_adds_no_one(nlp):  # noqa: F811
    found = records(
        nlp,
        "Selenskyj und Witkoff verhandelten am Sonntag in Berlin. "
        "An den Verhandlungen selbst nahm Kanzler Merz aber nicht teil.",
        "2025-12-15",
    )
    assert all("Friedrich Merz" not in r["participants"] for r in found), found


def test_headline_merges_into_the_body_report(nlp):  # noqa: F811
    found = records(
        nlp,
        "Rubio und Lawrow verhandeln in Riad\n\n"
        "US-Außenminister Marco Rubio und Russlands Außenminister Sergej Lawrow trafen sich am Dienstag "
        "in Riad.",
        "2025-02-18",
    )
    assert [(r["type"], r["date"]) for r in found] == [("meeting", "2025-02-18")]


def test_the_summit_is_the_occasion_not_a_participant_of_a_meeting_on_its_sidelines(nlp):  # noqa: F811
    found = records(
        nlp,
        "Am Rande des Nato-Gipfels in Den Haag traf Trump am Mittwoch Selenskyj.",
        "2025-06-26",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Donald Trump", "Wolodymyr Selenskyj"]


def test_the_next_summit_is_one_of_the_same_group(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs der Nato haben sich am Mittwoch in Den Haag zu ihrem Gipfel "
        "getroffen. Der nächste Gipfel soll im kommenden Jahr in der Türkei stattfinden.",
        "2025-06-26",
    )
    planned = [r for r in found if r["status"] == "planned"]
    assert [(r["type"], r["participants"], r["location"]) for r in planned] == [
        ("multilateral", ["org@NATO"], "Türkei")
    ]


def test_a_companion_is_on_the_callers_side(nlp):  # noqa: F811
    found = records(
        nlp,
        "Macron und Starmer telefonierten am Montag gemeinsam mit Selenskyj mit US-Präsident Trump.",
        "2025-05-13",
    )
    call = _one(found, "phone_call")
    assert call["participants"] == ["Donald Trump", "Emmanuel Macron", "Keir Starmer", "Wolodymyr Selenskyj"]


def test_a_trip_of_one_of_the_travellers_to_the_same_country_is_the_same_visit(nlp):  # noqa: F811
    found = records(
        nlp,
        "Merz, Macron und Tusk sind am Samstag nach Kiew gereist. "
        "Für Merz ist es die erste Reise in die Ukraine als Kanzler.",
        "2025-05-11",
    )
    visit = _one(found, "visit")
    assert visit["location"] == "Kiew"
    assert visit["participants"] == ["Donald Tusk", "Emmanuel Macron", "Friedrich Merz"]


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("Die drei trafen dort Präsident Selenskyj.", "2025-05-10"),
        ("Merz und Macron trafen in der Hauptstadt Präsident Selenskyj.", "2025-05-10"),
    ],
)
def test_an_undated_contact_right_after_a_dated_one_of_the_same_actors_shares_its_day(
    nlp,  # noqa: F811
    second,
    expected,
):
    found = records(nlp, "Merz, Macron und Tusk sind am Samstag nach Kiew gereist. " + second, "2025-05-12")
    assert _one(found, "meeting")["date"] == expected


def test_the_invited_guest_is_the_traveller(nlp):  # noqa: F811
    found = records(
        nlp,
        "Präsident Trump hat Chinas Staatschef Xi Jinping zu einem Staatsbesuch nach Washington eingeladen.",
        "2025-11-04",
    )
    visit = _one(found, "visit")
    assert (visit["participants"], visit["location"], visit["status"]) == (
        ["Xi Jinping"],
        "Washington",
        "planned",
    )


def test_the_leaders_of_a_president_led_state_are_its_president(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs von Frankreich, Italien und Polen kamen am Sonntag "
        "in London zusammen.",
        "2025-03-03",
    )
    assert _one(found, "meeting")["participants"] == ["Donald Tusk", "Emmanuel Macron", "Giorgia Meloni"]


def test_a_travellers_next_contact_is_at_the_place_of_the_visit(nlp):  # noqa: F811
    found = records(
        nlp,
        "Indiens Außenminister Subrahmanyam Jaishankar ist zu einem Besuch in Berlin eingetroffen. "
        "Am Mittwoch trifft er Bundesaußenminister Johann Wadephul.",
        "2025-06-10",
    )
    assert _one(found, "meeting")["location"] == "Berlin"


def test_an_office_after_als_names_no_one_of_its_own(nlp):  # noqa: F811
    found = records(
        nlp,
        "Als erster Regierungschef eines EU-Staates ist Kanzler Olaf Scholz am Freitag nach Peking gereist. "
        "Dort traf er Staatschef Xi Jinping.",
        "2022-11-05",
    )
    assert _one(found, "visit")["participants"] == ["Olaf Scholz"]
    assert _one(found, "meeting")["participants"] == ["Olaf Scholz", "Xi Jinping"]


def test_talks_to_be_continued_are_planned_talks_of_the_same_parties(nlp):  # noqa: F811
    found = records(
        nlp,
        "Unterhändler Russlands und der Ukraine haben am Montag in Istanbul verhandelt. "
        "Am Mittwoch sollen die Gespräche fortgesetzt werden.",
        "2025-06-03",
    )
    planned = [r for r in found if r["status"] == "planned"]
    assert [(r["type"], r["participants"], r["date"]) for r in planned] == [
        ("negotiation", ["delegation@RUS", "delegation@UKR"], "2025-06-04")
    ]


def test_at_a_summit_the_meeting_verb_keeps_its_own_parties(nlp):  # noqa: F811
    found = records(
        nlp,
        "Beim Gipfel der Shanghaier Organisation für Zusammenarbeit in Tianjin kam Modi am Sonntag "
        "mit Xi Jinping zusammen.",
        "2025-09-01",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Narendra Modi", "Xi Jinping"]
    assert meeting["location"] == "Tianjin"


@pytest.mark.parametrize(
    "sentence",
    [
        "Ein Treffen zwischen Putin und Selenskyj ist derzeit nicht geplant.",
        "Der Kreml schloss ein Treffen von Putin mit Selenskyj vorerst aus.",
    ],
)
def test_a_contact_ruled_out_is_no_record(nlp, sentence):  # noqa: F811
    assert records(nlp, sentence, "2025-08-20") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Ein Treffen zwischen Putin und Selenskyj sei nicht ausgeschlossen.",
        "Ein Treffen von Trump und Putin in Budapest sei nicht ausgeschlossen.",
    ],
)
def test_a_contact_not_ruled_out_stays_possible(nlp, sentence):  # noqa: F811
    found = records(nlp, sentence, "2025-08-20")
    assert [(r["type"], r["status"]) for r in found][:1] == [("meeting", "planned")]


def test_a_visit_noun_governed_by_a_travel_verb_is_one_trip(nlp):  # noqa: F811
    found = records(nlp, "Meloni reist am Mittwoch zu einem Arbeitsbesuch nach Washington.", "2025-04-14")
    assert [(r["type"], r["status"], r["date"], r["location"]) for r in found] == [
        ("visit", "planned", "2025-04-16", "Washington")
    ]


def test_who_speaks_after_talks_took_part_in_them(nlp):  # noqa: F811
    found = records(
        nlp,
        "Nach einem Gespräch mit Trump im Weißen Haus sagte Macron, eine Waffenruhe sei in Reichweite.",
        "2025-02-25",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Donald Trump", "Emmanuel Macron"]
    assert meeting["location"] == "Washington"


def test_readiness_without_date_or_place_is_no_planned_contact(nlp):  # noqa: F811
    assert records(nlp, "Selenskyj sagte, er sei zu Gesprächen mit Putin bereit.", "2025-03-05") == []
    found = records(
        nlp, "Selenskyj sagte, er sei bereit, Putin am Donnerstag in Istanbul zu treffen.", "2025-05-12"
    )
    assert [(r["status"], r["date"], r["location"]) for r in found] == [("planned", "2025-05-15", "Istanbul")]


def test_die_beiden_gives_a_later_sentence_the_pair_just_reported(nlp):  # noqa: F811
    found = records(
        nlp,
        "Kanzler Friedrich Merz will in Den Haag mit US-Präsident Donald Trump sprechen. "
        "Ein Treffen der beiden ist für Mittwoch vorgesehen.",
        "2025-06-23",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Donald Trump", "Friedrich Merz"]
    assert meeting["date"] == "2025-06-25"  # the Wednesday, from the second sentence


def test_die_beiden_can_report_an_earlier_contact_of_the_pair(nlp):  # noqa: F811
    found = records(
        nlp,
        "Außenminister Johann Wadephul hat am Montag mit seinem französischen Kollegen Jean-Noël Barrot "
        "telefoniert. Die beiden hatten sich zuletzt im Mai in Warschau getroffen.",
        "2025-06-25",
    )
    call = _one(found, "phone_call")
    meeting = _one(found, "meeting")
    assert call["participants"] == meeting["participants"] == ["Jean-Noël Barrot", "Johann Wadephul"]
    assert (meeting["date"], meeting["location"]) == ("2025-05", "Warschau")


def test_a_group_word_adds_no_one_when_the_pair_is_named(nlp):  # noqa: F811
    found = records(
        nlp,
        "Milei hat am Donnerstag in Brüssel mit der EU-Kommission beraten. "
        "Am Freitag traf Milei in Helsinki den finnischen Regierungschef Petteri Orpo, eine Premiere für "
        "die beiden.",
        "2025-06-28",
    )
    orpo = [r for r in found if "Petteri Orpo" in r["participants"]]
    # Not the last pair reported (Milei and the EU): "der beiden" are the two just named.
    assert [(r["type"], r["participants"]) for r in orpo] == [("meeting", ["Javier Milei", "Petteri Orpo"])]


def test_talks_of_die_beiden_with_nothing_of_their_own_are_no_new_contact(nlp):  # noqa: F811
    found = records(
        nlp,
        "Kanzler Merz hat am Dienstag in Berlin den spanischen Regierungschef Pedro Sánchez empfangen. "
        "Zuvor hatte Merz mit Präsident Macron telefoniert. "
        "Die beiden gingen gemeinsam zum Ort ihres Gesprächs, das eine Stunde dauerte.",
        "2025-06-25",
    )
    assert sorted(r["type"] for r in found) == ["meeting", "phone_call"], found


@pytest.mark.parametrize(
    "second",
    [
        "Die russische Delegation wurde von Wladimir Medinski geleitet, die ukrainische von "
        "Verteidigungsminister Rustem Umerow.",
        "Angeführt wurde die russische Delegation von Wladimir Medinski, die ukrainische von Rustem Umerow.",
        "Für Moskau saß Präsidentenberater Wladimir Medinski am Tisch, für Kiew Rustem Umerow.",
    ],
)
def test_named_delegation_members_take_their_sides_places(nlp, second):  # noqa: F811
    found = records(
        nlp,
        "In Istanbul haben am Freitag Gespräche zwischen Russland und der Ukraine stattgefunden. " + second,
        "2025-05-17",
    )
    talks = _one(found, "negotiation")
    assert talks["participants"] == ["Rustem Umjerow", "Wladimir Medinski"]


def test_a_side_whose_members_are_not_named_stays_a_delegation(nlp):  # noqa: F811
    found = records(
        nlp,
        "In Istanbul haben am Freitag Gespräche zwischen Russland und der Ukraine stattgefunden. "
        "Die russische Delegation wurde von Wladimir Medinski geleitet.",
        "2025-05-17",
    )
    talks = _one(found, "negotiation")
    assert talks["participants"] == ["Wladimir Medinski", "delegation@UKR"]


def test_the_place_before_its_region_is_the_location(nlp):  # noqa: F811
    found = records(
        nlp,
        "Trump und Putin sind am Freitag in Anchorage im US-Bundesstaat Alaska zusammengekommen. "
        "Wadephul traf Barrot am Montag in Genf in der Schweiz.",
        "2025-08-20",
    )
    assert sorted(r["location"] for r in found) == ["Anchorage", "Genf"]


def test_summit_venues_outside_the_capitals_are_locations(nlp):  # noqa: F811
    # Meeting places that are no capital come from the gazetteer (transforms/kb/places.csv).
    found = records(
        nlp,
        "In Liverpool kamen die Außenminister der G7 am Sonntag zusammen. "
        "Biden und Xi trafen sich am Mittwoch in Woodside bei San Francisco.",
        "2023-11-19",
    )
    assert sorted(r["location"] for r in found) == ["Liverpool", "Woodside"]


def test_a_nationality_noun_stands_for_the_person_named_before(nlp):  # noqa: F811
    found = records(
        nlp,
        "Bundeskanzler Olaf Scholz hat am Montag den französischen Präsidenten Emmanuel Macron in "
        "Berlin empfangen. Am Dienstag telefonierte der Franzose mit US-Präsident Joe Biden.",
        "2023-06-14",
    )
    call = _one(found, "phone_call")
    assert call["participants"] == ["Emmanuel Macron", "Joe Biden"]


def test_a_nationality_noun_without_such_a_person_names_nobody(nlp):  # noqa: F811
    # No Portuguese named before: "der Portugiese" is nobody we know, not the last person.
    found = records(
        nlp,
        "Scholz hat am Montag den polnischen Regierungschef Donald Tusk getroffen. "
        "Am Dienstag reist der Portugiese nach Madrid weiter.",
        "2024-05-14",
    )
    assert [r["type"] for r in found] == ["meeting"]


def test_nationality_words_before_a_name_or_as_a_plural_are_no_anaphors():
    from transforms.pipeline.demonyms import demonym_positions

    def positions(text: str) -> list[tuple[str, str]]:
        texts = text.split()
        return [(texts[i], c) for i, c, _ in demonym_positions(texts, [t.lower() for t in texts])]

    assert positions("Die Reaktion der Amerikaner fiel verhalten aus .") == []
    assert positions("Der Schweizer Außenminister kam .") == []
    assert positions("Er sprach mit den Franzosen .") == []
    assert positions("Dann sprach die Italienerin mit dem Amerikaner .") == [
        ("Italienerin", "ITA"),
        ("Amerikaner", "USA"),
    ]


def test_a_phone_call_takes_no_place_from_the_dateline(nlp):  # noqa: F811
    found = records(
        nlp,
        "Berlin (dpa) – Bundeskanzler Friedrich Merz hat am Montag mit US-Präsident Donald Trump "
        "telefoniert. Am Dienstag traf Merz den französischen Präsidenten Emmanuel Macron.",
        "2025-07-15",
    )
    assert _one(found, "phone_call")["location"] is None
    assert _one(found, "meeting")["location"] == "Berlin"


def test_the_minister_alone_is_the_minister_the_report_is_about(nlp):  # noqa: F811
    # "des Ministers": the minister named first in the nearest sentence naming one, not the
    # guest named after him.
    found = records(
        nlp,
        "Außenminister Johann Wadephul hat am Donnerstag seinen britischen Amtskollegen David Lammy "
        "in Berlin empfangen. Für die kommende Woche ist eine Reise des Ministers nach Warschau "
        "geplant, wo er mit Radosław Sikorski zusammentreffen will.",
        "2025-06-20",
    )
    assert _one(found, "visit")["participants"] == ["Johann Wadephul"]
    planned = [r for r in found if r["type"] == "meeting" and r["status"] == "planned"]
    assert [r["participants"] for r in planned] == [["Johann Wadephul", "Radoslaw Sikorski"]]


def test_ministers_in_the_plural_are_no_title_repeat(nlp):  # noqa: F811
    found = records(
        nlp,
        "Außenminister Johann Wadephul hat am Donnerstag seinen britischen Amtskollegen David Lammy "
        "in Berlin empfangen. Am Freitag trafen die Minister in Paris Jean-Noël Barrot.",
        "2025-06-20",
    )
    # "die Minister" are both of them, never one picked out by the title rule.
    one_of_them = (["Jean-Noël Barrot", "Johann Wadephul"], ["David Lammy", "Jean-Noël Barrot"])
    assert not any(r["participants"] in one_of_them for r in found)


def test_a_live_blog_entry_heading_is_the_headline_of_its_entry(nlp):  # noqa: F811
    found = records(
        nlp,
        "Der Tag im Überblick\n\n"
        "+++ 09:10 Uhr: Rutte trifft Selenskyj +++\n"
        "Die Börsen in Asien haben uneinheitlich eröffnet.\n\n"
        "+++ 10:15 Uhr: Macron empfängt Scholz +++\n"
        "Der französische Präsident Emmanuel Macron hat Bundeskanzler Olaf Scholz am Vormittag in "
        "Paris empfangen.\n",
        "2023-06-14",
    )
    meetings = [r for r in found if r["participants"] == ["Emmanuel Macron", "Olaf Scholz"]]
    assert len(meetings) == 1
    assert meetings[0]["evidence"].startswith("Der französische Präsident")


def test_the_leaders_in_the_plural_are_not_the_last_leader_named(nlp):  # noqa: F811
    found = records(
        nlp,
        "Sánchez will in der kommenden Woche nach Rom reisen. Beim Gipfel der Afrikanischen Union "
        "in Addis Abeba trafen sich am Sonntag zahlreiche Staats- und Regierungschefs.",
        "2024-04-22",
    )
    assert _one(found, "multilateral")["participants"] == ["org@AU"]


def test_he_is_never_the_leaders_of_a_group(nlp):  # noqa: F811
    found = records(
        nlp,
        "Der finnische Präsident Alexander Stubb ist am Montag in Den Haag eingetroffen. Die Staats- "
        "und Regierungschefs der NATO beraten dort über die Verteidigungsausgaben. Am Dienstag traf "
        "er den niederländischen Ministerpräsidenten Dick Schoof.",
        "2025-06-24",
    )
    assert ["Alexander Stubb", "Dick Schoof"] in [r["participants"] for r in found]


def test_a_regnal_number_does_not_end_the_sentence(nlp):  # noqa: F811
    found = records(
        nlp,
        "Der spanische König Felipe VI. landete am Donnerstag in Marokko. "
        "Am Freitag empfing Mohammed VI. den Gast in Rabat.",
        "2023-03-04",
    )
    visit = _one(found, "visit")
    assert (visit["participants"], visit["date"], visit["location"]) == (
        ["Felipe VI."],
        "2023-03-02",
        "Marokko",
    )


def test_taking_part_then_talking_on_the_sidelines(nlp):  # noqa: F811
    # "nahm an dem Treffen teil und sprach ...": the particle before "und" completes the verb;
    # the talk "am Rande" is where that meeting was, not at the dateline's place.
    found = records(
        nlp,
        "Istanbul (dpa) - Die Außenminister der NATO-Staaten berieten am Donnerstag im türkischen "
        "Antalya. Bundesaußenminister Johann Wadephul nahm an dem Treffen teil und sprach am Rande "
        "mit seinem türkischen Kollegen Hakan Fidan.",
        "2025-05-16",
    )
    summit = _one(found, "multilateral")
    assert summit["participants"] == ["Johann Wadephul", "org@NATO"]
    talk = _one(found, "meeting")
    assert (talk["participants"], talk["location"]) == (["Hakan Fidan", "Johann Wadephul"], "Antalya")


def test_the_sidelines_of_an_event_not_reported_take_no_place_from_other_contacts(nlp):  # noqa: F811
    found = records(
        nlp,
        "US-Außenminister Antony Blinken ist am Dienstag nach Kiew gereist. Der iranische "
        "Außenminister Abbas Araghtschi soll sich am Dienstag am Rande der UN-Generalversammlung "
        "mit seinem französischen Amtskollegen getroffen haben.",
        "2024-09-10",
    )
    assert _one(found, "meeting")["location"] is None


def test_the_sidelines_of_the_summit_are_where_the_summit_was(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs der NATO sind am Dienstag in Den Haag zu ihrem Gipfel "
        "zusammengekommen. Am Rande des Treffens kam Trump am Mittwoch mit Selenskyj zusammen.",
        "2025-06-26",
    )
    assert _one(found, "meeting")["location"] == "Den Haag"


@pytest.mark.parametrize(
    "sentence",
    [
        "Trump und Xi haben sich am Donnerstag am Rande des G20-Gipfels in Busan getroffen.",
        "Am Rande des G20-Gipfels in Busan trafen sich am Donnerstag Trump und Xi.",
    ],
)
def test_a_meeting_on_the_sidelines_of_a_summit_stays_a_meeting(nlp, sentence):  # noqa: F811
    # Whatever the word order: the two meet; the summit is the group's (with the subject).
    found = records(nlp, sentence, "2025-10-30")
    assert _one(found, "meeting")["participants"] == ["Donald Trump", "Xi Jinping"]
    assert "group@G20" in _one(found, "multilateral")["participants"]


def test_not_ruling_out_a_meeting_makes_it_possible(nlp):  # noqa: F811
    found = records(nlp, "Erdogan schloss ein Treffen mit Assad nicht aus.", "2024-03-05")
    meeting = _one(found, "meeting")
    assert (meeting["status"], meeting["date"]) == ("planned", None)
    assert records(nlp, "Erdogan schloss ein Treffen mit Assad aus.", "2024-03-05") == []


def test_whether_talks_happen_is_no_report_that_they_did(nlp):  # noqa: F811
    found = records(
        nlp, "Ob es zu einem Gespräch zwischen Selenskyj und Putin kommt, ist offen.", "2024-03-05"
    )
    assert all(r["status"] == "planned" for r in found)


def test_continued_talks_keep_their_topics(nlp):  # noqa: F811
    found = records(
        nlp,
        "Unterhändler Russlands und der Ukraine haben am Dienstag in Istanbul über eine Waffenruhe "
        "verhandelt. Die Gespräche sollen fortgesetzt werden; ein Termin steht noch nicht fest.",
        "2025-05-21",
    )
    held = [r for r in found if r["status"] == "occurred"]
    planned = [r for r in found if r["status"] == "planned"]
    assert len(held) == len(planned) == 1, found
    assert held[0]["topics"] and planned[0]["topics"] == held[0]["topics"]


def test_the_host_of_a_summit_just_reported_takes_part(nlp):  # noqa: F811
    found = records(
        nlp,
        "Am Montag kamen die Staats- und Regierungschefs mehrerer EU-Staaten in Paris zu einem "
        "Krisentreffen zusammen. Gastgeber war Präsident Emmanuel Macron.",
        "2025-02-18",
    )
    summit = _one(found, "multilateral")
    assert summit["participants"] == ["Emmanuel Macron", "org@EU"]


def test_a_host_word_adds_no_one_to_a_bilateral_meeting_before_it(nlp):  # noqa: F811
    found = records(
        nlp,
        "Kanzler Merz traf am Montag in Rom Präsident Macron. "
        "Gastgeberin der anschließenden Konferenz war Ministerpräsidentin Giorgia Meloni.",
        "2025-07-11",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Emmanuel Macron", "Friedrich Merz"]


def test_a_conference_call_with_several_leaders_is_one_call(nlp):  # noqa: F811
    found = records(
        nlp,
        "Kanzler Scholz hat am Mittwochabend eine Telefonkonferenz mit den Regierungschefs von "
        "Großbritannien und Polen abgehalten. Im Beisein von Nato-Generalsekretär Mark Rutte ging es um "
        "die Lage in der Ukraine.",
        "2025-03-06",
    )
    call = _one(found, "phone_call")
    assert call["participants"] == ["Donald Tusk", "Keir Starmer", "Mark Rutte", "Olaf Scholz"]
    assert len(found) == 1


def test_a_meeting_planned_on_a_trip_is_the_travellers(nlp):  # noqa: F811
    found = records(
        nlp,
        "Ende des Monats will Ministerpräsident Narendra Modi nach Washington reisen. "
        "Ein Treffen mit Präsident Trump ist geplant, ein Termin steht noch nicht fest.",
        "2025-06-02",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Donald Trump", "Narendra Modi"]
    assert (meeting["status"], meeting["location"]) == ("planned", "Washington")


def test_talks_already_reported_do_not_join_a_traveller(nlp):  # noqa: F811
    found = records(
        nlp,
        "Außenminister Wadephul ist am Montag nach Kairo gereist. "
        "Dort unterbrach Präsident al-Sisi die Beratungen, um mit Netanjahu zu telefonieren.",
        "2025-06-03",
    )
    assert all(r["type"] != "negotiation" and r["type"] != "meeting" for r in found), found


def test_a_list_of_companions_is_no_relative_clause(nlp):  # noqa: F811
    found = records(
        nlp,
        "Am 10. Mai war der Kanzler gemeinsam mit dem französischen Präsidenten Emmanuel Macron, dem "
        "britischen Premier Keir Starmer und dem polnischen Ministerpräsidenten Donald Tusk nach Kiew "
        "gereist.",
        "2025-05-14",
    )
    visit = _one(found, "visit")
    # ", dem britischen Premier ..." continues the list: the date and the traveller count.
    assert visit["date"] == "2025-05-10"
    assert visit["participants"] == ["Donald Tusk", "Emmanuel Macron", "Friedrich Merz", "Keir Starmer"]


@pytest.mark.parametrize(
    ("sentence", "status", "day"),
    [
        ("Am 20. März ist Scholz nach Barcelona gereist.", "occurred", "2022-03-20"),
        ("Am 20. März traf Scholz in Barcelona Regierungschef Pedro Sánchez.", "occurred", "2022-03-20"),
        ("Am 20. März will Scholz nach Barcelona reisen.", "planned", "2023-03-20"),
    ],
)
def test_the_tense_picks_the_year_of_a_day_without_one(nlp, sentence, status, day):  # noqa: F811
    (found,) = records(nlp, sentence, "2022-11-20")
    assert (found["status"], found["date"]) == (status, day)


@pytest.mark.parametrize(
    "sentence",
    ["bricht am Donnerstag zu einer Reise nach Kiew auf", "tritt am Donnerstag eine Reise nach Kiew an"],
)
def test_setting_off_in_the_present_is_ahead(nlp, sentence):  # noqa: F811
    (visit,) = records(nlp, f"Außenministerin Baerbock {sentence}.", "2025-10-15")
    assert (visit["status"], visit["date"]) == ("planned", "2025-10-16")


def test_the_present_after_a_planned_trip_is_planned_too(nlp):  # noqa: F811
    found = records(
        nlp, "Baerbock reist am Montag nach Kiew. Dort trifft sie Präsident Selenskyj.", "2025-10-15"
    )
    meeting = _one(found, "meeting")
    assert (meeting["status"], meeting["date"], meeting["location"]) == ("planned", "2025-10-20", "Kiew")


def test_a_live_blog_entry_of_the_day_gets_the_day(nlp):  # noqa: F811
    (meeting,) = records(nlp, "+++ 14:05 Uhr: Selenskyj trifft Erdogan in Ankara +++", "2025-04-02")
    assert meeting["date"] == "2025-04-02"


def test_a_video_call_takes_no_place_from_the_context(nlp):  # noqa: F811
    found = records(
        nlp,
        "Selenskyj ist am Mittwoch zu einem Besuch in der Türkei eingetroffen. "
        "Am Mittwoch hatten Merz und Macron bereits in einer Videoschalte miteinander gesprochen.",
        "2025-04-02",
    )
    call = _one(found, "phone_call")
    assert call["location"] is None


def test_the_leaders_of_a_so_called_coalition_are_that_coalition(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs der sogenannten Koalition der Willigen haben am Dienstag per "
        "Videoschalte über Sicherheitsgarantien beraten.",
        "2025-04-02",
    )
    assert [r["participants"] for r in found] == [["group@WILLING"]]


def test_one_more_joined_by_video(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Außenminister der G7-Staaten haben am Freitag in einer Videokonferenz über die Lage im "
        "Nahen Osten beraten. Auch der israelische Außenminister Gideon Saar war zugeschaltet.",
        "2025-05-10",
    )
    assert [r["participants"] for r in found] == [["Gideon Saar", "group@G7"]]


def test_the_genitive_after_a_compound_visit_noun_is_the_traveller(nlp):  # noqa: F811
    found = records(
        nlp,
        "König Charles III. hat US-Präsident Donald Trump am Mittwoch auf Schloss Windsor empfangen. "
        "Es ist bereits der zweite Staatsbesuch Trumps in Großbritannien.",
        "2025-09-18",
    )
    visit = _one(found, "visit")
    assert (visit["participants"], visit["location"]) == (["Donald Trump"], "Großbritannien")


def test_a_leader_named_by_office_alone_is_of_the_country_the_sentence_is_in(nlp):  # noqa: F811
    found = records(
        nlp,
        "Außenminister Johann Wadephul reist am Donnerstag in die Golfregion. "
        "Erste Station ist Katar, wo er den Emir treffen will.",
        "2025-10-15",
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Johann Wadephul", "Tamim bin Hamad Al Thani"]
    assert meeting["status"] == "planned"


def test_leaders_of_many_states_are_not_the_leader_of_the_summit_host(nlp):  # noqa: F811
    found = records(
        nlp,
        "Scholz nimmt in Vilnius am Gipfel teil, zu dem mehr als 40 Staats- und Regierungschefs "
        "erwartet werden.",
        "2023-07-11",
    )
    assert all("Gitanas Nausėda" not in r["participants"] for r in found), found


def test_said_to_have_met_is_no_plan(nlp):  # noqa: F811
    (meeting,) = records(
        nlp,
        "Putin und Xi sollen bei ihrem Treffen in Peking auch über Nordkorea gesprochen haben.",
        "2024-05-20",
    )
    assert meeting["status"] == "occurred"


def test_reported_speech_in_the_past_subjunctive_happened(nlp):  # noqa: F811
    (call,) = records(
        nlp,
        "Das Bundeskanzleramt teilte mit, der Bundeskanzler und der designierte US-Präsident Donald Trump "
        "hätten am Sonntagabend miteinander telefoniert.",
        "2024-11-12",
    )
    assert (call["status"], call["date"]) == ("occurred", "2024-11-10")


def test_travelling_on_and_the_place_before_wo(nlp):  # noqa: F811
    found = records(
        nlp,
        "Erste Station ist Kairo, wo US-Außenminister Blinken mit Präsident al-Sisi zusammentreffen wird. "
        "Danach will Blinken nach Israel weiterreisen.",
        "2024-06-10",
    )
    assert _one(found, "meeting")["location"] == "Kairo"
    visit = _one(found, "visit")
    assert (visit["status"], visit["location"]) == ("planned", "Israel")


def test_a_dinner_with_named_guests_is_a_meeting(nlp):  # noqa: F811
    (dinner,) = records(
        nlp, "Am Freitagabend ist ein Abendessen von Macron und Merz im Élysée-Palast geplant.", "2025-03-20"
    )
    assert (dinner["type"], dinner["participants"]) == ("meeting", ["Emmanuel Macron", "Friedrich Merz"])


def test_a_verb_ends_the_reach_of_a_preposition(nlp):  # noqa: F811
    found = records(
        nlp,
        "Am Rande der UN-Generalversammlung war Kanzler Scholz in New York. Unter anderem kam er mit dem "
        "brasilianischen Präsidenten Lula da Silva und dem kenianischen Präsidenten William Ruto zusammen.",
        "2023-09-20",
    )
    # "er" after "Unter anderem kam" is the subject, not a partner of its own.
    meetings = [r["participants"] for r in found if r["type"] == "meeting"]
    assert meetings and all("Olaf Scholz" in p and len(p) >= 2 for p in meetings), found


def test_all_members_of_a_large_group_listed_are_that_group_told_twice_once(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Außenminister der G7 haben sich am Samstag am Rande der Münchner Sicherheitskonferenz "
        "getroffen. Bei dem Treffen der Chefdiplomaten der USA, Frankreichs, Deutschlands, "
        "Großbritanniens, Kanadas, Japans und Italiens war auch der ukrainische Außenminister Andrij "
        "Sybiha zugegen.",
        "2025-02-16",
    )
    summit = _one(found, "multilateral")
    assert summit["participants"] == ["Andrij Sybiha", "group@G7"]
    assert len(found) == 1, found


def test_three_ministers_listed_stay_three_ministers(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Außenminister Deutschlands, Frankreichs und Großbritanniens haben am Montag in Genf mit "
        "ihrem iranischen Amtskollegen Abbas Araghtschi verhandelt.",
        "2025-06-24",
    )
    assert not any(p.startswith("group@") for r in found for p in r["participants"]), found


def test_a_hyphenated_compound_names_the_contact(nlp):  # noqa: F811
    # 10 July 2023 was a Monday.
    found = records(nlp, "Am Dienstag beginnt in Vilnius der Nato-Gipfel.", "2023-07-10")
    summit = _one(found, "multilateral")
    assert (summit["status"], summit["date"], summit["location"]) == ("planned", "2023-07-11", "Vilnius")
    assert summit["participants"] == ["org@NATO"]


def test_getagt_is_a_multilateral_meeting(nlp):  # noqa: F811
    found = records(nlp, "Die Außenminister der G7 hatten am Freitag in Münster getagt.", "2022-11-05")
    summit = _one(found, "multilateral")
    assert (summit["status"], summit["date"]) == ("occurred", "2022-11-04")
    assert "group@G7" in summit["participants"]


def test_a_meeting_under_way_since_a_weekday_began_on_the_last_one(nlp):  # noqa: F811
    # 10 September 2023 was a Sunday: "seit Samstag" is the day before, not the next Saturday.
    found = records(nlp, "Die G20 tagt seit Samstag in Neu-Delhi.", "2023-09-10")
    summit = _one(found, "multilateral")
    assert (summit["status"], summit["date"]) == ("occurred", "2023-09-09")


@pytest.mark.parametrize(
    ("published", "status"),
    [("2024-06-05", "planned"), ("2024-05-20", "planned"), ("2024-06-27", "occurred")],
)
def test_a_later_part_of_the_month_lies_ahead(nlp, published, status):  # noqa: F811
    found = records(nlp, "Ende Juni folgt der EU-Gipfel in Brüssel.", published)
    assert _one(found, "multilateral")["status"] == status


def test_a_contact_noun_that_is_what_es_is_refers_back(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs der Nato kamen am Dienstag in Vilnius zusammen. "
        "Für Biden war es voraussichtlich der dritte Nato-Gipfel seiner Amtszeit.",
        "2023-07-12",
    )
    summit = _one(found, "multilateral")
    assert (summit["status"], summit["date"]) == ("occurred", "2023-07-11")
    assert "Joe Biden" in summit["participants"]  # he was there


def test_a_call_set_for_a_day_is_ahead_and_apart_from_an_earlier_one(nlp):  # noqa: F811
    # 6 December 2022 was a Tuesday: "für Freitag" is the 9th.
    found = records(
        nlp,
        "Kanzler Olaf Scholz und Präsident Emmanuel Macron wollen in dieser Woche erneut miteinander "
        "sprechen. Für Freitag sei ein Telefonat der beiden vereinbart, hieß es in Berlin. "
        "Anfang Dezember hatten Scholz und Macron bereits miteinander telefoniert.",
        "2022-12-06",
    )
    calls = sorted((r["status"], r["date"]) for r in found if r["type"] == "phone_call")
    assert calls == [("occurred", "2022-12"), ("planned", "2022-12-09")], found


def test_a_further_round_continues_the_last_talks(nlp):  # noqa: F811
    found = records(
        nlp,
        "Vertreter Armeniens und Aserbaidschans haben am Montag in Washington verhandelt. "
        "Eine weitere Runde soll im Januar folgen. Die Runde der Vermittler blieb skeptisch.",
        "2025-12-09",
    )
    talks = sorted((r["status"], r["date"]) for r in found if r["type"] == "negotiation")
    assert talks == [("occurred", "2025-12-08"), ("planned", "2026-01")], found
    assert len(found) == 2, found


def test_two_countries_opening_the_sentence_are_the_sides(nlp):  # noqa: F811
    found = records(
        nlp,
        "Armenien und Aserbaidschan haben am Montag in Abu Dhabi verhandelt. "
        "Beide Seiten wollen im Frühjahr erneut zusammenkommen.",
        "2025-03-11",
    )
    talks = sorted((r["status"], tuple(r["participants"])) for r in found if r["type"] == "negotiation")
    sides = ("delegation@ARM", "delegation@AZE")
    assert talks == [("occurred", sides), ("planned", sides)], found


def test_a_country_that_is_not_a_side_stays_out(nlp):  # noqa: F811
    found = records(nlp, "In Russland traf Lawrow am Montag seinen chinesischen Amtskollegen.", "2025-03-11")
    assert all(not p.startswith("delegation@") for r in found for p in r["participants"]), found


def test_the_g7_and_g20_by_their_description(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs der sieben großen Industrienationen trafen sich am Sonntag "
        "in Hiroshima. Die Gruppe der 20 führenden Wirtschaftsmächte tagt seit Samstag in Rio.",
        "2023-05-22",
    )
    groups = sorted(p for r in found if r["type"] == "multilateral" for p in r["participants"])
    assert groups == ["group@G20", "group@G7"], found


def test_a_host_welcoming_the_guests_of_a_summit_is_that_summit(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Staats- und Regierungschefs der G7 beraten seit Sonntag in Hiroshima. Gastgeber "
        "Ministerpräsident Fumio Kishida begrüßte zum Auftakt Joe Biden, Emmanuel Macron und Olaf Scholz.",
        "2023-05-22",
    )
    summit = _one(found, "multilateral")
    assert {"group@G7", "Joe Biden", "Emmanuel Macron", "Olaf Scholz"} <= set(summit["participants"])
    assert [r for r in found if r["type"] == "meeting"] == [], found


def test_what_the_talks_were_about_goes_to_the_talks_before(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Außenminister der G7 trafen sich am Montag in Karuizawa. "
        "Der Ort liegt in den Bergen, zwei Stunden von Tokio entfernt, und ist im Sommer voller Gäste. "
        "Im Zentrum der Beratungen stand der russische Angriffskrieg gegen die Ukraine. "
        "Baerbock traf am Dienstag Hayashi.",
        "2023-04-19",
    )
    assert "ukraine_war" in _one(found, "multilateral")["topics"], found


def test_two_countries_right_after_the_finite_verb_are_the_sides(nlp):  # noqa: F811
    found = records(
        nlp,
        "Nach monatelanger Pause haben Serbien und das Kosovo am Mittwoch in Brüssel verhandelt.",
        "2025-03-13",
    )
    assert sorted(_one(found, "negotiation")["participants"]) == ["delegation@SRB", "delegation@XKX"], found


def test_mit_dabei_adds_one_more_to_the_contact_just_reported(nlp):  # noqa: F811
    found = records(
        nlp,
        "Die Außenminister der G20 trafen sich am Mittwoch in Rio. Mit dabei war auch Sergej Lawrow.",
        "2024-02-22",
    )
    summit = _one(found, "multilateral")
    assert "Sergej Lawrow" in summit["participants"] and len(found) == 1, found


def test_an_announced_or_offered_contact_is_planned_between_its_sides(nlp):  # noqa: F811
    found = records(
        nlp,
        "Erdogan bot Gespräche zwischen Aserbaidschan und Armenien an. "
        "Macron kündigte ein Treffen mit Sánchez an.",
        "2025-02-03",
    )
    found = sorted((r["type"], r["status"], tuple(sorted(r["participants"]))) for r in found)
    assert found == [
        ("meeting", "planned", ("Emmanuel Macron", "Pedro Sánchez")),
        ("negotiation", "planned", ("delegation@ARM", "delegation@AZE")),
    ], found


def test_a_relative_clause_tells_when_the_contact_takes_place(nlp):  # noqa: F811
    # 5 March 2025 was a Wednesday: "am kommenden Montag" is the 10th.
    found = records(
        nlp,
        "Macron kündigte ein Treffen mit Sánchez an, das am kommenden Montag in Madrid stattfinden soll.",
        "2025-03-05",
    )
    meeting = _one(found, "meeting")
    assert (meeting["status"], meeting["date"]) == ("planned", "2025-03-10"), found


def test_auf_einer_seite_names_delegation_members_not_new_talks(nlp):  # noqa: F811
    found = records(
        nlp,
        "Nach langen Verhandlungen in Genf haben sich Armenien und Aserbaidschan am Montag auf einen "
        "Text verständigt. Auf armenischer Seite verhandelte Außenminister Ararat Mirsojan.",
        "2025-03-11",
    )
    talks = _one(found, "negotiation")
    assert talks["participants"] == ["Ararat Mirsojan", "delegation@AZE"], found


def test_talks_between_russia_and_ukraine_since_the_invasion_are_about_ending_the_war(nlp):  # noqa: F811
    found = records(
        nlp, "Vertreter Russlands und der Ukraine trafen sich am Freitag in Istanbul.", "2025-05-17"
    )
    talks = [r for r in found if {"delegation@RUS", "delegation@UKR"} <= set(r["participants"])]
    assert talks, found
    assert {"peace_talks", "ukraine_war"} <= set(talks[0]["topics"])


def test_a_contact_with_one_side_is_about_the_war_only_in_an_article_about_it(nlp):  # noqa: F811
    sentence = "Kanzler Merz hat am Montag mit Präsident Selenskyj telefoniert."
    about_the_war = records(nlp, "Der Krieg in der Ukraine dauert an. " + sentence, "2025-06-03")
    call = _one(about_the_war, "phone_call")
    assert "ukraine_war" in call["topics"]
    about_something_else = records(nlp, "Die Bahn streikt. " + sentence, "2025-06-03")
    assert "ukraine_war" not in _one(about_something_else, "phone_call")["topics"]
    # Before the invasion a contact with either side is not about a war yet.
    before = records(nlp, "Der Krieg in der Ukraine dauert an. " + sentence, "2021-06-03")
    assert all("ukraine_war" not in r["topics"] for r in before), before


def test_ending_the_war_in_a_verb_or_genitive_is_peace_talks(nlp):  # noqa: F811
    found = records(
        nlp,
        "Trump und Putin wollen sich bald treffen, um den Krieg in der Ukraine zu beenden.",
        "2025-02-14",
    )
    assert "peace_talks" in _one(found, "meeting")["topics"]
    found = records(
        nlp,
        "Rubio und Sybiha berieten am Dienstag über ein Ende des russischen Kriegs gegen die Ukraine.",
        "2025-03-12",
    )
    assert found and {"peace_talks", "ukraine_war"} <= set(found[0]["topics"]), found


def test_a_part_of_the_day_goes_on_with_the_day_of_the_report(nlp):  # noqa: F811
    found = records(
        nlp,
        "Rom – Außenminister Wadephul ist heute zu Gesprächen nach Rom gereist. Dort empfing ihn "
        "Außenminister Antonio Tajani.\n\nBeide lobten die enge Abstimmung. Tajani sprach von "
        "einem guten Tag für Europa. Wadephul dankte für den Empfang.\n\n"
        "Am Nachmittag traf Wadephul in Rom Ministerpräsidentin Giorgia Meloni.",
        "2025-06-03",
    )
    with_meloni = [r for r in found if "Giorgia Meloni" in r["participants"]]
    assert with_meloni and with_meloni[0]["date"] == "2025-06-03", found


def test_what_comes_next_goes_on_with_the_plan_across_paragraphs(nlp):  # noqa: F811
    found = records(
        nlp,
        "Wadephul kommt am Dienstag in Warschau mit Sikorski zusammen.\n\nDer Termin gilt als "
        "wichtig. Ein Sprecher sprach von enger Abstimmung.\n\n"
        "Anschließend fliegt Wadephul nach Eriwan.",
        "2025-11-17",
    )
    visit = _one(found, "visit")
    assert (visit["status"], visit["date"]) == ("planned", "2025-11-18"), found


def test_the_plural_present_with_a_weekday_is_ahead(nlp):  # noqa: F811
    # Published on a Tuesday.
    ahead = records(nlp, "Die Außenminister der G7 kommen am Mittwoch in Kyoto zusammen.", "2024-03-12")
    summit = _one(ahead, "multilateral")
    assert (summit["status"], summit["date"]) == ("planned", "2024-03-13")
    ahead = records(nlp, "Sikorski und Wadephul treffen sich am Freitag in Berlin.", "2025-06-03")
    assert (_one(ahead, "meeting")["status"], _one(ahead, "meeting")["date"]) == ("planned", "2025-06-06")
    # The past and the infinitive look back.
    for sentence in (
        "Sikorski und Wadephul trafen sich am Freitag in Berlin.",
        "Sikorski und Wadephul konnten sich am Freitag in Berlin treffen.",
    ):
        assert _one(records(nlp, sentence, "2025-06-03"), "meeting")["date"] == "2025-05-30", sentence


def test_a_contact_at_which_something_was_agreed_happened(nlp):  # noqa: F811
    found = records(
        nlp,
        "Sikorski und Wadephul vereinbarten bei ihrem Treffen in Berlin eine engere Zusammenarbeit.",
        "2025-06-03",
    )
    assert _one(found, "meeting")["status"] == "occurred"
    for sentence in (
        "Merz und Starmer vereinbarten in einem Telefonat eine engere Zusammenarbeit.",
        "Wadephul und Sikorski verabredeten im Gespräch am Rande des Gipfels eine engere Abstimmung.",
    ):
        found = records(nlp, sentence, "2025-06-03")
        assert found and all(r["status"] == "occurred" for r in found), (sentence, found)
    # What was agreed is ahead.
    found = records(
        nlp, "Sikorski und Wadephul vereinbarten nach dem Gespräch ein Treffen in Warschau.", "2025-06-03"
    )
    assert any(r["status"] == "planned" and r["location"] == "Warschau" for r in found), found


def test_defence_ministers_named_by_their_group_meet_as_that_group(nlp):  # noqa: F811
    for sentence in (
        "Die Nato-Verteidigungsminister kamen am Montag in Brüssel zusammen.",
        "Die Verteidigungsminister der Nato kamen am Montag in Brüssel zusammen.",
    ):
        summit = _one(records(nlp, sentence, "2025-06-03"), "multilateral")
        assert summit["participants"] == ["org@NATO"] and summit["location"] == "Brüssel", sentence


def test_whom_the_verb_names_after_the_occasion_meets_at_it(nlp):  # noqa: F811
    # As "Am Rande des Gipfels traf Merz ...": the two meet, the summit has its subject.
    found = records(
        nlp, "Merz traf am Rande des G20-Gipfels in Johannesburg den indischen Premier Modi.", "2025-11-23"
    )
    meeting = _one(found, "meeting")
    assert meeting["participants"] == ["Friedrich Merz", "Narendra Modi"]
    assert "Narendra Modi" not in _one(found, "multilateral")["participants"]


def test_talking_on_the_telephone_is_a_phone_call(nlp):  # noqa: F811
    for sentence in (
        "Meloni sprach am Telefon mit Merz.",
        "Meloni und Merz sprachen am Dienstag am Telefon.",
        "Meloni hat mit Merz am Telefon gesprochen.",
    ):
        call = _one(records(nlp, sentence, "2025-06-05"), "phone_call")
        assert call["participants"] == ["Friedrich Merz", "Giorgia Meloni"], sentence


def test_the_contact_a_trip_goes_to_happens_when_the_trip_does(nlp):  # noqa: F811
    # Published on a Thursday: the weekend and the Monday are ahead.
    found = records(nlp, "Kanzler Merz reist am Wochenende zum EU-Gipfel nach Brüssel.", "2025-02-20")
    summit = _one(found, "multilateral")
    assert (summit["status"], summit["date"]) == ("planned", "2025-02-22")
    found = records(nlp, "Blinken reist am Montag zu Gesprächen mit Netanjahu nach Israel.", "2025-02-20")
    talks = _one(found, "meeting")
    assert (talks["status"], talks["date"]) == ("planned", "2025-02-24")


def test_counterparts_from_countries_are_their_office_holders(nlp):  # noqa: F811
    for sentence in (
        "Wadephul telefonierte mit seinen Amtskollegen aus Frankreich und Großbritannien.",
        "Wadephul telefonierte mit seinen Amtskollegen Frankreichs und Großbritanniens.",
    ):
        call = _one(records(nlp, sentence, "2025-06-05"), "phone_call")
        assert call["participants"] == ["David Lammy", "Jean-Noël Barrot", "Johann Wadephul"], sentence
    call = _one(
        records(nlp, "Wadephul telefonierte mit seinem Amtskollegen aus Polen.", "2025-06-05"), "phone_call"
    )
    assert call["participants"] == ["Johann Wadephul", "Radoslaw Sikorski"]


def test_separable_cancellations_leave_no_record(nlp):  # noqa: F811
    for sentence in (
        "Erdogan sagte einen geplanten Besuch in Israel ab.",
        "Der Gipfel in Amman mit Abbas und al-Sisi fällt aus.",
        "Das Treffen zwischen Biden und Abbas ist ausgefallen.",
    ):
        assert records(nlp, sentence, "2023-10-18") == [], sentence
    # "fielen sehr offen aus": they turned out so, and took place.
    found = records(nlp, "Die Gespräche zwischen Biden und Netanjahu fielen sehr offen aus.", "2023-10-18")
    assert _one(found, "meeting")["participants"] == ["Benjamin Netanjahu", "Joe Biden"]


def test_a_guest_of_someone_meets_the_host(nlp):  # noqa: F811
    found = records(
        nlp,
        "Wadephul ist heute zu Gast bei seinem polnischen Amtskollegen Sikorski in Warschau.",
        "2025-06-05",
    )
    assert _one(found, "visit")["location"] == "Warschau"
    assert _one(found, "meeting")["participants"] == ["Johann Wadephul", "Radoslaw Sikorski"]


def test_stopovers_and_side_trips_are_visits(nlp):  # noqa: F811
    for sentence, place in (
        ("Auf dem Rückweg legte Wadephul einen Zwischenstopp in Warschau ein.", "Warschau"),
        ("Merz machte einen Abstecher nach Kiew.", "Kiew"),
        ("Wadephul kam zu einer Stippvisite nach Paris.", "Paris"),
    ):
        assert _one(records(nlp, sentence, "2025-06-05"), "visit")["location"] == place, sentence


def test_a_meeting_taking_place_in_a_subordinate_clause_is_ahead(nlp):  # noqa: F811
    # Published on a Friday: "am Mittwoch ... stattfindet" is next Wednesday.
    found = records(
        nlp,
        "Wadephul reist weiter nach Tokio, wo am Mittwoch ein Treffen der G7-Außenminister stattfindet.",
        "2025-03-14",
    )
    summit = _one(found, "multilateral")
    assert (summit["status"], summit["date"], summit["location"]) == ("planned", "2025-03-19", "Tokio")


def test_an_opening_nach_is_after_when_the_trip_goes_on_nach_elsewhere(nlp):  # noqa: F811
    trip = _one(records(nlp, "Nach China reist Wadephul weiter nach Tokio.", "2025-03-14"), "visit")
    assert trip["location"] == "Tokio"
    trip = _one(records(nlp, "Nach Kiew reiste Merz am Montag.", "2025-03-14"), "visit")
    assert trip["location"] == "Kiew"
    # The trip before the verb is one of its own.
    found = records(nlp, "Nach seinem Besuch in Israel flog Wadephul weiter nach Kairo.", "2025-03-14")
    assert sorted(r["location"] for r in found if r["type"] == "visit") == ["Israel", "Kairo"]


def test_a_trip_named_by_its_destination_goes_there(nlp):  # noqa: F811
    trip = _one(
        records(nlp, "Wadephul bricht am Sonntag zu seiner ersten China-Reise auf.", "2025-03-14"), "visit"
    )
    assert (trip["status"], trip["date"], trip["location"]) == ("planned", "2025-03-16", "China")
    trip = _one(records(nlp, "Merz hat seinen Kiew-Besuch beendet.", "2025-03-14"), "visit")
    assert trip["location"] == "Kiew"


def test_a_fronted_occasion_ends_at_the_finite_verb(nlp):  # noqa: F811
    found = records(
        nlp,
        "Am Rande des G20-Gipfels in Johannesburg will Merz am Samstag den indischen Premier Modi treffen.",
        "2025-11-20",
    )
    meeting = _one(found, "meeting")
    assert (meeting["status"], meeting["participants"]) == ("planned", ["Friedrich Merz", "Narendra Modi"])
    assert _one(found, "multilateral")["participants"] == ["Friedrich Merz", "group@G20"]


def test_a_contact_before_the_trip_does_not_take_its_destination(nlp):  # noqa: F811
    found = records(nlp, "Nach dem Treffen mit Macron reiste Merz weiter nach Warschau.", "2025-06-11")
    assert _one(found, "meeting")["location"] is None
    assert _one(found, "visit")["location"] == "Warschau"
    # The place the sentence gives the contact itself stays.
    found = records(nlp, "Nach einem Gespräch mit Tusk in Warschau flog Merz nach Vilnius.", "2025-06-11")
    assert _one(found, "meeting")["location"] == "Warschau"
    # A contact the trip leads to is at its destination.
    found = records(nlp, "Merz reiste nach Warschau, wo er Tusk traf.", "2025-06-11")
    assert _one(found, "meeting")["location"] == "Warschau"


def test_the_speaker_after_a_fronted_contact_is_the_one_who_met(nlp):  # noqa: F811
    for sentence, expected in (
        (
            "Nach dem Treffen mit Selenskyj kündigte Trump neue Hilfen an.",
            ["Donald Trump", "Wolodymyr Selenskyj"],
        ),
        (
            "Nach seinem Telefonat mit Macron erklärte Merz, Europa müsse handeln.",
            ["Emmanuel Macron", "Friedrich Merz"],
        ),
        (
            "Beim Treffen mit Tusk in Warschau betonte der Kanzler die Partnerschaft.",
            ["Donald Tusk", "Friedrich Merz"],
        ),
    ):
        (contact,) = records(nlp, sentence, "2025-06-11")
        assert contact["participants"] == expected, sentence
    # A ministry that reports the talks is their source, not the one who held them.
    assert (
        records(nlp, "Nach den Gesprächen mit Rubio teilte das Auswärtige Amt mit, man sei zufrieden.") == []
    )


def test_trade_and_ukraine_named_plainly_as_topics_of_the_talks(nlp):  # noqa: F811
    (meeting,) = records(nlp, "Merz empfing Carney. Es ging um die Ukraine und den Handel.", "2025-06-11")
    assert meeting["topics"] == ["trade", "ukraine_war"]
    # The verb "handeln" is no trade talk.
    (meeting,) = records(
        nlp, "Europa müsse jetzt handeln, sagte Merz nach dem Treffen mit Carney.", "2025-06-11"
    )
    assert "trade" not in meeting["topics"]


def test_a_purpose_clause_has_the_whole_subject_of_its_main_clause(nlp):  # noqa: F811
    found = records(
        nlp, "Meloni und Rutte reisten nach Tunis, um mit Präsident Kais Saied zu sprechen.", "2024-03-12"
    )
    assert _one(found, "meeting")["participants"] == ["Giorgia Meloni", "Kais Saied", "Mark Rutte"]
    assert _one(found, "visit")["participants"] == ["Giorgia Meloni", "Mark Rutte"]


def test_a_talk_held_on_the_sidelines_is_a_meeting_of_those_who_held_it(nlp):  # noqa: F811
    found = records(
        nlp,
        "Lawrow und Blinken führten am Rande des G20-Treffens in Neu-Delhi ein kurzes Gespräch.",
        "2024-02-14",
    )
    meeting = _one(found, "meeting")
    assert (meeting["participants"], meeting["location"]) == (
        ["Antony Blinken", "Sergej Lawrow"],
        "Neu-Delhi",
    )
    # An occasion that is no contact word of its own is no participant of the talk.
    found = records(
        nlp, "Lawrow und Blinken führten am Rande der UN-Generalversammlung ein Gespräch.", "2024-02-14"
    )
    assert [(r["type"], r["participants"]) for r in found] == [
        ("meeting", ["Antony Blinken", "Sergej Lawrow"])
    ]


def test_miteinander_closing_a_long_clause_makes_the_talk(nlp):  # noqa: F811
    found = records(
        nlp, "Lawrow und Blinken sprachen am Rande des G20-Treffens kurz miteinander.", "2024-02-14"
    )
    assert _one(found, "meeting")["participants"] == ["Antony Blinken", "Sergej Lawrow"]
    # A "mit" that far off belongs to another word.
    found = records(
        nlp,
        "Scholz und Macron sprachen sich am Freitag in Paris gegen die Drohung mit Atomwaffen aus.",
        "2024-02-14",
    )
    assert not any(r["type"] == "meeting" for r in found), found


def test_a_clause_that_ends_with_nicht_negates_its_contact_verb(nlp):  # noqa: F811
    for sentence in (
        "Blinken traf Netanjahu am Montag nicht.",
        "Xi kam mit Biden in San Francisco nicht zusammen.",
    ):
        assert records(nlp, sentence, "2024-02-14") == [], sentence
    # The negation of something else in the clause leaves the contact.
    found = records(nlp, "Merz traf Macron am Montag und nicht am Dienstag.", "2024-02-14")
    assert _one(found, "meeting")["date"] == "2024-02-12"


def test_companions_named_after_the_travel_verb_travel_too(nlp):  # noqa: F811
    found = records(nlp, "Macron reist am Montag gemeinsam mit Scholz und Tusk nach Kiew.", "2024-02-14")
    assert _one(found, "visit")["participants"] == ["Donald Tusk", "Emmanuel Macron", "Olaf Scholz"]
    # A partner of talks the trip is for is no companion.
    found = records(nlp, "Scholz reist zu Gesprächen mit Macron nach Paris.", "2024-02-14")
    assert _one(found, "visit")["participants"] == ["Olaf Scholz"]


def test_a_time_still_ahead_of_a_report_of_the_same_day_is_planned(nlp):  # noqa: F811
    # Published on a Monday (SCHEMA: "trifft an diesem Montag um 13 Uhr" that morning is planned).
    for sentence in (
        "Scholz trifft an diesem Montag um 13 Uhr den US-Präsidenten.",
        "Heute Abend trifft der Bundeskanzler den US-Präsidenten im Weißen Haus.",
        "Ende der Woche empfängt der Kanzler den brasilianischen Präsidenten Lula da Silva.",
    ):
        (meeting,) = records(nlp, sentence, "2024-02-12")
        assert meeting["status"] == "planned", sentence
    # "Findet heute statt" happened, as does a live blog's entry and a past clock time.
    for sentence in (
        "Scholz und Macron treffen sich heute in Paris.",
        "14:05 Uhr – Selenskyj trifft Erdogan in Ankara.",
        "Am Montag traf Scholz um 13 Uhr den US-Präsidenten.",
    ):
        (meeting,) = records(nlp, sentence, "2024-02-12")
        assert meeting["status"] == "occurred", sentence


def test_the_place_of_the_event_a_date_counts_from_is_not_the_contacts(nlp):  # noqa: F811
    (call,) = records(
        nlp, "Zwei Tage nach den Genfer Gesprächen telefonierte Biden mit Selenskyj.", "2024-02-12"
    )
    assert call["location"] is None
    # The talks named by the place adjective are there.
    (talks,) = records(nlp, "Bei den Genfer Gesprächen trafen sich Rubio und Lawrow.", "2024-02-12")
    assert talks["location"] == "Genf"


def test_a_trip_still_ahead_is_no_place_for_what_already_happened(nlp):  # noqa: F811
    found = records(
        nlp,
        "Am Dienstag will Wadephul in Peking Han Zheng treffen. "
        "Anschließend reist er weiter nach Shanghai.\n\n"
        "Vor seiner Abreise hatte Wadephul mit US-Außenminister Marco Rubio telefoniert.",
        "2025-12-08",
    )
    assert _one(found, "phone_call")["location"] is None
    # A trip that has begun hosts what is ahead.
    found = records(
        nlp,
        "Jaishankar ist zu einem Besuch in Berlin eingetroffen. Am Mittwoch trifft er Wadephul.",
        "2025-12-08",
    )
    assert _one(found, "meeting")["location"] == "Berlin"


def test_unknown_office_holders_with_a_title_the_kb_lacks_and_a_known_surname(nlp):  # noqa: F811
    # A vice president or trade minister the knowledge base does not hold is an actor of its own.
    (meeting,) = records(
        nlp, "Am Dienstag will Wadephul den chinesischen Vizepräsidenten Han Zheng treffen.", "2025-12-08"
    )
    assert meeting["participants"] == ["Han Zheng", "Johann Wadephul"]
    # "Wang" alone is Wang Yi; "Handelsminister Wang Wentao" is someone else.
    (meeting,) = records(nlp, "Wadephul traf den chinesischen Handelsminister Wang Wentao.", "2025-12-08")
    assert meeting["participants"] == ["Johann Wadephul", "Wang Wentao"]
    (meeting,) = records(nlp, "Wadephul traf Wang am Montag.", "2025-12-10")
    assert meeting["participants"] == ["Johann Wadephul", "Wang Yi"]
    # An unnamed holder of an office that is not resolved by date keeps its role id.
    (meeting,) = records(nlp, "Der US-Vizepräsident traf Selenskyj.", "2025-02-14")
    assert meeting["participants"] == ["Wolodymyr Selenskyj", "vice_president@USA"]


def test_kurz_zuvor_is_an_adverb_not_sebastian_kurz(nlp):  # noqa: F811
    (call,) = records(nlp, "Kurz zuvor hatte Selenskyj mit dem britischen Premier telefoniert.", "2021-03-07")
    assert call["participants"] == ["Boris Johnson", "Wolodymyr Selenskyj"]
    (meeting,) = records(nlp, "Kurz traf Merkel in Wien.", "2021-03-07")
    assert meeting["participants"] == ["Angela Merkel", "Sebastian Kurz"]


def test_the_nato_headquarters_is_a_place_not_a_participant(nlp):  # noqa: F811
    (meeting,) = records(
        nlp, "Selenskyj traf Generalsekretär Mark Rutte im Nato-Hauptquartier.", "2025-08-20"
    )
    assert (meeting["type"], meeting["participants"]) == ("meeting", ["Mark Rutte", "Wolodymyr Selenskyj"])
    # A summit of the organization still has it take part.
    (summit,) = records(nlp, "Selenskyj nahm am Nato-Gipfel in Den Haag teil.", "2025-06-26")
    assert "org@NATO" in summit["participants"]


def test_the_whole_subject_was_at_the_summit_on_whose_sidelines_they_met(nlp):  # noqa: F811
    found = records(nlp, "Biden und Xi trafen sich am Rande des Apec-Gipfels in Kalifornien.", "2024-07-03")
    assert _one(found, "meeting")["participants"] == ["Joe Biden", "Xi Jinping"]
    assert _one(found, "multilateral")["participants"] == ["Joe Biden", "Xi Jinping", "group@APEC"]
    # The object met on the sidelines is not said to attend the summit.
    found = records(nlp, "Baerbock traf am Rande des Nato-Gipfels ihren US-Kollegen Blinken.", "2024-07-03")
    assert _one(found, "multilateral")["participants"] == ["Annalena Baerbock", "org@NATO"]
