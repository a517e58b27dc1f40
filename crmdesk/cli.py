"""The ``crmdesk`` command: the GUI by default, and subcommands for the shell.

``crmdesk`` opens the main window; ``crmdesk migrate``, ``db-info``, ``demo``,
``report`` and ``users`` work without a screen. A failure prints one line to stderr
and exits non-zero: 1 for an unexpected error, 2 for bad input or an unusable database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk import __version__
from crmdesk.domain import CrmError

if TYPE_CHECKING:
    from crmdesk.db.engine import Database

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _add_db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="URL|PATH",
        default=None if top else argparse.SUPPRESS,
        help="database: an SQLite file path or a URL such as "
        "postgresql+psycopg://user@host/dbname (default: $CRMDESK_DATABASE_URL, "
        "or crmdesk.sqlite3 in your data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmdesk",
        description="crmdesk, the desktop sales CRM. Without a command, opens the main window.",
    )
    parser.add_argument("--version", action="version", version=f"crmdesk {__version__}")
    _add_db_option(parser, top=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo database in your data folder, creating it on first use",
    )
    parser.add_argument("--lang", metavar="LANG", help="user interface language: en or zh_CN")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help=argparse.SUPPRESS)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation without a screen (a temporary database, migrated and "
        "filled with demo data; the board and a report drawn offscreen), then exit: 0 when "
        "all is well",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Create the database's tables, or upgrade an older schema. The "
        "database is backed up first: an SQLite file to <name>.backup-<schema>-<time>."
        "sqlite3 next to it, a PostgreSQL database to a JSON dump (password hashes "
        "included) in the 'backups' folder of crmdesk's data folder. Of either kind, the "
        "newest N are kept (the backup_keep setting, 14 by default). A failed backup "
        "stops the upgrade.",
    )
    p.add_argument(
        "--no-backup",
        action="store_true",
        help="PostgreSQL: upgrade without the automatic JSON backup (take one with pg_dump first)",
    )
    _add_db_option(p)

    p = sub.add_parser("db-info", help="show the database, its schema revision and row counts")
    _add_db_option(p)
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("demo", help="fill a new database with realistic demo data")
    _add_db_option(p)
    p.add_argument("--deals", type=_positive_int, default=1500, help="number of deals (1500)")
    p.add_argument(
        "--seed", type=int, default=1, help="random seed; the same seed gives the same data"
    )
    p.add_argument(
        "--locale",
        choices=("en", "zh_CN"),
        default="en",
        help="names and stages in English or Chinese",
    )
    p.add_argument("--quiet", action="store_true", help="print only the summary")

    p = sub.add_parser(
        "report",
        help="print a sales report: kpis, stages, funnel, new-customers, forecast, targets, "
        "performance, activity or all; or write the management pack to PDF (pack --pdf FILE)",
        description="Print a sales report computed by the metrics service (docs/metrics.md). "
        "'report pack --pdf FILE' writes the printed management pack (cover, key figures, "
        "each report's chart and table) to a PDF file, without a screen.",
    )
    p.add_argument(
        "name",
        metavar="NAME",
        help="kpis, stages, funnel, new-customers, forecast, targets, performance, activity, "
        "all, or pack",
    )
    _add_db_option(p)
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first local day")
    p.add_argument(
        "--to", dest="date_to", metavar="YYYY-MM-DD", help="end of the period (not included)"
    )
    p.add_argument(
        "--owner",
        action="append",
        metavar="NAME",
        help="a salesperson's login or display name; may repeat (default: the team)",
    )
    p.add_argument("--pipeline", metavar="KEY", help="pipeline key (default: the default one)")
    p.add_argument("--source", metavar="NAME", help="lead source (default: all)")
    p.add_argument(
        "--tz", metavar="ZONE", help="IANA time zone, e.g. Asia/Shanghai (default: this computer's)"
    )
    p.add_argument("--months", metavar="N", default="6", help="forecast: months ahead to show (6)")
    p.add_argument(
        "--granularity", metavar="{day,week}", default="week", help="activity: per day or week"
    )
    p.add_argument(
        "--format", metavar="{table,json,csv}", default="table", help="output format (table)"
    )
    p.add_argument("--pdf", metavar="FILE", type=Path, help="pack: the PDF file to write")
    p.add_argument(
        "--locale", metavar="{en,zh_CN}", help="pack: the language of the pack (default: en)"
    )
    p.add_argument(
        "--section",
        action="append",
        metavar="NAME",
        help="pack: only this report (kpis, funnel, stages, forecast, targets, performance, "
        "new-customers, activity); may repeat (default: the whole pack)",
    )
    p.add_argument("--now", help=argparse.SUPPRESS)  # a fixed clock, for tests

    _add_users_parser(sub)
    _add_portability_parsers(sub)
    _add_import_parser(sub)
    return parser


USERS_DESCRIPTION = (
    "Add, list and change the users of a database and set their passwords. The command "
    "acts as the database's first active admin and asks for no sign-in: whoever can reach "
    "the database file or server can change it anyway. Passwords are asked for at a prompt "
    "(twice) or read from standard input with --password-stdin, never taken from the "
    "command line, where other people and the shell history would see them. Once an "
    "active user has a password, everyone signs in to open the database."
)
ROLE_NAMES = ("rep", "manager", "admin")


def _add_users_parser(sub: Any) -> None:
    p = sub.add_parser(
        "users",
        help="add, list and change users and their passwords",
        description=USERS_DESCRIPTION,
    )
    _add_db_option(p)
    actions = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        q = actions.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        _add_db_option(q)
        return q

    def login_arg(q: argparse.ArgumentParser) -> None:
        q.add_argument("login", metavar="LOGIN", help="the user's login")

    def password_options(q: argparse.ArgumentParser, *, optional: bool) -> None:
        group = q.add_mutually_exclusive_group()
        group.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input (one line) instead of asking for it",
        )
        if optional:
            group.add_argument(
                "--no-password",
                action="store_true",
                help="add the user without a password (they cannot sign in until an admin "
                "sets one with reset-password)",
            )
        # Refused with an explanation: a password on the command line is seen by others.
        q.add_argument(
            "--password", dest="password_arg", nargs="?", const="", help=argparse.SUPPRESS
        )

    q = action("add", "add a user, with a password asked for at the prompt")
    login_arg(q)
    q.add_argument("--name", metavar="NAME", help="the name shown for the user (required)")
    q.add_argument("--role", metavar="{rep,manager,admin}", help="the user's role (required)")
    q.add_argument("--email", metavar="EMAIL", help="the user's e-mail address")
    password_options(q, optional=True)

    q = action("list", "list every user: role, active, has a password, locked")
    q.add_argument(
        "--format", metavar="{table,json}", default="table", help="output format (table)"
    )

    q = action("set-role", "change a user's role")
    login_arg(q)
    q.add_argument("role", metavar="ROLE", help="rep, manager or admin")

    q = action(
        "reset-password",
        "set a user's new password, asked for at the prompt; also lifts a sign-in lock",
    )
    login_arg(q)
    password_options(q, optional=False)

    q = action("disable", "disable a user: they can no longer sign in or change anything")
    login_arg(q)

    q = action("enable", "enable a disabled user again")
    login_arg(q)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _open(  # type: ignore[no-untyped-def]
    args: argparse.Namespace,
    *,
    create: bool = True,
    upgrade: bool | None = None,
    verify: bool = True,
    backup_server: Any = None,
):
    from crmdesk.db.migrate import open_database
    from crmdesk.services.setup import ensure_initialized

    result = open_database(
        getattr(args, "db", None),
        create=create,
        upgrade_schema=upgrade,
        verify=verify,
        backup_server=backup_server,
    )
    if result.backup is not None:
        print(
            f"crmdesk: backed up the database to {result.backup} before upgrading it",
            file=sys.stderr,
        )
    if result.created:
        ensure_initialized(result.db, locale=getattr(args, "locale", None) or "en")
    return result


def cmd_migrate(args: argparse.Namespace) -> int:
    from crmdesk.db.migrate import current_revision

    removed: list[Path] = []

    def backup_server(db: Any, revision: str) -> Path:
        """PostgreSQL, before the upgrade: a JSON dump, the newest backup_keep kept."""
        from crmdesk.portability.backup import backup_before_migration

        print(
            f"crmdesk: backing up {db.display_url} (schema {revision}) before upgrading it ...",
            file=sys.stderr,
        )
        try:
            made = backup_before_migration(db, revision)
        except CrmError as exc:
            raise CliError(
                f"the automatic backup before the upgrade failed, so nothing was changed: "
                f"{_one_line(exc)}. Back the database up yourself (pg_dump), then run "
                "'crmdesk migrate --no-backup'"
            ) from exc
        removed.extend(made.removed)
        return made.taken

    result = _open(args, upgrade=True, backup_server=None if args.no_backup else backup_server)
    for old in removed:
        print(f"crmdesk: removed the older automatic backup {old}", file=sys.stderr)
    rev = current_revision(result.db)
    if result.created:
        print(f"Created {result.db.display_url} at schema {rev}.")
    elif result.upgraded_from:
        print(f"Upgraded {result.db.display_url} from schema {result.upgraded_from} to {rev}.")
    else:
        print(f"{result.db.display_url} is up to date (schema {rev}).")
    return EXIT_OK


def cmd_db_info(args: argparse.Namespace) -> int:
    from crmdesk.db.migrate import current_revision, head_revision, table_counts

    result = _open(args, create=False, upgrade=False)
    db = result.db
    rev = current_revision(db)
    info: dict[str, Any] = {
        "url": db.display_url,
        "dialect": db.dialect,
        "revision": rev,
        "head_revision": head_revision(),
        "up_to_date": rev == head_revision(),
        "counts": table_counts(db),
    }
    if db.path is not None:
        from crmdesk.db.netfs import network_filesystem

        info["file_size_bytes"] = db.path.stat().st_size
        info["network_filesystem"] = network_filesystem(db.path)
    if args.format == "json":
        print(json.dumps(info, indent=2))
        return EXIT_OK
    state = "up to date" if info["up_to_date"] else f"head is {info['head_revision']}"
    print(f"Database   {info['url']}")
    print(f"Backend    {info['dialect']}")
    print(f"Schema     {rev} ({state})")
    if "file_size_bytes" in info:
        print(f"File size  {info['file_size_bytes'] / 1_048_576:.1f} MiB")
    if info.get("network_filesystem"):
        print(
            f"Warning    the file is on a network share ({info['network_filesystem']}): "
            "one PC at a time; a team shares a PostgreSQL server (docs/team-setup.md)"
        )
    print()
    width = max(len(k) for k in info["counts"])
    for name, count in info["counts"].items():
        print(f"  {name.replace('_', ' '):<{width}}  {count:>10,}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from crmdesk.demo import DemoError, build_demo

    started = time.perf_counter()
    result = _open(args)
    progress = None if args.quiet else (lambda msg: print(f"  {msg}", file=sys.stderr))
    try:
        summary = build_demo(
            result.db, deals=args.deals, seed=args.seed, locale=args.locale, progress=progress
        )
    except DemoError as exc:
        raise CliError(str(exc)) from exc
    elapsed = time.perf_counter() - started
    print(
        f"Demo data in {result.db.display_url}: {summary.users} users, {summary.customers:,} "
        f"customers, {summary.deals:,} deals, {summary.transitions:,} stage transitions, "
        f"{summary.activities:,} activities, {summary.targets:,} targets ({elapsed:.1f} s)."
    )
    return EXIT_OK


def cmd_self_test(args: argparse.Namespace) -> int:
    """``crmdesk --self-test``: see ``crmdesk/selftest.py``."""
    if args.command is not None:
        raise CliError("--self-test takes no command")
    from crmdesk.selftest import run

    return run()


def cmd_gui(args: argparse.Namespace) -> int:
    from crmdesk.ui.app import run_gui

    return run_gui(
        db=args.db,
        demo=args.demo,
        lang=args.lang,
        quit_after=args.quit_after,
        screenshot=args.screenshot,
    )


REPORT_FORMATS = ("table", "json", "csv")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: The forecast's months ahead at most (ten years).
MAX_FORECAST_MONTHS = 120


def _report_date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    from crmdesk.domain.timezones import STORED_FROM, STORED_TO

    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option}: not a date in the form YYYY-MM-DD: {text!r}") from None
    if not STORED_FROM <= day < STORED_TO:
        raise CliError(
            f"{option}: {text} is outside the years {STORED_FROM.year} to {STORED_TO.year - 1}"
        )
    return day


def _report_period(
    args: argparse.Namespace,
) -> tuple[date | None, date | None, str, datetime | None]:
    """--from, --to, --tz and --now, checked: the period, the zone and the clock."""
    from crmdesk.domain import ValidationError
    from crmdesk.metrics.context import local_timezone_name, resolve_zone

    period_from = _report_date("--from", args.date_from)
    period_to = _report_date("--to", args.date_to)
    if period_from and period_to and period_to <= period_from:
        raise CliError(f"--to {period_to} is not after --from {period_from}")
    tz = args.tz if args.tz is not None else local_timezone_name()
    try:
        resolve_zone(tz or "-")  # "" would fall back to this computer's zone
    except ValidationError:
        raise CliError(f"unknown time zone {tz!r}") from None
    now = None
    if args.now is not None:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            now = None
        if now is None or now.tzinfo is None:
            raise CliError(f"--now: not an ISO time with a UTC offset: {args.now!r}")
    return period_from, period_to, tz, now


def cmd_report(args: argparse.Namespace) -> int:
    from crmdesk.metrics.formats import REPORT_NAMES, render

    name = args.name.strip().lower()
    if name == "pack":
        return cmd_report_pack(args)
    for option, value in (
        ("--pdf", args.pdf),
        ("--locale", args.locale),
        ("--section", args.section),
    ):
        if value is not None:
            raise CliError(f"{option} is for 'report pack' only")
    if name not in REPORT_NAMES:
        raise CliError(f"unknown report {args.name!r} (choose from {', '.join(REPORT_NAMES)})")
    if args.format not in REPORT_FORMATS:
        raise CliError(f"unknown format {args.format!r} (choose from {', '.join(REPORT_FORMATS)})")
    if args.granularity not in ("day", "week"):
        raise CliError(f"--granularity: choose day or week, not {args.granularity!r}")
    try:
        months = int(args.months)
    except ValueError:
        months = 0
    if not 1 <= months <= MAX_FORECAST_MONTHS:
        raise CliError(
            f"--months: not a whole number from 1 to {MAX_FORECAST_MONTHS}: {args.months!r}"
        )
    period_from, period_to, tz, now = _report_period(args)

    # Read-only: no page-by-page check first (a second per few hundred MB); a damaged
    # page stops the report with the database's own error instead.
    from sqlalchemy.exc import DBAPIError

    db = _open(args, create=False, upgrade=False, verify=False).db
    try:
        report, info = _run_report(db, args, name, months, period_from, period_to, tz, now)
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise CliError(f"the database cannot be read ({reason})") from exc
    finally:
        db.dispose()
    sys.stdout.write(render(report, args.format, info))
    return EXIT_OK


def _run_report(
    db: Database,
    args: argparse.Namespace,
    name: str,
    months: int,
    period_from: date | None,
    period_to: date | None,
    tz: str,
    now: datetime | None,
) -> tuple[Any, Any]:
    """Resolve the names of the filter against the database and run the report."""
    from crmdesk.domain.reports import AllReports
    from crmdesk.metrics import MetricsService

    f, info, _labels = _resolve_filter(db, args, period_from, period_to, tz, now)
    svc = MetricsService(db)
    report: Any
    if name == "all":
        if months == 6 and args.granularity == "week":
            report = svc.all(f)
        else:
            report = AllReports(
                kpis=svc.kpis(f),
                stages=svc.stage_efficiency(f),
                funnel=svc.funnel(f),
                new_customers=svc.new_customers(f),
                forecast=svc.forecast(f, months=months),
                targets=svc.targets(f),
                performance=svc.performance(f),
                activity=svc.activity(f, granularity=args.granularity),
            )
    else:
        report = {
            "kpis": svc.kpis,
            "stages": svc.stage_efficiency,
            "funnel": svc.funnel,
            "new-customers": svc.new_customers,
            "forecast": lambda f: svc.forecast(f, months=months),
            "targets": svc.targets,
            "performance": svc.performance,
            "activity": lambda f: svc.activity(f, granularity=args.granularity),
        }[name](f)
    return report, info


def _resolve_filter(
    db: Database,
    args: argparse.Namespace,
    period_from: date | None,
    period_to: date | None,
    tz: str,
    now: datetime | None,
) -> tuple[Any, Any, tuple[Any, Any]]:
    """The report filter named by the options (owners, pipeline, source), as ids; how it
    reads (names); and the pipeline and source found (the source None for all).
    Unknown names are a CliError."""
    from crmdesk.domain import ValidationError
    from crmdesk.domain.reports import MetricsFilter
    from crmdesk.metrics.formats import FiltersInfo
    from crmdesk.services.lists import list_items
    from crmdesk.services.pipelines import get_pipeline
    from crmdesk.services.users import find_user

    owner_ids: list[int] = []
    owner_names: list[str] = []
    for wanted in args.owner or ():
        user = find_user(db, wanted)
        if user is None:
            raise CliError(f"unknown owner {wanted!r}")
        if user.id not in owner_ids:
            owner_ids.append(user.id)
            owner_names.append(user.name)
    try:
        pipe = get_pipeline(db, args.pipeline)
    except ValidationError:
        raise CliError(f"unknown pipeline {args.pipeline!r}") from None
    source = None
    if args.source is not None:
        needle = args.source.strip().casefold()
        source = next(
            (
                s
                for s in list_items(db, "sources", include_inactive=True)
                if needle in {s.name.casefold(), *(n.casefold() for n in s.names.values())}
            ),
            None,
        )
        if source is None:
            raise CliError(f"unknown source {args.source!r}")

    f = MetricsFilter(
        period_from=period_from,
        period_to=period_to,
        owner_ids=tuple(sorted(owner_ids)) if owner_ids else None,
        pipeline_id=pipe.id if args.pipeline is not None else None,
        source_id=source.id if source else None,
        tz=tz,
        now=now,
    )
    info = FiltersInfo(
        owners=tuple(owner_names) if owner_names else None,
        pipeline=pipe.key,
        source=source.name if source else None,
        stage_keys={st.id: st.key for st in pipe.stages},
    )
    return f, info, (pipe, source)


PACK_LOCALES = ("en", "zh_CN")
#: ``--section`` names of ``report pack`` and the pack's own keys.
PACK_SECTION_NAMES = {
    "kpis": "kpis",
    "funnel": "funnel",
    "stages": "stages",
    "forecast": "forecast",
    "targets": "targets",
    "performance": "performance",
    "new-customers": "new_customers",
    "new_customers": "new_customers",
    "activity": "activity",
}


def cmd_report_pack(args: argparse.Namespace) -> int:
    """``crmdesk report pack --pdf FILE``: the printed management pack, as the reports
    tab prints it, written to PDF without a screen."""
    started = time.perf_counter()
    if args.pdf is None:
        raise CliError("report pack needs --pdf FILE")
    for option, value, default in (
        ("--format", args.format, "table"),
        ("--months", args.months, "6"),
        ("--granularity", args.granularity, "week"),
    ):
        if value != default:
            raise CliError(f"{option} does not apply to 'report pack'")
    lang = args.locale or "en"
    if lang not in PACK_LOCALES:
        raise CliError(f"--locale: choose {' or '.join(PACK_LOCALES)}, not {lang!r}")
    sections = None
    if args.section:
        sections = []
        for wanted in args.section:
            key = PACK_SECTION_NAMES.get(wanted.strip().lower())
            if key is None:
                names = ", ".join(n for n in PACK_SECTION_NAMES if n != "new_customers")
                raise CliError(f"unknown section {wanted!r} (choose from {names})")
            sections.append(key)
    period_from, period_to, tz, now = _report_period(args)
    pdf = Path(args.pdf)
    if pdf.is_dir():
        raise CliError(f"--pdf: {pdf} is a folder")
    if not pdf.parent.is_dir():
        raise CliError(f"--pdf: no such folder: {pdf.parent}")

    from sqlalchemy.exc import DBAPIError

    db = _open(args, create=False, upgrade=False, verify=False).db
    try:
        from crmdesk.services.settings import get_setting
        from crmdesk.ui.app import set_locale
        from crmdesk.ui.reports.data import load_report_data
        from crmdesk.ui.reports.printing import (
            application,
            build_pack,
            describe_filter,
            export_pdf,
        )

        application()  # offscreen when there is no screen
        set_locale(lang)
        f, info, (pipe, source) = _resolve_filter(db, args, period_from, period_to, tz, now)
        data = load_report_data(db, f, lang=lang)
        currency = get_setting(db, "currency", "USD") or "USD"
        filter_text = describe_filter(
            info.owners,
            pipe.names.get(lang) or pipe.name,
            source.label(lang) if source is not None else None,
        )
        from zoneinfo import ZoneInfo

        made_at = (now or datetime.now().astimezone()).astimezone(ZoneInfo(tz))
        doc = build_pack(
            data,
            sections=sections,
            lang=lang,
            currency=currency,
            filter_text=filter_text,
            made_at=made_at,
        )
        pages = export_pdf(pdf, doc)
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise CliError(f"the database cannot be read ({reason})") from exc
    except OSError as exc:
        raise CliError(f"cannot write {pdf}: {exc.strerror or exc}") from exc
    finally:
        db.dispose()
    elapsed = time.perf_counter() - started
    print(f"Wrote {pdf}: {pages} page{'' if pages == 1 else 's'} ({elapsed:.1f} s).")
    return EXIT_OK


def cmd_users(args: argparse.Namespace) -> int:
    """``crmdesk users add|list|set-role|reset-password|disable|enable``, as the
    database's first active admin (see USERS_DESCRIPTION)."""
    if getattr(args, "password_arg", None) is not None:
        raise CliError(
            "password: not accepted on the command line, where other people and the shell "
            "history would see it; type it at the prompt or pipe it in with --password-stdin"
        )
    handler = {
        "add": _users_add,
        "list": _users_list,
        "set-role": _users_set_role,
        "reset-password": _users_reset_password,
        "disable": _users_disable,
        "enable": _users_enable,
    }[args.users_command]
    if args.users_command == "list" and args.format not in ("table", "json"):
        raise CliError(f"--format: choose table or json, not {args.format!r}")
    db = _open(args, create=False).db
    try:
        return handler(db, args)
    finally:
        db.dispose()


