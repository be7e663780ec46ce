//! Shared reference layers: a planner publishes a reference layer of the project (cadastral
//! parcels, district plans) once — `qn-planner server share URL FILE.gpkg LAYER` — and every
//! copy receives it at its next `clone` or `sync`, as a reference layer of its own, read-only
//! there for every SQLite client (triggers refuse a change by QGIS or GDAL). Rows travel by
//! PostgreSQL's binary `COPY` both ways, geometries as (E)WKB, so a layer of hundreds of
//! thousands of polygons takes about a second.

use super::schema::check_plan;
use super::{ServerError, ident, safe_url};
use crate::model::value::{FieldType, Value};
use crate::store::batch::{Batch, Prepared};
use crate::store::{AsideAbout, ProjectFile};
use postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutIter};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, Kind, ToSql, Type, to_sql_checked};

/// A layer shared on the server.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedLayer {
    pub table: String,
    pub name: String,
    pub color: String,
    pub geometry_type: String,
    pub columns: Vec<(String, FieldType)>,
    pub features: i64,
}

/// A geometry as PostGIS's binary input takes it (EWKB with its SRID).
#[derive(Debug)]
struct Ewkb(Option<Vec<u8>>);

impl ToSql for Ewkb {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Some(b) => {
                out.extend_from_slice(b);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "geometry"
    }

    to_sql_checked!();
}

fn pg_type(t: FieldType) -> (&'static str, Type) {
    match t {
        FieldType::Integer => ("bigint", Type::INT8),
        FieldType::Real => ("double precision", Type::FLOAT8),
        FieldType::Text => ("text", Type::TEXT),
    }
}

fn field_type(decl: &str) -> FieldType {
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") {
        FieldType::Integer
    } else if d.contains("REAL") || d.contains("DOUBLE") || d.contains("FLOAT") {
        FieldType::Real
    } else {
        FieldType::Text
    }
}

fn type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Integer => "integer",
        FieldType::Real => "real",
        FieldType::Text => "text",
    }
}

/// A geometry type as the store names it: a GeoPackage name, else the general one (a
/// server's text reaches a copy's SQL only through the whitelist).
fn static_geometry_type(t: &str) -> &'static str {
    crate::store::geometry_type_name(t).unwrap_or("GEOMETRY")
}

