//! The department's shared plan in PostgreSQL with PostGIS: publishing a project there
//! (`qn-planner server init URL FILE.gpkg`) and making a laptop's copy from it
//! (`qn-planner clone URL NEW.gpkg`). Each shared table of the GeoPackage becomes a
//! table with the same columns (the local ids left out), its stable key as primary key, the
//! geometry as `geometry(…, 4326)` with a GiST index, so QGIS and `ogrinfo PG:…` open the plan
//! directly. `qn_server_log` receives an operation for every edit made directly in the
//! database (QGIS connected to it, psql), by a trigger; `qn_meta` holds the schema version a
//! client checks.

use crate::store::{Cell, ProjectFile, SharedTable, StoreError};

mod connect;
pub mod layers;
pub mod net;
pub mod schema;
pub mod sync;
pub mod tls;
use postgres::types::ToSql;
pub use schema::{PlanIdentity, SERVER_SCHEMA_VERSION};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ServerError {
    #[error("cannot connect to {url}: {}", pg_message(.source))]
    Connect {
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{0}: PostGIS is not installed in this database and could not be created ({1})")]
    NoPostgis(String, String),
    #[error("{0}: the database's encoding is {1}, not UTF8; Vietnamese text would not survive")]
    NotUtf8(String, String),
    #[error("{0}: the database already holds a plan (schema {1}); publish to an empty database")]
    AlreadyPublished(String, String),
    #[error("{url}: {}", pg_message(.source))]
    Database {
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{0}: the database holds no qn-planner plan (publish one with `server init`)")]
    NoPlan(String),
    #[error(
        "{0}: the plan on this server has schema {1}, this qn-planner reads schema {SERVER_SCHEMA_VERSION}; nothing was done"
    )]
    OtherSchema(String, String),
    #[error(
        "{0}: the plan on this server has schema 2; bringing it to schema {SERVER_SCHEMA_VERSION} needs its owner ({1}): run `qn-planner server upgrade URL FILE.gpkg` as the role that published it"
    )]
    NeedsUpgrade(String, String),
    #[error(
        "{url}: this server holds another plan ({server}); this copy belongs to {local}. Nothing was sent or taken; sync with the plan's own server, or clone this one into a new file"
    )]
    OtherPlan {
        url: String,
        server: String,
        local: String,
    },
    #[error(
        "{0}: {SILENT_TEXT}: nothing was applied here, and the server lets go of this session within {IDLE} s; try again when the network is back",
        SILENT_TEXT = net::SILENT,
        IDLE = net::idle_transaction_timeout().as_secs()
    )]
    Silent(String),
    #[error(
        "{0}: the server asks for a password and none was given: set PGPASSWORD, add it to the password file (~/.pgpass), or type it in the window"
    )]
    PasswordNeeded(String),
    #[error(
        "{0}: the server restarted or is shutting down ({1}); nothing was applied here, try again in a moment"
    )]
    Restarted(String, String),
    #[error(
        "{0}: the connection to the server closed (it may have restarted, or the network dropped); nothing was applied here, try again"
    )]
    Closed(String),
    #[error("cannot reach {url}: {why}")]
    Unreachable { url: String, why: String },
    #[error(
        "{url}: the shared plan is held by an edit session that was not saved ({holders}); nothing was applied. Ask them to save or stop editing, then sync again"
    )]
    Locked { url: String, holders: String },
    #[error("{0}: {1}; nothing was sent or taken")]
    SchemaChange(String, String),
    #[error("{0}: the file exists; clone into a new file")]
    Exists(String),
    #[error("{table}: column {column} holds {what}, which a {decl} column cannot")]
    BadValue {
        table: String,
        column: String,
        decl: String,
        what: String,
    },
    #[error("{0}: no reference layer {1:?} (see `info`)")]
    NoLayer(String, String),
    #[error("{0}: a layer named {1} is shared already")]
    LayerTaken(String, String),
    #[error("{0}: TLS: {1}")]
    Tls(String, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServerError {
    /// The message in `lang`: what a planner meets in the window (a server that cannot be
    /// reached, is silent, restarted, holds another plan, is locked, wants a password) is worded
    /// for the planner; the server's own message and names stay as they are.
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        if lang == Language::En {
            return self.to_string();
        }
        match self {
            ServerError::Connect { url, source } => {
                format!("không nối được {url}: {}", pg_message(source))
            }
            ServerError::Database { url, source } => {
                format!("{url}: máy chủ báo lỗi: {}", pg_message(source))
            }
            ServerError::NoPlan(u) => {
                format!("{u}: cơ sở dữ liệu này không có kế hoạch chung nào của qn-planner")
            }
            ServerError::OtherSchema(u, v) => format!(
                "{u}: kế hoạch trên máy chủ có lược đồ {v}, bản qn-planner này đọc lược đồ {SERVER_SCHEMA_VERSION}; không làm gì cả"
            ),
            ServerError::NeedsUpgrade(u, why) => format!(
                "{u}: kế hoạch trên máy chủ có lược đồ 2; người đã công bố nó cần chạy `qn-planner server upgrade` ({why})"
            ),
            ServerError::OtherPlan { url, server, local } => format!(
                "{url}: máy chủ này giữ một kế hoạch khác ({server}); bản sao này thuộc {local}. Không gửi, không nhận gì"
            ),
            ServerError::Silent(u) => format!(
                "{u}: máy chủ không trả lời nữa; máy này không áp dụng gì, máy chủ sẽ giải phóng phiên trong {} giây; thử lại khi mạng trở lại",
                net::idle_transaction_timeout().as_secs()
            ),
            ServerError::PasswordNeeded(u) => format!(
                "{u}: máy chủ cần mật khẩu: nhập vào ô Mật khẩu, đặt PGPASSWORD hoặc ghi vào tệp mật khẩu (~/.pgpass)"
            ),
            ServerError::Restarted(u, why) => format!(
                "{u}: máy chủ vừa khởi động lại hoặc đang tắt ({why}); máy này không áp dụng gì, thử lại sau ít phút"
            ),
            ServerError::Closed(u) => format!(
                "{u}: kết nối tới máy chủ bị đóng (máy chủ khởi động lại hoặc mạng rớt); máy này không áp dụng gì, thử lại"
            ),
            ServerError::Unreachable { url, why } => format!("không tới được {url}: {why}"),
            ServerError::Locked { url, holders } => format!(
                "{url}: kế hoạch chung đang bị giữ bởi một phiên sửa chưa lưu ({holders}); không áp dụng gì. Nhờ họ lưu hoặc thôi sửa rồi đồng bộ lại"
            ),
            ServerError::Tls(u, why) => format!("{u}: TLS: {why}"),
            ServerError::Store(e) => e.text(lang),
            other => other.to_string(),
        }
    }
}

