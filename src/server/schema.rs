//! Version 3 of the shared plan's tables: a plan that QGIS on PostGIS cannot break (issue 24
//! §3) and that knows who it is and who writes to it (issue 30 §3, §5).
//! - Every key column has a default (`gen_random_uuid()`), so a row added in QGIS gets one.
//! - The columns NOT NULL in the GeoPackage are NOT NULL here, and a site table's values obey
//!   the same rules as the file's (`store::domain`): QGIS is refused at commit with the rule.
//! - A site deleted here takes its boundary with it, as in every copy.
//! - A position changed here by another program (a point moved in QGIS, a boundary drawn or
//!   reshaped) is marked drafted, with the role that moved it, as the app marks its own.
//! - The log is append-only (no update, delete or truncate by anyone), and each row's role is
//!   the session's own login, set by a trigger the planners cannot bypass.
//! - `qn_meta.plan_id` names the plan; every copy keeps it and a sync against another plan is
//!   refused.
//! - Roles `qn_editor` (edit the plan, append to the log) and `qn_viewer` (read) are made and
//!   granted where the publishing role may create roles.
//!
//! A plan of version 2 is brought to 3 in one transaction by the first client that meets it
//! with the rights to do so (the plan's owner), the rules added `NOT VALID` so that rows
//! written before stay readable; anyone else is told to run `qn-planner server upgrade`.

use super::{ServerError, ident, pg_message};
use crate::store::domain;
use crate::store::{ProjectFile, SharedTable};
pub use crate::sync::PlanIdentity;

/// The version of the server's tables; a client of another version is refused.
pub const SERVER_SCHEMA_VERSION: i64 = 3;

/// Functions and triggers of the plan as a whole (the log's guards, drafting, cascades).
const PLAN_FUNCTIONS: &str = r#"
CREATE OR REPLACE FUNCTION qn_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'qn-planner: the change log of the shared plan is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS qn_log_append_only ON qn_server_log;
CREATE TRIGGER qn_log_append_only BEFORE UPDATE OR DELETE ON qn_server_log
  FOR EACH ROW EXECUTE FUNCTION qn_log_append_only();
DROP TRIGGER IF EXISTS qn_log_no_truncate ON qn_server_log;
CREATE TRIGGER qn_log_no_truncate BEFORE TRUNCATE ON qn_server_log
  FOR EACH STATEMENT EXECUTE FUNCTION qn_log_append_only();
CREATE OR REPLACE FUNCTION qn_log_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.db_role := session_user;
  NEW.at := coalesce(NEW.at, now());
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS qn_log_role ON qn_server_log;
CREATE TRIGGER qn_log_role BEFORE INSERT ON qn_server_log
  FOR EACH ROW EXECUTE FUNCTION qn_log_role();
