//! The observations of a load, collected in compact columns per piece of input and handed to DuckDB once
//! every file is read (the scale of the exact `value` column, and the codes of the enum types, are known only
//! then).

#[cfg(feature = "engine")]
use crate::db::{Column, Rows};
use crate::number::Number;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash: a fast hash for the short keys of the loader (codes, units, headers); not DoS-resistant, which
/// does not matter for a process that reads its own input.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.0 =
            (self.0.rotate_left(5) ^ u64::from_le_bytes(tail) ^ rest.len() as u64).wrapping_mul(K);
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Interned strings; id 0 is NULL, id i is `strings[i - 1]`.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FxMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
    /// The last id handed out: consecutive rows often repeat a code, or give the one first seen after it (a
    /// file sorted by area lists the same indicators in the same order for each).
    last: u32,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if self.last > 0 && &*self.strings[self.last as usize - 1] == s {
            return self.last;
        }
        if let Some(next) = self.strings.get(self.last as usize)
            && &**next == s
        {
            self.last += 1;
            return self.last;
        }
        let id = match self.ids.get(s) {
            Some(&i) => i,
            None => {
                self.strings.push(s.into());
                let i = self.strings.len() as u32;
                self.ids.insert(s.into(), i);
                i
            }
        };
        self.last = id;
        id
    }
    pub fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(0, |s| self.id(s))
    }
    pub fn get(&self, id: u32) -> Option<&str> {
        (id > 0).then(|| &*self.strings[id as usize - 1])
    }
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        self.strings.iter().map(|s| &**s)
    }
}

/// Strings stored end to end.
#[derive(Debug, Default)]
struct Texts {
    data: String,
    ends: Vec<u32>,
}

impl Texts {
    fn push(&mut self, s: &str) {
        self.data.push_str(s);
        self.ends.push(self.data.len() as u32);
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.data[start..self.ends[i] as usize]
    }
}

/// Whether an observation carries a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A number, converted to the indicator's unit.
    Reported,
    /// A placeholder ("-", "..", blank): the area reported nothing.
    NotReported,
    /// A number in a unit of another dimension than the indicator's (e.g. % for an amount): kept as text only.
    Unconvertible,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Reported, Status::NotReported, Status::Unconvertible];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::NotReported => "not_reported",
            Status::Unconvertible => "unconvertible",
        }
    }
}

/// One observation, as the loader produces it.
pub struct Obs<'a> {
    pub area: &'a str,
    pub indicator: &'a str,
    pub year: i32,
    pub period: Option<&'a str>,
    pub value: Option<Number>,
    pub text: &'a str,
    pub unit_declared: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub status: Status,
    pub line: Option<u32>,
    pub cell: Option<&'a str>,
    pub column: Option<&'a str>,
}

/// The dictionaries of the text columns that become enum types.
#[derive(Debug, Default)]
pub struct Names {
    pub areas: Interner,
    pub indicators: Interner,
    pub periods: Interner,
    pub units: Interner,
    pub declared: Interner,
    pub columns: Interner,
}

impl Names {
    fn kinds(&self) -> [&Interner; 6] {
        [
            &self.areas,
            &self.indicators,
            &self.periods,
            &self.units,
            &self.declared,
            &self.columns,
        ]
    }
}

/// The keys of a plain row (see [`Chunk::push_plain`]).
pub struct PlainKey<'a> {
    pub area: &'a str,
    /// The reading sink's id of the indicator's text, which stands for `indicator` and `unit`.
    pub id: usize,
    pub indicator: &'a str,
    pub unit: &'a str,
    pub column: &'a str,
}

