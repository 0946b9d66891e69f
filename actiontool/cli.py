"""Operator commands: roster, areas, users, worker, purge, print and print-blank (and Flask-Migrate's `db`);
`alerts` is monitoring.commands', `districts` and `addresses` lookup.commands'. The `actiontool` command itself
is __main__.py."""

import contextlib
import csv
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from actiontool import accounts, lookup, retention, roster, uploads
from actiontool.canvassing import sheets
from actiontool.letters.content import LETTER_LANGUAGES
from actiontool.lookup.commands import addresses_cli, districts_cli
from actiontool.lookup.service import ServiceUnavailable
from actiontool.monitoring.commands import alerts_cli
from actiontool.officials import COUNCIL_DISTRICTS
from actiontool.printing import batch, jobs
from actiontool.roster import areas
from actiontool.worker import run_worker

# A roster is a few kilobytes and a full sign-up sheet a few hundred: anything far bigger is a mistake.
CSV_FILE_MOST_BYTES = 10_000_000


def _csv_file(path):
    """A CSV file's text, read as uploads are (UTF-8, a byte-order mark dropped), or a one-line error."""
    if not os.path.isfile(path) or os.path.getsize(path) > CSV_FILE_MOST_BYTES:
        raise click.ClickException(f"{path}: not a regular file of at most {CSV_FILE_MOST_BYTES:,} bytes.")
    try:
        with open(path, "rb") as source:
            return uploads.csv_text(source)
    except uploads.NotText as error:
        raise click.ClickException(f"{path}: {error}") from None


@contextlib.contextmanager
def _unreadable_csv_is_one_line(path):
    """A file the csv module cannot read (a field longer than it allows) is a one-line error, not a traceback."""
    try:
        yield
    except csv.Error as error:
        raise click.ClickException(f"{path}: not a CSV file this tool can read ({error}).") from None


@click.group("roster")
def roster_cli():
    """The officials roster (officials.csv)."""


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; change nothing.")
@click.option("--if-empty", is_flag=True, help="Import only when the roster is empty (first setup).")
@with_appcontext
def roster_import(path, dry_run, if_empty):
    """Check a whole roster file, then apply all of it in one transaction or none of it."""
    if if_empty and not roster.roster_is_empty():
        click.echo("The roster already has officials; nothing imported.")
        return
    text = _csv_file(path)
    try:
        with _unreadable_csv_is_one_line(path):
            rows = roster.parse_roster(text)
    except roster.RosterInvalid as error:
        click.echo(f"{path}: {len(error.problems)} problem(s); nothing was changed.", err=True)
        for problem in error.problems:
            click.echo(f"  {path}:{problem}", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"{path}: {len(rows)} officials, all valid (dry run: nothing changed).")
        return
    counts = roster.apply_roster(rows)
    click.echo("Roster updated: {added} added, {changed} changed, {removed} removed, "
               "{unchanged} unchanged.".format(**counts))


@roster_cli.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Where to write (default: standard output).")
@with_appcontext
def roster_export(output):
    """Write the roster in the officials.csv format."""
    output.write(roster.export_roster(roster.roster_rows()))


@roster_cli.command("history")
@with_appcontext
def roster_history():
    """Every change to the roster: who, when, what. Restore one with `roster restore ID`."""
    for revision in roster.revisions():
        changes = revision["changes"]
        click.echo(f"#{revision['id']}  {revision['created_at']:%Y-%m-%d %H:%M}  {revision['author']}  "
                   f"{revision['action']}: {len(changes['added'])} added, {len(changes['changed'])} changed, "
                   f"{len(changes['removed'])} removed")
        for change in changes["changed"]:
            for field, (old, new) in change["fields"].items():
                click.echo(f"      {change['office']} {change['district']}: {field}: {old!r} -> {new!r}")


@roster_cli.command("restore")
@click.argument("revision_id", type=int)
@with_appcontext
def roster_restore(revision_id):
    """Make the roster what it was right after revision REVISION_ID."""
    try:
        counts = roster.restore_revision(revision_id, author="command line")
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    click.echo("Roster restored: {added} added, {changed} changed, {removed} removed.".format(**counts))


@roster_cli.command("check")
@with_appcontext
def roster_check():
    """Compare the councilmembers with the county's GIS layer (COUNCILMEM, EMAIL); change nothing."""
    try:
        members = lookup.county_members(timeout=30)
    except ServiceUnavailable as error:
        raise click.ClickException(f"Could not read the county layer: {error}") from error
    differences = roster.check_against_county(roster.roster_rows(), members)
    if not differences:
        click.echo("The roster matches the county layer.")
        return
    for d in differences:
        click.echo(f"District {d['district']}: {d['field']}: roster {d['roster']!r}, county {d['county']!r}")
    sys.exit(3)