CREATE OR REPLACE FUNCTION qn_precision_label(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p %PRECISIONS% ELSE p END
$$;
CREATE OR REPLACE FUNCTION qn_moved_source() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT 'di chuyển ngoài qn-planner (' || session_user || ') ngày '
    || to_char(current_date, 'YYYY-MM-DD')
$$;
CREATE OR REPLACE FUNCTION qn_mark_drafted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('qn.applying', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    -- A site added by another program is a draft until someone says where it comes from.
    IF NEW.location_precision IS NULL THEN
      NEW.location_precision := 'drafted';
      NEW.location_source := coalesce(NEW.location_source, 'vẽ ngoài qn-planner ('
        || session_user || ') ngày ' || to_char(current_date, 'YYYY-MM-DD'));
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.geom IS DISTINCT FROM OLD.geom AND NEW.geom IS NOT NULL
     AND NEW.location_precision IS NOT DISTINCT FROM OLD.location_precision THEN
    IF btrim(coalesce(OLD.location_source, '')) <> '' THEN
      NEW.notes := coalesce(nullif(NEW.notes, '') || E'\n', '') || '%EARLIER%: '
        || qn_precision_label(OLD.location_precision) || ' — ' || OLD.location_source;
    END IF;
    NEW.location_precision := 'drafted';
    NEW.location_source := qn_moved_source();
  END IF;
  RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION qn_boundary_drafted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('qn.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom THEN
    EXECUTE format(
      'UPDATE %I SET location_precision = ''drafted'',
         notes = CASE WHEN btrim(coalesce(location_source, '''')) = '''' THEN notes
           ELSE coalesce(nullif(notes, '''') || E''\n'', '''') || ''%EARLIER%: ''
             || qn_precision_label(location_precision) || '' — '' || location_source END,
         location_source = $1
       WHERE site_key = $2', TG_ARGV[0])
    USING qn_moved_source(), NEW.site_key;
  END IF;
  RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION qn_add_column(t text, c text, ty text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- A field added on a copy (`qn-planner field add`, or QGIS) reaches the plan: only to a
  -- table of the plan, only of the three types a shared column has.
  IF ty NOT IN ('text', 'bigint', 'double precision') THEN
    RAISE EXCEPTION 'qn-planner: a shared field is text, bigint or double precision, not %', ty;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger
                 WHERE tgrelid = to_regclass(format('public.%I', t)) AND tgname = 'qn_log') THEN
    RAISE EXCEPTION 'qn-planner: % is not a table of the shared plan', t;
  END IF;
  EXECUTE format('ALTER TABLE public.%I ADD COLUMN IF NOT EXISTS %I %s', t, c, ty);
END
$$;
REVOKE ALL ON FUNCTION qn_add_column(text, text, text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION qn_cascade_boundary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DELETE FROM %I WHERE site_key = $1', TG_ARGV[0]) USING OLD.site_key;
  RETURN NULL;
END
$$;
"#;

/// [`PLAN_FUNCTIONS`] with its labels filled in.
fn plan_functions() -> String {
    use crate::model::Precision;
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let whens: String = [
        Precision::Site,
        Precision::CommuneCentre,
        Precision::Approximate,
        Precision::NotLocated,
        Precision::Drafted,
    ]
    .iter()
    .map(|p| {
        format!(
            " WHEN {} THEN {}",
            lit(p.as_str()),
            lit(p.label(crate::lang::Language::Vi))
        )
    })
    .collect();
    PLAN_FUNCTIONS
        .replace("%PRECISIONS%", &whens)
        .replace("%EARLIER%", crate::model::EARLIER_LOCATION_VI)
}

/// The statements that guard shared table `t` on the server. `fresh`: a table just made (its
/// rules hold for every row); else rules are added `NOT VALID` (kept for every new write,
/// rows written before left readable).
fn table_guards(t: &SharedTable, fresh: bool) -> String {
    let name = ident(&t.table);
    let key = ident(&t.key);
    let mut sql =
        format!("ALTER TABLE {name} ALTER COLUMN {key} SET DEFAULT gen_random_uuid()::text;\n");
    let valid = if fresh { "" } else { " NOT VALID" };
    for c in t.columns.iter().filter(|c| c.not_null && c.name != t.key) {
        let col = ident(&c.name);
        if fresh {
            sql.push_str(&format!(
                "ALTER TABLE {name} ALTER COLUMN {col} SET NOT NULL;\n"
            ));
        } else {
            sql.push_str(&format!(
                "ALTER TABLE {name} ADD CONSTRAINT {} CHECK ({col} IS NOT NULL) NOT VALID;\n",
                ident(&format!("qn_not_null_{}", c.name))
            ));
        }
    }
    let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    // A coordinate that is not a number (NaN, ±Infinity) or off the globe is refused.
    for g in t.columns.iter().filter(|c| c.geometry.is_some()) {
        let col = ident(&g.name);
        sql.push_str(&format!(
            "ALTER TABLE {name} ADD CONSTRAINT {} CHECK ({col} IS NULL OR (ST_XMin({col}) >= -180
               AND ST_XMax({col}) <= 180 AND ST_YMin({col}) >= -90 AND ST_YMax({col}) <= 90)){valid};\n",
            ident(&format!("{} must lie within -180..180, -90..90", g.name))
        ));
    }
    for (cname, cond) in domain::pg_checks(&t.table, &names) {
        sql.push_str(&format!(
            "ALTER TABLE {name} ADD CONSTRAINT {} CHECK ({cond}){valid};\n",
            ident(&cname)
        ));
    }
    let layer = crate::model::Layer::from_table(&t.table);
    if layer.is_some() && names.iter().any(|c| c == "location_precision") {
        // A point added in QGIS is a draft until someone says where it comes from.
        sql.push_str(&format!(
            "ALTER TABLE {name} ALTER COLUMN location_precision SET DEFAULT 'drafted';
             DROP TRIGGER IF EXISTS qn_drafted ON {name};
             CREATE TRIGGER qn_drafted BEFORE INSERT OR UPDATE OF geom ON {name}
               FOR EACH ROW EXECUTE FUNCTION qn_mark_drafted();\n"
        ));
    }
    if let Some(b) = layer.and_then(|l| l.boundary_table()) {
        let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS qn_cascade ON {name};
             CREATE TRIGGER qn_cascade AFTER DELETE ON {name}
               FOR EACH ROW EXECUTE FUNCTION qn_cascade_boundary({});\n",
            lit(b)
        ));
    }
    if let Some(site) = crate::model::Layer::ALL
        .into_iter()
        .find(|l| l.boundary_table() == Some(t.table.as_str()))
    {
        let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS qn_drafted ON {name};
             CREATE TRIGGER qn_drafted AFTER INSERT OR UPDATE OF geom ON {name}
               FOR EACH ROW EXECUTE FUNCTION qn_boundary_drafted({});\n",
            lit(site.table())
        ));
    }
    sql
}

/// Makes the roles and grants their rights on the plan's tables, where the current role may
/// create roles (else nothing: the plan's owner grants by hand, docs/guide/sync.md "Adding a planner").
/// Returns whether it did.
pub(crate) fn grant_roles(
    tx: &mut postgres::Transaction<'_>,
    tables: &[String],
) -> Result<bool, postgres::Error> {
    let can: bool = tx
        .query_one(
            "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )?
        .get(0);
    if !can {
        return Ok(false);
    }
    tx.batch_execute(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'qn_editor') THEN
             CREATE ROLE qn_editor NOLOGIN;
           END IF;
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'qn_viewer') THEN
             CREATE ROLE qn_viewer NOLOGIN;
           END IF;
         END $$;
         GRANT USAGE ON SCHEMA public TO qn_editor, qn_viewer;
         GRANT CREATE ON SCHEMA public TO qn_editor;
         GRANT SELECT ON qn_meta, qn_server_log, qn_shared_layers TO qn_editor, qn_viewer;
         GRANT INSERT ON qn_shared_layers TO qn_editor;
         -- INSERT appends; UPDATE only lets a sync take the log's lock (the log's triggers
         -- refuse every update and delete, for the owner too).
         GRANT INSERT, UPDATE ON qn_server_log TO qn_editor;
         GRANT USAGE ON SEQUENCE qn_server_log_seq_seq TO qn_editor;
         GRANT EXECUTE ON FUNCTION qn_add_column(text, text, text) TO qn_editor;",
    )?;
    for t in tables {
        let t = ident(t);
        tx.batch_execute(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO qn_editor;
             GRANT SELECT ON {t} TO qn_viewer;"
        ))?;
    }
    Ok(true)
}

