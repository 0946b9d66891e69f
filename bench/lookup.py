"""How fast the local address index is built and answers, on a county-sized synthetic file (issue 14).

Run by hand, not by pytest:

    .venv/bin/python bench/lookup.py [--points N] [--lookups N] [--sheet-rows N] [--seed S]
                                     [--database-url URL]

Setup, all of it here. A temporary folder holds an SQLite database (or, with --database-url, a PostgreSQL
database of its own, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench_lookup after
`psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE bench_lookup'`: every table in it is dropped first, as
tests/conftest.py does, and again at the end), brought to the latest migration with flask_migrate.upgrade, the
shipped roster (officials.csv) and the synthetic district polygons (tests/fakes/geography.py) installed with
`actiontool districts import`. GEOCODER_FALLBACK is off and the outside services point at a closed port of
127.0.0.1: nothing leaves the machine.

What it measures, in order:

  build    the synthetic county file (tests/fakes/address_points.py, default 665,221 points as in the county's
           layer) written as the county's GeoJSON export, then installed with `actiontool addresses import FILE`
           (the operator's command: sources.read streams it, build.build finds each point's district and swaps
           the index in). Both times, and the command's own report.
  size     the database on disk before and after: SQLite, the file (and its -wal) after a checkpoint;
           PostgreSQL, pg_total_relation_size of address_points + address_streets (tables, indexes, TOAST);
           then each table and index of the two (SQLite's dbstat; pg_table_size, pg_relation_size).
  lookups  N random addresses of the file, each typed one random way (typed_variants: exact, typo,
           missing_direction, unit, spanish, full_words; with the postal city and ZIP code), looked up with
           actiontool.addresses.match.find in an app context, one at a time, with this process pinned to one
           core. Interleaved with them, the baseline: the cheapest lookup there can be, the exact-match query
           alone (one SELECT on the (index_id, street, number) index, for the address's own street and number,
           as match._exact asks it first). Printed per kind: lookups/s, p50 and p99 in ms (aim: p99 < 5 ms),
           the ratio of its mean time to the baseline's; the same in CPU time of this thread (what the lookup
           costs without the waits for a busy core, or, on PostgreSQL, for the server); and how each ended
           (here: the right district; choices: several places, the right district among them; fallback: no
           answer; WRONG: another district).
           Reading the index's street names, which the first close match does once per process, is timed
           apart, and 200 lookups warm up the caches before measuring.
  sheet    a sign-up sheet of --sheet-rows rows (CSV text with the template's columns, random addresses typed
           random ways) read by canvassing.sheets.read_signers inside a test request context, as the upload
           page does but with no time budget (every row is looked up): the time for the whole sheet (aim
           < 2 s), after a 3-row sheet has warmed the form and letter templates, and how many rows were looked
           up locally.

How to read it. The ratios and the outcomes are the figures to compare between runs and machines; the absolute
times move by 10-20% on a shared machine, and the wall-clock p99 far more when other processes want the same
core (the load average is printed first): then the CPU-time columns are the lookup's own cost. With
PostgreSQL each query is a round trip to the server's own process (which runs on whichever core is free):
expect every lookup, and the baseline, to cost more than on SQLite, and compare the ratios. At full size the
whole run takes a minute and a half on a 2-core machine, SQLite or PostgreSQL.
"""

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402

from actiontool import create_app  # noqa: E402
from actiontool.addresses import match  # noqa: E402
from actiontool.addresses.index import in_use, streets  # noqa: E402
from actiontool.addresses.normalize import from_parts  # noqa: E402
from actiontool.canvassing.sheets import COLUMNS, read_signers  # noqa: E402
from actiontool.config import MIGRATIONS  # noqa: E402
from actiontool.models import AddressPoint, FoundBy, db  # noqa: E402
from actiontool.roster import apply_roster, parse_roster  # noqa: E402
from tests.fakes.address_points import (  # noqa: E402
    expected_district,
    iter_county_points,
    typed_variants,
    write_geojson,
)
from tests.fakes.geography import districts_geojson  # noqa: E402

COUNTY_POINTS = 665_221
KINDS = ("exact", "typo", "missing_direction", "unit", "spanish", "full_words")
BASELINE = "baseline"
WARM_UP = 200
CLOSED_PORT = "http://127.0.0.1:9"
P99_AIM_MS, SHEET_AIM_S = 5, 2