/// A database error of the server at `url` (shown without its password): a silent server
/// says so (see [`net`]), anything else keeps the server's own message.
pub(crate) fn db_error(url: &str, source: postgres::Error) -> ServerError {
    use postgres::error::SqlState;
    let restart = [
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
    ];
    if source.as_db_error().is_none() && net::cut_just_now() {
        ServerError::Silent(url.to_string())
    } else if source.code().is_some_and(|c| restart.contains(c)) {
        ServerError::Restarted(url.to_string(), pg_message(&source))
    } else if source.is_closed() || connection_lost(&source) {
        ServerError::Closed(url.to_string())
    } else {
        ServerError::Database {
            url: url.to_string(),
            source,
        }
    }
}

/// Whether `e` is the connection itself failing (reset, aborted, cut mid-message: a server
/// going down hard), which the client library reports as "error communicating with the server".
fn connection_lost(e: &postgres::Error) -> bool {
    use std::io::ErrorKind as K;
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| {
            matches!(
                io.kind(),
                K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe
            )
        })
}

/// A client error as a planner can read it: the server's own message for a database error
/// (the client library says only "db error"), with its SQLSTATE.
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} (SQLSTATE {})", d.message(), d.code().code()),
        None => e.to_string(),
    }
}

/// What publishing did: each table and the rows it received.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub tables: Vec<(String, usize)>,
    /// Rows left out because they have no key.
    pub unkeyed: usize,
    /// The roles `qn_editor` and `qn_viewer` were made and granted (the publishing role may
    /// create roles).
    pub roles: bool,
    pub plan: PlanIdentity,
}