def _acting_admin(db: Database) -> int:
    from crmdesk.services.setup import default_admin_id

    try:
        return default_admin_id(db)
    except LookupError:
        raise CliError("the database has no active admin user to act as") from None


def _user_by_login(db: Database, login: str) -> Any:
    """The user with this login: exactly, or else the only one that differs in case."""
    from crmdesk.services.users import list_users

    wanted = login.strip()
    everyone = list_users(db, include_inactive=True)
    found = [u for u in everyone if u.login == wanted] or [
        u for u in everyone if u.login.casefold() == wanted.casefold()
    ]
    if not found:
        raise CliError(f"login: no user has the login {wanted!r} (see 'crmdesk users list')")
    if len(found) > 1:
        logins = ", ".join(u.login for u in found)
        raise CliError(f"login: {wanted!r} matches {logins}; type it with the exact case")
    return found[0]


def _new_password(args: argparse.Namespace, login: str) -> str:
    """The new password, from standard input (--password-stdin) or asked twice at the
    terminal; checked against the password rules before anything is written."""
    from crmdesk.services.auth import validate_password

    if args.password_stdin:
        text = sys.stdin.read()
        text = text.removesuffix("\n").removesuffix("\r")
        if "\n" in text or "\r" in text:
            raise CliError("password: --password-stdin reads one line, but the input has more")
        validate_password(text)
        return text
    if not sys.stdin.isatty():
        raise CliError("password: there is no terminal to ask at; pipe it in with --password-stdin")
    import getpass

    try:
        first = getpass.getpass(f"New password for {login}: ")
        validate_password(first)
        second = getpass.getpass("Repeat the password: ")
    except EOFError:
        raise CliError("password: no password was typed; nothing was changed") from None
    if second != first:
        raise CliError("password: the two entries differ; nothing was changed")
    return first


