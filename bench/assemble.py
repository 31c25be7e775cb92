"""Assembles docs/performance.md after `make bench` has run every bench/bench_*.py.

For each benchmark: the section it wrote (`build/bench/<name>.md`), or, for one
that only prints, its captured output (`build/bench/<name>.out`) with its exit
status. Then a summary of the targets, the machine and the date, and the
capacity and cost estimate: the hand-written bench/capacity.md followed by
tables computed here from the measured figures.

Run by `make bench`; alone: `.venv/bin/python bench/assemble.py`.
"""

from __future__ import annotations

import ast
import math
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import OUT, ROOT, read_figures, table, verdict

DOC = ROOT / "docs" / "performance.md"
ORDER = ("bench_package", "bench_round_trips", "bench_scale", "bench_alerts", "bench_timing_gap")

ASSUMPTIONS = {
    "crimes_per_year": 6_700_000,
    "contacts_per_case": 1.5,
    "registered_share": 0.5,
    "updates_per_case": 4,
    "sign_ins_per_alert": 1.0,
    "case_reads_per_sign_in": 1.5,
    "sign_outs_per_sign_in": 0.5,
    "officer_reads_per_case": 2,
    "resets_per_registered_contact": 0.1,
    "working_days": 250,
    "busiest_hour_share_of_day": 0.15,
    "cold_start_share": 0.01,
    "years_kept": 2,
    "api_memory_gb": 1769 / 1024,
    "authorizer_memory_gb": 1024 / 1024,
    "email_memory_gb": 512 / 1024,
    "ses_call_s": 0.08,  # an SES SendRawEmail from Lambda (not measurable here; moto answers at once)
}

# name: (price in USD, as written, unit, where from), as known on 2026-11-27 without web access: to be checked.
PRICES = {
    "lambda_request": (0.20 / 1e6, "$0.20 a million", "Lambda requests", "eu-west-2 (same as us-east-1)"),
    "lambda_gb_s": (0.0000166667, "$0.0000166667", "Lambda GB-second, x86", "eu-west-2 (same as us-east-1)"),
    "api_request": (3.50 / 1e6, "$3.50 a million", "API Gateway REST requests (first 333 million a month)",
                    "us-east-1 price; London may be a little higher"),
    "dynamodb_wru": (0.7068 / 1e6, "$0.7068 a million", "DynamoDB write request units, on demand",
                     "eu-west-2, after the November 2024 halving of on-demand prices"),
    "dynamodb_rru": (0.1415 / 1e6, "$0.1415 a million", "DynamoDB read request units, on demand",
                     "eu-west-2, as above"),
    "dynamodb_gb_month": (0.29, "$0.29", "DynamoDB GB-month stored (Standard table class)",
                          "eu-west-2, approximate"),
    "dynamodb_pitr_gb_month": (0.232, "$0.232", "DynamoDB GB-month of point-in-time recovery",
                               "eu-west-2, approximate"),
    "ses_email": (0.10 / 1000, "$0.10 a thousand", "SES emails sent", "all regions"),
}

STORAGE_OVERHEAD = 100  # bytes DynamoDB adds to each item for storage and indexing


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown memory"
    try:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return (f"{os.cpu_count()} CPUs ({cpu}), {memory}, Python {platform.python_version()} "
            f"({platform.system()} {platform.release()}); load average at the end {load}")


def commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def _status(name: str) -> tuple[int | None, int | None]:
    path = OUT / f"{name}.status"
    if not path.exists():
        return None, None
    code, seconds = ([*path.read_text().split(), "0"])[:2]
    return int(code), int(seconds)


