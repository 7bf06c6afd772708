#!/usr/bin/env python3
"""Hierarchy and year-on-year checks of a statlint panel, hand-written with pandas.

Usage: python3 pandas_checks.py DATA_DIR   -> one JSON object on stdout.

hierarchy: additive indicators; for each parent area (nation, province, district) and year,
  |parent - sum(children)| > (n + 1) * 0.05 is a violation, n = number of children; a group is
  judged only when the parent and all n children have a numeric value (VTL non_null mode).
yoy: additive indicators; g = v_t / v_{t-1} - 1 where v_{t-1} > 0; violation when g < -0.5 or g > 1.
Unparseable values are NaN; of duplicated (area, indicator, year) rows the first in file order counts.
"""
import json
import sys
from pathlib import Path

import pandas as pd

KEYS = ["area", "indicator", "year"]


def main(data_dir: Path) -> dict:
    # codes are strings: keep the leading zeros; empty fields stay ''
    areas = pd.read_csv(data_dir / "areas.csv", dtype=str, keep_default_na=False)
    tree = areas.loc[(areas["valid_to"] == "") & (areas["parent"] != ""), ["code", "parent"]]
    tree = tree.rename(columns={"code": "area"})
    indicators = pd.read_csv(data_dir / "indicators.csv", dtype=str, keep_default_na=False)
    additive = indicators.loc[indicators["class"] == "additive", "code"]

    files = sorted((data_dir / "data").glob("*.csv"))
    obs = pd.concat(
        (
            pd.read_csv(
                f,
                dtype={"area": str, "indicator": str, "year": "int32", "value": str},
                keep_default_na=False,
                engine="pyarrow",
            )
            for f in files
        ),
        ignore_index=True,
    )
    obs = obs[obs["indicator"].isin(additive)]
    # '1234,5' (decimal comma) is not a number: NaN, never guessed
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce")
    obs = obs.drop_duplicates(subset=KEYS, keep="first")

    # hierarchy
    n_children = tree.groupby("parent").size().rename("n").reset_index()
    sums = (
        obs.merge(tree, on="area")
        .groupby(["parent", "indicator", "year"], as_index=False)
        .agg(s=("value", "sum"), k=("value", "count"))
    )
    h = sums.merge(n_children, on="parent")
    h = h[h["k"] == h["n"]]  # every child present with a number
    h = h.merge(obs.rename(columns={"area": "parent"}), on=["parent", "indicator", "year"])
    h = h[h["value"].notna()]
    h = h[(h["value"] - h["s"]).abs() > (h["n"] + 1) * 0.05]
    h = h.sort_values(["parent", "indicator", "year"])

    # year on year
    prev = obs.assign(year=obs["year"] + 1).rename(columns={"value": "prev"})
    y = obs.merge(prev, on=KEYS)
    y = y[(y["prev"] > 0) & y["value"].notna()]
    g = y["value"] / y["prev"] - 1
    y = y.loc[(g < -0.5) | (g > 1.0), KEYS].sort_values(KEYS)

    return {
        "tool": "pandas",
        "version": pd.__version__,
        "hierarchy": [[p, i, int(t)] for p, i, t in h[["parent", "indicator", "year"]].itertuples(index=False)],
        "yoy": [[a, i, int(t)] for a, i, t in y.itertuples(index=False)],
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pandas_checks.py DATA_DIR")
    json.dump(main(Path(sys.argv[1])), sys.stdout)
    sys.stdout.write("\n")
