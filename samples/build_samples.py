"""Build the bundled sample feeds, their README and the loopback demo catalog.

Regenerate with::

    python samples/build_samples.py

Outputs (all committed; never edit them by hand):

* ``samples/feeds/*.xml``     -- 10 feeds (RSS 2.0, Atom 1.0, RSS 1.0/RDF) from 9 invented
  outlets on ``.example`` domains, 2026-09-01 .. 2026-10-20 (UTC);
* ``samples/manifest.json``   -- the planted facts in machine-readable form, for tests;
* ``samples/README.md``       -- what the feeds contain and what they plant;
* ``config/feeds.demo.yaml``  -- the loopback catalog served by ``defnews serve-feeds``.

The text is fiction written for this project: template sentences per topic, with actor and
number slots, combined by one ``random.Random(SEED)``.  Real people, states and organisations
are named as the press names them, but the events, figures and quotes are invented: full
quotations come only from invented analysts and unnamed officials or spokespeople, and what real
people say is paraphrased (at most an institution's stock phrase in single quotes).

Stdlib only, and deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import dataclasses
import html as htmllib
import json
import random
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

# --------------------------------------------------------------------------- constants

SEED = 20261020
START = date(2026, 9, 1)
DAYS = 50  # 2026-09-01 .. 2026-10-20
SURGE = {
    date(2026, 10, 8): 8,
    date(2026, 10, 9): 9,
    date(2026, 10, 10): 10,
    date(2026, 10, 11): 9,
    date(2026, 10, 12): 8,
}  # Taiwan Strait stories per day
SURGE_EXERCISE = "Strait Thunder-2026B"  # invented exercise name
LAST7 = [date(2026, 10, 14) + timedelta(days=i) for i in range(7)]
SYNDICATION_DATE = date(2026, 10, 15)
SEED_STORY_DATE = date(2026, 10, 16)
BUILD_TIME = datetime(2026, 10, 20, 23, 30, tzinfo=UTC)
BROKEN_GUID = "lanternpoint-cms-item-0"
UNDATED_PER_FEED = {"atlantic-ledger-security": 3, "steppe-strait-review": 3}

HERE = Path(__file__).resolve().parent
FEEDS_DIR = HERE / "feeds"
CATALOG_PATH = HERE.parent / "config" / "feeds.demo.yaml"

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# --------------------------------------------------------------------------- outlets and feeds

OUTLETS: dict[str, dict[str, Any]] = {
    "meridian": {
        "name": "Meridian Wire",
        "domain": "meridianwire.example",
        "reporters": ["Anya Kovac", "Felix Morrow", "Priya Raman", "Jonas Brandt"],
    },
    "harbour": {
        "name": "Harbour Watch Defence",
        "domain": "harbourwatch.example",
        "reporters": ["Isla Fenwick", "Rory Calder", "Nadia Osei"],
    },
    "atlantic": {"name": "Atlantic Ledger", "domain": "atlanticledger.example", "reporters": []},
    "lantern": {"name": "Lantern Point Dispatch", "domain": "lanternpoint.example", "reporters": ["Lantern Point staff"]},
    "pacific": {
        "name": "Pacific Sentinel",
        "domain": "pacificsentinel.example",
        "reporters": ["Mika Tanabe", "Owen Castillo", "Leah Gordon"],
    },
    "keel": {"name": "Keel & Rotor", "domain": "keelandrotor.example", "reporters": ["Callum Reyes", "Hanne Dahl"]},
    "baltic": {
        "name": "Baltic Security Monitor",
        "domain": "balticmonitor.example",
        "reporters": ["Kadri Tamm", "Marius Petrauskas", "Elina Berg"],
    },
    "steppe": {"name": "Steppe & Strait Review", "domain": "steppestrait.example", "reporters": []},
    "silicon": {"name": "Silicon & Sky Review", "domain": "siliconsky.example", "reporters": ["Dana Whitlock", "Arjun Sethi"]},
}

# fmt: rss2 / atom / rdf.  html: how the HTML body is carried.  tz: UTC offset of dates and
# how they are spelled.  volume x affinity[topic] = chance that a story of that topic lands here.
FEEDS: list[dict[str, Any]] = [
    {
        "id": "meridian-wire-world",
        "outlet": "meridian",
        "fmt": "rss2",
        "html": "escaped",
        "tz": (0, "+0000"),
        "volume": 1.4,
        "tags": ["defence", "wire", "world"],
        "path": "feeds/world.rss",
        "desk": "world desk",
        "affinity": {
            "*": 1.0,
            "indo_pacific_partnerships": 0.4,
            "korean_peninsula": 0.4,
            "taiwan_strait": 0.8,
            "space_military": 0.5,
        },
    },
    {
        "id": "meridian-wire-asia",
        "outlet": "meridian",
        "fmt": "atom",
        "html": "content",
        "tz": (8, "+08:00"),
        "volume": 1.0,
        "tags": ["defence", "wire", "asia"],
        "path": "feeds/asia.atom",
        "desk": "Asia desk",
        "affinity": {
            "taiwan_strait": 2.0,
            "korean_peninsula": 2.0,
            "indo_pacific_partnerships": 2.0,
            "naval_power": 1.0,
            "nuclear_weapons": 0.8,
            "supply_chains_semiconductors": 1.0,
            "missile_tests_exercises": 1.0,
            "space_military": 0.4,
        },
    },
    {
        "id": "harbour-watch-world",
        "outlet": "harbour",
        "fmt": "rss2",
        "html": "cdata",
        "tz": (0, "GMT"),
        "volume": 1.2,
        "tags": ["defence", "maritime"],
        "path": "rss/world.xml",
        "desk": "world news",
        "affinity": {
            "naval_power": 2.0,
            "cyber_hybrid_warfare": 1.5,
            "middle_east_conflict": 1.2,
            "indo_pacific_partnerships": 1.0,
            "missile_tests_exercises": 1.0,
            "taiwan_strait": 1.0,
            "russia_ukraine_war": 0.8,
            "nato_alliance": 0.8,
            "defence_spending": 0.5,
        },
    },
    {
        "id": "atlantic-ledger-security",
        "outlet": "atlantic",
        "fmt": "rss2",
        "html": "escaped",
        "tz": (-4, "-0400"),
        "volume": 1.2,
        "tags": ["defence", "policy", "transatlantic"],
        "path": "security/feed/",
        "desk": "security section",
        "affinity": {
            "nato_alliance": 2.0,
            "defence_spending": 2.0,
            "nuclear_weapons": 1.5,
            "russia_ukraine_war": 1.0,
            "sanctions": 1.0,
            "arms_trade_dual_use": 1.0,
            "middle_east_conflict": 1.0,
            "taiwan_strait": 0.8,
            "space_military": 0.5,
        },
    },
    {
        "id": "lantern-point-dispatch",
        "outlet": "lantern",
        "fmt": "rss2",
        "html": "cdata",
        "tz": (0, "+0000"),
        "volume": 1.5,
        "tags": ["defence", "general"],
        "path": "feed",
        "desk": "front page",
        "affinity": {
            "russia_ukraine_war": 1.0,
            "middle_east_conflict": 1.0,
            "nato_alliance": 1.0,
            "korean_peninsula": 1.0,
            "defence_spending": 1.0,
            "sanctions": 1.0,
        },
    },
    {
        "id": "pacific-sentinel",
        "outlet": "pacific",
        "fmt": "atom",
        "html": "summary+content",
        "tz": (0, "Z"),
        "volume": 1.1,
        "tags": ["defence", "asia-pacific"],
        "path": "feed.atom",
        "desk": "Indo-Pacific desk",
        "affinity": {
            "taiwan_strait": 2.0,
            "indo_pacific_partnerships": 2.0,
            "korean_peninsula": 1.5,
            "naval_power": 1.0,
            "missile_tests_exercises": 1.0,
            "space_military": 0.5,
            "supply_chains_semiconductors": 0.5,
        },
    },
    {
        "id": "keel-and-rotor",
        "outlet": "keel",
        "fmt": "atom",
        "html": "summary",
        "tz": (-4, "-04:00"),
        "volume": 0.8,
        "tags": ["defence", "naval", "aviation"],
        "path": "atom.xml",
        "desk": "naval and aviation trade news",
        "affinity": {
            "naval_power": 3.0,
            "missile_tests_exercises": 1.5,
            "defence_spending": 1.0,
            "arms_trade_dual_use": 1.0,
            "indo_pacific_partnerships": 0.5,
            "taiwan_strait": 1.2,
        },
    },
    {
        "id": "baltic-security-monitor",
        "outlet": "baltic",
        "fmt": "rdf",
        "html": "escaped",
        "tz": (3, "+03:00"),
        "volume": 1.1,
        "tags": ["defence", "europe", "baltic"],
        "path": "index.rdf",
        "desk": "Nordic-Baltic security desk",
        "affinity": {
            "russia_ukraine_war": 2.0,
            "nato_alliance": 2.0,
            "cyber_hybrid_warfare": 2.0,
            "sanctions": 1.5,
            "missile_tests_exercises": 1.0,
            "defence_spending": 1.0,
            "taiwan_strait": 0.9,
        },
    },
    {
        "id": "steppe-strait-review",
        "outlet": "steppe",
        "fmt": "rdf",
        "html": "escaped",
        "tz": (0, "+00:00"),
        "volume": 0.8,
        "tags": ["defence", "eurasia", "middle-east"],
        "path": "rss.rdf",
        "desk": "Eurasia and Middle East review",
        "affinity": {
            "russia_ukraine_war": 1.5,
            "middle_east_conflict": 2.0,
            "sanctions": 1.5,
            "arms_trade_dual_use": 1.5,
            "nuclear_weapons": 1.0,
            "cyber_hybrid_warfare": 0.5,
            "taiwan_strait": 1.0,
        },
    },
    {
        "id": "silicon-sky-review",
        "outlet": "silicon",
        "fmt": "rdf",
        "html": "escaped",
        "tz": (8, "+08:00"),
        "volume": 1.2,
        "tags": ["defence", "technology", "space"],
        "path": "briefs.rdf",
        "desk": "technology and space briefs",
        "affinity": {
            "supply_chains_semiconductors": 3.0,
            "space_military": 3.0,
            "arms_trade_dual_use": 1.0,
            "sanctions": 0.8,
            "cyber_hybrid_warfare": 1.0,
            "taiwan_strait": 0.6,
        },
    },
]
FEED_BY_ID = {f["id"]: f for f in FEEDS}

# Per-outlet HTML habits: <strong> on the first named leader, <em> or <a> on think tanks,
# numeric character references instead of curly quotes, &nbsp; after the dateline.
HTML_STYLE = {
    "meridian": {"strong"},
    "harbour": {"em", "readmore"},
    "atlantic": {"numeric", "link"},
    "lantern": set(),
    "pacific": {"strong", "link", "readmore"},
    "keel": {"em"},
    "baltic": {"strong", "readmore"},
    "steppe": {"nbsp", "em"},
    "silicon": {"link"},
}

# --------------------------------------------------------------------------- shared text pools

COMMON_SLOTS = {
    "think_tank": [
        "the Institute for Maritime Strategy",
        "the Nordic Centre for Defence Analysis",
        "the Pacific Policy Forum",
        "the Centre for Arms Control Studies",
        "the Atlantic Security Institute",
        "the Eurasia Risk Group",
        "the Harrow Institute for Strategic Studies",
        "the Lisbon Defence Forum",
    ],
    "analyst_name": [
        "Helena Voss",
        "Daniel Okafor",
        "Ingrid Salo",
        "Rahul Menon",
        "Claire Dubois",
        "Tomas Varga",
        "Yuki Arata",
        "Sofia Lindqvist",
        "Marcus Feld",
        "Aiko Brennan",
    ],
    "official": [
        "a senior European diplomat",
        "a Western defence official",
        "a senior military officer",
        "one official familiar with the talks",
    ],
}

COMMON_QUOTES = [
    "“The pattern matters more than any single incident,” said {analyst_name} of {think_tank}.",
    "“Nobody should read this as routine,” {official} told {outlet}, speaking on condition of "
    "anonymity because they were not authorised to brief the press.",
    "“Governments are reacting to events rather than shaping them,” said {analyst_name}, a senior fellow at {think_tank}.",
]

COMMON_CONTEXT = [
    "Officials cautioned that details were still emerging and that initial figures could be revised.",
    "Neither side released independent evidence to support its account, and {outlet} could not verify the claims.",
    "Analysts at {think_tank} said the episode fitted a wider pattern of pressure that has built up over the past year.",
]

# Names that get <strong> in outlets that bold the first leader they mention.
STRONG_NAMES = [
    "Xi Jinping",
    "Vladimir Putin",
    "Mark Rutte",
    "Donald Trump",
    "Volodymyr Zelensky",
    "Kim Jong Un",
    "Lai Ching-te",
    "Sanae Takaichi",
    "Pete Hegseth",
    "Andrei Belousov",
    "Boris Pistorius",
    "Władysław Kosiniak-Kamysz",
    "Donald Tusk",
    "Keir Starmer",
    "John Healey",
    "Emmanuel Macron",
    "Friedrich Merz",
    "Benjamin Netanyahu",
    "Ali Khamenei",
    "Kaja Kallas",
    "António Guterres",
    "Ursula von der Leyen",
    "Narendra Modi",
    "Anthony Albanese",
    "Richard Marles",
    "Lee Jae-myung",
    "Ferdinand Marcos Jr.",
    "Recep Tayyip Erdoğan",
    "Alexander Stubb",
    "Ulf Kristersson",
    "Dong Jun",
]

# --------------------------------------------------------------------------- topic templates
# Each topic: label, slot pools (a list of dicts picks linked values together), angles
# (title template, lead template, datelines), body / quote / context sentences.
# Only the taiwan_strait topic (and the seed story) may mention Taiwan.

TOPICS: dict[str, dict[str, Any]] = {}

TOPICS["taiwan_strait"] = {
    "label": "Taiwan Strait",
    "slots": {
        "ally_navy": [
            {"ally_adj": "Canadian", "ally_navy_name": "Royal Canadian Navy"},
            {"ally_adj": "Australian", "ally_navy_name": "Royal Australian Navy"},
            {"ally_adj": "British", "ally_navy_name": "Royal Navy"},
            {"ally_adj": "Japanese", "ally_navy_name": "Japan Maritime Self-Defense Force"},
            {"ally_adj": "French", "ally_navy_name": "French Navy"},
        ],
        "tw_grey": [
            "grey-zone pressure",
            "joint readiness patrols",
            "balloon overflights",
            "coast guard patrols",
            "night-time air activity",
        ],
        "tw_port": ["Kaohsiung", "Keelung", "Taichung", "Hualien"],
        "tw_island": ["Kinmen", "Matsu", "Penghu", "Pratas"],
        "tw_reactor": [
            {"reactor": "Japan", "reactor_body": "Japan’s defence ministry", "reactor_city": "TOKYO"},
            {"reactor": "the Philippines", "reactor_body": "the Philippine military", "reactor_city": "MANILA"},
            {"reactor": "the EU", "reactor_body": "Kaja Kallas, the EU’s top diplomat,", "reactor_city": "BRUSSELS"},
            {"reactor": "Washington", "reactor_body": "the State Department", "reactor_city": "WASHINGTON"},
        ],
    },
    "angles": [
        (
            "Taiwan reports {n_med} PLA aircraft near the island as Beijing steps up {tw_grey}",
            "{dateline} — Taiwan’s defence ministry said on {weekday} it had tracked {n_med} Chinese "
            "military aircraft and {n_ships} naval vessels around the island, the latest burst of "
            "{tw_grey} across the Taiwan Strait.",
            "TAIPEI",
        ),
        (
            "{ally_adj} warship sails through Taiwan Strait; Beijing says PLA ‘tracked and warned’ it",
            "{dateline} — A {ally_navy_name} warship sailed through the Taiwan Strait on {weekday}, "
            "drawing a rebuke from Beijing, where the PLA Eastern Theater Command said its forces had "
            "followed the ship throughout the passage.",
            "TAIPEI|HONG KONG",
        ),
        (
            "Lai Ching-te pledges NT${bn_twd} billion for drones to harden Taiwan Strait defences",
            "{dateline} — Taiwanese President Lai Ching-te on {weekday} promised {bn_twd} billion New "
            "Taiwan dollars for domestic drone production, telling officers in Taipei that deterrence "
            "in the Taiwan Strait rested on cheap, numerous and dispersed weapons.",
            "TAIPEI",
        ),
        (
            "China’s coast guard boards boat near {tw_island} in new Taiwan Strait test",
            "{dateline} — China’s coast guard boarded a Taiwanese fishing boat near {tw_island} on "
            "{weekday}, Taiwan’s coast guard said, in what officials in Taipei called another test of "
            "the status quo in the Taiwan Strait.",
            "TAIPEI",
        ),
        (
            "Taipei logs {n_small} Chinese balloons over the Taiwan Strait in a week",
            "{dateline} — Taiwan’s defence ministry said on {weekday} that {n_small} Chinese balloons "
            "had drifted across the Taiwan Strait over the past week, some passing over the island "
            "itself, in what Taipei describes as a form of grey-zone harassment.",
            "TAIPEI",
        ),
        (
            "Taiwan’s legislature debates NT${bn_twd} billion special defence budget amid strait pressure",
            "{dateline} — Taiwan’s legislature opened debate on {weekday} on a special defence budget "
            "of {bn_twd} billion New Taiwan dollars, as Lai Ching-te’s government argued that pressure "
            "across the Taiwan Strait demanded faster spending on air defence.",
            "TAIPEI",
        ),
        (
            "PLA Eastern Theater Command stages ‘readiness patrol’ with {n_ships} ships near Taiwan",
            "{dateline} — The PLA Eastern Theater Command said on {weekday} that {n_ships} ships and "
            "a group of fighter jets had carried out a ‘joint combat readiness patrol’ in the Taiwan "
            "Strait, a drill Taipei condemned as intimidation.",
            "TAIPEI|HONG KONG",
        ),
        (
            "US approves {bn} billion arms package for Taiwan; Beijing vows response",
            "{dateline} — The United States approved a possible sale of missiles and spare parts to "
            "Taiwan worth about {bn} billion dollars on {weekday}, prompting Beijing to promise "
            "‘resolute countermeasures’ and warn against interference in the Taiwan Strait.",
            "WASHINGTON|TAIPEI",
        ),
    ],
    "surge_angles": [
        (
            "PLA rehearses blockade of {tw_port} on day {surge_day} of {exercise} drills around Taiwan",
            "{dateline} — China’s military staged the {surge_day_word} day of {exercise}, as the PLA "
            "Eastern Theater Command said forces were rehearsing a blockade of {tw_port} and other "
            "ports and practising strikes on targets across the Taiwan Strait.",
            "TAIPEI|BEIJING",
        ),
        (
            "Day {surge_day} of {exercise}: {n_med} PLA aircraft and {n_ships} warships around Taiwan",
            "{dateline} — Taiwan’s defence ministry counted {n_med} Chinese aircraft and {n_ships} "
            "warships around the island {surge_phase} of {exercise}, with the PLA drills around "
            "Taiwan stretching from the Taiwan Strait to waters east of Hualien.",
            "TAIPEI",
        ),
        (
            "Lai Ching-te says Taiwan will neither provoke Beijing nor yield as PLA drills circle island",
            "{dateline} — Taiwanese President Lai Ching-te said on {weekday} that Taiwan would "
            "neither provoke Beijing nor yield to pressure, as PLA drills around Taiwan entered their "
            "{surge_day_word} day and "
            "warships massed on both sides of the Taiwan Strait.",
            "TAIPEI",
        ),
        (
            "PLA Rocket Force fires into waters east of Taiwan on day {surge_day} of drills",
            "{dateline} — The PLA Rocket Force fired {n_small} missiles into waters east of Taiwan "
            "{surge_phase} of {exercise}, Taipei said, the most direct show of force in the Taiwan "
            "Strait crisis so far.",
            "TAIPEI|TOKYO",
        ),
        (
            "Taipei puts forces on alert as PLA rehearses Taiwan blockade near {tw_port}",
            "{dateline} — Taiwan put its forces on heightened alert on {weekday} as the PLA rehearsed "
            "a blockade of Taiwan near {tw_port}, with the PLA Eastern Theater Command declaring "
            "live-fire zones that cut across busy Taiwan Strait shipping lanes.",
            "TAIPEI",
        ),
        (
            "{reactor} urges restraint as Beijing’s Taiwan drills enter day {surge_day}",
            "{dateline} — {reactor_body} called on {weekday} for restraint around Taiwan as "
            "{exercise} entered its {surge_day_word} day, warning that the PLA drills risked an "
            "accident in the Taiwan Strait.",
            "{reactor_city}",
        ),
        (
            "Insurers raise Taiwan Strait war-risk premiums on day {surge_day} of {exercise}",
            "{dateline} — Marine insurers raised war-risk premiums for ships calling at {tw_port} on "
            "{weekday}, brokers said, as {exercise} closed parts of the Taiwan Strait {surge_phase} "
            "and some vessels waited offshore.",
            "HONG KONG|SINGAPORE",
        ),
        (
            "Chinese coast guard ‘inspections’ test {tw_island} as drills encircle Taiwan",
            "{dateline} — Chinese coast guard ships announced ‘law enforcement inspections’ around "
            "{tw_island} on {weekday}, Taiwan’s coast guard said, as PLA drills around Taiwan "
            "entered day {surge_day} and Taipei protested a new squeeze on the Taiwan Strait.",
            "TAIPEI",
        ),
        (
            "Analysis: what {exercise} reveals about a PLA blockade of {tw_port}",
            "{dateline} — On the {surge_day_word} day of {exercise}, the People’s Liberation Army worked through the "
            "stages of a blockade of Taiwan, closing approaches to {tw_port} and testing how quickly "
            "it could seal the Taiwan Strait to commercial traffic.",
            "HONG KONG|SINGAPORE",
        ),
        (
            "Japan scrambles jets as Chinese carrier group operates east of Taiwan, day {surge_day}",
            "{dateline} — Japan scrambled fighter jets on {weekday} as a Chinese carrier group "
            "operated east of Taiwan {surge_phase} of {exercise}, the Japan Self-Defense Forces "
            "said, while other PLA ships patrolled the Taiwan Strait.",
            "TOKYO",
        ),
        (
            "Flights rerouted around Taiwan as PLA live-fire zones close {n_small} air routes",
            "{dateline} — Airlines rerouted flights around Taiwan on {weekday} after PLA live-fire "
            "zones closed {n_small} air routes {surge_phase} of {exercise}, Taiwan’s aviation "
            "regulator said, adding to disruption across the Taiwan Strait.",
            "TAIPEI|HONG KONG",
        ),
        (
            "US Indo-Pacific Command ‘closely monitoring’ drills near Taiwan, day {surge_day}",
            "{dateline} — The US Indo-Pacific Command said on {weekday} it was closely monitoring PLA "
            "drills around Taiwan, now {surge_phase_short}, and that US forces remained ready to "
            "operate wherever international law allows, including the Taiwan Strait.",
            "WASHINGTON|HONOLULU",
        ),
    ],
    "surge_body": [
        "The PLA Eastern Theater Command said the drills tested ‘joint blockade and control’ and "
        "were a warning to ‘separatist forces’.",
        "Taiwan’s coast guard said it had deployed cutters to shadow Chinese coast guard ships "
        "operating inside its restricted waters.",
        "Taipei said the exercise was timed to follow Lai Ching-te’s speeches around Taiwan’s National Day on Oct. 10.",
        "Shipping data showed several container ships slowing or changing course to avoid the declared live-fire zones.",
        "The PLA Navy deployed destroyers and amphibious ships alongside coast guard vessels, "
        "blurring the line between policing and military action.",
    ],
    "body": [
        "Taiwan’s defence ministry said it had sent aircraft and ships and activated land-based "
        "missile systems to monitor the activity.",
        "Taipei condemned the manoeuvres as provocative and said its forces were on alert.",
        "Beijing claims Taiwan as its own territory and has never renounced the use of force to bring it under its control.",
        "Lai Ching-te, whom Beijing calls a ‘separatist’, says only Taiwan’s people can decide their future.",
        "Analysts said the activity appeared designed to practise cutting off the energy imports on which the island depends.",
        "The US Indo-Pacific Command has said it monitors PLA activity around Taiwan closely.",
        "China’s Taiwan Affairs Office said the activity was a ‘stern warning’ to those seeking independence.",
        "Roughly half of the world’s container fleet passes through the Taiwan Strait in a "
        "typical year, making any disruption a global concern.",
    ],
    "quotes": [
        "“This is rehearsal in plain sight, and every round is a little more realistic,” said {analyst_name} of {think_tank}.",
        "“Each crossing is small, but the cumulative effect is to wear down Taiwan’s forces and "
        "normalise pressure,” {analyst_name}, a researcher at {think_tank}, told {outlet}.",
        "“We will not be intimidated,” a spokesperson for Taiwan’s defence ministry said in Taipei.",
    ],
    "context": [
        "Taiwan has been governed separately from the mainland since 1949.",
        "The island makes the bulk of the world’s most advanced chips, which raises the economic stakes of any confrontation.",
    ],
}

TOPICS["russia_ukraine_war"] = {
    "label": "War in Ukraine",
    "slots": {
        "ua_region": ["Kharkiv", "Zaporizhzhia", "Dnipropetrovsk", "Sumy", "Odesa", "Kherson", "Chernihiv", "Poltava"],
        "ua_town": ["Pokrovsk", "Kostiantynivka", "Huliaipole", "Kupiansk", "Lyman", "Siversk"],
        "ru_region": ["Samara", "Saratov", "Volgograd", "Ryazan", "Krasnodar", "Bashkortostan"],
        "ua_ally": [
            "Germany",
            "the United Kingdom",
            "France",
            "Poland",
            "the Netherlands",
            "Sweden",
            "Denmark",
            "Norway",
            "Finland",
        ],
        "ua_kit": [
            "Patriot interceptors",
            "IRIS-T air-defence systems",
            "long-range strike drones",
            "155mm artillery shells",
            "interceptor drones",
            "electronic-warfare systems",
        ],
        "ts_phrase": ["very soon", "in the coming days", "within a week"],
    },
    "angles": [
        (
            "Russia fires {n_large} drones and missiles at Ukraine; {ua_region} grid hit",
            "{dateline} — Russia launched {n_large} drones and missiles at Ukraine overnight, "
            "Ukraine’s air force said on {weekday}, with strikes cutting power to parts of the "
            "{ua_region} region as temperatures began to fall.",
            "KYIV",
        ),
        (
            "Zelensky presses {ua_ally} for more {ua_kit} before winter",
            "{dateline} — Volodymyr Zelensky on {weekday} urged {ua_ally} to speed up deliveries of "
            "{ua_kit}, saying Ukraine had to protect its energy system before the heating season as "
            "Russia intensified its attacks.",
            "KYIV",
        ),
        (
            "Kremlin says Putin open to talks on Russia’s terms as fighting grinds on near {ua_town}",
            "{dateline} — The Kremlin said on {weekday} that Vladimir Putin remained open to "
            "negotiations over Ukraine, but only on terms reflecting the situation on the ground, "
            "as Russia’s forces pressed attacks near {ua_town}.",
            "LONDON|KYIV",
        ),
        (
            "Ukrainian drones hit refinery in Russia’s {ru_region} region, {n_km} km from border",
            "{dateline} — Ukrainian long-range drones struck an oil refinery in Russia’s {ru_region} "
            "region overnight, some {n_km} kilometres from the border with Ukraine, the General Staff "
            "in Kyiv said on {weekday}, targeting the fuel revenues that fund Moscow’s war.",
            "KYIV",
        ),
        (
            "{ua_ally} pledges {bn} billion euros in military aid for Ukraine",
            "{dateline} — {ua_ally} announced military aid for Ukraine worth {bn} billion euros on "
            "{weekday}, including {ua_kit}, as European governments shoulder a growing share of "
            "support for Kyiv against Russia.",
            "KYIV|BERLIN|LONDON",
        ),
        (
            "Russia claims village near {ua_town}; Ukraine says its troops still hold positions",
            "{dateline} — Russia’s defence ministry said on {weekday} its troops had captured a "
            "village near {ua_town}, a claim Ukraine’s military disputed, saying its units were still "
            "holding positions in the area.",
            "KYIV",
        ),
        (
            "Ukraine and {ua_ally} to co-produce {ua_kit} in deal worth {bn} billion euros",
            "{dateline} — Ukraine and {ua_ally} signed an agreement on {weekday} to jointly produce "
            "{ua_kit} in a deal officials valued at {bn} billion euros, part of a push to build "
            "weapons closer to the front line with Russia.",
            "KYIV",
        ),
        (
            "Trump says he will speak to Putin about Ukraine {ts_phrase}",
            "{dateline} — US President Donald Trump said on {weekday} he expected to speak with "
            "Vladimir Putin {ts_phrase} about ending the war in Ukraine, while warning Russia that "
            "further sanctions remained an option.",
            "WASHINGTON",
        ),
        (
            "Ukraine says it downed {n_down} of {n_large} Russian drones over {ua_region}",
            "{dateline} — Ukraine’s air defences shot down {n_down} of the {n_large} drones Russia "
            "launched overnight, the air force said on {weekday}, though debris damaged homes and a "
            "rail depot in the {ua_region} region.",
            "KYIV",
        ),
    ],
    "body": [
        "Ukrainian officials said the attacks targeted substations and gas infrastructure, and "
        "that repair crews were working to restore supplies.",
        "Moscow has intensified strikes on Ukraine’s energy system, while Kyiv has widened its own "
        "long-range campaign against Russian refineries and fuel depots.",
        "Russia’s defence ministry, led by Andrei Belousov, said its forces had hit "
        "‘military-industrial facilities’, a description Kyiv rejected.",
        "Volodymyr Zelensky has said Ukraine needs more air-defence systems from its partners, "
        "with Patriot interceptors the most urgent need.",
        "European governments now pool money to buy weapons for Ukraine through a jointly funded purchasing mechanism.",
        "The front line has moved only slowly in recent months, with both sides relying on drones "
        "that make massed assaults costly.",
        "Vladimir Putin has insisted that any settlement must recognise Moscow’s claims over "
        "occupied Ukrainian territory, a demand Kyiv rejects.",
        "Russian forces have made incremental gains in the east at a heavy cost in casualties, according to Western estimates.",
    ],
    "quotes": [
        "“Russia is betting that Europe will tire before Ukraine does,” said {analyst_name} of "
        "{think_tank}. “So far that bet has not paid off.”",
        "“The Kremlin is not interested in a ceasefire that does not give it what it failed to "
        "take on the battlefield,” {official} said.",
        "“Every interceptor that arrives before the frosts is worth ten that arrive after,” "
        "{analyst_name}, a researcher at {think_tank}, told {outlet}.",
    ],
    "context": [
        "Russia launched its full-scale invasion of Ukraine in February 2022.",
        "Ukraine’s partners are also drawing on proceeds from immobilised Russian central bank assets to finance Kyiv’s defence.",
        "NATO allies supply most of the air-defence systems that Ukraine uses.",
    ],
}

TOPICS["nato_alliance"] = {
    "label": "NATO",
    "slots": {
        "nato_gap": [
            "air defence",
            "ammunition stocks",
            "long-range fires",
            "troop readiness",
            "Arctic surveillance",
            "military mobility",
        ],
        "minister": [
            {"minister_short": "Pistorius", "minister_full": "German Defence Minister Boris Pistorius"},
            {"minister_short": "Healey", "minister_full": "British Defence Secretary John Healey"},
            {"minister_short": "Kosiniak-Kamysz", "minister_full": "Polish Defence Minister Władysław Kosiniak-Kamysz"},
            {"minister_short": "Hegseth", "minister_full": "Pentagon chief Pete Hegseth"},
        ],
        "nato_laggard": ["Spain", "Belgium", "Canada", "Italy", "Portugal", "Slovakia"],
        "eastern_state": ["Poland", "Lithuania", "Latvia", "Estonia", "Romania", "Finland"],
        "nato_mission": ["Baltic Sentry", "Eastern Sentry"],
        "eu_city": ["Paris", "Berlin", "Aachen", "Strasbourg", "Warsaw"],
        "corridor": [
            "the Baltic corridor",
            "the Rail Baltica route",
            "the Via Carpathia",
            "Poland’s eastern border",
            "the North Sea ports",
        ],
        "nato_forum": [
            "Brussels talks",
            "a North Atlantic Council meeting",
            "a Nordic-Baltic summit",
            "a meeting of defence chiefs",
        ],
    },
    "angles": [
        (
            "NATO ministers meet as Rutte presses allies on {nato_gap} shortfall",
            "{dateline} — NATO Secretary-General Mark Rutte urged allies on {weekday} to turn spending "
            "pledges into signed contracts, telling defence ministers that shortfalls in {nato_gap} "
            "remained the alliance’s most pressing weakness and that aid to Ukraine must not slow.",
            "BRUSSELS",
        ),
        (
            "{minister_short} calls for faster NATO build-up on the eastern flank, citing {nato_gap}",
            "{dateline} — {minister_full} called on {weekday} for NATO to speed up deployments along "
            "its eastern flank, arguing that gaps in {nato_gap} left the alliance exposed if Russia "
            "chose to test it.",
            "BRUSSELS|WARSAW|BERLIN",
        ),
        (
            "Trump renews pressure on NATO allies; {nato_laggard} pledges faster spending rise",
            "{dateline} — Donald Trump renewed his criticism of NATO allies he regards as spending too "
            "little on defence, prompting {nato_laggard} to say on {weekday} it would bring forward its "
            "timetable for meeting the alliance’s new target and keep up its aid to Ukraine.",
            "BRUSSELS|WASHINGTON",
        ),
        (
            "{eastern_state} asks NATO for more air defences after Russian drone incursion",
            "{dateline} — {eastern_state} asked NATO allies on {weekday} for additional air-defence "
            "systems and fighter patrols after drones launched by Russia strayed into its airspace, a "
            "request "
            "alliance officials said would be treated as urgent.",
            "WARSAW|VILNIUS|TALLINN|BRUSSELS",
        ),
        (
            "NATO adds {n_small} ships and jets to {nato_mission} mission",
            "{dateline} — NATO said on {weekday} that allies had committed {n_small} more ships and "
            "aircraft to {nato_mission}, one of the alliance’s missions to guard critical "
            "infrastructure and eastern airspace against pressure from Russia.",
            "BRUSSELS",
        ),
        (
            "Macron and Merz push for stronger European role in NATO at {eu_city} talks",
            "{dateline} — Emmanuel Macron and Friedrich Merz said on {weekday} that Europe must take "
            "on more responsibility for its own defence within NATO and for support to Ukraine, as "
            "they met in {eu_city} to coordinate air-defence and long-range strike programmes.",
            "PARIS|BERLIN",
        ),
        (
            "Allies split over shooting down Russian drones at {nato_forum}",
            "{dateline} — NATO allies were divided at {nato_forum} on {weekday} over whether to loosen "
            "the rules for shooting down drones from Russia that stray into alliance airspace, with "
            "eastern members pushing for a firmer line.",
            "BRUSSELS",
        ),
        (
            "EU and NATO team up on military mobility along {corridor}",
            "{dateline} — The European Union and NATO agreed on {weekday} to coordinate investment in "
            "bridges, rail links and fuel depots along {corridor}, so that troops and equipment can "
            "cross Europe in days rather than weeks if Russia threatens an ally.",
            "BRUSSELS",
        ),
    ],
    "body": [
        "Allies agreed at their 2025 summit in The Hague to raise defence and security spending "
        "to 5% of GDP by 2035, including 3.5% on core defence.",
        "Mark Rutte has repeatedly warned that Russia could rebuild its forces faster than "
        "expected once the fighting in Ukraine subsides.",
        "Eastern members, led by Poland and the Baltic states, have pressed for a larger permanent "
        "allied presence on their territory.",
        "Several allies still fall short of the new targets, and burden-sharing remains a source of "
        "friction within the alliance.",
        "The Pentagon has signalled that it expects European allies to take the lead in the "
        "conventional defence of the continent.",
        "The Kremlin has described NATO’s build-up as a threat and warned of unspecified countermeasures.",
        "Finland and Sweden, the newest members, have brought long experience of territorial defence to alliance planning.",
    ],
    "quotes": [
        "“The money has been promised; now it has to turn into production lines,” said {analyst_name} of {think_tank}.",
        "“Deterrence is about what you can put in the field next year, not in 2035,” {official} said.",
        "“There is no appetite for escalation, but there is also no appetite for being tested "
        "every week,” {official} told {outlet}.",
    ],
    "context": [
        "NATO has 32 members after Finland and Sweden joined in 2023 and 2024.",
        "Article 5 of the North Atlantic Treaty commits allies to treat an attack on one as an attack on all.",
    ],
}

TOPICS["nuclear_weapons"] = {
    "label": "Nuclear weapons",
    "slots": {
        "iaea_site": ["Fordow", "Natanz", "Isfahan"],
        "ru_nuke_system": [
            "a Yars intercontinental missile",
            "a Bulava submarine-launched missile",
            "the Burevestnik cruise missile",
            "a Sarmat heavy missile",
        ],
        "cn_region": ["Gansu", "Inner Mongolia", "Xinjiang"],
        "eu_city": ["Paris", "London", "Berlin", "Stockholm", "Warsaw"],
        "un_event": [
            "a Security Council debate on non-proliferation",
            "the General Assembly’s disarmament committee",
            "a conference on nuclear risk reduction",
        ],
    },
    "angles": [
        (
            "China’s nuclear stockpile reaches about {n_warheads} warheads, researchers estimate",
            "{dateline} — China’s stockpile of nuclear warheads has grown to about {n_warheads}, "
            "according to an estimate published on {weekday} by {think_tank}, keeping Beijing on "
            "course to pass 1,000 warheads by 2030.",
            "LONDON|WASHINGTON",
        ),
        (
            "Experts warn of unconstrained arms race {newstart_months} months after New START expired",
            "{dateline} — Arms control experts warned on {weekday} that the United States and Russia "
            "were drifting towards an unconstrained nuclear competition, {newstart_months} months "
            "after New START, the last treaty limiting their strategic arsenals, lapsed.",
            "GENEVA|WASHINGTON",
        ),
        (
            "IAEA presses Iran for access to {iaea_site} as inspectors remain sidelined",
            "{dateline} — The International Atomic Energy Agency urged Iran on {weekday} to let "
            "inspectors into {iaea_site}, saying it could not verify the status of Tehran’s stock of "
            "highly enriched uranium since the strikes of June 2025.",
            "VIENNA",
        ),
        (
            "Russia test-launches {ru_nuke_system} in signal to the West",
            "{dateline} — Russia said on {weekday} it had test-launched {ru_nuke_system}, a move "
            "Western officials read as a signal to NATO and Washington while the war in Ukraine "
            "continues.",
            "LONDON|BERLIN",
        ),
        (
            "PLA Rocket Force expanding missile silos in {cn_region}, satellite images show",
            "{dateline} — The PLA Rocket Force has continued to build out missile silo fields in "
            "{cn_region}, according to commercial satellite images analysed by {think_tank} and "
            "published on {weekday}.",
            "WASHINGTON|LONDON",
        ),
        (
            "European officials discuss French and British deterrents at {eu_city} meeting",
            "{dateline} — Officials from several European governments met in {eu_city} on {weekday} "
            "to discuss how the French and British nuclear deterrents could contribute to the "
            "continent’s security, as doubts persist over long-term US commitments.",
            "PARIS|LONDON",
        ),
        (
            "Guterres warns of rising nuclear risk ahead of {un_event}",
            "{dateline} — UN Secretary-General António Guterres warned on {weekday} that the risk of "
            "nuclear weapons being used had risen sharply, urging nuclear-armed states to return to "
            "arms control talks ahead of {un_event}.",
            "NEW YORK|GENEVA",
        ),
    ],
    "body": [
        "The Pentagon has estimated that China is on track to have more than 1,000 operational warheads by 2030.",
        "Beijing says it keeps a minimal deterrent under a no-first-use policy and has declined to "
        "join trilateral arms control talks.",
        "Russia and the United States together still hold most of the world’s nuclear warheads.",
        "Vladimir Putin approved a revised nuclear doctrine in 2024 that lowered the stated threshold for nuclear use.",
        "Non-proliferation experts warn that the loss of inspections and data exchanges makes miscalculation more likely.",
        "The United Nations has called for a new round of talks among the five permanent members of the Security Council.",
    ],
    "quotes": [
        "“We are entering a period with no guardrails at all,” said {analyst_name}, an arms control specialist at {think_tank}.",
        "“Numbers matter less than doctrine, and both are moving in the wrong direction,” {official} said.",
    ],
    "context": [
        "The Nuclear Non-Proliferation Treaty, in force since 1970, recognises five nuclear-weapon states.",
        "Israel and the United States struck Iranian nuclear facilities in June 2025.",
    ],
}

TOPICS["naval_power"] = {
    "label": "Naval power",
    "slots": {
        "ship_class": ["Columbia-class submarine", "Virginia-class submarine", "amphibious ship", "fleet oiler"],
        "navy_country": ["Norway", "Denmark", "Poland", "Australia", "the Netherlands", "Canada", "Greece"],
        "yard_country": ["South Korea", "Japan"],
        "ship_type": ["a supply ship", "a destroyer", "a logistics vessel", "an oiler"],
        "naval_area": ["the North Atlantic", "the Mediterranean", "the High North", "the Gulf"],
        "currency": ["euros", "dollars"],
    },
    "angles": [
        (
            "PLA Navy commissions new destroyer as fleet grows to about {n_fleet} ships",
            "{dateline} — The PLA Navy commissioned another large destroyer on {weekday}, state media "
            "reported, adding to a fleet that US officials put at about {n_fleet} ships and "
            "submarines, the largest in the world by number of hulls.",
            "HONG KONG|SINGAPORE",
        ),
        (
            "US shipyards fall further behind on {ship_class} deliveries, audit finds",
            "{dateline} — US shipyards are running further behind schedule on {ship_class} "
            "deliveries, a government audit found on {weekday}, deepening concern that the US Navy is "
            "losing ground to China’s far larger shipbuilding industry.",
            "WASHINGTON",
        ),
        (
            "{navy_country} orders {n_small} frigates in {bn} billion {currency} deal",
            "{dateline} — {navy_country} signed a contract worth {bn} billion {currency} on {weekday} "
            "for {n_small} new frigates, officials said, part of a wave of naval orders driven by "
            "Russian submarine activity and threats to undersea infrastructure.",
            "OSLO|COPENHAGEN|LONDON",
        ),
        (
            "US Navy sends {ship_type} to {yard_country} for repairs as allied yards court work",
            "{dateline} — The US Navy sent {ship_type} to a shipyard in {yard_country} for "
            "maintenance on {weekday}, a step that allied builders hope will lead to a larger share "
            "of American repair and construction work.",
            "SEOUL|TOKYO",
        ),
        (
            "Royal Navy carrier strike group heads for {naval_area} with {n_ships} escorts",
            "{dateline} — A Royal Navy carrier strike group sailed for {naval_area} on {weekday} with "
            "{n_ships} escorts and supply ships, in a deployment John Healey said would reassure "
            "allies and test readiness.",
            "PORTSMOUTH|LONDON",
        ),
        (
            "China’s carrier Fujian completes {n_small}-day training cruise in South China Sea",
            "{dateline} — China’s newest aircraft carrier, the Fujian, returned to port on {weekday} "
            "after a {n_small}-day training cruise in the South China Sea, state media said, as the "
            "PLA Navy works to master catapult launches.",
            "HONG KONG",
        ),
        (
            "Russia’s Northern Fleet sends {n_small} submarines to sea in Arctic show of force",
            "{dateline} — Russia’s Northern Fleet sent {n_small} submarines to sea from bases on the "
            "Kola Peninsula on {weekday}, Norwegian officials said, in a display NATO navies tracked "
            "closely.",
            "OSLO|TROMSØ",
        ),
    ],
    "body": [
        "China’s shipbuilding capacity dwarfs that of the United States, according to US Navy "
        "estimates, a gap that worries planners in Washington.",
        "The PLA Navy has overtaken the US Navy as the world’s largest fleet by number of ships, "
        "although the United States retains an edge in tonnage, carriers and submarines.",
        "Allied navies are struggling to recruit enough sailors to crew new vessels.",
        "Shipbuilding has become a priority in talks between Washington and allies such as South "
        "Korea and Japan, whose yards are among the most productive in the world.",
        "European navies are investing in anti-submarine warfare after a rise in Russian "
        "submarine patrols in the North Atlantic.",
        "Naval officials say maintenance backlogs keep too many ships in port.",
    ],
    "quotes": [
        "“Hulls in the water still matter, and China is building them faster than anyone,” said {analyst_name} of {think_tank}.",
        "“You cannot surge a shipyard in a crisis,” a senior naval officer told {outlet}.",
    ],
    "context": [
        "A modern frigate typically takes five to seven years from order to delivery.",
        "The Fujian, China’s third carrier, entered service in 2025.",
    ],
}

TOPICS["defence_spending"] = {
    "label": "Defence budgets",
    "slots": {
        "budget_country": ["Germany", "Poland", "France", "the Netherlands", "Italy", "Spain", "Denmark", "Belgium"],
        "us_priority": [
            "shipbuilding and munitions",
            "missile defence",
            "the Golden Dome shield",
            "drones and autonomy",
            "hypersonic weapons",
        ],
        "currency": ["euros", "dollars"],
    },
    "angles": [
        (
            "{budget_country} unveils record 2027 defence budget of {bn_big} billion euros",
            "{dateline} — {budget_country} presented a draft 2027 defence budget of {bn_big} billion euros "
            "on {weekday}, a record that officials said would fund air defence, ammunition and new "
            "armoured brigades.",
            "BERLIN|WARSAW|PARIS|BRUSSELS",
        ),
        (
            "Japan’s defence ministry seeks record {yen_tn} trillion yen budget",
            "{dateline} — Japan’s defence ministry asked for a record {yen_tn} trillion yen for the "
            "next fiscal year on {weekday}, as Prime Minister Sanae Takaichi’s government moves to "
            "reach its target of 2% of GDP ahead of schedule.",
            "TOKYO",
        ),
        (
            "Pentagon budget request puts {us_priority} first, Hegseth says",
            "{dateline} — The Pentagon’s next budget request will put {us_priority} first, Pete "
            "Hegseth told lawmakers on {weekday}, as Congress weighs a defence bill of close to a "
            "trillion dollars.",
            "WASHINGTON",
        ),
        (
            "Starmer government sets out {bn} billion pound plan for munitions factories",
            "{dateline} — Keir Starmer’s government set out plans on {weekday} to spend {bn} billion "
            "pounds on new munitions and energetics factories, with John Healey saying British "
            "industry must be able to produce at pace.",
            "LONDON",
        ),
        (
            "EU approves {bn_big} billion euros in SAFE defence loans for {n_small} member states",
            "{dateline} — The European Commission approved {bn_big} billion euros in loans for {n_small} "
            "member states under its SAFE defence instrument on {weekday}, with Ursula von der Leyen "
            "saying the money must buy European-made equipment.",
            "BRUSSELS",
        ),
        (
            "Australian budget papers show defence outlays rising to {bn_big} billion dollars",
            "{dateline} — Australian defence spending will rise to {bn_big} billion Australian dollars "
            "next year, budget papers released on {weekday} showed, as Richard Marles, the defence "
            "minister, defended the cost of AUKUS submarines.",
            "CANBERRA",
        ),
        (
            "India raises defence capital spending by {pct}% as Modi pushes local production",
            "{dateline} — India will raise defence capital spending by {pct}%, the finance ministry "
            "said on {weekday}, with Narendra Modi’s government directing most of the increase to "
            "domestic manufacturers.",
            "NEW DELHI",
        ),
    ],
    "body": [
        "Defence spending across Europe has risen sharply since Russia’s full-scale invasion of Ukraine.",
        "Finance ministries are wrestling with how to pay for bigger military budgets without "
        "cutting social spending or raising taxes.",
        "Industry executives say long-term contracts matter more than headline figures, because "
        "they justify new production lines and R&D.",
        "Much of the new money is going on air defence, ammunition, drones and long-range strike systems.",
        "Auditors have warned that procurement agencies lack the staff to spend the money quickly.",
        "The new NATO target of 5% of GDP includes 1.5% for resilience and infrastructure.",
    ],
    "quotes": [
        "“A budget line is not a battalion,” said {analyst_name} of {think_tank}. “The question is "
        "how quickly the money turns into capability.”",
        "“We are paying for two decades of under-investment at once,” {official} said.",
    ],
    "context": [
        "Global military spending reached a record in 2024, according to independent estimates.",
        "Parliament is expected to vote on the budget before the end of the year.",
    ],
}

TOPICS["arms_trade_dual_use"] = {
    "label": "Arms trade and dual-use exports",
    "slots": {
        "deal": [
            {"exporter": "South Korea", "weapon": "K2 tank"},
            {"exporter": "France", "weapon": "Rafale fighter"},
            {"exporter": "Sweden", "weapon": "Gripen fighter"},
            {"exporter": "Turkey", "weapon": "Bayraktar drone"},
            {"exporter": "Germany", "weapon": "IRIS-T air-defence"},
        ],
        "buyer": ["Poland", "Indonesia", "Romania", "Brazil", "Colombia", "Egypt"],
        "du_item": [
            "CNC machine tools",
            "drone engines",
            "ball bearings",
            "microcontrollers",
            "thermal imaging cameras",
            "fibre-optic cable",
        ],
        "us_weapon": [
            "F-35 fighter jets",
            "HIMARS rocket launchers",
            "Patriot interceptors",
            "AIM-120 missiles",
            "Apache helicopters",
        ],
        "us_buyer": ["Poland", "Romania", "Japan", "the Philippines", "Denmark", "Saudi Arabia"],
    },
    "angles": [
        (
            "Chinese {du_item} keep flowing to Russian arms makers, report finds",
            "{dateline} — Chinese-made {du_item} continue to reach Russian arms factories through "
            "intermediaries, according to a report published on {weekday} by {think_tank}, despite "
            "Beijing’s insistence that it does not supply Moscow with weapons.",
            "LONDON|BRUSSELS",
        ),
        (
            "{exporter} wins {weapon} order from {buyer} worth {bn} billion dollars",
            "{dateline} — {exporter} secured a {weapon} order worth {bn} billion dollars from {buyer} "
            "on {weekday}, the latest in a string of export wins as governments rearm after Russia’s "
            "invasion of Ukraine.",
            "PARIS|SEOUL|STOCKHOLM|ANKARA|BERLIN",
        ),
        (
            "Russia producing {n_shahed} Shahed-type drones a month, analysts estimate",
            "{dateline} — Russia is turning out about {n_shahed} Shahed-type attack drones a month at "
            "its Alabuga plant, {think_tank} estimated on {weekday}, a design Moscow first imported "
            "from Iran.",
            "LONDON|KYIV",
        ),
        (
            "North Korea has shipped millions of shells to Russia, Seoul says; {n_small} new routes found",
            "{dateline} — North Korea has sent millions of artillery shells and dozens of missiles to "
            "Russia, South Korea’s intelligence service told lawmakers on {weekday}, identifying "
            "{n_small} new shipping routes used by Pyongyang.",
            "SEOUL",
        ),
        (
            "EU widens export controls on {du_item} to curb leakage to Russia",
            "{dateline} — The European Union widened export controls on {du_item} on {weekday}, "
            "targeting traders in third countries that officials say re-export dual-use goods to "
            "Russian arms makers.",
            "BRUSSELS",
        ),
        (
            "US approves possible {bn} billion sale of {us_weapon} to {us_buyer}",
            "{dateline} — The State Department approved a possible sale of {us_weapon} to {us_buyer} "
            "worth about {bn} billion dollars on {weekday}, the Pentagon’s security cooperation "
            "agency said.",
            "WASHINGTON",
        ),
    ],
    "body": [
        "Western officials say Chinese components have been found in Russian drones and missiles recovered in Ukraine.",
        "Beijing says it applies strict controls to dual-use goods and trades normally with Russia.",
        "Export control specialists say intermediaries in Central Asia, the Caucasus and Turkey "
        "have been used to route restricted goods to Russia.",
        "Arms exporters in Asia and Europe are competing for a surge of orders from governments rebuilding their stocks.",
        "Iran and North Korea have also supplied Moscow with weapons, according to Western governments.",
        "Customs data show a sharp rise in shipments of machine tools through countries with little domestic demand for them.",
    ],
    "quotes": [
        "“Every time one channel closes, another opens,” said {analyst_name} of {think_tank}.",
        "“Dual-use is where the real battle over Russia’s war economy is being fought,” {official} told {outlet}.",
    ],
    "context": [
        "Most of the export controls now in force were introduced after February 2022.",
        "Defence firms report order backlogs stretching several years.",
    ],
}

TOPICS["sanctions"] = {
    "label": "Sanctions",
    "slots": {
        "sanctioner": ["The US Treasury", "The United Kingdom", "The European Union", "Canada"],
        "sanction_target": ["Chinese firms", "Hong Kong trading companies", "UAE-based shippers", "Central Asian banks"],
    },
    "angles": [
        (
            "EU’s new Russia sanctions package lists {n_vessels} more shadow-fleet tankers",
            "{dateline} — European Union governments approved a new package of sanctions against "
            "Russia on {weekday} that adds {n_vessels} tankers from Moscow’s shadow fleet to a "
            "blacklist, Kaja Kallas, the EU’s foreign policy chief, said.",
            "BRUSSELS",
        ),
        (
            "{sanctioner} sanctions {n_small} {sanction_target} over support for Russia’s military",
            "{dateline} — {sanctioner} imposed sanctions on {n_small} {sanction_target} on {weekday}, "
            "accusing them of helping Russia obtain components for drones and missiles.",
            "WASHINGTON|LONDON|BRUSSELS",
        ),
        (
            "UK sanctions {n_small} entities linked to Iran’s drone and missile programmes",
            "{dateline} — Britain sanctioned {n_small} companies and individuals linked to Iran’s drone "
            "and missile programmes on {weekday}, saying they had supplied parts later found in "
            "weapons used by Russia and the Houthis.",
            "LONDON",
        ),
        (
            "Oil price cap cut to {cap} dollars as G7 tightens squeeze on Moscow",
            "{dateline} — The G7 and the European Union lowered the price cap on Russian seaborne "
            "crude to {cap} dollars a barrel on {weekday}, in a bid to cut Moscow’s oil revenue "
            "without disrupting global supply.",
            "BRUSSELS|LONDON",
        ),
        (
            "India’s imports of Russian crude fall {pct}% as sanctions bite",
            "{dateline} — India’s imports of Russian crude fell {pct}% last month, shipping data "
            "showed on {weekday}, as refiners adjusted to US sanctions on major Russian oil "
            "producers.",
            "NEW DELHI|SINGAPORE",
        ),
        (
            "Iran’s rial hits new low of {rial} to the dollar under reimposed UN sanctions",
            "{dateline} — Iran’s currency fell to a record low of {rial} rials to the dollar on "
            "{weekday}, traders in Tehran said, as reimposed UN sanctions and US pressure squeezed "
            "the economy.",
            "DUBAI",
        ),
    ],
    "body": [
        "The measures target vessels in Russia’s so-called shadow fleet of ageing tankers used to "
        "move oil outside Western price caps.",
        "Officials say sanctions have raised the cost of Moscow’s war but have not halted it, as "
        "Russia reroutes trade through third countries.",
        "China and India remain the largest buyers of Russian crude.",
        "Moscow has dismissed the sanctions as illegal and says its economy has adapted.",
        "Enforcement has become the focus, with governments sharing data on ship transfers at sea.",
        "The UN sanctions on Iran were reimposed in 2025 after European powers triggered the snapback mechanism.",
    ],
    "quotes": [
        "“Enforcement is where sanctions succeed or fail,” said {analyst_name} of {think_tank}.",
        "“The shadow fleet is a moving target, and it moves faster than the lists,” {official} said.",
    ],
    "context": [
        "The EU has adopted successive sanctions packages against Russia since 2022.",
        "Sanctioned entities face asset freezes and are cut off from Western financial systems.",
    ],
}

TOPICS["cyber_hybrid_warfare"] = {
    "label": "Cyber and hybrid warfare",
    "slots": {
        "airport": ["Copenhagen", "Oslo", "Munich", "Brussels", "Vilnius", "Aalborg", "Helsinki", "Riga"],
        "cable_partner": ["Estonia", "Germany", "Sweden"],
        "cyber_target": [
            "rail ticketing systems",
            "a regional water utility",
            "airport check-in systems",
            "hospital networks",
            "municipal websites",
        ],
        "cyber_country": ["Poland", "Lithuania", "Germany", "Denmark", "Czechia", "Latvia"],
        "audience": ["German voters", "French-speaking audiences", "Baltic audiences", "Polish voters", "Moldovan voters"],
    },
    "angles": [
        (
            "Drone sightings close {airport} airport for {n_hours} hours",
            "{dateline} — Flights at {airport} airport were halted for {n_hours} hours after several "
            "large drones were seen nearby, officials said on {weekday}, the latest in a series of "
            "incidents European governments have linked to a campaign of hybrid pressure by Russia.",
            "COPENHAGEN|BERLIN|BRUSSELS",
        ),
        (
            "Finland investigates damage to undersea cable linking it to {cable_partner}",
            "{dateline} — Finnish authorities opened an investigation on {weekday} into damage to an "
            "undersea cable linking Finland to {cable_partner}, and coast guard officers boarded a "
            "tanker from Russia’s shadow fleet suspected of dragging its anchor.",
            "HELSINKI",
        ),
        (
            "Cyberattack disrupts {cyber_target} in {cyber_country}; officials point to Russia",
            "{dateline} — A cyberattack disrupted {cyber_target} in {cyber_country} on {weekday}, "
            "and officials said early evidence pointed to a group linked to Russia’s military "
            "intelligence.",
            "WARSAW|VILNIUS|BERLIN",
        ),
        (
            "EU flags network of {n_large} fake news sites targeting {audience}",
            "{dateline} — The European Union’s foreign service said on {weekday} it had identified a "
            "network of {n_large} websites spreading disinformation favourable to Russia and aimed at "
            "{audience}.",
            "BRUSSELS",
        ),
        (
            "Poland charges {n_small} over sabotage plot on rail line used to supply Ukraine",
            "{dateline} — Polish prosecutors charged {n_small} people on {weekday} over a plot to "
            "sabotage a rail line used to carry aid to Ukraine, with Donald Tusk saying they had acted "
            "on behalf of Russia’s intelligence services.",
            "WARSAW",
        ),
        (
            "GPS jamming disrupts {n_large} flights over the Baltic in a week",
            "{dateline} — Satellite navigation jamming affected {n_large} flights over the Baltic Sea "
            "region in a week, aviation authorities in Estonia, Latvia and Lithuania said on "
            "{weekday}, blaming transmitters in Russia’s Kaliningrad exclave.",
            "TALLINN|RIGA",
        ),
    ],
    "body": [
        "European security services say Russian intelligence agencies increasingly recruit "
        "intermediaries online to carry out low-level sabotage for small payments.",
        "The Kremlin has denied involvement in previous incidents and dismissed the accusations as ‘Russophobia’.",
        "NATO launched its Baltic Sentry mission in early 2025 to step up patrols around undersea cables and pipelines.",
        "Officials said it was too early to attribute the incident, but noted similarities with earlier cases.",
        "The incidents have exposed gaps in Europe’s ability to detect and counter small drones "
        "near airports and military bases.",
        "Cyber agencies urged operators of critical infrastructure to patch systems and review remote access.",
    ],
    "quotes": [
        "“This is a campaign designed to stay just below the threshold of war,” said {analyst_name} of {think_tank}.",
        "“Each incident is deniable; the pattern is not,” {official} told {outlet}.",
    ],
    "context": [
        "Several cables and pipelines in the Baltic Sea have been damaged since 2023.",
        "EU governments have discussed a ‘drone wall’ along the bloc’s eastern border.",
    ],
}

TOPICS["missile_tests_exercises"] = {
    "label": "Missile tests and exercises",
    "slots": {
        "ex_name": ["Northern Shield", "Iron Wolf", "Baltic Bastion", "Arctic Lance", "Danube Guard"],
        "ex_place": ["Lithuania", "northern Norway", "Finnish Lapland", "Romania", "the Baltic Sea", "Germany"],
        "ir_missile": [
            "a medium-range ballistic missile",
            "anti-ship cruise missiles",
            "a new air-defence system",
            "attack drones",
        ],
        "in_missile": [
            "an Agni-series ballistic missile",
            "a hypersonic glide vehicle",
            "a submarine-launched missile",
            "a long-range cruise missile",
        ],
        "typhon_place": ["Japan", "the Philippines", "Australia"],
    },
    "angles": [
        (
            "Russia and Belarus begin {n_small}-day command exercise near NATO border",
            "{dateline} — Russia and Belarus began a {n_small}-day command-staff exercise on "
            "{weekday} near the borders of Poland and Lithuania, the Russian defence ministry said, "
            "drawing heightened vigilance from NATO.",
            "VILNIUS|WARSAW",
        ),
        (
            "China and Russia hold joint naval drills in the Sea of Japan with {n_ships} ships",
            "{dateline} — China and Russia began joint naval drills in the Sea of Japan on {weekday} "
            "with {n_ships} warships, the Japan Self-Defense Forces said, in the latest display of "
            "military alignment between Beijing and Moscow.",
            "TOKYO",
        ),
        (
            "NATO exercise {ex_name} brings {n_troops} troops to {ex_place}",
            "{dateline} — The NATO exercise {ex_name} began on {weekday} with about {n_troops} troops "
            "deploying to {ex_place}, allied officials said, testing how quickly reinforcements can "
            "cross borders.",
            "BRUSSELS|VILNIUS|OSLO",
        ),
        (
            "NATO begins Steadfast Noon nuclear deterrence exercise with {n_med} aircraft",
            "{dateline} — NATO began its annual Steadfast Noon nuclear deterrence exercise on "
            "{weekday}, involving {n_med} aircraft from more than a dozen allies, the alliance said, "
            "stressing that no live weapons were used.",
            "BRUSSELS",
        ),
        (
            "Iran test-fires {ir_missile} during drills in the Gulf",
            "{dateline} — Iran test-fired {ir_missile} during military drills in the Gulf on "
            "{weekday}, state media reported, as Tehran seeks to show it has rebuilt capabilities "
            "damaged in last year’s war with Israel.",
            "DUBAI",
        ),
        (
            "India test-fires {in_missile} off its eastern coast",
            "{dateline} — India test-fired {in_missile} off its eastern coast on {weekday}, the "
            "defence ministry said, with Narendra Modi praising the scientists behind the programme.",
            "NEW DELHI",
        ),
        (
            "US Army moves Typhon missile launcher to {typhon_place} for {n_small}-week exercise",
            "{dateline} — The US Army moved its Typhon mid-range missile launcher to {typhon_place} "
            "on {weekday} for a {n_small}-week exercise, drawing a protest from Beijing, which said the "
            "system threatened regional stability.",
            "TOKYO|MANILA|CANBERRA",
        ),
    ],
    "body": [
        "Russian and Chinese forces have held joint patrols with increasing frequency, including "
        "bomber flights near Japan and Alaska.",
        "Western militaries say such exercises are defensive and long planned.",
        "Moscow said the drills were a response to NATO’s military build-up near Russia’s borders.",
        "The exercise is designed to test how quickly allied forces can move reinforcements across borders.",
        "Missile tests are closely watched by intelligence agencies for signs of new capabilities.",
        "Observers from partner countries were invited to watch parts of the exercise.",
    ],
    "quotes": [
        "“Exercises are messages, and this one was aimed at several audiences at once,” said {analyst_name} of {think_tank}.",
        "“We train as we would fight,” a spokesperson for the exercise said.",
    ],
    "context": [
        "Large exercises are usually announced months in advance under confidence-building rules.",
        "Several allies have doubled the number of live-fire exercises since 2022.",
    ],
}

TOPICS["indo_pacific_partnerships"] = {
    "label": "Indo-Pacific partnerships",
    "slots": {
        "ph_place": ["Luzon", "Palawan", "Zambales", "Batanes"],
        "quad_city": ["New Delhi", "Tokyo", "Canberra", "Washington"],
        "scs_place": ["Scarborough Shoal", "Second Thomas Shoal", "Sabina Shoal", "Thitu Island"],
        "ip_partner": ["Australia", "New Zealand", "Canada", "France", "Japan"],
        "us_asset": ["NMESIS anti-ship missiles", "MQ-9 Reaper drones", "a Marine littoral regiment", "HIMARS launchers"],
        "ip_host": ["the Philippines", "Okinawa", "northern Australia"],
    },
    "angles": [
        (
            "Japan and the Philippines hold drills in {ph_place} under new access pact",
            "{dateline} — Japanese and Philippine troops began joint drills in {ph_place} on "
            "{weekday} under their reciprocal access agreement, with Ferdinand Marcos Jr. calling the "
            "pact a cornerstone of Manila’s defence.",
            "MANILA|TOKYO",
        ),
        (
            "Australia pays {bn} billion dollars more into US submarine base under AUKUS",
            "{dateline} — Australia transferred a further {bn} billion dollars to the US submarine "
            "industrial base on {weekday} under the AUKUS pact, Richard Marles said, as Anthony "
            "Albanese’s government defended the cost.",
            "CANBERRA",
        ),
        (
            "Quad foreign ministers meet in {quad_city}, pledge maritime surveillance push",
            "{dateline} — Foreign ministers of the Quad — Australia, India, Japan and the United "
            "States — met in {quad_city} on {weekday} and pledged to expand maritime surveillance "
            "cooperation across the Indo-Pacific.",
            "NEW DELHI|TOKYO|CANBERRA",
        ),
        (
            "Philippines accuses Chinese coast guard of water-cannon attack near {scs_place}",
            "{dateline} — The Philippines accused China’s coast guard on {weekday} of firing water "
            "cannon at a Philippine government vessel near {scs_place} in the South China Sea, "
            "damaging its mast.",
            "MANILA",
        ),
        (
            "{ip_partner} and the Philippines sign defence cooperation deal",
            "{dateline} — {ip_partner} and the Philippines signed a defence cooperation agreement on "
            "{weekday} allowing their forces to train on each other’s territory, the latest in a "
            "widening web of security ties across the region.",
            "MANILA",
        ),
        (
            "US Indo-Pacific Command deploys {us_asset} to {ip_host}",
            "{dateline} — The US Indo-Pacific Command deployed {us_asset} to {ip_host} on {weekday}, "
            "officials said, part of an effort to spread US forces across the first island chain.",
            "MANILA|TOKYO|DARWIN",
        ),
        (
            "India and Australia to fly {n_small} joint maritime patrols a year under new pact",
            "{dateline} — India and Australia agreed on {weekday} to fly {n_small} joint maritime "
            "patrols a year over the Indian Ocean, as Narendra Modi and Anthony Albanese’s governments "
            "deepen defence ties.",
            "NEW DELHI|CANBERRA",
        ),
    ],
    "body": [
        "Washington has encouraged its allies in the region to work more closely with one another, "
        "knitting together bilateral and trilateral ties.",
        "Beijing has criticised such arrangements as ‘small circles’ that stoke confrontation.",
        "Under AUKUS, Australia is to acquire nuclear-powered attack submarines, first buying "
        "Virginia-class boats from the United States.",
        "Tensions in the South China Sea have risen as Chinese coast guard vessels confront "
        "Philippine ships around disputed features.",
        "Japan under Sanae Takaichi has sought closer security ties with the Philippines and Australia.",
        "ASEAN members remain divided over how hard to push back against Beijing.",
    ],
    "quotes": [
        "“The hub-and-spokes model is giving way to a network,” said {analyst_name} of {think_tank}.",
        "“Access is the currency of deterrence in this region,” {official} told {outlet}.",
    ],
    "context": [
        "An international tribunal ruled in 2016 that China’s sweeping claims in the South China "
        "Sea had no legal basis, a ruling Beijing rejects.",
        "The Quad was revived in 2017 after a decade of dormancy.",
    ],
}

TOPICS["middle_east_conflict"] = {
    "label": "Middle East conflict",
    "slots": {
        "ship_kind": ["a Liberian-flagged bulk carrier", "a container ship", "an oil tanker", "a Greek-owned cargo ship"],
        "gaza_issue": [
            "talks on Hamas disarmament stall",
            "aid deliveries slow",
            "a stabilisation force is delayed",
            "reconstruction funding lags",
        ],
        "ir_context": ["sanctions bite", "the IAEA presses for access", "Israel warns of new strikes"],
        "isr_issue": [
            "the next phase of the Gaza ceasefire",
            "reconstruction plans for Gaza",
            "the northern border with Lebanon",
        ],
    },
    "angles": [
        (
            "Houthis claim attack on {ship_kind} in the Red Sea",
            "{dateline} — Yemen’s Houthis claimed responsibility on {weekday} for an attack on "
            "{ship_kind} in the Red Sea, and a maritime security agency said the vessel had reported "
            "an explosion nearby.",
            "DUBAI",
        ),
        (
            "Gaza ceasefire under strain as {gaza_issue}",
            "{dateline} — The ceasefire in Gaza came under fresh strain on {weekday} as {gaza_issue}, "
            "mediators said, with Israel and Hamas each accusing the other of violations.",
            "JERUSALEM|CAIRO",
        ),
        (
            "Israel says it struck {n_small} Hezbollah sites in southern Lebanon",
            "{dateline} — Israel’s military said on {weekday} it had struck {n_small} Hezbollah sites "
            "in southern Lebanon, accusing the group of trying to rebuild positions near the border.",
            "JERUSALEM|BEIRUT",
        ),
        (
            "Khamenei rejects talks with Washington as {ir_context}",
            "{dateline} — Iran’s Supreme Leader Ali Khamenei rejected negotiations with the United "
            "States on {weekday}, as {ir_context} and Tehran’s economy deteriorates.",
            "DUBAI",
        ),
        (
            "US Navy destroyer downs {n_small} Houthi drones over the Red Sea",
            "{dateline} — A US Navy destroyer shot down {n_small} drones launched by the Houthis over "
            "the Red Sea on {weekday}, US officials said, in the first such engagement in several "
            "weeks.",
            "WASHINGTON|DUBAI",
        ),
        (
            "Netanyahu’s cabinet debates {isr_issue}",
            "{dateline} — Benjamin Netanyahu’s security cabinet met on {weekday} to debate "
            "{isr_issue}, officials said, amid pressure from coalition partners and from Washington.",
            "JERUSALEM",
        ),
        (
            "Suez Canal traffic still {pct}% below pre-crisis levels as Red Sea risk persists",
            "{dateline} — Traffic through the Suez Canal remains {pct}% below levels seen before the "
            "Houthi attacks began, shipping data showed on {weekday}, as many carriers still route "
            "around Africa.",
            "CAIRO|DUBAI",
        ),
    ],
    "body": [
        "The Houthis, who control much of northern Yemen, say their attacks are in solidarity with Palestinians in Gaza.",
        "Shipping companies have diverted many vessels around the Cape of Good Hope, adding a week "
        "or more to voyages between Asia and Europe.",
        "The Gaza ceasefire, brokered in October 2025, has been repeatedly tested by violations "
        "that each side blames on the other.",
        "Iran backs Hamas, Hezbollah and the Houthis, which it calls an ‘axis of resistance’.",
        "Israel and the United States struck Iranian nuclear facilities in June 2025.",
        "UN agencies say humanitarian needs in Gaza remain acute.",
    ],
    "quotes": [
        "“Every incident tests whether the ceasefire is a pause or the start of something durable,” "
        "said {analyst_name} of {think_tank}.",
        "“Tehran’s partners are weaker than two years ago, but they are not finished,” {official} said.",
    ],
    "context": [
        "António Guterres has called for unhindered humanitarian access to Gaza.",
        "The Red Sea carried roughly a tenth of world trade before the attacks began.",
    ],
}

TOPICS["korean_peninsula"] = {
    "label": "Korean Peninsula",
    "slots": {
        "nk_missile": [
            "a ballistic missile",
            "several short-range ballistic missiles",
            "cruise missiles",
            "what appeared to be a hypersonic missile",
        ],
        "nk_coast": ["east", "west"],
        "nk_site": [
            "a nuclear material production base",
            "a new destroyer",
            "a missile factory",
            "a drone research centre",
            "a submarine shipyard",
        ],
        "inter_korean": [
            "military talks with Pyongyang",
            "restoring the 2018 military agreement",
            "reunions of separated families",
        ],
        "ex_kr": ["combined air drills", "joint naval drills", "trilateral Freedom Edge drills"],
    },
    "angles": [
        (
            "North Korea fires {nk_missile} off its {nk_coast} coast, Seoul says",
            "{dateline} — North Korea fired {nk_missile} off its {nk_coast} coast on {weekday}, South "
            "Korea’s Joint Chiefs of Staff said, and Japan’s defence ministry said the launch ended "
            "outside its exclusive economic zone.",
            "SEOUL|TOKYO",
        ),
        (
            "Kim Jong Un inspects {nk_site}, vows to expand nuclear forces",
            "{dateline} — Kim Jong Un inspected {nk_site} and called for a faster expansion of North "
            "Korea’s nuclear forces, state media KCNA reported on {weekday}.",
            "SEOUL",
        ),
        (
            "Lee Jae-myung proposes {inter_korean} as tensions simmer",
            "{dateline} — South Korean President Lee Jae-myung on {weekday} proposed {inter_korean}, "
            "though Pyongyang has rejected previous overtures from Seoul.",
            "SEOUL",
        ),
        (
            "US and South Korea hold {ex_kr}; Pyongyang warns of ‘consequences’",
            "{dateline} — The United States and South Korea began {ex_kr} on {weekday}, prompting "
            "North Korea to warn of unspecified consequences for what it called rehearsals for "
            "invasion.",
            "SEOUL",
        ),
        (
            "North Korea sends {n_troops} more troops and engineers to Russia, Seoul says",
            "{dateline} — North Korea has sent about {n_troops} more troops and military engineers to "
            "Russia, South Korea’s spy agency said on {weekday}, deepening Pyongyang’s role in "
            "Moscow’s war against Ukraine.",
            "SEOUL",
        ),
        (
            "Seoul plans {n_small} nuclear-powered submarines, defence ministry says",
            "{dateline} — South Korea plans to build {n_small} nuclear-powered submarines, the defence "
            "ministry said on {weekday}, after Washington backed Seoul’s long-standing request.",
            "SEOUL",
        ),
    ],
    "body": [
        "North Korea has rejected offers of dialogue and declared South Korea a hostile state.",
        "Pyongyang has deepened military ties with Moscow, sending troops, artillery shells and "
        "missiles to support Russia’s war in Ukraine.",
        "Kim Jong Un has declared his country’s nuclear status irreversible.",
        "UN Security Council resolutions ban North Korea from testing ballistic missiles.",
        "South Korea, Japan and the United States share missile-warning data in real time.",
        "Analysts say Pyongyang may be receiving Russian help with space and submarine technology.",
    ],
    "quotes": [
        "“Pyongyang is using its Russia connection to test weapons in real combat and to earn hard "
        "currency,” said {analyst_name} of {think_tank}.",
        "“The North is not interested in talking while its leverage is growing,” {official} said.",
    ],
    "context": [
        "The 1950-53 Korean War ended in an armistice, not a peace treaty.",
        "About 28,500 US troops are stationed in South Korea.",
    ],
}

TOPICS["supply_chains_semiconductors"] = {
    "label": "Supply chains and semiconductors",
    "slots": {
        "sc_sector": ["missile", "drone", "fighter jet", "radar", "electric motor"],
        "sc_input": ["nitrocellulose", "TNT", "cotton linters", "rocket motor casings", "high explosives"],
        "sc_weapon": ["interceptor missiles", "guided artillery shells", "military radios", "precision-guided munitions"],
        "mineral": ["gallium", "germanium", "antimony", "tungsten"],
    },
    "angles": [
        (
            "China tightens rare earth export controls, hitting {sc_sector} suppliers",
            "{dateline} — China tightened controls on exports of rare earths and magnets on {weekday}, "
            "industry groups said, warning of delays for Western {sc_sector} suppliers that depend on "
            "Chinese processing.",
            "BEIJING|BRUSSELS",
        ),
        (
            "Defence firms warn of {n_small}-month delays on {mineral} supplies",
            "{dateline} — Defence manufacturers warned on {weekday} of delays of up to {n_small} "
            "months on deliveries of {mineral}, a mineral used in radar and night-vision equipment "
            "whose supply China dominates.",
            "LONDON|WASHINGTON",
        ),
        (
            "US adds {n_small} Chinese chip firms to export blacklist",
            "{dateline} — The US Commerce Department added {n_small} Chinese semiconductor firms to its "
            "export blacklist on {weekday}, saying their chips could support Beijing’s military "
            "modernisation.",
            "WASHINGTON",
        ),
        (
            "Europe’s munitions makers struggle to source {sc_input}",
            "{dateline} — European ammunition makers are struggling to source {sc_input}, executives "
            "said on {weekday}, threatening plans to raise shell output for Ukraine and NATO "
            "stockpiles.",
            "BRUSSELS|BERLIN",
        ),
        (
            "US and Japan to fund {n_small} critical minerals projects to cut reliance on China",
            "{dateline} — The United States and Japan agreed on {weekday} to jointly fund {n_small} "
            "critical minerals projects, in an effort to reduce reliance on Chinese processing of "
            "materials vital to defence industries.",
            "TOKYO|WASHINGTON",
        ),
        (
            "Chip shortage slows output of {sc_weapon}, Pentagon official says",
            "{dateline} — A shortage of older-generation chips is slowing production of {sc_weapon}, "
            "a Pentagon official said on {weekday}, as defence firms compete with carmakers for "
            "supply.",
            "WASHINGTON",
        ),
    ],
    "body": [
        "China dominates the mining and processing of rare earths used in magnets for missiles, drones and fighter jets.",
        "Western governments are trying to build alternative supply chains, but new mines and "
        "refineries take years to come online.",
        "Defence primes say stockpiles of critical inputs would last only months in a prolonged conflict.",
        "Advanced chips are made in a handful of foundries in East Asia, a vulnerability defence "
        "planners have flagged for years.",
        "Beijing says its export controls are lawful and comply with international obligations.",
        "Industry groups have asked governments to fund strategic stockpiles of critical materials.",
    ],
    "quotes": [
        "“The weak point is not the factory, it is the supplier three tiers down,” said {analyst_name} of {think_tank}.",
        "“We are rediscovering what the word ‘strategic’ means in supply chains,” {official} told {outlet}.",
    ],
    "context": [
        "China accounts for the large majority of global rare earth processing.",
        "Governments have offered subsidies for chip plants at home since 2022.",
    ],
}

TOPICS["space_military"] = {
    "label": "Military space",
    "slots": {
        "sat_target": [
            "Galileo navigation signals",
            "commercial satellite TV",
            "military satellite links",
            "weather satellite data",
        ],
        "jp_sat": ["a new intelligence satellite", "a defence communications satellite", "a missile-tracking satellite"],
    },
    "angles": [
        (
            "US Space Force tracks {n_small} Chinese satellites practising close manoeuvres",
            "{dateline} — The US Space Force said on {weekday} it had tracked {n_small} Chinese "
            "satellites practising close-proximity manoeuvres in orbit, tactics it described as "
            "rehearsal for space combat.",
            "WASHINGTON",
        ),
        (
            "Russia suspected of jamming {sat_target} over Europe",
            "{dateline} — European officials said on {weekday} that Russia was suspected of jamming "
            "{sat_target} over parts of Europe, part of a pattern of interference with space-based "
            "services.",
            "BRUSSELS|BERLIN",
        ),
        (
            "Golden Dome: Pentagon awards {bn} billion in space-based interceptor contracts",
            "{dateline} — The Pentagon awarded contracts worth {bn} billion dollars on {weekday} for "
            "prototype space-based interceptors, a core element of Donald Trump’s Golden Dome missile "
            "shield.",
            "WASHINGTON",
        ),
        (
            "Germany sets out {bn_big} billion euro military space plan",
            "{dateline} — Germany set out a {bn_big} billion euro plan for military satellites and space "
            "situational awareness on {weekday}, with Boris Pistorius saying Europe could no longer "
            "leave space to others.",
            "BERLIN",
        ),
        (
            "Japan launches {jp_sat} to bolster missile tracking",
            "{dateline} — Japan launched {jp_sat} on {weekday} from the Tanegashima space centre, the "
            "government said, as Tokyo builds up its ability to track missiles from North Korea and "
            "China.",
            "TOKYO",
        ),
        (
            "European militaries weigh reliance on Starlink as IRIS² slips {n_small} months",
            "{dateline} — European defence officials said on {weekday} that delays of {n_small} months "
            "to the EU’s IRIS² constellation would prolong their reliance on US commercial satellite "
            "links.",
            "BRUSSELS|PARIS",
        ),
    ],
    "body": [
        "Military planners increasingly treat space as a warfighting domain, with satellites vital "
        "for navigation, communications and missile warning.",
        "China and Russia have tested anti-satellite weapons, and US officials have accused Moscow "
        "of developing a nuclear anti-satellite system.",
        "Commercial constellations have become a lifeline for Ukraine’s forces, raising questions "
        "about reliance on private companies.",
        "The number of military satellites in orbit has roughly doubled in five years.",
        "NATO recognised space as an operational domain in 2019.",
        "Launch capacity in Europe remains limited, slowing national programmes.",
    ],
    "quotes": [
        "“Space is now contested every day, not just in wartime,” said {analyst_name} of {think_tank}.",
        "“Whoever loses their satellites loses their eyes and ears,” {official} said.",
    ],
    "context": [
        "Debris from anti-satellite tests can remain in orbit for decades.",
        "Space budgets are among the fastest-growing lines in defence spending.",
    ],
}

TOPIC_IDS = list(TOPICS)
BACKGROUND_TOPICS = [t for t in TOPIC_IDS if t != "taiwan_strait"]

# --------------------------------------------------------------------------- planted stories

SYNDICATED_TITLE = "Poland and Ukraine set up joint air-defence cell as Russian drone incursions mount"
SYNDICATED_PARAS = [
    "WARSAW — Poland and Ukraine agreed on Thursday to set up a joint cell to share radar data "
    "and coordinate responses to Russian drones, after a string of incursions into Polish "
    "airspace during overnight attacks on western Ukraine.",
    "Polish Defence Minister Władysław Kosiniak-Kamysz said the cell would link the two "
    "countries’ air-defence commands and give earlier warning of drones heading for the border. "
    "NATO allies have already reinforced air patrols over Poland under the alliance’s Eastern "
    "Sentry mission, and Volodymyr Zelensky has offered to share Ukraine’s experience of "
    "intercepting drones with cheap interceptors.",
]
SYNDICATED_ENDINGS = {
    "wire": "Russia denies deliberately targeting Polish territory. The Kremlin said Warsaw was "
    "using the incidents to justify a military build-up near Russia’s borders.",
    "harbour-watch-world": "Russia denies deliberately targeting Polish territory. The Kremlin "
    "said Warsaw was using the incidents to justify a military build-up near Russia’s "
    "borders. (Meridian Wire)",
    "baltic-security-monitor": "The cell will be based in Rzeszów, the logistics hub for Western "
    "aid to Ukraine, officials said. Lithuania and Latvia have asked to join its data "
    "sharing. (Meridian Wire)",
}
# (feed, UTC time, extra link suffix); the wire's two feeds add their own utm_* as usual.
SYNDICATED_COPIES = [
    ("meridian-wire-world", "07:40", ""),
    ("meridian-wire-asia", "07:40", ""),
    ("harbour-watch-world", "09:15", "?utm_source=rss&utm_medium=feed&utm_campaign=world&fbclid=IwAR0mW1reSyndic8x"),
    ("baltic-security-monitor", "11:02", "?utm_source=rss&utm_medium=feed&utm_campaign=syndication#comments"),
]

SEED_FEED = "atlantic-ledger-security"
SEED_TITLE = "Rutte warns Xi could ask Putin to strike NATO if China moves on Taiwan"
SEED_PARAS = [
    "BRUSSELS — NATO Secretary-General Mark Rutte warned this week that a Chinese move against "
    "Taiwan would be unlikely to remain a single-front crisis, suggesting that Xi Jinping could "
    "ask Vladimir Putin to tie down the alliance by attacking NATO territory in Europe.",
    "Rutte described a tightening web linking Beijing, Moscow, Pyongyang and Tehran, and said "
    "China’s exports of dual-use goods were helping to sustain Moscow’s war in Ukraine. Allies, "
    "he argued, should stop treating the Euro-Atlantic and the Indo-Pacific as separate theatres.",
    "He pointed to the pace of China’s military build-up: the People’s Liberation Army Navy is "
    "now the world’s largest navy by number of ships, and Beijing is expected to hold more than "
    "1,000 nuclear warheads by 2030. A crisis in the Taiwan Strait, officials said, would test "
    "the alliance’s ability to respond in two regions at once.",
    "Beijing and Moscow have dismissed similar warnings as Cold War thinking. Poland and the "
    "Baltic states said the assessment matched their own, while Japan and Australia, NATO "
    "partners in the Indo-Pacific, have pressed for closer coordination & more joint planning.",
]
SEED_TIME = "14:20"

# --------------------------------------------------------------------------- data model


@dataclasses.dataclass
class Entry:
    feed_id: str
    title: str
    html: str  # the HTML body (entities already escaped for HTML)
    topic: str
    day: date  # the UTC day the story belongs to (also for undated ones)
    when: datetime | None  # UTC instant of publication; None for planted undated items
    updated: datetime | None = None
    plant: str = ""  # "", "surge", "syndicated", "seed", "undated"
    author: str | None = None
    link_suffix: str = ""  # tracking parameters or fragment appended to the link
    num: int = 0
    link: str = ""
    guid: str = ""

    @property
    def outlet(self) -> dict[str, Any]:
        return OUTLETS[FEED_BY_ID[self.feed_id]["outlet"]]

    @property
    def text(self) -> str:
        """Plain text of the body, as a reader (or the pipeline) would see it."""
        return htmllib.unescape(re.sub(r"<[^>]+>", "", self.html))


# --------------------------------------------------------------------------- small helpers


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def slugify(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.replace("ł", "l").replace("Ł", "L"))
    ascii_only = folded.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return slug if len(slug) <= 90 else slug[:90].rsplit("-", 1)[0]


def number_slots(rng: random.Random) -> dict[str, str]:
    n_large = rng.randint(120, 640)
    return {
        "n_small": str(rng.randint(3, 12)),
        "n_med": str(rng.randint(14, 71)),
        "n_ships": str(rng.randint(6, 24)),
        "n_large": str(n_large),
        "n_down": str(n_large - rng.randint(6, 40)),
        "n_km": f"{rng.randint(30, 140) * 10:,}",
        "n_hours": str(rng.randint(2, 7)),
        "n_troops": f"{rng.randint(30, 150) * 100:,}",
        "n_fleet": str(rng.randint(370, 395)),
        "n_vessels": str(rng.randint(40, 190)),
        "n_warheads": str(rng.randint(66, 74) * 10),
        "n_shahed": f"{rng.randint(25, 55) * 100:,}",
        "bn": f"{rng.randint(12, 98) / 10:.1f}",
        "bn_big": str(rng.randint(20, 110)),
        "bn_twd": str(rng.randint(30, 400)),
        "pct": str(rng.randint(8, 38)),
        "yen_tn": f"{rng.randint(88, 94) / 10:.1f}",
        "cap": f"{rng.randint(440, 476) / 10:.1f}",
        "rial": f"{rng.randint(115, 140) * 10_000:,}",
    }


ORDINALS = ["first", "second", "third", "fourth", "fifth"]


def surge_slots(day: date) -> dict[str, str]:
    n = sorted(SURGE).index(day)
    word = ORDINALS[n] + (" and final" if n == len(SURGE) - 1 else "")
    return {
        "exercise": SURGE_EXERCISE,
        "surge_day": str(n + 1),
        "surge_day_word": word,
        "surge_phase": f"on the {word} day",
        "surge_phase_short": f"in their {word} day",
    }


def story_slots(rng: random.Random, topic: str, day: date, outlet: str) -> dict[str, str]:
    slots = number_slots(rng)
    slots.update(weekday=WEEKDAYS[day.weekday()], outlet=outlet, newstart_months={9: "seven", 10: "eight"}[day.month])
    for name, pool in {**COMMON_SLOTS, **TOPICS[topic]["slots"]}.items():
        pick = rng.choice(pool)
        slots.update(pick if isinstance(pick, dict) else {name: pick})
    for name in ("analyst_name", "think_tank"):  # a second voice for the second quote
        slots[name + "2"] = rng.choice([v for v in COMMON_SLOTS[name] if v != slots[name]])
    if day in SURGE and topic == "taiwan_strait":
        slots.update(surge_slots(day))
    return slots


# --------------------------------------------------------------------------- story text


def word_count(paras: list[list[str]]) -> int:
    return sum(len(s.split()) for p in paras for s in p)


def fit_length(paras: list[list[str]], spare: list[str], lo: int = 85, hi: int = 240) -> list[str]:
    """Grow or trim the paragraphs until the body is lo..hi words; return one string each."""
    while word_count(paras) < lo and spare:
        paras[-1].append(spare.pop(0))
    while word_count(paras) > hi:
        if len(paras[-1]) > 1:
            paras[-1].pop()
        else:
            paras.pop()
    return [" ".join(p) for p in paras]


def compose(rng: random.Random, topic: dict[str, Any], lead: str, slots: dict[str, Any], surge: bool) -> list[str]:
    """Lead, body sentences, quotes and background in 2-5 paragraphs."""
    body = topic["body"] + (topic.get("surge_body", []) if surge else [])
    body = rng.sample(body, len(body))
    quotes = rng.sample(topic["quotes"] + [rng.choice(COMMON_QUOTES)], 2)
    context = rng.sample(topic["context"] + [rng.choice(COMMON_CONTEXT)], 2)
    second = quotes[1].replace("{analyst_name}", "{analyst_name2}")
    second = second.replace("{think_tank}", "{think_tank2}")
    layout = [[lead, body[0]], [body[1], body[2]], [quotes[0], context[0]], [body[3], second], [context[1]]]
    n = rng.choice([2, 3, 3, 4, 4, 5])
    paras = [[cap(s.format_map(slots)) for s in p] for p in layout[:n]]
    spare = [cap(s.format_map(slots)) for s in body[4:]]
    return fit_length(paras, spare)


def decorate(rng: random.Random, paras: list[str], feed: dict[str, Any], topic: str, slots: dict[str, Any]) -> str:
    """Turn plain paragraphs into the outlet's HTML habits."""
    outlet = OUTLETS[feed["outlet"]]
    style = HTML_STYLE[feed["outlet"]]
    html = [escape(p) for p in paras]
    think_tank = escape(slots.get("think_tank", ""))
    bare = think_tank.removeprefix("the ")
    if "strong" in style:
        html = emphasise_first_name(html)
    if "em" in style:
        html = [h.replace(bare, f"<em>{bare}</em>", 1) for h in html]
        html = [h.replace(SURGE_EXERCISE, f"<em>{SURGE_EXERCISE}</em>") for h in html]
    if "link" in style and bare:
        href = f"https://www.{slugify(bare)}.example/"
        html = [h.replace(bare, f'<a href="{href}">{bare}</a>', 1) for h in html]
    if "nbsp" in style:
        html[0] = html[0].replace(" — ", "&nbsp;— ", 1)
    if "numeric" in style:
        for ch, ref in (("’", "&#8217;"), ("‘", "&#8216;"), ("“", "&#8220;"), ("”", "&#8221;")):
            html = [h.replace(ch, ref) for h in html]
    out = "\n".join(f"<p>{h}</p>" for h in html)
    if "readmore" in style and rng.random() < 0.3:
        href = f"https://www.{outlet['domain']}/topics/{topic.replace('_', '-')}"
        label = escape(TOPICS[topic]["label"])
        out += f'\n<p>Read more: <a href="{href}">{label} coverage from {escape(outlet["name"])}</a></p>'
    return out


