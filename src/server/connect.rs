//! Reaching the server: the address with its password kept out of messages and files, the
//! password from PGPASSWORD or the password file, TLS by rustls with the certificate checks
//! the address asks for (sslmode, sslrootcert).

use super::tls::Verify;
use super::{ServerError, net, tls};

/// The address with any password in it replaced by `***`, for messages: `user:PW@` of a URL,
/// its `password=` query parameter, and the `password=` of the key=value form.
pub fn safe_url(url: &str) -> String {
    password_replaced(url, Some("***"))
}

/// The address with any password taken out, as a copy stores it: the password comes from
/// `PGPASSWORD`, the password file or the window each time, never from the file.
pub fn strip_password(url: &str) -> String {
    password_replaced(url, None)
}

pub(super) fn password_replaced(url: &str, with: Option<&str>) -> String {
    if let Some(s) = url.find("://") {
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (url, None),
        };
        let mut out = match base.rfind('@') {
            Some(at) if at > s => {
                let creds = &base[s + 3..at];
                match (creds.find(':'), with) {
                    (Some(c), Some(w)) => {
                        format!("{}{}:{w}{}", &base[..s + 3], &creds[..c], &base[at..])
                    }
                    (Some(c), None) => format!("{}{}{}", &base[..s + 3], &creds[..c], &base[at..]),
                    (None, _) => base.to_string(),
                }
            }
            _ => base.to_string(),
        };
        if let Some(q) = query {
            let kept: Vec<String> = q
                .split('&')
                .filter_map(|kv| match (kv.split_once('='), with) {
                    (Some(("password", _)), Some(w)) => Some(format!("password={w}")),
                    (Some(("password", _)), None) => None,
                    _ => Some(kv.to_string()),
                })
                .collect();
            if !kept.is_empty() {
                out.push('?');
                out.push_str(&kept.join("&"));
            }
        }
        out
    } else {
        // key=value form; a quoted value may hold spaces.
        let mut out: Vec<String> = Vec::new();
        let mut rest = url.trim();
        while !rest.is_empty() {
            let (key, after) = match rest.split_once('=') {
                Some((k, a)) => (k.trim(), a.trim_start()),
                None => {
                    out.push(rest.to_string());
                    break;
                }
            };
            let (value, next) = if let Some(q) = after.strip_prefix('\'') {
                let mut end = q.len();
                let mut escaped = false;
                for (i, ch) in q.char_indices() {
                    match ch {
                        '\\' if !escaped => escaped = true,
                        '\'' if !escaped => {
                            end = i;
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let v = &after[..(end + 2).min(after.len())];
                (v, &after[(end + 2).min(after.len())..])
            } else {
                match after.find(char::is_whitespace) {
                    Some(i) => (&after[..i], &after[i..]),
                    None => (after, ""),
                }
            };
            match (key, with) {
                ("password", Some(w)) => out.push(format!("password={w}")),
                ("password", None) => {}
                _ => out.push(format!("{key}={value}")),
            }
            rest = next.trim_start();
        }
        out.join(" ")
    }
}

/// Connects to `url`; a password not in the address comes from `PGPASSWORD`, else from the
/// password file (`PGPASSFILE`, else `~/.pgpass`) as libpq reads it. It is never stored.
pub fn connect(url: &str) -> Result<postgres::Client, ServerError> {
    connect_with(url, None)
}

/// [`connect`] with a password typed by the planner (kept in memory only), used when the URL
/// has none.
pub fn connect_with(url: &str, password: Option<&str>) -> Result<postgres::Client, ServerError> {
    connect_tls(url, password).map(|(c, _)| c)
}

/// Splits libpq's TLS options off a connection string: `sslmode=verify-ca|verify-full` (which
/// the client library reads as `require`, the checks done here) and `sslrootcert=FILE`.
pub(super) fn tls_options(url: &str) -> (String, Verify, Option<String>) {
    let mut verify = Verify::Nothing;
    let mut root = None;
    let mut take = |k: &str, v: &str| -> Option<String> {
        match (k, v) {
            ("sslmode", "verify-ca") => {
                verify = Verify::Ca;
                Some("sslmode=require".into())
            }
            ("sslmode", "verify-full") => {
                verify = Verify::Full;
                Some("sslmode=require".into())
            }
            ("sslrootcert", file) => {
                root = Some(file.to_string());
                None
            }
            _ => Some(format!("{k}={v}")),
        }
    };
    let rest = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        match url.split_once('?') {
            Some((base, query)) => {
                let kept: Vec<String> = query
                    .split('&')
                    .filter_map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                        take(k, v)
                    })
                    .collect();
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => url.to_string(),
        }
    } else {
        url.split_whitespace()
            .filter_map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                take(k, v)
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    (rest, verify, root)
}

/// Connects as [`connect_with`] does, and returns the TLS connector too (a cancel request
/// goes through it).
pub fn connect_tls(
    url: &str,
    password: Option<&str>,
) -> Result<(postgres::Client, tls::Connector), ServerError> {
    let connect_err = |source| ServerError::Connect {
        url: safe_url(url),
        source,
    };
    let (plain, verify, root) = tls_options(url);
    let tls = tls::connector(verify, root.as_deref())
        .map_err(|why| ServerError::Tls(safe_url(url), why))?;
    let mut config: postgres::Config = plain.parse().map_err(connect_err)?;
    if config.get_password().is_none()
        && let Some(pw) = password.filter(|p| !p.is_empty())
    {
        config.password(pw);
    }
    if config.get_password() == Some(b"***".as_slice()) {
        // A copy saved by an older qn-planner kept the address with "***" for its password:
        // never a password, so the usual sources are asked.
        config = strip_password(&plain).parse().map_err(connect_err)?;
    }
    if config.get_password().is_none() {
        if let Some(pw) = password.filter(|p| !p.is_empty()) {
            config.password(pw);
        } else if let Ok(pw) = std::env::var("PGPASSWORD") {
            config.password(pw);
        } else if let Some(pw) = password_from_file(&config) {
            config.password(pw);
        }
    }
    // A silent network is noticed on both ends (see `net`): TCP keepalives for a dead link,
    // and a relay of our own on loopback for a silent one.
    config
        .application_name("qn-planner")
        .keepalives(true)
        .keepalives_idle(std::time::Duration::from_secs(10))
        .keepalives_interval(std::time::Duration::from_secs(5))
        .keepalives_retries(3);
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(15));
    }
    let tcp_host = match config.get_hostaddrs().first() {
        Some(ip) => Some(ip.to_string()),
        None => config.get_hosts().first().and_then(|h| match h {
            postgres::config::Host::Tcp(h) => Some(h.clone()),
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => None,
        }),
    };
    if let Some(host) = tcp_host {
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let upstream = net::resolve(&host, port).map_err(|e| ServerError::Unreachable {
            url: safe_url(url),
            why: e.to_string(),
        })?;
        let local =
            net::relay(upstream, net::silence_limit()).map_err(|e| ServerError::Unreachable {
                url: safe_url(url),
                why: e.to_string(),
            })?;
        // Connect through the relay; TLS still checks the server's own name (`host`).
        if config.get_hosts().is_empty() {
            config.host(&host);
        }
        let mut via = postgres::Config::new();
        std::mem::swap(&mut via, &mut config);
        config = rebuild_through(via, local);
    }
    let cuts = net::cuts();
    let mut client = config.connect(tls.clone()).map_err(|e| {
        if net::cuts() > cuts {
            ServerError::Silent(safe_url(url))
        } else if e.as_db_error().is_none()
            && std::error::Error::source(&e)
                .is_some_and(|s| s.to_string().contains("password missing"))
        {
            ServerError::PasswordNeeded(safe_url(url))
        } else {
            connect_err(e)
        }
    })?;
    client
        .batch_execute(&format!(
            "SET idle_in_transaction_session_timeout = '{}s'; SET lock_timeout = '{}s';",
            net::idle_transaction_timeout().as_secs(),
            net::lock_timeout().as_secs()
        ))
        .map_err(connect_err)?;
    Ok((client, tls))
}