/// The observations read from one piece of one file, with their own dictionaries.
#[derive(Debug, Default)]
pub struct Chunk {
    pub file: u32,
    pub names: Names,
    cells: Interner,
    area: Vec<u32>,
    indicator: Vec<u32>,
    year: Vec<i32>,
    period: Vec<u32>,
    mantissa: Vec<i64>,
    /// Mantissas that do not fit in 64 bits, by row.
    big: HashMap<usize, i128>,
    decimals: Vec<i8>,
    status: Vec<Status>,
    text: Texts,
    unit_declared: Vec<u32>,
    unit: Vec<u32>,
    line: Vec<u32>,
    cell: Vec<u32>,
    column: Vec<u32>,
    /// For plain rows (see [`Chunk::push_plain`]): the indicator and unit ids, by the reading sink's own id of
    /// the indicator's text ((0, 0): not yet known), and the value column's id (0: not yet known).
    plain_ids: Vec<(u32, u32)>,
    plain_column: u32,
    /// The largest number of decimals of a value, and the largest number of digits before the decimal point
    /// (digits − decimals): together they give the DECIMAL type that holds every value.
    max_decimals: i32,
    max_int_digits: i32,
}

impl Chunk {
    pub fn new(file: u32) -> Chunk {
        Chunk {
            file,
            max_decimals: i32::MIN,
            max_int_digits: i32::MIN,
            ..Chunk::default()
        }
    }

    pub fn len(&self) -> usize {
        self.area.len()
    }

    pub fn push(&mut self, o: Obs<'_>) {
        let row = self.area.len();
        let n = &mut self.names;
        self.area.push(n.areas.id(o.area));
        self.indicator.push(n.indicators.id(o.indicator));
        self.year.push(o.year);
        self.period.push(n.periods.opt(o.period));
        match o.value {
            Some(v) => {
                match i64::try_from(v.mantissa) {
                    Ok(m) => self.mantissa.push(m),
                    Err(_) => {
                        self.mantissa.push(0);
                        self.big.insert(row, v.mantissa);
                    }
                }
                let d = v.decimals.clamp(-60, 60);
                self.decimals.push(d as i8);
                if o.status == Status::Reported {
                    self.max_decimals = self.max_decimals.max(d);
                    self.max_int_digits = self.max_int_digits.max(v.digits() as i32 - d);
                }
            }
            None => {
                self.mantissa.push(0);
                self.decimals.push(0);
            }
        }
        self.status
            .push(if o.value.is_none() && o.status == Status::Reported {
                Status::NotReported
            } else {
                o.status
            });
        self.text.push(o.text);
        self.unit_declared.push(n.declared.opt(o.unit_declared));
        self.unit.push(n.units.opt(o.unit));
        self.line.push(o.line.unwrap_or(0));
        self.cell.push(self.cells.opt(o.cell));
        self.column.push(n.columns.opt(o.column));
    }

    /// Pushes a reported value in its indicator's unit, read from a line of a text file.
    pub fn push_plain(
        &mut self,
        plain: PlainKey<'_>,
        year: i32,
        value: Number,
        text: &str,
        line: u32,
    ) {
        let n = &mut self.names;
        self.area.push(n.areas.id(plain.area));
        // The indicator and its unit are interned once per indicator text, and the column once: every plain
        // row of a chunk comes from the one sink that owns it, whose ids and value column do not change.
        if self.plain_ids.len() <= plain.id {
            self.plain_ids.resize(plain.id + 1, (0, 0));
        }
        if self.plain_ids[plain.id].0 == 0 {
            self.plain_ids[plain.id] = (n.indicators.id(plain.indicator), n.units.id(plain.unit));
        }
        let (ind, unit) = self.plain_ids[plain.id];
        debug_assert_eq!(n.indicators.get(ind), Some(plain.indicator));
        self.indicator.push(ind);
        if self.plain_column == 0 {
            self.plain_column = n.columns.id(plain.column);
        }
        debug_assert_eq!(n.columns.get(self.plain_column), Some(plain.column));
        self.year.push(year);
        self.period.push(0);
        // `plain` numbers have at most 18 digits.
        self.mantissa.push(value.mantissa as i64);
        let d = value.decimals;
        self.decimals.push(d as i8);
        self.max_decimals = self.max_decimals.max(d);
        self.max_int_digits = self.max_int_digits.max(value.digits() as i32 - d);
        self.status.push(Status::Reported);
        self.text.push(text);
        self.unit_declared.push(0);
        self.unit.push(unit);
        self.line.push(line);
        self.cell.push(0);
        self.column.push(self.plain_column);
    }

