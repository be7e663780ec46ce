//! Scenarios through the GeoPackage: create, duplicate, rename, delete, reference, undo; bad
//! values refused; the file stays valid for GDAL.

use crate::common;

use qn_planner::edit::{Edit, EditError, History};
use qn_planner::model::{Actual, Layer};
use qn_planner::scenario::{GrowthPeriod, Scenario, output_series};
use qn_planner::store::ProjectFile;

fn open() -> (tempfile::TempDir, std::path::PathBuf, ProjectFile) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let pf = ProjectFile::open(&path).unwrap();
    (dir, path, pf)
}

#[test]
fn a_new_project_has_the_reference_scenario() {
    let (_d, _p, pf) = open();
    let p = pf.read_project().unwrap();
    assert_eq!(p.scenarios.len(), 1);
    let r = p.reference_scenario().unwrap();
    assert_eq!(r.name, "Quy hoạch 2007 (tham chiếu)");
    // Every site has a phasing row; the 4 zones and 8 clusters open in 2006.
    assert_eq!(r.phasing.len(), p.sites.len());
    let open_2006 = p
        .sites
        .iter()
        .filter(|s| matches!(s.layer, Layer::IndustrialZones | Layer::IndustrialClusters))
        .filter(|s| r.open_year(s.layer, s.fid) == Some(2006))
        .count();
    assert_eq!(open_2006, 12);
    assert!(
        p.sites_of(Layer::ProposedClusters)
            .all(|s| r.open_year(s.layer, s.fid).is_none())
    );
}

#[test]
fn create_duplicate_rename_delete_round_trip_and_undo() {
    let (_d, path, mut pf) = open();
    let mut p = pf.read_project().unwrap();
    let mut h = History::default();
    let reference = p.reference_scenario().unwrap().clone();

    // Duplicate the reference as "Phương án nhanh" with growth and two clusters scheduled.
    let mut fast = reference.duplicate("Phương án nhanh");
    assert!(fast.id == 0 && !fast.is_reference && fast.phasing == reference.phasing);
    assert!(
        fast.created.is_empty() && fast.modified.is_empty(),
        "stamped by the edit that stores it"
    );
    assert_eq!(
        qn_planner::scenario::unique_name(&p, &reference.name),
        format!("{} 2", reference.name)
    );
    fast.growth = vec![
        GrowthPeriod {
            key: String::new(),
            from: 2008,
            to: 2010,
            rate_pct: 19.5,
        },
        GrowthPeriod {
            key: String::new(),
            from: 2011,
            to: 2020,
            rate_pct: 12.0,
        },
    ];
    let hk = p
        .sites
        .iter()
        .find(|s| s.name == "Hà Khánh")
        .unwrap()
        .clone();
    fast.set_open_year(hk.layer, hk.fid, Some(2009));
    h.apply(
        Edit::scenario(None, Some(fast.clone())),
        None,
        &mut pf,
        &mut p,
    )
    .unwrap();
    assert_eq!(p.scenarios.len(), 2);
    let stored = p.scenario_by_name("phuong an nhanh").unwrap().clone();
    assert!(stored.id > reference.id);
    assert!(stored.created.len() >= 19 && stored.created == stored.modified);

    // The file holds exactly what memory holds.
    let reread = pf.read_project().unwrap();
    assert_eq!(reread.scenarios, p.scenarios);
    let series = output_series(&stored, &p.figures);
    assert!(series.iter().all(|y| y.total_bn_vnd.is_some()));

    // Rename; a duplicate name is refused.
    let mut renamed = stored.clone();
    renamed.name = "Quy hoach 2007 (tham chieu)".into();
    let err = Edit::scenario(Some(stored.clone()), Some(renamed.clone()))
        .apply(&mut pf, &mut p)
        .unwrap_err();
    assert!(matches!(err, EditError::InvalidScenario(_)), "{err}");
    renamed.name = "Phương án A".into();
    h.apply(
        Edit::scenario(Some(stored.clone()), Some(renamed.clone())),
        None,
        &mut pf,
        &mut p,
    )
    .unwrap();
    // Make it the reference, then delete the old one.
    h.apply(
        Edit::Reference {
            before: Some(reference.id),
            after: Some(stored.id),
        },
        None,
        &mut pf,
        &mut p,
    )
    .unwrap();
    let old_ref = p.scenario(reference.id).unwrap().clone();
    h.apply(Edit::scenario(Some(old_ref), None), None, &mut pf, &mut p)
        .unwrap();
    let reread = pf.read_project().unwrap();
    assert_eq!(reread.scenarios.len(), 1);
    assert!(reread.scenarios[0].is_reference);
    assert_eq!(reread.scenarios[0].name, "Phương án A");

    // Undo everything: back to the seeded state, in the file too.
    while h.undo(&mut pf, &mut p).unwrap() {}
    let reread = pf.read_project().unwrap();
    assert_eq!(reread.scenarios, vec![reference.clone()]);
    assert_eq!(p.scenarios, vec![reference]);
    drop(pf);

    if common::have_gdal() {
        common::assert_valid_gpkg(&path, "after scenario edits");
    }
}

