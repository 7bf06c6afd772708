//! Units of measure: the built-in catalogue, the manifest's additions, and the resolution of unit text as
//! offices write it ("Đơn vị tính: Tỷ đồng", "ty dong", "bill. dongs") to one unit code.
//!
//! Every unit belongs to a dimension and has a factor to the dimension's base unit (tỷ đồng = 10^9 đồng).
//! Two units convert into each other only within one dimension. Text is matched after normalisation (Unicode
//! NFC, lower case, label prefixes and dots removed, white space collapsed); when that finds nothing, the
//! text is matched with diacritics folded ("ty dong"), but only if the folded form names a single unit.

use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One unit of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Stable ASCII code, e.g. `ty_dong`.
    pub code: String,
    /// The name a Vietnamese report prints, e.g. `tỷ đồng`.
    pub name: String,
    /// English name, e.g. `billion VND`.
    pub name_en: String,
    /// Units convert only within one dimension.
    pub dimension: String,
    /// Multiplier to the dimension's base unit.
    pub factor: f64,
    /// Other spellings, matched after normalisation.
    pub aliases: Vec<String>,
}

/// (code, Vietnamese name, English name, dimension, factor, aliases)
type Entry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [&'static str],
);

/// The built-in catalogue: the units Vietnamese statistical reports use, in Vietnamese (with and without
/// diacritics) and English.
const BUILT_IN: &[Entry] = &[
    (
        "dong",
        "đồng",
        "VND",
        "vnd",
        1.0,
        &["đ", "vnd", "vnđ", "dongs", "đồng việt nam"],
    ),
    (
        "nghin_dong",
        "nghìn đồng",
        "thousand VND",
        "vnd",
        1e3,
        &[
            "ngàn đồng",
            "1000 đồng",
            "1000 vnd",
            "thousand dongs",
            "thous. dongs",
        ],
    ),
    (
        "trieu_dong",
        "triệu đồng",
        "million VND",
        "vnd",
        1e6,
        &[
            "tr.đ",
            "trđ",
            "tr đồng",
            "million dongs",
            "mill. dongs",
            "mil. dongs",
            "mill. vnd",
            "mil. vnd",
            "mln vnd",
            "vnd million",
        ],
    ),
    (
        "ty_dong",
        "tỷ đồng",
        "billion VND",
        "vnd",
        1e9,
        &[
            "tỉ đồng",
            "billion dongs",
            "bill. dongs",
            "bil. dongs",
            "bill. vnd",
            "bil. vnd",
            "bn vnd",
            "vnd billion",
        ],
    ),
    (
        "nghin_ty_dong",
        "nghìn tỷ đồng",
        "trillion VND",
        "vnd",
        1e12,
        &["nghìn tỉ đồng", "ngàn tỷ đồng", "trillion dongs"],
    ),
    (
        "usd",
        "USD",
        "US dollar",
        "usd",
        1.0,
        &["đô la mỹ", "us dollar", "us dollars", "us$", "$"],
    ),
    (
        "nghin_usd",
        "nghìn USD",
        "thousand USD",
        "usd",
        1e3,
        &[
            "ngàn usd",
            "nghìn đô la mỹ",
            "thousand us dollars",
            "usd thousand",
        ],
    ),
    (
        "trieu_usd",
        "triệu USD",
        "million USD",
        "usd",
        1e6,
        &[
            "triệu đô la mỹ",
            "million us dollars",
            "mill. usd",
            "mil. usd",
            "mln usd",
            "usd million",
        ],
    ),
    (
        "ty_usd",
        "tỷ USD",
        "billion USD",
        "usd",
        1e9,
        &["tỉ usd", "billion us dollars", "bill. usd", "bn usd"],
    ),
    (
        "nguoi",
        "người",
        "persons",
        "persons",
        1.0,
        &["person", "people", "pers."],
    ),
    (
        "nghin_nguoi",
        "nghìn người",
        "thousand persons",
        "persons",
        1e3,
        &["ngàn người", "thousand people", "thous. persons"],
    ),
    (
        "trieu_nguoi",
        "triệu người",
        "million persons",
        "persons",
        1e6,
        &["million people"],
    ),
    (
        "lao_dong",
        "lao động",
        "workers",
        "persons",
        1.0,
        &["người lao động", "worker", "labourers", "laborers"],
    ),
    (
        "nghin_lao_dong",
        "nghìn lao động",
        "thousand workers",
        "persons",
        1e3,
        &["ngàn lao động"],
    ),
    (
        "ho",
        "hộ",
        "households",
        "households",
        1.0,
        &["household", "hộ gia đình"],
    ),
    (
        "nghin_ho",
        "nghìn hộ",
        "thousand households",
        "households",
        1e3,
        &["ngàn hộ"],
    ),
    (
        "ha",
        "ha",
        "hectares",
        "area",
        1.0,
        &["hecta", "héc ta", "hectare", "ha."],
    ),
    (
        "nghin_ha",
        "nghìn ha",
        "thousand hectares",
        "area",
        1e3,
        &["ngàn ha", "thousand ha"],
    ),
    (
        "km2",
        "km²",
        "square kilometres",
        "area",
        100.0,
        &["km2", "km 2", "sq km", "sq. km", "square kilometers"],
    ),
    (
        "percent",
        "%",
        "percent",
        "ratio",
        0.01,
        &["phần trăm", "pct", "per cent"],
    ),
    (
        "permille",
        "‰",
        "per mille",
        "ratio",
        0.001,
        &["phần nghìn", "permille", "per thousand"],
    ),
    (
        "fraction",
        "tỷ số",
        "fraction",
        "ratio",
        1.0,
        &["ratio", "lần"],
    ),
    ("xa", "xã", "communes", "communes", 1.0, &["commune"]),
    (
        "kg",
        "kg",
        "kilograms",
        "mass",
        1.0,
        &["kilogram", "ki-lô-gam"],
    ),
    ("ta", "tạ", "quintals", "mass", 100.0, &["quintal"]),
    (
        "tan",
        "tấn",
        "tonnes",
        "mass",
        1e3,
        &["tonne", "ton", "tons", "t"],
    ),
    (
        "nghin_tan",
        "nghìn tấn",
        "thousand tonnes",
        "mass",
        1e6,
        &["ngàn tấn", "thousand tons"],
    ),
    (
        "dong_nguoi",
        "đồng/người",
        "VND per person",
        "vnd_per_person",
        1.0,
        &["vnd/person", "vnd per capita"],
    ),
    (
        "nghin_dong_nguoi",
        "nghìn đồng/người",
        "thousand VND per person",
        "vnd_per_person",
        1e3,
        &["nghìn đồng/người/năm", "ngàn đồng/người"],
    ),
    (
        "trieu_dong_nguoi",
        "triệu đồng/người",
        "million VND per person",
        "vnd_per_person",
        1e6,
        &[
            "triệu đồng/người/năm",
            "million vnd/person",
            "million vnd per capita",
            "mill. dongs/person",
        ],
    ),
    (
        "usd_nguoi",
        "USD/người",
        "USD per person",
        "usd_per_person",
        1.0,
        &["usd/person", "usd per capita", "usd/người/năm"],
    ),
    (
        "nam",
        "năm",
        "years",
        "years",
        1.0,
        &["year", "tuổi", "age"],
    ),
];