    pub fn number(&self, row: usize) -> Option<Number> {
        (self.status[row] == Status::Reported).then(|| Number {
            mantissa: if self.big.is_empty() {
                self.mantissa[row] as i128
            } else {
                self.big
                    .get(&row)
                    .copied()
                    .unwrap_or(self.mantissa[row] as i128)
            },
            decimals: self.decimals[row] as i32,
        })
    }

    /// The unscaled value at `scale` decimals (which is at least the row's own).
    fn scaled(&self, row: usize, scale: i32) -> Option<i128> {
        let n = self.number(row)?;
        let shift = (scale - n.decimals) as usize;
        Some(if shift == 0 {
            n.mantissa
        } else {
            n.mantissa * POW10[shift]
        })
    }

    /// The area, indicator, year and period of a row as global ids.
    pub fn key(&self, row: usize, maps: &Maps) -> (u32, u32, i32, u32) {
        (
            maps.ids[0][self.area[row] as usize],
            maps.ids[1][self.indicator[row] as usize],
            self.year[row],
            maps.ids[2][self.period[row] as usize],
        )
    }
}

const POW10: [i128; 39] = {
    let mut p = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// The SQL type of the exact `value` column: DECIMAL at the largest printed scale, wide enough for every
/// value (a value needs its integer digits plus the scale); DOUBLE only when no DECIMAL can hold them all
/// exactly.
pub fn value_type(chunks: &[Chunk]) -> ValueType {
    let scale = chunks
        .iter()
        .map(|c| c.max_decimals)
        .max()
        .unwrap_or(0)
        .max(0);
    let int_digits = chunks.iter().map(|c| c.max_int_digits).max().unwrap_or(0);
    let width = int_digits.saturating_add(scale);
    if scale > 38 || width > 38 {
        return ValueType::Double;
    }
    ValueType::Decimal {
        width: if width > 18 { 38 } else { 18 },
        scale: scale as i8,
    }
}

/// How `observations.value` is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Decimal { width: u8, scale: i8 },
    Double,
}

impl ValueType {
    pub fn sql(self) -> String {
        match self {
            ValueType::Decimal { width, scale } => format!("DECIMAL({width},{scale})"),
            ValueType::Double => "DOUBLE".to_string(),
        }
    }
}

/// Per chunk, the position of each of its local names in the enum type of its column (index 0, NULL, maps to
/// `u32::MAX`).
pub struct Maps {
    ids: [Vec<u32>; 6],
}

/// The values of each enum type, in the order of their ids.
pub struct Dictionaries {
    pub kinds: [Vec<String>; 6],
    index: [FxMap<String, u32>; 6],
}

/// Which enum type each interned column belongs to.
pub const AREA: usize = 0;
pub const INDICATOR: usize = 1;
pub const PERIOD: usize = 2;
pub const UNIT: usize = 3;
pub const DECLARED: usize = 4;
pub const COLUMN: usize = 5;

impl Dictionaries {
    /// Starts each type with the values the reference tables and the fixed lists give, in that order.
    pub fn new(seed: [Vec<String>; 6]) -> Dictionaries {
        let mut d = Dictionaries {
            kinds: Default::default(),
            index: Default::default(),
        };
        for (k, values) in seed.into_iter().enumerate() {
            for v in values {
                d.add(k, &v);
            }
        }
        d
    }

    fn add(&mut self, kind: usize, v: &str) -> u32 {
        if let Some(&i) = self.index[kind].get(v) {
            return i;
        }
        let i = self.kinds[kind].len() as u32;
        self.kinds[kind].push(v.to_string());
        self.index[kind].insert(v.to_string(), i);
        i
    }

    /// Adds every name the chunks use (new ones sorted, so the result does not depend on the order in which
    /// pieces were read) and returns each chunk's mapping.
    pub fn absorb(&mut self, chunks: &[Chunk]) -> Vec<Maps> {
        for k in 0..6 {
            let mut new: Vec<&str> = chunks
                .iter()
                .flat_map(|c| c.names.kinds()[k].strings())
                .filter(|s| !self.index[k].contains_key(*s))
                .collect();
            new.sort_unstable();
            new.dedup();
            for s in new {
                self.add(k, s);
            }
        }
        chunks
            .iter()
            .map(|c| Maps {
                ids: std::array::from_fn(|k| {
                    std::iter::once(u32::MAX)
                        .chain(c.names.kinds()[k].strings().map(|s| self.index[k][s]))
                        .collect()
                }),
            })
            .collect()
    }
}