def _printed_section(name: str) -> str:
    """A benchmark that only prints: its description and its output, as run."""
    script = ROOT / "bench" / f"{name}.py"
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n")]
    title, _, first = paragraphs[0].partition(": ")
    description = " ".join([first[:1].upper() + first[1:], *paragraphs[1:2]]).strip()
    output = (OUT / f"{name}.out").read_text(encoding="utf-8") if (OUT / f"{name}.out").exists() else ""
    # Powertools prints its metrics as JSON lines (EMF) when the process ends: not figures.
    lines = [line for line in output.splitlines() if not line.startswith('{"_aws"')]
    code, _ = _status(name)
    outcome = {None: "not run", 0: "exit status 0: its targets met"}.get(code, f"exit status {code}: a target "
                                                                            "missed (or the run failed)")
    return "\n\n".join([f"## {title.rstrip('.')}", f"`bench/{name}.py` ({outcome}). {description}",
                        "```\n" + "\n".join(lines).strip() + "\n```"])


def summary() -> str:
    rows = []
    package = read_figures("bench_package")
    if package.get("package", {}).get("compiled"):
        for mode, size in package["package"].items():
            zipped, unzipped = size["zipped"] / 1024 / 1024, size["unzipped"] / 1024 / 1024
            rows.append([f"each function's zip ({mode}), zipped / unzipped", f"{zipped:.1f} / {unzipped:.1f} MiB",
                         "<= 50 / 250 MiB", verdict(zipped <= 50 and unzipped <= 250)])
        cold = package["cold_start"]
        rows.append(["cold start as `chalice deploy` ships it (compiled) / as packaged before",
                     f"{cold['ratio']:.2f}", "<= 0.5", verdict(cold["ratio"] <= 0.5)])
        rows.append(["compiled: app import / compiled floor", f"{cold['import_ratio']:.2f}", "<= 1.1",
                     verdict(cold["import_ratio"] <= 1.1)])
    trips = read_figures("bench_round_trips")
    for name, c in trips.get("calls", {}).items():
        rows.append([f"DynamoDB calls: {name}", str(c["total"]), f"minimum {c['minimum']}",
                     verdict(c["total"] <= c["minimum"])])
    scale = read_figures("bench_scale")
    for op, s in scale.get("scale", {}).items():
        rows.append([f"{op}: time with 100,000 cases / 1,000", f"{s['ratio']:.2f}", "<= 1.1",
                     verdict(s["ratio"] <= 1.1)])
        rows.append([f"{op}: items read per operation", "; ".join(s["items_read"]), "constant",
                     verdict(len(s["items_read"]) == 1)])
    growth = scale.get("growth")
    if growth:
        rows.append(["case read: 1,000 updates / one page (20), outside moto", f"{growth['outside_moto_ratio']:.2f}",
                     "<= 1.2", verdict(growth["outside_moto_ratio"] <= 1.2)])
        rows.append(["case read: 1,000 updates / one page (20), items read", f"{growth['items_ratio']:.2f}",
                     "<= 1.2", verdict(growth["items_ratio"] <= 1.2)])
        rows.append(["case read: largest answer", f"{growth['largest_bytes'] / 1024:.1f} KiB", "<= 1 MiB",
                     verdict(growth["largest_bytes"] <= 1024 * 1024)])
    if scale.get("sign_in_cost"):
        cost = scale["sign_in_cost"]
        rows.append(["sign-in outside moto / one argon2id verify", f"{cost['outside_moto_ratio']:.2f}", "<= 1.5",
                     verdict(cost["outside_moto_ratio"] <= 1.5)])
        rows.append(["sign-in all-in / one argon2id verify (mostly moto; see Sign-in cost)", f"{cost['ratio']:.2f}",
                     "none", "-"])
    for name, what in (("bench_alerts", "alert throughput, duplicates, losses"),
                       ("bench_timing_gap", "sign-in timing gap")):
        code, _ = _status(name)
        if code is not None:
            rows.append([what, f"see `{name}.py` below", "its own", verdict(code == 0)])
    return table(["figure", "measured", "target", ""], rows) if rows else "(no figures: run `make bench`)"


def _ceil_units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