@click.group("areas")
def areas_cli():
    """The areas each council district covers (district_areas.csv)."""


@areas_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--if-empty", is_flag=True, help="Import only when no areas are stored yet (first setup).")
@with_appcontext
def areas_import(path, if_empty):
    """Check a whole areas file, then apply all of it in one transaction or none of it."""
    if if_empty and not areas.areas_are_empty():
        return click.echo("The district areas are already stored; nothing imported.")
    try:
        with _unreadable_csv_is_one_line(path):
            rows = areas.parse_areas(_csv_file(path))
    except areas.AreasInvalid as error:
        click.echo(f"{path}: {len(error.problems)} problem(s); nothing was changed.", err=True)
        click.echo("\n".join(f"  {path}:{problem}" for problem in error.problems), err=True)
        sys.exit(1)
    click.echo("District areas updated: {added} added, {changed} changed, {removed} removed, "
               "{unchanged} unchanged.".format(**areas.apply_areas(rows)))


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron and tests).")
@with_appcontext
def worker(once):
    """Run the worker until stopped: email (confirmations, reminders, letters, failure notices), print jobs,
    and the daily purge."""
    sys.exit(run_worker(current_app._get_current_object(), once=once, echo=click.echo))


@click.group("users")
def users_cli():
    """Staff and canvasser accounts."""


@users_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@with_appcontext
def users_add(email, role):
    """Add an account; the password is asked for (or read from standard input)."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.add_user(email, password, role)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Added {user.email} ({user.role}).")


@users_cli.command("list")
@with_appcontext
def users_list():
    """Every account, with its role and whether it is active."""
    for user in accounts.list_users():
        state = "active" if user.active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.email}\t{user.role}\t{state}\tlast sign-in: {last}")


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def users_disable(email):
    """Disable an account and end its sessions."""
    try:
        user = accounts.disable_user(email)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Disabled {user.email}.")


@click.command("purge")
@with_appcontext
def purge():
    """Remove supporters' details from finished letters older than ACTIONTOOL_RETENTION_DAYS."""
    counts = retention.purge(current_app.config)
    click.echo("Purged {letters} letters, {sheet_rows} sign-up sheet rows, {lookups} cached lookups and "
               "{mail_files} mail files.".format(**counts))


@click.command("print")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="The PDF to write.")
@click.option("--language", type=click.Choice(LETTER_LANGUAGES), default="en",
              help="Letter language for rows that leave it empty.")
@with_appcontext
def print_sheet(sheet, output, language):
    """Letters for every signer of a sign-up sheet (CSV), in one PDF sorted for delivery."""
    with _unreadable_csv_is_one_line(sheet):
        letters, problems = sheets.read_signers(_csv_file(sheet), default_language=language)
    for problem in problems:
        click.echo(f"{sheet}:{problem}", err=True)
    if not letters:
        raise click.ClickException("No letters to print.")
    with click.progressbar(length=100, label=f"Rendering {len(letters)} letters") as bar:
        def progress(done, total):
            bar.update(round(100 * done / total) - bar.pos)
        pdf = batch.render_batch(letters, progress=progress)
    with open(output, "wb") as out:
        out.write(pdf)
    click.echo(f"Wrote {len(letters)} letters to {output}" +
               (f"; {len(problems)} row(s) need fixing (listed above)." if problems else "."))
    if problems:
        sys.exit(3)


@click.command("print-blank")
@click.option("--district", type=click.Choice(COUNCIL_DISTRICTS), required=True)
@click.option("--copies", type=click.IntRange(1, 500), default=10)
@click.option("--language", type=click.Choice(LETTER_LANGUAGES), default="en")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def print_blank(district, copies, language, output):
    """Blank letters to one district's councilmember, with lines to write a name and address."""
    letters = jobs.letters_for("blank", {"district": district, "language": language, "copies": copies})
    if not letters:
        raise click.ClickException(f"No councilmember for district {district} in the roster.")
    with open(output, "wb") as out:
        out.write(batch.render_batch(letters))
    click.echo(f"Wrote {copies} blank letters for district {district} to {output}.")


def init_app(app):
    app.cli.add_command(print_sheet)
    app.cli.add_command(print_blank)
    app.cli.add_command(users_cli)
    app.cli.add_command(purge)
    app.cli.add_command(roster_cli)
    app.cli.add_command(areas_cli)
    app.cli.add_command(districts_cli)
    app.cli.add_command(addresses_cli)
    app.cli.add_command(worker)
    app.cli.add_command(alerts_cli)
