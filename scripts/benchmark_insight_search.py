"""Measure insight search at 100,000 insights on PostgreSQL: not a test, a measurement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/healthyplaces \\
        .venv/bin/python scripts/benchmark_insight_search.py [--insights 100000]

It makes a throwaway test database, loads generated insights in batches, builds their search
vectors with one UPDATE (as the service layer's expression does row by row), runs ANALYZE, then
runs EXPLAIN ANALYZE on the first page of three searches exactly as the insights list builds them
(the ranked OR-of-words match plus the phrase boost, newest first on ties) and prints each
query's execution time. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthyplaces.settings.test")
os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from insights.models import Insight  # noqa: E402
from insights.search import insight_search  # noqa: E402
from insights.services import SEARCH_VECTOR  # noqa: E402

WORDS = (
    "bus stop shelter park bench play area swings lighting path dog fouling litter bins traffic speeding "
    "crossing school walk cycle lane allotment garden food bank pantry fridge cafe library hall church "
    "mosque youth club older people lonely isolated carers GP pharmacy mental health anxiety money debt "
    "energy heating damp housing repairs noise neighbours safety police community centre volunteers "
    "events festival market shops jobs training english classes translation interpreter wheelchair "
    "access toilets parking buses timetable night dark trees flowers clean river canal fishing football"
).split()
QUERIES = ("shelter", "dog fouling", "bus stop shelter")


def filler_vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Made-up words from English-like syllables: real text has thousands of distinct words, and a
    search's cost depends on how many insights share the searched ones."""
    syllables = (
        "ba be bi bo bu ca ce co da de di do fa fe fi ga go ha he hi ho la le li lo ma me mi mo "
        "na ne ni no pa pe po ra re ri ro sa se si so ta te ti to va ve wa we wi"
    ).split()
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    return sorted(words)


def generated(count: int, rng: random.Random, filler: list[str]) -> list[Insight]:
    """Each insight: some 15 to 40 common words (Zipf-like, so a few are very common) and two of the
    topical words; one in a hundred says "bus stop shelter" as a phrase."""
    weights = [1 / rank for rank in range(1, len(filler) + 1)]
    start = datetime.date(2016, 1, 1)
    insights = []
    for _ in range(count):
        words = rng.choices(filler, weights=weights, k=rng.randint(15, 40)) + rng.sample(WORDS, 2)
        rng.shuffle(words)
        if rng.random() < 0.01:
            words.insert(rng.randint(0, len(words)), "bus stop shelter")
        insights.append(
            Insight(
                title=" ".join(rng.choices(filler, weights=weights, k=3) + rng.sample(WORDS, 1)).capitalize(),
                summary=" ".join(words).capitalize() + ".",
                source=rng.choice(["conversation", "survey", "event", "focus_group"]),
                heard_on=start + datetime.timedelta(days=rng.randint(0, 3650)),
                consent_basis="anonymous",
            )
        )
    return insights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--insights", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL search: set DATABASE_URL to a PostgreSQL database.")

    setup_test_environment()
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rng = random.Random(2026)
        filler = filler_vocabulary(rng)
        loaded = time.perf_counter()
        for offset in range(0, args.insights, 10_000):
            Insight.objects.bulk_create(generated(min(10_000, args.insights - offset), rng, filler))
        Insight.objects.update(search_vector=SEARCH_VECTOR)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE insights_insight")
        print(f"Loaded and indexed {Insight.objects.count():,} insights in {time.perf_counter() - loaded:.1f} s")
        print(f"PostgreSQL {connection.cursor().connection.info.server_version}")
        print()
        print("| query | matches | execution time (ms), best of 5 |")
        print("|---|---|---|")
        for text in QUERIES:
            page = insight_search(Insight.objects.defer("search_vector"), text).order_by("-rank", "-heard_on", "-pk")
            timings = []
            for _ in range(5):
                plan = page[:25].explain(analyze=True)
                match = re.search(r"Execution Time: ([\d.]+) ms", plan)
                assert match is not None, plan
                timings.append(float(match.group(1)))
            print(f"| {text} | {insight_search(Insight.objects.all(), text).count():,} | {min(timings):.1f} |")
        print()
        print("Plan of the last query:")
        print(plan)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