/// The PostgreSQL type of a GeoPackage column.
fn pg_type(c: &crate::store::SharedColumn) -> String {
    if let Some(g) = c.geometry {
        // A GeoPackage name (whitelisted when read), never a text from the file.
        return format!("geometry({g}, 4326)");
    }
    let d = c.decl.to_ascii_uppercase();
    if d.contains("INT") {
        "bigint".into()
    } else if d.contains("DOUBLE") || d.contains("REAL") || d.contains("FLOAT") {
        "double precision".into()
    } else {
        "text".into()
    }
}

use crate::store::ident;
pub use connect::{connect, connect_tls, connect_with, pgpass_lookup, safe_url, strip_password};

/// The trigger function that logs edits made directly in the database: one operation per
/// insert or delete, one per changed field of an update, with the database role.
const LOG_FUNCTION: &str = r#"
CREATE TABLE qn_server_log (
  seq bigserial PRIMARY KEY,
  op_key text NOT NULL UNIQUE DEFAULT gen_random_uuid()::text,
  tbl text NOT NULL,
  record_key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
  field text NOT NULL,
  before text,
  after text,
  author text,
  db_role text NOT NULL DEFAULT current_user,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION qn_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k text := TG_ARGV[0];
  o jsonb;
  n jsonb;
  f text;
BEGIN
  -- A sync pushing a laptop's operations writes their log rows itself, with their keys.
  IF current_setting('qn.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    n := to_jsonb(NEW);
    INSERT INTO qn_server_log (tbl, record_key, kind, field) VALUES (TG_TABLE_NAME, n->>k, 'insert', '*');
  ELSIF TG_OP = 'DELETE' THEN
    o := to_jsonb(OLD);
    INSERT INTO qn_server_log (tbl, record_key, kind, field) VALUES (TG_TABLE_NAME, o->>k, 'delete', '*');
  ELSE
    o := to_jsonb(OLD);
    n := to_jsonb(NEW);
    FOR f IN SELECT key FROM jsonb_each(n) LOOP
      IF (o->f) IS DISTINCT FROM (n->f) THEN
        INSERT INTO qn_server_log (tbl, record_key, kind, field, before, after)
        VALUES (TG_TABLE_NAME, o->>k, 'update', f, o->>f, n->>f);
      END IF;
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;
"#;

/// Publishes the project `pf` as the department's plan in the empty database at `url`, in
/// one transaction: all tables or none.
pub fn init(url: &str, pf: &mut ProjectFile) -> Result<Published, ServerError> {
    let safe = safe_url(url);
    // Read everything first: nothing is sent if the file cannot be read whole (a name or
    // type in it that may not reach SQL is refused here, before any connection).
    let tables: Vec<SharedTable> = pf
        .shared_tables()
        .into_iter()
        .map(|(t, k)| pf.read_shared_table(t, k))
        .collect::<Result<_, _>>()?;
    let mut client = connect(url)?;
    let db = |source| crate::server::db_error(&safe, source);
    let encoding: String = client
        .query_one("SHOW server_encoding", &[])
        .map_err(db)?
        .get(0);
    if !encoding.eq_ignore_ascii_case("UTF8") {
        return Err(ServerError::NotUtf8(safe, encoding));
    }
    match client.query_opt(
        "SELECT value FROM qn_meta WHERE key = 'schema_version'",
        &[],
    ) {
        Ok(Some(row)) => return Err(ServerError::AlreadyPublished(safe.clone(), row.get(0))),
        Ok(None) => {}
        Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => {}
        Err(e) => return Err(db(e)),
    }
    // One transaction, the extension included: a failure leaves the database as it was.
    let mut tx = client.transaction().map_err(db)?;
    let has_postgis = tx
        .query_opt("SELECT 1 FROM pg_extension WHERE extname = 'postgis'", &[])
        .map_err(db)?
        .is_some();
    if !has_postgis && let Err(e) = tx.batch_execute("CREATE EXTENSION postgis") {
        return Err(ServerError::NoPostgis(safe, pg_message(&e)));
    }
    tx.batch_execute(&format!(
        "CREATE TABLE qn_meta (key text PRIMARY KEY, value text);
         INSERT INTO qn_meta VALUES ('schema_version', '{SERVER_SCHEMA_VERSION}');
         {LOG_FUNCTION};
         {};",
        schema::SHARED_LAYERS
    ))
    .map_err(db)?;
    tx.execute(
        "INSERT INTO qn_meta VALUES ('published_from', $1), ('published_at', now()::text)",
        &[&pf
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()],
    )
    .map_err(db)?;
    let mut published = Published {
        tables: Vec::new(),
        unkeyed: 0,
        roles: false,
        plan: PlanIdentity {
            id: String::new(),
            published_from: String::new(),
            published_at: String::new(),
        },
    };
    for t in &tables {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let pk = if c.name == t.key { " PRIMARY KEY" } else { "" };
                format!("{} {}{pk}", ident(&c.name), pg_type(c))
            })
            .collect();
        let name = ident(&t.table);
        tx.batch_execute(&format!("CREATE TABLE {name} ({})", cols.join(", ")))
            .map_err(db)?;
        if let Some(g) = t.columns.iter().find(|c| c.geometry.is_some()) {
            tx.batch_execute(&format!(
                "CREATE INDEX {} ON {name} USING gist ({})",
                ident(&format!("{}_{}_gist", t.table, g.name)),
                ident(&g.name)
            ))
            .map_err(db)?;
        }
        // Many rows per statement: a round trip per row would cost more than the rows.
        let ncol = t.columns.len().max(1);
        let per_batch = (60_000 / ncol).clamp(1, 1_000);
        let list = t
            .columns
            .iter()
            .map(|c| ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let statement_for = |rows: usize| {
            let tuples: Vec<String> = (0..rows)
                .map(|r| {
                    let marks: Vec<String> = t
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let n = r * ncol + i + 1;
                            match &c.geometry {
                                Some(_) => format!("ST_GeomFromWKB(${n}, 4326)"),
                                None => format!("${n}"),
                            }
                        })
                        .collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            format!("INSERT INTO {name} ({list}) VALUES {}", tuples.join(", "))
        };
        let mut full: Option<postgres::Statement> = None;
        for chunk in t.rows.chunks(per_batch) {
            let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(chunk.len() * ncol);
            for row in chunk {
                for (c, v) in t.columns.iter().zip(row) {
                    params.push(bind(&t.table, c, v)?);
                }
            }
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref()).collect();
            if chunk.len() == per_batch {
                if full.is_none() {
                    full = Some(tx.prepare(&statement_for(per_batch)).map_err(db)?);
                }
                if let Some(st) = &full {
                    tx.execute(st, &refs).map_err(db)?;
                }
            } else {
                let st = tx.prepare(&statement_for(chunk.len())).map_err(db)?;
                tx.execute(&st, &refs).map_err(db)?;
            }
        }
        // Edits made directly in the database reach the log (and from there every laptop).
        tx.batch_execute(&format!(
            "CREATE TRIGGER qn_log AFTER INSERT OR UPDATE OR DELETE ON {name}
             FOR EACH ROW EXECUTE FUNCTION qn_log_change('{}')",
            t.key.replace('\'', "''")
        ))
        .map_err(db)?;
        published.tables.push((t.table.clone(), t.rows.len()));
        published.unkeyed += t.unkeyed;
    }
    // The rules, defaults, cascades and guards of schema 3, over the rows just written.
    tx.batch_execute(&schema::fresh_guards(&tables))
        .map_err(db)?;
    let names: Vec<String> = tables.iter().map(|t| t.table.clone()).collect();
    published.roles = schema::grant_roles(&mut tx, &names).map_err(db)?;
    let server_seq: i64 = tx
        .query_one("SELECT coalesce(max(seq), 0) FROM qn_server_log", &[])
        .map_err(db)?
        .get(0);
    tx.commit().map_err(db)?;
    // This copy is now a copy of the plan like any clone: it remembers the server and the
    // plan, and what it held before is on the server already.
    let identity = schema::plan_identity(&mut client).map_err(db)?;
    pf.link_to_plan(&strip_password(url), server_seq, &identity)?;
    let columns: std::collections::BTreeMap<&str, Vec<&str>> = tables
        .iter()
        .map(|t| {
            (
                t.table.as_str(),
                t.columns.iter().map(|c| c.name.as_str()).collect(),
            )
        })
        .collect();
    pf.set_meta(
        "server_columns",
        &serde_json::to_string(&columns).unwrap_or_default(),
    )?;
    published.plan = identity;
    Ok(published)
}

