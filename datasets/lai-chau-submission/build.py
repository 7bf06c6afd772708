#!/usr/bin/env python3
"""Builds the lai-chau-submission dataset: the published series 2019-2022, the province's 2023 totals and the
districts' 2023 forms (CSV and Excel), with the planted errors listed in answers.csv and README.md.

    pip install openpyxl
    python3 build.py          # from this folder; rewrites published/, tinh/, huyen/ and answers.csv

Figures are illustrative (a seeded random walk), except the 2019 population, which is the 2019 census count
(GSO, via github.com/hgscarlette/vn-demographic). Deterministic: the same files every run.
"""
import csv
import datetime
import os
import random
import re
import zipfile
from decimal import Decimal, ROUND_HALF_UP

import openpyxl
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(1205)

PROV = "12"
D = ["105", "106", "107", "108", "109", "110", "111", "112"]
NAMES = {
    "12": "Tỉnh Lai Châu",
    "105": "Thành phố Lai Châu", "106": "Huyện Tam Đường", "107": "Huyện Mường Tè",
    "108": "Huyện Sìn Hồ", "109": "Huyện Phong Thổ", "110": "Huyện Than Uyên",
    "111": "Huyện Tân Uyên", "112": "Huyện Nậm Nhùn",
}
YEARS = [2019, 2020, 2021, 2022, 2023]

# code, Vietnamese name, unit as printed on forms, decimals
IND = [
    ("population", "Dân số trung bình", "Người", 0),
    ("households", "Số hộ dân cư", "Hộ", 0),
    ("poor_households", "Số hộ nghèo", "Hộ", 0),
    ("poverty_rate", "Tỷ lệ hộ nghèo", "%", 2),
    ("natural_area", "Diện tích đất tự nhiên", "km²", 2),
    ("pop_density", "Mật độ dân số", "Người/km²", 1),
    ("budget_revenue", "Thu ngân sách nhà nước trên địa bàn", "Tỷ đồng", 1),
    ("industrial_value", "Giá trị sản xuất công nghiệp (giá so sánh 2010)", "Tỷ đồng", 1),
    ("agri_value", "Giá trị sản xuất nông, lâm nghiệp và thủy sản (giá so sánh 2010)", "Tỷ đồng", 1),
    ("agri_growth", "Tốc độ tăng giá trị sản xuất nông, lâm nghiệp và thủy sản", "%", 2),
    ("paddy_area", "Diện tích gieo trồng lúa cả năm", "Ha", 0),
    ("rice_production", "Sản lượng lúa cả năm", "Tấn", 0),
    ("tea_area", "Diện tích chè", "Ha", 1),
    ("total_income", "Tổng thu nhập của dân cư", "Tỷ đồng", 1),
    ("income_per_capita", "Thu nhập bình quân đầu người", "Triệu đồng/người", 1),
    ("jobs_created", "Số lao động được giải quyết việc làm mới", "Lao động", 0),
    ("trained_workers", "Số lao động được đào tạo nghề", "Lao động", 0),
    ("health_communes", "Số xã đạt Bộ tiêu chí quốc gia về y tế", "Xã", 0),
    ("new_rural_communes", "Số xã đạt chuẩn nông thôn mới (lũy kế)", "Xã", 0),
]
DEC = {c: d for c, _, _, d in IND}
VN = {c: n for c, n, _, _ in IND}
UNIT = {c: u for c, _, u, _ in IND}
ECON = ["budget_revenue", "industrial_value", "agri_value", "agri_growth", "paddy_area", "rice_production",
        "tea_area", "total_income", "income_per_capita"]
SOC = ["population", "households", "poor_households", "poverty_rate", "natural_area", "pop_density",
       "jobs_created", "trained_workers", "health_communes", "new_rural_communes"]


def q(x, d):
    """Decimal rounded half up to d places."""
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------------------------------
# The true series, district by district

