"""Measure insight search at 100,000 insights on PostgreSQL: not a test, a measurement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/healthyplaces \\
        .venv/bin/python scripts/benchmark_insight_search.py [--insights 100000]

It makes a throwaway test database, loads generated insights in batches, builds their search
vectors with one UPDATE (as the service layer's expression does row by row), runs ANALYZE, then
measures the first page of four searches as the insights list makes it: every word needed
(websearch_to_tsquery), ranked by cover density, newest first on ties, paged keys first, then the
page's rows fetched with their ts_headline snippets (and, if nothing had every word, the search
widened to any of them). It prints each search's database time (every query of the page, timed
around the driver's execute, best of 5), EXPLAIN ANALYZE's execution time for the ranked query on
its own, and that query's plan. The database (test_<name>_benchmark) is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthyplaces.settings.test")
os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from healthyplaces.core.pagination import KeysFirstPaginator  # noqa: E402
from healthyplaces.demo.dataset import Text  # noqa: E402
from insights.models import Insight  # noqa: E402
from insights.search import did_you_mean, insight_search, parse_search, snippet_expression  # noqa: E402
from insights.selectors import insights_by_key  # noqa: E402
from insights.services import SEARCH_VECTOR  # noqa: E402
from insights.views import PER_PAGE  # noqa: E402

QUERIES = ("shelter", "dog fouling", "bus stop shelter", '"bus stop shelter"')


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


def ranked(text: str, *, widen: bool = False) -> Any:
    return insight_search(Insight.objects.defer("search_vector"), text, widen=widen).order_by(
        "-rank", "-heard_on", "-pk"
    )


def list_page(text: str) -> tuple[int, bool]:
    """What the insights list does for a search: (the count it shows, whether it widened)."""
    for widen in (False, True):
        snippet = snippet_expression(text, widen=widen)
        paginator = KeysFirstPaginator(
            ranked(text, widen=widen),
            PER_PAGE,
            fetch=partial(insights_by_key, snippet=snippet),
        )
        for insight in paginator.get_page(1):
            list(insight.themes.all())  # the prefetched rows, as the template reads them
        if paginator.count or widen or not parse_search(text).can_widen:
            return paginator.count, widen
        did_you_mean(text)
    raise AssertionError("unreachable")


class Timer:
    """Adds up the time each query takes, measured around the database driver's execute."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0
        self.each: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.seconds += took
            self.queries += 1
            self.each.append((took * 1000, sql[:60]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--insights", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each search (the best is reported)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL search: set DATABASE_URL to a PostgreSQL database.")

    setup_test_environment()
    original_name = connection.settings_dict["NAME"]
    # Its own database, so that it can run beside the test suite's.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{original_name}_benchmark"
    if args.reuse:
        connection.close()
        connection.settings_dict["NAME"] = connection.settings_dict["TEST"]["NAME"]
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        if not args.reuse:
            wording = Text(random.Random(2026))
            loaded = time.perf_counter()
            for offset in range(0, args.insights, 10_000):
                Insight.objects.bulk_create(generated(min(10_000, args.insights - offset), wording))
            Insight.objects.update(search_vector=SEARCH_VECTOR)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE insights_insight")
            print(f"Loaded and indexed {Insight.objects.count():,} insights in {time.perf_counter() - loaded:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # connect before timing, so no search pays for it
        print(f"PostgreSQL {connection.cursor().connection.info.server_version}")
        print()
        print("| query | matches | widened | queries | the page's database time (ms) | ranked query alone (ms) |")
        print("|---|---:|---|---:|---:|---:|")
        plans = {}
        for text in QUERIES:
            page_times, plan_times = [], []
            for _ in range(args.runs):
                timer = Timer()
                with connection.execute_wrapper(timer):
                    count, widened = list_page(text)
                page_times.append(timer.seconds * 1000)
                plan = ranked(text, widen=widened)[:PER_PAGE].explain(analyze=True)
                match = re.search(r"Execution Time: ([\d.]+) ms", plan)
                assert match is not None, plan
                plan_times.append(float(match.group(1)))
            plans[text] = plan
            print(
                f"| `{text}` | {count:,} | {'yes' if widened else 'no'} | {timer.queries} | "
                f"{min(page_times):.1f} | {min(plan_times):.1f} |"
            )
            print("    " + "; ".join(f"{ms:.1f} ms {sql}" for ms, sql in timer.each), file=sys.stderr)
        print()
        print(f"Best of {args.runs} each. The ranked query alone: EXPLAIN ANALYZE's execution time, first page.")
        for text, plan in plans.items():
            print()
            print(f"Plan of the ranked query for {text}:")
            print(plan)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
