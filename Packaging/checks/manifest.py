#!/usr/bin/env python3
"""Checks that Package.swift declares exactly what each Swift target imports.

For every Swift target (library, executable, test) the modules its sources import must be its
declared dependencies, and every declared dependency must be imported: an undeclared import
builds today only by luck of the build order, and an unused dependency links a library (and
its system packages) for nothing. Toolchain modules are not declared. A test target may depend
on an executable without importing it: the dependency makes the build produce the binary the
tests run. C targets are left out (their headers name their libraries).

Usage: Packaging/checks/manifest.py [PACKAGE_DIR]   (exit status 1 on any mismatch)
"""
import json
import re
import subprocess
import sys
from pathlib import Path

TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin",
             "Dispatch", "XCTest", "Testing", "Synchronization", "_Concurrency", "os"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_implementationOnly\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
    dump = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                     capture_output=True, text=True).stdout)
    kinds = {t["name"]: t["type"] for t in dump["targets"]}
    problems = []
    for target in dump["targets"]:
        if target["type"] not in ("regular", "executable", "test"):
            continue
        folder = root / (target.get("path") or ("Tests" if target["type"] == "test" else "Sources")) / \
            ("" if target.get("path") else target["name"])
        swift_files = sorted(folder.rglob("*.swift"))
        if not swift_files:
            continue  # a C target
        imported = set()
        for file in swift_files:
            imported |= set(IMPORT.findall(file.read_text(encoding="utf-8")))
        imported -= TOOLCHAIN | {target["name"]}
        declared = set()
        for dependency in target.get("dependencies", []):
            for kind in ("byName", "target", "product"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        for name in sorted(imported - declared):
            problems.append(f"{target['name']}: imports {name} but does not declare it")
        for name in sorted(declared - imported):
            if target["type"] == "test" and kinds.get(name) == "executable":
                continue
            problems.append(f"{target['name']}: declares {name} but no source imports it")
    for line in problems:
        print(f"manifest: {line}", file=sys.stderr)
    if not problems:
        print(f"manifest: every Swift target declares exactly what it imports ({len(dump['targets'])} targets)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
