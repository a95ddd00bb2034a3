"""Benchmarks of the CRM Suite: each scenario runs our path and a reference in the same run.

Run inside Odoo's Python (the Odoo source importable, as in .venv)::

    .venv/bin/python bench/run.py --config var/odoo.conf --db crm_bench_small --scale small

or ``make bench SCALE=small|medium|large`` (tools/bench.sh creates the database first).

* Data (``generate_data``) is made set-based with ``INSERT … SELECT generate_series`` and
  committed once; it is not timed, and it is skipped when the data of the scale is there.
* Every measured run works in a savepoint that is rolled back afterwards, so runs are
  repeatable; each path runs ``--repeat`` times (once when a run takes longer than
  ``--slow`` seconds) and the median is reported.
* Queries: ``cr.sql_log_count`` (every query the cursor executes) during the run.
* Memory: peak growth of the process's resident set size (RSS, psutil, sampled every
  10 ms) during the run; the largest growth of the runs is reported.
* A scenario whose feature is not installed (model or method missing) is reported as
  "not available" rather than measured.
"""

import argparse
import base64
import cProfile
import datetime
import gc
import io
import logging
import os
import platform
import pstats
import re
import statistics
import sys
import threading
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

import psutil

import odoo
from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL

_logger = logging.getLogger("crm_bench")

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
SCALES = {"small": 1_000, "medium": 100_000, "large": 1_000_000}
# rows of the import file: Odoo's res.partner create() costs milliseconds a row, so 100k rows
# take minutes per path; medium and large use 5k / 10k rows unless --import-rows says otherwise
IMPORT_ROWS = {"small": 1_000, "medium": 5_000, "large": 10_000}
GENERATED_END = "<!-- end of generated figures: text below this line is kept by bench/run.py -->"
PARTNER_REL = "crm_marketing_list_partner_rel"
DYNAMIC_DOMAIN = "[('is_company', '=', True), ('country_id.code', '=', 'BE')]"
EXPORT_FNAMES = ["name", "email", "phone", "parent_id", "city", "country_id", "user_id"]
IMPORT_HEADER = ["Company Name", "Email", "Phone", "Street", "City", "Zip", "Country"]
IMPORT_FNAMES = ["name", "email", "phone", "street", "city", "zip", "country_id"]
MB = 1024 * 1024
ALL_ROWS = SQL("TRUE")


class NotAvailable(Exception):
    """The feature a scenario measures is not (yet) in the installed addons."""


# ----------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------


class RssSampler:
    """Peak growth of the process's resident set size while it runs (a thread samples it)."""

    def __init__(self, interval=0.01):
        self.interval = interval
        self.process = psutil.Process()
        self._stop = threading.Event()
        self._thread = None
        self.base = self.peak = 0

    def _loop(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def start(self):
        self.base = self.peak = self.process.memory_info().rss
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)
        return (self.peak - self.base) / MB


@dataclass
class Measure:
    seconds: float
    runs: int
    queries: int
    memory_mb: float
    result: object = None
    best: float = 0.0  # the fastest run


@dataclass
class Row:
    key: str
    title: str
    n: int
    ours: Measure | None = None
    ref: Measure | None = None
    target: float | None = None  # the ratio ours / reference must stay at or below it
    note: str = ""
    status: str = "ok"  # ok | not available | error

    @property
    def ratio(self):
        if self.ours and self.ref and self.ref.seconds > 0:
            return self.ours.seconds / self.ref.seconds
        return None


@dataclass
class Bench:
    env: api.Environment
    scale: str
    n: int
    repeat: int
    slow: float
    profile: set = field(default_factory=set)
    rows: list = field(default_factory=list)

    @property
    def cr(self):
        return self.env.cr

    def user_env(self):
        """The administrator (not the superuser): record rules and company rules apply."""
        return self.env(user=self.env.ref("base.user_admin").id, su=False)

    # ---- feature checks ----

    def require(self, model, *methods):
        if model not in self.env:
            raise NotAvailable(f"model {model} is not installed")
        for method in methods:
            if not hasattr(self.env[model], method):
                raise NotAvailable(f"{model}.{method} does not exist")
        return self.env[model]

    def require_fields(self, model, *fnames):
        missing = [fname for fname in fnames if fname not in self.env[model]._fields]
        if missing:
            raise NotAvailable(f"{model} has no field {', '.join(missing)}")

    # ---- timing ----

    def measure(self, run, setup=None, repeat=None, label=None):
        """Run ``run(state)`` (``state = setup()``, not timed) in a rolled-back savepoint; return a Measure."""
        times, queries, memory = [], [], []
        result = None
        if label and label in self.profile:
            # an extra run under cProfile, not counted: the profiler slows Python code down a lot
            self.cr.execute("SAVEPOINT crm_bench_run")
            try:
                state = setup() if setup else None
                self.env.flush_all()
                self.env.invalidate_all()
                profiler = cProfile.Profile()
                profiler.enable()
                run(state)
                self.env.flush_all()
                profiler.disable()
                self._print_profile(label, profiler)
            finally:
                self._rollback_run()
        for _index in range(repeat or self.repeat):
            self.cr.execute("SAVEPOINT crm_bench_run")
            try:
                state = setup() if setup else None
                self.env.flush_all()
                self.env.invalidate_all()
                gc.collect()
                sampler = RssSampler()
                count = self.cr.sql_log_count
                sampler.start()
                start = time.perf_counter()
                result = run(state)
                self.env.flush_all()
                elapsed = time.perf_counter() - start
                memory.append(sampler.stop())
                queries.append(self.cr.sql_log_count - count)
                times.append(elapsed)
            finally:
                self._rollback_run()
            if elapsed > self.slow:
                break
        return Measure(
            statistics.median(times), len(times), int(statistics.median(queries)), max(memory), result, min(times)
        )

    def _rollback_run(self):
        self.cr.execute("ROLLBACK TO SAVEPOINT crm_bench_run")
        self.cr.execute("RELEASE SAVEPOINT crm_bench_run")
        self.env.clear()
        self.cr.precommit.clear()
        self.cr.postcommit.clear()

    def _print_profile(self, label, profiler):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).sort_stats("cumulative")
        stats.print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(
            r"_compute_|_inverse_|default_get|_onchange|crm_extended|crm_marketing|crm_competitors", 40
        )
        out(f"\n--- profile of {label} ---\n{stream.getvalue()}\n")

    def sql(self, query):
        return self.env.execute_query(query)

    def sql_run(self, query):
        """A run doing one SQL statement (a reference path)."""

        def run(_state):
            self.cr.execute(query)
            return self.cr.rowcount

        return run


def out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------------------
# Data (set-based, committed once, not timed)
# ----------------------------------------------------------------------------


def _columns(cr, table):
    cr.execute(SQL("SELECT column_name FROM information_schema.columns WHERE table_name = %s", table))
    return {row[0] for row in cr.fetchall()}


def _insert_select(cr, table, values, source):
    """``INSERT INTO table (cols) SELECT exprs FROM source`` for the columns ``table`` has."""
    existing = _columns(cr, table)
    items = [(column, expr) for column, expr in values.items() if column in existing]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column, _expr in items),
            SQL(", ").join(expr for _column, expr in items),
            source,
        )
    )
    return cr.rowcount


def _count(cr, query):
    cr.execute(query)
    return cr.fetchone()[0]