def capacity() -> str:
    a = ASSUMPTIONS
    trips, scale, package = read_figures("bench_round_trips"), read_figures("bench_scale"), \
        read_figures("bench_package")
    size = trips.get("item_bytes", {})
    durations = trips.get("durations_s", {})
    k, u, r = a["contacts_per_case"], a["updates_per_case"], a["registered_share"]

    def wru(kind: str, transactional: bool = False) -> float:
        return _ceil_units(size.get(kind, 1024), 1024) * (2 if transactional else 1)

    def rru(nbytes: float) -> float:
        return 0.5 * _ceil_units(int(nbytes), 4096)

    case_partition = size.get("case", 300) + k * size.get("contact", 500) + u * (
        size.get("update", 350) + size.get("update_ref", 130))
    contacts_part = size.get("case", 300) + k * size.get("contact", 500)
    counters = 4 * rru(size.get("throttle", 150))  # BatchGetItem of four counters
    sign_in_s = scale.get("scale", {}).get("sign-in", {}).get("small_s", durations.get("sign-in", 0.1))
    read_s = scale.get("scale", {}).get("case read", {}).get("small_s", durations.get("case read", 0.03))
    update_s = durations.get("post update", 0.03)
    email_s = durations.get("one alert", 0.07) + a["ses_call_s"]

    crimes = a["crimes_per_year"]
    contacts = crimes * k
    registered = contacts * r
    updates = crimes * u
    alerts = updates * k * r
    sign_ins = alerts * a["sign_ins_per_alert"]
    resets = registered * a["resets_per_registered_contact"]
    emails = contacts + alerts + resets

    # operation: (per year, read units, write units, API handler seconds, officer route?)
    ops: dict[str, tuple[float, float, float, float, bool]] = {
        "create case": (crimes, 0, wru("case", True) + k * (wru("contact", True) + wru("invitation", True))
                        + wru("audit", True), update_s, True),
        "post update": (updates, 0, wru("update", True) * 2 + wru("update_ref", True) + wru("audit", True),
                        update_s, True),
        "officer case read": (crimes * a["officer_reads_per_case"], rru(case_partition), wru("audit"), read_s,
                              True),
        "register": (registered, 0.5 + rru(contacts_part), 2 * wru("contact", True) + wru("audit", True),
                     durations.get("register", sign_in_s), False),
        "sign-in": (sign_ins, counters + rru(contacts_part),
                    wru("throttle") + wru("throttle", True) + wru("session", True), sign_in_s,
                    False),
        "case read": (sign_ins * a["case_reads_per_sign_in"], rru(case_partition), wru("session") + wru("audit"),
                      read_s, False),
        "sign-out": (sign_ins * a["sign_outs_per_sign_in"], 0, 2 * wru("session") + wru("contact"), read_s, False),
        "password reset (request + complete)": (resets, counters + rru(contacts_part),
                                                2 * wru("throttle") + wru("invitation")
                                                + 2 * wru("contact", True) + wru("audit", True),
                                                sign_in_s, False),
    }
    email_units = (rru(contacts_part), wru("alert") * 2 + wru("audit"))
    requests = sum(n * (2 if name.startswith("password") else 1) for name, (n, *_rest) in ops.items())
    officer_requests = sum(n for n, *_rest, officer in ops.values() if officer)

    rows, totals = [], {"rru": 0.0, "wru": 0.0, "gb_s": 0.0}
    for name, (n, reads, writes, seconds, _officer) in ops.items():
        totals["rru"] += n * reads
        totals["wru"] += n * writes
        totals["gb_s"] += n * seconds * a["api_memory_gb"]
        rows.append([name, f"{n / 1e6:.1f} M", f"{reads:g}", f"{writes:g}", f"{seconds * 1000:.0f} ms"])
    totals["rru"] += emails * email_units[0]
    totals["wru"] += emails * email_units[1]
    rows.append(["email (invitation, alert, reset)", f"{emails / 1e6:.1f} M", f"{email_units[0]:g}",
                 f"{email_units[1]:g}", f"{email_s * 1000:.0f} ms (+ SES)"])

    cold_s = package.get("cold_start", {}).get("compiled", {}).get("total", 0.65)
    api_gb_s = totals["gb_s"] + requests * a["cold_start_share"] * cold_s * a["api_memory_gb"]
    authorizer_gb_s = officer_requests * 0.01 * a["authorizer_memory_gb"]
    email_gb_s = emails * email_s * a["email_memory_gb"] + 525_600 * 0.1 * a["email_memory_gb"]
    lambda_requests = requests + officer_requests + emails / 10 + 525_600  # stream batches of ~10; the timer
    audit_items_per_case = 1 + k * r + u + (alerts + sign_ins * a["case_reads_per_sign_in"]) / crimes + \
        a["officer_reads_per_case"] + k
    bytes_per_case = (case_partition + (1 + k + 2 * u) * STORAGE_OVERHEAD
                      + audit_items_per_case * (size.get("audit", 250) + STORAGE_OVERHEAD))
    stored_gb = crimes * a["years_kept"] * bytes_per_case / 1e9

    p = {name: price for name, (price, *_rest) in PRICES.items()}
    costs = [
        ["Lambda: requests", f"{lambda_requests / 1e6:.0f} M", lambda_requests * p["lambda_request"]],
        ["Lambda: compute (API, authorizer, email handlers)",
         f"{(api_gb_s + authorizer_gb_s + email_gb_s) / 1e6:.2f} M GB-s",
         (api_gb_s + authorizer_gb_s + email_gb_s) * p["lambda_gb_s"]],
        ["API Gateway (REST)", f"{requests / 1e6:.0f} M requests", requests * p["api_request"]],
        ["DynamoDB: writes", f"{totals['wru'] / 1e6:.0f} M WRU", totals["wru"] * p["dynamodb_wru"]],
        ["DynamoDB: reads", f"{totals['rru'] / 1e6:.0f} M RRU", totals["rru"] * p["dynamodb_rru"]],
        ["DynamoDB: storage and point-in-time recovery", f"{stored_gb:.0f} GB",
         stored_gb * 12 * (p["dynamodb_gb_month"] + p["dynamodb_pitr_gb_month"])],
        ["SES", f"{emails / 1e6:.1f} M emails", emails * p["ses_email"]],
    ]
    total = sum(c[2] for c in costs)

    per_day = emails * 0.9 / a["working_days"]
    busiest_second = per_day * a["busiest_hour_share_of_day"] / 3600
    api_busy = (requests / 365) * 0.12 / 3600  # a tenth or so of a day's requests in the busiest evening hour
    concurrency = api_busy * max(sign_in_s, read_s)
    return "\n\n".join([
        (ROOT / "bench" / "capacity.md").read_text(encoding="utf-8").strip(),
        "### A year's operations (computed)",
        table(["operation", "per year", "read units each", "write units each", "Lambda time each (measured)"],
              rows),
        f"Per case: {k:g} contacts, {u} updates; {alerts / 1e6:.1f} M alerts, {sign_ins / 1e6:.1f} M sign-ins, "
        f"{requests / 1e6:.0f} M API requests ({officer_requests / 1e6:.0f} M of them officers'), "
        f"{emails / 1e6:.1f} M emails. Stored: about {bytes_per_case / 1000:.1f} kB a case with its audit "
        f"records, {stored_gb:.0f} GB for {a['years_kept']} years of cases.",
        "### Yearly cost by service (computed; list prices to be checked)",
        table(["service", "quantity", "per year (USD)"],
              [[name, qty, f"{cost:,.0f}"] for name, qty, cost in costs] + [["**total**", "", f"**{total:,.0f}**"]]),
        table(["price used", "unit", "where from"],
              [[written, unit, note] for _price, written, unit, note in PRICES.values()]),
        f"That is about {total / crimes * 100:.2f} US cents a crime. The Lambda times are the ones measured "
        "here, with DynamoDB in process; if every one were three times longer in AWS, Lambda compute would "
        f"cost {costs[1][2] * 3:,.0f} a year instead of {costs[1][2]:,.0f}: the total hardly moves. SES is "
        f"{costs[-1][2] / total:.0%} of it.",
        "### Where the first limit is hit",
        f"1. **SES sending quota: the first limit.** {emails / 1e6:.1f} M emails a year, nine in ten on working "
        f"days, is about {round(per_day, -3):,.0f} a working day and {busiest_second:.1f} a second in the "
        "busiest hour, "
        "and an RMS batch upload of 500 updates asks for hundreds at once. A new SES account leaving the "
        "sandbox starts at 50,000 emails a day and 14 a second (the `prod` stage's `SES_MAX_SEND_RATE`): "
        "the daily quota is exceeded first, then the rate during uploads. The sender paces each invocation "
        "to the configured rate and retries throttled sends, so nothing is lost, but alerts wait; and the "
        "pacing is per invocation, so several stream shards handled at once can together ask for more than "
        "the account's rate. Before going national: ask AWS for a quota of a few hundred thousand a day and "
        "about 50 a second, and set `SES_MAX_SEND_RATE` to the account's rate divided by the shards that "
        "may run at once. (A single force, the largest a sixth of the load, fits the starting quota.)",
        f"2. **API Gateway stage throttle.** `make deploy` sets 50 requests a second (burst 100). The "
        f"busiest evening hour is of the order of {api_busy:.0f} requests a second: within it, with room for "
        "a batch of RMS requests; it is the next limit to raise.",
        f"3. **Lambda concurrency** is far off: {api_busy:.0f} requests a second of "
        f"{max(sign_in_s, read_s) * 1000:.0f} ms is about {max(concurrency, 0.1):.1f} concurrent executions, "
        "plus one per active stream shard and the minute timer, against the default 1,000 a region "
        "(a new account may start far lower: check it).",
        "4. **Hot partitions** do not appear: every key is a case, a session, a counter or an email, and a "
        "DynamoDB partition takes 1,000 write units and 3,000 read units a second. The busiest single key "
        "is a case's partition during an upload of many updates to the same case (one row at a time, "
        "under 300 write units a second at the measured row time), or the per-address throttling counter "
        "of a shared address (a force's own network, a mobile carrier's NAT), which only failures write.",
    ])