def megabytes(size):
    return f"{size / 1e6:,.1f} MB"


def sqlite_size(path):
    """The database's bytes on disk, its write-ahead log checkpointed into the file first."""
    db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return sum(os.path.getsize(name) for name in (path, path + "-wal") if os.path.exists(name))


def postgresql_size():
    """Bytes of the index's two tables with their indexes and TOAST."""
    return db.session.scalar(db.text("SELECT pg_total_relation_size('address_points') + "
                                     "pg_total_relation_size('address_streets')"))


def sqlite_parts():
    """[(table or index, bytes)] of the index's tables, from SQLite's dbstat."""
    return db.session.execute(db.text(
        "SELECT d.name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name "
        "WHERE s.tbl_name IN ('address_points', 'address_streets') GROUP BY d.name ORDER BY 2 DESC")).all()


def postgresql_parts():
    """[(table or index, bytes)] of the index's tables (a table's TOAST counted with it)."""
    return db.session.execute(db.text(
        "SELECT c.relname, pg_table_size(c.oid) FROM pg_class c WHERE c.relname IN ('address_points', "
        "'address_streets') UNION ALL SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) "
        "FROM pg_index i WHERE i.indrelid IN ('address_points'::regclass, 'address_streets'::regclass) "
        "ORDER BY 2 DESC")).all()


def drop_everything():
    """What tests/conftest.py does to a test database: every table, and Alembic's, dropped."""
    db.drop_all()
    db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def write_file(path, points, wanted):
    """Write the synthetic county file as GeoJSON; return the records at the positions in `wanted` that lie in a
    district (the ones the index holds)."""
    kept = []

    def keeping(records):
        for position, record in enumerate(records):
            if position in wanted and expected_district(record):
                kept.append(record)
            yield record

    write_geojson(path, keeping(iter_county_points(points)))
    return kept


def street_line(record):
    return from_parts(record["ADDR_NUM"], record["ADDR_PD"], record["ADDR_SN"], record["ADDR_ST"], record["ADDR_SD"])


def baseline_query(index_id, street, number):
    """The exact-match query alone: what match._exact asks first, on the (index_id, street, number) index."""
    return db.session.execute(
        db.select(AddressPoint.number, AddressPoint.number_suffix, AddressPoint.unit, AddressPoint.zip,
                  AddressPoint.city, AddressPoint.district)
        .where(AddressPoint.index_id == index_id, AddressPoint.street == street,
               AddressPoint.number.between(number, number))).all()


def outcome(answer, expected):
    if answer is None:
        return "fallback"
    if answer.district == expected:
        return "here"
    if answer.district is None and expected in {place.district for place in answer.places}:
        return "choices"
    return "WRONG"


def typed(record):
    return record["POSTALCTYNAME"].title(), record["ZIP5"]


def measure_lookups(records, count, rng):
    """{kind: [wall nanoseconds]}, {kind: [CPU nanoseconds of this thread]}, {kind: Counter(outcome)} for `count`
    lookups and as many baseline queries."""
    index_id = in_use()[0]
    times, cpu = {kind: [] for kind in (*KINDS, BASELINE)}, {kind: [] for kind in (*KINDS, BASELINE)}
    outcomes = {kind: Counter() for kind in KINDS}
    tasks = [(rng.choice(records), rng.choice(KINDS)) for _ in range(count)]
    for turn, (record, kind) in enumerate(tasks):
        line = typed_variants(record)[kind]
        city, zip_code = typed(record)
        canonical = street_line(record)
        number = int(canonical.number.rstrip("AB"))
        for step in ((BASELINE, kind) if turn % 2 else (kind, BASELINE)):
            started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
            if step == BASELINE:
                rows = baseline_query(index_id, canonical.street, number)
            else:
                answer = match.find(line, city, zip_code)
            times[step].append(time.perf_counter_ns() - started)
            cpu[step].append(time.thread_time_ns() - cpu_started)
        assert rows, f"the baseline found nothing for {canonical}"
        outcomes[kind][outcome(answer, expected_district(record))] += 1
    return times, cpu, outcomes


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sheet_text(records, rows, rng):
    """A sign-up sheet (the template's columns) of `rows` signers at random addresses typed random ways."""
    lines = [",".join(COLUMNS)]
    for n in range(rows):
        record = rng.choice(records)
        city, zip_code = typed(record)
        values = {"name": f"Signer {n + 1:03d}", "street": typed_variants(record)[rng.choice(KINDS)],
                  "city": city, "zip": zip_code, "language": "es" if n % 3 == 0 else "en", "email": "",
                  "agrees_to_email": "", "phone": "", "note": "", "district": ""}
        lines.append(",".join(f'"{values[column]}"' for column in COLUMNS))
    return "\n".join(lines) + "\n"


