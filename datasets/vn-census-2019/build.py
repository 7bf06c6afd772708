#!/usr/bin/env python3
"""Builds datasets/vn-census-2019 from the public 2019 census tables and the GSO code lists.

Run from the repository root (Python 3.11, standard library only):

    python3 datasets/vn-census-2019/build.py [--data SHARED_DATA] [--out DIR]

SHARED_DATA is the folder of public data, by default ../shared/data next to the repository (for a checkout
in /work/main: /work/shared/data). It reads:

    census2019/census2019_population_by_district_age_urban_tidy.csv   nation, provinces, 712 districts
    census2019/census2019_population_by_commune_tidy.csv              11,162 communes (and the same totals)
    census2019/census2019_district_code_crosswalk.csv                 census district names -> GSO codes
    admin-units-2025-03/units_flat_20250301.csv                       GSO commune codes as of 1 March 2025

and writes, byte for byte what is committed, into DIR/vn-census-2019 (DIR defaults to datasets/, so the
script rewrites its own folder; the tests can give another DIR and compare):

    reference/areas.csv           the area tree: VN, 63 provinces, 712 districts, 11,162 communes
    reference/commune-codes.csv   how each census commune got its code (or why it has none)
    data/population-districts.csv nation, province and district population, total / urban / rural
    data/population-communes.csv  commune population, total / urban / rural

Blank urban or rural cells are kept blank, as the census prints them (the manifest reads them as zero).

Commune codes. The census tables name communes but give no code. A commune gets the GSO code of the commune
of the 2025-03 list with the same name in the same district (the district's code, or, for a district
abolished by 2025-03, the district that holds most of its communes' names in 2025-03). Names are compared
ignoring tone-mark placement and case ("Hoà" = "Hòa", "ái" = "Ái") and leading zeros in numbers
("Phường 08" = "Phường 8"); a commune whose type changed (Xã -> Phường, Xã -> Thị trấn) matches on its
proper name when that name is unique on both sides. Every match must be one to one. A commune that is not
found (merged, renamed or moved to another district between April 2019 and March 2025) gets a derived code
"nogso-DDD-NN": its district's GSO code and its position in the census table's list of the district's
communes. Derived codes contain letters, so they cannot be taken for the 5-digit GSO codes.
"""

import argparse
import csv
import io
import os
import re
import unicodedata
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
TYPES = ("Thị trấn", "Phường", "Xã")


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def syllable_key(word):
    """A syllable without its tone mark, followed by the tone: 'hoà' and 'hòa' give the same key."""
    d = unicodedata.normalize("NFD", word.lower())
    tone = "".join(c for c in d if c in TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONES))
    if base.isdigit():
        base = str(int(base))
    return base + tone


def name_key(name):
    return " ".join(syllable_key(w) for w in re.split(r"\s+", name.strip()))