/// The statements that make freshly created shared tables version 3 (after their rows are in).
pub(crate) fn fresh_guards(tables: &[SharedTable]) -> String {
    let mut sql = plan_functions();
    for t in tables {
        sql.push_str(&table_guards(t, true));
    }
    sql.push_str(
        "INSERT INTO qn_meta VALUES ('plan_id', gen_random_uuid()::text)
           ON CONFLICT (key) DO NOTHING;",
    );
    sql
}

/// Brings a version-2 plan to version 3 in one transaction (see the module comment). `pf`
/// is any project of this qn-planner (its tables say which columns are NOT NULL).
pub(crate) fn upgrade(
    client: &mut postgres::Client,
    safe: &str,
    pf: &ProjectFile,
) -> Result<(), ServerError> {
    let db = |source| crate::server::db_error(safe, source);
    let tables: Vec<SharedTable> = pf
        .shared_tables()
        .into_iter()
        .map(|(t, k)| pf.read_shared_rows(t, k, Some(&[])))
        .collect::<Result<_, _>>()?;
    let mut tx = client.transaction().map_err(db)?;
    tx.batch_execute("LOCK TABLE qn_server_log IN SHARE ROW EXCLUSIVE MODE")
        .map_err(db)?;
    let version: String = tx
        .query_one(
            "SELECT value FROM qn_meta WHERE key = 'schema_version'",
            &[],
        )
        .map_err(db)?
        .get(0);
    if version != "2" {
        // Another client upgraded it meanwhile.
        return Ok(());
    }
    let present: Vec<String> = tx
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .map_err(db)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut sql = plan_functions();
    for t in tables.iter().filter(|t| present.contains(&t.table)) {
        sql.push_str(&table_guards(t, false));
    }
    sql.push_str(&format!(
        "INSERT INTO qn_meta VALUES ('plan_id', gen_random_uuid()::text)
           ON CONFLICT (key) DO NOTHING;
         UPDATE qn_meta SET value = '{SERVER_SCHEMA_VERSION}' WHERE key = 'schema_version';"
    ));
    let upgraded = tx.batch_execute(&sql).and_then(|_| {
        let names: Vec<String> = tables
            .iter()
            .filter(|t| present.contains(&t.table))
            .map(|t| t.table.clone())
            .collect();
        tx.batch_execute(SHARED_LAYERS)?;
        grant_roles(&mut tx, &names)
    });
    match upgraded {
        Ok(_) => tx.commit().map_err(db),
        Err(e) if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => {
            Err(ServerError::NeedsUpgrade(safe.to_string(), pg_message(&e)))
        }
        Err(e) => Err(db(e)),
    }
}

