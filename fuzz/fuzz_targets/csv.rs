//! Reading a CSV file's bytes into observations and rejects, for each text layout of fuzz/dataset. The first
//! byte picks the file entry and a piece size: the bytes are read whole and cut into small pieces (as large
//! files are read in parallel), and both reads must agree.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use statlint::manifest::Format;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static FILES: OnceLock<Vec<usize>> = OnceLock::new();
    let files = FILES.get_or_init(|| common::files(|f| f == Format::Csv));
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let file = files[sel as usize % files.len()];
    let piece = 1 + (sel as usize / files.len()) % 24;
    let ds = common::dataset();
    let whole = statlint::load::read_bytes(ds, file, bytes.to_vec(), None);
    common::check(&whole);
    let pieces = statlint::load::read_bytes(ds, file, bytes.to_vec(), Some(piece));
    assert_eq!(
        common::summary(&whole),
        common::summary(&pieces),
        "read whole and in pieces of {piece} bytes"
    );
});
