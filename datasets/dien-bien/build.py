#!/usr/bin/env python3
"""Builds datasets/dien-bien and datasets/dien-bien-submission.

Run from the repository root (Python 3.11, standard library only):

    python3 datasets/dien-bien/build.py [--out DIR] [--extract SHARED_DATA]

The real inputs are in datasets/dien-bien/sources/; --extract rewrites them from the public data folder
(census2019/ and admin-units-2025-07/). --out writes the two dataset folders somewhere else (the tests use
it to check that the committed files are what this script writes).

Real: the province's and the districts' 2019 census population (GSO), and the 45 communes that replaced the
districts on 1 July 2025 (Công văn 1027/CTK-CSCL, via github.com/dvhcvn/20250701). Everything else is
illustrative: generated here from a fixed seed, consistent with the province totals, with year-on-year
changes of the size such series show. The 2022 targets are those of the province's 2022 resolution.
"""

import argparse
import csv
import io
import os
import random
import zipfile
from decimal import ROUND_HALF_UP, Decimal as D

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

DISTRICTS = ["094", "095", "096", "097", "098", "099", "100", "101", "102", "103"]
YEARS = [2020, 2021, 2022, 2023]

# Indicators: code, Vietnamese name, English name, unit, class, numerator, denominator, base, relation,
# decimals, min, max, yoy_min, yoy_max, levels, description; counts (EXACT) are exact, not rounded.
INDICATORS = [
    ("population", "Dân số trung bình", "Average population", "người", "additive", "", "", "", "=", 0, 0, "", -3, 5, "",
     "2019: the census count on 1 April 2019; 2020–2023: illustrative"),
    ("households", "Tổng số hộ dân cư", "Households", "hộ", "additive", "", "", "", "=", 0, 0, "", -3, 5, "", ""),
    ("poor_households", "Số hộ nghèo", "Poor households", "hộ", "additive", "", "", "", "=", 0, 0, "", -40, 10, "",
     "multidimensional poverty standard 2022–2025"),
    ("poverty_rate", "Tỷ lệ hộ nghèo", "Poverty rate", "%", "ratio", "poor_households", "households", "", "=", 1, 0, 100, -8, 8, "", ""),
    ("grdp_constant", "Tổng sản phẩm trên địa bàn (GRDP) theo giá so sánh 2010", "GRDP at constant 2010 prices", "tỷ đồng",
     "additive", "", "", "", "=", 1, 0, "", -10, 20, "province", ""),
    ("grdp_growth", "Tốc độ tăng trưởng GRDP", "GRDP growth", "%", "growth", "", "", "grdp_constant", "=", 2, "", "", -8, 8, "province", ""),
    ("agri_value", "Giá trị sản xuất nông, lâm nghiệp và thủy sản (giá so sánh 2010)",
     "Agriculture, forestry and fishery output at constant 2010 prices", "tỷ đồng", "additive", "", "", "", "=", 1, 0, "", -15, 20, "", ""),
    ("agri_growth", "Tốc độ tăng giá trị sản xuất nông, lâm nghiệp và thủy sản", "Agriculture, forestry and fishery growth", "%",
     "growth", "", "", "agri_value", "=", 2, "", "", -8, 8, "", ""),
    ("industrial_value", "Giá trị sản xuất công nghiệp", "Industrial output", "tỷ đồng", "additive", "", "", "", "=", 1, 0, "", -30, 50, "", ""),
    ("budget_revenue", "Thu ngân sách nhà nước trên địa bàn", "State budget revenue", "tỷ đồng", "additive", "", "", "", ">=", 1, 0, "", -30, 50, "",
     "the province collects part of the revenue itself: its total is at least the districts' sum"),
    ("export_import", "Tổng kim ngạch xuất, nhập khẩu hàng hóa, dịch vụ", "Import-export turnover", "triệu USD", "additive", "", "", "", "=", 1, 0, "",
     -30, 50, "province", ""),
    ("total_income", "Tổng thu nhập của dân cư", "Total household income", "tỷ đồng", "additive", "", "", "", "=", 1, 0, "", -10, 25, "", ""),
    ("income_per_capita", "Thu nhập bình quân đầu người", "Income per capita", "triệu đồng/người/năm", "per_capita", "total_income", "population",
     "", "=", 1, 0, "", -10, 25, "", ""),
    ("new_rural_communes", "Số xã đạt chuẩn nông thôn mới (lũy kế)", "Communes meeting the new-countryside standard (cumulative)", "xã",
     "additive", "", "", "", "=", 0, 0, "", -10, 50, "province", ""),
    ("trained_workers", "Số lao động được đào tạo nghề", "Workers given vocational training", "lao động", "additive", "", "", "", ">=", 0, 0, "",
     -40, 60, "", "the province's colleges train workers directly: its total is at least the districts' sum"),
    ("jobs_created", "Số lao động được tạo việc làm", "Workers placed in new jobs", "lao động", "additive", "", "", "", "=", 0, 0, "", -40, 60, "", ""),
    ("forest_area", "Diện tích rừng", "Forest area", "ha", "additive", "", "", "", "=", 0, 0, "", -5, 5, "", ""),
    ("natural_area", "Diện tích tự nhiên", "Natural area", "ha", "additive", "", "", "", "=", 0, 0, "", -1, 1, "", ""),
    ("forest_cover", "Tỷ lệ che phủ rừng", "Forest cover", "%", "ratio", "forest_area", "natural_area", "", "=", 1, 0, 100, -3, 3, "", ""),
]
DEC = {i[0]: i[9] for i in INDICATORS}
EXACT = {"population", "households", "poor_households", "new_rural_communes", "trained_workers", "jobs_created"}