/// Brings the plan at `url` to this version's server schema (see [`schema`]); returns its
/// identity. A plan already there is left as it is.
pub fn upgrade(url: &str, pf: &ProjectFile) -> Result<PlanIdentity, ServerError> {
    let safe = safe_url(url);
    let mut client = connect(url)?;
    schema::check_plan(&mut client, &safe, pf)
}

/// A value as the PostgreSQL column of `c` takes it.
fn bind(
    table: &str,
    c: &crate::store::SharedColumn,
    v: &Cell,
) -> Result<Box<dyn ToSql + Sync>, ServerError> {
    let ty = pg_type(c);
    let bad = |what: &str| ServerError::BadValue {
        table: table.into(),
        column: c.name.clone(),
        decl: ty.clone(),
        what: what.into(),
    };
    Ok(match (ty.as_str(), v) {
        (_, Cell::Null) if c.geometry.is_some() => Box::new(None::<Vec<u8>>),
        (_, Cell::Wkb(b)) => Box::new(b.clone()),
        (_, _) if c.geometry.is_some() => return Err(bad("a value that is no geometry")),
        ("bigint", Cell::Null) => Box::new(None::<i64>),
        ("bigint", Cell::Int(i)) => Box::new(*i),
        ("bigint", Cell::Real(r)) if r.fract() == 0.0 => Box::new(*r as i64),
        ("bigint", Cell::Real(_)) => return Err(bad("a fraction")),
        ("bigint", Cell::Text(_)) => return Err(bad("text")),
        ("double precision", Cell::Null) => Box::new(None::<f64>),
        ("double precision", Cell::Int(i)) => Box::new(*i as f64),
        ("double precision", Cell::Real(r)) => Box::new(*r),
        ("double precision", Cell::Text(_)) => return Err(bad("text")),
        (_, Cell::Null) => Box::new(None::<String>),
        (_, Cell::Text(t)) => Box::new(t.clone()),
        (_, Cell::Int(i)) => Box::new(i.to_string()),
        (_, Cell::Real(r)) => Box::new(r.to_string()),
    })
}

