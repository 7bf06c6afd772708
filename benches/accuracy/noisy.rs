//! A national panel with the noise of real data and nothing else wrong: lognormal district sizes, each area
//! growing by its own factor drawn from U(0.92, 1.12) every year, small counts that often stay unchanged,
//! values printed at their indicator's precision, and provinces and the nation the exact sums of what their
//! children print. Optionally with planted decimal shifts, unit errors and swaps, recorded as an answers file.

use std::fmt::Write as _;
use std::path::Path;

use statlint::panel::Rng;

/// A uniform draw in [0, 1).
fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let (u, v) = (unit(rng).max(1e-12), unit(rng));
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// (code, name, unit, decimals, exact, median size, log-spread)
const INDICATORS: &[(&str, &str, &str, u32, bool, f64, f64)] = &[
    (
        "population",
        "Dân số trung bình",
        "người",
        0,
        true,
        120_000.0,
        0.6,
    ),
    ("households", "Số hộ", "hộ", 0, true, 30_000.0, 0.6),
    ("teachers", "Số giáo viên", "người", 0, true, 900.0, 0.7),
    ("facilities", "Số cơ sở y tế", "cơ sở", 0, true, 20.0, 0.7),
    (
        "output",
        "Giá trị sản xuất",
        "tỷ đồng",
        1,
        false,
        2_000.0,
        1.0,
    ),
    ("revenue", "Thu ngân sách", "tỷ đồng", 1, false, 300.0, 1.0),
    ("rice", "Sản lượng lúa", "tấn", 0, false, 20_000.0, 1.0),
    ("forest", "Diện tích rừng", "ha", 1, false, 30_000.0, 0.8),
];

pub const FIRST_YEAR: i32 = 2015;
pub const YEARS: usize = 10;