# The 2022 resolution's targets (Điện Biên TV, 11/01/2022): (indicator, value, direction, tolerance, note)
TARGETS = [
    ("grdp_growth", "10", "at_least", "", "Phấn đấu tốc độ tăng trưởng kinh tế GRDP đạt 10%"),
    ("income_per_capita", "37", "at_least", "", "bình quân thu nhập đầu người đạt hơn 37 triệu đồng/năm"),
    ("budget_revenue", "2300", "at_least", "", "thu ngân sách nhà nước trên địa bàn tỉnh đạt hơn 2.300 tỷ đồng"),
    ("export_import", "98", "about", "0.05", "tổng kim ngạch xuất, nhập khẩu hàng hóa, dịch vụ đạt 98 triệu USD"),
    ("agri_growth", "6", "at_least", "", "tốc độ tăng trưởng khu vực nông lâm nghiệp, thủy sản khoảng hơn 6%"),
    ("industrial_value", "3500", "about", "0.05", "giá trị sản xuất công nghiệp đạt gần 3.500 tỷ đồng"),
    ("new_rural_communes", None, "at_least", "", "phấn đấu có thêm 4 xã nông thôn mới"),
    ("trained_workers", "8000", "at_least", "", "đào tạo nghề cho hơn 8 nghìn lao động"),
    ("jobs_created", "9000", "about", "0.05", "tạo việc làm cho gần 9 nghìn lao động"),
    ("poverty_rate", "31", "about", "0.05", "giảm tỷ lệ hộ nghèo xuống còn hơn 31%"),
    ("forest_cover", "43.5", "at_least", "", "phấn đấu tỷ lệ che phủ rừng đạt 43,5%"),
]


def r(x, d):
    """Rounds half up to d decimals."""
    return D(x).quantize(D(1).scaleb(-d), rounding=ROUND_HALF_UP)


def vi(x):
    """A number in the Vietnamese format: 1.234,5."""
    s = f"{x}"
    neg = s.startswith("-")
    s = s.lstrip("-")
    i, f = (s.split(".") + [None])[:2]
    groups = []
    while len(i) > 3:
        groups.insert(0, i[-3:])
        i = i[:-3]
    groups.insert(0, i)
    return ("-" if neg else "") + ".".join(groups) + ("," + f if f else "")


def en(x):
    """A number in the English format: 1,234.5."""
    return vi(x).replace(".", "\0").replace(",", ".").replace("\0", ",")


SOURCES = os.path.join(HERE, "sources")


def extract(shared):
    """Copies the real inputs for Điện Biên out of the public data folder into sources/."""
    pop, names = census_from(shared)
    rows = [["code", "name", "population_2019"], ["11", "Tỉnh Điện Biên", pop["11"]]] + [[d, names[d], pop[d]] for d in DISTRICTS]
    write_text(os.path.join(SOURCES, "census-2019.csv"), csv_text(rows))
    rows = [["code", "name"]] + [list(c) for c in communes_from(shared)]
    write_text(os.path.join(SOURCES, "communes-2025-07.csv"), csv_text(rows))