/// The rows of shared table `t` (its columns as the GeoPackage has them) on the server: all,
/// or those whose key is one of `keys`; a geometry as WKB. A column the server's table lacks
/// (a plan published by an older qn-planner, before a field this one's files have) reads as
/// empty.
pub(crate) fn fetch_rows(
    tx: &mut postgres::Transaction<'_>,
    t: &SharedTable,
    keys: Option<&[String]>,
) -> Result<Vec<Vec<Cell>>, postgres::Error> {
    let there: Vec<String> = tx
        .query(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1",
            &[&t.table],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let present: Vec<bool> = t
        .columns
        .iter()
        .map(|c| there.is_empty() || there.contains(&c.name))
        .collect();
    let cols: Vec<String> = t
        .columns
        .iter()
        .zip(&present)
        .map(|(c, here)| match (&c.geometry, here) {
            (_, false) => "NULL".to_string(),
            (Some(_), true) => format!("ST_AsBinary({})", ident(&c.name)),
            (None, true) => ident(&c.name),
        })
        .collect();
    let sql = format!("SELECT {} FROM {}", cols.join(", "), ident(&t.table));
    let rows = match keys {
        Some(k) => tx.query(
            &format!("{sql} WHERE {} = ANY($1)", ident(&t.key)),
            &[&k.to_vec()],
        )?,
        None => tx.query(&sql, &[])?,
    };
    rows.iter()
        .map(|r| {
            t.columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let ty = pg_type(c);
                    if !present[i] {
                        Ok(Cell::Null)
                    } else if c.geometry.is_some() {
                        r.try_get::<_, Option<Vec<u8>>>(i)
                            .map(|v| v.map(Cell::Wkb).unwrap_or(Cell::Null))
                    } else if ty == "bigint" {
                        r.try_get::<_, Option<i64>>(i)
                            .map(|v| v.map(Cell::Int).unwrap_or(Cell::Null))
                    } else if ty == "double precision" {
                        r.try_get::<_, Option<f64>>(i)
                            .map(|v| v.map(Cell::Real).unwrap_or(Cell::Null))
                    } else {
                        r.try_get::<_, Option<String>>(i)
                            .map(|v| v.map(Cell::Text).unwrap_or(Cell::Null))
                    }
                })
                .collect::<Result<Vec<Cell>, _>>()
        })
        .collect()
}