CENSUS_2019 = {"105": 41771, "106": 56079, "107": 46143, "108": 83643, "109": 79645, "110": 67550,
               "111": 58104, "112": 27261}  # 2019 census, 1 April 2019 (real)
AREA_KM2 = {"105": "70.77", "106": "684.52", "107": "2679.34", "108": "1526.96", "109": "1029.03",
            "110": "796.76", "111": "897.32", "112": "1384.08"}  # illustrative, near the official figures
HH_SIZE = {"105": 3.9, "106": 5.1, "107": 5.0, "108": 5.4, "109": 5.3, "110": 4.8, "111": 4.9, "112": 5.2}
POOR_2019 = {"105": 4.8, "106": 26.0, "107": 42.0, "108": 38.0, "109": 33.0, "110": 18.0, "111": 21.0, "112": 40.0}
BUDGET = {"105": 310.5, "106": 58.2, "107": 45.6, "108": 38.9, "109": 52.4, "110": 86.3, "111": 64.8, "112": 41.2}
PROV_BUDGET_OWN = 1905.4  # collected by the province's departments directly (hydropower, enterprises)
INDUS = {"105": 820.0, "106": 310.5, "107": 2150.0, "108": 640.3, "109": 420.8, "110": 1180.2, "111": 560.4,
         "112": 1890.6}
AGRI = {"105": 95.4, "106": 512.3, "107": 318.7, "108": 486.2, "109": 455.9, "110": 602.8, "111": 548.1,
        "112": 210.5}
PADDY = {"105": 412, "106": 4126, "107": 2980, "108": 5870, "109": 4320, "110": 5120, "111": 4260, "112": 1890}
RICE_YIELD = {"105": 44.7, "106": 43.5, "107": 33.0, "108": 36.4, "109": 35.4, "110": 48.1, "111": 46.6,
              "112": 34.0}  # tạ/ha
TEA = {"105": 486.5, "106": 3186.4, "107": 57.0, "108": 846.2, "109": 1024.8, "110": 1386.2, "111": 3052.7,
       "112": 120.4}
IPC = {"105": 58.0, "106": 28.5, "107": 21.0, "108": 20.4, "109": 22.8, "110": 33.5, "111": 30.2, "112": 21.6}
JOBS = {"105": 1210, "106": 820, "107": 540, "108": 910, "109": 880, "110": 1020, "111": 860, "112": 430}
TRAINED = {"105": 1480, "106": 1190, "107": 610, "108": 1020, "109": 980, "110": 1160, "111": 990, "112": 520}
HEALTH = {"105": 5, "106": 9, "107": 7, "108": 12, "109": 10, "110": 9, "111": 6, "112": 5}
HEALTH_MAX = {"105": 7, "106": 13, "107": 14, "108": 22, "109": 17, "110": 12, "111": 10, "112": 11}
NTM = {"105": 2, "106": 6, "107": 2, "108": 4, "109": 3, "110": 6, "111": 5, "112": 1}
NTM_MAX = {"105": 2, "106": 12, "107": 13, "108": 21, "109": 16, "110": 11, "111": 9, "112": 10}

T = {}  # (area, indicator, year) -> Decimal, as printed

def put(a, i, y, v):
    T[(a, i, y)] = q(v, DEC[i])


