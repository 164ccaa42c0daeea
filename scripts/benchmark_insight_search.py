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

from healthyplaces.demo.dataset import Text  # noqa: E402
from insights.models import Insight  # noqa: E402
from insights.search import insight_search  # noqa: E402
from insights.services import SEARCH_VECTOR  # noqa: E402

QUERIES = ("shelter", "dog fouling", "bus stop shelter")


def generated(count: int, text: Text) -> list[Insight]:
    """Insights worded as the benchmark dataset words them (healthyplaces.demo.dataset.Text)."""
    start = datetime.date(2016, 1, 1)
    insights = []
    for _ in range(count):
        summary = text.sentence()
        insights.append(
            Insight(
                title=text.title(),
                summary=summary,
                source=text.rng.choice(["conversation", "survey", "event", "focus_group"]),
                heard_on=start + datetime.timedelta(days=text.rng.randint(0, 3650)),
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
        wording = Text(random.Random(2026))
        loaded = time.perf_counter()
        for offset in range(0, args.insights, 10_000):
            Insight.objects.bulk_create(generated(min(10_000, args.insights - offset), wording))
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