#[test]
fn bad_scenario_values_never_reach_the_file() {
    let (_d, _p, mut pf) = open();
    let mut p = pf.read_project().unwrap();
    let before = p.scenarios[0].clone();
    let mut bad = before.clone();
    bad.growth = vec![GrowthPeriod {
        key: String::new(),
        from: 2008,
        to: 2010,
        rate_pct: -60.0,
    }];
    bad.phasing[0].open_year = Some(2040);
    bad.phasing[1].land_ha = Some(-5.0);
    let err = Edit::scenario(Some(before.clone()), Some(bad))
        .apply(&mut pf, &mut p)
        .unwrap_err();
    let EditError::InvalidScenario(errs) = err else {
        panic!()
    };
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(pf.read_project().unwrap().scenarios[0], before);
    // A second scenario with the reference's name is refused too.
    let mut copy = Scenario::new("QUY HOẠCH 2007 (THAM CHIẾU)", &p);
    copy.name = "Quy hoạch 2007 (tham chiếu)".into();
    assert!(
        Edit::scenario(None, Some(copy))
            .apply(&mut pf, &mut p)
            .is_err()
    );
    assert_eq!(pf.read_project().unwrap().scenarios.len(), 1);
}

#[test]
fn reported_actuals_are_seeded_with_their_sources_and_entries_undo() {
    let (_d, _p, mut pf) = open();
    let mut p = pf.read_project().unwrap();
    // Every row of actuals.csv, kept with unit, price basis, scope, source and quote.
    let reported: Vec<&Actual> = p
        .actuals
        .iter()
        .filter(|a| a.kind == qn_planner::model::ActualKind::Reported)
        .collect();
    assert_eq!(reported.len(), 94);
    let y2010 = reported
        .iter()
        .find(|a| a.indicator == "industrial_output_value" && a.period == "2010")
        .unwrap();
    assert_eq!(y2010.value, Some(27_812.0));
    assert_eq!(y2010.year, Some(2010));
    assert_eq!(y2010.price_basis, "constant 1994 prices");
    assert!(
        y2010
            .source
            .starts_with("https://khuyencongquangninh.net.vn/")
    );
    assert!(y2010.quote.contains("27.812"));
    // A period that is not one whole year is never read as an annual value.
    let avg = reported
        .iter()
        .find(|a| a.indicator == "industrial_output_avg_growth" && a.period == "2006-2010")
        .unwrap();
    assert_eq!(avg.year, None);
    assert!(
        reported
            .iter()
            .all(|a| !a.source.is_empty() || a.quote.is_empty())
    );

    let mut h = History::default();
    let a = Actual {
        key: String::new(),
        indicator: "industrial_output_value".into(),
        period: "2011".into(),
        year: Some(2011),
        value: Some(30_000.0),
        unit: "bn VND".into(),
        price_basis: "constant 1994 prices".into(),
        scope: "province total".into(),
        source: "entered by the planner".into(),
        quote: String::new(),
        kind: qn_planner::model::ActualKind::Entered,
    };
    let before = p.actuals.clone();
    let mut after = before.clone();
    after.push(a.clone());
    h.apply(
        Edit::Actuals {
            before: before.clone(),
            after,
        },
        None,
        &mut pf,
        &mut p,
    )
    .unwrap();
    let reread = pf.read_project().unwrap().actuals;
    assert_eq!(reread.len(), 95);
    // Stored with a key of its own, otherwise as entered.
    let stored = reread
        .iter()
        .find(|x| x.period == "2011" && x.kind == a.kind)
        .unwrap();
    assert_eq!(stored.key.len(), 36);
    assert_eq!(
        &Actual {
            key: String::new(),
            ..stored.clone()
        },
        &a
    );
    assert_eq!(
        p.actuals, reread,
        "memory and the file agree, keys included"
    );
    h.undo(&mut pf, &mut p).unwrap();
    assert_eq!(pf.read_project().unwrap().actuals, before);
}