def emphasise_first_name(html: list[str]) -> list[str]:
    for i, h in enumerate(html):
        hits = [(h.find(escape(n)), n) for n in STRONG_NAMES if escape(n) in h]
        if hits:
            pos, name = min(hits)
            html[i] = h[:pos] + f"<strong>{escape(name)}</strong>" + h[pos + len(escape(name)) :]
            return html
    return html


def make_story(rng: random.Random, topic: str, day: date, feed: dict[str, Any], titles: set[str], surge: bool) -> Entry:
    t = TOPICS[topic]
    outlet = OUTLETS[feed["outlet"]]["name"]
    for _ in range(80):
        angle = rng.choice(t["surge_angles"] if surge else t["angles"])
        slots = story_slots(rng, topic, day, outlet)
        title = cap(angle[0].format_map(slots))
        if title not in titles:
            break
    else:
        raise RuntimeError(f"ran out of unique titles for {topic} on {day}")
    titles.add(title)
    slots["dateline"] = rng.choice(angle[2].split("|")).format_map(slots)
    paras = compose(rng, t, angle[1], slots, surge)
    html = decorate(rng, paras, feed, topic, slots)
    return Entry(
        feed["id"],
        title,
        html,
        topic,
        day,
        pick_time(rng, day, feed),
        plant="surge" if surge else "",
        author=pick_author(rng, feed),
    )