/// Publishes the reference layer `layer` (its table or its title) of `pf` on the shared plan at
/// `url`, in one transaction.
pub fn share(
    url: &str,
    pf: &mut ProjectFile,
    layer: &str,
    author: Option<&str>,
) -> Result<SharedLayer, ServerError> {
    let safe = safe_url(url);
    let db = |source| crate::server::db_error(&safe, source);
    let r = pf
        .reference_layers()?
        .into_iter()
        .find(|r| r.table == layer || r.name == layer)
        .ok_or_else(|| ServerError::NoLayer(pf.path().display().to_string(), layer.into()))?;
    let table = r.table.clone();
    let columns: Vec<(String, FieldType)> = pf
        .attribute_columns(&table)?
        .into_iter()
        .map(|(n, d)| (n, field_type(&d)))
        .collect();
    // A GeoPackage geometry type name (whitelisted by the store), never the file's text.
    let gtype = pf.geometry_type_of(&table)?;
    let mut client = super::connect(url)?;
    check_plan(&mut client, &safe, pf)?;
    let mut tx = client.transaction().map_err(db)?;
    tx.batch_execute(super::schema::SHARED_LAYERS).map_err(db)?;
    let taken = tx
        .query_opt(
            "SELECT 1 FROM qn_shared_layers WHERE table_name = $1
             UNION ALL SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = $1",
            &[&table],
        )
        .map_err(db)?
        .is_some();
    if taken {
        return Err(ServerError::LayerTaken(safe, table));
    }
    // Each feature's stable key, the same on the server and in every copy.
    let mut defs = vec![
        "fid bigint PRIMARY KEY".to_string(),
        "feature_key text NOT NULL DEFAULT gen_random_uuid()::text".to_string(),
    ];
    defs.extend(
        columns
            .iter()
            .map(|(n, t)| format!("{} {}", ident(n), pg_type(*t).0)),
    );
    defs.push(format!("geom geometry({gtype}, 4326)"));
    let t = ident(&table);
    tx.batch_execute(&format!("CREATE TABLE {t} ({})", defs.join(", ")))
        .map_err(db)?;
    let oid: u32 = tx
        .query_one("SELECT 'geometry'::regtype::oid", &[])
        .map_err(db)?
        .get(0);
    let geometry = Type::new("geometry".into(), oid, Kind::Simple, "public".into());
    let mut types = vec![Type::INT8];
    types.extend(columns.iter().map(|(_, t)| pg_type(*t).1));
    types.push(geometry);
    let mut names = vec!["fid".to_string()];
    names.extend(columns.iter().map(|(n, _)| ident(n)));
    names.push("geom".into());
    let sink = tx
        .copy_in(&format!(
            "COPY {t} ({}) FROM STDIN (FORMAT binary)",
            names.join(", ")
        ))
        .map_err(db)?;
    let mut w = BinaryCopyInWriter::new(sink, &types);
    let mut failed: Option<ServerError> = None;
    let mut features = 0i64;
    let bad = |column: &str, what: &str| ServerError::BadValue {
        table: table.clone(),
        column: column.into(),
        decl: "a shared layer's column".into(),
        what: what.into(),
    };
    pf.for_each_feature_row(&table, &mut |fid, values, blob| {
        let geom = match blob.map(|b| crate::store::geom::ewkb_from_blob(b, 4326)) {
            None => None,
            Some(Ok(g)) => g,
            Some(Err(e)) => {
                failed = Some(bad("geom", &e.to_string()));
                return false;
            }
        };
        let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(values.len() + 2);
        params.push(Box::new(fid));
        for ((name, t), v) in columns.iter().zip(values) {
            let p: Box<dyn ToSql + Sync> = match (t, v) {
                (FieldType::Integer, Value::Int(i)) => Box::new(Some(*i)),
                (FieldType::Integer, Value::Null) => Box::new(None::<i64>),
                (FieldType::Real, Value::Real(r)) => Box::new(Some(*r)),
                (FieldType::Real, Value::Int(i)) => Box::new(Some(*i as f64)),
                (FieldType::Real, Value::Null) => Box::new(None::<f64>),
                (FieldType::Text, Value::Text(s)) => Box::new(Some(s.clone())),
                (FieldType::Text, Value::Int(i)) => Box::new(Some(i.to_string())),
                (FieldType::Text, Value::Real(r)) => Box::new(Some(r.to_string())),
                (FieldType::Text, Value::Null) => Box::new(None::<String>),
                (_, other) => {
                    failed = Some(bad(name, &format!("{other:?} in feature {fid}")));
                    return false;
                }
            };
            params.push(p);
        }
        params.push(Box::new(Ewkb(geom)));
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref()).collect();
        if let Err(e) = w.write(&refs) {
            failed = Some(db(e));
            return false;
        }
        features += 1;
        true
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    w.finish().map_err(db)?;
    tx.batch_execute(&format!(
        "CREATE INDEX {} ON {t} USING gist (geom)",
        ident(&format!("{table}_geom_gist"))
    ))
    .map_err(db)?;
    let cols_json = serde_json::to_string(
        &columns
            .iter()
            .map(|(n, t)| (n.clone(), type_name(*t)))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO qn_shared_layers (table_name, name, color, geometry_type, columns, features, published_by)
         VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7)",
        &[&table, &r.name, &r.color, &gtype, &cols_json, &features, &author],
    )
    .map_err(db)?;
    tx.commit().map_err(db)?;
    // This copy has it already: it becomes the shared one (a sync does not bring it again),
    // read-only like everyone else's.
    pf.mark_layer_shared(&table, &shared_source(&table))?;
    pf.make_layer_read_only(
        &table,
        &format!(
            "{}: a layer shared on {safe}, read-only on this copy",
            r.name
        ),
    )?;
    Ok(SharedLayer {
        table,
        name: r.name,
        color: r.color,
        geometry_type: gtype.to_string(),
        columns,
        features,
    })
}

/// The layers shared on the server (none on a server where nobody shared one yet).
pub(crate) fn shared_layers(
    client: &mut postgres::Client,
) -> Result<Vec<SharedLayer>, postgres::Error> {
    let exists = client
        .query_opt(
            "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'qn_shared_layers'",
            &[],
        )?
        .is_some();
    if !exists {
        return Ok(Vec::new());
    }
    Ok(client
        .query(
            "SELECT table_name, name, color, geometry_type, columns::text, features
             FROM qn_shared_layers ORDER BY published_at, table_name",
            &[],
        )?
        .iter()
        .map(|r| {
            let cols: Vec<(String, String)> =
                serde_json::from_str(r.get::<_, &str>(4)).unwrap_or_default();
            SharedLayer {
                table: r.get(0),
                name: r.get(1),
                color: r.get(2),
                geometry_type: r.get(3),
                columns: cols.into_iter().map(|(n, t)| (n, field_type(&t))).collect(),
                features: r.get(5),
            }
        })
        .collect())
}

