#!/usr/bin/env python3
"""Benchmark of `vibe review --format json` against checkov on a scale corpus (not a timed test).

    bench_review.py [--vibe target/release/vibe] [--sizes 100,1000] [--checkov-sizes 10,100]

The scale corpus for size N is one folder holding
- N generated repos: `vibe init --yes --name "Bench <i>" --runtime python3.12 --db postgres --redis --nginx
  --ingress --metric orders_processed_total:counter:status --secret API_KEY --tag a1b2c3d` (distinct names,
  so distinct slugs and namespaces), and
- N copies of a messy hand-written repo: the example-voting-app manifests of the real corpus
  (../shared/corpus/real, or $VIBE_CORPUS) plus tests/fixtures/scale/messy (a Dockerfile, a workflow that
  pushes :latest and runs kubectl, a little Python source, an unpinned requirements.txt, a committed .env).

`vibe review <folder> --format json` reviews it as one repo (best of --runs runs, after one warm-up);
checkov reviews the same folders (`--skip-download -d <abs> --framework kubernetes dockerfile github_actions
-o json --quiet`, once). Peak RSS is the largest sum of the memory of the process and all its descendants,
sampled every 10 ms (less often when sampling gets slow), and never less than the kernel's own peak RSS of the largest single process (wait4); checkov runs
worker processes, vibe one. The sum is of PSS (smaps_rollup), so pages the forked workers share count once.

Documents are counted with PyYAML on one copy of each seed (YAML/JSON documents with content; files outside
.github/ with `{{` in a plain scalar or as a flow mapping are templates vibe does not parse) and multiplied by
N; files are all files.
Prints a markdown table and the ratios against the targets (>= 200x checkov's throughput, >= 20x less memory,
1,000 apps of ~13,000 documents under 1 s).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INIT_FLAGS = [
    "--yes", "--runtime", "python3.12", "--db", "postgres", "--redis", "--nginx", "--ingress",
    "--metric", "orders_processed_total:counter:status", "--secret", "API_KEY", "--tag", "a1b2c3d",
]
TARGET_THROUGHPUT = 200.0
TARGET_MEMORY = 20.0
TARGET_SECONDS = 1.0


def tree_rss_kb(pid: int) -> int:
    """Proportional set size (PSS) of pid and all its descendants, in KiB (0 when it has exited)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            # Pss: pages shared by forked workers are counted once, not once per process.
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str], stdout_path: str) -> dict:
    """Runs cmd; wall time, exit status, and peak RSS (MiB) of its process tree."""
    peak = [0]
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        done = threading.Event()

        def sample():
            # Every 10 ms, or less often when reading a big process's smaps_rollup is itself slow,
            # so that the sampling never takes more than ~5% of a core from the measured tool.
            while not done.is_set():
                t0 = time.perf_counter()
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                done.wait(max(0.01, 20 * (time.perf_counter() - t0)))

        t = threading.Thread(target=sample, daemon=True)
        t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        t.join()
        stderr = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "rc": proc.returncode,
        "stderr": stderr,
        "rss_mb": max(peak[0], usage.ru_maxrss) / 1024.0,
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def is_template(text: str) -> bool:
    """`{{` that shapes the YAML (a plain scalar, a flow mapping) rather than sitting in a quoted string."""
    tokens = list(yaml.scan(text))
    for a, b in zip(tokens, tokens[1:] + [None]):
        if isinstance(a, yaml.ScalarToken) and a.plain and "{{" in a.value:
            return True
        if isinstance(a, yaml.FlowMappingStartToken) and isinstance(b, yaml.FlowMappingStartToken):
            return True
    return False


def count(folder: Path) -> tuple[int, int]:
    """(files, YAML documents with content) under folder."""
    files = docs = 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for dirpath, _, names in os.walk(folder):
        for n in names:
            files += 1
            p = Path(dirpath, n)
            if not n.endswith((".yaml", ".yml", ".json")):
                continue
            text = p.read_text(encoding="utf-8", errors="replace")
            rel = p.relative_to(folder).as_posix()
            try:
                if "{{" in text and not rel.startswith(".github/") and is_template(text):
                    continue
                docs += sum(1 for d in yaml.load_all(text, Loader=loader) if d is not None)
            except yaml.YAMLError:
                pass
    return files, docs