/// A chunk ready to be appended: its rows, its mapping to the enum ids, and the values shared by all rows.
pub struct Part<'a> {
    pub chunk: Chunk,
    pub maps: Maps,
    pub file_id: u32,
    pub value_type: ValueType,
    pub statuses: &'a [u32; 3],
    /// The class of each indicator (by enum id) as its id in the class enum, or `u32::MAX`.
    pub classes: &'a [u32],
    /// (local row, global row of the first copy) of the rows that repeat a key.
    pub repeats: Vec<(u32, u32)>,
    pub prev: Vec<u32>,
    pub prev_values: PrevValues,
    pub tree: &'a TreeIndex,
}

/// Each area's place in the area tree of a period, by the enum ids of (area, year, period; `u32::MAX` for
/// none): the enum ids of its parent and of its level. Areas without a parent in that tree are absent.
pub type TreeIndex = FxMap<(u32, i32, u32), (u32, u32)>;

#[cfg(feature = "engine")]
impl Rows for Part<'_> {
    fn len(&self) -> usize {
        self.chunk.len()
    }

    /// Columns in the order of `sql/observations.sql`.
    fn fill(&self, start: usize, cols: &mut [Column]) {
        let c = &self.chunk;
        let m = &self.maps;
        let enum_id = |k: usize, local: u32| (local > 0).then(|| m.ids[k][local as usize]);
        cols[0].ids(|_| Some(0));
        cols[1].ids(|r| enum_id(AREA, c.area[start + r]));
        cols[2].ids(|r| enum_id(INDICATOR, c.indicator[start + r]));
        cols[3].i32s(|r| Some(c.year[start + r]));
        cols[4].ids(|r| enum_id(PERIOD, c.period[start + r]));
        match self.value_type {
            ValueType::Decimal { scale, .. } => {
                cols[5].i128s(|r| c.scaled(start + r, scale as i32))
            }
            ValueType::Double => cols[5].f64s(|r| c.number(start + r).map(Number::to_f64)),
        }
        cols[6].strs(|r| Some(c.text.get(start + r)));
        cols[7].i8s(|r| (c.status[start + r] == Status::Reported).then_some(c.decimals[start + r]));
        cols[8].ids(|r| enum_id(DECLARED, c.unit_declared[start + r]));
        cols[9].ids(|r| enum_id(UNIT, c.unit[start + r]));
        cols[10].ids(|r| {
            let s = c.status[start + r];
            Some(self.statuses[Status::ALL.iter().position(|x| *x == s).expect("a status")])
        });
        cols[11].ids(|_| Some(self.file_id));
        cols[12].i32s(|r| (c.line[start + r] > 0).then_some(c.line[start + r] as i32));
        cols[13].strs(|r| c.cells.get(c.cell[start + r]));
        cols[14].ids(|r| enum_id(COLUMN, c.column[start + r]));
        cols[15].ids(|r| {
            let i = enum_id(INDICATOR, c.indicator[start + r])?;
            Some(self.classes[i as usize]).filter(|&k| k != u32::MAX)
        });
        let repeats = &self.repeats;
        cols[16].u32s(|r| {
            if repeats.is_empty() {
                return None;
            }
            let r = (start + r) as u32;
            repeats
                .binary_search_by_key(&r, |&(l, _)| l)
                .ok()
                .map(|i| repeats[i].1)
        });
        cols[17].u32s(|r| {
            let g = self.prev[start + r];
            (g != NO_ROW).then_some(g)
        });
        match &self.prev_values {
            PrevValues::Narrow(v) => cols[18].i128s(|r| {
                Some(v[start + r])
                    .filter(|&x| x != i64::MIN)
                    .map(i128::from)
            }),
            PrevValues::Wide(v) => {
                cols[18].i128s(|r| Some(v[start + r]).filter(|&x| x != i128::MIN))
            }
            PrevValues::Double(v) => cols[18].f64s(|r| Some(v[start + r]).filter(|x| !x.is_nan())),
        }
        let places: Vec<Option<&(u32, u32)>> = (0..cols[19].rows())
            .map(|r| {
                let (a, _, y, p) = c.key(start + r, m);
                self.tree.get(&(a, y, p))
            })
            .collect();
        cols[19].ids(|r| places[r].map(|t| t.0));
        cols[20].ids(|r| places[r].map(|t| t.1));
    }
}