# --------------------------------------------------------------------------- schedule


def pick_time(rng: random.Random, day: date, feed: dict[str, Any]) -> datetime:
    """A UTC instant on `day` whose local date (in the feed's offset) is also `day`."""
    offset = feed["tz"][0]
    hour = rng.randint(max(0, -offset), min(23, 23 - offset))
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=UTC)


def pick_author(rng: random.Random, feed: dict[str, Any]) -> str | None:
    reporters = OUTLETS[feed["outlet"]]["reporters"]
    return rng.choice(reporters) if reporters else None


def pick_feed(rng: random.Random, topic: str) -> dict[str, Any]:
    weights = [f["volume"] * f["affinity"].get(topic, f["affinity"].get("*", 0.0)) for f in FEEDS]
    return rng.choices(FEEDS, weights=weights)[0]


def taiwan_quota(day: date) -> int:
    """Taiwan Strait stories on `day`: flat baseline (days 0, 2 of every 5) plus the surge."""
    if day in SURGE:
        return SURGE[day]
    if day == SEED_STORY_DATE:
        return 0  # the seed-article story is that day's Taiwan Strait item
    return 1 if (day - START).days % 5 in (0, 2) else 0


def background_topics(rng: random.Random, day: date, deck: list[str]) -> list[str]:
    """Balanced background (a shuffled deck of topics); the last 7 days lean to Europe."""
    if day in LAST7:
        topics = ["russia_ukraine_war"] * 3 + ["nato_alliance"] * 2 + ["cyber_hybrid_warfare"]
        others = [t for t in BACKGROUND_TOPICS if t not in topics]
        topics += rng.sample(others, rng.randint(0, 1))
        if day == SYNDICATION_DATE:
            topics.remove("russia_ukraine_war")  # the syndicated wire story takes this slot
        return topics
    count = rng.randint(6, 7) if day.weekday() < 5 else rng.randint(4, 5)
    picks = []
    for _ in range(count):
        if not deck:
            deck.extend(rng.sample(BACKGROUND_TOPICS, len(BACKGROUND_TOPICS)))
        picks.append(deck.pop())
    return picks