def build_seeds(vibe: str, work: Path, corpus: Path, n_max: int) -> None:
    gen = work / "gen"
    messy = work / "messy"
    for d in (gen, messy):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)

    def init(i: int) -> None:
        dest = gen / f"bench-{i:04d}"
        p = subprocess.run([vibe, "init", "--name", f"Bench {i}", *INIT_FLAGS, "--dir", str(dest)], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"vibe init failed for Bench {i}:\n{p.stdout}{p.stderr}")

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        list(ex.map(init, range(1, n_max + 1)))
    print(f"generated {n_max} repos with vibe init in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    seed = work / "messy-seed"
    if seed.exists():
        shutil.rmtree(seed)
    shutil.copytree(ROOT / "tests/fixtures/scale/messy", seed, ignore=shutil.ignore_patterns("README.md"))
    manifests = corpus / "example-voting-app/k8s-specifications"
    if not manifests.is_dir():
        sys.exit(f"the real corpus is missing ({manifests}): set VIBE_CORPUS")
    shutil.copytree(manifests, seed / "k8s-specifications")
    for i in range(1, n_max + 1):
        shutil.copytree(seed, messy / f"messy-{i:04d}")


def scale_dir(work: Path, n: int) -> Path:
    """work/scale-N: hard links to the first N generated and N messy repos (vibe does not follow symlinks)."""
    d = work / f"scale-{n}"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir()
    for i in range(1, n + 1):
        for src in (work / "gen" / f"bench-{i:04d}", work / "messy" / f"messy-{i:04d}"):
            shutil.copytree(src, d / src.name, copy_function=os.link)
    return d


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vibe", default=str(ROOT / "target/release/vibe"))
    ap.add_argument("--checkov", default=str(Path(sys.executable).with_name("checkov")))
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--checkov-sizes", default="10,100")
    ap.add_argument("--target-docs", type=int, default=13000,
                    help="also review the smallest N with at least this many documents (0: no)")
    ap.add_argument("--runs", type=int, default=5, help="vibe runs per size (the best counts; all are printed)")
    ap.add_argument("--work", type=Path, default=ROOT / "target/bench")
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("VIBE_CORPUS", ROOT.parent / "shared/corpus/real")))
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    a = ap.parse_args()
    vibe = str(Path(a.vibe).resolve())
    sizes = [int(s) for s in a.sizes.split(",") if s]
    ck_sizes = [int(s) for s in a.checkov_sizes.split(",") if s]
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    build_seeds(vibe, work, a.corpus, max(sizes + ck_sizes))
    g_files, g_docs = count(work / "gen/bench-0001")
    m_files, m_docs = count(work / "messy/messy-0001")
    g2 = count(work / "gen" / f"bench-{max(sizes + ck_sizes):04d}")
    assert g2 == (g_files, g_docs), f"generated copies differ in size: {g2} vs {(g_files, g_docs)}"
    if a.target_docs:
        n_target = -(-a.target_docs // (g_docs + m_docs))
        if n_target <= max(sizes + ck_sizes):
            sizes.append(n_target)
    print(f"per copy: generated {g_files} files / {g_docs} documents; messy {m_files} files / {m_docs} documents", file=sys.stderr)

    rows = []
    for n in sorted(set(sizes + ck_sizes)):
        d = scale_dir(work, n)
        files, docs = n * (g_files + m_files), n * (g_docs + m_docs)
        if n in sizes:
            out = str(work / f"vibe-{n}.json")
            measure([vibe, "review", str(d), "--format", "json"], out)  # warm-up (page cache)
            runs = [measure([vibe, "review", str(d), "--format", "json"], out) for _ in range(a.runs)]
            for r in runs:
                if r["rc"] not in (0, 1) or "panicked" in r["stderr"]:
                    sys.exit(f"vibe review failed on N={n}: {r['rc']}\n{r['stderr'][-2000:]}")
            report = json.loads(Path(out).read_text())
            best = min(runs, key=lambda r: r["wall"])
            rows.append({
                "tool": "vibe", "n": n, "repos": 2 * n, "files": files, "documents": docs,
                "wall": best["wall"], "wall_median": statistics.median(r["wall"] for r in runs),
                "walls": [round(r["wall"], 3) for r in runs], "cpu": best["cpu"],
                "rss_mb": max(r["rss_mb"] for r in runs), "findings": len(report["findings"]),
            })
            print(f"vibe N={n}: runs {rows[-1]['walls']} s, {len(report['findings'])} findings", file=sys.stderr)
        if n in ck_sizes:
            out = str(work / f"checkov-{n}.json")
            cmd = [a.checkov, "--skip-download", "-d", str(d), "--framework", "kubernetes", "dockerfile",
                   "github_actions", "-o", "json", "--quiet"]
            r = measure(cmd, out)
            if r["rc"] not in (0, 1):
                sys.exit(f"checkov failed on N={n}: {r['rc']}\n{r['stderr'][-2000:]}")
            rows.append({
                "tool": "checkov", "n": n, "repos": 2 * n, "files": files, "documents": docs,
                "wall": r["wall"], "wall_median": r["wall"], "walls": [round(r["wall"], 3)], "cpu": r["cpu"],
                "rss_mb": r["rss_mb"], "findings": None,
            })
            print(f"checkov N={n}: {r['wall']:.1f} s, {r['rss_mb']:.0f} MiB", file=sys.stderr)
        shutil.rmtree(d)

    for r in rows:
        r["files_per_s"] = r["files"] / r["wall"]
        r["docs_per_s"] = r["documents"] / r["wall"]
    print(f"\nScale corpus: N generated repos ({g_files} files, {g_docs} documents each) + N messy repos "
          f"({m_files} files, {m_docs} documents each); {os.cpu_count()} CPUs.\n")
    print("| tool | N | repos | files | documents | wall (s) | files/s | documents/s | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['tool']} | {r['n']} | {r['repos']} | {r['files']:,} | {r['documents']:,} | {r['wall']:.3f} | "
              f"{r['files_per_s']:,.0f} | {r['docs_per_s']:,.0f} | {r['rss_mb']:.1f} |")

    vibe_rows = {r["n"]: r for r in rows if r["tool"] == "vibe"}
    ck_rows = {r["n"]: r for r in rows if r["tool"] == "checkov"}
    summary = {}
    if vibe_rows and ck_rows:
        vb, cb = vibe_rows[max(vibe_rows)], ck_rows[max(ck_rows)]
        thr = vb["docs_per_s"] / cb["docs_per_s"]
        common = sorted(set(vibe_rows) & set(ck_rows))
        same = vibe_rows[common[-1]] if common else vb
        cmp_ck = ck_rows[common[-1]] if common else cb
        mem = cmp_ck["rss_mb"] / same["rss_mb"]
        mem_big = cb["rss_mb"] / vb["rss_mb"]
        per13k = 13000 / vb["docs_per_s"]
        near = [r for r in vibe_rows.values() if r["n"] not in (vb["n"],) and 12000 <= r["documents"] <= 14000]
        print()
        print(f"- throughput: vibe N={vb['n']} {vb['docs_per_s']:,.0f} documents/s vs checkov N={cb['n']} "
              f"{cb['docs_per_s']:,.0f} documents/s = {thr:,.0f}x (target >= {TARGET_THROUGHPUT:.0f}x: "
              f"{'met' if thr >= TARGET_THROUGHPUT else 'MISSED'})")
        if common:
            same_thr = same["docs_per_s"] / cmp_ck["docs_per_s"]
            print(f"- throughput on the same input (N={same['n']}): {same_thr:,.0f}x")
        print(f"- memory on the same input (N={same['n']}): checkov {cmp_ck['rss_mb']:.0f} MiB / vibe "
              f"{same['rss_mb']:.1f} MiB = {mem:,.1f}x less (target >= {TARGET_MEMORY:.0f}x: "
              f"{'met' if mem >= TARGET_MEMORY else 'MISSED'}); checkov N={cb['n']} vs vibe N={vb['n']}: {mem_big:,.1f}x")
        print(f"- time: N={vb['n']} ({vb['repos']} repos, {vb['documents']:,} documents) in {vb['wall']:.3f} s "
              f"(median {vb['wall_median']:.3f} s); 13,000 documents at that rate: {per13k:.3f} s "
              f"(target < {TARGET_SECONDS:.0f} s: {'met' if per13k < TARGET_SECONDS else 'MISSED'})")
        for r in near:
            print(f"- measured: N={r['n']} ({r['repos']} repos, {r['documents']:,} documents) in {r['wall']:.3f} s "
                  f"(median {r['wall_median']:.3f} s; target < {TARGET_SECONDS:.0f} s: "
                  f"{'met' if r['wall'] < TARGET_SECONDS else 'MISSED'})")
        summary = {"throughput_ratio": thr, "memory_ratio": mem, "seconds_per_13k_documents": per13k}
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, "summary": summary}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