def split_type(name):
    for t in TYPES:
        if name.lower().startswith(t.lower() + " "):
            return t, name[len(t) + 1:]
    return "", name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.dirname(HERE))
    args = ap.parse_args()
    src = os.path.abspath(args.data)

    by_district = read(os.path.join(src, "census2019", "census2019_population_by_district_age_urban_tidy.csv"))
    by_commune = read(os.path.join(src, "census2019", "census2019_population_by_commune_tidy.csv"))
    crosswalk = read(os.path.join(src, "census2019", "census2019_district_code_crosswalk.csv"))
    units = read(os.path.join(src, "admin-units-2025-03", "units_flat_20250301.csv"))

    # --- nation, provinces, districts: the district workbook (the ward workbook has the same totals, except
    # that the three island districts without communes have no "(Tổng số)" row there).
    code_of = {(r["province_name_census"], r["district_name_census"]): r for r in crosswalk}
    totals = {}  # (row_type, province, district) -> {area_type: value}
    order = []
    for r in by_district:
        if r["age_group"] != "total":
            continue
        key = (r["row_type"], r["province_name"], r["district_name"])
        if key not in totals:
            totals[key] = {}
            order.append(key)
        totals[key][r["area_type"]] = r["value"]

    # The ward workbook repeats the nation, province and district totals: they must be the same.
    for r in by_commune:
        if r["row_type"] == "commune":
            continue
        kind = {"district_total": "district"}.get(r["row_type"], r["row_type"])
        t = totals[(kind, r["province_name"], r["district_name"])]
        assert (t["total"], t["urban"], t["rural"]) == (r["total"], r["urban"], r["rural"]), r

    areas = [("VN", "Cả nước", "nation", "")]
    district_rows = []
    province_code = {}
    for kind, prov, dist in order:
        t = totals[(kind, prov, dist)]
        if kind == "national_total":
            code, name = "VN", "Cả nước"
        elif kind == "province_total":
            codes = {r["province_code"] for r in crosswalk if r["province_name_census"] == prov}
            assert len(codes) == 1, prov
            code = province_code[prov] = codes.pop()
            name = prov
            areas.append((code, prov, "province", "VN"))
        else:
            code = code_of[(prov, dist)]["district_code"]
            assert code_of[(prov, dist)]["province_code"] == province_code[prov]
            name = dist
            areas.append((code, dist, "district", province_code[prov]))
        district_rows.append((code, name, t["total"], t["urban"], t["rural"]))
    assert len(district_rows) == 1 + 63 + 712, len(district_rows)

    # --- communes: matched by name within their district to the GSO list of 2025-03.
    l2 = {u["code"] for u in units if u["level"] == "2"}
    l3_under = defaultdict(list)
    l3_province = defaultdict(list)
    for u in units:
        if u["level"] == "3":
            l3_under[u["parent_code"]].append(u)
            l3_province[u["province_code"]].append(u)

    communes = defaultdict(list)  # district code -> [census rows in table order]
    for r in by_commune:
        if r["row_type"] != "commune":
            continue
        if r["commune_name"] == r["district_name"]:
            # An island district without communes (Bạch Long Vĩ, Cồn Cỏ, Côn Đảo) has one row, under its own
            # name, and no "(Tổng số)" row: it is the district itself, already read from the district workbook.
            t = totals[("district", r["province_name"], r["district_name"])]
            assert (t["total"], t["urban"], t["rural"]) == (r["total"], r["urban"], r["rural"]), r
            continue
        communes[code_of[(r["province_name"], r["district_name"])]["district_code"]].append(r)

    # A district abolished by 2025-03: its communes are looked for in the district of the same province that
    # holds most of their names.
    scope = {}
    for d, rows in communes.items():
        if d in l2:
            scope[d] = [d]
            continue
        votes = Counter()
        keys = {name_key(r["commune_name"]) for r in rows}
        for u in l3_province[province_code[rows[0]["province_name"]]]:
            if name_key(u["name"]) in keys:
                votes[u["parent_code"]] += 1
        scope[d] = [votes.most_common(1)[0][0]] if votes else []

    matches = {}  # (district, index) -> (code, method, gso name, gso district)
    for d, rows in communes.items():
        cands = [u for s in scope[d] for u in l3_under[s]]
        full = defaultdict(list)
        bare = defaultdict(list)
        for u in cands:
            full[name_key(u["name"])].append(u)
            bare[name_key(split_type(u["name"])[1])].append(u)
        census_bare = Counter(name_key(split_type(r["commune_name"])[1]) for r in rows)
        for i, r in enumerate(rows, 1):
            hit = full.get(name_key(r["commune_name"]), [])
            method = "name" if r["commune_name"] == (hit[0]["name"] if len(hit) == 1 else None) else "name_spelling"
            if len(hit) != 1:
                k = name_key(split_type(r["commune_name"])[1])
                hit = bare.get(k, []) if census_bare[k] == 1 else []
                method = "name_type_changed"
            if len(hit) == 1:
                matches[(d, i)] = (hit[0]["code"], method, hit[0]["name"], hit[0]["parent_code"])
    used = Counter(m[0] for m in matches.values())
    for k in [k for k, m in matches.items() if used[m[0]] > 1]:
        del matches[k]

    commune_rows = []
    code_rows = []
    district_order = [a[0] for a in areas if a[2] == "district"]
    for d in sorted(communes, key=district_order.index):
        width = max(2, len(str(len(communes[d]))))
        for i, r in enumerate(communes[d], 1):
            m = matches.get((d, i))
            if m:
                code, method, gso_name, gso_parent = m
            else:
                code, method, gso_name, gso_parent = f"nogso-{d}-{i:0{width}d}", "not_found", "", ""
            areas.append((code, r["commune_name"], "commune", d))
            commune_rows.append((code, r["commune_name"], r["total"], r["urban"], r["rural"]))
            code_rows.append((code, d, i, r["commune_name"], method, gso_name, gso_parent))

    out = os.path.join(os.path.abspath(args.out), "vn-census-2019")
    write(os.path.join(out, "reference", "areas.csv"), ["code", "name", "level", "parent", "valid_from", "valid_to"],
          [(c, n, l, p, "", "") for c, n, l, p in areas])
    write(os.path.join(out, "reference", "commune-codes.csv"),
          ["code", "district", "position", "name", "match", "gso_2025_03_name", "gso_2025_03_district"], code_rows)
    header = ["area", "name", "population", "population_urban", "population_rural"]
    write(os.path.join(out, "data", "population-districts.csv"), header, district_rows)
    write(os.path.join(out, "data", "population-communes.csv"), header, commune_rows)
    kinds = Counter(r[4] for r in code_rows)
    print(f"{len(areas)} areas; communes: {len(code_rows)}, " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
