#!/usr/bin/env python3
"""Describe synthetic postmortem archives, side by side.

    corpus-stats.py DIR [DIR...]

For each DIR (an archive: every *.md under it, e.g. the output of
gen-archive) prints one column of a Markdown table: the
number of reports, file-size percentiles, severity shares, how many
services and tags a report names, timeline rows, code blocks, 12-hour
timelines, incident durations and the set of front-matter keys. Two archives
with close columns exercise a static-site generator in the same way, which
is what the benchmark needs from its generated input.

Python 3 standard library only; reads the files with a simple line parser
that understands the flat front matter these generators write, not YAML at
large.
"""

import os
import re
import sys
from datetime import datetime

PERCENTILES = [("min", 0.0), ("p10", 0.10), ("p25", 0.25), ("p50", 0.50),
               ("mean", None), ("p75", 0.75), ("p90", 0.90), ("max", 1.0)]
SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
KEY_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):")
AMPM_RE = re.compile(r"\b\d{1,2}:\d{2} ?[AaPp][Mm]\b")


def percentile(sorted_xs, p):
    """Nearest-rank percentile on a sorted list (p in 0..1)."""
    if not sorted_xs:
        return 0
    return sorted_xs[round(p * (len(sorted_xs) - 1))]


def flow_count(value):
    """Number of items in a YAML flow list such as `[a, b]`; 1 for a scalar."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        return 0 if not inner else len(inner.split(","))
    return 1 if value else 0


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")
    lines = text.split("\n")
    fm = {}
    keys = []
    body_start = 0
    if lines and lines[0] == "---":
        for i in range(1, len(lines)):
            if lines[i] == "---":
                body_start = i + 1
                break
            m = KEY_RE.match(lines[i])
            if m:
                keys.append(m.group(1))
                fm[m.group(1)] = lines[i][m.end():].strip()
    body = lines[body_start:]

    rows = 0
    twelve = False
    in_timeline = False
    first_row = True
    fences = 0
    for line in body:
        if line.startswith("```"):
            fences += 1
        if line.startswith("## "):
            in_timeline = line.strip() == "## Timeline"
            continue
        if in_timeline and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and (cells[0].startswith("Time") or set(cells[0]) <= set("-: ")):
                continue
            rows += 1
            if first_row:
                twelve = bool(AMPM_RE.search(cells[0]))
                first_row = False

    duration = None
    try:
        start = datetime.fromisoformat(fm["date"])
        end = datetime.fromisoformat(fm["resolved"])
        duration = int((end - start).total_seconds() // 60)
    except (KeyError, ValueError):
        pass

    return {
        "size": len(data),
        "keys": tuple(keys),
        "severity": fm.get("severity", "?"),
        "services": flow_count(fm.get("services", "")),
        "tags": flow_count(fm.get("tags", "")),
        "authors": flow_count(fm.get("authors", "")),
        "rows": rows,
        "code": fences >= 2,
        "twelve": twelve,
        "duration": duration,
    }


def describe(root):
    reports = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith("_"):
                reports.append(parse(os.path.join(dirpath, name)))
    n = len(reports)
    out = {"reports": str(n)}
    if n == 0:
        return out
    sizes = sorted(r["size"] for r in reports)
    for label, p in PERCENTILES:
        if p is None:
            out[f"size {label}"] = str(round(sum(sizes) / n))
        else:
            out[f"size {label}"] = str(percentile(sizes, p))

    def share(pred):
        return f"{100.0 * sum(1 for r in reports if pred(r)) / n:.1f}%"

    for sev in SEVERITIES:
        out[f"severity {sev}"] = share(lambda r, s=sev: r["severity"] == s)
    for field, values in (("services", [1, 2, 3]), ("tags", [0, 1, 2, 3]), ("authors", [1, 2, 3])):
        for v in values:
            out[f"{field} = {v}"] = share(lambda r, f=field, v=v: r[f] == v)
        out[f"{field} other"] = share(lambda r, f=field, vs=values: r[f] not in vs)
    out["timeline rows mean"] = f"{sum(r['rows'] for r in reports) / n:.2f}"
    out["timeline rows min/max"] = f"{min(r['rows'] for r in reports)}/{max(r['rows'] for r in reports)}"
    out["with code block"] = share(lambda r: r["code"])
    out["12-hour timeline"] = share(lambda r: r["twelve"])
    durations = sorted(r["duration"] for r in reports if r["duration"] is not None)
    if durations:
        out["duration min p50 p90 max"] = (
            f"{durations[0]} {percentile(durations, 0.5)} "
            f"{percentile(durations, 0.9)} {durations[-1]}"
        )
    key_sets = {}
    for r in reports:
        key_sets[r["keys"]] = key_sets.get(r["keys"], 0) + 1
    common = max(key_sets, key=key_sets.get)
    out["front-matter keys"] = " ".join(common) + (
        "" if len(key_sets) == 1 else f" (+{len(key_sets) - 1} other sets)")
    return out


def main(argv):
    if len(argv) < 2 or any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    columns = []
    for d in argv[1:]:
        if not os.path.isdir(d):
            print(f"error: {d} is not a folder", file=sys.stderr)
            return 2
        columns.append((d, describe(d)))
    names = []
    for _, stats in columns:
        for k in stats:
            if k not in names:
                names.append(k)
    print("| | " + " | ".join(d for d, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for k in names:
        print(f"| {k} | " + " | ".join(s.get(k, "") for _, s in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