for d in D:
    pop = CENSUS_2019[d]
    hh = pop / HH_SIZE[d]
    rate = POOR_2019[d]
    budget, indus, agri = BUDGET[d], INDUS[d], AGRI[d]
    paddy, tea, ipc = PADDY[d], TEA[d], IPC[d]
    jobs, trained = JOBS[d], TRAINED[d]
    health, ntm = HEALTH[d], NTM[d]
    for y in YEARS:
        if y > 2019:
            pop *= 1.049 if (d == "105" and y == 2023) else rng.uniform(1.012, 1.024)
            hh *= rng.uniform(1.012, 1.036)
            rate *= rng.uniform(0.82, 0.92)
            budget *= rng.uniform(0.93, 1.14)
            indus *= rng.uniform(0.96, 1.11)
            agri *= 0.968 if (d == "107" and y == 2023) else rng.uniform(0.985, 1.075)
            paddy *= rng.uniform(0.985, 1.015)
            tea *= rng.uniform(1.005, 1.07) if TEA[d] > 100 else 1.0
            ipc *= rng.uniform(1.04, 1.10)
            jobs *= rng.uniform(0.88, 1.16)
            trained *= rng.uniform(0.88, 1.16)
            health = min(HEALTH_MAX[d], health + rng.choice([0, 0, 1, 1, 1]))
            ntm = min(NTM_MAX[d], ntm + rng.choice([0, 1, 1]))
        if d == "106" and y == 2022:
            health -= 1  # a commune lost its standard at re-evaluation (silent: a real -1)
        if d == "109" and y == 2023:
            ntm = int(T[("109", "new_rural_communes", 2022)]) + 1
        put(d, "population", y, round(pop) if y > 2019 else CENSUS_2019[d])
        put(d, "households", y, round(hh))
        put(d, "poor_households", y, round(hh * rate / 100))
        put(d, "natural_area", y, AREA_KM2[d])
        put(d, "budget_revenue", y, budget)
        put(d, "industrial_value", y, indus)
        put(d, "agri_value", y, agri)
        put(d, "paddy_area", y, round(paddy))
        put(d, "rice_production", y, round(paddy * RICE_YIELD[d] * rng.uniform(0.97, 1.03) / 10))
        put(d, "tea_area", y, tea)
        put(d, "total_income", y, ipc * float(T[(d, "population", y)]) / 1000)
        put(d, "jobs_created", y, round(jobs))
        put(d, "trained_workers", y, round(trained))
        put(d, "health_communes", y, health)
        put(d, "new_rural_communes", y, ntm)

# Province: additive indicators are the sums of the districts (budget: plus what the province collects)
ADDITIVE = ["population", "households", "poor_households", "natural_area", "budget_revenue", "industrial_value",
            "agri_value", "paddy_area", "rice_production", "tea_area", "total_income", "jobs_created",
            "trained_workers", "health_communes", "new_rural_communes"]
own = PROV_BUDGET_OWN
for y in YEARS:
    for i in ADDITIVE:
        T[(PROV, i, y)] = sum(T[(d, i, y)] for d in D)
    if y > 2019:
        own *= rng.uniform(0.95, 1.10)
    T[(PROV, "budget_revenue", y)] += q(own, 1)

# Derived indicators, from the printed parts
AGRI_GROWTH_2019 = {"12": 4.62, "105": 2.10, "106": 5.35, "107": 3.02, "108": 4.48, "109": 4.11, "110": 5.86,
                    "111": 5.20, "112": 3.74}  # need the 2018 level: published as they were
for a in [PROV] + D:
    for y in YEARS:
        T[(a, "poverty_rate", y)] = q(T[(a, "poor_households", y)] / T[(a, "households", y)] * 100, 2)
        T[(a, "pop_density", y)] = q(T[(a, "population", y)] / T[(a, "natural_area", y)], 1)
        T[(a, "income_per_capita", y)] = q(T[(a, "total_income", y)] * 1000 / T[(a, "population", y)], 1)
        if y == 2019:
            T[(a, "agri_growth", y)] = q(AGRI_GROWTH_2019[a], 2)
        else:
            T[(a, "agri_growth", y)] = q((T[(a, "agri_value", y)] / T[(a, "agri_value", y - 1)] - 1) * 100, 2)

# ------------------------------------------------------------------------------------------------------
# Number formatting

def fmt(v, d, locale):
    """v (Decimal) printed with d decimals in the Vietnamese (1.234,5) or English (1,234.5) format."""
    v = q(v, d)
    s = f"{abs(v):,.{d}f}"
    if locale == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if v < 0 else "") + s