def generate_data(registry, scale):
    """Generate (and commit) the bench data of ``scale``; each part is skipped when it is there already.

    N accounts (companies, half of them in Belgium, half in France, 1 % sharing an address),
    N/10 contacts, N opportunities (20 % won, 20 % lost, 1–2 competitors each), N/10 contracts
    (5 % ended, 5 % due for a renewal notice), N/2 logged messages on accounts, and a mass
    mailing list of N contacts (2 % opted out) with 2 % of the addresses blacklisted.
    """
    n = SCALES[scale]
    # The cursor commits when the block ends without error: the only commit of the runner.
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
        params = env["ir.config_parameter"]
        existing = params.get_param("crm_bench.scale")
        if existing and existing != scale:
            raise SystemExit(f"The database holds the bench data of scale {existing}, not {scale}: use another one.")
        params.set_param("crm_bench.scale", scale)
        done = []
        company = env.ref("base.main_company")
        admin = env.ref("base.user_admin")
        be, fr = env.ref("base.be"), env.ref("base.fr")
        now = SQL("now() AT TIME ZONE 'UTC'")
        if not _count(cr, SQL("SELECT COUNT(*) FROM res_partner WHERE starts_with(ref, 'BENCH-')")):
            _insert_select(
                cr,
                "res_partner",
                {
                    "name": SQL("'Bench Account ' || g"),
                    "complete_name": SQL("'Bench Account ' || g"),
                    "ref": SQL("'BENCH-' || g"),
                    "type": SQL("'contact'"),
                    "active": SQL("TRUE"),
                    "is_company": SQL("TRUE"),
                    "partner_share": SQL("TRUE"),
                    "lang": SQL("'en_US'"),
                    # 1 % share the address of the previous account (duplicates for consent checks)
                    "email": SQL(
                        "'account' || (CASE WHEN mod(g, 100) = 0 THEN g - 1 ELSE g END) || '@bench' || (mod(g, 97)) "
                        "|| '.example.com'"
                    ),
                    "email_normalized": SQL(
                        "'account' || (CASE WHEN mod(g, 100) = 0 THEN g - 1 ELSE g END) || '@bench' || (mod(g, 97)) "
                        "|| '.example.com'"
                    ),
                    "phone": SQL("'+32 2 ' || lpad(g::text, 7, '0')"),
                    "crm_phone_key": SQL("'+322' || lpad(g::text, 7, '0')"),
                    "street": SQL("'Bench Street ' || g"),
                    "city": SQL("'City ' || (mod(g, 50))"),
                    "zip": SQL("(1000 + mod(g, 50))::text"),
                    "crm_name_key": SQL("'bench account ' || g"),
                    "crm_city_key": SQL("'city ' || (mod(g, 50))"),
                    "country_id": SQL("CASE WHEN mod(g, 2) = 0 THEN %s ELSE %s END", be.id, fr.id),
                    "user_id": SQL("CASE WHEN mod(g, 5) = 0 THEN %s END", admin.id),
                    "relationship_type": SQL("(ARRAY['customer', 'prospect', 'partner', 'supplier'])[mod(g, 4) + 1]"),
                    "potential": SQL("(ARRAY['low', 'medium', 'high'])[mod(g, 3) + 1]"),
                    "contact_cadence_days": SQL("30"),
                    "last_contact_date": SQL("current_date - (mod(g, 90))"),
                    "next_contact_date": SQL("current_date - (mod(g, 90)) + 30"),
                    "create_date": SQL("%s - make_interval(days => (mod(g, 400))::int)", now),
                    "write_date": now,
                    "create_uid": SQL("1"),
                    "write_uid": SQL("1"),
                },
                SQL("generate_series(1, %s) g", n),
            )
            cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE starts_with(ref, 'BENCH-')"))
            done.append(f"{n} accounts")
        if not _count(cr, SQL("SELECT COUNT(*) FROM res_partner WHERE starts_with(ref, 'BCONTACT-')")):
            _insert_select(
                cr,
                "res_partner",
                {
                    "name": SQL("'Bench Contact ' || g"),
                    "complete_name": SQL("a.name || ', Bench Contact ' || g"),
                    "ref": SQL("'BCONTACT-' || g"),
                    "type": SQL("'contact'"),
                    "active": SQL("TRUE"),
                    "is_company": SQL("FALSE"),
                    "partner_share": SQL("TRUE"),
                    "parent_id": SQL("a.id"),
                    "commercial_partner_id": SQL("a.id"),
                    "lang": SQL("'en_US'"),
                    "email": SQL("'contact' || g || '@bench' || (mod(g, 97)) || '.example.com'"),
                    "email_normalized": SQL("'contact' || g || '@bench' || (mod(g, 97)) || '.example.com'"),
                    "function": SQL("'Buyer'"),
                    "country_id": SQL("a.country_id"),
                    "contact_cadence_days": SQL("0"),
                    "create_date": now,
                    "write_date": now,
                    "create_uid": SQL("1"),
                    "write_uid": SQL("1"),
                },
                SQL("generate_series(1, %s) g JOIN res_partner a ON a.ref = 'BENCH-' || g", max(n // 10, 1)),
            )
            done.append(f"{n // 10} contacts")
        if "crm.competitor" in env and not env["crm.competitor"].search_count(
            [("name", "=like", "Bench Competitor %")]
        ):
            count = {"small": 20, "medium": 50, "large": 200}[scale]
            env["crm.competitor"].create([{"name": f"Bench Competitor {i}"} for i in range(1, count + 1)])
            env.flush_all()
            done.append(f"{count} competitors")
        if not _count(cr, SQL("SELECT COUNT(*) FROM crm_lead WHERE starts_with(name, 'Bench Opportunity ')")):
            stages = env["crm.stage"].search([], order="sequence, id")
            won = stages.filtered("is_won")[:1]
            open_stages = (stages - won).ids or stages.ids
            team = env["crm.team"].search([], limit=1)
            competitors = (
                env["crm.competitor"].search([("name", "=like", "Bench Competitor %")], order="id").ids
                if "crm.competitor" in env
                else []
            )
            lost_competitor = (
                SQL(
                    "CASE WHEN mod(g, 5) = 1 AND mod(g, 2) = 0 THEN (%s::int[])[mod(g, %s) + 1] END",
                    competitors,
                    len(competitors),
                )
                if competitors
                else SQL("NULL")
            )
            _insert_select(
                cr,
                "crm_lead",
                {
                    "name": SQL("'Bench Opportunity ' || g"),
                    "type": SQL("'opportunity'"),
                    "active": SQL("mod(g, 5) != 1"),
                    "partner_id": SQL("a.id"),
                    "partner_name": SQL("a.name"),
                    "email_from": SQL("a.email"),
                    "email_normalized": SQL("a.email_normalized"),
                    "phone": SQL("a.phone"),
                    "country_id": SQL("a.country_id"),
                    "stage_id": SQL(
                        "CASE WHEN mod(g, 5) = 0 THEN %s ELSE (%s::int[])[mod(g, %s) + 1] END",
                        won.id or open_stages[0],
                        open_stages,
                        len(open_stages),
                    ),
                    "probability": SQL(
                        "CASE WHEN mod(g, 5) = 0 THEN 100 WHEN mod(g, 5) = 1 THEN 0 ELSE 10 + mod(g, 80) END"
                    ),
                    "expected_revenue": SQL("1000 + (mod(g, 1000)) * 100"),
                    "priority": SQL("'0'"),
                    "user_id": SQL("%s", admin.id),
                    "team_id": SQL("%s", team.id or None),
                    "company_id": SQL("%s", company.id),
                    "lost_competitor_id": lost_competitor,
                    "date_open": SQL("%s - make_interval(days => (mod(g, 500))::int)", now),
                    "date_closed": SQL(
                        "CASE WHEN mod(g, 5) IN (0, 1) THEN %s - make_interval(days => (mod(g, 300))::int) END", now
                    ),
                    "date_last_stage_update": now,
                    "create_date": SQL("%s - make_interval(days => (mod(g, 500))::int)", now),
                    "write_date": now,
                    "create_uid": SQL("1"),
                    "write_uid": SQL("1"),
                },
                SQL("generate_series(1, %s) g JOIN res_partner a ON a.ref = 'BENCH-' || g", n),
            )
            done.append(f"{n} opportunities")
        if "crm.competitor" in env and not _count(cr, SQL("SELECT COUNT(*) FROM crm_competitor_crm_lead_rel")):
            competitors = env["crm.competitor"].search([("name", "=like", "Bench Competitor %")], order="id").ids
            cr.execute(
                SQL(
                    """INSERT INTO crm_competitor_crm_lead_rel (lead_id, competitor_id)
                       SELECT DISTINCT l.id, c.cid FROM crm_lead l
                       CROSS JOIN LATERAL (VALUES ((%(ids)s::int[])[mod(l.id, %(count)s) + 1]),
                                                  (CASE WHEN mod(l.id, 10) < 3
                                                        THEN (%(ids)s::int[])[mod(l.id * 7, %(count)s) + 1] END)) c(cid)
                        WHERE starts_with(l.name, 'Bench Opportunity ') AND c.cid IS NOT NULL
                       UNION
                       SELECT l.id, l.lost_competitor_id FROM crm_lead l
                        WHERE starts_with(l.name, 'Bench Opportunity ') AND l.lost_competitor_id IS NOT NULL""",
                    ids=competitors,
                    count=len(competitors),
                )
            )
            done.append(f"{cr.rowcount} competitor links")
        if "crm.contract" in env and not env["crm.contract"].search_count([("code", "=like", "BENCH-C%")]):
            team = env["crm.team"].search([], limit=1)
            end = SQL(
                "CASE WHEN mod(g, 20) = 0 THEN current_date - 1 - (mod(g, 10)) WHEN mod(g, 20) = 1 THEN current_date + 10 "
                "ELSE current_date + 60 + (mod(g, 300)) END"
            )
            _insert_select(
                cr,
                "crm_contract",
                {
                    "name": SQL("'Bench Contract ' || g"),
                    "code": SQL("'BENCH-C' || g"),
                    "partner_id": SQL("a.id"),
                    "user_id": SQL("%s", admin.id),
                    "team_id": SQL("%s", team.id or None),
                    "company_id": SQL("%s", company.id),
                    "currency_id": SQL("%s", company.currency_id.id),
                    "state": SQL("'active'"),
                    "date_start": SQL("current_date - 300"),
                    "date_end": end,
                    "date_notice": SQL("%s - 30", end),
                    "notice_period_days": SQL("30"),
                    "auto_renew": SQL("mod(g, 40) = 0"),
                    "renewal_notified": SQL("FALSE"),
                    "amount_total": SQL("(mod(g, 100) + 1) * 1200"),
                    "amount_yearly": SQL("(mod(g, 100) + 1) * 1200"),
                    "amount_monthly": SQL("(mod(g, 100) + 1) * 100"),
                    "create_date": now,
                    "write_date": now,
                    "create_uid": SQL("1"),
                    "write_uid": SQL("1"),
                },
                SQL(
                    "generate_series(1, %s) g JOIN res_partner a ON a.ref = 'BENCH-' || (mod(g * 7, %s) + 1)",
                    max(n // 10, 1),
                    n,
                ),
            )
            cr.execute(
                SQL(
                    "UPDATE res_partner p SET customer_since = current_date - 300 FROM crm_contract c "
                    "WHERE c.partner_id = p.id AND starts_with(c.code, 'BENCH-C')"
                )
                if "customer_since" in _columns(cr, "res_partner")
                else SQL("SELECT 1")
            )
            done.append(f"{n // 10} contracts")
        if not _count(cr, SQL("SELECT COUNT(*) FROM mail_message WHERE body = '<p>Bench call</p>'")):
            _insert_select(
                cr,
                "mail_message",
                {
                    "model": SQL("'res.partner'"),
                    "res_id": SQL("a.id"),
                    "message_type": SQL("'comment'"),
                    "subtype_id": SQL("%s", env.ref("mail.mt_comment").id),
                    "body": SQL("'<p>Bench call</p>'"),
                    "author_id": SQL("%s", admin.partner_id.id),
                    "record_name": SQL("a.name"),
                    "date": SQL("%s - make_interval(days => (mod(g, 200))::int)", now),
                    "create_date": now,
                    "write_date": now,
                    "create_uid": SQL("1"),
                    "write_uid": SQL("1"),
                },
                SQL("generate_series(1, %s) g JOIN res_partner a ON a.ref = 'BENCH-' || (g * 2)", n // 2),
            )
            done.append(f"{n // 2} messages")
        mailing_list = env["mailing.list"].search([("name", "=", "Bench Mailing List")], limit=1)
        if not mailing_list:
            mailing_list = env["mailing.list"].create({"name": "Bench Mailing List"})
            env.flush_all()
            _insert_select(
                cr,
                "mailing_contact",
                {
                    "name": SQL("a.name"),
                    "email": SQL("a.email"),
                    "email_normalized": SQL("a.email_normalized"),
                    "company_name": SQL("a.name"),
                    "country_id": SQL("a.country_id"),
                    "create_date": now,
                    "write_date": now,
                    "create_uid": SQL("1"),
                    "write_uid": SQL("1"),
                },
                SQL("generate_series(1, %s) g JOIN res_partner a ON a.ref = 'BENCH-' || g", n),
            )
            cr.execute(
                SQL(
                    """INSERT INTO mailing_subscription (contact_id, list_id, opt_out, create_date, write_date,
                                                         create_uid, write_uid)
                       SELECT c.id, %s, mod(c.id, 50) = 0, c.create_date, c.create_date, 1, 1
                         FROM mailing_contact c JOIN res_partner a ON a.email_normalized = c.email_normalized
                        WHERE starts_with(a.ref, 'BENCH-') AND a.name = c.name""",
                    mailing_list.id,
                )
            )
            cr.execute(
                SQL(
                    """INSERT INTO mail_blacklist (email, active, create_date, write_date, create_uid, write_uid)
                       SELECT DISTINCT email_normalized, TRUE, %s, %s, 1, 1 FROM res_partner
                        WHERE starts_with(ref, 'BENCH-') AND mod(id, 50) = 25
                       ON CONFLICT DO NOTHING""",
                    now,
                    now,
                )
            )
            done.append(f"mailing list of {n} contacts")
        if done:
            cr.execute(SQL("ANALYZE"))
            env.invalidate_all()
        return done


# ----------------------------------------------------------------------------
# Scenario helpers
# ----------------------------------------------------------------------------


def _bench_partner_ids(bench, condition=ALL_ROWS):
    return [
        row[0]
        for row in bench.sql(
            SQL("SELECT id FROM res_partner WHERE starts_with(ref, 'BENCH-') AND %s ORDER BY id", condition)
        )
    ]


def _new_list(bench, **vals):
    env = bench.user_env()
    return env["crm.marketing.list"].create({"name": "Bench list", "member_model": "res.partner", **vals})


def _fill_list(bench, mlist, condition=ALL_ROWS):
    """Put accounts in a list with one raw INSERT (set-up, not timed)."""
    bench.cr.execute(
        SQL(
            "INSERT INTO %s (list_id, partner_id) SELECT %s, id FROM res_partner WHERE starts_with(ref, 'BENCH-') AND %s",
            SQL.identifier(PARTNER_REL),
            mlist.id,
            condition,
        )
    )
    mlist.invalidate_recordset()


def _dynamic_where(bench):
    """The WHERE of DYNAMIC_DOMAIN for the administrator, written by hand."""
    company = bench.user_env().company
    return SQL(
        "p.active AND p.is_company AND p.country_id = %s AND (p.company_id IS NULL OR p.company_id = %s)",
        bench.env.ref("base.be").id,
        company.id,
    )


def _sql_diff(bench, list_id):
    """Hand-written refresh of a list: INSERT … SELECT … EXCEPT, DELETE … WHERE NOT IN.

    The DELETE runs with a ``work_mem`` large enough to hash the ids of its ``NOT IN``: with the
    default 4 MB, PostgreSQL scans the whole subquery for every member above ~100k members
    (quadratic: the DELETE of a 500k-member list ran for over 15 minutes at SCALE=large). That
    would make a straw man of the reference; ours needs no such setting (its FULL JOIN spills to disk).
    """
    where = _dynamic_where(bench)

    def run(_state):
        bench.cr.execute(
            SQL(
                """INSERT INTO crm_marketing_list_partner_rel (list_id, partner_id)
                   SELECT %(list)s, p.id FROM res_partner p WHERE %(where)s
                   EXCEPT SELECT list_id, partner_id FROM crm_marketing_list_partner_rel WHERE list_id = %(list)s""",
                list=list_id(),
                where=where,
            )
        )
        added = bench.cr.rowcount
        bench.cr.execute("SET work_mem = '256MB'")
        bench.cr.execute(
            SQL(
                """DELETE FROM crm_marketing_list_partner_rel r
                    WHERE r.list_id = %(list)s AND r.partner_id NOT IN (SELECT p.id FROM res_partner p WHERE %(where)s)""",
                list=list_id(),
                where=where,
            )
        )
        removed = bench.cr.rowcount
        bench.cr.execute("RESET work_mem")
        return added, removed

    return run


def _change_one_percent(bench):
    """Move 1 % of the accounts between Belgium and France (set-up, not timed): half of them leave the
    dynamic list's filter (Belgium -> France), half enter it (France -> Belgium)."""
    be, fr = bench.env.ref("base.be").id, bench.env.ref("base.fr").id
    bench.cr.execute(
        SQL(
            "UPDATE res_partner SET country_id = CASE WHEN country_id = %s THEN %s ELSE %s END "
            "WHERE starts_with(ref, 'BENCH-') AND mod(id, 200) IN (7, 8)",
            be,
            fr,
            be,
        )
    )
    bench.env.invalidate_all()


def _oca_action_sync(mlist):
    """The naive ORM way: OCA/social ``mass_mailing_list_dynamic`` ``mailing.list.action_sync``
    (16.0/17.0, sync method "full") transposed faithfully to our relation, where members are partners.

    Like the OCA: ``search`` the filter, detach the current members that are ``not in`` the result
    (``filtered`` over the members; a recordset's ``in`` scans the tuple of its ids, so this step is
    quadratic once the list has members), then add ``desired - current`` (a set difference, linear).
    The OCA's mailing.contact layer (a contact created per new partner) has no counterpart here and is
    left out, so this reference is the OCA algorithm without that extra cost. It writes the relation
    through the ORM, hence a static list (a dynamic one refuses direct writes).
    """
    desired = mlist.env["res.partner"].search(
        [("is_company", "=", True), ("country_id.code", "=", "BE"), *mlist._company_domain()]
    )
    to_detach = mlist.partner_ids.filtered(lambda partner: partner not in desired)
    mlist.partner_ids -= to_detach
    current = mlist.partner_ids
    mlist.partner_ids |= desired - current
    return len(mlist.partner_ids)


# ----------------------------------------------------------------------------
# Scenarios: each a small function returning rows
# ----------------------------------------------------------------------------


def scenario_1_dynamic_refresh(bench):
    """1. Dynamic list refresh vs a hand-written SQL diff and vs the naive ORM way (the OCA's
    mass_mailing_list_dynamic ``action_sync`` transposed: search, ``filtered(not in)``, set difference,
    write the relation); second refresh after 1 % of the accounts changed, against both."""
    bench.require("crm.marketing.list", "action_refresh")
    n = len(_bench_partner_ids(bench, SQL("is_company AND country_id = %s", bench.env.ref("base.be").id)))
    holder = {}

    def setup_dynamic():
        holder["list"] = _new_list(bench, list_type="dynamic", domain=DYNAMIC_DOMAIN)
        return holder["list"]

    ours = bench.measure(lambda mlist: mlist.action_refresh(), setup_dynamic, label="1")
    ref = bench.measure(_sql_diff(bench, lambda: holder["list"].id), setup_dynamic)

    def check_members(mlist):
        mlist.action_refresh()
        return bench.sql(SQL("SELECT COUNT(*) FROM %s WHERE list_id = %s", SQL.identifier(PARTNER_REL), mlist.id))[0][0]

    members = bench.measure(check_members, setup_dynamic, repeat=1).result
    note = "" if members == n else f"ours gave {members} members, the SQL {n}"
    rows = [
        Row("1a", "Dynamic list refresh (first) ÷ hand-written SQL diff", n, ours, ref, 1.5, note),
    ]

    def setup_static():
        return _new_list(bench, list_type="static")

    naive_measure = bench.measure(_oca_action_sync, setup_static, label="1b")
    note = "" if naive_measure.result == n else f"the naive way gave {naive_measure.result} members, the SQL {n}"
    rows.append(
        Row(
            "1b",
            "Dynamic list refresh (first) ÷ naive ORM: OCA action_sync transposed (search, filtered not in, set "
            "difference, write)",
            n,
            ours,
            naive_measure,
            0.05,
            note or "empty list: the quadratic `filtered(not in)` has nothing to scan",
        )
    )

    def setup_second():
        mlist = setup_dynamic()
        mlist.action_refresh()
        _change_one_percent(bench)
        return mlist

    second = bench.measure(lambda mlist: mlist.action_refresh(), setup_second, label="1c")
    second_bare = bench.measure(lambda mlist: mlist._refresh_members(), setup_second)

    def setup_second_sql():
        mlist = setup_dynamic()
        _sql_diff(bench, lambda: mlist.id)(None)
        _change_one_percent(bench)
        return mlist

    second_ref = bench.measure(_sql_diff(bench, lambda: holder["list"].id), setup_second_sql)
    changed = second_ref.result
    rows.append(
        Row(
            "1c",
            "Second refresh after 1 % changed ÷ hand-written SQL diff",
            n,
            second,
            second_ref,
            1.5,
            f"{changed[0]} added, {changed[1]} removed; of ours, the one SQL statement of `_refresh_members` "
            f"takes {_fmt_seconds(second_bare)} ({second_bare.queries} queries)",
        )
    )
    rows.append(Row("1d", "Second refresh after 1 % changed ÷ first refresh (ours)", n, second, ours, 0.2))

    def setup_second_static():
        mlist = setup_static()
        _fill_list(bench, mlist, SQL("is_company AND country_id = %s", bench.env.ref("base.be").id))
        _change_one_percent(bench)
        return mlist

    title = f"Second refresh after 1 % changed ÷ naive ORM: OCA action_sync transposed (list of {n:,} members)"
    if bench.scale == "large":
        # quadratic: 29.8 s for 50k members at medium, so about 100 times that for 500k
        note = "not run at this scale: quadratic, about 50 minutes a run (100 × the medium run)"
        rows.append(Row("1e", title, n, status="not run", note=note))
        return rows
    naive_second = bench.measure(_oca_action_sync, setup_second_static, label="1e")
    rows.append(
        Row(
            "1e",
            title,
            n,
            second,
            naive_second,
            0.05,
            "" if naive_second.result == n else f"the naive way gave {naive_second.result} members, the SQL {n}",
        )
    )
    return rows


def scenario_2_static_add(bench):
    """2. Adding accounts to a static list by filter vs a raw INSERT … SELECT."""
    bench.require("crm.marketing.list", "_add_members_by_domain")
    n = len(_bench_partner_ids(bench))
    holder = {}

    def setup():
        holder["list"] = _new_list(bench, list_type="static")
        return holder["list"]

    def ours_run(mlist):
        # the "Add to list" wizard with "every record the current filter matches"
        if "crm.marketing.list.add.wizard" not in mlist.env:
            return mlist._add_members_by_domain([("is_company", "=", True)])
        wizard = mlist.env["crm.marketing.list.add.wizard"].create(
            {
                "member_model": "res.partner",
                "operation": "add",
                "scope": "filter",
                "filter_domain": "[('is_company', '=', True)]",
                "list_id": mlist.id,
            }
        )
        action = wizard.action_apply()
        return int(re.match(r"\d+", action["params"]["message"]).group())

    ours = bench.measure(ours_run, setup, label="2")

    def raw(_state):
        bench.cr.execute(
            SQL(
                """INSERT INTO crm_marketing_list_partner_rel (list_id, partner_id)
                   SELECT %s, p.id FROM res_partner p
                    WHERE p.active AND p.is_company AND (p.company_id IS NULL OR p.company_id = %s)
                   ON CONFLICT DO NOTHING""",
                holder["list"].id,
                bench.user_env().company.id,
            )
        )
        return bench.cr.rowcount

    ref = bench.measure(raw, setup)
    note = "" if ours.result == ref.result else f"ours added {ours.result}, the SQL {ref.result}"
    return [Row("2", "Static list: add accounts by filter ÷ raw INSERT … SELECT", n, ours, ref, 1.5, note)]


def _effective_sql(list_id, suppression_id):
    return SQL(
        """SELECT DISTINCT ON (p.email_normalized) p.id
             FROM crm_marketing_list_partner_rel r
             JOIN res_partner p ON p.id = r.partner_id
            WHERE r.list_id = %(list)s AND p.active AND p.email_normalized IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM crm_marketing_list_partner_rel s
                               WHERE s.list_id = %(suppression)s AND s.partner_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM mail_blacklist b WHERE b.active AND b.email = p.email_normalized)
              AND NOT EXISTS (SELECT 1 FROM mailing_subscription ms JOIN mailing_contact mc ON mc.id = ms.contact_id
                               WHERE ms.opt_out AND mc.email_normalized = p.email_normalized)
            ORDER BY p.email_normalized, p.id""",
        list=list_id,
        suppression=suppression_id,
    )


def _list_with_suppression(bench):
    suppression = _new_list(bench, list_type="static", name="Bench suppression")
    _fill_list(bench, suppression, SQL("mod(id, 100) = 3"))
    mlist = _new_list(
        bench, list_type="static", exclude_opted_out=True, suppression_list_ids=[Command.set(suppression.ids)]
    )
    _fill_list(bench, mlist)
    # statistics as after autovacuum's next pass: without them (the relation's rows are inserted and
    # rolled back run after run, so autovacuum may just have seen it empty) the planner takes both lists
    # for a few rows and nests loops over them, in our SQL and in the reference alike
    bench.cr.execute(SQL("ANALYZE %s", SQL.identifier(PARTNER_REL)))
    return mlist, suppression


def scenario_3_effective_members(bench):
    """3. Effective members of a list vs one SQL, and vs Odoo's mass_mailing opt-out computation.

    Ours is what sending does: the list's "Send" button (``action_send_mailing``, not timed) makes a
    mailing whose domain is ``[('marketing_list_effective_ids', 'in', [list])]``, and mass_mailing's
    sending reads its recipients with ``_get_recipients()`` — for a list's mailing, the search of that
    domain in id order (crm_marketing_lists' override: sending needs no order, and the contacts' own,
    ``complete_name``, sorts 100k names on disk). The list's counters count the same members with
    ``_members_sql`` (one grouped query) and the export reads them in id order, so no path of a list
    needs the alphabetical order. Run as the administrator (record rules apply).
    """
    bench.require("crm.marketing.list", "_members_sql")
    bench.require_fields("res.partner", "marketing_list_effective_ids")
    n = len(_bench_partner_ids(bench))

    def setup_ours():
        mlist, suppression = _list_with_suppression(bench)
        action = mlist.action_send_mailing()
        return mlist.env["mailing.mailing"].browse(action["res_id"]), suppression

    def ours(state):
        mailing, _suppression = state
        return len(mailing._get_recipients())

    ours_measure = bench.measure(ours, setup_ours, label="3")

    def sql(state):
        mlist, suppression = state
        return len(bench.sql(_effective_sql(mlist.id, suppression.id)))

    ref = bench.measure(sql, lambda: _list_with_suppression(bench))
    note = "" if ours_measure.result == ref.result else f"ours found {ours_measure.result}, the SQL {ref.result}"
    rows = [Row("3a", "Effective members (suppression, blacklist, opt-out) ÷ one SQL", n, ours_measure, ref, 1.5, note)]

    mailing_list = bench.env["mailing.list"].search([("name", "=", "Bench Mailing List")], limit=1)

    def setup_mailing():
        return bench.env["mailing.mailing"].create(
            {
                "subject": "Bench",
                "mailing_type": "mail",
                "mailing_model_id": bench.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [Command.set(mailing_list.ids)],
            }
        )

    def odoo_opt_out(mailing):
        # what sending does before rendering: recipients (blacklist excluded by the domain), then opt-outs
        recipients = mailing._get_remaining_recipients()
        opt_out = mailing._get_opt_out_list()
        emails = bench.env["mailing.contact"].browse(recipients).mapped("email_normalized")
        return len({email for email in emails if email and email not in opt_out})

    odoo_measure = bench.measure(odoo_opt_out, setup_mailing, label="3b")
    rows.append(
        Row(
            "3b",
            "Effective members ÷ Odoo mass_mailing recipients + opt-out list (mailing.list, same size)",
            n,
            ours_measure,
            odoo_measure,
            0.05,
        )
    )
    return rows


def _import_file(rows, bad_every=0, tag=""):
    """An .xlsx of ``rows`` new accounts (cached in bench/out); every ``bad_every``-th row has a bad e-mail."""
    from openpyxl import Workbook

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"bench_accounts_{rows}{tag}.xlsx"
    if not path.exists():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Accounts")
        sheet.append(IMPORT_HEADER)
        for i in range(1, rows + 1):
            email = "not-an-email" if bad_every and i % bad_every == 0 else f"import{i}@imp{i % 89}.example.org"
            country = "Belgium" if i % 2 else "France"
            sheet.append(
                [
                    f"Imported Company {i}",
                    email,
                    f"+32 470 {i:06d}",
                    f"Import Street {i}",
                    f"Town {i % 40}",
                    str(2000 + i % 40),
                    country,
                ]
            )
        workbook.save(path)
    return path.read_bytes()


def _row_data_mb(data):
    """Size of the cell values of an import file (UTF-8), the yardstick of the import's memory."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    size = sum(
        len(str(value).encode()) for row in workbook.active.iter_rows(values_only=True) for value in row if value
    )
    workbook.close()
    return size / MB


def _import_rows_vals(bench, data):
    """The rows of an import file as create() values (parsed before the timer starts)."""
    from openpyxl import load_workbook

    countries = {"Belgium": bench.env.ref("base.be").id, "France": bench.env.ref("base.fr").id}
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = workbook.active.iter_rows(min_row=2, values_only=True)
    vals_list = []
    for row in rows:
        vals = dict(zip(IMPORT_FNAMES, row, strict=False))
        vals["country_id"] = countries[vals["country_id"]]
        vals_list.append({**vals, "is_company": True, "company_id": bench.env.company.id})
    workbook.close()
    return vals_list


def scenario_4_import(bench, import_rows):
    """4. Spreadsheet import of account rows vs Odoo's base_import and a bare create(vals_list)."""
    bench.require("crm.spreadsheet.import", "action_load_columns", "action_import")
    n = import_rows
    data = _import_file(n)
    user_env = bench.user_env()

    def ours_run(skip_errors=False, content=data):
        def run(_state):
            wizard = user_env["crm.spreadsheet.import"].create(
                {
                    "import_type": "partner",
                    "file": base64.b64encode(content),
                    "filename": "accounts.xlsx",
                    "skip_errors": skip_errors,
                }
            )
            wizard.action_load_columns()
            unmapped = [m.header for m in wizard.mapping_ids if not m.target]
            wizard.action_import()
            return wizard.result_message, unmapped

        return run

    vals_list = _import_rows_vals(bench, data)
    context = {"crm_skip_standardise": True, "tracking_disable": True, "mail_create_nolog": True}

    def bare_run(_state):
        return len(user_env["res.partner"].with_context(**context).create(vals_list))

    # ours and the bare create in turn (ours, bare, ours, bare, ...): a run takes minutes at 100k
    # rows and the machine's load changes meanwhile; alternating, both meet the same load
    rounds = []
    for index in range(bench.repeat):
        rounds.append(
            (
                bench.measure(ours_run(), repeat=1, label="4" if index == 0 else None),
                bench.measure(bare_run, repeat=1, label="4-bare" if index == 0 else None),
            )
        )
        if rounds[-1][0].seconds > bench.slow:
            break

    def merged(measures):
        times = [measure.seconds for measure in measures]
        return Measure(
            statistics.median(times),
            len(measures),
            int(statistics.median(measure.queries for measure in measures)),
            max(measure.memory_mb for measure in measures),
            measures[-1].result,
            min(times),
        )

    ours, bare = merged([pair[0] for pair in rounds]), merged([pair[1] for pair in rounds])
    message, unmapped = ours.result
    note = f"{message}; file row data {_row_data_mb(data):.2f} MB".replace("\n", " ")
    if unmapped:
        note += f"; columns not recognised: {', '.join(unmapped)}"

    def base_import(_state):
        record = user_env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": data,
                "file_name": "accounts.xlsx",
                "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        result = record.execute_import(
            IMPORT_FNAMES,
            IMPORT_HEADER,
            {
                "has_headers": True,
                "quoting": '"',
                "separator": ",",
                "sheet": "Accounts",
                "date_format": "",
                "datetime_format": "",
                "float_thousand_separator": ",",
                "float_decimal_separator": ".",
                "advanced": False,
                "keep_matches": False,
                "name_create_enabled_fields": {},
                "import_set_empty_fields": [],
                "import_skip_records": [],
                "fallback_values": {},
                "skip": 0,
                "limit": None,
            },
        )
        errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
        if errors:
            raise RuntimeError(f"base_import refused the file: {errors[:3]}")
        return len(result["ids"])

    odoo_ref = bench.measure(base_import, label="4-base_import")
    if odoo_ref.result != n:
        raise RuntimeError(f"base_import created {odoo_ref.result} of {n} rows")
    rows = [
        Row(
            "4a",
            "Spreadsheet import of account rows ÷ Odoo base_import (one execute_import call)",
            n,
            ours,
            odoo_ref,
            0.5,
            note,
        )
    ]
    rows.append(
        Row(
            "4b",
            "Spreadsheet import ÷ bare res.partner create(vals_list), run in turn",
            n,
            ours,
            bare,
            1.5,
            f"in turn, ours then the bare create: {len(rounds)} round(s)",
        )
    )
    bad = _import_file(n, bad_every=100, tag="_bad1pct")
    with_bad = bench.measure(ours_run(skip_errors=True, content=bad), label="4-bad")
    rows.append(Row("4d", "Spreadsheet import with 1 % bad rows (skipped) ÷ clean file", n, with_bad, ours, 1.25))
    return rows


def scenario_5_export(bench):
    """5. Export of a list's members as .xlsx vs Odoo's own XLSX export of the same records and fields."""
    bench.require("crm.marketing.list", "_export_members_xlsx")
    from odoo.http import _request_stack

    from odoo.addons.web.controllers.export import ExcelExport

    n = len(_bench_partner_ids(bench))
    ours = bench.measure(
        lambda state: len(state[0]._export_members_xlsx()[1]), lambda: _list_with_suppression(bench), label="5"
    )

    def setup_ref():
        mlist, suppression = _list_with_suppression(bench)
        return [row[0] for row in bench.sql(_effective_sql(mlist.id, suppression.id))]

    def odoo_export(ids):
        env = bench.user_env()
        Partner = env["res.partner"]
        fields_info = Partner.fields_get(EXPORT_FNAMES, ["string", "type"])
        fields_desc = [
            {"name": fname, "label": fields_info[fname]["string"], "type": fields_info[fname]["type"]}
            for fname in EXPORT_FNAMES
        ]
        _request_stack.push(types.SimpleNamespace(env=env))
        try:
            rows = Partner.browse(ids).export_data(EXPORT_FNAMES).get("datas", [])
            content = ExcelExport().from_data(fields_desc, [f["label"] for f in fields_desc], rows)
        finally:
            _request_stack.pop()
        return len(content)

    ref = bench.measure(odoo_export, setup_ref, label="5-odoo")
    return [
        Row(
            "5",
            "Export of a list's members as .xlsx ÷ Odoo's XLSX export (export_data + ExcelExport)",
            n,
            ours,
            ref,
            1.0,
        )
    ]


def scenario_6_competitors(bench):
    """6. Competitor figures for all competitors vs one hand-written GROUP BY."""
    Competitor = bench.require("crm.competitor")
    fnames = ["lead_count", "won_count", "lost_count", "win_rate", "revenue_won", "revenue_lost"]
    bench.require_fields("crm.competitor", *fnames)
    n = bench.sql(SQL("SELECT COUNT(*) FROM crm_lead WHERE type = 'opportunity'"))[0][0]

    user_env = bench.user_env()  # made once: env.ref() checks that the user exists, a query that is not ours

    def ours(_state):
        competitors = user_env["crm.competitor"].search([])
        return competitors.read(fnames)

    ours_measure = bench.measure(ours, label="6")

    def sql(_state):
        return bench.sql(
            SQL(
                """SELECT rel.competitor_id, COUNT(*),
                          COUNT(*) FILTER (WHERE l.active AND s.is_won),
                          COUNT(*) FILTER (WHERE NOT l.active AND COALESCE(l.probability, 0) = 0
                                             AND COALESCE(l.lost_competitor_id, rel.competitor_id) = rel.competitor_id),
                          SUM(l.expected_revenue) FILTER (WHERE l.active AND s.is_won),
                          SUM(l.expected_revenue) FILTER (WHERE NOT l.active AND COALESCE(l.probability, 0) = 0
                                             AND COALESCE(l.lost_competitor_id, rel.competitor_id) = rel.competitor_id)
                     FROM crm_competitor_crm_lead_rel rel
                     JOIN crm_lead l ON l.id = rel.lead_id AND l.type = 'opportunity'
                     LEFT JOIN crm_stage s ON s.id = l.stage_id
                    GROUP BY rel.competitor_id"""
            )
        )

    ref = bench.measure(sql)
    note = f"{len(Competitor.search([]))} competitors"
    ours_totals = (
        sum(r["lead_count"] for r in ours_measure.result),
        sum(r["won_count"] for r in ours_measure.result),
        sum(r["lost_count"] for r in ours_measure.result),
    )
    sql_totals = tuple(sum(row[i] for row in ref.result) for i in (1, 2, 3))
    if ours_totals != sql_totals:
        note += f"; totals (deals, won, lost) differ: ours {ours_totals}, SQL {sql_totals}"
    return [
        Row("6", "Competitor figures (all competitors) ÷ one hand-written GROUP BY", n, ours_measure, ref, 1.5, note)
    ]


def _tiers_sql(bench):
    """Hand-written Pareto tiers: value per account, running share, one UPDATE of the changed rows."""
    return SQL(
        """WITH value AS (
               SELECT account_id, SUM(amount) AS amount FROM (
                   SELECT COALESCE(p.commercial_partner_id, p.id) AS account_id, c.amount_yearly AS amount
                     FROM crm_contract c JOIN res_partner p ON p.id = c.partner_id WHERE c.state = 'active'
                   UNION ALL
                   SELECT COALESCE(p.commercial_partner_id, p.id), l.expected_revenue
                     FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                     JOIN res_partner p ON p.id = l.partner_id
                    WHERE l.active AND l.date_closed > now() - interval '12 months') v
                GROUP BY account_id HAVING SUM(amount) > 0
           ), ranked AS (
               SELECT account_id,
                      SUM(amount) OVER (ORDER BY amount DESC, account_id) - amount AS before,
                      SUM(amount) OVER () AS total
                 FROM value
           ), tier AS (
               SELECT r.account_id, CASE WHEN r.before < r.total * co.crm_tier_a_percent / 100 THEN 'A'
                                         WHEN r.before < r.total * (co.crm_tier_a_percent + co.crm_tier_b_percent) / 100
                                         THEN 'B' ELSE 'C' END AS tier
                 FROM ranked r, res_company co WHERE co.id = %(company)s
           )
           UPDATE res_partner p
              SET customer_tier = t.tier,
                  contact_cadence_days = CASE t.tier WHEN 'A' THEN co.crm_cadence_days_a
                                                     WHEN 'B' THEN co.crm_cadence_days_b ELSE co.crm_cadence_days_c END
             FROM tier t, res_company co
            WHERE p.id = t.account_id AND co.id = %(company)s AND p.customer_tier IS DISTINCT FROM t.tier""",
        company=bench.env.company.id,
    )


def _activity_type(bench, xmlid):
    activity_type = bench.env.ref(xmlid, raise_if_not_found=False)
    if not activity_type:
        raise NotAvailable(f"activity type {xmlid} is missing")
    return activity_type


def _reminders_sql(bench):
    activity_type = _activity_type(bench, "crm_extended.mail_activity_type_crm_follow_up")
    return SQL(
        """WITH last AS (
               SELECT COALESCE(p.commercial_partner_id, p.id) AS account_id, MAX(m.date)::date AS day
                 FROM mail_message m JOIN res_partner p ON p.id = m.res_id
                WHERE m.model = 'res.partner' AND m.date <= now()
                GROUP BY 1
           ), updated AS (
               UPDATE res_partner p SET last_contact_date = last.day,
                      next_contact_date = last.day + p.contact_cadence_days
                 FROM last
                WHERE p.id = last.account_id AND p.last_contact_date IS DISTINCT FROM last.day
           )
           INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                                      date_deadline, summary, automated, active, create_uid, write_uid,
                                      create_date, write_date)
           SELECT %(model)s, 'res.partner', p.id, p.name, %(type)s, p.user_id, current_date,
                  'Follow up with ' || p.name, TRUE, TRUE, 1, 1, now(), now()
             FROM res_partner p
            WHERE p.active AND p.parent_id IS NULL AND p.user_id IS NOT NULL
              AND p.next_contact_date <= current_date
              AND NOT EXISTS (SELECT 1 FROM mail_activity a WHERE a.res_model = 'res.partner'
                                 AND a.res_id = p.id AND a.activity_type_id = %(type)s)""",
        model=bench.env["ir.model"]._get_id("res.partner"),
        type=activity_type.id,
    )


def _contracts_sql(bench):
    """Hand-written contract cron: the same rows as ``_cron_process_contracts``, in two statements run as one.

    1. Ended contracts: expired, or renewed by a successor (what copy() makes of it: the next term's
       dates, a reference drawn with nextval from the PostgreSQL sequence behind the company's standard
       ir.sequence, the lines copied, amounts summed from them); the lines' stored copy of the status;
       a "Status: Active → …" note with its tracking value each ("Renewed by …" on the renewed ones);
       the successor's creation note and its (active) responsible as follower with the default subtypes.
       A successor whose term has ended already is renewed in turn, as the cron's next round does.
       The customers' stored ``customer_since`` is recomputed (written where it changes).
    2. Renewal notices: a "Renewal due" activity per due contract with a responsible and none yet, its
       user as follower (existing followers skipped), the contracts flagged as notified.
    Constants (labels, author, reply-to, message-id, sequence prefixes) are read before, not timed.
    """
    from odoo.tools.mail import generate_tracking_message_id

    env = bench.env
    activity_type = _activity_type(bench, "crm_extended.mail_activity_type_crm_contract_renewal")
    if env["res.company"].search_count([("crm_contract_renewal_lead", "=", True)]):
        raise NotAvailable("a company creates renewal opportunities: the reference does not create crm.lead rows")
    sequences = {}
    for sequence in env["ir.sequence"].search([("code", "=", "crm.contract")], order="id desc"):
        sequences[sequence.company_id.id] = sequence  # the first by id wins, as _contract_sequence takes it
    companies = env["crm.contract"]._read_group([("state", "=", "active")], ["company_id"])
    missing = {company.id for (company,) in companies} - set(sequences)
    if missing or any(s.implementation != "standard" or s.use_date_range for s in sequences.values()):
        raise NotAvailable("a company has no standard contract sequence: the reference cannot draw references")
    seq_values = []
    for company_id, sequence in sequences.items():
        prefix, suffix = sequence._get_prefix_suffix()
        seq_values.append(
            SQL("(%s, %s, %s, %s, %s)", company_id, f"ir_sequence_{sequence.id:03d}", prefix, suffix, sequence.padding)
        )
    author_id, email_from = env["crm.contract"]._message_compute_author(None, None, raise_on_email=False)
    labels = dict(env["crm.contract"]._fields["state"]._description_selection(env))

    def html(expr):  # the body as the HTML sanitizer stores an escaped text
        return SQL("replace(replace(replace(%s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')", expr)

    def term(alias):  # LATERAL: the next term (date_start, date_end) after alias.date_start .. alias.date_end
        return SQL(
            """LATERAL (SELECT s.date_start, (s.date_start + make_interval(months => m.months))::date
                               + (s.date_start - (%(a)s.date_start + make_interval(months => m.months))::date) - 1 AS date_end
                          FROM (SELECT %(a)s.date_end + 1 AS date_start) s,
                       LATERAL (SELECT ((extract(year FROM s.date_start) - extract(year FROM %(a)s.date_start)) * 12
                                        + extract(month FROM s.date_start) - extract(month FROM %(a)s.date_start))::int
                                       AS months) m0,
                       LATERAL (SELECT m0.months - ((%(a)s.date_start + make_interval(months => m0.months))::date
                                                    > s.date_start)::int AS months) m) t""",
            a=SQL.identifier(alias),
        )

    def display(alias):  # display_name: "[code] name"
        return SQL(
            "CASE WHEN COALESCE(%(a)s.code, '') <> '' THEN '[' || %(a)s.code || '] ' || %(a)s.name ELSE %(a)s.name END",
            a=SQL.identifier(alias),
        )

    return SQL(
        """WITH RECURSIVE seqs (company_id, seq, prefix, suffix, padding) AS (VALUES %(seq_values)s),
           ended AS MATERIALIZED (
               SELECT c.id, c.auto_renew IS TRUE AS renew FROM crm_contract c
                WHERE c.state = 'active' AND c.date_end < current_date
                ORDER BY c.id FOR NO KEY UPDATE SKIP LOCKED
           ), terms (root_id, depth, date_start, date_end) AS (
               -- the successive terms of each renewed contract, until one ends today or later (the cron renews
               -- a successor that has ended already in its next round); a term is relativedelta(start, old start):
               -- whole months, then the remaining days
               SELECT c.id, 1, t.date_start, t.date_end
                 FROM ended e JOIN crm_contract c ON c.id = e.id, %(term_c)s
                WHERE e.renew
               UNION ALL
               SELECT c.root_id, c.depth + 1, t.date_start, t.date_end
                 FROM terms c, %(term_c)s
                WHERE c.date_end < current_date
           ), numbered AS MATERIALIZED (
               -- ids and references drawn in the order the cron creates the successors
               SELECT o.root_id, o.depth, o.date_start, o.date_end, o.id, o.prefix || CASE
                          WHEN length(o.number::text) < o.padding THEN lpad(o.number::text, o.padding, '0')
                          ELSE o.number::text END || o.suffix AS code
                 FROM (SELECT p.*, nextval('crm_contract_id_seq'::regclass) AS id, nextval(p.seq::regclass) AS number
                         FROM (SELECT t.*, s.seq, s.prefix, s.suffix, s.padding
                                 FROM terms t JOIN crm_contract c ON c.id = t.root_id
                                 JOIN seqs s ON s.company_id = c.company_id
                                ORDER BY t.depth, t.root_id) p) o
           ), chain AS MATERIALIZED (
               SELECT n.*, COALESCE(p.id, n.root_id) AS previous_id, COALESCE(p.code, r.code) AS previous_code,
                      nx.id AS next_id, nx.code AS next_code
                 FROM numbered n JOIN crm_contract r ON r.id = n.root_id
                 LEFT JOIN numbered p ON p.root_id = n.root_id AND p.depth = n.depth - 1
                 LEFT JOIN numbered nx ON nx.root_id = n.root_id AND nx.depth = n.depth + 1
           ), successors AS (
               INSERT INTO crm_contract (id, partner_id, opportunity_id, user_id, team_id, company_id, currency_id,
                                         notice_period_days, previous_contract_id, next_contract_id, name, code,
                                         state, date_start, date_end, date_notice, terms, amount_total,
                                         amount_monthly, amount_yearly, auto_renew,
                                         create_uid, write_uid, create_date, write_date)
               SELECT ch.id, c.partner_id, c.opportunity_id, c.user_id, c.team_id, c.company_id, c.currency_id,
                      c.notice_period_days, ch.previous_id, ch.next_id, c.name, ch.code,
                      CASE WHEN ch.next_id IS NULL THEN 'active' ELSE 'renewed' END, ch.date_start, ch.date_end,
                      ch.date_end - GREATEST(c.notice_period_days, 0), c.terms,
                      COALESCE(l.total, 0), COALESCE(l.monthly, 0), COALESCE(l.yearly, 0), c.auto_renew,
                      %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM chain ch JOIN crm_contract c ON c.id = ch.root_id
                 LEFT JOIN LATERAL (
                    SELECT SUM(price_subtotal) AS total, SUM(amount_monthly) AS monthly, SUM(amount_yearly) AS yearly
                      FROM crm_contract_line WHERE contract_id = c.id) l ON TRUE
                ORDER BY ch.id
           ), lines AS (
               INSERT INTO crm_contract_line (contract_id, sequence, company_id, currency_id, product_id, partner_id,
                                              user_id, recurring_interval, state, date_start, date_end, name,
                                              quantity, price_unit, discount, price_subtotal, amount_monthly,
                                              amount_yearly, create_uid, write_uid, create_date, write_date)
               SELECT ch.id, l.sequence, c.company_id, c.currency_id, l.product_id, c.partner_id, c.user_id,
                      l.recurring_interval, CASE WHEN ch.next_id IS NULL THEN 'active' ELSE 'renewed' END,
                      ch.date_start, ch.date_end, l.name, l.quantity, l.price_unit, l.discount, l.price_subtotal,
                      l.amount_monthly, l.amount_yearly,
                      %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM chain ch JOIN crm_contract c ON c.id = ch.root_id
                 JOIN crm_contract_line l ON l.contract_id = ch.root_id
                ORDER BY ch.id, l.sequence, l.id
           ), closed AS (
               UPDATE crm_contract c SET state = CASE WHEN e.renew THEN 'renewed' ELSE 'expired' END,
                      next_contract_id = ch.id, write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                 FROM ended e LEFT JOIN chain ch ON ch.root_id = e.id AND ch.depth = 1
                WHERE c.id = e.id
           ), closed_lines AS (
               UPDATE crm_contract_line l SET state = CASE WHEN e.renew THEN 'renewed' ELSE 'expired' END,
                      write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                 FROM ended e WHERE l.contract_id = e.id
           ), accounts AS (
               -- res.partner.customer_since (stored, depends on the contracts' state and start) recomputed for
               -- the customers of the ended contracts: expired and renewed ones still count, successors start later
               UPDATE res_partner p SET customer_since = f.first_start, write_uid = %(uid)s,
                      write_date = now() AT TIME ZONE 'UTC'
                 FROM (SELECT c.partner_id, MIN(c.date_start) AS first_start FROM crm_contract c
                        WHERE c.partner_id IN (SELECT x.partner_id FROM ended e JOIN crm_contract x ON x.id = e.id)
                          AND c.state NOT IN ('draft', 'cancelled')
                        GROUP BY c.partner_id) f
                WHERE p.id = f.partner_id AND p.customer_since IS DISTINCT FROM f.first_start
           ), closing AS (
               -- the contracts leaving the active state: the ended ones and the successors ended already
               SELECT e.id, e.renew, c.name, ch.code AS next_code
                 FROM ended e JOIN crm_contract c ON c.id = e.id
                 LEFT JOIN chain ch ON ch.root_id = e.id AND ch.depth = 1
               UNION ALL
               SELECT ch.id, TRUE, c.name, ch.next_code
                 FROM chain ch JOIN crm_contract c ON c.id = ch.root_id
                WHERE ch.next_id IS NOT NULL
           ), notes AS (
               INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id, email_from, reply_to,
                                         message_id, body, is_internal, email_add_signature, date,
                                         create_uid, write_uid, create_date, write_date)
               SELECT 'crm.contract', s.id, 'notification', %(note)s, %(author)s, %(email_from)s, %(reply_to)s,
                      %(message_id)s, CASE WHEN s.renew THEN '<p>Renewed by ' || %(successor)s || '</p>' ELSE '' END,
                      TRUE, FALSE, date_trunc('second', now() AT TIME ZONE 'UTC'),
                      %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM closing s
                ORDER BY s.renew, s.id
               RETURNING id, res_id
           ), tracking AS (
               INSERT INTO mail_tracking_value (field_id, mail_message_id, old_value_char, new_value_char,
                                                create_uid, write_uid, create_date, write_date)
               SELECT f.id, n.id, %(active)s, CASE WHEN s.renew THEN %(renewed)s ELSE %(expired)s END,
                      %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM notes n JOIN closing s ON s.id = n.res_id
                 JOIN ir_model_fields f ON f.model = 'crm.contract' AND f.name = 'state'
                ORDER BY n.id
           ), creation_notes AS (
               INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id, email_from, reply_to,
                                         message_id, body, is_internal, email_add_signature, date,
                                         create_uid, write_uid, create_date, write_date)
               SELECT 'crm.contract', ch.id, 'notification', %(note)s, %(author)s, %(email_from)s, %(reply_to)s,
                      %(message_id)s, '<p>Created by the automatic renewal of ' || %(previous)s || '</p>',
                      TRUE, FALSE, date_trunc('second', now() AT TIME ZONE 'UTC'),
                      %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM chain ch JOIN crm_contract c ON c.id = ch.root_id
                ORDER BY ch.id
           ), followers AS (
               INSERT INTO mail_followers (res_model, res_id, partner_id)
               SELECT 'crm.contract', ch.id, u.partner_id
                 FROM chain ch JOIN crm_contract c ON c.id = ch.root_id JOIN res_users u ON u.id = c.user_id AND u.active
                ORDER BY ch.id
               RETURNING id, partner_id
           )
           INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
           SELECT f.id, st.id FROM followers f JOIN res_partner p ON p.id = f.partner_id
             JOIN mail_message_subtype st ON st."default" AND (st.res_model IS NULL OR st.res_model = 'crm.contract')
                                         AND (p.partner_share IS NOT TRUE OR st.internal IS NOT TRUE);

           WITH due AS MATERIALIZED (
               SELECT c.id, c.name, c.code, c.date_end, COALESCE(c.user_id, t.user_id) AS user_id
                 FROM crm_contract c LEFT JOIN crm_team t ON t.id = c.team_id
                WHERE c.state = 'active' AND c.renewal_notified IS NOT TRUE AND c.date_notice <= current_date
                  AND c.date_end >= current_date
                ORDER BY c.id FOR NO KEY UPDATE OF c SKIP LOCKED
           ), activities AS (
               INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                                          date_deadline, summary, active, create_uid, write_uid,
                                          create_date, write_date)
               SELECT %(model)s, 'crm.contract', c.id, %(display)s, %(type)s, c.user_id, c.date_end,
                      'Renewal due: ' || %(display)s || ' ends on ' || to_char(c.date_end, 'YYYY-MM-DD'), TRUE,
                      %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM due c
                WHERE c.user_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM mail_activity a WHERE a.res_model = 'crm.contract'
                                     AND a.res_id = c.id AND a.activity_type_id = %(type)s AND a.active)
                ORDER BY c.id
               RETURNING res_id, user_id
           ), followers AS (
               INSERT INTO mail_followers (res_model, res_id, partner_id)
               SELECT DISTINCT 'crm.contract', a.res_id, u.partner_id
                 FROM activities a JOIN res_users u ON u.id = a.user_id
                WHERE NOT EXISTS (SELECT 1 FROM mail_followers f WHERE f.res_model = 'crm.contract'
                                     AND f.res_id = a.res_id AND f.partner_id = u.partner_id)
               RETURNING id, partner_id
           ), follower_subtypes AS (
               INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
               SELECT f.id, st.id FROM followers f JOIN res_partner p ON p.id = f.partner_id
                 JOIN mail_message_subtype st ON st."default" AND (st.res_model IS NULL OR st.res_model = 'crm.contract')
                                             AND (p.partner_share IS NOT TRUE OR st.internal IS NOT TRUE)
           )
           UPDATE crm_contract c SET renewal_notified = TRUE, write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
             FROM due WHERE c.id = due.id""",
        seq_values=SQL(", ").join(seq_values),
        uid=env.uid,
        note=env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
        author=author_id,
        email_from=email_from,
        reply_to=env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        message_id=generate_tracking_message_id("message-notify"),
        successor=html(SQL("'[' || s.next_code || '] ' || s.name")),
        previous=html(
            SQL(
                "CASE WHEN COALESCE(ch.previous_code, '') <> '' THEN '[' || ch.previous_code || '] ' || c.name ELSE c.name END"
            )
        ),
        term_c=term("c"),
        display=display("c"),
        active=labels["active"],
        renewed=labels["renewed"],
        expired=labels["expired"],
        model=env["ir.model"]._get_id("crm.contract"),
        type=activity_type.id,
    )


def scenario_7_crons(bench):
    """7. The nightly crons, each vs a hand-written SQL doing the same work."""
    rows = []
    n = len(_bench_partner_ids(bench))
    crons = [
        (
            "7a",
            "Nightly cron: customer tiers ÷ hand-written SQL",
            "res.partner",
            "_cron_crm_customer_tiers",
            _tiers_sql,
        ),
        (
            "7b",
            "Nightly cron: follow-up reminders (last contact + activities) ÷ hand-written SQL",
            "res.partner",
            "_cron_crm_follow_up_reminders",
            _reminders_sql,
        ),
        (
            "7c",
            "Nightly cron: contract expiry, renewal (lines, chatter, followers) and notices ÷ hand-written SQL",
            "crm.contract",
            "_cron_process_contracts",
            _contracts_sql,
        ),
    ]
    for key, title, model, method, reference in crons:
        try:
            bench.require(model, method)
            ours = bench.measure(
                lambda _state, model=model, method=method: getattr(bench.env[model], method)(), label=key
            )
            ref = bench.measure(bench.sql_run(reference(bench)))
            # the 7c reference writes the same rows as the cron (2 statements, sent in one execute)
            note = "reference: same rows as the cron, 2 SQL statements in 1 execute" if key == "7c" else ""
            rows.append(Row(key, title, n, ours, ref, 3.0, note))
        except NotAvailable as error:
            rows.append(Row(key, title, n, status="not available", note=str(error)))
    return rows


def _view_spec(model, node):
    """The web client's field specification for the fields of a view arch (lxml node)."""
    spec = {}
    for child in node.iterchildren():
        if not isinstance(child.tag, str):
            continue
        if child.tag != "field":
            for key, value in _view_spec(model, child).items():
                spec.setdefault(key, value)
            continue
        fname = child.get("name")
        fld = model._fields.get(fname)
        if fld is None:
            continue
        sub = {}
        if fld.relational:
            comodel = model.env[fld.comodel_name]
            subviews = [
                v for v in child.iterchildren() if isinstance(v.tag, str) and v.tag in ("list", "kanban", "form")
            ]
            if subviews and fld.type in ("one2many", "many2many"):
                sub = {"fields": _view_spec(comodel, subviews[0]), "limit": 40}
            else:
                sub = {"fields": {"display_name": {}}}
        spec[fname] = sub
    return spec


def _partner_specs(bench, core_only):
    """(form spec, list spec) of the partner views, combined with every installed view or the core ones only."""
    from lxml import etree

    env = bench.user_env()
    views = env["ir.ui.view"].sudo()
    bench.cr.execute("SAVEPOINT crm_bench_views")
    try:
        if core_only:
            suite_views = views.browse(
                env["ir.model.data"]
                .sudo()
                .search(
                    [
                        ("module", "in", ["crm_extended", "crm_competitors", "crm_marketing_lists"]),
                        ("model", "=", "ir.ui.view"),
                    ]
                )
                .mapped("res_id")
            ).exists()
            suite_views.filtered(lambda v: v.model == "res.partner").write({"active": False})
        result = env["res.partner"].get_views([(False, "form"), (False, "list")])
        specs = tuple(
            _view_spec(env["res.partner"], etree.fromstring(result["views"][view_type]["arch"]))
            for view_type in ("form", "list")
        )
    finally:
        bench.cr.execute("ROLLBACK TO SAVEPOINT crm_bench_views")
        bench.cr.execute("RELEASE SAVEPOINT crm_bench_views")
        bench.env.clear()
        bench.env.registry.clear_cache("templates")
    return specs


def scenario_8_web_read(bench):
    """8. web_read / web_search_read of the partner form and list: with our addons vs core views only."""
    ours_form, ours_list = _partner_specs(bench, core_only=False)
    core_form, core_list = _partner_specs(bench, core_only=True)
    account_id = _bench_partner_ids(
        bench, SQL("id IN (SELECT parent_id FROM res_partner WHERE parent_id IS NOT NULL)")
    )[0]
    domain = [("is_company", "=", True)]
    # the context every call of the web client carries (user's language and time zone, active company)
    user = bench.user_env().user
    web_env = user.env(
        context={"lang": user.lang, "tz": user.tz or "UTC", "uid": user.id, "allowed_company_ids": user.company_id.ids}
    )

    def form(spec):
        return lambda _state: web_env["res.partner"].browse(account_id).web_read(spec)

    def listing(spec):
        return lambda _state: web_env["res.partner"].web_search_read(domain, spec, limit=80)

    repeat = max(bench.repeat, 5) if bench.repeat > 1 else 1
    extra_form = sorted(set(ours_form) - set(core_form))
    extra_list = sorted(set(ours_list) - set(core_list))
    ours_form_measure = bench.measure(form(ours_form), repeat=repeat, label="8a")
    core_form_measure = bench.measure(form(core_form), repeat=repeat)
    # what each field our addons add to the form costs: the core form plus that field alone
    # (fastest runs compared: the machine is shared, the minimum is the least noisy estimate)
    costs = []
    for fname in extra_form:
        alone = bench.measure(form({**core_form, fname: ours_form[fname]}), repeat=min(bench.repeat, 5))
        costs.append((alone.best - core_form_measure.best, alone.queries - core_form_measure.queries, fname))
    costs.sort(reverse=True)
    top = "; ".join(f"{fname} +{cost * 1000:.1f} ms / +{queries} q" for cost, queries, fname in costs[:4])
    return [
        Row(
            "8a",
            "Partner form web_read: with our addons ÷ core views only",
            1,
            ours_form_measure,
            core_form_measure,
            1.3,
            f"{len(ours_form)} vs {len(core_form)} fields; costliest of ours: {top}; ours add: {', '.join(extra_form)}",
        ),
        Row(
            "8b",
            "Partner list web_search_read (80 rows): with our addons ÷ core views only",
            80,
            bench.measure(listing(ours_list), repeat=repeat, label="8b"),
            bench.measure(listing(core_list), repeat=repeat),
            1.3,
            f"{len(ours_list)} vs {len(core_list)} fields; ours add: {', '.join(extra_list) or 'none'}",
        ),
    ]


SCENARIOS = [
    ("1", "Dynamic list refresh", scenario_1_dynamic_refresh),
    ("2", "Static list: add by filter", scenario_2_static_add),
    ("3", "Effective members", scenario_3_effective_members),
    ("4", "Spreadsheet import", scenario_4_import),
    ("5", "Export of list members (.xlsx)", scenario_5_export),
    ("6", "Competitor figures", scenario_6_competitors),
    ("7", "Nightly crons", scenario_7_crons),
    ("8", "Partner form and list reads", scenario_8_web_read),
]
RUN_ORDER = ["1", "2", "3", "6", "8", "5", "7", "4"]


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------


def _fmt_seconds(measure):
    if not measure:
        return "–"
    if measure.seconds < 1:
        return f"{measure.seconds * 1000:.1f} ms"
    return f"{measure.seconds:.2f} s"


def _fmt_target(row):
    if row.target is None:
        return "–"
    ratio = row.ratio
    verdict = "" if ratio is None else (" ✅" if ratio <= row.target else " ❌")
    return f"≤ {row.target:g}{verdict}"


TABLE_HEADER = [
    "| # | Scenario | N | ours | reference | ratio | target | SQL queries (ours / ref) "
    "| peak RSS growth MB (ours / ref) | runs | notes |",
    "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|",
]


def render_row(row):
    if row.status != "ok":
        return f"| {row.key} | {row.title} | {row.n:,} | {row.status} | | | | | | | {row.note} |"
    ratio = row.ratio
    return (
        "| {key} | {title} | {n:,} | {ours} | {ref} | {ratio} | {target} | {q1} / {q2} | {m1:.1f} / {m2:.1f} "
        "| {r1} / {r2} | {note} |".format(
            key=row.key,
            title=row.title,
            n=row.n,
            ours=_fmt_seconds(row.ours),
            ref=_fmt_seconds(row.ref),
            ratio="–" if ratio is None else f"{ratio:.2f}",
            target=_fmt_target(row),
            q1=row.ours.queries,
            q2=row.ref.queries,
            m1=row.ours.memory_mb,
            m2=row.ref.memory_mb,
            r1=row.ours.runs,
            r2=row.ref.runs,
            note=row.note.replace("|", "/"),
        )
    )


def render_table(rows):
    return "\n".join([*TABLE_HEADER, *(render_row(row) for row in sorted(rows, key=lambda row: row.key))])


def machine_description(cr):
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cr.execute("SHOW server_version")
    pg_version = cr.fetchone()[0]
    try:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        load = "unknown"
    return [
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu}, {psutil.cpu_count(logical=True)} logical cores (load average at the end: {load})",
        f"- RAM: {psutil.virtual_memory().total / 1024**3:.1f} GiB",
        f"- PostgreSQL {pg_version}; Python {platform.python_version()}; Odoo {odoo.release.version}",
        f"- OS: {platform.platform()}",
    ]


def _scenario_number(key):
    return int(re.match(r"\d+", key).group())


def _sort_key(key):
    return (_scenario_number(key), key)


def _block_markers(scale):
    return f"<!-- SCALE={scale}: generated by bench/run.py -->", f"<!-- end SCALE={scale} -->"


def _old_block(text, scale):
    """The table rows and scenario lines of the block of ``scale`` in ``text``, keyed by row key / scenario."""
    start, end = _block_markers(scale)
    if start not in text or end not in text:
        return {}, {}
    block = text.split(start, 1)[1].split(end, 1)[0]
    rows, runs = {}, {}
    for line in block.splitlines():
        if line.startswith("Bench data generated"):
            runs["data"] = line
        elif match := re.match(r"\| (\d+[a-z]?) \|", line):
            rows[match.group(1)] = line
        elif match := re.match(r"- scenario (\d+): ", line):
            runs[match.group(1)] = line
    return rows, runs


def write_results(path, scale, args, rows, runs, machine, generation_note):
    """Write the block of ``scale`` in ``path``; the blocks of other scales and the text after them are kept.

    The rows of the scenarios this run measured replace theirs; the rows of the others (a run
    with ``--only``) are kept, each scenario with the date and load of the run that measured it.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    generated, kept = text.split(GENERATED_END, 1) if GENERATED_END in text else ("", "")
    old_rows, old_runs = _old_block(generated, scale)
    # the description of the data stays that of the run that generated it
    old_data_note = old_runs.pop("data", None)
    data_note = generation_note if "generated" in generation_note else old_data_note or generation_note
    measured = {_scenario_number(row.key) for row in rows} | {int(number) for number in runs}
    table = {key: line for key, line in old_rows.items() if _scenario_number(key) not in measured}
    table.update((row.key, render_row(row)) for row in rows)
    scenario_lines = {number: line for number, line in old_runs.items() if int(number) not in measured}
    scenario_lines.update(runs)
    start, end = _block_markers(scale)
    block = [
        start,
        f"## SCALE={scale}: {SCALES[scale]:,} accounts and as many opportunities",
        "",
        f"Database `{args.db}`; each path run up to {args.repeat} times, median shown. Machine at the last run:",
        "",
        *machine,
        "",
        *TABLE_HEADER,
        *(table[key] for key in sorted(table, key=_sort_key)),
        "",
        data_note,
        "",
        "When each scenario was measured (UTC, load average, duration of the scenario):",
        "",
        *(scenario_lines[number] for number in sorted(scenario_lines, key=int)),
        end,
    ]
    blocks = {}
    for other in SCALES:
        other_start, other_end = _block_markers(other)
        if other == scale:
            blocks[other] = "\n".join(block)
        elif other_start in generated and other_end in generated:
            blocks[other] = other_start + generated.split(other_start, 1)[1].split(other_end, 1)[0] + other_end
    header = [
        "# Benchmark results",
        "",
        "Written by `make bench SCALE=small|medium|large` (bench/run.py): one section per scale.",
        "",
        "Ratio = ours ÷ reference (lower is better); the target is the issue's ratio expressed the same way "
        '("20× faster" is ≤ 0.05, "2× the rows per second" is ≤ 0.5). SQL queries: `cr.sql_log_count` during '
        "the median run. Memory: peak growth of the process RSS (psutil, sampled every 10 ms) during the run, "
        "largest of the runs. Every run is rolled back (savepoint), so runs are repeatable.",
        "",
    ]
    body = "\n\n".join(blocks[other] for other in SCALES if other in blocks)
    path.write_text("\n".join(header) + "\n" + body + "\n\n" + GENERATED_END + kept, encoding="utf-8")


def scenario_run_line(number, seconds):
    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except OSError:
        load = "unknown"
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"- scenario {number}: {now:%Y-%m-%d %H:%M}, load {load}, {seconds:.0f} s"


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file (var/odoo.conf)")
    parser.add_argument("--db", required=True, help="bench database, with the three addons installed")
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path; the median is reported")
    parser.add_argument("--slow", type=float, default=30.0, help="a run longer than this many seconds is not repeated")
    parser.add_argument("--only", default="", help="comma-separated scenario numbers, e.g. 1,3")
    parser.add_argument("--import-rows", type=int, default=0, help="rows of the import file (default: the scale's N)")
    parser.add_argument("--profile", default="", help="comma-separated run labels to profile (cProfile), e.g. 1,4-bare")
    parser.add_argument("--out", default="", help="write the table and the machine description to this file")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when a scenario raises")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db, "--no-http", "--log-level=warn"])
    registry = Registry(args.db)
    started = time.perf_counter()
    done = generate_data(registry, args.scale)
    generation = (
        f"data generated in {time.perf_counter() - started:.0f} s: {', '.join(done)}" if done else "data reused"
    )
    out(f"[bench] {args.scale}: {generation}")
    only = {item.strip() for item in args.only.split(",") if item.strip()}
    import_rows = args.import_rows or IMPORT_ROWS[args.scale]
    cr = registry.cursor()
    failures = []
    runs = {}
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        bench = Bench(
            env,
            args.scale,
            SCALES[args.scale],
            args.repeat,
            args.slow,
            profile={item.strip() for item in args.profile.split(",") if item.strip()},
        )
        machine = machine_description(cr)
        # the long scenarios (crons, import) last: an interrupted run still has the others
        for number, title, function in sorted(SCENARIOS, key=lambda item: RUN_ORDER.index(item[0])):
            if only and number not in only:
                continue
            out(f"[bench] scenario {number}: {title}...")
            scenario_start = time.perf_counter()
            try:
                rows = function(bench, import_rows) if number == "4" else function(bench)
            except NotAvailable as error:
                rows = [Row(number, title, 0, status="not available", note=str(error))]
            except Exception as error:  # a broken scenario is reported, the others still run
                failures.append(number)
                out(traceback.format_exc())
                cr.rollback()
                env.clear()
                rows = [Row(number, title, 0, status="error", note=f"{type(error).__name__}: {error}"[:300])]
            bench.rows.extend(rows)
            elapsed = time.perf_counter() - scenario_start
            runs[number] = scenario_run_line(number, elapsed)
            out(f"[bench] scenario {number} done in {elapsed:.1f} s")
            if args.out:  # after each scenario, so that an interrupted run leaves its figures
                write_results(args.out, args.scale, args, bench.rows, runs, machine, f"Bench {generation}.")
        table = render_table(bench.rows)
        out("\n" + table + "\n")
        if args.out:
            machine = machine_description(cr)
            write_results(args.out, args.scale, args, bench.rows, runs, machine, f"Bench {generation}.")
            out(f"[bench] written to {args.out}")
    finally:
        cr.rollback()
        cr.close()
    if failures and args.strict:
        out(f"[bench] scenarios that raised: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