def _note_if_no_admin_signs_in(db: Database) -> None:
    """Sign-in starts with the first password: say so when no admin could sign in."""
    from crmdesk.domain import Role
    from crmdesk.services.users import list_users

    active = list_users(db)  # active users only
    if any(u.has_password for u in active) and not any(
        u.has_password for u in active if u.role is Role.ADMIN
    ):
        print(
            "crmdesk: note: everyone now signs in with a password, and no active admin has "
            "one; set one with 'crmdesk users reset-password LOGIN'",
            file=sys.stderr,
        )


def _users_add(db: Database, args: argparse.Namespace) -> int:
    from crmdesk.services import auth, users

    admin = _acting_admin(db)
    login = args.login.strip()
    # The usual mistakes, found before the password is typed (the service checks all).
    problems = []
    if not (args.name or "").strip():
        problems.append("name: is required (--name NAME)")
    if args.role is None:
        problems.append("role: is required (--role rep, manager or admin)")
    elif args.role.strip().lower() not in ROLE_NAMES:
        problems.append(f"role: {args.role!r} is not a role (choose rep, manager or admin)")
    if any(u.login == login for u in users.list_users(db, include_inactive=True)):
        problems.append(f"login: {login!r} is already used")
    if problems:
        raise CliError("; ".join(problems))
    password = None if args.no_password else _new_password(args, login)
    user = users.create_user(
        db,
        by=admin,
        name=args.name,
        login=login,
        role=args.role.strip().lower(),
        email=args.email,
    ).value
    if password is not None:
        try:
            auth.set_password(db, user.id, password, by=admin)
        except CrmError as exc:
            raise CliError(
                f"added {user.login} without a password ({_one_line(exc)}); "
                f"set one with 'crmdesk users reset-password {user.login}'"
            ) from exc
    with_what = "with a password" if password is not None else "without a password"
    print(f"Added {user.login} ({user.name}, {user.role.value}) {with_what}.")
    _note_if_no_admin_signs_in(db)
    return EXIT_OK


