//! Each site's 2006 commune and 2025 unit (schema 11) on the shared plan: they sync like any
//! field, and a plan published before they existed gets their columns from the first copy
//! that syncs one.

use super::*;

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_site_s_2025_unit_and_commune_sync_like_any_field() {
    let Some((_pg, dir, url, [mut lan, mut minh, _hoa])) = department() else {
        return;
    };
    // The published plan holds them: a clone has the seeded ones.
    assert_eq!(minh.site("Hà Khánh").unit_2025, "Phường Cao Xanh");
    assert_eq!(minh.site("Lê Lợi").commune_2006, "Lê Lợi");
    lan.edit("Hà Khánh", |s| {
        s.unit_2025 = "Phường Hà Lầm".into();
        s.unit_2025_source = "Người lập chọn tay ngày 2026-12-08".into();
    });
    lan.edit("Bến Đục", |s| s.commune_2006 = "Hoàng Tân?".into());
    assert_eq!(lan.sync(&url).pushed, 3);
    minh.sync(&url);
    assert_eq!(minh.site("Hà Khánh").unit_2025, "Phường Hà Lầm");
    assert_eq!(
        minh.site("Hà Khánh").unit_2025_source,
        "Người lập chọn tay ngày 2026-12-08"
    );
    assert_eq!(minh.site("Bến Đục").commune_2006, "Hoàng Tân?");
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh]);
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_plan_published_before_the_units_gets_their_columns_from_the_first_copy_that_syncs() {
    let Some(pg) = server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.gpkg");
    ProjectFile::create(&origin, false).unwrap();
    let url = pg.url();
    qn_planner::server::init(&url, &mut ProjectFile::open(&origin).unwrap()).unwrap();
    // The plan as a schema-10 copy published it: no commune or unit on the server.
    let mut c = pg.client();
    for t in [
        "industrial_zones",
        "industrial_clusters",
        "proposed_clusters",
        "craft_villages",
        "centre_plants",
        "protected_areas",
        "residential_areas",
    ] {
        c.batch_execute(&format!(
            "ALTER TABLE {t} DROP COLUMN commune_2006, DROP COLUMN unit_2025, DROP COLUMN unit_2025_source"
        ))
        .unwrap();
    }
    let mut lan = Laptop::clone_from(&url, dir.path(), "lan");
    let mut minh = Laptop::clone_from(&url, dir.path(), "minh");
    assert_eq!(
        lan.site("Hà Khánh").unit_2025,
        "",
        "nothing on the old plan"
    );
    // Lan sets a unit: the columns reach the plan with her value, then Minh's copy.
    lan.edit("Hà Khánh", |s| {
        s.commune_2006 = "Hà Khánh".into();
        s.unit_2025 = "Phường Cao Xanh".into();
        s.unit_2025_source = "Người lập chọn tay ngày 2026-12-08".into();
    });
    lan.sync(&url);
    let on_server: Option<String> = c
        .query_one(
            "SELECT unit_2025 FROM proposed_clusters WHERE name = 'Hà Khánh'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(on_server.as_deref(), Some("Phường Cao Xanh"));
    minh.sync(&url);
    assert_eq!(minh.site("Hà Khánh").unit_2025, "Phường Cao Xanh");
    assert_eq!(minh.site("Hà Khánh").commune_2006, "Hà Khánh");
    assert_equal_to_server(&url, dir.path(), &[&lan, &minh]);
}
