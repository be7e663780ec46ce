//! Times as a planner reads them: the file keeps UTC (ISO 8601), the window shows local time
//! with its offset ("2026-12-07 14:05 (UTC+07:00)"). The local time zone is the operating
//! system's, read through SQLite's `localtime` (the C library on Linux, the Windows API on
//! Windows), so no time-zone database is needed.

use rusqlite::Connection;

thread_local! {
    static CONN: Option<Connection> = Connection::open_in_memory().ok();
}

/// "YYYY-MM-DD HH:MM (UTC±hh:mm)" from a local time and its offset from UTC in minutes.
pub fn with_offset(local: &str, offset_min: i64) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let m = offset_min.abs();
    format!("{local} (UTC{sign}{:02}:{:02})", m / 60, m % 60)
}

/// Local time and offset of `iso_utc` ("2026-12-07T07:05:00Z", with or without the Z and the
/// fraction); `None` when it is not a time.
pub fn local_parts(iso_utc: &str) -> Option<(String, i64)> {
    CONN.with(|c| {
        let c = c.as_ref()?;
        c.query_row(
            "SELECT strftime('%Y-%m-%d %H:%M', ?1, 'localtime'),
                    CAST(round((julianday(?1, 'localtime') - julianday(?1)) * 1440) AS INTEGER)",
            [iso_utc.trim()],
            |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<i64>>(1)?)),
        )
        .ok()
        .and_then(|(t, o)| Some((t?, o?)))
    })
}

/// `iso_utc` in local time with its offset, or the text as it is when it is not a time.
pub fn local_time(iso_utc: &str) -> String {
    match local_parts(iso_utc) {
        Some((t, o)) => with_offset(&t, o),
        None => iso_utc.to_string(),
    }
}

/// "HH:MM (UTC±hh:mm)" of `iso_utc` in local time, or the text as it is.
pub fn local_clock(iso_utc: &str) -> String {
    match local_parts(iso_utc) {
        Some((t, o)) => with_offset(t.get(11..).unwrap_or(&t), o),
        None => iso_utc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_written_as_planners_read_them() {
        assert_eq!(
            with_offset("2026-12-07 14:05", 420),
            "2026-12-07 14:05 (UTC+07:00)"
        );
        assert_eq!(with_offset("08:35", -210), "08:35 (UTC-03:30)");
        assert_eq!(with_offset("07:05", 0), "07:05 (UTC+00:00)");
        assert_eq!(local_time("not a time"), "not a time");
        assert_eq!(local_time(""), "");
    }

    /// The same process with TZ set to Indochina Time (a POSIX rule, no time-zone database):
    /// a UTC time from the change log reads as Hà Nội's.
    #[test]
    fn a_utc_time_reads_in_the_local_zone() {
        if std::env::var_os("QN_TIME_CHILD").is_some() {
            assert_eq!(
                local_time("2026-12-07T07:05:33.120Z"),
                "2026-12-07 14:05 (UTC+07:00)"
            );
            assert_eq!(local_clock("2026-12-07T20:30:00Z"), "03:30 (UTC+07:00)");
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "store::time::tests::a_utc_time_reads_in_the_local_zone",
                "--nocapture",
            ])
            .env("QN_TIME_CHILD", "1")
            .env("TZ", "ICT-7")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    }
}
