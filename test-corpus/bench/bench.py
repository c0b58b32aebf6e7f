#!/usr/bin/env python3
"""sqlrace's cost against the floor: on the same inputs, times `clang
-fsyntax-only`, `sqlrace`, and clang-tidy with the sqlrace checks against
clang-tidy with one cheap built-in check, and prints the ratios and peak memory.
The four commands run in turn for --runs rounds and each one's fastest time is
kept: on a shared machine interference only ever adds time.
Inputs: a generated database-heavy C file at 1x, 2x and 4x size, and a
header-heavy C++ file (Qt SQL + libpqxx). A program, not a test: targets are
reported, never asserted.

Last, the bundled example (build/examples/inventory, 8 files of C and C++) and a
generated project of several db-heavy files, each analyzed through its compile
database with `-j 1` and `-j 2` (a fresh summary cache each run), show what
parallel analysis gains.

With --instructions, every input is also measured in instructions executed
(valgrind --tool=callgrind), which do not vary from run to run the way
wall-clock time does on a shared machine.

usage: bench.py [--build build] [--runs 5] [--size 800] [--files 8] [--instructions]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(cmd):
    """Wall seconds and peak RSS (MiB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd)} exited with {code}")
    return elapsed, usage.ru_maxrss / 1024.0


def measure(cmd, runs, before=None):
    """Median wall seconds and the largest peak RSS (MiB) over `runs` runs."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        t, m = run_once(cmd)
        times.append(t)
        peaks.append(m)
    return statistics.median(times), max(peaks)


def measure_together(cmds, runs):
    """The commands run in turn, `runs` rounds: for each, the fastest wall time (interference
    from the rest of a shared machine only ever adds time, and interleaving exposes every
    command to the same conditions) and the largest peak RSS."""
    times = [[] for _ in cmds]
    peaks = [[] for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            t, m = run_once(cmd)
            times[k].append(t)
            peaks[k].append(m)
    return [(min(t), max(m)) for t, m in zip(times, peaks)]


def instructions(cmd, work):
    """Instructions executed by cmd (valgrind --tool=callgrind), its children not followed."""
    out = os.path.join(work, "callgrind.out")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return 0


def pkg_flags(*names):
    out = subprocess.run(["pkg-config", "--cflags", *names], capture_output=True, text=True, check=True).stdout
    return out.split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", type=int, default=800, help="service functions in the 1x file")
    ap.add_argument("--llvm", default="14")
    ap.add_argument("--files", type=int, default=8, help="files in the generated project for -j 1 vs -j 2")
    ap.add_argument("--instructions", action="store_true", help="also count instructions with callgrind (slow)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    sqlrace = os.path.join(build, "bin", "sqlrace")
    plugin = os.path.join(build, "lib", "sqlrace-tidy.so")
    clang = shutil.which(f"clang-{args.llvm}") or shutil.which("clang")
    tidy = shutil.which(f"clang-tidy-{args.llvm}") or shutil.which("clang-tidy")
    for tool in (sqlrace, plugin, clang, tidy):
        if not tool or not os.path.exists(tool):
            sys.exit(f"bench: missing {tool}; build first (scripts/build.sh) and install clang-{args.llvm}")

    work = tempfile.mkdtemp(prefix="sqlrace-bench-")
    inputs = []
    for factor in (1, 2, 4):
        path = os.path.join(work, f"db_heavy_{factor}x.c")
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_db_heavy.py"), str(args.size * factor)],
                           stdout=f, check=True)
        inputs.append((f"db-heavy C {factor}x ({args.size * factor} functions)", path,
                       ["-std=c11"] + pkg_flags("libpq")))
    inputs.append(("header-heavy C++ (Qt SQL + libpqxx)", os.path.join(HERE, "header_heavy.cpp"),
                   ["-std=c++17", "-fPIC"] + pkg_flags("Qt5Sql", "libpqxx")))

    rows = []
    for name, path, flags in inputs:
        (floor_t, floor_m), (race_t, race_m), (base_t, base_m), (plug_t, plug_m) = measure_together([
            [clang, "-fsyntax-only", "-w", *flags, path],
            [sqlrace, "--no-cross-file", path, "--", *flags],
            [tidy, "--quiet", "--checks=-*,readability-braces-around-statements", path, "--", *flags],
            [tidy, "--quiet", f"--load={plugin}", "--checks=-*,sqlrace-*", path, "--", *flags]], args.runs)
        rows.append((name, floor_t, floor_m, race_t, race_m, base_t, plug_t, plug_m))

    print("| input | clang -fsyntax-only | sqlrace | time ratio (target <= 1.10) | memory ratio (target <= 1.20) "
          "| clang-tidy, one cheap check | clang-tidy + sqlrace checks | plugin ratio (target <= 1.10) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, ft, fm, rt, rm, bt, pt, pm in rows:
        print(f"| {name} | {ft * 1000:.0f} ms, {fm:.0f} MiB | {rt * 1000:.0f} ms, {rm:.0f} MiB | {rt / ft:.2f} "
              f"| {rm / fm:.2f} | {bt * 1000:.0f} ms | {pt * 1000:.0f} ms, {pm:.0f} MiB | {pt / bt:.2f} |")
    if args.instructions and shutil.which("valgrind"):
        print()
        print("Instructions executed (callgrind; the same on every run):")
        print()
        print("| input | clang -fsyntax-only | sqlrace | ratio | clang-tidy, one cheap check | clang-tidy + sqlrace checks "
              "| plugin ratio |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        counted = {}
        for name, path, flags in inputs:
            floor_i = instructions([clang, "-fsyntax-only", "-w", *flags, path], work)
            race_i = instructions([sqlrace, "--no-cross-file", path, "--", *flags], work)
            base_i = instructions([tidy, "--quiet", "--checks=-*,readability-braces-around-statements", path, "--",
                                   *flags], work)
            plug_i = instructions([tidy, "--quiet", f"--load={plugin}", "--checks=-*,sqlrace-*", path, "--", *flags],
                                  work)
            counted[name.split(" (")[0]] = race_i
            print(f"| {name} | {floor_i / 1e6:.0f} M | {race_i / 1e6:.0f} M | {race_i / floor_i:.2f} "
                  f"| {base_i / 1e6:.0f} M | {plug_i / 1e6:.0f} M | {plug_i / base_i:.2f} |")
        one, two, four = (counted.get(f"db-heavy C {k}x") for k in (1, 2, 4))
        if one and two and four:
            print()
            print(f"Growth of sqlrace's instructions: 2x input -> {two / one:.2f}x, 4x input -> {four / one:.2f}x.")
    # growth: doubling the input should at most double the time
    t = {r[0].split(" (")[0]: r[3] for r in rows}
    one, two, four = t.get("db-heavy C 1x"), t.get("db-heavy C 2x"), t.get("db-heavy C 4x")
    if one and two and four:
        print()
        print(f"Growth of sqlrace's time: 2x input -> {two / one:.2f}x time, 4x input -> {four / one:.2f}x time "
              f"(linear would be 2.00x and 4.00x).")

    # parallel analysis of a project: --files files like the 1x file
    project = os.path.join(work, "project")
    os.makedirs(project)
    flags = ["-std=c11"] + pkg_flags("libpq")
    commands = []
    for k in range(args.files):
        path = os.path.join(project, f"module{k}.c")
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_db_heavy.py"), str(args.size)],
                           stdout=f, check=True)
        commands.append({"directory": project, "file": path,
                         "arguments": ["cc", "-c", *flags, path, "-o", path + ".o"]})
    with open(os.path.join(project, "compile_commands.json"), "w") as f:
        json.dump(commands, f)
    cache = os.path.join(work, "cache")
    fresh = lambda: shutil.rmtree(cache, ignore_errors=True)
    par = {}
    for jobs in (1, 2):
        par[jobs] = measure([sqlrace, "-p", project, f"-j{jobs}", f"--cache-dir={cache}"], args.runs, fresh)
    print()
    print(f"Parallel analysis of a {args.files}-file project ({args.size} functions each, {os.cpu_count()} cores): "
          f"-j 1 {par[1][0] * 1000:.0f} ms, -j 2 {par[2][0] * 1000:.0f} ms, speed-up {par[1][0] / par[2][0]:.2f}x; "
          f"peak memory per process {par[1][1]:.0f} MiB / {par[2][1]:.0f} MiB.")
    example = os.path.join(build, "examples", "inventory")
    if os.path.exists(os.path.join(example, "compile_commands.json")):
        ex = {}
        for jobs in (1, 2):
            ex[jobs] = measure([sqlrace, "-p", example, f"-j{jobs}", f"--cache-dir={cache}"], args.runs, fresh)
        print(f"Parallel analysis of the bundled example (build/examples/inventory): -j 1 {ex[1][0] * 1000:.0f} ms, "
              f"-j 2 {ex[2][0] * 1000:.0f} ms, speed-up {ex[1][0] / ex[2][0]:.2f}x.")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