def main() -> None:
    names = [n for n in ORDER if (OUT / f"{n}.status").exists() or (OUT / f"{n}.md").exists()]
    names += sorted(p.stem for p in OUT.glob("*.status") if p.stem not in names)
    sections = []
    durations = []
    for name in names:
        _code, seconds = _status(name)
        if seconds is not None:
            durations.append(f"{name} {seconds} s")
        md = OUT / f"{name}.md"
        sections.append(md.read_text(encoding="utf-8").strip() if md.exists() else _printed_section(name))
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    doc = "\n\n".join([
        "# Performance",
        "*Generated by `make bench` (bench/assemble.py): edit the benchmarks or bench/capacity.md, not "
        "this file.*",
        f"Measured on {now}, commit {commit()}, on {machine()}. This machine is shared and its load "
        "varies: each comparison is made within one run, alternately, and reported as a ratio.",
        "**Reproduce:** `make bench` (every `bench/bench_*.py`, then this document; about "
        f"{sum(int(d.split()[-2]) for d in durations) // 60 + 1} minutes here: {', '.join(durations) or 'n/a'}). "
        "Each benchmark also runs alone, e.g. `.venv/bin/python bench/bench_scale.py`.",
        "## Summary",
        summary(),
        *sections,
        capacity(),
    ])
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(doc.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