def _users_list(db: Database, args: argparse.Namespace) -> int:
    from crmdesk.metrics.formats import display_width
    from crmdesk.services.auth import locked_users
    from crmdesk.services.users import list_users

    locks = locked_users(db)
    everyone = list_users(db, include_inactive=True)
    rows = [
        {
            "login": u.login,
            "name": u.name,
            "role": u.role.value,
            "active": u.active,
            "has_password": u.has_password,
            "locked_until": (locks[u.id].isoformat(timespec="seconds") if u.id in locks else None),
        }
        for u in everyone
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK

    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    def until(u: Any) -> str:
        if u.id not in locks:
            return "no"
        return f"until {locks[u.id].astimezone():%Y-%m-%d %H:%M}"

    header = ("LOGIN", "NAME", "ROLE", "ACTIVE", "PASSWORD", "LOCKED")
    lines = [header] + [
        (u.login, u.name, u.role.value, yes(u.active), yes(u.has_password), until(u))
        for u in everyone
    ]
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        cells = [
            cell + " " * (w - display_width(cell)) for cell, w in zip(line, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())
    return EXIT_OK


def _users_set_role(db: Database, args: argparse.Namespace) -> int:
    from crmdesk.services.users import set_role

    admin = _acting_admin(db)
    user = _user_by_login(db, args.login)
    changed = set_role(db, user.id, args.role.strip().lower(), by=admin).value
    print(f"{changed.login} is now {changed.role.value}.")
    _note_if_no_admin_signs_in(db)
    return EXIT_OK


def _users_reset_password(db: Database, args: argparse.Namespace) -> int:
    from crmdesk.services.auth import set_password

    admin = _acting_admin(db)
    user = _user_by_login(db, args.login)
    password = _new_password(args, user.login)
    set_password(db, user.id, password, by=admin)
    print(f"Set a new password for {user.login}; any sign-in lock is lifted.")
    _note_if_no_admin_signs_in(db)
    return EXIT_OK


def _users_disable(db: Database, args: argparse.Namespace) -> int:
    from crmdesk.services.users import set_active

    admin = _acting_admin(db)
    user = _user_by_login(db, args.login)
    set_active(db, user.id, False, by=admin)
    print(f"Disabled {user.login}: they can no longer sign in or change anything.")
    _note_if_no_admin_signs_in(db)
    return EXIT_OK


def _users_enable(db: Database, args: argparse.Namespace) -> int:
    from crmdesk.services.users import set_active

    admin = _acting_admin(db)
    user = _user_by_login(db, args.login)
    set_active(db, user.id, True, by=admin)
    print(f"Enabled {user.login}.")
    return EXIT_OK


# --- export, copy, backup, restore ------------------------------------------------------

EXPORT_USAGE = (
    "crmdesk export {deals,customers,contacts,activities} FILE [--format {csv,xlsx}] "
    "[--tz ZONE] [--db URL|PATH]\n"
    "       crmdesk export --format json FILE [--include-password-hashes] [--db URL|PATH]"
)
EXPORT_DESCRIPTION = (
    "Export deals, customers, contacts or activities to a CSV or XLSX file for a "
    "spreadsheet (the format follows the file name, or --format), or the whole database "
    "to a JSON file with --format json (or a name ending in .json or .json.gz; .gz is "
    "compressed): every table, the history and the users, without their password hashes "
    "unless --include-password-hashes. Times are shown in the team's time zone (--tz "
    "to choose another); text that a spreadsheet would run as a formula is neutralised. "
    "An existing FILE is replaced."
)
EXPORT_ENTITIES = ("deals", "customers", "contacts", "activities")


def _add_portability_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export deals, customers, contacts or activities to CSV/XLSX, or everything to JSON",
        usage=EXPORT_USAGE,
        description=EXPORT_DESCRIPTION,
    )
    p.add_argument(
        "items",
        nargs="+",
        metavar="[DATA] FILE",
        help="what to export (deals, customers, contacts or activities) and the file; "
        "only FILE with --format json",
    )
    p.add_argument("--format", metavar="{csv,xlsx,json}", help="default: from FILE's name")
    p.add_argument(
        "--include-password-hashes",
        action="store_true",
        help="json: keep the users' password hashes (keep such a file safe)",
    )
    p.add_argument("--tz", metavar="ZONE", help="csv/xlsx: time zone of the times shown")
    _add_db_option(p)

    p = sub.add_parser(
        "copy",
        help="copy a whole database to another (an SQLite file to PostgreSQL), checked",
        usage="crmdesk copy --from URL|PATH --to URL|PATH",
        description="Copy every table of one crmdesk database into another, empty one: "
        "the usual move is a one-PC SQLite file to the team's PostgreSQL server. The "
        "source is read in one snapshot and may stay in use; the destination is written "
        "in one transaction and must be empty (new, or just made by 'crmdesk migrate'). "
        "The row counts of every table and the KPIs of every pipeline are compared "
        "before the copy is committed and again after, and printed side by side.",
    )
    p.add_argument("--from", dest="source", metavar="URL|PATH", help="the database to copy")
    p.add_argument("--to", dest="destination", metavar="URL|PATH", help="the empty destination")

    p = sub.add_parser(
        "backup",
        help="back the database up while it is in use",
        description="Take a consistent backup while crmdesk is running: an SQLite database "
        "becomes an SQLite file (through SQLite's backup API), a PostgreSQL database a "
        "JSON dump (FILE must end in .json.gz or .json); a name ending in .json or "
        ".json.gz asks for a JSON backup of an SQLite database too. A backup holds the "
        "password hashes. Without FILE, or with a folder, the backup goes to the "
        "'backups' folder in crmdesk's data folder (or that folder) under a new name. "
        "An existing file is never overwritten.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="the backup file or folder")
    _add_db_option(p)

    p = sub.add_parser(
        "restore",
        help="replace the database with a backup, keeping the old one aside",
        description="Restore a backup (an SQLite backup file or a JSON dump) after "
        "checking it completely. An SQLite database is kept as "
        "<name>.before-restore-<time>.sqlite3 next to it and the backup takes its "
        "place; close crmdesk on this computer first. A PostgreSQL database must be "
        "empty: restore into a new database or schema, then point the team at it.",
    )
    p.add_argument("file", metavar="FILE", help="the backup to restore")
    _add_db_option(p)


def _export_plan(args: argparse.Namespace) -> tuple[str, str | None, Path]:
    """(format, entity or None for the whole database, file) from the arguments."""
    fmt = args.format.strip().lower() if args.format is not None else None
    if fmt is not None and fmt not in ("csv", "xlsx", "json"):
        raise CliError(f"--format: choose csv, xlsx or json, not {args.format!r}")
    items = list(args.items)
    if len(items) > 2:
        raise CliError(f"export takes [DATA] FILE, but got {len(items)} arguments")
    if len(items) == 2:
        entity, file = items[0].strip().lower(), Path(items[1])
        if fmt == "json":
            raise CliError("--format json exports the whole database; give only FILE")
        if entity not in EXPORT_ENTITIES:
            raise CliError(
                f"unknown data {items[0]!r} (choose deals, customers, contacts or activities)"
            )
        if fmt is None:
            suffix = file.suffix.lower()
            if suffix not in (".csv", ".xlsx"):
                raise CliError(
                    f"cannot tell the format from {file.name!r}: end it in .csv or .xlsx, "
                    "or give --format csv or xlsx"
                )
            fmt = suffix[1:]
    else:
        file = Path(items[0])
        if items[0].strip().lower() in EXPORT_ENTITIES:
            raise CliError(f"name the file to write: crmdesk export {items[0].strip()} FILE")
        if fmt is None and file.name.lower().endswith((".json", ".json.gz")):
            fmt = "json"
        if fmt != "json":
            raise CliError(
                "say what to export: crmdesk export deals|customers|contacts|activities FILE, "
                "or crmdesk export --format json FILE for the whole database"
            )
        entity = None
    if args.include_password_hashes and fmt != "json":
        raise CliError("--include-password-hashes applies to --format json only")
    if args.tz is not None and fmt == "json":
        raise CliError("--tz applies to csv and xlsx (JSON times are UTC)")
    if file.is_dir():
        raise CliError(f"{file} is a folder")
    if not file.parent.is_dir():
        raise CliError(f"no such folder: {file.parent}")
    return fmt, entity, file


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MiB" if n >= 100_000 else f"{n / 1024:.1f} KiB"


def cmd_export(args: argparse.Namespace) -> int:
    """``crmdesk export DATA FILE`` (CSV/XLSX) or ``export --format json FILE``."""
    fmt, entity, file = _export_plan(args)
    db = _open(args, create=False, upgrade=False).db
    try:
        if entity is None:
            from crmdesk.portability.dump import dump_database

            info = dump_database(db, file, include_password_hashes=args.include_password_hashes)
            hashes = "included" if info.password_hashes else "left out"
            print(
                f"Wrote {db.display_url} to {file}: {info.counts['deals']:,} deals, "
                f"{info.counts['customers']:,} customers, {info.counts['users']:,} users and "
                f"every other table (schema {info.revision}, password hashes {hashes}, "
                f"{_size(info.bytes)}, {info.seconds:.1f} s)."
            )
            return EXIT_OK
        from crmdesk.portability.export import export_entities

        started = time.perf_counter()
        result = export_entities(db, entity, file, fmt=fmt, tz=args.tz)
        print(
            f"Wrote {result.rows:,} {entity} to {file} ({fmt.upper()}, times in "
            f"{result.tz}, {time.perf_counter() - started:.1f} s)."
        )
        return EXIT_OK
    finally:
        db.dispose()


def cmd_copy(args: argparse.Namespace) -> int:
    """``crmdesk copy --from URL --to URL``: the copy, then its figures side by side."""
    from crmdesk.portability import PortabilityError
    from crmdesk.portability.copy import copy_database

    if not args.source or not args.destination:
        raise CliError("copy needs --from URL|PATH and --to URL|PATH")
    try:
        report = copy_database(args.source, args.destination)
    except PortabilityError as exc:
        if exc.params.get("reason") != "checks_differ":
            raise
        print(f"crmdesk: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    if report.upgraded_from:
        print(
            f"The source has the older schema {report.upgraded_from}: copied from an upgraded "
            "temporary copy (the file itself is unchanged)."
        )
    print(f"Copied {report.source}")
    print(f"    to {report.destination} ({report.seconds:.1f} s).")
    print()
    width = max(len(line.table) for line in report.counts)
    print(f"  {'table':<{width}}  {'source':>12}  {'destination':>12}")
    for line in report.counts:
        mark = "" if line.source == line.destination else "  <- differs"
        print(f"  {line.table:<{width}}  {line.source:>12,}  {line.destination:>12,}{mark}")
    print()
    kpi_width = max((len(line.name) for line in report.kpis), default=10)
    for pipe in dict.fromkeys(line.pipeline for line in report.kpis):
        title = f"pipeline {pipe}, all time"
        print(f"  {title:<{kpi_width}}  {'source':>16}  {'destination':>16}")
        for line in (k for k in report.kpis if k.pipeline == pipe):
            src, dst = _kpi_text(line.source), _kpi_text(line.destination)
            print(f"  {line.name:<{kpi_width}}  {src:>16}  {dst:>16}")
    print()
    if not report.ok:
        for diff in report.differences:
            print(f"crmdesk: error: after the commit, {diff}", file=sys.stderr)
        return EXIT_ERROR
    print("Every row count and metric total agrees.")
    return EXIT_OK


def _kpi_text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def cmd_backup(args: argparse.Namespace) -> int:
    """``crmdesk backup [FILE]``: a consistent backup while the app runs."""
    from crmdesk.portability.backup import backup

    db = _open(args, create=False, upgrade=False).db
    try:
        info = backup(db, args.file)
    finally:
        db.dispose()
    kind = "SQLite file" if info.kind == "sqlite" else "JSON dump"
    print(
        f"Backed up {db.display_url} to {info.path} ({kind}, schema {info.revision}, "
        f"{info.counts['deals']:,} deals, {_size(info.bytes)}, {info.seconds:.1f} s)."
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """``crmdesk restore FILE [--db URL]``: validate, keep the old one aside, replace."""
    from crmdesk.db.engine import resolve_url
    from crmdesk.portability.backup import restore

    report = restore(resolve_url(getattr(args, "db", None)), Path(args.file))
    info = report.backup
    print(
        f"Restored {info.path} ({info.counts['deals']:,} deals, schema {info.revision}) "
        f"into {report.target} ({report.seconds:.1f} s)."
    )
    if report.kept_aside is not None:
        print(f"The previous database is kept as {report.kept_aside}.")
    for note in report.notes:
        print(f"Note: {note}.")
    return EXIT_OK


COMMANDS = {
    "migrate": cmd_migrate,
    "db-info": cmd_db_info,
    "demo": cmd_demo,
    "report": cmd_report,
    "users": cmd_users,
    "export": cmd_export,
    "copy": cmd_copy,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = cmd_self_test if args.self_test else COMMANDS.get(args.command, cmd_gui)
    try:
        return handler(args)
    except (CliError, CrmError) as exc:
        print(f"crmdesk: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("crmdesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: one line, and the trace on request
        if os.environ.get("CRMDESK_DEBUG"):
            raise
        print(
            f"crmdesk: unexpected error: {type(exc).__name__}: {_one_line(exc)} "
            "(set CRMDESK_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


# --- import --------------------------------------------------------------------------------

IMPORT_ENTITIES = ("deals", "customers", "contacts", "activities", "users")
IMPORT_USAGE = (
    "crmdesk import {deals,customers,contacts,activities,users} FILE --mapping M.toml "
    "[--dry-run] [--skip-bad-rows --rejects FILE] [--db URL|PATH]"
)
IMPORT_DESCRIPTION = (
    "Import deals, customers, contacts, activities or users from a CSV file (UTF-8, "
    "UTF-16 or GB18030/GBK, told apart without asking) or an Excel workbook (.xlsx), "
    "as the mapping says: which column is which field, value maps, date formats, "
    "defaults, which unknown owners, customers and sources to create, and the key "
    "column for updating records imported before (see examples/mappings). Every row is "
    "checked before anything is written, and the import is all or nothing: one bad row "
    "and nothing is imported, with every problem listed by line and column. "
    "--skip-bad-rows imports the good rows and writes the bad ones to --rejects FILE. "
    "The command acts as the database's first active admin. Exit status: 0 all rows "
    "imported (or, with --dry-run, importable); 1 some rows have errors (nothing was "
    "imported, or they were set aside with --skip-bad-rows); 2 the file or the mapping "
    "cannot be used."
)
#: Row problems printed before "... and N more".
IMPORT_SHOWN_ERRORS = 50


def _add_import_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import deals, customers, contacts, activities or users from CSV or XLSX",
        usage=IMPORT_USAGE,
        description=IMPORT_DESCRIPTION,
    )
    p.add_argument("entity", metavar="DATA", help=", ".join(IMPORT_ENTITIES))
    p.add_argument("file", metavar="FILE", type=Path, help="the CSV or XLSX file")
    p.add_argument(
        "--mapping", metavar="M.toml", type=Path, required=True, help="the mapping (TOML)"
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check every row and report what would be created, updated and left as is; "
        "write nothing",
    )
    p.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows and write the bad ones to --rejects FILE",
    )
    p.add_argument(
        "--rejects",
        metavar="FILE",
        type=Path,
        help="with --skip-bad-rows: where the rows with errors go (CSV, or .xlsx), with "
        "their line and problems",
    )
    _add_db_option(p)


def cmd_import(args: argparse.Namespace) -> int:
    """``crmdesk import DATA FILE --mapping M.toml``: exit 0, 1 (rows with errors) or 2."""
    from crmdesk.importing import run_import

    entity = args.entity.strip().lower()
    if entity not in IMPORT_ENTITIES:
        raise CliError(f"unknown data {args.entity!r} (choose {', '.join(IMPORT_ENTITIES)})")
    if args.rejects is not None and not args.skip_bad_rows:
        raise CliError("--rejects goes with --skip-bad-rows")
    if args.skip_bad_rows and args.rejects is None and not args.dry_run:
        raise CliError("--skip-bad-rows needs --rejects FILE, where the rows with errors go")
    if args.rejects is not None:
        if args.rejects.is_dir():
            raise CliError(f"--rejects: {args.rejects} is a folder")
        if not args.rejects.parent.is_dir():
            raise CliError(f"--rejects: no such folder: {args.rejects.parent}")
        if args.rejects.resolve() == args.file.resolve():
            raise CliError("--rejects: that is the file being imported")
    progress = None
    if sys.stderr.isatty():

        def progress(phase: str, done: int, total: int) -> None:
            if total:
                print(f"\r  {phase} {done:,}/{total:,}   ", end="", file=sys.stderr, flush=True)

    db = _open(args).db
    try:
        result = run_import(
            db,
            entity,
            args.file,
            args.mapping,
            by=_acting_admin(db),
            dry_run=args.dry_run,
            skip_bad_rows=args.skip_bad_rows,
            rejects_path=args.rejects,
            progress=progress,
        )
    finally:
        db.dispose()
        if progress is not None:
            print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)
    for issue in result.errors[:IMPORT_SHOWN_ERRORS]:
        print(f"  {issue}", file=sys.stderr)
    hidden = len(result.errors) - IMPORT_SHOWN_ERRORS
    if hidden > 0:
        print(f"  ... and {hidden:,} more problems", file=sys.stderr)
    print(result.summary())
    return EXIT_OK if result.ok else EXIT_ERROR


COMMANDS["import"] = cmd_import


if __name__ == "__main__":
    raise SystemExit(main())
