#!/usr/bin/env python3
"""Builds datasets/vn-budget-2006-2015 from the Ministry of Finance's provincial budget tables.

Run from the repository root with Python 3.11 and xlrd (the national totals are read from the original .xls
workbooks), e.g.:

    python3 -m venv /tmp/xlrd-venv && /tmp/xlrd-venv/bin/pip install xlrd==2.0.2
    /tmp/xlrd-venv/bin/python datasets/vn-budget-2006-2015/build.py [--data SHARED_DATA] [--out DIR]

SHARED_DATA is the folder of public data, by default ../shared/data next to the repository (for a checkout
in /work/main: /work/shared/data). It reads:

    budget-mof-2003-2017/Vietnam_National_Budget_Final.csv   63 provinces (+ Hà Tây 2006-2008), 2006-2015
    budget-mof-2003-2017/Provinces.csv                       the province spellings of the MOF workbooks
    budget-mof-2003-2017/raw_xls/Plan_2006.xls ... Plan_2010.xls
    admin-units-2025-03/level1_level2_snapshot_presence.csv  GSO province codes and names (2019-09-11)

and writes, byte for byte what is committed, into DIR/vn-budget-2006-2015 (DIR defaults to datasets/, so the
script rewrites its own folder; the tests can give another DIR and compare):

    reference/areas.csv      VN, the 63 provinces, Hà Tây (code 28, until 31 July 2008)
    data/provinces.csv       the source CSV, row for row (line N here is line N there), with GSO codes
    data/nation.csv          the "TỔNG SỐ" (national total) rows of Plan_2006.xls ... Plan_2010.xls

The source CSV holds the budget plans (dự toán) that the MOF published each year in its table 09/CKTC-NSNN,
not the final accounts (quyết toán): for 2006-2010 every province value (but net.trans, which the package
computed as total.rev - total.exp) equals the Plan_YYYY.xls workbook, which this script verifies cell by
cell. So the national totals come from the same Plan workbooks: for each
column of the CSV, the workbook column whose 63 (64) province values equal it, and in that column the
"TỔNG SỐ" row, written as the workbook prints it (number format #,##0: whole triệu đồng). The workbooks of
the 2011-2015 plans are not in the source copy; those years have no national totals.
"""

import argparse
import csv
import io
import os
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import xlrd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Source column -> indicator code. The CSV's names come from the R package that compiled it.
COLUMNS = {
    "total.rev": "total_rev",
    "ratio": "ratio",
    "total.exp": "total_exp",
    "balance.trans": "balance_trans",
    "target.trans": "target_trans",
    "project.trans": "project_trans",
    "net.trans": "net_trans",
}
# The columns the national total rows carry (the sharing ratio is per province; net.trans is computed by the
# package and not in the workbooks).
NATIONAL = ["total.rev", "total.exp", "balance.trans", "target.trans", "project.trans"]
HA_TAY = ("28", "Tỉnh Hà Tây", "2008-07-31")  # GSO code 28 (QĐ 124/2004/QĐ-TTg); merged into Hà Nội 1 Aug 2008


def fold(s):
    """Lower case, no diacritics, no punctuation: 'Thừa Thiên - Huế' -> 'thua thien hue'."""
    s = unicodedata.normalize("NFD", str(s)).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", s))


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


