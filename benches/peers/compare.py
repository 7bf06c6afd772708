#!/usr/bin/env python3
"""Compare the peers' outputs with each other, with an exact reference and with planted.json.

Usage: python3 compare.py DATA_DIR OUT1.json [OUT2.json ...]

The reference recomputes both checks in integer tenths (values are printed with one decimal),
so a float sum that lands on the tolerance boundary shows up as a disagreement with it.
"""
import json
import re
import sys
from pathlib import Path

import polars as pl

KEYS = ["area", "indicator", "year"]


def reference(d: Path):
    tree = (
        pl.read_csv(d / "areas.csv", infer_schema=False)
        .filter(pl.col("valid_to").is_null() & pl.col("parent").is_not_null())
        .select(pl.col("code").alias("area"), "parent")
    )
    additive = pl.read_csv(d / "indicators.csv", infer_schema=False).filter(pl.col("class") == "additive")["code"].to_list()
    obs = (
        pl.read_csv(sorted((d / "data").glob("*.csv")), infer_schema=False)
        .with_columns(pl.col("year").cast(pl.Int32))
        .filter(pl.col("indicator").is_in(additive))
        .with_columns(v=pl.col("value").cast(pl.Float64, strict=False))
        # exact tenths: '123.4' -> 1234
        .with_columns(t=pl.when(pl.col("v").is_not_null()).then((pl.col("v") * 10).round(0).cast(pl.Int64)))
        .unique(subset=KEYS, keep="first", maintain_order=True)
    )
    n = tree.group_by("parent").agg(pl.len().alias("n"))
    s = obs.join(tree, on="area").group_by("parent", "indicator", "year").agg(pl.col("t").sum().alias("s"), pl.col("t").count().alias("k"))
    h = (
        s.join(n, on="parent").filter(pl.col("k") == pl.col("n"))
        .join(obs.rename({"area": "parent"}), on=["parent", "indicator", "year"]).filter(pl.col("t").is_not_null())
        .with_columns(d2=(pl.col("t") - pl.col("s")).abs() * 2)  # |diff| in tenths > (n+1)*0.5  <=>  2|diff| > n+1
    )
    hier = {tuple(r) for r in h.filter(pl.col("d2") > pl.col("n") + 1).select("parent", "indicator", "year").iter_rows()}
    boundary = h.filter(pl.col("d2") == pl.col("n") + 1).height
    prev = obs.select("area", "indicator", (pl.col("year") + 1).alias("year"), pl.col("v").alias("p"))
    y = obs.join(prev, on=KEYS).filter((pl.col("p") > 0) & pl.col("v").is_not_null()).with_columns(g=pl.col("v") / pl.col("p") - 1)
    yoy = {tuple(r) for r in y.filter((pl.col("g") < -0.5) | (pl.col("g") > 1.0)).select(KEYS).iter_rows()}
    return tree, additive, obs, hier, yoy, boundary, h.height


def main():
    d = Path(sys.argv[1])
    outs = [json.loads(Path(p).read_text()) for p in sys.argv[2:]]
    tree, additive, obs, hier, yoy, boundary, groups = reference(d)
    print(f"reference (exact tenths): {groups} groups judged, {len(hier)} hierarchy, {len(yoy)} yoy violations, "
          f"{boundary} groups exactly on the tolerance")
    ok = True
    for o in outs:
        h = {tuple(x) for x in o["hierarchy"]}
        y = {tuple(x) for x in o["yoy"]}
        same = h == hier and y == yoy
        ok &= same
        print(f"  {o['tool']} {o['version']}: hierarchy {len(h)}, yoy {len(y)}: "
              + ("same as reference" if same else
                 f"DIFFERS: hierarchy -{sorted(hier - h)} +{sorted(h - hier)}; yoy -{sorted(yoy - y)} +{sorted(y - yoy)}"))

    planted = json.loads((d / "planted.json").read_text())["planted"]
    parent = dict(zip(tree["area"], tree["parent"]))
    children = {}
    for a, p in zip(tree["area"], tree["parent"]):
        children.setdefault(p, []).append(a)
    numeric = {(a, i, t) for a, i, t, v in obs.select("area", "indicator", "year", "v").iter_rows() if v is not None}
    expect_h, miss_h, skipped = [], [], []
    for p in planted:
        if p["class"] not in ("typo", "scale", "sign") or p["indicator"] not in additive:
            continue
        dist = parent.get(p["area"])
        i, t = p["indicator"], p["year"]
        full = (dist, i, t) in numeric and all((c, i, t) in numeric for c in children.get(dist, []))
        if not full:
            skipped.append((p["class"], p["area"], dist, i, t))
            continue
        expect_h.append((dist, i, t))
        if (dist, i, t) not in hier:
            miss_h.append((p["class"], p["area"], dist, i, t))
    print(f"planted typo/scale/sign on additive indicators: {len(expect_h)} with a fully reported district, "
          f"{len(miss_h)} of them not in hierarchy {miss_h}; skipped (group incomplete): {skipped}")
    extra_h = sorted(hier - set(expect_h))
    print(f"hierarchy violations not explained by a planted typo/scale/sign: {extra_h}")

    spots = set()
    for p in planted:
        if p["class"] in ("typo", "scale", "sign", "swap"):
            areas = {p["area"]} | set(re.findall(r"\b\d{5}\b", p.get("detail", "")) if p["class"] == "swap" else [])
            for a in areas:
                spots |= {(a, p["indicator"], p["year"]), (a, p["indicator"], p["year"] + 1)}
    unexplained = sorted(yoy - spots)
    print(f"yoy violations: {len(yoy)}, at a planted area (or swap partner) in its year or the next: "
          f"{len(yoy) - len(unexplained)}; elsewhere: {unexplained}")
    print("ALL AGREE" if ok else "DISAGREEMENT")


if __name__ == "__main__":
    main()
