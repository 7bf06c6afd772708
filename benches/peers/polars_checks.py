#!/usr/bin/env python3
"""Hierarchy and year-on-year checks of a statlint panel, hand-written with polars (lazy API).

Usage: python3 polars_checks.py DATA_DIR   -> one JSON object on stdout.

hierarchy: additive indicators; for each parent area (nation, province, district) and year,
  |parent - sum(children)| > (n + 1) * 0.05 is a violation, n = number of children; a group is
  judged only when the parent and all n children have a numeric value (VTL non_null mode).
yoy: additive indicators; g = v_t / v_{t-1} - 1 where v_{t-1} > 0; violation when g < -0.5 or g > 1.
Unparseable values are null; of duplicated (area, indicator, year) rows the first in file order counts.
"""
import json
import sys
from pathlib import Path

import polars as pl

KEYS = ["area", "indicator", "year"]


def main(data_dir: Path) -> dict:
    areas = pl.scan_csv(data_dir / "areas.csv", infer_schema=False)  # all columns as strings
    tree = (
        areas.filter(pl.col("valid_to").is_null() & pl.col("parent").is_not_null())
        .select(pl.col("code").alias("area"), "parent")
        .cast(pl.Categorical)  # codes as categoricals: cheaper hashing in joins and groupbys
    )
    additive = (
        pl.read_csv(data_dir / "indicators.csv", infer_schema=False)
        .filter(pl.col("class") == "additive")["code"]
        .to_list()
    )
    files = sorted((data_dir / "data").glob("*.csv"))
    obs = (
        pl.scan_csv(
            files,
            schema={"area": pl.Categorical, "indicator": pl.Categorical, "year": pl.Int32, "value": pl.String},
        )
        .filter(pl.col("indicator").is_in(additive))
        # '1234,5' (decimal comma) is not a number: null, never guessed
        .with_columns(pl.col("value").cast(pl.Float64, strict=False))
        .unique(subset=KEYS, keep="first", maintain_order=False)
    )

    n_children = tree.group_by("parent").agg(pl.len().alias("n"))
    sums = (
        obs.join(tree, on="area", how="inner")
        .group_by("parent", "indicator", "year")
        .agg(pl.col("value").sum().alias("s"), pl.col("value").count().alias("k"))
    )
    hierarchy = (
        sums.join(n_children, on="parent")
        .filter(pl.col("k") == pl.col("n"))  # every child present with a number
        .join(obs.rename({"area": "parent"}), on=["parent", "indicator", "year"])
        .filter(pl.col("value").is_not_null())
        .filter((pl.col("value") - pl.col("s")).abs() > (pl.col("n") + 1) * 0.05)
        .select(pl.col("parent", "indicator").cast(pl.String), "year")
        .sort("parent", "indicator", "year")
    )

    prev = obs.select("area", "indicator", (pl.col("year") + 1).alias("year"), pl.col("value").alias("prev"))
    yoy = (
        obs.join(prev, on=KEYS)
        .filter((pl.col("prev") > 0) & pl.col("value").is_not_null())
        .with_columns((pl.col("value") / pl.col("prev") - 1).alias("g"))
        .filter((pl.col("g") < -0.5) | (pl.col("g") > 1.0))
        .select(pl.col("area", "indicator").cast(pl.String), "year")
        .sort(KEYS)
    )

    h, y = pl.collect_all([hierarchy, yoy])
    return {
        "tool": "polars",
        "version": pl.__version__,
        "hierarchy": [list(r) for r in h.iter_rows()],
        "yoy": [list(r) for r in y.iter_rows()],
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: polars_checks.py DATA_DIR")
    json.dump(main(Path(sys.argv[1])), sys.stdout)
    sys.stdout.write("\n")