def background_entries(rng: random.Random) -> list[Entry]:
    entries: list[Entry] = []
    titles: set[str] = {SYNDICATED_TITLE, SEED_TITLE}
    deck: list[str] = []
    for i in range(DAYS):
        day = START + timedelta(days=i)
        plan = [(t, False) for t in background_topics(rng, day, deck)]
        plan += [("taiwan_strait", day in SURGE)] * taiwan_quota(day)
        for topic, surge in plan:
            entries.append(make_story(rng, topic, day, pick_feed(rng, topic), titles, surge))
    return entries


def at(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def planted_entries(rng: random.Random) -> list[Entry]:
    """The syndicated wire story (4 copies) and the seed-article story."""
    assert WEEKDAYS[SYNDICATION_DATE.weekday()] == "Thursday"  # the copy says "on Thursday"
    out = []
    for feed_id, hhmm, suffix in SYNDICATED_COPIES:
        feed = FEED_BY_ID[feed_id]
        ending = SYNDICATED_ENDINGS.get(feed_id, SYNDICATED_ENDINGS["wire"])
        paras = [escape(p) for p in SYNDICATED_PARAS + [ending]]
        html = "\n".join(f"<p>{p}</p>" for p in paras)
        if feed_id == "harbour-watch-world":
            html += "\n<p><em>Reporting by Meridian Wire; editing by Harbour Watch Defence.</em></p>"
        out.append(
            Entry(
                feed_id,
                SYNDICATED_TITLE,
                html,
                "russia_ukraine_war",
                SYNDICATION_DATE,
                at(SYNDICATION_DATE, hhmm),
                plant="syndicated",
                author="Jonas Brandt" if feed["outlet"] == "meridian" else None,
                link_suffix=suffix,
            )
        )
    seed_html = "\n".join(f"<p>{escape(p)}</p>" for p in SEED_PARAS)
    seed_html = seed_html.replace("Mark Rutte", "<strong>Mark Rutte</strong>", 1)
    out.append(
        Entry(SEED_FEED, SEED_TITLE, seed_html, "nato_alliance", SEED_STORY_DATE, at(SEED_STORY_DATE, SEED_TIME), plant="seed")
    )
    return out


def mark_undated(rng: random.Random, entries: list[Entry]) -> None:
    """Strip the date from a few ordinary entries, away from every dated plant."""
    for feed_id, k in UNDATED_PER_FEED.items():
        pool = [
            e
            for e in entries
            if e.feed_id == feed_id and not e.plant and e.topic != "taiwan_strait" and e.day not in SURGE and e.day not in LAST7
        ]
        for e in rng.sample(pool, k):
            e.when, e.plant = None, "undated"


def mark_updates(rng: random.Random, entries: list[Entry]) -> None:
    """Some Atom entries were corrected later the same (local and UTC) day."""
    for e in entries:
        if e.when is None or FEED_BY_ID[e.feed_id]["fmt"] != "atom":
            continue
        local_hour = e.when.hour + FEED_BY_ID[e.feed_id]["tz"][0]
        if rng.random() < 0.2 and e.when.hour <= 20 and local_hour <= 20:
            e.updated = e.when + timedelta(hours=rng.randint(1, 3), minutes=rng.randint(0, 59))
        else:
            e.updated = e.when


# --------------------------------------------------------------------------- links and ids

NUM_BASE = {
    "meridian": 48100,
    "harbour": 7300,
    "atlantic": 21500,
    "lantern": 900,
    "pacific": 5600,
    "keel": 3100,
    "baltic": 12000,
    "steppe": 4400,
    "silicon": 1500,
}
LINK_PATTERN = {
    "meridian": "news/{y}/{m}/{d}/{slug}-{num}",
    "harbour": "news/{slug}",
    "atlantic": "security/{y}/{m}/{d}/{slug}/",
    "lantern": "{y}/{m}/{d}/{slug}",
    "pacific": "{y}/{m}/{slug}",
    "keel": "articles/{num}/{slug}",
    "baltic": "{y}/{m}/{d}/{slug}",
    "steppe": "review/{slug}.html",
    "silicon": "briefs/{slug}-{num}",
}
WIRE_UTM = {
    "meridian-wire-world": "?utm_source=rss&utm_medium=feed&utm_campaign=world",
    "meridian-wire-asia": "?utm_source=atom&utm_medium=feed&utm_campaign=asia",
}


def sort_key(e: Entry) -> tuple[datetime, str, str]:
    when = e.when or at(e.day, "12:00")
    return (when, e.feed_id, e.title)


def assign_ids(entries: list[Entry]) -> None:
    """Article numbers in publication order per outlet (one number per article), then links."""
    numbers: dict[tuple[str, str], int] = {}
    counters = dict(NUM_BASE)
    for e in sorted(entries, key=sort_key):
        outlet_key = FEED_BY_ID[e.feed_id]["outlet"]
        if (outlet_key, e.title) not in numbers:
            counters[outlet_key] += 1
            numbers[(outlet_key, e.title)] = counters[outlet_key]
        e.num = numbers[(outlet_key, e.title)]
        base = f"https://www.{e.outlet['domain']}/" + LINK_PATTERN[outlet_key].format(
            y=e.day.year, m=f"{e.day.month:02d}", d=f"{e.day.day:02d}", slug=slugify(e.title), num=e.num
        )
        e.link = base + WIRE_UTM.get(e.feed_id, "") + e.link_suffix
        e.guid = make_guid(e, base)


def make_guid(e: Entry, base: str) -> str:
    domain = e.outlet["domain"]
    fmt = FEED_BY_ID[e.feed_id]["fmt"]
    if e.feed_id == "lantern-point-dispatch":
        return BROKEN_GUID
    if fmt == "atom":
        return f"tag:{domain},2026:article-{e.num}"
    if e.feed_id == "meridian-wire-world":
        return f"meridianwire:article:{e.num}"
    if e.feed_id == "atlantic-ledger-security":
        return f"atlanticledger-{e.num}"
    return base  # Harbour Watch permalinks and the RDF feeds' rdf:about


# --------------------------------------------------------------------------- dates


def local(dt: datetime, feed: dict[str, Any]) -> datetime:
    return dt.astimezone(timezone(timedelta(hours=feed["tz"][0])))


def rfc822(dt: datetime, feed: dict[str, Any]) -> str:
    t = local(dt, feed)
    return f"{WEEKDAYS[t.weekday()][:3]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year} {t:%H:%M:%S} {feed['tz'][1]}"


def rfc3339(dt: datetime, feed: dict[str, Any]) -> str:
    t = local(dt, feed)
    return f"{t:%Y-%m-%dT%H:%M:%S}" + ("Z" if feed["tz"][1] == "Z" else feed["tz"][1])


# --------------------------------------------------------------------------- rendering

XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'
FORMAT_NAMES = {"rss2": "RSS 2.0", "atom": "Atom 1.0", "rdf": "RSS 1.0 (RDF)"}
HTML_CARRIERS = {
    "escaped": "HTML entity-escaped in the description element",
    "cdata": "HTML in CDATA sections of the description element",
    "content": 'HTML in <content type="html">',
    "summary+content": 'plain-text <summary> plus HTML in <content type="html">',
    "summary": 'HTML in <summary type="html"> only (no content element)',
}


def feed_title(feed: dict[str, Any]) -> str:
    return f"{OUTLETS[feed['outlet']]['name']} — {cap(feed['desk'])}"


def self_url(feed: dict[str, Any]) -> str:
    return f"https://www.{OUTLETS[feed['outlet']]['domain']}/{feed['path']}"


def header_comment(feed: dict[str, Any], entries: list[Entry], plants: list[str]) -> str:
    dated = [e.day for e in entries]
    desc = (
        f"{FORMAT_NAMES[feed['fmt']]} feed of {OUTLETS[feed['outlet']]['name']}, "
        f"{feed['desk']} (an invented outlet on a .example domain): {len(entries)} entries, "
        f"{min(dated)} .. {max(dated)} (UTC days); {HTML_CARRIERS[feed['html']]}; dates "
        f"written with UTC offset {feed['tz'][1]}. Fictional sample data from "
        f"samples/build_samples.py (seed {SEED}): regenerate it, do not edit by hand."
    )
    text = f"Description: {desc}\nPlants: " + (
        "\n        ".join(plants) if plants else "nothing beyond ordinary background coverage."
    )
    assert "--" not in text
    return f"<!--\n{text}\n-->"


def render_feed(feed: dict[str, Any], entries: list[Entry], plants: list[str]) -> str:
    renderer = {"rss2": render_rss2, "atom": render_atom, "rdf": render_rdf}[feed["fmt"]]
    body = renderer(feed, entries)
    return "\n".join([XML_DECL, header_comment(feed, entries, plants), body, ""])


def html_element(tag: str, html: str, cdata: bool, attrs: str = "") -> str:
    if cdata:
        assert "]]>" not in html
        return f"<{tag}{attrs}><![CDATA[{html}]]></{tag}>"
    return f"<{tag}{attrs}>{escape(html)}</{tag}>"


def render_rss2(feed: dict[str, Any], entries: list[Entry]) -> str:
    o = OUTLETS[feed["outlet"]]
    lines = [
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "  <channel>",
        f"    <title>{escape(feed_title(feed))}</title>",
        f"    <link>https://www.{o['domain']}/</link>",
        f"    <description>Defence and security news from {escape(o['name'])} (fictional sample feed).</description>",
        "    <language>en</language>",
        f"    <lastBuildDate>{rfc822(BUILD_TIME, feed)}</lastBuildDate>",
        f'    <atom:link href="{self_url(feed)}" rel="self" type="application/rss+xml"/>',
        "    <ttl>15</ttl>",
    ]
    for e in entries:
        lines += rss2_item(feed, e)
    return "\n".join(lines + ["  </channel>", "</rss>"])


def rss2_item(feed: dict[str, Any], e: Entry) -> list[str]:
    guid_attr = "" if e.guid.startswith("https://") else ' isPermaLink="false"'
    lines = [
        "    <item>",
        f"      <title>{escape(e.title)}</title>",
        f"      <link>{escape(e.link)}</link>",
        f"      <guid{guid_attr}>{escape(e.guid)}</guid>",
    ]
    if e.when is not None:
        lines.append(f"      <pubDate>{rfc822(e.when, feed)}</pubDate>")
    if e.author and feed["outlet"] == "meridian":
        lines.append(f"      <author>desk@{e.outlet['domain']} ({escape(e.author)})</author>")
    elif e.author:
        lines.append(f"      <dc:creator>{escape(e.author)}</dc:creator>")
    lines.append(f"      <category>{escape(TOPICS[e.topic]['label'])}</category>")
    lines.append("      " + html_element("description", e.html, feed["html"] == "cdata"))
    return lines + ["    </item>"]


def render_atom(feed: dict[str, Any], entries: list[Entry]) -> str:
    o = OUTLETS[feed["outlet"]]
    newest = max(e.updated for e in entries if e.updated)
    lines = [
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"  <title>{escape(feed_title(feed))}</title>",
        f"  <subtitle>Defence and security news from {escape(o['name'])} (fictional sample feed).</subtitle>",
        f'  <link rel="alternate" type="text/html" href="https://www.{o["domain"]}/"/>',
        f'  <link rel="self" type="application/atom+xml" href="{self_url(feed)}"/>',
        f"  <id>tag:{o['domain']},2026:{feed['id']}</id>",
        f"  <updated>{rfc3339(newest, feed)}</updated>",
        "  <generator>defnews samples/build_samples.py</generator>",
    ]
    for e in entries:
        lines += atom_entry(feed, e)
    return "\n".join(lines + ["</feed>"])


def atom_entry(feed: dict[str, Any], e: Entry) -> list[str]:
    assert e.when is not None, "undated entries are only planted in RSS feeds"
    lines = [
        "  <entry>",
        f"    <title>{escape(e.title)}</title>",
        f'    <link rel="alternate" type="text/html" href={quoteattr(e.link)}/>',
        f"    <id>{escape(e.guid)}</id>",
        f"    <published>{rfc3339(e.when, feed)}</published>",
        f"    <updated>{rfc3339(e.updated or e.when, feed)}</updated>",
    ]
    if e.author:
        lines.append(f"    <author><name>{escape(e.author)}</name></author>")
    label = TOPICS[e.topic]["label"]
    lines.append(f'    <category term="{e.topic}" label={quoteattr(label)}/>')
    if feed["html"] == "summary+content":
        first = htmllib.unescape(re.sub(r"<[^>]+>", "", e.html.split("</p>")[0]))
        lines.append(f'    <summary type="text">{escape(first)}</summary>')
    tag = "summary" if feed["html"] == "summary" else "content"
    lines.append("    " + html_element(tag, e.html, False, ' type="html"'))
    return lines + ["  </entry>"]


def render_rdf(feed: dict[str, Any], entries: list[Entry]) -> str:
    o = OUTLETS[feed["outlet"]]
    lines = [
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
        '         xmlns="http://purl.org/rss/1.0/"',
        '         xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'  <channel rdf:about="{self_url(feed)}">',
        f"    <title>{escape(feed_title(feed))}</title>",
        f"    <link>https://www.{o['domain']}/</link>",
        f"    <description>Defence and security news from {escape(o['name'])} (fictional sample feed).</description>",
        "    <dc:language>en</dc:language>",
        f"    <dc:date>{rfc3339(BUILD_TIME, feed)}</dc:date>",
        "    <items>",
        "      <rdf:Seq>",
    ]
    lines += [f"        <rdf:li rdf:resource={quoteattr(e.guid)}/>" for e in entries]
    lines += ["      </rdf:Seq>", "    </items>", "  </channel>"]
    for e in entries:
        lines += rdf_item(feed, e)
    return "\n".join(lines + ["</rdf:RDF>"])


def rdf_item(feed: dict[str, Any], e: Entry) -> list[str]:
    lines = [
        f"  <item rdf:about={quoteattr(e.guid)}>",
        f"    <title>{escape(e.title)}</title>",
        f"    <link>{escape(e.link)}</link>",
        "    " + html_element("description", e.html, False),
    ]
    if e.when is not None:
        lines.append(f"    <dc:date>{rfc3339(e.when, feed)}</dc:date>")
    if e.author:
        lines.append(f"    <dc:creator>{escape(e.author)}</dc:creator>")
    lines.append(f"    <dc:subject>{escape(TOPICS[e.topic]['label'])}</dc:subject>")
    return lines + ["  </item>"]


# --------------------------------------------------------------------------- facts for tests

# A small gazetteer, only to check that the last week's top actors are robust: they must come
# out the same whether one counts canonical names only, aliases and metonyms, or aliases
# case-insensitively (datelines such as "KYIV"), and with or without syndicated copies.
ACTOR_ALIASES = {
    "Russia": ["Russian", "Moscow", "Kremlin"],
    "Ukraine": ["Ukrainian", "Kyiv"],
    "NATO": [],
    "United States": ["US", "Washington", "Pentagon", "American"],
    "China": ["Chinese", "Beijing"],
    "European Union": ["EU"],
    "Poland": ["Polish", "Warsaw"],
    "Germany": ["German", "Berlin"],
    "United Kingdom": ["Britain", "British", "London"],
    "France": ["French", "Paris"],
    "Iran": ["Iranian", "Tehran"],
    "Japan": ["Japanese", "Tokyo"],
    "Taiwan": ["Taipei"],
    "North Korea": ["Pyongyang"],
    "Israel": ["Israeli"],
    "Vladimir Putin": ["Putin"],
    "Volodymyr Zelensky": ["Zelensky"],
    "Mark Rutte": ["Rutte"],
    "Donald Trump": ["Trump"],
    "Lithuania": ["Vilnius"],
    "Estonia": ["Tallinn"],
    "Latvia": ["Riga"],
    "Finland": ["Finnish", "Helsinki"],
    "Denmark": ["Danish", "Copenhagen"],
}


def canonical_url(url: str) -> str:
    base, _, query = url.split("#")[0].partition("?")
    kept = [p for p in query.split("&") if p and not p.startswith(("utm_", "fbclid"))]
    return base + ("?" + "&".join(kept) if kept else "")


def actor_counts(entries: list[Entry], mode: str) -> dict[str, int]:
    flags = re.IGNORECASE if mode == "nocase" else 0
    counts = {}
    for actor, aliases in ACTOR_ALIASES.items():
        names = [actor] + (aliases if mode != "strict" else [])
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b", flags)
        counts[actor] = sum(1 for e in entries if pattern.search(e.title + "\n" + e.text))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def unique_stories(entries: list[Entry]) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for e in sorted(entries, key=sort_key):
        seen.setdefault(e.title, e)
    return list(seen.values())


def top_actors(entries: list[Entry]) -> tuple[list[str] | None, dict[str, Any]]:
    """The top 3 actors, if every counting variant agrees with a clear gap to 4th place."""
    variants = {}
    for dedup in (False, True):
        sample = unique_stories(entries) if dedup else entries
        for mode in ("strict", "alias", "nocase"):
            variants[f"{mode}{'_dedup' if dedup else ''}"] = actor_counts(sample, mode)
    tops = {tuple(list(c)[:3]) for c in variants.values()}
    gaps = [list(c.values())[:4] for c in variants.values()]
    robust = len(tops) == 1 and all(n[0] >= 1.15 * n[1] and n[1] >= 1.15 * n[2] and n[2] >= 1.25 * n[3] for n in gaps)
    return (list(tops.pop()) if robust else None), variants


def last7_facts(entries: list[Entry]) -> dict[str, Any]:
    week = [e for e in entries if e.when is not None and e.day in LAST7]
    topics: dict[str, int] = {}
    for e in unique_stories(week):
        topics[e.topic] = topics.get(e.topic, 0) + 1
    topics = dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])))
    counts = list(topics.values())
    top3, variants = top_actors(week)
    return {
        "days": [str(d) for d in LAST7],
        "entries": len(week),
        "unique_stories": len(unique_stories(week)),
        "topics_by_story_label": topics,
        "top_topics": list(topics)[:3] if counts[2] >= 1.5 * counts[3] else None,
        "top_actors": top3,
        "actor_document_counts": {k: dict(list(v.items())[:6]) for k, v in variants.items()},
    }