/// The identity of the plan at the other end of `client` (version 3 holds it).
pub(crate) fn plan_identity(
    client: &mut postgres::Client,
) -> Result<PlanIdentity, postgres::Error> {
    let rows = client.query(
        "SELECT key, value FROM qn_meta WHERE key IN ('plan_id', 'published_from', 'published_at')",
        &[],
    )?;
    let get = |k: &str| {
        rows.iter()
            .find(|r| r.get::<_, &str>(0) == k)
            .map(|r| r.get::<_, String>(1))
            .unwrap_or_default()
    };
    Ok(PlanIdentity {
        id: get("plan_id"),
        published_from: get("published_from"),
        published_at: get("published_at"),
    })
}

/// The server's list of shared layers.
pub(crate) const SHARED_LAYERS: &str = "CREATE TABLE IF NOT EXISTS qn_shared_layers (
  table_name text PRIMARY KEY,
  name text NOT NULL,
  color text NOT NULL,
  geometry_type text NOT NULL,
  columns jsonb NOT NULL,
  features bigint NOT NULL,
  published_by text,
  db_role text NOT NULL DEFAULT current_user,
  published_at timestamptz NOT NULL DEFAULT now()
)";

/// Checks that `url` holds a plan of this schema (bringing one of schema 2 up to date when
/// this role may), and returns its identity.
pub(crate) fn check_plan(
    client: &mut postgres::Client,
    safe: &str,
    pf: &ProjectFile,
) -> Result<super::PlanIdentity, ServerError> {
    let db = |source| crate::server::db_error(safe, source);
    // Only a missing `qn_meta` means "no plan here"; any other failure (the server restarting,
    // the connection closing) is said as what it is.
    let version = |client: &mut postgres::Client| -> Result<Option<String>, ServerError> {
        match client.query_opt(
            "SELECT value FROM qn_meta WHERE key = 'schema_version'",
            &[],
        ) {
            Ok(row) => Ok(row.map(|r| r.get(0))),
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => Ok(None),
            Err(e) => Err(db(e)),
        }
    };
    match version(client)? {
        None => return Err(ServerError::NoPlan(safe.to_string())),
        Some(v) if v == "2" => {
            upgrade(client, safe, pf)?;
            match version(client)? {
                Some(v) if v == SERVER_SCHEMA_VERSION.to_string() => {}
                v => {
                    return Err(ServerError::OtherSchema(
                        safe.to_string(),
                        v.unwrap_or_default(),
                    ));
                }
            }
        }
        Some(v) if v != SERVER_SCHEMA_VERSION.to_string() => {
            return Err(ServerError::OtherSchema(safe.to_string(), v));
        }
        Some(_) => {}
    }
    super::schema::plan_identity(client).map_err(db)
}