/// "No row": the sentinel of [`Links`]' row numbers.
pub const NO_ROW: u32 = u32::MAX;

/// How the rows relate through their keys (area, indicator, period, year), as global row numbers (the rowid
/// the row gets in observations): later copies of a key point to the first copy, the one the checks read,
/// and every row points to the first copy of its key one year earlier.
pub struct Links {
    /// Per chunk: (local row, global row of the first copy) of each row that repeats an earlier key.
    pub repeats: Vec<Vec<(u32, u32)>>,
    /// Per chunk, per row: the global row of the previous year's first copy, or [`NO_ROW`].
    pub prev: Vec<Vec<u32>>,
}

/// Finds each row's first copy and previous year. Keys are numbered densely (years innermost, so the
/// previous year's key is one less) when the key space is small enough, which it is for any real dataset;
/// otherwise through a hash map. Fails beyond 4 billion rows.
#[cfg(feature = "engine")]
pub fn links(
    chunks: &[Chunk],
    maps: &[Maps],
    dicts: &Dictionaries,
    threads: usize,
) -> Result<Links, String> {
    let total: u64 = chunks.iter().map(|c| c.len() as u64).sum();
    if total >= NO_ROW as u64 {
        return Err(format!(
            "{total} observations: statlint reads at most {} in one dataset",
            NO_ROW - 1
        ));
    }
    // Only the periods that occur get a place in the key space.
    let mut period_slot: FxMap<u32, u64> = FxMap::default();
    period_slot.insert(u32::MAX, 0);
    for (c, m) in chunks.iter().zip(maps) {
        for &p in &c.period {
            let g = m.ids[PERIOD][p as usize];
            let next = period_slot.len() as u64;
            period_slot.entry(g).or_insert(next);
        }
    }
    let (lo, hi) = chunks
        .iter()
        .flat_map(|c| c.year.iter().copied())
        .fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let years = if lo <= hi { (hi - lo) as u64 + 1 } else { 0 };
    let dims = [
        dicts.kinds[AREA].len() as u64,
        dicts.kinds[INDICATOR].len() as u64,
        period_slot.len() as u64,
    ];
    let space = dims.iter().product::<u64>().saturating_mul(years);
    let mut links = Links {
        repeats: Vec::with_capacity(chunks.len()),
        prev: Vec::with_capacity(chunks.len()),
    };
    let starts = chunk_starts(chunks);
    if space <= 1 << 28 {
        use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
        let key = |c: &Chunk, m: &Maps, r: usize| {
            let (a, i, y, p) = c.key(r, m);
            let k = ((a as u64 * dims[1] + i as u64) * dims[2] + period_slot[&p]) * years;
            (k + (y - lo) as u64, y > lo)
        };
        // Each key's first copy is its lowest row, whichever thread sees it first: the chunks are read on
        // several threads, then each row looks up the finished table, also on several threads.
        let first: Vec<AtomicU32> = (0..space).map(|_| AtomicU32::new(NO_ROW)).collect();
        super::parallel(threads, chunks.len(), |ci| {
            let (c, m) = (&chunks[ci], &maps[ci]);
            for r in 0..c.len() {
                first[key(c, m, r).0 as usize].fetch_min(starts[ci] + r as u32, Relaxed);
            }
        });
        let found = super::parallel(threads, chunks.len(), |ci| {
            let (c, m) = (&chunks[ci], &maps[ci]);
            let mut repeats = Vec::new();
            let prev = (0..c.len())
                .map(|r| {
                    let (k, has_prev) = key(c, m, r);
                    let f = first[k as usize].load(Relaxed);
                    if f != starts[ci] + r as u32 {
                        repeats.push((r as u32, f));
                    }
                    if has_prev {
                        first[k as usize - 1].load(Relaxed)
                    } else {
                        NO_ROW
                    }
                })
                .collect();
            (repeats, prev)
        });
        (links.repeats, links.prev) = found.into_iter().unzip();
    } else {
        let mut first: std::collections::HashMap<
            (u32, u32, i32, u32),
            u32,
            BuildHasherDefault<Fx>,
        > = Default::default();
        for ((c, m), start) in chunks.iter().zip(maps).zip(&starts) {
            let mut repeats = Vec::new();
            for r in 0..c.len() {
                let f = *first.entry(c.key(r, m)).or_insert(start + r as u32);
                if f != start + r as u32 {
                    repeats.push((r as u32, f));
                }
            }
            links.repeats.push(repeats);
        }
        links.prev = super::parallel(threads, chunks.len(), |ci| {
            let (c, m) = (&chunks[ci], &maps[ci]);
            (0..c.len())
                .map(|r| {
                    let (a, i, y, p) = c.key(r, m);
                    first.get(&(a, i, y - 1, p)).copied().unwrap_or(NO_ROW)
                })
                .collect()
        });
    }
    Ok(links)
}