/// The mark a received layer carries in the copy's registry (its `source`).
pub fn shared_source(table: &str) -> String {
    format!("shared:{table}")
}

/// Brings into `pf` every shared layer it does not hold yet (each in its own transaction).
/// Returns the layers received and their feature counts.
pub(crate) fn receive(
    client: &mut postgres::Client,
    safe: &str,
    pf: &mut ProjectFile,
) -> Result<Vec<(String, usize)>, ServerError> {
    let db = |source| crate::server::db_error(safe, source);
    let held: Vec<String> = pf
        .reference_layers()?
        .into_iter()
        .map(|r| r.source)
        .collect();
    let mut got = Vec::new();
    for layer in shared_layers(client).map_err(db)? {
        if held.contains(&shared_source(&layer.table)) {
            continue;
        }
        let n = download(client, safe, pf, &layer)?;
        got.push((layer.name.clone(), n));
    }
    Ok(got)
}

fn download(
    client: &mut postgres::Client,
    safe: &str,
    pf: &mut ProjectFile,
    layer: &SharedLayer,
) -> Result<usize, ServerError> {
    let db = |source| crate::server::db_error(safe, source);
    let mut tx = client.transaction().map_err(db)?;
    // The stable key first, then the layer's own columns and the geometry.
    let columns: Vec<(String, FieldType)> =
        std::iter::once(("feature_key".to_string(), FieldType::Text))
            .chain(layer.columns.iter().cloned())
            .collect();
    let mut list: Vec<String> = columns.iter().map(|(n, _)| ident(n)).collect();
    list.push("ST_AsBinary(geom)".into());
    let source = tx
        .copy_out(&format!(
            "COPY (SELECT {} FROM {} ORDER BY fid) TO STDOUT (FORMAT binary)",
            list.join(", "),
            ident(&layer.table)
        ))
        .map_err(db)?;
    let mut types: Vec<Type> = columns.iter().map(|(_, t)| pg_type(*t).1).collect();
    types.push(Type::BYTEA);
    let mut rows = BinaryCopyOutIter::new(source, &types);
    let gtype = static_geometry_type(&layer.geometry_type);
    let mut w = pf.begin_aside(&layer.name)?;
    let ncol = columns.len();
    let mut batch = Batch {
        new_fields: columns.clone(),
        rows: Vec::with_capacity(10_000),
        fraction: 0.0,
        geometry_type: Some(gtype),
    };
    let mut n = 0usize;
    let bad = |what: String| ServerError::BadValue {
        table: layer.table.clone(),
        column: "geom".into(),
        decl: "geometry".into(),
        what,
    };
    while let Some(row) = rows.next().map_err(db)? {
        let mut values = Vec::with_capacity(ncol);
        for (i, (_, t)) in columns.iter().enumerate() {
            values.push(match t {
                FieldType::Integer => row
                    .try_get::<Option<i64>>(i)
                    .map_err(db)?
                    .map_or(Value::Null, Value::Int),
                FieldType::Real => row
                    .try_get::<Option<f64>>(i)
                    .map_err(db)?
                    .map_or(Value::Null, Value::Real),
                FieldType::Text => row
                    .try_get::<Option<String>>(i)
                    .map_err(db)?
                    .map_or(Value::Null, Value::Text),
            });
        }
        let (blob, envelope) = match row.try_get::<Option<&[u8]>>(ncol).map_err(db)? {
            Some(wkb) => {
                let (b, e) =
                    crate::store::geom::blob_from_wkb(wkb, 4326).map_err(|e| bad(e.to_string()))?;
                (Some(b), e)
            }
            None => (None, None),
        };
        batch.rows.push(Prepared {
            blob,
            envelope,
            values,
        });
        n += 1;
        if batch.rows.len() == 10_000 {
            let full = std::mem::replace(
                &mut batch,
                Batch {
                    new_fields: Vec::new(),
                    rows: Vec::with_capacity(10_000),
                    fraction: 0.0,
                    geometry_type: Some(gtype),
                },
            );
            w.write(&full)?;
        }
    }
    drop(rows);
    if !batch.rows.is_empty() || n == 0 {
        w.write(&batch)?;
    }
    let aside = w.finish(
        &columns,
        gtype,
        AsideAbout {
            description: format!("{} — shared on {safe}", layer.name),
            source: shared_source(&layer.table),
            source_crs: 4326,
            color: layer.color.clone(),
        },
    )?;
    tx.commit().map_err(db)?;
    pf.bring_back_reference_layer(&aside)?;
    pf.make_layer_read_only(
        &aside.table,
        &format!(
            "{}: a layer shared on {safe}, read-only on this copy (its owner shares a new version)",
            layer.name
        ),
    )?;
    Ok(n)
}