def read_sources():
    with open(os.path.join(SOURCES, "census-2019.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pop = {r["code"]: int(r["population_2019"]) for r in rows}
    names = {r["code"]: r["name"] for r in rows if r["code"] != "11"}
    with open(os.path.join(SOURCES, "communes-2025-07.csv"), encoding="utf-8") as f:
        communes = [(r["code"], r["name"]) for r in csv.DictReader(f)]
    return pop, names, communes


def census_from(shared):
    """The 2019 census population of the province and its districts (GSO), by code."""
    crosswalk = {}
    with open(os.path.join(shared, "census2019", "census2019_district_code_crosswalk.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["province_code"] == "11":
                crosswalk[row["district_name_census"]] = (row["district_code"], row["district_name_gso_20190911"])
    pop, names = {}, {}
    with open(os.path.join(shared, "census2019", "census2019_population_by_commune_tidy.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["province_name"] != "Tỉnh Điện Biên":
                continue
            if row["row_type"] == "province_total":
                pop["11"] = int(row["total"])
            elif row["row_type"] == "district_total":
                code, name = crosswalk[row["district_name"]]
                pop[code] = int(row["total"])
                names[code] = name
    return pop, names


def communes_from(shared):
    """The 45 communes and wards of Điện Biên from 1 July 2025."""
    with open(os.path.join(shared, "admin-units-2025-07", "communes_20250701_from_1027_CTK-CSCL.csv"), encoding="utf-8") as f:
        return sorted((row["commune_code"], row["commune_name"]) for row in csv.DictReader(f) if row["province_code"] == "11")


# ---------------------------------------------------------------------------------------------------------
# The illustrative series

# District values in the base year: (indicator, year, values in DISTRICTS order)
BASE = {
    "budget_revenue": (2020, ["520.0", "48.5", "35.2", "41.8", "39.6", "72.4", "118.3", "37.9", "44.1", "31.6"]),
    "agri_value": (2019, ["210.5", "65.2", "610.4", "590.8", "520.3", "880.6", "1450.2", "640.7", "560.1", "690.9"]),
    "industrial_value": (2020, ["1180.4", "310.6", "95.3", "120.7", "88.2", "210.5", "380.2", "98.6", "140.3", "76.1"]),
    "total_income": (2020, ["3720.5", "520.8", "1120.4", "1205.7", "1330.2", "2390.5", "3650.9", "1480.3", "1370.6", "1210.2"]),
    "households": (2019, [15210, 2890, 9980, 10450, 12120, 19840, 27450, 14310, 11020, 12530]),
    "poor_households": (2020, [410, 560, 5820, 5210, 5630, 8030, 7120, 7180, 4820, 7210]),
    "trained_workers": (2020, [910, 240, 520, 480, 560, 830, 1240, 530, 470, 460]),
    "jobs_created": (2020, [1450, 310, 560, 720, 640, 910, 1380, 690, 620, 580]),
    "forest_area": (2020, [1820, 7110, 73450, 52180, 29470, 48110, 60870, 52630, 15350, 66220]),
    "natural_area": (2020, [6427, 11252, 157340, 119970, 67820, 113780, 163990, 120620, 44360, 149890]),
}
# Year-on-year ratio: centre and spread.
GROWTH = {
    "budget_revenue": (1.09, 0.05),
    "agri_value": (1.045, 0.02),
    "industrial_value": (1.09, 0.04),
    "total_income": (1.075, 0.03),
    "households": (1.02, 0.006),
    "poor_households": (0.92, 0.03),
    "trained_workers": (1.04, 0.05),
    "jobs_created": (1.03, 0.05),
    "forest_area": (1.006, 0.004),
    "natural_area": (1.0, 0.0),
    "population": (1.017, 0.005),
}
# What the province adds to its districts' sum for ">=" indicators, per year.
PROVINCE_OWN = {
    "budget_revenue": {2020: "1205.3", 2021: "1297.8", 2022: "1340.2", 2023: "1402.6"},
    "trained_workers": {2020: 1850, 2021: 1990, 2022: 2120, 2023: 2210},
}
PROVINCE_ONLY = {
    "grdp_constant": {2019: "14902.6", 2020: "15483.5", 2021: "16272.6", 2022: "17428.2", 2023: "18700.5"},
    "export_import": {2020: "80.2", 2021: "85.4", 2022: "94.6", 2023: "101.3"},
    "new_rural_communes": {2020: 34, 2021: 40, 2022: 44, 2023: 49},
}
# The rank steps of the ratios by district size (largest first): the larger a district, the nearer the
# middle, as a Hidiroglou-Berthelot test expects of units without outliers.
STEPS = [0.0, 0.2, -0.2, 0.4, -0.4, 0.6, -0.6, 0.8, -0.8, 1.0]


def series(pop2019):
    """values[(indicator, area, year)] = Decimal for the districts and the province."""
    rng = random.Random(20220111)
    values = {}
    starts = dict(BASE)
    starts["population"] = (2019, [pop2019[d] for d in DISTRICTS])
    for ind, (first, base) in starts.items():
        centre, spread = GROWTH[ind]
        by_size = sorted(range(10), key=lambda i: -D(str(base[i])))
        cur = [D(str(v)) for v in base]
        for y in range(first, YEARS[-1] + 1):
            for i, d in enumerate(DISTRICTS):
                values[(ind, d, y)] = r(cur[i], DEC[ind])
            sign = 1 if (y + rng.randrange(2)) % 2 == 0 else -1
            ratio = [0] * 10
            for rank, i in enumerate(by_size):
                ratio[i] = D(str(round(centre + spread * STEPS[rank] * sign, 6)))
            cur = [c * q for c, q in zip(cur, ratio)]
        for y in range(first, YEARS[-1] + 1):
            total = sum(values[(ind, d, y)] for d in DISTRICTS)
            total += D(str(PROVINCE_OWN.get(ind, {}).get(y, 0)))
            values[(ind, "11", y)] = total
    values[("population", "11", 2019)] = D(pop2019["11"])  # the census count (the districts sum to it)
    for ind, by_year in PROVINCE_ONLY.items():
        for y, v in by_year.items():
            values[(ind, "11", y)] = D(str(v))
    for area in DISTRICTS + ["11"]:
        for y in YEARS:
            g = lambda ind, yy=y: values[(ind, area, yy)]
            values[("poverty_rate", area, y)] = r(g("poor_households") / g("households") * 100, 1)
            values[("forest_cover", area, y)] = r(g("forest_area") / g("natural_area") * 100, 1)
            values[("income_per_capita", area, y)] = r(g("total_income") * 1000 / g("population"), 1)
            values[("agri_growth", area, y)] = r((g("agri_value") / values[("agri_value", area, y - 1)] - 1) * 100, 2)
    for y in YEARS:
        values[("grdp_growth", "11", y)] = r((values[("grdp_constant", "11", y)] / values[("grdp_constant", "11", y - 1)] - 1) * 100, 2)
    return values


# ---------------------------------------------------------------------------------------------------------
# Writing

def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def csv_text(rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in rows:
        w.writerow(row)
    return out.getvalue()


def xlsx(path, sheet, rows):
    """A minimal .xlsx: one sheet; str cells as inline strings, int/Decimal cells as numbers."""
    def col(i):
        s = ""
        i += 1
        while i:
            i, rem = divmod(i - 1, 26)
            s = chr(65 + rem) + s
        return s

    def esc(t):
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    cells = []
    for ri, row in enumerate(rows, start=1):
        cs = []
        for ci, v in enumerate(row):
            ref = f"{col(ci)}{ri}"
            if v is None or v == "":
                continue
            if isinstance(v, str):
                cs.append(f'<c r="{ref}" t="inlineStr"><is><t>{esc(v)}</t></is></c>')
            else:
                cs.append(f'<c r="{ref}"><v>{v}</v></c>')
        cells.append(f'<row r="{ri}">{"".join(cs)}</row>')
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<sheetData>{"".join(cells)}</sheetData></worksheet>')
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{esc(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 15, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)


def areas_csv(names, communes):
    rows = [["code", "name", "level", "parent", "valid_from", "valid_to"], ["11", "Tỉnh Điện Biên", "province", "", "", ""]]
    for d in DISTRICTS:
        rows.append([d, names[d], "district", "11", "", "2025-06-30"])
    for code, name in communes:
        rows.append([code, name, "commune", "11", "2025-07-01", ""])
    return csv_text(rows)


def indicators_csv():
    head = ["code", "name", "name_en", "unit", "class", "numerator", "denominator", "base", "relation", "decimals", "min", "max",
            "yoy_min", "yoy_max", "levels", "description", "exact"]
    return csv_text([head] + [list(i) + ["true" if i[0] in EXACT else ""] for i in INDICATORS])


def long_rows(values, keys, fmt=vi):
    return [[a, ind, y, fmt(values[(ind, a, y)])] for (ind, a, y) in keys]


ORDER = [i[0] for i in INDICATORS]


def sorted_keys(values, pred):
    return sorted((k for k in values if pred(k)), key=lambda k: (k[2], ORDER.index(k[0]), k[1] != "11", k[1]))


def build_clean(out, values, names, communes):
    d = os.path.join(out, "dien-bien")
    write_text(os.path.join(d, "reference", "areas.csv"), areas_csv(names, communes))
    write_text(os.path.join(d, "reference", "indicators.csv"), indicators_csv())
    targets = [["area", "indicator", "year", "value", "direction", "tolerance", "note"]]
    for ind, value, direction, tol, note in TARGETS:
        if value is None:  # four more communes than the year before
            value = str(values[(ind, "11", 2021)] + 4)
        targets.append(["11", ind, 2022, value, direction, tol, note])
    write_text(os.path.join(d, "reference", "targets.csv"), csv_text(targets))
    header = [["area", "indicator", "year", "value"]]
    write_text(os.path.join(d, "data", "census-2019.csv"),
               csv_text(header + long_rows(values, sorted_keys(values, lambda k: k[0] == "population" and k[2] == 2019))))
    for y in YEARS:
        keys = sorted_keys(values, lambda k, y=y: k[2] == y or (k[2] == y - 1 == 2019 and k[0] in ("agri_value", "grdp_constant")))
        keys = [k for k in keys if not (k[0] == "population" and k[2] == 2019)]
        write_text(os.path.join(d, "data", f"{y}.csv"), csv_text(header + long_rows(values, keys)))
    write_text(os.path.join(d, "statlint.toml"), CLEAN_MANIFEST)


ECONOMY = ["budget_revenue", "agri_value", "agri_growth", "industrial_value", "total_income", "income_per_capita",
           "forest_area", "natural_area", "forest_cover"]
SOCIAL = ["population", "households", "poor_households", "poverty_rate", "trained_workers", "jobs_created"]


def one_digit(a, b):
    sa, sb = str(a), str(b)
    return len(sa) == len(sb) and sum(x != y for x, y in zip(sa, sb)) == 1


def build_submission(out, values, names, communes):
    """The 2023 reports as the provincial office receives them, with the planted errors of the README."""
    d = os.path.join(out, "dien-bien-submission")
    sub = dict(values)  # what the districts report
    # 1. 097 types its revenue in triệu đồng under a "Tỷ đồng" header.
    sub[("budget_revenue", "097", 2023)] = values[("budget_revenue", "097", 2023)] * 1000
    # 2. A one-digit typo in 101's industrial output, the only child such a change explains.
    true = values[("industrial_value", "101", 2023)]
    typo = D(str(true)[:-3] + str((int(str(true)[-3]) + 3) % 10) + str(true)[-2:])
    delta = true - typo
    others = [values[("industrial_value", x, 2023)] for x in DISTRICTS if x != "101"]
    assert not any(one_digit(v, v + delta) for v in others), "the typo must be the only one-digit explanation"
    sub[("industrial_value", "101", 2023)] = typo
    # 3. 097 and 103 entered each other's new jobs.
    sub[("jobs_created", "097", 2023)], sub[("jobs_created", "103", 2023)] = values[("jobs_created", "103", 2023)], values[("jobs_created", "097", 2023)]
    # 5. 102 writes its poverty rate as a fraction.
    sub[("poverty_rate", "102", 2023)] = r(values[("poverty_rate", "102", 2023)] / 100, 3)
    # 8. The province publishes a growth rate its own GRDP series does not give.
    sub[("grdp_growth", "11", 2023)] = D("9.50")

    write_text(os.path.join(d, "reference", "areas.csv"), areas_csv(names, communes))
    write_text(os.path.join(d, "reference", "indicators.csv"), indicators_csv())
    header = [["area", "indicator", "year", "value"]]
    # The series published for 2020-2022 (with the 2019 bases of the growth rates).
    keys = sorted_keys(values, lambda k: k[2] <= 2022)
    write_text(os.path.join(d, "published", "2019-2022.csv"), csv_text(header + long_rows(values, keys)))
    # The province departments' 2023 totals: right for every indicator.
    keys = sorted_keys(values, lambda k: k[2] == 2023 and k[1] == "11")
    write_text(os.path.join(d, "tinh", "2023.csv"), csv_text(header + long_rows(sub, keys)))
    # Each district: an economy form and a social form.
    csv_districts = {"094", "096", "098", "100", "102"}
    for dist in DISTRICTS:
        for form, inds in (("kinh-te", ECONOMY), ("xa-hoi", SOCIAL)):
            if dist == "099" and form == "xa-hoi":
                continue  # 4. Tuần Giáo's social report did not arrive.
            rows = [[ind, sub[(ind, dist, 2023)]] for ind in inds]
            if dist == "094" and form == "kinh-te":
                rows.insert(4, list(rows[3]))  # 6. a row pasted twice
            if dist == "103" and form == "kinh-te":
                # 9. an estimate for 2025, when the district no longer exists
                rows.append(["budget_revenue", r(values[("budget_revenue", "103", 2023)] * D("1.18"), 1), 2025])
            name = f"{dist}-{form}"
            if dist in csv_districts:
                english = dist == "100" and form == "kinh-te"
                fmt = en if english else vi
                lines = [["chi_tieu", "nam", "gia_tri"]]
                for row in rows:
                    text = fmt(row[1])
                    if english and row[0] == "agri_value":
                        text = vi(row[1]).replace(".", "")  # 7. a decimal comma in a file declared English
                    lines.append([row[0], row[2] if len(row) > 2 else 2023, text])
                write_text(os.path.join(d, "huyen", f"{name}.csv"), csv_text(lines))
            else:
                sheet = [[f"BÁO CÁO {'KINH TẾ' if form == 'kinh-te' else 'XÃ HỘI'} NĂM 2023 - {names[dist].upper()}"], [], ["Chỉ tiêu", "Năm", "Giá trị"]]
                for row in rows:
                    sheet.append([row[0], row[2] if len(row) > 2 else 2023, row[1]])
                sheet[1] = ["Đơn vị tính: theo từng chỉ tiêu"]
                xlsx(os.path.join(d, "huyen", f"{name}.xlsx"), "Báo cáo", sheet)
    files = []
    for dist in DISTRICTS:
        for form in ("kinh-te", "xa-hoi"):
            if dist == "099" and form == "xa-hoi":
                continue
            name = f"{dist}-{form}"
            if dist in csv_districts:
                locale = "en" if (dist == "100" and form == "kinh-te") else "vi"
                files.append(f'[[file]]\npath = "huyen/{name}.csv"\narea = "{dist}"\nlocale = "{locale}"\n'
                             'columns = { indicator = "chi_tieu", year = "nam", value = "gia_tri" }\n')
            else:
                files.append(f'[[file]]\npath = "huyen/{name}.xlsx"\narea = "{dist}"\nsheet = "Báo cáo"\nheader_row = 3\n'
                             'columns = { indicator = "Chỉ tiêu", year = "Năm", value = "Giá trị" }\n')
    write_text(os.path.join(d, "statlint.toml"), SUBMISSION_MANIFEST + "\n".join(files))


CLEAN_MANIFEST = """# Điện Biên province (code 11) and its 10 district-level units (codes 094–103), 2020–2023, with the targets
# of the province's 2022 resolution. The 2019 census population is real; every other figure is illustrative
# (written by build.py, consistent with the province totals). See README.md.
[dataset]
name = "dien-bien"
title = "Điện Biên province: the indicators of the 2022 resolution, by district"
description = "2019 census population (GSO); other figures illustrative, generated by build.py"
first_year = 2020
last_year = 2023

[reference]
areas = "reference/areas.csv"
indicators = "reference/indicators.csv"
targets = "reference/targets.csv"

[defaults]
locale = "vi"

[[file]]
path = "data/census-2019.csv"

[[file]]
path = "data/20*.csv"
"""

SUBMISSION_MANIFEST = """# The 2023 reports of Điện Biên's districts as the provincial statistics office receives them: an economy form
# and a social form from each district (CSV or Excel), the province departments' totals, and the series
# published for 2019–2022. Nine errors are planted; README.md lists them. Figures are illustrative except the
# 2019 census population.
[dataset]
name = "dien-bien-submission"
title = "Điện Biên province: the districts' 2023 reports"
first_year = 2020
last_year = 2023

[reference]
areas = "reference/areas.csv"
indicators = "reference/indicators.csv"

[defaults]
locale = "vi"

[[file]]
path = "published/2019-2022.csv"

[[file]]
path = "tinh/2023.csv"

"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "datasets"))
    ap.add_argument("--extract", metavar="SHARED_DATA", help="rewrite sources/ from the public data folder first")
    args = ap.parse_args()
    if args.extract:
        extract(args.extract)
    pop2019, names, communes = read_sources()
    values = series(pop2019)
    build_clean(args.out, values, names, communes)
    build_submission(args.out, values, names, communes)


if __name__ == "__main__":
    main()
