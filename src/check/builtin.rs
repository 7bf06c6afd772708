//! The built-in check library, embedded in the binary so it works from any directory.
//! A test keeps this list equal to the files under `sql/checks/`.

pub const FILES: &[(&str, &str)] = &[
    (
        "hierarchy/incomplete.sql",
        include_str!("../../sql/checks/hierarchy/incomplete.sql"),
    ),
    (
        "hierarchy/ratio.sql",
        include_str!("../../sql/checks/hierarchy/ratio.sql"),
    ),
    (
        "hierarchy/ratio_parts.sql",
        include_str!("../../sql/checks/hierarchy/ratio_parts.sql"),
    ),
    (
        "hierarchy/sum.sql",
        include_str!("../../sql/checks/hierarchy/sum.sql"),
    ),
    (
        "structure/area_validity.sql",
        include_str!("../../sql/checks/structure/area_validity.sql"),
    ),
    (
        "structure/bounds.sql",
        include_str!("../../sql/checks/structure/bounds.sql"),
    ),
    (
        "structure/duplicate.sql",
        include_str!("../../sql/checks/structure/duplicate.sql"),
    ),
    (
        "structure/missing_report.sql",
        include_str!("../../sql/checks/structure/missing_report.sql"),
    ),
    (
        "structure/unknown_area.sql",
        include_str!("../../sql/checks/structure/unknown_area.sql"),
    ),
    (
        "structure/unknown_indicator.sql",
        include_str!("../../sql/checks/structure/unknown_indicator.sql"),
    ),
    (
        "structure/unreadable.sql",
        include_str!("../../sql/checks/structure/unreadable.sql"),
    ),
    (
        "structure/year_range.sql",
        include_str!("../../sql/checks/structure/year_range.sql"),
    ),
    (
        "targets/plan.sql",
        include_str!("../../sql/checks/targets/plan.sql"),
    ),
    (
        "units/converted.sql",
        include_str!("../../sql/checks/units/converted.sql"),
    ),
    (
        "units/declared.sql",
        include_str!("../../sql/checks/units/declared.sql"),
    ),
    (
        "units/percent_fraction.sql",
        include_str!("../../sql/checks/units/percent_fraction.sql"),
    ),
    (
        "units/scale.sql",
        include_str!("../../sql/checks/units/scale.sql"),
    ),
    (
        "yoy/growth.sql",
        include_str!("../../sql/checks/yoy/growth.sql"),
    ),
    (
        "yoy/growth_vs_level.sql",
        include_str!("../../sql/checks/yoy/growth_vs_level.sql"),
    ),
    ("yoy/hb.sql", include_str!("../../sql/checks/yoy/hb.sql")),
    (
        "yoy/swapped.sql",
        include_str!("../../sql/checks/yoy/swapped.sql"),
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_file_under_sql_checks_is_built_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sql/checks");
        let mut on_disk = Vec::new();
        for fam in std::fs::read_dir(&dir).unwrap() {
            let fam = fam.unwrap().path();
            for f in std::fs::read_dir(&fam).unwrap() {
                let f = f.unwrap().path();
                on_disk.push(format!(
                    "{}/{}",
                    fam.file_name().unwrap().to_string_lossy(),
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
        }
        on_disk.sort();
        let listed: Vec<String> = super::FILES.iter().map(|(f, _)| f.to_string()).collect();
        assert_eq!(listed, on_disk, "update src/check/builtin.rs");
    }
}
