//! A site as the rows of its tables: its point (or its polygon) and its boundary, the values
//! of its columns in the order every query uses.

use super::{SRS_WGS84, geom};
use crate::model::Site;
use geo_types::Geometry;
use rusqlite::{Connection, params};

/// The site columns after `fid`, in the order every query uses.
pub(super) const SITE_COLS: &str = "geom, name, kind, status, district_2006, source_para, location_precision, \
    location_source, craft, centre_key, notes, planned_phase, area_ha, main_industries, \
    investment_bn_vnd, jobs, decision_year, accepted_warnings, is_expansion, occupancy_pct, \
    occupancy_year, green_buffer_m, pollution_class, site_key, commune_2006, unit_2025, \
    unit_2025_source";

pub(super) fn site_values(s: &Site) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    let text = |t: &str| Value::Text(t.to_string());
    let opt_text = |t: Option<&str>| t.map(text).unwrap_or(Value::Null);
    let real = |v: Option<f64>| v.map(Value::Real).unwrap_or(Value::Null);
    let accepted = if s.accepted_warnings.is_empty() {
        Value::Null
    } else {
        serde_json::to_string(&s.accepted_warnings)
            .map(Value::Text)
            .unwrap_or(Value::Null)
    };
    let (point, area) = split_geometry(s);
    let geom_value = if s.layer.holds_areas_only() {
        area
    } else {
        point
    };
    vec![
        geom_value
            .map(|g| Value::Blob(geom::encode(&g, SRS_WGS84)))
            .unwrap_or(Value::Null),
        text(&s.name),
        text(&s.kind),
        text(s.status_text()),
        text(&s.district_2006),
        text(&s.source_para),
        text(s.precision_text()),
        text(&s.location_source),
        text(&s.craft),
        text(&s.centre_key),
        text(&s.notes),
        opt_text(Some(s.phase_text()).filter(|t| !t.is_empty())),
        real(s.area_ha),
        text(&s.main_industries),
        real(s.investment_bn_vnd),
        s.jobs.map(Value::Integer).unwrap_or(Value::Null),
        s.decision_year
            .map(|y| Value::Integer(i64::from(y)))
            .unwrap_or(Value::Null),
        accepted,
        Value::Integer(i64::from(s.is_expansion)),
        real(s.occupancy_pct),
        s.occupancy_year
            .map(|y| Value::Integer(i64::from(y)))
            .unwrap_or(Value::Null),
        real(s.green_buffer_m),
        s.pollution_class
            .map(|c| Value::Integer(i64::from(c)))
            .unwrap_or(Value::Null),
        text(&s.key),
        text(&s.commune_2006),
        text(&s.unit_2025),
        text(&s.unit_2025_source),
    ]
}

/// A site's geometry as the file holds it (schema 5): its location as a point (a point inside
/// the boundary when it has one) and its boundary as a multipolygon.
pub(super) fn split_geometry(s: &Site) -> (Option<Geometry<f64>>, Option<Geometry<f64>>) {
    use geo::InteriorPoint;
    match &s.geom {
        Some(Geometry::Polygon(p)) => (
            p.interior_point().map(Geometry::Point),
            Some(Geometry::MultiPolygon(geo_types::MultiPolygon(vec![
                p.clone(),
            ]))),
        ),
        Some(Geometry::MultiPolygon(mp)) => (
            mp.interior_point().map(Geometry::Point),
            Some(Geometry::MultiPolygon(mp.clone())),
        ),
        Some(g) => (Some(g.clone()), None),
        None => (None, None),
    }
}

/// A geometry read from a MULTIPOLYGON column: one part is the polygon a planner drew.
pub(super) fn single_part(g: Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::MultiPolygon(mut mp) if mp.0.len() == 1 => Geometry::Polygon(mp.0.remove(0)),
        other => other,
    }
}

/// Writes the boundary of planning site `s` (stored with key `key`) into its boundary table,
/// or removes it when the site has none.
pub(super) fn put_boundary(conn: &Connection, s: &Site) -> rusqlite::Result<()> {
    let Some(table) = s.layer.boundary_table() else {
        return Ok(());
    };
    match split_geometry(s).1 {
        Some(area) => {
            // Not an UPSERT: its conflict clause would carry into the R-tree triggers' own
            // INSERT OR REPLACE and fail there.
            let blob = geom::encode(&area, SRS_WGS84);
            let updated = conn
                .prepare_cached(&format!(
                    "UPDATE \"{table}\" SET geom = ?1 WHERE site_key = ?2"
                ))?
                .execute(params![blob, s.key])?;
            if updated == 0 {
                conn.prepare_cached(&format!(
                    "INSERT INTO \"{table}\" (geom, site_key) VALUES (?1, ?2)"
                ))?
                .execute(params![blob, s.key])?;
            }
        }
        None => {
            conn.prepare_cached(&format!("DELETE FROM \"{table}\" WHERE site_key = ?1"))?
                .execute([&s.key])?;
        }
    }
    Ok(())
}

pub(super) fn insert_site(conn: &Connection, s: &Site) -> rusqlite::Result<i64> {
    insert_site_with_fid(conn, None, s)
}

pub(super) fn insert_site_with_fid(
    conn: &Connection,
    fid: Option<i64>,
    s: &Site,
) -> rusqlite::Result<i64> {
    let keyed;
    let s = if s.key.is_empty() {
        let mut k = s.clone();
        k.key = crate::model::new_key();
        keyed = k;
        &keyed
    } else {
        s
    };
    let table = s.layer.table();
    let mut values = site_values(s);
    values.insert(
        0,
        fid.map(rusqlite::types::Value::Integer)
            .unwrap_or(rusqlite::types::Value::Null),
    );
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    // Cached: preparing a statement on a table with the change-log triggers costs more than
    // running it.
    conn.prepare_cached(&format!(
        "INSERT INTO \"{table}\" (fid, {SITE_COLS}) VALUES ({})",
        marks.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    let fid = conn.last_insert_rowid();
    put_boundary(conn, s)?;
    Ok(fid)
}

pub(super) fn update_site(conn: &Connection, fid: i64, s: &Site) -> rusqlite::Result<()> {
    let table = s.layer.table();
    let keyed;
    let s = if s.key.is_empty() {
        // A record written without a key keeps the one the file gave it.
        let mut k = s.clone();
        k.key = conn.query_row(
            &format!("SELECT coalesce(site_key, '') FROM \"{table}\" WHERE fid = ?1"),
            [fid],
            |r| r.get(0),
        )?;
        if k.key.is_empty() {
            k.key = crate::model::new_key();
        }
        keyed = k;
        &keyed
    } else {
        s
    };
    // A record whose key changed leaves no boundary behind under the old key.
    if let Some(b) = s.layer.boundary_table() {
        conn.execute(
            &format!(
                "DELETE FROM \"{b}\" WHERE site_key = (SELECT site_key FROM \"{table}\" WHERE fid = ?1) AND site_key != ?2"
            ),
            params![fid, s.key],
        )?;
    }
    let mut values = site_values(s);
    let sets: Vec<String> = SITE_COLS
        .split(',')
        .enumerate()
        .map(|(i, c)| format!("{} = ?{}", c.trim(), i + 1))
        .collect();
    values.push(rusqlite::types::Value::Integer(fid));
    let n = values.len();
    conn.prepare_cached(&format!(
        "UPDATE \"{table}\" SET {} WHERE fid = ?{n}",
        sets.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    put_boundary(conn, s)
}
