"""Operator commands for the data lookup answers from: the council district polygons (`districts`) and the
local index of the county's address points (`addresses`), with which a supporter's address never leaves this
server."""

import json
import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from actiontool import lookup
from actiontool.addresses import build as address_build
from actiontool.addresses import index as address_index
from actiontool.addresses import layer as address_layer
from actiontool.addresses import sources as address_sources
from actiontool.lookup import districts
from actiontool.lookup.county_layer import DistrictLayer
from actiontool.lookup.service import ServiceUnavailable
from actiontool.models import one_at_a_time
from actiontool.officials import COUNCIL_DISTRICTS


@click.group("districts")
def districts_cli():
    """The local copy of the council district polygons."""


@districts_cli.command("fetch")
@with_appcontext
def districts_fetch():
    """Download the nine district polygons from the county's layer into the instance folder."""
    config = current_app.config
    layer = DistrictLayer(config["DISTRICT_LAYER_URL"], timeout=60)
    try:
        data = layer.fetch_geojson()
    except ServiceUnavailable as error:
        raise click.ClickException(f"Could not download the districts: {error}") from error
    _install(data, config["DISTRICTS_FILE"])


@districts_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def districts_import(path):
    """Install a GeoJSON file of the nine districts (WGS84, property KCCDST)."""
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
    except ValueError as error:
        raise click.ClickException(f"{path} is not JSON: {error}") from error
    _install(data, current_app.config["DISTRICTS_FILE"])


def _install(data, target):
    try:
        districts.install(data, target)
    except districts.DistrictsInvalid as error:
        raise click.ClickException(f"Not installed: {error}") from error
    click.echo(f"Installed districts 1-9 in {target}.")
    if address_index.in_use() is not None:
        click.echo("The address index gave each point its district from the polygons it was built with: build it "
                   "again (actiontool addresses fetch, or addresses import FILE) so that it follows these.")


@click.group("addresses")
def addresses_cli():
    """The local index of the county's address points: with it, a supporter's address never leaves this server."""


@addresses_cli.command("fetch")
@click.option("--folder", type=click.Path(file_okay=False), help="Where pages are saved while downloading "
              "(default: address-download/ in the instance folder). A download that stopped goes on from here.")
@click.option("--restart", is_flag=True, help="Forget the pages of an earlier download and start over.")
@click.option("--allow-smaller", is_flag=True, help="Install even if far fewer points than the index in use.")
@with_appcontext
def addresses_fetch(folder, restart, allow_smaller):
    """Download the county's address points (ADDRESS_LAYER_URL) page by page, then build the index from them."""
    config = current_app.config
    _district_map()  # before downloading anything
    folder = folder or os.path.join(current_app.instance_path, "address-download")
    if not address_layer.ours(folder):
        raise click.ClickException(f"{folder} holds files that are not a download of ours: name a new or empty "
                                   "folder (nothing was changed).")
    if not restart and address_layer.stale(folder):
        click.echo(f"The download saved in {folder} is more than {address_layer.KEEP_PAGES.days} days old: "
                   "starting over.")
        restart = True
    if restart:
        address_layer.clear(folder)
    pages = address_layer.saved_pages(folder) if os.path.isdir(folder) else []
    if pages:
        click.echo(f"Going on with the download in {folder} ({len(pages)} page(s) already saved).")
    layer = address_layer.AddressLayer(config["ADDRESS_LAYER_URL"], timeout=max(config["LOOKUP_TIMEOUT"], 60))

    def progress(pages, points, total):
        if pages % 25 == 0 or points >= total:
            click.echo(f"  page {pages}: {points:,} of {total:,} points", err=True)

    try:
        address_layer.download(layer, folder, progress)
    except address_layer.LayerUnavailable as error:
        saved = len(address_layer.saved_pages(folder)) if os.path.isdir(folder) else 0
        kept = (f"The {saved} page(s) saved so far are kept in {folder}: run the same command again to go on from "
                "there (--restart to start over)." if saved else "No page was saved.")
        raise click.ClickException(f"The download stopped: {error}. {kept} The index in use is unchanged.") \
            from None
    try:
        _build_addresses(address_sources.read_pages(folder), config["ADDRESS_LAYER_URL"], allow_smaller)
    except click.ClickException as error:
        error.message += f" The download stays in {folder} (--restart to download again)."
        raise
    address_layer.clear(folder)


@addresses_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-smaller", is_flag=True, help="Install even if far fewer points than the index in use.")
@with_appcontext
def addresses_import(path, allow_smaller):
    """Build the index from the county's address points as a GeoJSON or CSV file."""
    _build_addresses(address_sources.read(path), os.path.basename(path), allow_smaller)


@addresses_cli.command("status")
@with_appcontext
def addresses_status():
    """When the index in use was built, from what, and how many points it holds."""
    status = address_index.status()
    if status is None:
        click.echo("No address index is installed.")
    else:
        click.echo(f"Address index built {status['built_at']:%Y-%m-%d %H:%M} UTC from {status['source']}: "
                   f"{status['points']:,} points.")
        _report_counts(status["per_district"], status["skipped"])
    click.echo(_fallback_said())


def _fallback_said():
    """What becomes of an address the index cannot answer, as the settings and the index make it."""
    setting = current_app.config["GEOCODER_FALLBACK"]
    if lookup.finder().may_ask_geocoder():
        return f"Addresses the index cannot answer are sent to the Census geocoder (GEOCODER_FALLBACK={setting})."
    why = "auto: off while an index is installed" if setting == "auto" else setting
    return f"Addresses the index cannot answer are not sent anywhere (GEOCODER_FALLBACK={why})."


def _district_map():
    district_map = districts.load(current_app.config["DISTRICTS_FILE"])
    if district_map is None:
        raise click.ClickException("Install the council district polygons first (actiontool districts fetch, or "
                                   "districts import FILE): each point's district is found from them.")
    return district_map


def _build_addresses(records, source, allow_smaller):
    district_map = _district_map()
    started = time.monotonic()

    def progress(points):
        if points % 100_000 < address_build.BATCH:
            click.echo(f"  {points:,} points read", err=True)

    with one_at_a_time("address-index", current_app.instance_path) as alone:
        if not alone:
            raise click.ClickException("Another address index build is running; nothing was changed.")
        try:
            built = address_build.build(records, source, district_map.geometries, progress, allow_smaller)
        except (address_sources.SourceInvalid, address_build.BuildFailed) as error:
            raise click.ClickException(f"Not installed: {error}. The index in use is unchanged.") from None
    click.echo(f"Installed an address index of {built.points:,} points from {source} in "
               f"{time.monotonic() - started:.0f} s.")
    _report_counts(built.per_district, built.skipped)


def _report_counts(per_district, skipped):
    click.echo("  " + ", ".join(f"District {d}: {per_district.get(d, 0):,}" for d in COUNCIL_DISTRICTS))
    for code, count in sorted(skipped.items(), key=lambda item: -item[1]):
        click.echo(f"  left out, {address_build.SKIP_REASONS[code]}: {count:,}")
