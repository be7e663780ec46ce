//! A throwaway PostgreSQL 15 server with PostGIS 3 on a free loopback port, for the tests of
//! the shared plan (STACK.md's recipe): started per test, stopped and removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A PostgreSQL server in a temporary folder, stopped and removed when dropped.
pub struct PgServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
    as_postgres: bool,
}

impl PgServer {
    fn find_bin() -> Option<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
            .collect();
        found.sort();
        found.pop()
    }

    fn has_postgis(bin: &Path) -> bool {
        let version = bin
            .parent()
            .and_then(|v| v.file_name())
            .map(|v| v.to_string_lossy().into_owned())
            .unwrap_or_default();
        Path::new(&format!(
            "/usr/share/postgresql/{version}/extension/postgis.control"
        ))
        .exists()
    }

    /// Starts a server with database `plan` and PostGIS, or says why it cannot.
    pub fn start() -> Result<PgServer, String> {
        Self::start_with(false)
    }

    /// Starts a server that takes only TLS connections on loopback, with a self-signed
    /// certificate for 127.0.0.1 (`server.crt` in its folder, see [`Self::certificate`]).
    pub fn start_tls() -> Result<PgServer, String> {
        Self::start_with(true)
    }

    /// The server's certificate (PEM), for `sslrootcert`.
    pub fn certificate(&self) -> std::path::PathBuf {
        self.dir.path().join("server.crt")
    }

    fn start_with(tls: bool) -> Result<PgServer, String> {
        let bin = Self::find_bin().ok_or("PostgreSQL (initdb, pg_ctl) is not installed")?;
        if !Self::has_postgis(&bin) {
            return Err("PostGIS is not installed".into());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        // PostgreSQL refuses to run as root: run it as the `postgres` user then.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if as_postgres {
            let st = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .map_err(|e| e.to_string())?;
            if !st.success() {
                return Err("chown postgres failed".into());
            }
        }
        let server = PgServer {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = server.dir.path().join("data");
        server.run(&format!(
            "{} -D {} -A trust -U qn -E UTF8 --locale=C.UTF-8",
            server.bin.join("initdb").display(),
            data.display()
        ))?;
        let mut options = String::new();
        if tls {
            let d = server.dir.path().display();
            server.run(&format!(
                "openssl req -new -x509 -days 2 -nodes -subj /CN=localhost \
                 -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
                 -keyout {d}/server.key -out {d}/server.crt 2>/dev/null && chmod 600 {d}/server.key"
            ))?;
            // Loopback takes TLS only: a plain connection is refused.
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n",
            )
            .map_err(|e| e.to_string())?;
            options = format!(
                " -c ssl=on -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key"
            );
        }
        server.run(&format!(
            "{} -D {} -o '-p {port} -k {} -c listen_addresses=127.0.0.1{options}' -l {} -w start",
            server.bin.join("pg_ctl").display(),
            data.display(),
            server.dir.path().display(),
            server.dir.path().join("log").display()
        ))?;
        // Through the socket in the folder (trusted, no TLS needed there).
        server.run(&format!(
            "psql -h {} -p {port} -U qn -d postgres -c 'CREATE DATABASE plan' -q",
            server.dir.path().display()
        ))?;
        Ok(server)
    }

    pub fn run(&self, cmd: &str) -> Result<(), String> {
        let out = if self.as_postgres {
            Command::new("su").args(["postgres", "-c", cmd]).output()
        } else {
            Command::new("sh").args(["-c", cmd]).output()
        }
        .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Stops the server at once (as a power cut would, `-m immediate`) and starts it again.
    pub fn restart_immediately(&self) -> Result<(), String> {
        self.run(&format!(
            "{} -D {} -l {} -m immediate -w restart",
            self.bin.join("pg_ctl").display(),
            self.dir.path().join("data").display(),
            self.dir.path().join("log").display()
        ))
    }

    pub fn url(&self) -> String {
        format!("postgresql://qn@127.0.0.1:{}/plan", self.port)
    }

    /// Makes role `role` (a login of `qn_editor`, the planners' role) with `password`, asked
    /// for over TCP (the other roles stay trusted).
    pub fn planner_with_password(&self, role: &str, password: &str) {
        let mut c = self.client();
        c.batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE qn_editor"
        ))
        .expect("role made");
        let hba = self.dir.path().join("data").join("pg_hba.conf");
        let old = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        std::fs::write(
            &hba,
            format!("host all {role} 127.0.0.1/32 scram-sha-256\n{old}"),
        )
        .expect("pg_hba.conf written");
        c.batch_execute("SELECT pg_reload_conf()")
            .expect("reloaded");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }

    /// A second, empty database on this server; its URL.
    pub fn another_database(&self, name: &str) -> String {
        self.run(&format!(
            "psql -h {} -p {} -U qn -d postgres -c 'CREATE DATABASE {name}' -q",
            self.dir.path().display(),
            self.port
        ))
        .expect("database created");
        format!("postgresql://qn@127.0.0.1:{}/{name}", self.port)
    }

    pub fn client(&self) -> postgres::Client {
        // Through the socket in the server's folder: the same for a TLS-only server.
        postgres::Client::connect(
            &format!(
                "host={} port={} user=qn dbname=plan",
                self.dir.path().display(),
                self.port
            ),
            postgres::NoTls,
        )
        .unwrap()
    }
}

impl PgServer {
    /// The jobs of the proposed cluster named `name` in the shared plan.
    pub fn jobs_of(&self, name: &str) -> Option<i64> {
        self.client()
            .query_one(
                "SELECT jobs FROM proposed_clusters WHERE name = $1",
                &[&name],
            )
            .expect("the shared plan reads")
            .get(0)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self.run(&format!(
            "{} -D {} -m fast stop",
            self.bin.join("pg_ctl").display(),
            self.dir.path().join("data").display()
        ));
    }
}

/// The server, or `None` (with the reason printed) where this machine has no PostgreSQL with
/// PostGIS and the variable `QN_REQUIRE_PG` is not set.
pub fn server() -> Option<PgServer> {
    required(PgServer::start())
}

/// A TLS-only server, or `None` as for [`server`].
pub fn tls_server() -> Option<PgServer> {
    required(PgServer::start_tls())
}

fn required(started: Result<PgServer, String>) -> Option<PgServer> {
    match started {
        Ok(s) => Some(s),
        Err(e) if std::env::var_os("QN_REQUIRE_PG").is_none() => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("QN_REQUIRE_PG is set but no PostgreSQL server could start: {e}"),
    }
}