/// Error in the unit catalogue as the manifest extends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError(pub String);

/// The units known to one dataset: the built-in catalogue plus the manifest's `[[unit]]` entries.
#[derive(Debug, Clone)]
pub struct Catalogue {
    units: Vec<Unit>,
    by_code: HashMap<String, usize>,
    /// Normalised spelling → unit index.
    exact: HashMap<String, usize>,
    /// Diacritics-folded spelling → unit indices (a folded key is used only if it names one unit).
    folded: HashMap<String, Vec<usize>>,
}

/// How a text was matched to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Exact,
    Folded,
}

impl Catalogue {
    /// The built-in catalogue alone.
    pub fn built_in() -> Catalogue {
        let units = BUILT_IN
            .iter()
            .map(|&(code, name, name_en, dimension, factor, aliases)| Unit {
                code: code.to_string(),
                name: name.to_string(),
                name_en: name_en.to_string(),
                dimension: dimension.to_string(),
                factor,
                aliases: aliases.iter().map(|a| a.to_string()).collect(),
            })
            .collect();
        Catalogue::from_units(units).expect("the built-in unit catalogue is consistent")
    }

    /// Adds or extends units. A manifest unit with a built-in code adds aliases to it (its dimension and factor
    /// must agree); a new code adds a unit.
    pub fn extend(&self, extra: Vec<Unit>) -> Result<Catalogue, CatalogueError> {
        let mut units = self.units.clone();
        for u in extra {
            match units.iter_mut().find(|x| x.code == u.code) {
                Some(existing) => {
                    if !u.dimension.is_empty()
                        && (existing.dimension != u.dimension || existing.factor != u.factor)
                    {
                        return Err(CatalogueError(format!(
                            "unit '{}' is built in as dimension '{}' with factor {}; it cannot be redefined as '{}' with factor {}",
                            u.code, existing.dimension, existing.factor, u.dimension, u.factor
                        )));
                    }
                    existing.aliases.extend(u.aliases);
                }
                None => {
                    if u.dimension.is_empty() {
                        return Err(CatalogueError(format!(
                            "unit '{}' needs a dimension",
                            u.code
                        )));
                    }
                    if !(u.factor > 0.0 && u.factor.is_finite()) {
                        return Err(CatalogueError(format!(
                            "unit '{}' needs a positive factor",
                            u.code
                        )));
                    }
                    units.push(u);
                }
            }
        }
        Catalogue::from_units(units)
    }

