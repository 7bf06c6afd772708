//! A synthetic national panel for benchmarks and scale tests: 1 nation, 63 provinces, 700 districts and
//! 10,000 communes with an uneven fan-out, N indicators of mixed additivity classes over Y years, and planted
//! errors of every class the check library detects, at recorded positions (`planted.json`).
//!
//! The clean data is exactly consistent: a commune's additive value is k·(20 + t) tenths in year t, so every
//! area grows by the same ratio from year to year, parents are the exact sums of their children, and rates are
//! computed from their parts. Every finding on a generated panel therefore comes from a planted error, and
//! [`Planted::explains`] says which findings each error may cause.

use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// The panel sizes of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// 10 indicators × 2 years: about 215,000 observations.
    S,
    /// 20 indicators × 10 years: about 2.15 million.
    M,
    /// 50 indicators × 20 years: about 10.8 million.
    L,
}

impl Size {
    /// (indicators, years, planted errors of each class)
    pub fn shape(self) -> (usize, usize, usize) {
        match self {
            Size::S => (10, 2, 2),
            Size::M => (20, 10, 5),
            Size::L => (50, 20, 10),
        }
    }
}

/// SplitMix64: small, fast and the same everywhere.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Splits `total` into `parts` positive counts with a skewed distribution.
fn uneven(rng: &mut Rng, total: usize, parts: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..parts)
        .map(|_| 0.2 + (rng.below(1000) as f64 / 1000.0).powi(3) * 4.0)
        .collect();
    let sum: f64 = weights.iter().sum();
    let room = (total - parts) as f64;
    let mut out: Vec<usize> = weights
        .iter()
        .map(|w| 1 + (w / sum * room).floor() as usize)
        .collect();
    let mut i = 0;
    while out.iter().sum::<usize>() < total {
        out[i % parts] += 1;
        i += 7;
    }
    out
}

#[derive(Debug, Clone)]
struct Area {
    code: String,
    level: &'static str,
    parent: Option<usize>,
    children: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Additive,
    PerCapita { num: usize, den: usize },
    Ratio { num: usize, den: usize },
    Growth { base: usize },
    Index,
}

/// A finding an error may cause: check, area, indicator, year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Expect {
    pub check: String,
    pub area: String,
    pub indicator: String,
    pub year: i32,
}

/// One planted error and the findings it may cause.
#[derive(Debug, Clone, Serialize)]
pub struct Planted {
    pub class: &'static str,
    pub area: String,
    pub indicator: String,
    pub year: i32,
    pub file: String,
    pub line: u64,
    pub detail: String,
    /// The check that must find it, and the area that finding is about (the parent, for a broken sum).
    pub found_by: &'static str,
    pub found_at: String,
    /// Every finding it may cause (the one above among them).
    pub expect: Vec<Expect>,
}

impl Planted {
    /// Whether this error explains a finding.
    pub fn explains(&self, check: &str, area: &str, indicator: &str, year: i32) -> bool {
        self.expect.iter().any(|e| {
            e.check == check && e.area == area && e.indicator == indicator && e.year == year
        })
    }
}

/// What was generated.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub areas: usize,
    pub indicators: usize,
    pub years: usize,
    pub observations: u64,
    pub planted: Vec<Planted>,
}

pub const FIRST_YEAR: i32 = 2004;

fn code(i: usize) -> String {
    format!("i{:02}", i + 1)
}

/// The template of ten indicator kinds, repeated: additive levels (position 3 counts people), a per-capita
/// amount, a ratio of two additive parts, a growth rate of a level, and a price index.
fn kinds(n: usize) -> Vec<Kind> {
    (0..n)
        .map(|i| {
            let b = i - i % 10;
            match i % 10 {
                4 if b + 3 < n => Kind::PerCapita { num: b, den: b + 3 },
                5 if b + 7 < n => Kind::Ratio {
                    num: b + 6,
                    den: b + 7,
                },
                8 => Kind::Growth { base: b + 1 },
                9 => Kind::Index,
                _ => Kind::Additive,
            }
        })
        .collect()
}

fn tenths(v: i64) -> String {
    format!(
        "{}{}.{}",
        if v < 0 { "-" } else { "" },
        v.abs() / 10,
        v.abs() % 10
    )
}

fn round_div(n: i128, d: i128) -> i64 {
    ((2 * n + d) / (2 * d)) as i64
}