/// What cloning did: each table and the rows it brought.
#[derive(Debug, Clone, PartialEq)]
pub struct Cloned {
    pub tables: Vec<(String, usize)>,
    /// The shared reference layers received, with their features.
    pub layers: Vec<(String, usize)>,
    /// The last server operation the copy holds.
    pub server_seq: i64,
}

/// Makes a new GeoPackage at `path` from the shared plan at `url` (refused if the file
/// exists). Nothing is left at `path` when it fails.
pub fn clone(url: &str, path: &std::path::Path) -> Result<Cloned, ServerError> {
    let safe = safe_url(url);
    let mut client = connect(url)?;
    let db = |source| crate::server::db_error(&safe, source);
    if path.exists() {
        return Err(ServerError::Exists(path.display().to_string()));
    }
    // Built under a temporary name and renamed into place only once whole, with the server's
    // link written last: a killed clone leaves nothing at `path` (its part is removed by the
    // next write of the same name), and no incomplete copy ever syncs.
    let part = crate::fsutil::part_path(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    ProjectFile::build_part(&part)?;
    let mut pf = match ProjectFile::open(&part) {
        Ok(pf) => pf,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e.into());
        }
    };
    let result = (|| -> Result<Cloned, ServerError> {
        let identity = schema::check_plan(&mut client, &safe, &pf)?;
        let mut tx = client.transaction().map_err(db)?;
        // One snapshot: the tables and the log position agree.
        tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .map_err(db)?;
        // Fields added to the plan since it was published come first.
        let columns = sync::reconcile_columns(&mut tx, &safe, &pf, false)?;
        if !columns.added_here.is_empty() {
            pf.apply_sync(&crate::sync::SyncOutcome {
                new_columns: columns.added_here,
                ..Default::default()
            })?;
        }
        let server_seq: i64 = tx
            .query_one("SELECT coalesce(max(seq), 0) FROM qn_server_log", &[])
            .map_err(db)?
            .get(0);
        let mut tables = Vec::new();
        let mut aside = crate::sync::SyncOutcome::default();
        for (table, key) in pf.shared_tables() {
            let mut t = pf.read_shared_table(table, key)?;
            let rows = fetch_rows(&mut tx, &t, None).map_err(db)?;
            t.rows.clear();
            // A row that breaks a rule of the file (written on the server before its rules
            // were) is set aside as a conflict with its reason: it never blocks the clone.
            let ki = t.columns.iter().position(|c| c.name == t.key);
            for row in rows {
                let bad: Vec<(usize, String)> = t
                    .columns
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        Some((i, crate::sync::merge::refused(&t.table, c, row.get(i)?)?))
                    })
                    .collect();
                if bad.is_empty() {
                    t.rows.push(row);
                    continue;
                }
                let record_key = match ki.and_then(|i| row.get(i)) {
                    Some(Cell::Text(k)) => k.clone(),
                    _ => continue,
                };
                for (i, why) in bad {
                    aside.conflicts.push(crate::sync::Conflict {
                        table: t.table.clone(),
                        record_key: record_key.clone(),
                        field: t.columns[i].name.clone(),
                        base: Cell::Null,
                        mine: Cell::Null,
                        theirs: row[i].clone(),
                        mine_deleted: false,
                        theirs_deleted: false,
                        theirs_author: None,
                        theirs_at: None,
                        reason: Some(why),
                        ..Default::default()
                    });
                }
            }
            tables.push(t);
        }
        tx.commit().map_err(db)?;
        pf.replace_shared(&tables)?;
        if !aside.conflicts.is_empty() {
            pf.apply_sync(&aside)?;
        }
        let layers = layers::receive(&mut client, &safe, &mut pf)?;
        pf.set_meta("server_url", &strip_password(url))?;
        pf.set_meta(
            "server_columns",
            &serde_json::to_string(&columns.on_server).unwrap_or_default(),
        )?;
        pf.set_plan(&identity)?;
        pf.set_meta("server_seq", &server_seq.to_string())?;
        Ok(Cloned {
            layers,
            tables: tables
                .iter()
                .map(|t| (t.table.clone(), t.rows.len()))
                .collect(),
            server_seq,
        })
    })();
    drop(pf);
    let result = result.and_then(|cloned| {
        if path.exists() {
            return Err(ServerError::Exists(path.display().to_string()));
        }
        crate::fsutil::commit_part(&part, path).map_err(|e| {
            ServerError::Store(StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            })
        })?;
        Ok(cloned)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        let file = "# the department's server\n\
                    10.0.0.5:5432:plan:lan:mật\\:khẩu\n\
                    *:*:*:viewer:chỉ-đọc\n\
                    10.0.0.5:5432:plan:lan:never-reached\n";
        assert_eq!(
            pgpass_lookup(file, "10.0.0.5", 5432, "plan", "lan").as_deref(),
            Some("mật:khẩu")
        );
        assert_eq!(
            pgpass_lookup(file, "127.0.0.1", 55432, "other", "viewer").as_deref(),
            Some("chỉ-đọc")
        );
        assert_eq!(pgpass_lookup(file, "10.0.0.5", 5433, "plan", "lan"), None);
        assert_eq!(pgpass_lookup("broken line", "h", 1, "d", "u"), None);
    }

    #[test]
    fn a_password_is_never_stored_in_any_form() {
        for (given, stored, shown) in [
            (
                "postgresql://lan:bí-mật@10.0.0.5:5432/plan",
                "postgresql://lan@10.0.0.5:5432/plan",
                "postgresql://lan:***@10.0.0.5:5432/plan",
            ),
            (
                "postgresql://lan@10.0.0.5/plan?password=bí-mật&sslmode=require",
                "postgresql://lan@10.0.0.5/plan?sslmode=require",
                "postgresql://lan@10.0.0.5/plan?password=***&sslmode=require",
            ),
            (
                "postgresql://lan@10.0.0.5/plan?password=bí-mật",
                "postgresql://lan@10.0.0.5/plan",
                "postgresql://lan@10.0.0.5/plan?password=***",
            ),
            (
                "host=10.0.0.5 user=lan password=bí-mật dbname=plan",
                "host=10.0.0.5 user=lan dbname=plan",
                "host=10.0.0.5 user=lan password=*** dbname=plan",
            ),
            (
                "host=10.0.0.5 password='bí mật \\' x' dbname=plan",
                "host=10.0.0.5 dbname=plan",
                "host=10.0.0.5 password=*** dbname=plan",
            ),
        ] {
            assert_eq!(strip_password(given), stored, "{given}");
            assert_eq!(safe_url(given), shown, "{given}");
            assert!(!safe_url(given).contains("bí"));
        }
    }

    #[test]
    fn the_password_never_reaches_a_message() {
        assert_eq!(
            safe_url("postgresql://lan:bí-mật@10.0.0.5:5432/plan"),
            "postgresql://lan:***@10.0.0.5:5432/plan"
        );
        assert_eq!(
            safe_url("postgresql://qn@127.0.0.1/plan"),
            "postgresql://qn@127.0.0.1/plan"
        );
    }
}
