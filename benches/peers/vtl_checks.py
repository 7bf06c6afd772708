#!/usr/bin/env python3
"""Hierarchy and year-on-year checks of a statlint panel, written in VTL and run by vtlengine.

Usage: python3 vtl_checks.py DATA_DIR [--backend duckdb|pandas] [--hierarchy ruleset|join]
       -> one JSON object on stdout; timings of the phases on stderr.

--backend   vtlengine's execution engine: `duckdb` (default) calls vtlengine.run(use_duckdb=True),
            which transpiles the script to SQL and runs it on DuckDB; `pandas` is vtlengine's
            original interpreter (use_duckdb=False).
--hierarchy `ruleset`: check_hierarchy with a hierarchical ruleset generated from
            areas.csv, one rule per parent area (1 + 63 + 700 rules), mode non_null, output all;
            its imbalance is then compared with each parent's tolerance.
            Too slow beyond toy sizes (see README.md): the DuckDB backend pivots every code
            item into two columns of one wide table (21,500 columns here), the pandas
            backend evaluates the rules one by one.
            `join` (default): the same check as joins and an aggregation (child -> parent
            mapping dataset, sum and count of the children per parent), the formulation
            that scales.

hierarchy: additive indicators; |parent - sum(children)| > (n + 1) * 0.05 is a violation,
  n = number of children; only groups where the parent and all its children have a number.
yoy: additive indicators; g = v_t / v_{t-1} - 1 where v_{t-1} > 0; violation when g < -0.5 or
  g > 1; v_{t-1} is found with timeshift on a Time_Period year.

VTL datasets cannot hold two data points with the same identifiers, nor a Number measure that
is not a number, so the observations are first read with pandas: an unparseable value becomes
null and, of duplicated (area, indicator, year) rows, the first in file order is kept.
"""
import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
import vtlengine
from vtlengine import run

KEYS = ["area", "indicator", "year"]


def comp(name, type_, role, nullable=False):
    return {"name": name, "type": type_, "role": role, "nullable": nullable}


STRUCTURES = {
    "datasets": [
        {
            "name": "OBS",
            "DataStructure": [
                comp("area", "String", "Identifier"),
                comp("indicator", "String", "Identifier"),
                comp("year", "Time_Period", "Identifier"),
                comp("value", "Number", "Measure", True),
            ],
        },
        {
            "name": "TREE",  # child area -> its parent
            "DataStructure": [
                comp("area", "String", "Identifier"),
                comp("parent", "String", "Measure"),
            ],
        },
    ]
}


def q(code: str) -> str:
    """A code item of the ruleset: quoted, so '001' keeps its leading zeros."""
    return "'" + code + "'"


def ruleset(tree: pd.DataFrame) -> str:
    rules = [
        f"R{parent}: {q(parent)} = " + " + ".join(q(c) for c in children)
        for parent, children in tree.groupby("parent", sort=True)["area"]
    ]
    return (
        "define hierarchical ruleset AREAS (variable rule area) is\n  "
        + ";\n  ".join(rules)
        + "\nend hierarchical ruleset;\n"
    )


def script(tree: pd.DataFrame, additive: list, formulation: str) -> str:
    inds = ", ".join(f'"{i}"' for i in additive)
    common = f"""
ADD := OBS[filter indicator in {{{inds}}}];
N := TREE[calc identifier pa := parent][aggr n := count() group by pa];
"""
    if formulation == "ruleset":
        hier = ruleset(tree) + """
CH := check_hierarchy(ADD, AREAS rule area non_null all);
TOL := N[calc tol := (n + 1) * 0.05][rename pa to area][drop n];
HIER <- inner_join(CH, TOL filter abs('imbalance') > tol keep 'imbalance');
"""
    else:
        hier = """
C := inner_join(ADD, TREE)[calc identifier pa := parent][drop parent];
S := C[aggr s := sum(value), k := count(value) group by pa, indicator, year];
P := ADD[rename area to pa];
HIER <- inner_join(S, N, P filter k = n and not isnull(value) and abs(value - s) > (n + 1) * 0.05 keep s);
"""
    yoy = """
PREV := timeshift(ADD, 1)[rename value to prev];
YOY <- inner_join(ADD, PREV filter prev > 0 and (value / prev - 1 < -0.5 or value / prev - 1 > 1.0));
"""
    return common + hier + yoy


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--backend", choices=["duckdb", "pandas"], default="duckdb")
    ap.add_argument("--hierarchy", choices=["ruleset", "join"], default="join")
    ap.add_argument("--print-script", action="store_true", help="print the VTL script and exit")
    args = ap.parse_args()
    d = args.data_dir
    t0 = time.perf_counter()

    areas = pd.read_csv(d / "areas.csv", dtype=str, keep_default_na=False)
    tree = areas.loc[(areas["valid_to"] == "") & (areas["parent"] != ""), ["code", "parent"]]
    tree = tree.rename(columns={"code": "area"}).reset_index(drop=True)
    ind = pd.read_csv(d / "indicators.csv", dtype=str, keep_default_na=False)
    additive = ind.loc[ind["class"] == "additive", "code"].tolist()
    vtl = script(tree, additive, args.hierarchy)
    if args.print_script:
        print(vtl)
        return None

    files = sorted((d / "data").glob("*.csv"))
    obs = pd.concat(
        (
            pd.read_csv(f, dtype=str, keep_default_na=False, engine="pyarrow")
            for f in files
        ),
        ignore_index=True,
    )
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce")  # '1234,5' -> null
    obs = obs.drop_duplicates(subset=KEYS, keep="first").reset_index(drop=True)
    t1 = time.perf_counter()

    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as tmp:
        warnings.simplefilter("ignore")
        if args.backend == "duckdb":
            # DuckDB reads a parquet file natively: faster than registering the DataFrame
            obs.to_parquet(Path(tmp) / "OBS.parquet", index=False)
            obs = Path(tmp) / "OBS.parquet"
        t1b = time.perf_counter()
        res = run(
            script=vtl,
            data_structures=STRUCTURES,
            datapoints={"OBS": obs, "TREE": tree},
            use_duckdb=args.backend == "duckdb",
        )
    t2 = time.perf_counter()
    h = res["HIER"].data
    y = res["YOY"].data
    pcol = "area" if args.hierarchy == "ruleset" else "pa"
    hier = sorted([str(a), str(i), int(str(t)[:4])] for a, i, t in zip(h[pcol], h["indicator"], h["year"]))
    yoy = sorted([str(a), str(i), int(str(t)[:4])] for a, i, t in zip(y["area"], y["indicator"], y["year"]))
    print(
        f"vtl_checks: backend={args.backend} hierarchy={args.hierarchy} "
        f"read+clean {t1 - t0:.2f} s, to parquet {t1b - t1:.2f} s, vtlengine.run {t2 - t1b:.2f} s",
        file=sys.stderr,
    )
    return {
        "tool": f"vtlengine ({args.backend} backend, hierarchy as {args.hierarchy})",
        "version": vtlengine.__version__,
        "hierarchy": hier,
        "yoy": yoy,
    }


if __name__ == "__main__":
    out = main()
    if out is not None:
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
