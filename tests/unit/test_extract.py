"""The matcher's rules, and the seed article through the real gazetteer."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import yaml

from ingest.extract import extract, load_gazetteer
from ingest.extract.gazetteer import GazetteerError
from ingest.normalize import clean_text
from tests.conftest import seed_article

GAZ = load_gazetteer()


def _actors(title: str, text: str) -> set[str]:
    return {GAZ.actor(a).name for a in extract(GAZ, "x", clean_text(title), clean_text(text)).actor_ids()}


def _topics(title: str, text: str) -> set[str]:
    return set(extract(GAZ, "x", clean_text(title), clean_text(text)).topic_ids())


def test_seed_article_names_its_actors_and_topics() -> None:
    title, body = seed_article()
    actors = _actors(title, body)
    assert {
        "Mark Rutte",
        "Xi Jinping",
        "Vladimir Putin",
        "NATO",
        "China",
        "Russia",
        "Taiwan",
        "North Korea",
        "Iran",
        "Ukraine",
        "Japan",
        "Poland",
        "People's Liberation Army Navy",
        "United States",
    } <= actors
    assert {"taiwan_strait", "nuclear_weapons", "naval_power", "russia_ukraine_war", "nato_alliance"} <= _topics(title, body)


def test_metonyms_count_for_their_state() -> None:
    actors = _actors("", "Officials in Pyongyang and Tehran welcomed the statement; the Kremlin said nothing.")
    assert {"North Korea", "Iran", "Russia"} <= actors


def test_short_forms_count_only_beside_the_full_name() -> None:
    assert "Xi Jinping" not in _actors("Xi said", "Xi spoke.")
    assert "Xi Jinping" in _actors("Xi said", "Chinese President Xi Jinping spoke. Later Xi left.")


def test_word_boundaries_are_unicode_aware_and_case_matters_for_actors() -> None:
    assert "Russia" not in _actors("", "Prussian history and Belarussians")
    assert "United States" not in _actors("", "give us the plan")


def test_offsets_point_at_the_surface_in_the_clean_text() -> None:
    title, body = seed_article()
    text = clean_text(body)
    for mention in extract(GAZ, "seed", clean_text(title), text).mentions:
        source = clean_text(title) if mention.field == "title" else text
        assert source[mention.start : mention.end].casefold() == mention.surface.casefold()


def test_gazetteer_rejects_an_alias_owned_by_two_actors(tmp_path: Path) -> None:
    (tmp_path / "actors.yaml").write_text(
        "actors:\n  - {id: a, name: A, type: state, aliases: [Georgia]}\n  - {id: b, name: B, type: state, aliases: [Georgia]}\n"
    )
    (tmp_path / "topics.yaml").write_text("topics: []\n")
    with pytest.raises(GazetteerError, match="Georgia"):
        load_gazetteer(tmp_path)


def test_the_fast_yaml_loader_reads_the_gazetteer_as_the_reference_loader_does() -> None:
    from ingest.extract.gazetteer import DATA_DIR, YAML_LOADER

    assert YAML_LOADER.__name__ == "CSafeLoader"  # the locked PyYAML wheel has libyaml
    for name in ("actors.yaml", "topics.yaml"):
        content = (DATA_DIR / name).read_bytes()
        assert yaml.load(content, Loader=YAML_LOADER) == yaml.safe_load(content)


def test_gazetteer_covers_the_contract_names() -> None:
    names = {a.name for a in GAZ.actors}
    assert {
        "Xi Jinping",
        "Vladimir Putin",
        "Mark Rutte",
        "NATO",
        "China",
        "Russia",
        "Taiwan",
        "United States",
        "North Korea",
        "People's Liberation Army Navy",
    } <= names
    assert {a.type for a in GAZ.actors} == {"person", "state", "organisation", "armed_force", "armed_group"}
    assert {
        "taiwan_strait",
        "russia_ukraine_war",
        "nato_alliance",
        "nuclear_weapons",
        "naval_power",
        "defence_spending",
        "arms_trade_dual_use",
        "sanctions",
        "cyber_hybrid_warfare",
        "missile_tests_exercises",
        "indo_pacific_partnerships",
        "middle_east_conflict",
        "korean_peninsula",
        "supply_chains_semiconductors",
        "space_military",
    } <= {t.id for t in GAZ.topics}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Beijing patrols the South China Sea and the East China Sea.", {"China"}, set()),
        ("Patrols in the South China Sea continued.", set(), {"China"}),
        ("Drills in the Sea of Japan.", set(), {"Japan"}),
        ("A rally in Atlanta, Georgia. Separately, Georgia applied to join the EU.", {"Georgia"}, set()),
        ("Rally in Atlanta, Georgia drew crowds.", set(), {"Georgia"}),
        ("Michael Jordan and Jordan Bardella spoke.", set(), {"Jordan"}),
        ("King Abdullah of Jordan met the envoy.", {"Jordan"}, set()),
        ("Chad Daniels reported from Ohio.", set(), {"Chad"}),
        ("美国国防部长表示，北约成员国应增加国防开支。", {"United States", "NATO"}, set()),  # no spaces between words
        ("NATO成员国与俄罗斯的关系", {"NATO", "Russia"}, set()),
        ("Chinaware, Russians-only and NATOs are not names.", set(), {"China", "NATO"}),
        ("قالت الولايات المتحدة وروسيا إن المحادثات مع بالصين مستمرة", {"United States", "Russia", "China"}, set()),  # و ب
        ("مروسيا", set(), {"Russia"}),  # م is no proclitic
        ("وبالصين", {"China"}, set()),  # two proclitics, و and ب
        ("قدمت روسيا دعما للصين", {"Russia", "China"}, set()),  # ل + الصين is written للصين
        ("وللولايات المتحدة", {"United States"}, set()),
        # Chinese words that join across a name (非法|国际 is not 法国): blocked where listed under not_actors
        ("各国应打击非法国际军火贸易。这是一个完美国防方案。今日本地新闻。精英国家与发展中国家", set(),
         {"France", "United States", "Japan", "United Kingdom", "China"}),
        ("非法国际军火流入法国。其中国防部长表示", {"France"}, {"China"}),
        ("French troops left Chad last year.", {"Chad"}, set()),
        ("Türkiye and Turkey's neighbours met.", {"Turkey"}, set()),
        ("Russia's and China's envoys; the Russia-Ukraine war; US-China talks.",
         {"Russia", "China", "Ukraine", "United States"}, set()),
        ("Let us build the IDF and PLA case.", {"Israel Defense Forces", "People's Liberation Army"}, {"United States"}),
    ],
)  # fmt: skip
def test_disambiguation(text: str, present: set[str], absent: set[str]) -> None:
    found = _actors("", text)
    assert present <= found
    assert not absent & found


def test_negative_cues_and_title_boost_decide_topics() -> None:
    sub = "AUKUS will give Australia nuclear-powered submarines; the nuclear propulsion plants are sealed."
    assert "nuclear_weapons" not in _topics("", sub)
    assert "nuclear_weapons" in _topics("", "China could have over a thousand nuclear warheads by 2030.")
    result = extract(GAZ, "x", clean_text("Taiwan Strait drills"), clean_text("Analysts watched the Taiwan Strait."))
    assert dict(result.topic_scores)["taiwan_strait"] == GAZ.topic("taiwan_strait").title_boost + 1.0


def test_imagery_and_drone_shows_are_not_military_space_or_drones() -> None:
    assert "space_military" in _topics("Spy satellite launched", "The reconnaissance satellite reached orbit.")
    assert "space_military" not in _topics("Satellite images show new silos", "Commercial satellite images show the work.")
    assert "drones_autonomy" in _topics("Drone strikes hit depot", "Drones struck the depot; more drones followed.")
    assert "drones_autonomy" not in _topics("Drone light show sets record", "A drone show with 11,000 drones lit the sky.")
    assert "drones_autonomy" not in _topics("Customs seize drone parts", "The drone parts were bound for drone factories.")
    assert "ammunition_industrial_base" in _topics("Plant to make artillery shells", "It will make 155mm artillery shells.")
    assert "ammunition_industrial_base" not in _topics("North Korea fires artillery", "It fired artillery rounds; shells fell.")


def test_a_topic_acronym_is_not_a_common_word_of_another_language() -> None:
    # keywords match case-insensitively: "ПРО" (missile defence) was the preposition "про" ("about")
    title, text = "Україна та Нідерланди домовилися про дрони", "Сторони домовилися про угоду про виробництво."
    assert "air_defence" not in _topics(title, text)
    assert "air_defence" in _topics("Сили протиповітряної оборони збили ракети", "Засоби протиповітряної оборони збили дрони.")


def test_salience_is_highest_in_the_title_and_falls_through_the_body() -> None:
    text = "NATO met. " + "Filler sentence here. " * 40 + "Poland spoke."
    result = extract(GAZ, "x", "NATO warns", text)
    by = {(m.entity_id, m.field): m.salience for m in result.mentions}
    assert by[("nato", "title")] == 1.0
    assert 0.95 < by[("nato", "body")] <= 1.0 and 0.5 <= by[("poland", "body")] < 0.6


def test_quotes_are_attributed_to_their_speaker() -> None:
    title, body = seed_article()
    quotes = extract(GAZ, "seed", clean_text(title), clean_text(body)).quotes
    rutte = [q for q in quotes if "one-front war" in q.text]
    assert rutte and rutte[0].speaker_actor_id == "mark-rutte"
    text = clean_text('"We will defend every inch," said Pistorius. Boris Pistorius later left.')
    (quote,) = extract(GAZ, "x", "", text).quotes
    assert (quote.text, quote.speaker, quote.speaker_actor_id) == ("We will defend every inch", "Pistorius", "boris-pistorius")


def test_unknown_names_become_candidates() -> None:
    text = "General Zhang Wei of the Harbour Lights Institute met NATO officials on Monday."
    candidates = extract(GAZ, "x", "", text).candidates
    assert "Zhang Wei" in candidates and "Harbour Lights Institute" in candidates
    assert not any("NATO" in c for c in candidates)


def test_eval_scores_topics_one_by_one_on_dev_only(tmp_path: Path) -> None:
    from ingest.evaluate import evaluate, format_report, slice_of, split_of

    docs = [
        {"id": "eval-901", "lang": "en", "title": "Arms embargo on Sudan", "text": "The UN arms embargo holds.",
         "actors": [], "topics": ["arms_trade_dual_use", "sanctions"]},
        {"id": "eval-902", "lang": "en", "title": "Arms embargo on Sudan", "text": "The UN arms embargo holds.",
         "actors": [], "topics": ["arms_trade_dual_use"]},
    ]  # fmt: skip
    labelled = tmp_path / "set.jsonl"
    labelled.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    report = evaluate(labelled, GAZ)
    assert (split_of("eval-901"), split_of("eval-902")) == ("dev", "test")
    assert [slice_of(f"eval-{n}") for n in (318, 320, 440, 442, 902)] == ["test-old", "test-new", "test-new",
                                                                          "test-blind", "test-blind"]  # fmt: skip
    scores = report["scores"]
    assert scores["topics@dev:sanctions"]["fn"] == 1 and scores["topics@dev:arms_trade_dual_use"]["tp"] == 1
    assert not any(key.startswith("topics@test:") for key in scores)
    assert scores["topics@test"]["tp"] == scores["topics@test-blind"]["tp"] == 1  # eval-902: a blind test article
    assert "topics@dev:sanctions" in format_report(report)


def test_a_verb_without_a_speaker_does_not_swallow_the_next_statement() -> None:
    gaz = load_gazetteer()
    text = ('Asked about the "deal he said", the official shrugged. '
            'Minister Jones warned: "We will respond to any aggression firmly."')  # fmt: skip
    quotes = extract(gaz, "q", "t", text).quotes
    assert [(q.text, q.speaker) for q in quotes] == [("We will respond to any aggression firmly", "Minister Jones")]


def test_mention_columns_transposes_the_mentions() -> None:
    from ingest.models import Mention, mention_columns

    assert mention_columns([]) == {name: [] for name in Mention._fields}
    mentions = extract(GAZ, "x", "NATO warns China", "Poland and the Taiwan Strait.").mentions
    columns = mention_columns(mentions)
    assert list(columns) == list(Mention._fields)
    assert [Mention(*row) for row in zip(*columns.values(), strict=True)] == list(mentions)
    assert columns["entity_id"][:2] == ["nato", "china"] and columns["field"][-1] == "body"


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_an_extraction_result_pickles_to_itself(protocol: int) -> None:
    from dataclasses import fields

    from ingest.extract import ExtractionResult
    from ingest.models import Mention

    # __reduce__ names the fields one by one: a new field must be added there too
    assert [f.name for f in fields(ExtractionResult)] == ["mentions", "topic_scores", "quotes", "candidates"]
    text = 'Poland and the Taiwan Strait. "It will not be a one-front war," said Mark Rutte.'
    results = [extract(GAZ, "x", "Taiwan Strait drills: NATO warns China", text), extract(GAZ, "y", "", ""), ExtractionResult(())]
    assert results[0].mentions and results[0].quotes and results[0].topic_scores and not results[1].mentions
    for result in results:
        back = pickle.loads(pickle.dumps(result, protocol=protocol))
        assert back == result and result == back and all(type(m) is Mention for m in back.mentions)


def test_mention_columns_read_as_the_mentions_they_hold() -> None:
    """What the writer keeps of the workers' mentions (`MentionColumns`): unpickled as columns, validated and loaded
    as columns, and read as the same Mentions wherever one is asked for."""
    from ingest.models import Mention, MentionColumns, mention_columns

    first = extract(GAZ, "x", "NATO warns China", "Poland and the Taiwan Strait.").mentions
    second = extract(GAZ, "y", "Taiwan", "Mark Rutte met Xi Jinping in Beijing.").mentions
    both = MentionColumns.of([first, MentionColumns.of([second])])
    assert both == [*first, *second] and [*first, *second] == both and len(both) == len(first) + len(second)
    assert list(both) == [*first, *second] and all(type(m) is Mention for m in both)
    assert both[0] == first[0] and both[-1] == second[-1] and both[1:3] == [*first, *second][1:3]
    assert isinstance(both[1:3], MentionColumns) and hash(both) == hash((*first, *second))
    assert mention_columns(both) == mention_columns([*first, *second])
    assert mention_columns(both)["entity_id"] is both.columns[2]  # its lists, not copies
    assert MentionColumns.view(both) is both and MentionColumns.view(first) == first
    keep = [m.article_id == "y" for m in both]
    assert both.where(keep) == second and both.where([True] * len(both)) is both
    assert MentionColumns.of([]) == [] and not MentionColumns.of([()])
    with pytest.raises(ValueError, match="1 flags for"):
        both.where([True])
    with pytest.raises(ValueError, match="lists of one length"):
        MentionColumns([[1], [], [], [], [], [], [], []])
    # the writer's side of a worker's pickle: columns, equal to what was extracted
    back = pickle.loads(pickle.dumps(extract(GAZ, "x", "NATO warns China", "Poland and the Taiwan Strait.")))
    assert isinstance(back.mentions, MentionColumns) and back.mentions == first
    assert pickle.loads(pickle.dumps(back)) == back


def _named(text: str) -> list[tuple[str, str, int, int]]:
    return [(m.entity_id, m.surface, m.start, m.end) for m in extract(GAZ, "x", "", text).mentions if m.kind == "actor"]


def test_a_force_or_organ_named_with_its_states_name_names_the_state_too() -> None:
    # the labelling guidelines' rule 6: "U.S. Navy" -> us-navy + united-states; the state's mention is on its own name
    assert _named("The U.S. Army will not reach its goal.") == [("us-army", "U.S. Army", 4, 13), ("united-states", "U.S.", 4, 8)]
    assert _named("Russian troops advanced.") == [("russian-armed-forces", "Russian troops", 0, 14), ("russia", "Russian", 0, 7)]
    assert _named("Ships of the China Coast Guard.")[1] == ("china", "China", 13, 18)
    assert _named("美国陆军宣布") == [("us-army", "美国陆军", 0, 4), ("united-states", "美国", 0, 2)]  # no spaces to find
    assert ("russia", "Russian Federation", 24, 42) in _named("Security Council of the Russian Federation")  # the longest
    twice = _named("U.S. Army units and Russian troops met U.S. Army officers.")
    assert [(a, start) for a, _, start, _ in twice] == [
        ("us-army", 0), ("united-states", 0), ("russian-armed-forces", 20), ("russia", 20),
        ("us-army", 39), ("united-states", 39),
    ]  # fmt: skip
    # the state counts as named in full, so its short forms count beside it, as beside "United States"
    assert "United States" in _actors("", "America's budget. The U.S. Army asked for more.")
    assert "United States" not in _actors("", "America's budget. The Russian Army asked for more.")


def test_only_a_states_own_force_or_organ_names_it() -> None:
    assert [a for a, *_ in _named("PLA Navy ships met the Taiwan Affairs Office.")] == ["pla-navy", "taiwan-affairs-office"]
    assert [a for a, *_ in _named("The Pakistani Taliban threatened Israel Katz.")] == ["ttp", "israel-katz"]
    assert [a for a, *_ in _named("Patrols in the South China Sea.")] == []  # a place, not a force
    assert [a for a, *_ in _named("قال التجمع الوطني الفرنسي")] == ["national-rally"]  # a party: organ_of_state false


def test_the_state_named_inside_keeps_salience_and_order() -> None:
    body = "x " * 50 + "The U.S. Central Command said so."
    mentions = [m for m in extract(GAZ, "x", "U.S. Army drills", body).mentions if m.kind == "actor"]
    assert [(m.field, m.entity_id) for m in mentions] == [
        ("title", "us-army"), ("title", "united-states"), ("body", "us-central-command"), ("body", "united-states"),
    ]  # fmt: skip
    assert mentions[1].salience == 1.0 and mentions[3].salience == mentions[2].salience
    assert body[mentions[3].start : mentions[3].end] == "U.S."