    fn from_units(units: Vec<Unit>) -> Result<Catalogue, CatalogueError> {
        let mut by_code = HashMap::new();
        let mut exact: HashMap<String, usize> = HashMap::new();
        let mut folded: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if by_code.insert(u.code.clone(), i).is_some() {
                return Err(CatalogueError(format!(
                    "unit code '{}' is defined twice",
                    u.code
                )));
            }
            let spellings = [
                u.code.replace('_', " "),
                u.code.clone(),
                u.name.clone(),
                u.name_en.clone(),
            ];
            for s in spellings.iter().chain(u.aliases.iter()) {
                let key = normalize(s);
                if key.is_empty() {
                    continue;
                }
                if let Some(&j) = exact.get(&key) {
                    if j != i {
                        return Err(CatalogueError(format!(
                            "the spelling '{s}' names two units: '{}' and '{}'",
                            units[j].code, u.code
                        )));
                    }
                }
                exact.insert(key.clone(), i);
                let f = fold(&key);
                let entry = folded.entry(f).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        Ok(Catalogue {
            units,
            by_code,
            exact,
            folded,
        })
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn get(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).map(|&i| &self.units[i])
    }

    /// Resolves unit text to a unit. `None` when the text names no unit, or when only its folded form matches
    /// and that form is shared by several units.
    pub fn resolve(&self, text: &str) -> Option<(&Unit, Match)> {
        let key = normalize(text);
        if let Some(&i) = self.exact.get(&key) {
            return Some((&self.units[i], Match::Exact));
        }
        match self.folded.get(&fold(&key)).map(Vec::as_slice) {
            Some([i]) => Some((&self.units[*i], Match::Folded)),
            _ => None,
        }
    }

    /// Spellings of other units that come closest to `text`, for an "unknown unit" message.
    pub fn suggest(&self, text: &str) -> Option<&Unit> {
        let key = fold(&normalize(text));
        self.folded
            .iter()
            .map(|(k, v)| (strsim::normalized_levenshtein(k, &key), v))
            .filter(|(score, v)| *score >= 0.75 && v.len() == 1)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, v)| &self.units[v[0]])
    }

    /// The factor that converts a value in `from` to `to`, when both are in one dimension.
    pub fn conversion(&self, from: &Unit, to: &Unit) -> Option<f64> {
        (from.dimension == to.dimension).then(|| from.factor / to.factor)
    }
}