struct Panel {
    areas: Vec<Area>,
    kinds: Vec<Kind>,
    /// k[indicator][area]: the level in year t is k·(20 + t) tenths.
    k: Vec<Vec<i64>>,
}

impl Panel {
    fn level(&self, ind: usize, a: usize, t: i64) -> i64 {
        self.k[ind][a] * (20 + t)
    }

    /// The clean value of an indicator, in tenths.
    fn value(&self, ind: usize, a: usize, t: i64) -> i64 {
        match self.kinds[ind] {
            Kind::Additive => self.level(ind, a, t),
            // tỷ đồng per person, in triệu đồng: ×1000.
            Kind::PerCapita { num, den } => round_div(
                self.level(num, a, t) as i128 * 10_000,
                self.level(den, a, t) as i128,
            ),
            Kind::Ratio { num, den } => round_div(
                self.level(num, a, t) as i128 * 1_000,
                self.level(den, a, t) as i128,
            ),
            Kind::Growth { base } => round_div(
                (self.level(base, a, t) - self.level(base, a, t - 1)) as i128 * 1_000,
                self.level(base, a, t - 1) as i128,
            ),
            Kind::Index => 950 + ((a as i64 * 7919 + ind as i64 * 104_729 + t * 1_299_709) % 200),
        }
    }

    /// Indicators computed from `ind` (rates, per-capita amounts, growth rates).
    fn dependents(&self, ind: usize) -> Vec<usize> {
        (0..self.kinds.len())
            .filter(|&j| match self.kinds[j] {
                Kind::PerCapita { num, den } | Kind::Ratio { num, den } => num == ind || den == ind,
                Kind::Growth { base } => base == ind,
                _ => false,
            })
            .collect()
    }
}

/// The classes of planted errors, the check that must find each, and the kind of indicator it is planted in.
const CLASSES: &[(&str, &str)] = &[
    ("typo", "hierarchy.sum"),
    ("scale", "units.scale"),
    ("sign", "structure.bounds"),
    ("duplicate", "structure.duplicate"),
    ("unknown_area", "structure.unknown_area"),
    ("fraction", "units.percent_fraction"),
    ("growth_level", "yoy.growth_vs_level"),
    ("missing", "structure.missing_report"),
    ("unparseable", "structure.unreadable"),
    ("swap", "yoy.swapped"),
    ("retired_area", "structure.area_validity"),
];