/// The report's figures are data in the file: seeded with their paragraphs, read by the
/// engine from the project, corrected through the edit path (undo included), corrected by
/// another program with plain SQL, and refused with the row when not a number.
#[test]
fn the_reports_figures_are_data_in_the_file() {
    use qn_planner::model::figures::{DocumentFigures, Figure};
    use qn_planner::scenario::{Source, indicators};
    let (_d, path, mut pf) = open();
    let mut p = pf.read_project().unwrap();
    assert_eq!(p.figures, DocumentFigures::default());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        let (label, value, unit, para): (String, f64, String, String) = c
            .query_row(
                "SELECT label, value, unit, paragraph FROM document_figures WHERE key = 'output_2007_target'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (label.as_str(), value, unit.as_str(), para.as_str()),
            (
                "Giá trị SXCN năm 2007 (kế hoạch)",
                20_150.0,
                "tỉ đồng",
                "¶10"
            )
        );
    }
    let reference = p.reference_scenario().unwrap().clone();
    assert_eq!(
        indicators(&reference, &p, 2007).output_bn_vnd,
        Some(20_150.0)
    );

    // A planner corrects the 2007 target: file, memory and indicators follow; undo restores.
    let mut history = History::default();
    history
        .apply(
            Edit::Figure {
                figure: Figure::Output2007Target,
                before: 20_150.0,
                after: 20_000.0,
            },
            None,
            &mut pf,
            &mut p,
        )
        .unwrap();
    let i = indicators(&reference, &p, 2007);
    assert_eq!(i.output_bn_vnd, Some(20_000.0));
    assert_eq!(i.output_source, Source::Corrected("¶10"));
    assert_eq!(pf.read_project().unwrap().figures, p.figures);
    assert!(history.undo(&mut pf, &mut p).unwrap());
    assert_eq!(pf.read_figures().unwrap(), DocumentFigures::default());
    assert_eq!(p.figures, DocumentFigures::default());

    // A value that cannot be is refused, and nothing is written.
    let err = Edit::Figure {
        figure: Figure::Extension2007Projects,
        before: 79.0,
        after: 7.5,
    }
    .apply(&mut pf, &mut p)
    .unwrap_err();
    assert!(matches!(err, EditError::InvalidScenario(_)), "{err}");
    assert_eq!(pf.read_figures().unwrap(), DocumentFigures::default());

    // Corrected in QGIS (plain SQL): the engine reads it.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute(
        "UPDATE document_figures SET value = 17000 WHERE key = 'output_2006'",
        [],
    )
    .unwrap();
    let p2 = pf.read_project().unwrap();
    let o = output_series(&reference, &p2.figures);
    assert_eq!(o[1].total_bn_vnd, Some(17_000.0));
    assert_eq!(o[1].source, Source::Corrected("¶4"));
    // Text in a value column: a clear refusal that names the table and row.
    c.execute(
        "UPDATE document_figures SET value = 'mười bảy' WHERE key = 'output_2006'",
        [],
    )
    .unwrap();
    let err = pf.read_project().unwrap_err().to_string();
    assert!(
        err.contains("document_figures") && err.contains("output_2006"),
        "{err}"
    );
    c.execute(
        "UPDATE document_figures SET value = 17000 WHERE key = 'output_2006'",
        [],
    )
    .unwrap();
    drop(c);
    if common::have_gdal() {
        let out = std::process::Command::new("ogrinfo")
            .args(["-ro", "-al", "-q"])
            .arg(&path)
            .arg("document_figures")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Khuyến công 2007 (kế hoạch): vốn thu hút"),
            "{text}"
        );
        common::assert_valid_gpkg(&path, "with document figures");
    }
}