/// Normalises unit text for matching: NFC, lower case, without a label such as "Đơn vị tính:", without
/// enclosing brackets, dots and repeated white space.
pub fn normalize(text: &str) -> String {
    let mut s: String = text.nfc().collect::<String>().to_lowercase();
    for label in [
        "đơn vị tính",
        "đơn vị",
        "đvt",
        "dvt",
        "don vi tinh",
        "don vi",
        "unit",
    ] {
        if let Some(rest) = s.trim_start().strip_prefix(label) {
            let rest = rest.trim_start();
            if let Some(rest) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')) {
                s = rest.to_string();
                break;
            }
        }
    }
    let s = s
        .trim()
        .trim_start_matches(['(', '['])
        .trim_end_matches([')', ']']);
    let s = s.replace('.', "");
    let s = s.replace(" /", "/").replace("/ ", "/");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes Vietnamese diacritics: "tỷ đồng" → "ty dong".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &Catalogue, t: &str) -> Option<String> {
        c.resolve(t).map(|(u, _)| u.code.clone())
    }

    #[test]
    fn vietnamese_spellings_with_and_without_diacritics_resolve() {
        let c = Catalogue::built_in();
        assert_eq!(code(&c, "tỷ đồng").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "Tỷ đồng").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "tỉ đồng").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "ty dong").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "Đơn vị tính: Tỷ đồng").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "ĐVT: triệu đồng").as_deref(), Some("trieu_dong"));
        assert_eq!(code(&c, "(Triệu USD)").as_deref(), Some("trieu_usd"));
        assert_eq!(code(&c, "nghin nguoi").as_deref(), Some("nghin_nguoi"));
        assert_eq!(code(&c, "km²").as_deref(), Some("km2"));
        assert_eq!(code(&c, "‰").as_deref(), Some("permille"));
        assert_eq!(code(&c, "lao động").as_deref(), Some("lao_dong"));
        assert_eq!(code(&c, "xã").as_deref(), Some("xa"));
    }

    #[test]
    fn english_spellings_resolve() {
        let c = Catalogue::built_in();
        assert_eq!(code(&c, "billion VND").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "bill. dongs").as_deref(), Some("ty_dong"));
        assert_eq!(code(&c, "Mill. dongs").as_deref(), Some("trieu_dong"));
        assert_eq!(code(&c, "thousand persons").as_deref(), Some("nghin_nguoi"));
        assert_eq!(code(&c, "million USD").as_deref(), Some("trieu_usd"));
    }

    #[test]
    fn decomposed_unicode_resolves_like_precomposed() {
        let c = Catalogue::built_in();
        let nfd: String = "tỷ đồng".nfd().collect();
        assert_eq!(code(&c, &nfd).as_deref(), Some("ty_dong"));
    }

    #[test]
    fn folded_text_shared_by_two_units_is_not_resolved() {
        let c = Catalogue::built_in()
            .extend(vec![Unit {
                code: "ty_le".into(),
                name: "tỷ lệ".into(),
                name_en: "rate".into(),
                dimension: "ratio".into(),
                factor: 1.0,
                aliases: vec!["tỵ lễ".into()],
            }])
            .unwrap();
        // "ty le" folds from both spellings, but they are one unit: resolved.
        assert_eq!(code(&c, "ty le").as_deref(), Some("ty_le"));
        assert_eq!(code(&c, "unknown thing"), None);
    }

    #[test]
    fn conversions_exist_only_within_a_dimension() {
        let c = Catalogue::built_in();
        let trieu = c.get("trieu_dong").unwrap();
        let ty = c.get("ty_dong").unwrap();
        let pct = c.get("percent").unwrap();
        assert_eq!(c.conversion(trieu, ty), Some(1e-3));
        assert_eq!(c.conversion(ty, pct), None);
        assert_eq!(
            c.conversion(c.get("km2").unwrap(), c.get("ha").unwrap()),
            Some(100.0)
        );
    }

    #[test]
    fn manifest_units_cannot_redefine_built_in_scales() {
        let c = Catalogue::built_in();
        let err = c
            .extend(vec![Unit {
                code: "ty_dong".into(),
                name: String::new(),
                name_en: String::new(),
                dimension: "vnd".into(),
                factor: 1e6,
                aliases: vec![],
            }])
            .unwrap_err();
        assert!(err.0.contains("cannot be redefined"), "{}", err.0);
    }

    #[test]
    fn a_spelling_cannot_name_two_units() {
        let err = Catalogue::built_in()
            .extend(vec![Unit {
                code: "lo".into(),
                name: "lô".into(),
                name_en: "lot".into(),
                dimension: "lots".into(),
                factor: 1.0,
                aliases: vec!["tỷ đồng".into()],
            }])
            .unwrap_err();
        assert!(err.0.contains("names two units"), "{}", err.0);
    }

    #[test]
    fn suggestions_come_from_near_spellings() {
        let c = Catalogue::built_in();
        assert_eq!(
            c.suggest("ty dongg").map(|u| u.code.as_str()),
            Some("ty_dong")
        );
    }
}