/// Writes the panel into `out`: `statlint.toml`, `areas.csv`, `indicators.csv`, `data/<year>.csv` and
/// `planted.json`. The same size and seed always give the same files.
pub fn generate(size: Size, seed: u64, out: &Path) -> Result<Summary> {
    let (n_ind, n_years, per_class) = size.shape();
    let mut rng = Rng(seed);
    let werr = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Write {
            path: p.clone(),
            source,
        }
    };
    std::fs::create_dir_all(out.join("data")).map_err(werr(out))?;

    // The tree: parents before their children.
    let mut areas = vec![Area {
        code: "VN".into(),
        level: "nation",
        parent: None,
        children: vec![],
    }];
    let districts_per = uneven(&mut rng, 700, 63);
    let communes_per = uneven(&mut rng, 10_000, 700);
    let (mut d_no, mut c_no) = (0usize, 0usize);
    for (p, &nd) in districts_per.iter().enumerate() {
        let pi = areas.len();
        areas.push(Area {
            code: format!("{:02}", p + 1),
            level: "province",
            parent: Some(0),
            children: vec![],
        });
        areas[0].children.push(pi);
        for _ in 0..nd {
            let di = areas.len();
            areas.push(Area {
                code: format!("{:03}", d_no + 1),
                level: "district",
                parent: Some(pi),
                children: vec![],
            });
            areas[pi].children.push(di);
            for _ in 0..communes_per[d_no] {
                let ci = areas.len();
                c_no += 1;
                areas.push(Area {
                    code: format!("{:05}", c_no * 3),
                    level: "commune",
                    parent: Some(di),
                    children: vec![],
                });
                areas[di].children.push(ci);
            }
            d_no += 1;
        }
    }
    let communes: Vec<usize> = (0..areas.len())
        .filter(|&i| areas[i].level == "commune")
        .collect();

    let kinds = kinds(n_ind);
    let mut k = vec![vec![0i64; areas.len()]; n_ind];
    for (ind, kind) in kinds.iter().enumerate() {
        if *kind == Kind::Additive {
            for &c in &communes {
                k[ind][c] = 1 + rng.below(5000) as i64;
            }
        }
    }
    // Denominators of rates exceed their numerators.
    for kind in &kinds {
        if let Kind::Ratio { num, den } = *kind {
            for &c in &communes {
                k[den][c] += 2 * k[num][c];
            }
        }
    }
    for row in k.iter_mut() {
        for a in (1..areas.len()).rev() {
            let p = areas[a].parent.unwrap();
            row[p] += row[a];
        }
    }
    let panel = Panel { areas, kinds, k };
    let areas = &panel.areas;

    // Where the errors go: a commune, an indicator of the right kind, a year after the first (so the
    // year-on-year checks have a previous value). One error per district, indicator and pair of years.
    let of_kind = |f: &dyn Fn(&Kind) -> bool| -> Vec<usize> {
        (0..n_ind).filter(|&i| f(&panel.kinds[i])).collect()
    };
    let additive = of_kind(&|k| *k == Kind::Additive);
    let rates = of_kind(&|k| matches!(k, Kind::Ratio { .. }));
    let growths = of_kind(&|k| matches!(k, Kind::Growth { .. }));
    let mut taken: HashMap<(usize, usize, usize), ()> = HashMap::new();
    let mut plan: Vec<(usize, usize, usize, usize, Option<usize>)> = Vec::new(); // (class, commune, ind, t, partner)
    for (ci, (class, _)) in CLASSES.iter().enumerate() {
        let pool = match *class {
            "fraction" => &rates,
            "growth_level" => &growths,
            _ => &additive,
        };
        if pool.is_empty() {
            continue;
        }
        let mut placed = 0;
        while placed < per_class {
            let c = communes[rng.below(communes.len())];
            let ind = pool[rng.below(pool.len())];
            let t = 1 + rng.below(n_years.max(2) - 1);
            if t >= n_years {
                continue;
            }
            let d = areas[c].parent.unwrap();
            if (t - 1..=t + 1).any(|tt| taken.contains_key(&(d, ind, tt))) {
                continue;
            }
            let mut partner = None;
            if *class == "swap" {
                // A sibling whose value differs by more than 40 %, so the exchange is visible.
                partner = areas[d].children.iter().copied().find(|&s| {
                    s != c
                        && (panel.k[ind][s] * 10 > panel.k[ind][c] * 14
                            || panel.k[ind][s] * 14 < panel.k[ind][c] * 10)
                });
                if partner.is_none() {
                    continue;
                }
            }
            taken.insert((d, ind, t), ());
            plan.push((ci, c, ind, t, partner));
            placed += 1;
        }
    }
    let retired: Vec<String> = (0..per_class)
        .map(|i| format!("{:05}", (c_no + 1 + i) * 3))
        .collect();

    // The data files.
    let mut planted: Vec<Planted> = Vec::new();
    let mut observations = 0u64;
    for t in 0..n_years {
        let year = FIRST_YEAR + t as i32;
        let rel = format!("data/{year}.csv");
        let path = out.join(&rel);
        let mut w = std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&path).map_err(werr(&path))?,
        );
        let mut buf = String::with_capacity(1 << 17);
        buf.push_str("area,indicator,year,value\n");
        let mut line: u64 = 1;
        let here: HashMap<(usize, usize), usize> = plan
            .iter()
            .enumerate()
            .filter(|(_, p)| p.3 == t)
            .map(|(i, p)| ((p.1, p.2), i))
            .collect();
        let partners: HashMap<(usize, usize), usize> = plan
            .iter()
            .filter(|p| p.3 == t)
            .filter_map(|p| p.4.map(|s| ((s, p.2), p.1)))
            .collect();
        for a in 0..areas.len() {
            for ind in 0..n_ind {
                let clean = panel.value(ind, a, t as i64);
                let mut text = tenths(clean);
                let mut extra: Option<String> = None;
                let mut skip = false;
                if let Some(&s) = partners.get(&(a, ind)) {
                    text = tenths(panel.value(ind, s, t as i64));
                }
                if let Some(&pi) = here.get(&(a, ind)) {
                    let (ci, _, _, _, partner) = plan[pi];
                    let (class, found_by) = CLASSES[ci];
                    let parent = areas[a].parent.unwrap();
                    let (detail, error_area, error_line, mut expect): (
                        String,
                        String,
                        u64,
                        Vec<(&str, usize, i32)>,
                    ) = match class {
                        "typo" => {
                            let h = (clean / 1000) % 10;
                            let v = if clean >= 1000 {
                                clean + (((h + 3) % 10) - h) * 1000
                            } else {
                                clean + 1000
                            };
                            text = tenths(v);
                            (
                                format!("{} for {}", text, tenths(clean)),
                                areas[a].code.clone(),
                                line + 1,
                                vec![],
                            )
                        }
                        "scale" => {
                            text = tenths(clean * 1000);
                            (
                                format!("{} for {}", text, tenths(clean)),
                                areas[a].code.clone(),
                                line + 1,
                                vec![],
                            )
                        }
                        "sign" => {
                            text = tenths(-clean);
                            (
                                format!("{} for {}", text, tenths(clean)),
                                areas[a].code.clone(),
                                line + 1,
                                vec![],
                            )
                        }
                        "fraction" => {
                            text = format!("{}.{:03}", clean / 1000, clean % 1000);
                            (
                                format!("{} for {}", text, tenths(clean)),
                                areas[a].code.clone(),
                                line + 1,
                                vec![],
                            )
                        }
                        "growth_level" => {
                            text = tenths(clean + 37);
                            (
                                format!("{} for {}", text, tenths(clean)),
                                areas[a].code.clone(),
                                line + 1,
                                vec![],
                            )
                        }
                        "unparseable" => {
                            text = format!("\"{}\"", tenths(clean).replace('.', ","));
                            (
                                format!("'{text}' in a file declared English"),
                                areas[a].code.clone(),
                                line + 1,
                                vec![],
                            )
                        }
                        "missing" => {
                            skip = true;
                            ("left out".into(), areas[a].code.clone(), line + 1, vec![])
                        }
                        "swap" => {
                            let s = partner.expect("swaps have partners");
                            text = tenths(panel.value(ind, s, t as i64));
                            let y = year;
                            (
                                format!("{} and {} exchanged", areas[a].code, areas[s].code),
                                areas[a].code.clone(),
                                line + 1,
                                vec![
                                    ("yoy.swapped", s, y),
                                    ("yoy.hb", s, y),
                                    ("yoy.hb", s, y + 1),
                                    ("yoy.growth", s, y),
                                    ("yoy.growth", s, y + 1),
                                    ("units.scale", s, y),
                                    ("hierarchy.ratio", s, y),
                                ],
                            )
                        }
                        "duplicate" => {
                            extra =
                                Some(format!("{},{},{year},{}", areas[a].code, code(ind), text));
                            (
                                "the row repeated".into(),
                                areas[a].code.clone(),
                                line + 2,
                                vec![],
                            )
                        }
                        "unknown_area" => {
                            let bad = format!("{}9", areas[a].code);
                            extra = Some(format!("{bad},{},{year},{}", code(ind), text));
                            (
                                "a row with an undeclared code".into(),
                                bad,
                                line + 2,
                                vec![],
                            )
                        }
                        "retired_area" => {
                            let n = planted.iter().filter(|p| p.class == class).count();
                            let old = retired[n % retired.len()].clone();
                            extra = Some(format!("{old},{},{year},{}", code(ind), text));
                            (
                                "a row for a commune merged away before the panel".into(),
                                old,
                                line + 2,
                                vec![],
                            )
                        }
                        _ => unreachable!(),
                    };
                    // Every error may also show in the parent's sum, in the year-on-year checks of its year and
                    // the next (the change back), and in what is computed from the indicator.
                    let y = year;
                    expect.extend([
                        (found_by, a, y),
                        ("hierarchy.sum", parent, y),
                        ("hierarchy.incomplete", parent, y),
                        ("yoy.growth", a, y),
                        ("yoy.growth", a, y + 1),
                        ("yoy.hb", a, y),
                        ("yoy.hb", a, y + 1),
                        ("units.scale", a, y),
                        ("hierarchy.ratio", a, y),
                    ]);
                    let mut expects: Vec<Expect> = Vec::new();
                    let touched: Vec<usize> = std::iter::once(a).chain(partner).collect();
                    for dep in std::iter::once(ind).chain(panel.dependents(ind)) {
                        for (check, area, yy) in &expect {
                            let area = if *area == a {
                                error_area.clone()
                            } else {
                                areas[*area].code.clone()
                            };
                            expects.push(Expect {
                                check: check.to_string(),
                                area,
                                indicator: code(dep),
                                year: *yy,
                            });
                        }
                        // A dependent computed from the wrong value disagrees with its parts or its level.
                        for &x in &touched {
                            for check in ["hierarchy.ratio", "yoy.growth_vs_level", "yoy.growth"] {
                                for yy in [year, year + 1] {
                                    expects.push(Expect {
                                        check: check.into(),
                                        area: areas[x].code.clone(),
                                        indicator: code(dep),
                                        year: yy,
                                    });
                                }
                            }
                        }
                    }
                    let found_at = match class {
                        "typo" => areas[parent].code.clone(),
                        "swap" => touched
                            .iter()
                            .map(|&x| areas[x].code.clone())
                            .min()
                            .unwrap(),
                        _ => error_area.clone(),
                    };
                    planted.push(Planted {
                        class,
                        area: error_area,
                        indicator: code(ind),
                        year,
                        file: rel.clone(),
                        line: error_line,
                        detail,
                        found_by,
                        found_at,
                        expect: expects,
                    });
                }
                if !skip {
                    line += 1;
                    observations += 1;
                    let _ = writeln!(buf, "{},{},{year},{}", areas[a].code, code(ind), text);
                }
                if let Some(e) = extra {
                    line += 1;
                    observations += 1;
                    buf.push_str(&e);
                    buf.push('\n');
                }
                if buf.len() > (1 << 17) - 512 {
                    w.write_all(buf.as_bytes()).map_err(werr(&path))?;
                    buf.clear();
                }
            }
        }
        w.write_all(buf.as_bytes()).map_err(werr(&path))?;
        w.flush().map_err(werr(&path))?;
    }

    // Reference tables and the manifest.
    let mut a_csv = String::from("code,name,level,parent,valid_from,valid_to\n");
    for a in areas {
        let parent = a.parent.map(|p| areas[p].code.as_str()).unwrap_or("");
        let _ = writeln!(
            a_csv,
            "{},{} {},{},{parent},,",
            a.code, a.level, a.code, a.level
        );
    }
    let district = areas.iter().find(|a| a.level == "district").unwrap();
    for old in &retired {
        let _ = writeln!(
            a_csv,
            "{old},commune {old},commune,{},,{}",
            district.code,
            FIRST_YEAR - 1
        );
    }
    let mut i_csv = String::from("code,name,unit,class,numerator,denominator,base,decimals\n");
    for (i, kind) in panel.kinds.iter().enumerate() {
        let none = String::new;
        let (unit, class, num, den, base) = match *kind {
            Kind::Additive if i % 10 == 3 => ("người", "additive", none(), none(), none()),
            Kind::Additive => ("tỷ đồng", "additive", none(), none(), none()),
            Kind::PerCapita { num, den } => (
                "triệu đồng/người",
                "per_capita",
                code(num),
                code(den),
                none(),
            ),
            Kind::Ratio { num, den } => ("%", "ratio", code(num), code(den), none()),
            Kind::Growth { base } => ("%", "growth", none(), none(), code(base)),
            Kind::Index => ("%", "non_additive", none(), none(), none()),
        };
        let _ = writeln!(
            i_csv,
            "{},Chỉ tiêu {},{unit},{class},{num},{den},{base},1",
            code(i),
            i + 1
        );
    }
    let name = format!("{size:?}").to_lowercase();
    let manifest = format!(
        "# A synthetic national panel: 63 provinces, 700 districts, 10,000 communes, {n_ind} indicators of mixed\n\
         # classes, {n_years} years; planted errors are listed in planted.json. Written by `statlint generate`.\n\
         [dataset]\nname = \"panel-{name}\"\nfirst_year = {FIRST_YEAR}\nlast_year = {}\n\n\
         [reference]\nareas = \"areas.csv\"\nindicators = \"indicators.csv\"\n\n\
         [[file]]\npath = \"data/*.csv\"\nlocale = \"en\"\n",
        FIRST_YEAR + n_years as i32 - 1
    );
    let summary = Summary {
        areas: areas.len(),
        indicators: n_ind,
        years: n_years,
        observations,
        planted,
    };
    let json = serde_json::to_string_pretty(&summary).expect("serialisable");
    for (file, text) in [
        ("areas.csv", a_csv),
        ("indicators.csv", i_csv),
        ("statlint.toml", manifest),
        ("planted.json", json),
    ] {
        let p = out.join(file);
        std::fs::write(&p, text).map_err(werr(&p))?;
    }
    Ok(summary)
}
