#!/usr/bin/env python3
"""How long the preview takes to show a saved edit.

    bench/preview.py ARCHIVE [--edits 12] [--pause 4] [--binary PATH]

Copies ARCHIVE (a site folder, e.g. target/bench/archive-10000 as bench/run
generates it) to a temporary folder, starts `hindsight serve` on it, waits
for the first build, then saves an edit to one report --edits times,
--pause seconds apart (so the background catch-up runs in between, as when
someone writes), and measures, for each save, the time until the served
page holds the new text. It prints those times and the rebuild times the
server reported.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("--edits", type=int, default=12)
    ap.add_argument("--pause", type=float, default=4.0)
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "hindsight"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hindsight-preview-")
    site = os.path.join(work, "site")
    shutil.copytree(args.archive, site)
    reports = sorted(
        os.path.join(d, f)
        for d, _, files in os.walk(os.path.join(site, "content"))
        for f in files
        if f.endswith(".md")
    )
    report = reports[len(reports) // 2]
    slug = os.path.basename(report)[:-3]
    server = subprocess.Popen(
        [args.binary, "serve", "--root", site, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        port = None
        for line in server.stdout:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = m.group(1)
                break
        if port is None:
            sys.exit("error: the server did not start")
        lines = []

        def read_lines():
            for line in server.stdout:
                lines.append(line)

        threading.Thread(target=read_lines, daemon=True).start()

        def get(path):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
                return r.read().decode()

        page = f"/postmortems/{slug}/"
        times = []
        for k in range(args.edits):
            marker = f"Edited{k}x{int(time.time() * 1000)}"
            text = open(report).read()
            text = re.sub(r"^(## )", f"{marker} is a new sentence.\n\n\\1", text, count=1, flags=re.M)
            started = time.perf_counter()
            with open(report, "w") as f:
                f.write(text)
            while marker not in get(page):
                time.sleep(0.002)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(args.pause)
        quick = [int(m) for m in re.findall(r"showing .* in (\d+) ms", "".join(lines))]
        print(f"{len(reports)} reports; edited {os.path.relpath(report, site)} {args.edits} times, {args.pause} s apart")
        print("save -> page served with the edit (ms):", " ".join(f"{t:.0f}" for t in times))
        print(f"  median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
        if quick:
            print("quick rebuilds the server reported (ms):", " ".join(map(str, quick)))
            print(f"  median {statistics.median(quick):.0f} ms, max {max(quick)} ms")
        print(f"full builds in between (catch-ups): {json.loads(get('/__hindsight/status'))['build'] - 1 - len(quick)}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