def taiwan_facts(entries: list[Entry]) -> dict[str, Any]:
    tw = [e for e in entries if "Taiwan Strait" in e.title + e.text]
    assert all(e.when is not None for e in tw)
    assert {e.title for e in tw} == {e.title for e in entries if "Taiwan" in e.title + e.text}
    daily = {str(START + timedelta(days=i)): 0 for i in range(DAYS)}
    for e in tw:
        daily[str(e.day)] += 1
    surge = [e for e in tw if e.day in SURGE]
    baseline = [e for e in tw if e.day not in SURGE]
    dated = [e for e in entries if e.when is not None]
    on_surge_days = sum(1 for e in dated if e.day in SURGE)
    return {
        "surge_share": round(len(surge) / on_surge_days, 3),
        "baseline_share": round(len(baseline) / (len(dated) - on_surge_days), 3),
        "phrase": "Taiwan Strait",
        "surge_days": [str(d) for d in SURGE],
        "surge_exercise": SURGE_EXERCISE,
        "surge_entries": len(surge),
        "baseline_entries": len(baseline),
        "baseline_days": sorted({str(e.day) for e in baseline}),
        "surge_feeds": sorted({e.feed_id for e in surge}),
        "surge_outlets": sorted({e.outlet["name"] for e in surge}),
        "daily_counts": daily,
    }