def pin_to_one_core():
    """This process on one core (the first it may use); returns the core, or None where that cannot be done."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=COUNTY_POINTS)
    parser.add_argument("--lookups", type=int, default=6000)
    parser.add_argument("--sheet-rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--database-url", help="a PostgreSQL database of its own (its tables are dropped)")
    args = parser.parse_args()
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url is for PostgreSQL (without it, a temporary SQLite database is used)")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        # On PostgreSQL the import's lock file is written in the working directory (models.beside_the_database
        # names it after the database): here, not in the checkout.
        os.chdir(folder)
        sqlite_path = os.path.join(folder, "bench.db")
        url = args.database_url or f"sqlite:///{sqlite_path}"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url,
                          "DISTRICTS_FILE": os.path.join(folder, "districts.geojson"), "GEOCODER_FALLBACK": "off",
                          "GEOCODER_URL": CLOSED_PORT, "DISTRICT_LAYER_URL": CLOSED_PORT})
        postgresql = url.startswith("postgresql")
        size = postgresql_size if postgresql else (lambda: sqlite_size(sqlite_path))
        parts = postgresql_parts if postgresql else sqlite_parts
        runner = app.test_cli_runner()
        try:
            with app.app_context():
                if postgresql:
                    drop_everything()
                logging.disable(logging.INFO)  # Alembic's line per migration
                flask_migrate.upgrade(directory=str(MIGRATIONS))
                logging.disable(logging.NOTSET)
                apply_roster(parse_roster((ROOT / "officials.csv").read_text(encoding="utf-8")))
                polygons = os.path.join(folder, "districts-upload.geojson")
                Path(polygons).write_text(json.dumps(districts_geojson()))
                installed = runner.invoke(args=["districts", "import", polygons])
                assert installed.exit_code == 0, installed.output
                size_before = size()
                db.session.remove()
            print(f"{args.points:,} synthetic points, database: {'PostgreSQL' if postgresql else 'SQLite'}; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            run(app, runner, args, rng, folder, size, parts, size_before)
        finally:
            if postgresql:
                with app.app_context():
                    drop_everything()
            with app.app_context():
                db.engine.dispose()
            os.chdir(ROOT)


def run(app, runner, args, rng, folder, size, parts, size_before):
    wanted = set(rng.sample(range(args.points), min(args.points, 2 * (args.lookups + args.sheet_rows + WARM_UP))))
    path = os.path.join(folder, "address-points.geojson")
    started = time.perf_counter()
    records = write_file(path, args.points, wanted)
    written = time.perf_counter() - started
    print(f"build: wrote the GeoJSON export ({megabytes(os.path.getsize(path))}) in {written:.1f} s; importing...")
    started = time.perf_counter()
    imported = runner.invoke(args=["addresses", "import", path])
    import_time = time.perf_counter() - started
    if imported.exit_code != 0:
        raise SystemExit(f"addresses import failed: {imported.output}")
    for line in imported.stdout.splitlines():
        print("  | " + line)
    print(f"  import {import_time:.1f} s; write + import {written + import_time:.1f} s")
    with app.app_context():
        size_after, index_parts = size(), parts()
        db.session.remove()
    print(f"size: {megabytes(size_before)} before, {megabytes(size_after)} after: the index takes "
          f"{megabytes(size_after - size_before)}")
    print("  " + ", ".join(f"{name} {megabytes(bytes_)}" for name, bytes_ in index_parts))

    core = pin_to_one_core()
    print(f"lookups: {args.lookups:,} through match.find, on core {core} (this process pinned), "
          "each kind against the baseline (the exact-match query alone)")
    with app.app_context():
        started = time.perf_counter()
        by_zip = streets(in_use())
        read = time.perf_counter() - started
        print(f"  the index's street names read once per process (for close matches): "
              f"{sum(map(len, by_zip.values())):,} in {len(by_zip)} ZIP codes, {read * 1000:.0f} ms")
        measure_lookups(records, WARM_UP, rng)
        times, cpu, outcomes = measure_lookups(records, args.lookups, rng)
        db.session.remove()
    base_mean = statistics.fmean(times[BASELINE])
    print(f"  {'kind':<18}{'lookups':>8}{'per s':>8}{'p50 ms':>8}{'p99 ms':>8}{'x base':>8}{'cpu p50':>9}"
          f"{'cpu p99':>8}{'x base':>7}   {'here':>5}{'choices':>8}{'fallback':>9}{'WRONG':>6}")
    times["all kinds"] = every = [t for kind in KINDS for t in times[kind]]
    cpu["all kinds"] = [t for kind in KINDS for t in cpu[kind]]
    outcomes["all kinds"] = sum(outcomes.values(), Counter())
    base_cpu = statistics.fmean(cpu[BASELINE])
    for kind in (BASELINE, *KINDS, "all kinds"):
        values, cpu_values, counts = times[kind], cpu[kind], outcomes.get(kind)
        ends = "".join(f"{counts[name]:>{width}}" for name, width in
                       (("here", 5), ("choices", 8), ("fallback", 9), ("WRONG", 6))) if counts else ""
        print(f"  {kind:<18}{len(values):>8}{1e9 / statistics.fmean(values):>8,.0f}"
              f"{percentile(values, 0.5) / 1e6:>8.2f}{percentile(values, 0.99) / 1e6:>8.2f}"
              f"{statistics.fmean(values) / base_mean:>7.1f}x{percentile(cpu_values, 0.5) / 1e6:>9.2f}"
              f"{percentile(cpu_values, 0.99) / 1e6:>8.2f}{statistics.fmean(cpu_values) / base_cpu:>6.1f}x   {ends}")
    p99, cpu_p99 = percentile(every, 0.99) / 1e6, percentile(cpu["all kinds"], 0.99) / 1e6

    text = sheet_text(records, args.sheet_rows, rng)
    with app.app_context(), app.test_request_context("/"):
        read_signers(sheet_text(records, 3, rng))
        started = time.perf_counter()
        letters, problems = read_signers(text)
        sheet_time = time.perf_counter() - started
        db.session.remove()
    local = sum(letter["found_by"] == FoundBy.HERE for letter in letters)
    why = Counter(problem.lookup_problem or "form" for problem in problems)
    print(f"sheet: {args.sheet_rows} rows read by read_signers in {sheet_time:.2f} s "
          f"({sheet_time / args.sheet_rows * 1000:.1f} ms a row): {len(letters)} letters, {local} of them looked up "
          f"locally; rows to fix: {len(problems)}" + (f" ({', '.join(f'{n} {code}' for code, n in why.items())})"
                                                       if problems else ""))

    print("summary:")
    print(f"  build   {written + import_time:.0f} s for {args.points:,} points (write {written:.0f} s, "
          f"import {import_time:.0f} s); the index takes {megabytes(size_after - size_before)} on disk")
    print(f"  lookup  {1e9 / statistics.fmean(every):,.0f}/s on one core, p50 {percentile(every, 0.5) / 1e6:.2f} ms, "
          f"p99 {p99:.2f} ms (aim < {P99_AIM_MS} ms: {'met' if p99 < P99_AIM_MS else 'NOT met'}); "
          f"{statistics.fmean(every) / base_mean:.1f}x the exact-match query alone; CPU time p99 {cpu_p99:.2f} ms")
    print(f"  sheet   {args.sheet_rows} rows in {sheet_time:.2f} s (aim < {SHEET_AIM_S} s: "
          f"{'met' if sheet_time < SHEET_AIM_S else 'NOT met'}), {local} looked up locally")
    print(f"  load average at the end {os.getloadavg()[0]:.1f}")
    print(f"  wrong districts: {outcomes['all kinds']['WRONG']} of {len(every):,} lookups")


if __name__ == "__main__":
    main()