/// Writes the panel into `out`; with `plant`, also the planted errors as `answers.csv`. Returns the number of
/// year-on-year pairs of districts and provinces (the pairs yoy.hb scores).
pub fn write(out: &Path, seed: u64, plant: bool) -> usize {
    let mut rng = Rng(seed);
    std::fs::create_dir_all(out).expect("panel folder");
    // Areas: the nation, 63 provinces, 6–16 districts each.
    let mut districts: Vec<(String, usize)> = Vec::new();
    for p in 0..63 {
        for _ in 0..6 + rng.below(11) {
            districts.push((format!("{:03}", districts.len() + 1), p));
        }
    }
    let province = |p: usize| format!("{:02}", p + 1);
    let mut areas = String::from("code,name,level,parent\n00,Cả nước,nation,\n");
    for p in 0..63 {
        let _ = writeln!(areas, "{},Tỉnh {},province,00", province(p), province(p));
    }
    for (d, p) in &districts {
        let _ = writeln!(areas, "{d},Huyện {d},district,{}", province(*p));
    }
    let mut inds = String::from("code,name,unit,class,decimals,exact\n");
    for (code, name, unit, dec, exact, _, _) in INDICATORS {
        let _ = writeln!(inds, "{code},{name},{unit},additive,{dec},{exact}");
    }

    // Printed values in units of the last printed digit: printed[i][y][d].
    let mut printed: Vec<Vec<Vec<i64>>> = Vec::new();
    for (_, _, _, dec, _, median, spread) in INDICATORS {
        let scale = 10f64.powi(*dec as i32);
        let mut by_year = vec![vec![0i64; districts.len()]; YEARS];
        for d in 0..districts.len() {
            let mut latent = median * (spread * normal(&mut rng)).exp();
            for year in by_year.iter_mut() {
                year[d] = ((latent * scale).round() as i64).max(1);
                latent *= 0.92 + 0.20 * unit(&mut rng);
            }
        }
        printed.push(by_year);
    }

    // Planted errors in districts: the province keeps the true sum, so the hierarchy check sees them too.
    let mut answers = String::from("area,indicator,year,kind,also,note\n");
    let mut wrong: Vec<Vec<Vec<Option<String>>>> =
        vec![vec![vec![None; districts.len()]; YEARS]; INDICATORS.len()];
    if plant {
        let shifts: [(f64, &str, usize); 4] = [
            (10.0, "x10", 8),
            (100.0, "x100", 4),
            (1000.0, "x1000", 8),
            (0.1, "div10", 4),
        ];
        for (factor, kind, n) in shifts {
            for _ in 0..n {
                let (i, y, d) = (
                    rng.below(INDICATORS.len()),
                    1 + rng.below(YEARS - 1),
                    rng.below(districts.len()),
                );
                if wrong[i][y][d].is_some() {
                    continue;
                }
                let dec = INDICATORS[i].3;
                let v = printed[i][y][d] as f64 / 10f64.powi(dec as i32) * factor;
                wrong[i][y][d] = Some(format!(
                    "{v:.*}",
                    (dec as usize).max(if factor < 1.0 { dec as usize + 1 } else { 0 })
                ));
                let _ = writeln!(
                    answers,
                    "{},{},{},{kind},{} {},",
                    districts[d].0,
                    INDICATORS[i].0,
                    FIRST_YEAR + y as i32,
                    province(districts[d].1),
                    // The change back shows the next year.
                    FIRST_YEAR + y as i32 + 1
                );
            }
        }
        // Swaps of two districts of one province whose sizes differ by half or more.
        let mut swaps = 0;
        while swaps < 8 {
            let (i, y, a) = (
                rng.below(INDICATORS.len()),
                1 + rng.below(YEARS - 1),
                rng.below(districts.len()),
            );
            let Some(b) = (0..districts.len()).find(|&b| {
                b != a && districts[b].1 == districts[a].1 && {
                    let (x, z) = (printed[i][y][a] as f64, printed[i][y][b] as f64);
                    x.max(z) / x.min(z) >= 1.5
                }
            }) else {
                continue;
            };
            if wrong[i][y][a].is_some() || wrong[i][y][b].is_some() {
                continue;
            }
            let dec = INDICATORS[i].3 as usize;
            let text = |v: i64| format!("{:.*}", dec, v as f64 / 10f64.powi(dec as i32));
            wrong[i][y][a] = Some(text(printed[i][y][b]));
            wrong[i][y][b] = Some(text(printed[i][y][a]));
            let _ = writeln!(
                answers,
                "{},{},{},swap,{} {},",
                districts[a].0,
                INDICATORS[i].0,
                FIRST_YEAR + y as i32,
                districts[b].0,
                FIRST_YEAR + y as i32 + 1
            );
            let _ = writeln!(
                answers,
                "{},{},{},swap,{} {},",
                districts[b].0,
                INDICATORS[i].0,
                FIRST_YEAR + y as i32,
                districts[a].0,
                FIRST_YEAR + y as i32 + 1
            );
            swaps += 1;
        }
    }

    let mut data = String::from("area,indicator,year,value\n");
    for (i, (code, _, _, dec, ..)) in INDICATORS.iter().enumerate() {
        let dec = *dec as usize;
        let text = |v: i64| format!("{:.*}", dec, v as f64 / 10f64.powi(dec as i32));
        for y in 0..YEARS {
            let year = FIRST_YEAR + y as i32;
            let mut by_province = vec![0i64; 63];
            for (d, (dcode, p)) in districts.iter().enumerate() {
                by_province[*p] += printed[i][y][d];
                let v = wrong[i][y][d]
                    .clone()
                    .unwrap_or_else(|| text(printed[i][y][d]));
                let _ = writeln!(data, "{dcode},{code},{year},{v}");
            }
            for (p, v) in by_province.iter().enumerate() {
                let _ = writeln!(data, "{},{code},{year},{}", province(p), text(*v));
            }
            let _ = writeln!(data, "00,{code},{year},{}", text(by_province.iter().sum()));
        }
    }
    let manifest = format!(
        "# A synthetic national panel with realistic noise (benches/accuracy/noisy.rs).\n\
         [dataset]\nname = \"noisy-{}\"\nfirst_year = {FIRST_YEAR}\nlast_year = {}\n\n\
         [reference]\nareas = \"areas.csv\"\nindicators = \"indicators.csv\"\n\n\
         [[unit]]\ncode = \"co_so\"\nname = \"cơ sở\"\ndimension = \"establishments\"\nfactor = 1\n\n\
         [[file]]\npath = \"data.csv\"\nlocale = \"en\"\n",
        if plant { "planted" } else { "clean" },
        FIRST_YEAR + YEARS as i32 - 1
    );
    for (file, text) in [
        ("areas.csv", areas),
        ("indicators.csv", inds),
        ("data.csv", data),
        ("statlint.toml", manifest),
    ] {
        std::fs::write(out.join(file), text).expect("panel file");
    }
    if plant {
        std::fs::write(out.join("answers.csv"), answers).expect("answers");
    }
    (YEARS - 1) * (districts.len() + 63) * INDICATORS.len()
}