def entry_ref(e: Entry) -> dict[str, Any]:
    return {
        "feed_id": e.feed_id,
        "title": e.title,
        "guid": e.guid,
        "link": e.link,
        "published": e.when.isoformat().replace("+00:00", "Z") if e.when else None,
    }


def plant_facts(entries: list[Entry]) -> dict[str, Any]:
    synd = sorted((e for e in entries if e.plant == "syndicated"), key=sort_key)
    lantern = [e for e in entries if e.feed_id == "lantern-point-dispatch"]
    seed = next(e for e in entries if e.plant == "seed")
    return {
        "syndication": {
            "title": SYNDICATED_TITLE,
            "date": str(SYNDICATION_DATE),
            "wire": "Meridian Wire",
            "copies": [entry_ref(e) for e in synd],
            "canonical_urls": sorted({canonical_url(e.link) for e in synd}),
            "outlets": sorted({e.outlet["name"] for e in synd}),
        },
        "repeated_guid": {
            "feed_id": "lantern-point-dispatch",
            "guid": BROKEN_GUID,
            "items": len(lantern),
            "distinct_links": len({e.link for e in lantern}),
        },
        "undated": [entry_ref(e) for e in sorted(entries, key=sort_key) if e.plant == "undated"],
        "seed_story": entry_ref(seed),
    }


