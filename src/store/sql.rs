//! SQL text made from names a file or a program chose: identifiers quoted in one place, and
//! the geometry and column types allowed to reach SQL (SQLite's and PostgreSQL's DDL) taken
//! from whitelists, never pasted.

/// An SQL identifier (a table or column name) quoted for SQLite: the one place names are
/// quoted, whatever program chose them.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A geometry type name as it may stand in SQL (a column's declared type in SQLite, a PostGIS
/// typmod): one of the GeoPackage's own names, whatever case a file wrote it in; `None` for
/// anything else. A name read from a file (`gpkg_geometry_columns`, a server's table) reaches
/// SQL only through this.
///
/// ```
/// use qn_planner::store::geometry_type_name;
/// assert_eq!(geometry_type_name("multiPolygon"), Some("MULTIPOLYGON"));
/// assert_eq!(geometry_type_name("POINT, 4326)); DROP TABLE x; --"), None);
/// ```
pub fn geometry_type_name(name: &str) -> Option<&'static str> {
    const NAMES: [&str; 15] = [
        "GEOMETRY",
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
        "CIRCULARSTRING",
        "COMPOUNDCURVE",
        "CURVEPOLYGON",
        "MULTICURVE",
        "MULTISURFACE",
        "CURVE",
        "SURFACE",
    ];
    NAMES
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case(name.trim()))
}

/// The GeoPackage geometry type name of `g` (`POINT`, `MULTIPOLYGON`…).
pub fn geometry_kind(g: &geo_types::Geometry<f64>) -> &'static str {
    use geo_types::Geometry as G;
    match g {
        G::Point(_) => "POINT",
        G::MultiPoint(_) => "MULTIPOINT",
        G::Line(_) | G::LineString(_) => "LINESTRING",
        G::MultiLineString(_) => "MULTILINESTRING",
        G::Polygon(_) | G::Rect(_) | G::Triangle(_) => "POLYGON",
        G::MultiPolygon(_) => "MULTIPOLYGON",
        G::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    }
}

/// A column's declared type as it may stand in SQL: a GeoPackage data type when it is one
/// (`TEXT(20)` keeps no length), else the type of the same SQLite affinity. A declaration read
/// from a file reaches SQL only through this.
///
/// ```
/// use qn_planner::store::column_type;
/// assert_eq!(column_type("double"), "DOUBLE");
/// assert_eq!(column_type("VARCHAR(80)"), "TEXT");
/// assert_eq!(column_type("INT); DROP TABLE x; --"), "INTEGER");
/// ```
pub fn column_type(decl: &str) -> &'static str {
    const NAMES: [&str; 13] = [
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "MEDIUMINT",
        "INT",
        "INTEGER",
        "FLOAT",
        "DOUBLE",
        "REAL",
        "TEXT",
        "BLOB",
        "DATE",
        "DATETIME",
    ];
    let d = decl.trim().to_ascii_uppercase();
    let bare = d.split('(').next().unwrap_or("").trim();
    if let Some(n) = NAMES.into_iter().find(|n| *n == bare) {
        return n;
    }
    // SQLite's affinity rules (§3.1 of "Datatypes In SQLite").
    if d.contains("INT") {
        "INTEGER"
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        "TEXT"
    } else if d.contains("BLOB") || d.is_empty() {
        "BLOB"
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        "REAL"
    } else {
        "TEXT"
    }
}