def same(csv_text, cell):
    """The CSV prints the workbook's floating-point values to 10 significant digits."""
    return isinstance(cell, float) and float(f"{cell:.10g}") == float(csv_text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.dirname(HERE))
    args = ap.parse_args()
    src = os.path.join(os.path.abspath(args.data), "budget-mof-2003-2017")

    # --- GSO province codes, by name: the names of the first snapshot (2019-09-11), before Thừa Thiên Huế
    # became Thành phố Huế (2025).
    units = read(os.path.join(os.path.abspath(args.data), "admin-units-2025-03", "level1_level2_snapshot_presence.csv"))
    provinces = [(u["code"], u["name"]) for u in units if u["level"] == "1" and u["first_snapshot"] == "2019-09-11"]
    assert len(provinces) == 63 and len({c for c, _ in provinces}) == 63
    by_name = {}
    for code, name in provinces:
        by_name[fold(re.sub(r"^(Tỉnh|Thành phố) ", "", name))] = (code, name)
    by_name["ho chi minh city"] = by_name["ho chi minh"]
    by_name["ha tay"] = HA_TAY[:2]

    rows = read(os.path.join(src, "Vietnam_National_Budget_Final.csv"))
    assert list(rows[0]) == ["", "prov", *COLUMNS, "year"], list(rows[0])
    seen = set()
    out_rows = []
    for r in rows:
        code, _ = by_name[fold(r["prov"])]
        assert (code, r["year"]) not in seen
        seen.add((code, r["year"]))
        out_rows.append([code, r["prov"], r["year"], *(r[c] for c in COLUMNS)])
    assert {c for c, _ in by_name.values()} == {c for c, _ in seen}

    # --- National totals from the Plan workbooks, column by column, after checking the province rows.
    spelled = {fold(r["original"]): r["fixed"] for r in read(os.path.join(src, "Provinces.csv"))}
    nation_rows = []
    for year in range(2006, 2011):
        sheet = xlrd.open_workbook(os.path.join(src, "raw_xls", f"Plan_{year}.xls")).sheet_by_index(0)
        cells = [sheet.row_values(i) for i in range(sheet.nrows)]
        assert any("triệu đồng" in str(c).lower() for row in cells[:12] for c in row), f"unit of Plan_{year}.xls"
        title = " ".join(str(c) for row in cells[:5] for c in row)
        assert f"DỰ TOÁN THU, CHI NGÂN SÁCH CỦA CÁC TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG NĂM {year}" in title
        source = {r["prov"]: r for r in rows if r["year"] == str(year)}
        prov_rows = {}
        total_row = None
        for i, row in enumerate(cells):
            name = fold(row[1])
            if name.startswith("tong so") and total_row is None:
                total_row = i
            elif name in spelled:
                prov_rows[spelled[name].replace("–", "-")] = i
        assert sorted(prov_rows) == sorted(source), (year, set(prov_rows) ^ set(source))
        values = {}
        refs = []
        for col in NATIONAL:
            found = [j for j in range(2, sheet.ncols)
                     if all(same(source[p][col], cells[i][j]) for p, i in prov_rows.items())]
            assert len(found) == 1, (year, col, found)
            j = found[0]
            total = cells[total_row][j]
            assert isinstance(total, float), (year, col, total)
            values[col] = str(Decimal(repr(total)).quantize(Decimal(1), ROUND_HALF_UP))
            refs.append(f"{COLUMNS[col]}={xlrd.cellname(total_row, j)}")
        # Every CSV value of the year is the workbook's (the ratio too, and net.trans is rev - exp).
        for p, i in prov_rows.items():
            assert same(source[p]["ratio"], cells[i][3]), (year, p)
        nation_rows.append(["VN", "Cả nước", str(year), *(values[c] for c in NATIONAL),
                            f"Plan_{year}.xls '{sheet.name}' " + " ".join(refs)])

    # --- Areas.
    areas = [("VN", "Cả nước", "nation", "", "", "")]
    areas += [(code, name, "province", "VN", "", "") for code, name in sorted(provinces)]
    areas.append((HA_TAY[0], HA_TAY[1], "province", "VN", "", HA_TAY[2]))
    areas.sort(key=lambda a: (a[2] != "nation", a[0]))

    out = os.path.join(os.path.abspath(args.out), "vn-budget-2006-2015")
    write(os.path.join(out, "reference", "areas.csv"), ["code", "name", "level", "parent", "valid_from", "valid_to"],
          areas)
    write(os.path.join(out, "data", "provinces.csv"), ["area", "name", "year", *COLUMNS.values()], out_rows)
    write(os.path.join(out, "data", "nation.csv"), ["area", "name", "year", *(COLUMNS[c] for c in NATIONAL),
                                                    "source"], nation_rows)
    print(f"{len(areas)} areas, {len(out_rows)} province rows, {len(nation_rows)} national rows")


if __name__ == "__main__":
    main()