def feed_plants(feed: dict[str, Any], entries: list[Entry]) -> list[str]:
    """One human-readable line per planted thing in this feed, for the header comment."""
    mine = [e for e in entries if e.feed_id == feed["id"]]
    surge = sum(1 for e in mine if e.plant == "surge")
    lines = []
    if surge:
        lines.append(f"{surge} of the Taiwan Strait surge stories ({SURGE_EXERCISE} drills, {min(SURGE)} .. {max(SURGE)}).")
    for e in mine:
        if e.plant == "syndicated":
            lines.append(f'the syndicated Meridian Wire story of {SYNDICATION_DATE} ("{e.title}"), link {e.link}')
        if e.plant == "seed":
            lines.append(f'the seed-article story of {SEED_STORY_DATE} ("{e.title}"), guid {e.guid}')
    undated = [e.guid for e in mine if e.plant == "undated"]
    if undated:
        lines.append(f"{len(undated)} entries without any date: " + ", ".join(undated))
    if feed["id"] == "lantern-point-dispatch":
        lines.append(
            f'every item repeats <guid isPermaLink="false">{BROKEN_GUID}</guid> '
            f"(a broken CMS); the {len(mine)} links are all distinct."
        )
    return lines


def by_feed(entries: list[Entry]) -> dict[str, list[Entry]]:
    """Each feed's entries, newest first, as feeds list them."""
    return {f["id"]: sorted((e for e in entries if e.feed_id == f["id"]), key=sort_key, reverse=True) for f in FEEDS}


