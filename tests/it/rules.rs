//! Rules as data in the GeoPackage: seeded, edited through the undo path, and the verdicts
//! follow the edited figures.

use geo_types::{Geometry, LineString, Polygon};
use qn_planner::analysis::rules::{Verdict, date_of_year, evaluate};
use qn_planner::edit::{Edit, EditError, History};
use qn_planner::model::rules::CheckKind;
use qn_planner::model::{Layer, Site, Status};
use qn_planner::store::ProjectFile;

fn square(lon: f64, lat: f64, d: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (lon, lat),
            (lon + d, lat),
            (lon + d, lat + d),
            (lon, lat + d),
            (lon, lat),
        ]),
        vec![],
    ))
}

#[test]
fn an_edited_rule_figure_changes_the_verdict_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut p = pf.read_project().unwrap();
    assert_eq!(p.rules.len(), 12, "the seeded rule set is in the file");
    let mut h = History::default();

    // A 0.006° square at 21.2 N is about 41 ha: within NĐ 32/2024's 10–75 ha.
    let mut s = Site::new(
        Layer::ProposedClusters,
        "Cụm thử quy định",
        Status::Proposed,
    );
    s.geom = Some(square(107.2, 21.2, 0.006));
    h.apply(Edit::insert(s), None, &mut pf, &mut p).unwrap();
    let site = p
        .sites
        .iter()
        .find(|x| x.name == "Cụm thử quy định")
        .unwrap()
        .clone();
    let area_verdict = |p: &qn_planner::model::Project| {
        evaluate(&site, &p.rules, p, None, &date_of_year(2025), None)
            .into_iter()
            .find(|r| r.check == CheckKind::CcnArea)
            .unwrap()
    };
    assert_eq!(area_verdict(&p).verdict, Verdict::Pass);
    assert!(area_verdict(&p).citation.starts_with("NĐ 32/2024"));

    // The planner lowers the maximum to 30 ha: the same site now fails.
    let before = p.rules.clone();
    let mut after = before.clone();
    after
        .iter_mut()
        .find(|r| r.key == "ccn_area_nd32_2024")
        .unwrap()
        .params
        .max_ha = Some(30.0);
    h.apply(
        Edit::Rules {
            before: before.clone(),
            after,
        },
        None,
        &mut pf,
        &mut p,
    )
    .unwrap();
    assert_eq!(area_verdict(&p).verdict, Verdict::Fail);
    // It is in the file.
    let reread = pf.read_project().unwrap();
    assert_eq!(
        reread
            .rules
            .iter()
            .find(|r| r.key == "ccn_area_nd32_2024")
            .unwrap()
            .params
            .max_ha,
        Some(30.0)
    );
    assert_eq!(area_verdict(&reread).verdict, Verdict::Fail);

    // Switching the rule off leaves no rule of that kind in force: said plainly.
    let before2 = p.rules.clone();
    let mut off = before2.clone();
    off.iter_mut()
        .find(|r| r.key == "ccn_area_nd32_2024")
        .unwrap()
        .enabled = false;
    h.apply(
        Edit::Rules {
            before: before2,
            after: off,
        },
        None,
        &mut pf,
        &mut p,
    )
    .unwrap();
    assert_eq!(area_verdict(&p).verdict, Verdict::NoRule);

    // Undo twice: the seeded figure and verdict are back, in the file too.
    h.undo(&mut pf, &mut p).unwrap();
    h.undo(&mut pf, &mut p).unwrap();
    assert_eq!(area_verdict(&p).verdict, Verdict::Pass);
    let reread = pf.read_project().unwrap();
    assert_eq!(reread.rules, p.rules);
    assert_eq!(
        reread
            .rules
            .iter()
            .find(|r| r.key == "ccn_area_nd32_2024")
            .unwrap()
            .params
            .max_ha,
        Some(75.0)
    );
}

#[test]
fn invalid_rule_figures_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.gpkg");
    drop(ProjectFile::create(&path, false).unwrap());
    let mut pf = ProjectFile::open(&path).unwrap();
    let mut p = pf.read_project().unwrap();
    let before = p.rules.clone();
    let mut after = before.clone();
    after[0].params.max_ha = Some(-5.0);
    after[1].valid_from = "2017".into();
    let mut dup = after[2].clone();
    dup.id = 0;
    after.push(dup);
    let err = Edit::Rules {
        before: before.clone(),
        after,
    }
    .apply(&mut pf, &mut p)
    .unwrap_err();
    let EditError::InvalidScenario(errs) = err else {
        panic!()
    };
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(pf.read_project().unwrap().rules, before);
}
