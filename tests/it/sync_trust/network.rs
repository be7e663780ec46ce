//! A network gone silent mid-sync, and an edit session left open in QGIS: named, never waited
//! for forever.

use super::*;

/// A loopback proxy to the server that, once the client has sent `trigger`, stops forwarding
/// anything either way (a Wi-Fi drop, a stalled VPN), keeping both connections open.
struct StallingProxy {
    port: u16,
    stalled: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StallingProxy {
    fn start(to_port: u16, trigger: &'static [u8]) -> StallingProxy {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stalled = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stalled.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", to_port)) else {
                    continue;
                };
                let pump = |mut from: std::net::TcpStream,
                            mut to: std::net::TcpStream,
                            watch: bool,
                            flag: std::sync::Arc<AtomicBool>| {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 65536];
                        loop {
                            let n = match from.read(&mut buf) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            if flag.load(Ordering::SeqCst) {
                                // Silent: held, never forwarded; the connection stays open.
                                continue;
                            }
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                            if watch && buf[..n].windows(trigger.len()).any(|w| w == trigger) {
                                flag.store(true, Ordering::SeqCst);
                            }
                        }
                        // Keep the other end open, as a stalled network does.
                        std::thread::sleep(Duration::from_secs(600));
                    });
                };
                pump(
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    true,
                    flag.clone(),
                );
                pump(server, client, false, flag.clone());
            }
        });
        StallingProxy { port, stalled }
    }
}

#[test]
#[ignore = "needs PostgreSQL with PostGIS"]
fn a_network_gone_silent_mid_sync_fails_it_and_the_lock_comes_back() {
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let mut lan = Copy::clone_of(&url, dir.path(), "lan");
    let mut minh = Copy::clone_of(&url, dir.path(), "minh");
    lan.edit("Hải Tân", |s| s.jobs = Some(42));
    minh.edit("Quảng An", |s| s.jobs = Some(7));
    drop(lan);
    // Short limits here (the defaults are 30 s of silence, 15 s for an idle transaction);
    // QN_TEST_DEFAULT_TIMEOUTS=1 measures the defaults.
    let defaults = std::env::var_os("QN_TEST_DEFAULT_TIMEOUTS").is_some();
    let proxy = StallingProxy::start(pg.port, b"LOCK TABLE qn_server_log");
    let via_proxy = format!("postgresql://qn@127.0.0.1:{}/plan", proxy.port);
    let lan_path = dir.path().join("lan.gpkg");
    let started = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qn-planner"));
    cmd.args(["sync", lan_path.to_str().unwrap(), &via_proxy]);
    if !defaults {
        cmd.env("QN_PLANNER_SERVER_SILENCE_S", "4")
            .env("QN_PLANNER_IDLE_TX_TIMEOUT_S", "4");
    }
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Meanwhile another laptop syncs straight to the server: it waits for the lock the silent
    // session holds, then gets it once the server lets that session go.
    wait_until("the network went silent", || {
        proxy.stalled.load(std::sync::atomic::Ordering::SeqCst)
    });
    let stalled_at = Instant::now();
    let other = std::thread::spawn(move || {
        let r = minh.sync(&url);
        (r.map(|r| r.pushed), stalled_at.elapsed())
    });
    let o = child.wait_with_output().unwrap();
    let failed_after = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    common::assert_says(&o, "the server stopped answering");
    let (pushed, released_after) = other.join().unwrap();
    assert_eq!(pushed, Ok(1), "the other laptop's sync went through");
    eprintln!(
        "silent network: the sync failed after {failed_after:?}; the lock came back to another laptop {released_after:?} after the silence began"
    );
    assert!(released_after < Duration::from_secs(60));
    // Nothing of Lan's was applied on either side; the next sync (network back) takes it.
    let pf = ProjectFile::open(&lan_path).unwrap();
    assert_eq!(pf.sync_status().unwrap().pending, 1);
    drop(pf);
    let o = qn(&["sync", lan_path.to_str().unwrap(), &pg.url()]);
    assert!(o.status.success(), "{}", said(&o));
    common::assert_says(&o, "1 operations pushed");
}

/// QGIS on PostGIS with its edits in one transaction ("automatic transaction groups"), left
/// open: the edit is sent, not saved, while the planner goes for tea.
const QGIS_HOLDS_A_TRANSACTION: &str = r#"
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer, QgsDataSourceUri, QgsProject
app = QgsApplication([], False)
app.initQgis()
port = sys.argv[1]
QgsProject.instance().setAutoTransaction(True)
uri = QgsDataSourceUri()
uri.setConnection("127.0.0.1", port, "plan", "qn", "")
uri.setDataSource("public", "proposed_clusters", "geom", "", "site_key")
vl = QgsVectorLayer(uri.uri(False), "proposed_clusters", "postgres")
QgsProject.instance().addMapLayer(vl)
vl.startEditing()
f = next(x for x in vl.getFeatures() if x["name"] == "Đại Yên")
vl.changeAttributeValue(f.id(), vl.fields().indexOf("jobs"), 99)
print("held", flush=True)
sys.stdin.readline()
vl.rollBack()
print("let go", flush=True)
QgsProject.instance().removeAllMapLayers()
app.exitQgis()
"#;

#[test]
#[ignore = "needs QGIS (python3-qgis)"]
fn an_edit_session_left_open_in_qgis_is_named_not_waited_for_forever() {
    if !common::have_qgis() {
        return;
    }
    use std::io::{BufRead, Write};
    let Some((pg, dir)) = plan(0) else { return };
    let url = pg.url();
    let mut lan = Copy::clone_of(&url, dir.path(), "lan");
    lan.edit("Hải Tân", |s| s.jobs = Some(42));
    drop(lan);
    let mut qgis = Command::new("/usr/bin/python3")
        .args(["-c", QGIS_HOLDS_A_TRANSACTION, &pg.port.to_string()])
        .env("QT_QPA_PLATFORM", "offscreen")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(qgis.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "held");
    let lan_path = dir.path().join("lan.gpkg");
    let started = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(["sync", lan_path.to_str().unwrap()])
        .env("QN_PLANNER_LOCK_TIMEOUT_S", "3")
        .output()
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    let msg = said(&o);
    assert!(
        msg.contains("held by an edit session that was not saved"),
        "{msg}"
    );
    assert!(msg.contains("(role qn"), "{msg}");
    assert!(msg.contains("idle in transaction"), "{msg}");
    assert!(waited < Duration::from_secs(15), "{waited:?}");
    eprintln!("QGIS's open edit session: the sync gave up after {waited:?}: {msg}");
    // QGIS lets go (the planner saves or cancels): the sync goes through.
    writeln!(qgis.stdin.take().unwrap()).unwrap();
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "let go");
    let _ = qgis.wait();
    let o = qn(&["sync", lan_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
}