# --------------------------------------------------------------------------- catalog, manifest, README

CATALOG_HEADER = (
    "# Demo/test catalog: the bundled sample feeds served on loopback by "
    "`defnews serve-feeds samples/feeds`.\n"
    "# Generated by samples/build_samples.py; ${DEFNEWS_SAMPLE_BASE} is expanded "
    "from the environment at load time (e.g. http://127.0.0.1:8765).\n"
)


def yaml_scalar(value: str) -> str:
    return f'"{value}"' if re.search(r"[&:#]", value) else value


def render_catalog() -> str:
    lines = [CATALOG_HEADER + "allow_private_network: true", "feeds:"]
    for i, f in enumerate(FEEDS):
        lines += [
            f"  - id: {f['id']}" + ("          # stable slug" if i == 0 else ""),
            f"    url: ${{DEFNEWS_SAMPLE_BASE}}/{f['id']}.xml",
            f"    publisher: {yaml_scalar(OUTLETS[f['outlet']]['name'])}",
            "    language: en",
            f"    tags: [{', '.join(f['tags'])}]",
        ]
    return "\n".join(lines) + "\n"


def feed_summary(feed: dict[str, Any], mine: list[Entry]) -> dict[str, Any]:
    days = [e.day for e in mine]
    return {
        "id": feed["id"],
        "file": f"feeds/{feed['id']}.xml",
        "publisher": OUTLETS[feed["outlet"]]["name"],
        "format": FORMAT_NAMES[feed["fmt"]],
        "entries": len(mine),
        "undated": sum(1 for e in mine if e.when is None),
        "first_day": str(min(days)),
        "last_day": str(max(days)),
        "html": HTML_CARRIERS[feed["html"]],
        "date_offset": feed["tz"][1],
        "id_example": mine[0].guid,
    }


def manifest(entries: list[Entry], grouped: dict[str, list[Entry]]) -> dict[str, Any]:
    dated = [e for e in entries if e.when is not None]
    return {
        "generator": "samples/build_samples.py",
        "seed": SEED,
        "date_range": [str(START), str(START + timedelta(days=DAYS - 1))],
        "totals": {
            "entries": len(entries),
            "dated": len(dated),
            "undated": len(entries) - len(dated),
            "unique_titles": len({e.title for e in entries}),
            "days_with_entries": len({e.day for e in dated}),
            "feeds": len(FEEDS),
            "outlets": len({f["outlet"] for f in FEEDS}),
        },
        "feeds": [feed_summary(f, grouped[f["id"]]) for f in FEEDS],
        "topics": {t: TOPICS[t]["label"] for t in TOPIC_IDS},
        "taiwan_strait": taiwan_facts(entries),
        **plant_facts(entries),
        "last7": last7_facts(entries),
    }


README_INTRO = """\
# Sample feeds

Ten defence-news feeds from nine **invented** outlets on `.example` domains, for the demo
(`make demo`) and the tests. They are fiction written for this project: the outlets, reporters,
analysts, think tanks, figures, quotes and events are made up; real people, states,
organisations and armed forces are named the way the press names them. Full quotations come
only from invented analysts and unnamed officials or spokespeople; what real people say is
paraphrased (at most an institution's stock phrase, such as the PLA's 'joint blockade and
control', in single quotes). Nothing here is copied from a real article.

Everything in this folder except `build_samples.py` is generated; do not edit by hand:

```sh
python samples/build_samples.py     # stdlib only; same bytes on every run (seed {seed})
```

It writes `samples/feeds/*.xml`, `samples/manifest.json` (the facts below, machine-readable,
for tests), this README, and `config/feeds.demo.yaml` (the loopback catalog):

```sh
defnews serve-feeds samples/feeds --port 8765 &
DEFNEWS_SAMPLE_BASE=http://127.0.0.1:8765 defnews run --feeds config/feeds.demo.yaml
```

Each feed file starts, after the XML declaration, with a comment stating what it is
(`Description:`) and what it plants (`Plants:`), like feedparser's own fixtures.
"""

README_CONVENTIONS = """\
## Conventions

- **Period**: {start} .. {end} (UTC), {days} days, every day has entries.
- **Dates** in each format's native syntax: RFC 822 `pubDate` (RSS 2.0), RFC 3339
  `published`/`updated` (Atom), W3C-DTF `dc:date` (RSS 1.0). The offsets differ per feed (see
  the table), but every dated entry's local calendar date equals its UTC date, so day
  buckets are unambiguous. A few Atom entries carry an `updated` 1-4 hours after `published`
  on the same day; `published` is the story's date. (feedparser exposes RSS 1.0 `dc:date` as
  `updated`/`updated_parsed` only, with no `published`.)
- **Links**: absolute `https://www.<outlet>.example/...` URLs, slug from the title. Meridian
  Wire links always carry `utm_*` parameters (different ones in its two feeds).
- **IDs**: RSS 2.0 `guid` (permalink at Harbour Watch, opaque elsewhere), Atom
  `tag:<domain>,2026:article-N`, RSS 1.0 `rdf:about` (the article URL without tracking).
  All are unique within a feed, except the planted repeated GUID.
- **Topics**: each story is written from one topic's templates; the label is in
  `category`/`dc:subject` (Atom `category/@term` is the contract's topic id). Only the
  `taiwan_strait` stories and the seed-article story mention Taiwan at all, and all of them
  contain the phrase "Taiwan Strait".
- **HTML**: 2-5 `<p>` paragraphs, about 80-250 words, with `<strong>`, `<em>`, `<a>`, `&amp;`,
  numeric character references and curly quotes/apostrophes depending on the outlet.
- Titles are unique across all feeds, except the four copies of the syndicated story.
"""


def readme_feed_table(m: dict[str, Any]) -> str:
    rows = [
        "| feed id (`feeds/<id>.xml`) | publisher | format | entries | undated | date offset | HTML carried as | id example |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in m["feeds"]:
        carrier = f["html"].replace("<", "`<").replace(">", ">`")
        rows.append(
            f"| `{f['id']}` | {f['publisher']} | {f['format']} | {f['entries']} | "
            f"{f['undated']} | `{f['date_offset']}` | {carrier} | `{f['id_example']}` |"
        )
    t = m["totals"]
    rows.append(f"| **total** | {t['outlets']} outlets | {t['feeds']} feeds | **{t['entries']}** | {t['undated']} | | | |")
    return "## Feeds\n\n" + "\n".join(rows) + "\n"


def readme_surge(tw: dict[str, Any]) -> str:
    surge_counts = ", ".join(f"{d[5:]}: {tw['daily_counts'][d]}" for d in tw["surge_days"])
    return f"""\
## Planted 1: a five-day surge of Taiwan Strait coverage

A "Taiwan Strait story" is an entry whose title or text contains the phrase `Taiwan Strait`
(equivalently, mentions Taiwan at all).

- **Surge**: {tw["surge_days"][0]} .. {tw["surge_days"][-1]} inclusive (UTC days), the invented
  PLA exercise *{tw["surge_exercise"]}* (drills around Taiwan, blockade rehearsal, the PLA
  Eastern Theater Command, Lai Ching-te, Taipei): **{tw["surge_entries"]}** stories
  ({surge_counts}) in {len(tw["surge_feeds"])} feeds from {len(tw["surge_outlets"])} outlets.
- **Baseline**: exactly one Taiwan Strait story on each of these {tw["baseline_entries"]} days
  and none on the others (one every 2-3 days, flat): {", ".join(d[5:] for d in tw["baseline_days"])}
  (2026-10-16 is the seed-article story).
- **Share of all dated entries**: {tw["surge_share"]:.1%} on surge days vs
  {tw["baseline_share"]:.1%} on the other days, i.e. about {tw["surge_share"] / tw["baseline_share"]:.0f}x
  (in raw counts: about {tw["surge_entries"] / 5:.1f} a day vs {tw["baseline_entries"] / 45:.2f} a day).
- Per-day counts for every day are in `manifest.json` under `taiwan_strait.daily_counts`.
"""


def readme_syndication(sy: dict[str, Any]) -> str:
    rows = "\n".join(f"| `{c['feed_id']}` | {c['published']} | `{c['guid']}` | `{c['link']}` |" for c in sy["copies"])
    canon = "\n".join(f"  - `{u}`" for u in sy["canonical_urls"])
    return f"""\
## Planted 2: one wire story syndicated by three outlets

Title (identical in all copies): **{sy["title"]}**, {sy["date"]}. Meridian Wire publishes it in
both of its feeds (same article URL, different `utm_*` parameters); Harbour Watch Defence and
Baltic Security Monitor republish it under their own URLs with tracking parameters (one with
`fbclid`, one with a `#comments` fragment). All copies share the first two paragraphs; the last
paragraph differs and the republishers add a "(Meridian Wire)" credit.

| feed | published (UTC) | guid / id | link |
|---|---|---|---|
{rows}

Expected: 4 raw entries; after URL canonicalisation (drop `utm_*`, `fbclid`, fragment)
{len(sy["canonical_urls"])} articles:
{canon}
and one syndication cluster (story) with {len(sy["outlets"])} outlets:
{", ".join(sy["outlets"])}.
"""


def readme_other_plants(m: dict[str, Any]) -> str:
    rg, seed = m["repeated_guid"], m["seed_story"]
    undated = "\n".join(f"| `{u['feed_id']}` | `{u['guid']}` | {u['title']} |" for u in m["undated"])
    return f"""\
## Planted 3: a feed that repeats one GUID

`{rg["feed_id"]}` (RSS 2.0, a broken CMS): all {rg["items"]} items carry
`<guid isPermaLink="false">{rg["guid"]}</guid>`; their {rg["distinct_links"]} links are
distinct. Deduplicating on the GUID alone would keep 1 of {rg["items"]}; the link (or title)
keeps them apart.

## Planted 4: entries with no date

{len(m["undated"])} entries have no `pubDate` / `dc:date` at all (and no other date element).
They are ordinary stories away from every dated plant (not Taiwan Strait, not in the surge,
not in the last 7 days):

| feed | guid / rdf:about | title |
|---|---|---|
{undated}

## Planted 5: the seed-article story

`{seed["feed_id"]}`, guid `{seed["guid"]}`, published {seed["published"]}:
**{seed["title"]}**. In the project's own words: NATO Secretary-General Mark Rutte warning that
Xi Jinping could ask Vladimir Putin to attack NATO territory if China moves on Taiwan;
Beijing, Moscow, Pyongyang and Tehran; the PLA Navy the largest by ship count; more than 1,000
Chinese warheads by 2030; dual-use exports sustaining Moscow's war in Ukraine. Its topic label
is `nato_alliance`; it is also that day's (only) Taiwan Strait story.
"""


def readme_last7(l7: dict[str, Any]) -> str:
    topics = ", ".join(f"`{t}` {n}" for t, n in l7["topics_by_story_label"].items())
    top_t = ", ".join(f"`{t}`" for t in l7["top_topics"]) if l7["top_topics"] else "not claimed (no clear gap)"
    top_a = (
        ", ".join(f"**{a}**" for a in l7["top_actors"]) if l7["top_actors"] else "not claimed (the counting variants disagree)"
    )
    alias = l7["actor_document_counts"]["alias_dedup"]
    alias_s = ", ".join(f"{a} {n}" for a, n in alias.items())
    return f"""\
## The last 7 days ({l7["days"][0]} .. {l7["days"][-1]})

{l7["entries"]} dated entries, {l7["unique_stories"]} distinct stories, weighted towards the war in
Ukraine, NATO and hybrid warfare.

- Stories per topic label (syndicated copies counted once): {topics}.
- **Top 3 topics**, in order: {top_t}.
- **Top 3 actors** by number of articles mentioning them, in order: {top_a}. This holds
  whether one counts canonical names only, names plus aliases and metonyms (Moscow, the
  Kremlin, Kyiv, Washington...), or aliases case-insensitively, and with or without the
  syndicated copies, each time with a gap of at least 25% to 4th place. With aliases,
  syndicated copies counted once: {alias_s}.
"""


def render_readme(m: dict[str, Any]) -> str:
    conventions = README_CONVENTIONS.format(start=m["date_range"][0], end=m["date_range"][1], days=DAYS)
    t = m["totals"]
    totals = (
        f"## Totals\n\n{t['entries']} entries ({t['dated']} dated, {t['undated']} undated), "
        f"{t['unique_titles']} distinct titles, {t['days_with_entries']} days with dated "
        f"entries, {t['feeds']} feeds, {t['outlets']} outlets.\n"
    )
    parts = [
        README_INTRO.format(seed=SEED),
        readme_feed_table(m),
        totals,
        conventions,
        readme_surge(m["taiwan_strait"]),
        readme_syndication(m["syndication"]),
        readme_other_plants(m),
        readme_last7(m["last7"]),
    ]
    return "\n".join(parts)


# --------------------------------------------------------------------------- main


def build() -> tuple[list[Entry], dict[str, Any]]:
    rng = random.Random(SEED)
    entries = background_entries(rng) + planted_entries(rng)
    mark_undated(rng, entries)
    mark_updates(rng, entries)
    assign_ids(entries)
    grouped = by_feed(entries)
    return entries, manifest(entries, grouped)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def main() -> None:
    entries, facts = build()
    grouped = by_feed(entries)
    for stale in FEEDS_DIR.glob("*.xml"):
        stale.unlink()
    for feed in FEEDS:
        plants = feed_plants(feed, entries)
        write(FEEDS_DIR / f"{feed['id']}.xml", render_feed(feed, grouped[feed["id"]], plants))
    write(HERE / "manifest.json", json.dumps(facts, indent=2, ensure_ascii=False) + "\n")
    write(HERE / "README.md", render_readme(facts))
    write(CATALOG_PATH, render_catalog())
    print(f"wrote {len(FEEDS)} feeds, {facts['totals']['entries']} entries, to {FEEDS_DIR}")


if __name__ == "__main__":
    main()