/// `config` connecting to 127.0.0.1:`port` (the relay) while naming its host for TLS: the
/// first host kept, the others dropped (the relay goes to the first).
pub(super) fn rebuild_through(config: postgres::Config, port: u16) -> postgres::Config {
    let mut c = postgres::Config::new();
    if let Some(u) = config.get_user() {
        c.user(u);
    }
    if let Some(p) = config.get_password() {
        c.password(p);
    }
    if let Some(d) = config.get_dbname() {
        c.dbname(d);
    }
    if let Some(o) = config.get_options() {
        c.options(o);
    }
    if let Some(a) = config.get_application_name() {
        c.application_name(a);
    }
    c.ssl_mode(config.get_ssl_mode());
    if let Some(postgres::config::Host::Tcp(h)) = config.get_hosts().first() {
        c.host(h);
    }
    c.hostaddr(std::net::IpAddr::from([127, 0, 0, 1]));
    c.port(port);
    if let Some(t) = config.get_connect_timeout() {
        c.connect_timeout(*t);
    }
    c.keepalives(config.get_keepalives());
    c.keepalives_idle(config.get_keepalives_idle());
    c.channel_binding(config.get_channel_binding());
    c
}

/// The password the password file gives for `config`'s host, port, database and user.
pub(super) fn password_from_file(config: &postgres::Config) -> Option<String> {
    // Where libpq looks: PGPASSFILE, else ~/.pgpass, on Windows %APPDATA%\postgresql\pgpass.conf.
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            if cfg!(windows) {
                std::env::var_os("APPDATA").map(|a| {
                    std::path::Path::new(&a)
                        .join("postgresql")
                        .join("pgpass.conf")
                })
            } else {
                crate::settings::home_dir().map(|h| h.join(".pgpass"))
            }
        })?;
    let text = String::from_utf8(crate::fsutil::read_input(&file).ok()?).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default().to_string();
    let db = config.get_dbname().unwrap_or(&user).to_string();
    pgpass_lookup(&text, &host, port, &db, &user)
}

/// The password of the first line of a password file (`host:port:database:user:password`,
/// `*` matching anything, `\:` and `\\` escaped) that matches.
pub fn pgpass_lookup(text: &str, host: &str, port: u16, db: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|line| {
            let mut fields: Vec<String> = vec![String::new()];
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            fields.last_mut()?.push(n);
                        }
                    }
                    ':' if fields.len() < 5 => fields.push(String::new()),
                    c => fields.last_mut()?.push(c),
                }
            }
            if fields.len() != 5 {
                return None;
            }
            let ok = |pattern: &str, value: &str| pattern == "*" || pattern == value;
            (ok(&fields[0], host)
                && ok(&fields[1], &port)
                && ok(&fields[2], db)
                && ok(&fields[3], user))
            .then(|| fields[4].clone())
        })
}