def vi(a, i, y):
    return fmt(T[(a, i, y)], DEC[i], "vi")

def en(a, i, y):
    return fmt(T[(a, i, y)], DEC[i], "en")

def num(a, i, y):
    """A spreadsheet number."""
    v = T[(a, i, y)]
    return int(v) if DEC[i] == 0 else float(v)


ANSWERS = []

def answer(area, indicator, year, kind, also, note):
    ANSWERS.append((area, indicator, year, kind, also, note))


def write_csv(rel, rows, delimiter=","):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        for r in rows:
            w.writerow(r)


def write_xlsx(rel, sheet, rows, widths=None):
    """rows: lists of cell values; returns nothing. Row 1 of the list is sheet row 1."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    ws["A1"].font = Font(bold=True)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.0#"
            elif isinstance(cell.value, int) and cell.value >= 10000:
                cell.number_format = "#,##0"
    for col, w in (widths or {}).items():
        ws.column_dimensions[col].width = w
    wb.properties.creator = "Phòng Thống kê"
    wb.properties.created = wb.properties.modified = datetime.datetime(2024, 1, 15, 8, 0, 0)
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    wb.save(path)
    # openpyxl stamps the save time into docProps/core.xml and the zip entries: fix both, so that a rebuild
    # gives the same bytes
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-15T08:00:00Z", data)
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 15, 8, 0, 0)), data, zipfile.ZIP_DEFLATED)


# ------------------------------------------------------------------------------------------------------
# published/2019-2022.csv: wide by year, Vietnamese format

rows = [["Mã ĐVHC", "Tên đơn vị", "Mã chỉ tiêu", "2019", "2020", "2021", "2022"]]
pub = {}
for a in [PROV] + D:
    for c, _, _, _ in IND:
        pub[(a, c)] = [vi(a, c, y) for y in [2019, 2020, 2021, 2022]]
# planted: the province's published 2021 agricultural growth is not what its own level series gives
true_g = T[(PROV, "agri_growth", 2021)]
wrong_g = q(true_g + Decimal("1.85"), 2)
pub[(PROV, "agri_growth")][2] = fmt(wrong_g, 2, "vi")
for a in [PROV] + D:
    for c, _, _, _ in IND:
        rows.append([a, NAMES[a], c] + pub[(a, c)])
write_csv("published/2019-2022.csv", rows)
line = 1 + 1 + [c for c, _, _, _ in IND].index("agri_growth")
answer(PROV, "agri_growth", 2021, "growth_vs_level", "",
       f"published/2019-2022.csv:{line}, column 2021: {fmt(wrong_g, 2, 'vi')} % published where the province's own "
       f"agri_value series gives {fmt(T[(PROV, 'agri_value', 2021)], 1, 'vi')} / {fmt(T[(PROV, 'agri_value', 2020)], 1, 'vi')} "
       f"- 1 = {fmt(true_g, 2, 'vi')} %")

# ------------------------------------------------------------------------------------------------------
# tinh/2023.csv: the province departments' totals, semicolon-separated, wide by year (one year column)

Y = 2023
prov = {c: vi(PROV, c, Y) for c, _, _, _ in IND}
# planted: the total income leaves out Mường Tè (107); the department's income per capita is computed from it
left = T[(PROV, "total_income", Y)] - T[("107", "total_income", Y)]
prov["total_income"] = fmt(left, 1, "vi")
ipc_left = q(left * 1000 / T[(PROV, "population", Y)], 1)
prov["income_per_capita"] = fmt(ipc_left, 1, "vi")
# planted: paddy area counts Phong Thổ (109) twice
dbl = T[(PROV, "paddy_area", Y)] + T[("109", "paddy_area", Y)]
prov["paddy_area"] = fmt(dbl, 0, "vi")
rows = [["STT", "Chỉ tiêu", "Mã số", "Đơn vị tính", "Năm 2023"]]
for k, (c, n, u, _) in enumerate(IND, 1):
    rows.append([k, n, c, u, prov[c]])
write_csv("tinh/2023.csv", rows, delimiter=";")
tline = lambda c: 2 + [x for x, _, _, _ in IND].index(c)
answer(PROV, "total_income", Y, "left_out", "",
       f"tinh/2023.csv:{tline('total_income')}: {prov['total_income']} tỷ đồng is the districts' sum "
       f"{vi(PROV, 'total_income', Y)} without Mường Tè (107, {vi('107', 'total_income', Y)}); the department computed "
       f"the province's income per capita (line {tline('income_per_capita')}: {prov['income_per_capita']} for "
       f"{vi(PROV, 'income_per_capita', Y)}) from this total")
answer(PROV, "paddy_area", Y, "double_counted", "",
       f"tinh/2023.csv:{tline('paddy_area')}: {prov['paddy_area']} is the districts' sum "
       f"{vi(PROV, 'paddy_area', Y)} plus Phong Thổ (109, {vi('109', 'paddy_area', Y)}) a second time")

# ------------------------------------------------------------------------------------------------------
# The districts' forms

# 105 Thành phố Lai Châu: two workbooks, Vietnamese indicator names, a unit column in the economy form
rows = [["ỦY BAN NHÂN DÂN THÀNH PHỐ LAI CHÂU"],
        ["BIỂU 01: MỘT SỐ CHỈ TIÊU KINH TẾ NĂM 2023"],
        [],
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Năm", "Thực hiện", "Ghi chú"]]
for k, c in enumerate(ECON, 1):
    rows.append([k, VN[c], UNIT[c], Y, num("105", c, Y), None])
est = q(T[("105", "budget_revenue", Y)] * Decimal("1.21"), 1)
rows.append([len(ECON) + 1, VN["budget_revenue"], "Tỷ đồng", 2025, float(est), "Ước thực hiện 2025"])
write_xlsx("huyen/105-kinh-te.xlsx", "Biểu 01-KT", rows, {"B": 62, "C": 18})
answer("105", "budget_revenue", 2025, "area_validity", "",
       f"huyen/105-kinh-te.xlsx 'Biểu 01-KT'!E{4 + len(ECON) + 1}: an estimate of budget revenue for 2025 "
       f"({fmt(est, 1, 'vi')} tỷ đồng), a year the district does not exist through (abolished 1 July 2025)")

rows = [["ỦY BAN NHÂN DÂN THÀNH PHỐ LAI CHÂU"],
        ["BIỂU 02: MỘT SỐ CHỈ TIÊU XÃ HỘI NĂM 2023"],
        ["Mã chỉ tiêu", "Tên chỉ tiêu", "Năm", "Số liệu"]]
for c in SOC:
    v = num("105", c, Y)
    if c == "natural_area":
        v = vi("105", c, Y) + " km²"
    rows.append([c, VN[c], Y, v])
write_xlsx("huyen/105-xa-hoi.xlsx", "Biểu 02-XH", rows, {"B": 50})
answer("105", "natural_area", Y, "unit_in_number", PROV,
       f"huyen/105-xa-hoi.xlsx 'Biểu 02-XH'!D{3 + 1 + SOC.index('natural_area')}: the area typed as text with its "
       f"unit, '{vi('105', 'natural_area', Y)} km²', in a number column; the value is rejected, so the province's "
       f"natural_area total has a gap")

# 106 Tam Đường: CSV, Vietnamese format, semicolons, two title lines above the header
for form, inds, title in [("kinh-te", ECON, "BIỂU 01 - KINH TẾ"), ("xa-hoi", SOC, "BIỂU 02 - XÃ HỘI")]:
    rows = [[f"UBND HUYỆN TAM ĐƯỜNG - {title} - NĂM 2023", "", "", "", ""],
            ["Đơn vị tính: theo từng chỉ tiêu", "", "", "", ""],
            ["STT", "Mã chỉ tiêu", "Tên chỉ tiêu", "Năm", "Thực hiện"]]
    for k, c in enumerate(inds, 1):
        v = vi("106", c, Y)
        if c == "trained_workers":
            v = fmt(T[("106", c, Y)], 0, "en")  # typed with an English thousands comma
            tw_line = 3 + k
            tw_v = v
        rows.append([k, c, VN[c], Y, v])
    write_csv(f"huyen/106-{form}.csv", rows, delimiter=";")
answer("106", "trained_workers", Y, "thousands_ambiguous", PROV,
       f"huyen/106-xa-hoi.csv:{tw_line}: '{tw_v}' workers typed with a thousands comma in a file in the Vietnamese "
       f"format, where ',' is the decimal separator: it reads as {tw_v.replace(',', '.')}")

# 107 Mường Tè: CSV, English format, wide by indicator (one row per year, indicator codes as headers)
for form, inds in [("kinh-te", ECON), ("xa-hoi", SOC)]:
    vals = []
    for c in inds:
        v = en("107", c, Y)
        if c == "agri_value":
            v = vi("107", c, Y)  # the decimal comma of a clerk used to the Vietnamese format
            dc = v
        if c == "poverty_rate":
            v = fmt(T[("107", c, Y)] / 100, 4, "en")
            fr = v
        vals.append(v)
    write_csv(f"huyen/107-{form}.csv", [["Year"] + inds, [Y] + vals])
answer("107", "agri_value", Y, "decimal_comma_en", PROV,
       f"huyen/107-kinh-te.csv:2, column agri_value: '{dc}' with a decimal comma in a file declared English "
       f"(locale en); the province's agri_value total can then not be checked")
answer("107", "poverty_rate", Y, "fraction", "",
       f"huyen/107-xa-hoi.csv:2, column poverty_rate: {fr} written as a fraction for "
       f"{en('107', 'poverty_rate', Y)} %")

# 108 Sìn Hồ: one workbook (economy), last year's column beside this year's; the social form never arrived
jump = q(T[("108", "income_per_capita", 2022)] * Decimal("1.37"), 1)
rows = [["UBND HUYỆN SÌN HỒ"],
        ["BÁO CÁO CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU NĂM 2023 (PHẦN KINH TẾ)"],
        [],
        ["Mã số", "Chỉ tiêu", "ĐVT", "Năm 2022", "Năm 2023"]]
for c in ECON:
    v23 = num("108", c, Y)
    if c == "income_per_capita":
        v23 = float(jump)
        ipc_row = len(rows) + 1
    rows.append([c, VN[c], UNIT[c].lower(), num("108", c, 2022), v23])
write_xlsx("huyen/108-kinh-te.xlsx", "Sheet1", rows, {"B": 62})
answer("108", "income_per_capita", Y, "per_capita_jump", "",
       f"huyen/108-kinh-te.xlsx Sheet1!E{ipc_row}: income per capita {fmt(jump, 1, 'vi')} triệu đồng/người, +37 % "
       f"on 2022's {vi('108', 'income_per_capita', 2022)} (its total income grew as usual: "
       f"{vi('108', 'total_income', 2022)} → {vi('108', 'total_income', Y)} tỷ đồng)")
answer("108", "", Y, "missing_report", PROV,
       "no huyen/108-xa-hoi.*: Sìn Hồ's social form (population, households, poverty, area, density, jobs, "
       "training, health and new-countryside communes) did not arrive; the province totals of these indicators "
       "then have a gap of exactly Sìn Hồ's values")

# 109 Phong Thổ: CSV, Vietnamese format, Vietnamese indicator names, unit column in the economy form
rows = [["Chỉ tiêu", "Đơn vị tính", "Năm", "Giá trị"]]
for c in ECON:
    v = vi("109", c, Y)
    if c == "rice_production":
        good = v
        digits = list(v)
        # change one digit: the hundreds
        pos = len(digits) - 3
        digits[pos] = str((int(digits[pos]) + 5) % 10)
        v = "".join(digits)
        typo, typo_line = v, len(rows) + 1
    rows.append([VN[c], UNIT[c], Y, v])
write_csv("huyen/109-kinh-te.csv", rows)
answer("109", "rice_production", Y, "typo", PROV,
       f"huyen/109-kinh-te.csv:{typo_line}: rice production {typo} tấn for {good} (one digit wrong); the province "
       f"total tinh/2023.csv:{tline('rice_production')} is the true sum")
rows = [["Chỉ tiêu", "Năm", "Giá trị"]]
for c in SOC:
    v = vi("109", c, Y)
    if c == "new_rural_communes":
        incr = int(T[("109", c, Y)] - T[("109", c, 2022)])
        v = str(incr)
        ntm_line = len(rows) + 1
    rows.append([VN[c], Y, v])
write_csv("huyen/109-xa-hoi.csv", rows)
answer("109", "new_rural_communes", Y, "cumulative_as_increment", PROV,
       f"huyen/109-xa-hoi.csv:{ntm_line}: {incr}, the communes recognised in 2023, where the indicator is cumulative "
       f"({vi('109', 'new_rural_communes', Y)}); the province total counts the cumulative figure")

# 110 Than Uyên: workbooks with a serial-number column outside the read range
def xlsx_range_form(rel, title, inds, area, override):
    rows = [[title], ["Đơn vị tính: theo từng chỉ tiêu"], [],
            ["STT", "Chỉ tiêu", "Năm", "Giá trị"]]
    cells = {}
    for k, c in enumerate(inds, 1):
        v = override.get(c, num(area, c, Y))
        rows.append([k, c, Y, v])
        cells[c] = f"D{len(rows)}"
    write_xlsx(rel, "Báo cáo", rows)
    return cells

tv = vi("110", "tea_area", Y)
# transpose the first two digits that differ
s = list(tv)
ds_ = [k for k, ch in enumerate(s) if ch.isdigit()]
for a_, b_ in list(zip(ds_, ds_[1:]))[1:]:  # after the leading digit, the first two adjacent digits that differ
    if s[a_] != s[b_]:
        s[a_], s[b_] = s[b_], s[a_]
        break
tv_bad = "".join(s)
tv_bad_num = float(tv_bad.replace(".", "").replace(",", "."))
cells = xlsx_range_form("huyen/110-kinh-te.xlsx", "UBND HUYỆN THAN UYÊN - BIỂU KINH TẾ NĂM 2023", ECON, "110",
                        {"tea_area": tv_bad_num})
answer("110", "tea_area", Y, "transposed", PROV,
       f"huyen/110-kinh-te.xlsx 'Báo cáo'!{cells['tea_area']}: tea area {tv_bad} ha for {tv} (two adjacent digits "
       f"transposed)")
h110, h111 = num("110", "health_communes", Y), num("111", "health_communes", Y)
cells = xlsx_range_form("huyen/110-xa-hoi.xlsx", "UBND HUYỆN THAN UYÊN - BIỂU XÃ HỘI NĂM 2023", SOC, "110",
                        {"health_communes": h111})
swap_cell = cells["health_communes"]

# 111 Tân Uyên: CSV, English format, default headers (indicator, year, value)
rows = [["indicator", "year", "value"]]
for c in ECON:
    v = en("111", c, Y)
    if c == "budget_revenue":
        v = fmt(T[("111", c, Y)] * 1000, 0, "en")  # in triệu đồng
        sc, sc_line = v, len(rows) + 1
    rows.append([c, Y, v])
write_csv("huyen/111-kinh-te.csv", rows)
answer("111", "budget_revenue", Y, "scale", PROV,
       f"huyen/111-kinh-te.csv:{sc_line}: budget revenue {sc} in triệu đồng where tỷ đồng is declared "
       f"({en('111', 'budget_revenue', Y)} tỷ đồng)")
rows = [["indicator", "year", "value"]]
for c in SOC:
    v = en("111", c, Y)
    if c == "health_communes":
        v = str(h110)
        sw_line = len(rows) + 1
    rows.append([c, Y, v])
write_csv("huyen/111-xa-hoi.csv", rows)
answer("110", "health_communes", Y, "swap", "111",
       f"huyen/110-xa-hoi.xlsx 'Báo cáo'!{swap_cell} holds {h111} and huyen/111-xa-hoi.csv:{sw_line} holds {h110}: "
       f"Than Uyên and Tân Uyên entered each other's communes meeting the health standard (true: 110 {h110}, "
       f"111 {h111}); the province total is unchanged")

# 112 Nậm Nhùn: workbooks, Vietnamese names, title rows, header on row 5
def xlsx_names_form(rel, title, inds, override, dup=None, year_override=None):
    rows = [["ỦY BAN NHÂN DÂN HUYỆN NẬM NHÙN"], [title], ["(Kèm theo báo cáo số 215/BC-UBND)"], [],
            ["Chỉ tiêu", "Năm", "Số liệu"]]
    cells = {}
    for c in inds:
        yy = (year_override or {}).get(c, Y)
        rows.append([VN[c], yy, override.get(c, num("112", c, Y))])
        cells[c] = len(rows)
        if c == dup:
            rows.append([VN[c], Y, override.get(c, num("112", c, Y))])
            cells[c + "#2"] = len(rows)
    write_xlsx(rel, "Biểu số 01", rows, {"A": 62})
    return cells

iv = T[("112", "industrial_value", Y)]
iv_bad = float(q(iv / 10, 2))
cells = xlsx_names_form("huyen/112-kinh-te.xlsx", "BÁO CÁO KINH TẾ NĂM 2023", ECON,
                        {"industrial_value": iv_bad}, dup="agri_value")
answer("112", "industrial_value", Y, "decimal_shift", PROV,
       f"huyen/112-kinh-te.xlsx 'Biểu số 01'!C{cells['industrial_value']}: industrial output "
       f"{fmt(Decimal(str(iv_bad)), 2, 'vi')} for {vi('112', 'industrial_value', Y)} tỷ đồng (decimal point one place to the left)")
answer("112", "agri_value", Y, "duplicate", "",
       f"huyen/112-kinh-te.xlsx 'Biểu số 01'!A{cells['agri_value#2']}:C{cells['agri_value#2']}: the agricultural output row "
       f"(row {cells['agri_value']}) pasted a second time, same value")
cells = xlsx_names_form("huyen/112-xa-hoi.xlsx", "BÁO CÁO XÃ HỘI NĂM 2023", SOC, {},
                        year_override={"pop_density": 2032})
answer("112", "pop_density", Y, "year_typo", "2032",
       f"huyen/112-xa-hoi.xlsx 'Biểu số 01'!B{cells['pop_density']}: year typed 2032 for 2023 "
       f"(population density {vi('112', 'pop_density', Y)})")

# ------------------------------------------------------------------------------------------------------
ORDER = ["scale", "typo", "transposed", "decimal_shift", "left_out", "double_counted", "swap", "missing_report",
         "fraction", "duplicate", "decimal_comma_en", "thousands_ambiguous", "growth_vs_level", "area_validity",
         "year_typo", "per_capita_jump", "cumulative_as_increment", "unit_in_number"]
ANSWERS.sort(key=lambda r: ORDER.index(r[3]))
write_csv("answers.csv", [["area", "indicator", "year", "kind", "also", "note"]] + [list(r) for r in ANSWERS])

# A summary of the true 2023 values, for the README
if __name__ == "__main__" and os.environ.get("SHOW"):
    for c, _, _, _ in IND:
        print(c, [str(T[(a, c, 2022)]) + "→" + str(T[(a, c, 2023)]) for a in [PROV] + D])