/// The global row number of each chunk's first row.
fn chunk_starts(chunks: &[Chunk]) -> Vec<u32> {
    chunks
        .iter()
        .scan(0u32, |n, c| {
            let start = *n;
            *n += c.len() as u32;
            Some(start)
        })
        .collect()
}

/// The previous year's values of one chunk's rows, in the representation of the value column.
pub enum PrevValues {
    /// Unscaled DECIMAL values of up to 18 digits; `i64::MIN` for NULL.
    Narrow(Vec<i64>),
    /// Unscaled DECIMAL values; `i128::MIN` for NULL.
    Wide(Vec<i128>),
    /// DOUBLE values; NaN for NULL (a loaded value is never NaN).
    Double(Vec<f64>),
}

/// Looks up the value of every row's previous year (see [`Links::prev`]).
#[cfg(feature = "engine")]
pub fn prev_values(
    chunks: &[Chunk],
    links: &Links,
    value_type: ValueType,
    threads: usize,
) -> Vec<PrevValues> {
    let starts = chunk_starts(chunks);
    // The previous year's row, as its chunk and local row.
    let locate = |g: u32| {
        (g != NO_ROW).then(|| {
            let ci = starts.partition_point(|&s| s <= g) - 1;
            (&chunks[ci], (g - starts[ci]) as usize)
        })
    };
    let scaled = |g: u32, scale: i8| locate(g).and_then(|(c, r)| c.scaled(r, scale as i32));
    super::parallel(threads, links.prev.len(), |i| {
        let prev = &links.prev[i];
        match value_type {
            ValueType::Decimal { width, scale } if width <= 18 => PrevValues::Narrow(
                prev.iter()
                    .map(|&g| scaled(g, scale).map_or(i64::MIN, |v| v as i64))
                    .collect(),
            ),
            ValueType::Decimal { scale, .. } => PrevValues::Wide(
                prev.iter()
                    .map(|&g| scaled(g, scale).unwrap_or(i128::MIN))
                    .collect(),
            ),
            ValueType::Double => PrevValues::Double(
                prev.iter()
                    .map(|&g| {
                        locate(g)
                            .and_then(|(c, r)| c.number(r))
                            .map_or(f64::NAN, Number::to_f64)
                    })
                    .collect(),
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::Interner;

    #[test]
    fn interner_ids_do_not_depend_on_the_order_of_lookups() {
        let mut i = Interner::default();
        let texts = [
            "a", "b", "c", "a", "b", "c", "c", "b", "a", "d", "a", "b", "d",
        ];
        let ids: Vec<u32> = texts.iter().map(|t| i.id(t)).collect();
        assert_eq!(ids, [1, 2, 3, 1, 2, 3, 3, 2, 1, 4, 1, 2, 4]);
        assert_eq!(i.get(4), Some("d"));
        assert_eq!(i.opt(None), 0);
    }
}
