"""Coverage of the curated actor gazetteer (issue #5): its size, the states it must hold, complete person
entries, and names in other scripts for the actors the evaluation set mentions most."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ingest.extract import extract, load_gazetteer
from ingest.extract.gazetteer import DATA_DIR
from ingest.normalize import clean_text

GAZ = load_gazetteer()
RAW = {a["id"]: a for a in yaml.safe_load((DATA_DIR / "actors.yaml").read_text(encoding="utf-8"))["actors"]}
LABELLED = Path(__file__).resolve().parents[2] / "eval" / "labelled.jsonl"

# ISO 3166-1 alpha-3 codes of the 193 UN member states
UN_MEMBERS = [
    "AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "ARM", "AUS", "AUT", "AZE", "BHS", "BHR", "BGD", "BRB", "BLR", "BEL",
    "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR", "BFA", "BDI", "CPV", "KHM", "CMR", "CAN", "CAF", "TCD",
    "CHL", "CHN", "COL", "COM", "COG", "CRI", "CIV", "HRV", "CUB", "CYP", "CZE", "PRK", "COD", "DNK", "DJI", "DMA", "DOM",
    "ECU", "EGY", "SLV", "GNQ", "ERI", "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO", "DEU", "GHA", "GRC",
    "GRD", "GTM", "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND", "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA", "JAM",
    "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT", "KGZ", "LAO", "LVA", "LBN", "LSO", "LBR", "LBY", "LIE", "LTU", "LUX", "MDG",
    "MWI", "MYS", "MDV", "MLI", "MLT", "MHL", "MRT", "MUS", "MEX", "FSM", "MDA", "MCO", "MNG", "MNE", "MAR", "MOZ", "MMR",
    "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER", "NGA", "MKD", "NOR", "OMN", "PAK", "PLW", "PAN", "PNG", "PRY", "PER",
    "PHL", "POL", "PRT", "QAT", "KOR", "ROU", "RUS", "RWA", "KNA", "LCA", "VCT", "WSM", "SMR", "STP", "SAU", "SEN", "SRB",
    "SYC", "SLE", "SGP", "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE", "SYR", "TJK",
    "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "TUV", "UGA", "UKR", "ARE", "GBR", "TZA", "USA", "URY", "UZB",
    "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE",
]  # fmt: skip
OTHER_STATES = ["TWN", "XKX", "PSE"]  # Taiwan, Kosovo, Palestine

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def most_mentioned(n: int = 100) -> list[str]:
    """The n actor ids in the most articles' gold labels (each article once per actor), ties broken by id."""
    counts: Counter[str] = Counter()
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            counts.update(set(json.loads(line)["actors"]))
    return [actor_id for actor_id, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


TOP = most_mentioned()


def test_the_gazetteer_is_large_enough() -> None:
    assert len(GAZ.actors) >= 600
    assert sum(a.type == "person" for a in GAZ.actors) >= 250


def test_every_un_member_and_taiwan_kosovo_palestine_is_a_state() -> None:
    assert len(UN_MEMBERS) == len(set(UN_MEMBERS)) == 193
    states = {a.country for a in GAZ.actors if a.type == "state"}
    missing = sorted(set(UN_MEMBERS + OTHER_STATES) - states)
    assert not missing, f"no state entry for {missing}"


def test_every_person_has_a_role_a_country_and_an_as_of_date() -> None:
    incomplete = []
    for actor in GAZ.actors:
        if actor.type != "person":
            continue
        raw = RAW[actor.id]
        as_of = raw.get("as_of")  # the loader keeps role and country; as_of is read from the file
        if not (actor.role or "").strip() or not actor.country or not isinstance(as_of, dt.date):
            incomplete.append(actor.id)
        elif raw.get("former") and not str(raw.get("term") or "").strip():
            incomplete.append(f"{actor.id} (former, no term)")
    assert not incomplete, incomplete


def test_the_top_100_come_from_the_labelled_set() -> None:
    assert len(TOP) == 100
    assert {"united-states", "russia", "china", "ukraine", "nato"} <= set(TOP)


@pytest.mark.parametrize("actor_id", TOP)
def test_most_mentioned_actors_have_chinese_arabic_and_cyrillic_names(actor_id: str) -> None:
    names = GAZ.actor(actor_id).aliases  # aliases, metonyms and demonyms, as the loader holds them
    assert any(HAN.search(s) for s in names), f"{actor_id}: no Chinese name"
    assert any(ARABIC.search(s) for s in names), f"{actor_id}: no Arabic name"
    assert any(CYRILLIC.search(s) for s in names), f"{actor_id}: no Russian or Ukrainian name"


def test_no_single_character_chinese_alias() -> None:
    short = [(a.id, s) for a in GAZ.actors for s in a.aliases + a.context_aliases if HAN.search(s) and len(s) < 2]
    assert not short, short


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("（印度尼西亚）", {"indonesia"}, {"india"}),
        ("（白俄罗斯）", {"belarus"}, {"russia"}),
        ("（南中国海）", set(), {"china"}),
        ("（朝鲜半岛）", set(), {"north-korea"}),
        ("（印度洋）", set(), {"india"}),
        ("（索马里）", {"somalia"}, {"mali"}),
        ("في بحر الصين الجنوبي", set(), {"china"}),
        ("وفد من روسيا البيضاء", {"belarus"}, {"russia"}),
        ("The Africa Corps replaced the Wagner Group.", {"africa-corps", "wagner-group"}, set()),
    ],
)
def test_names_inside_longer_names_resolve_to_the_longer_one(text: str, present: set[str], absent: set[str]) -> None:
    found = set(extract(GAZ, "x", "", clean_text(text)).actor_ids())
    assert present <= found
    assert not absent & found
