//! The Windows window under Wine and Xvfb: the map drawn, data in the user's Windows folders,
//! a second window read-only, the portable copy, the installer.

use super::*;

/// Starts the window of `exe` with `args` on `x`, and waits for its first frame; gives the
/// process, the milliseconds to the first frame it reported and what it said before.
fn window(w: &Wine, exe: &Path, args: &[&str], x: &Xvfb) -> (Child, u64, String) {
    let mut child = w
        .command(exe.as_os_str())
        .args(args)
        .env("DISPLAY", &x.display)
        .env("QN_PLANNER_TIMING", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the window starts under Wine");
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut said = String::new();
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(line) => {
                if let Some(ms) = line
                    .strip_prefix("qn-planner: first frame after ")
                    .and_then(|r| r.split_whitespace().next())
                    .and_then(|n| n.parse().ok())
                {
                    std::thread::spawn(move || while rx.recv().is_ok() {});
                    return (child, ms, said);
                }
                said.push_str(&line);
                said.push('\n');
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Ok(Some(st)) = child.try_wait() {
                    panic!("the window ended ({st}) before its first frame:\n{said}");
                }
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no first frame within 3 minutes:\n{said}");
}

/// How many pixels of `shot` are within 6 of `rgb` in every channel.
fn pixels_of(shot: &tiny_skia::Pixmap, rgb: [u8; 3]) -> usize {
    shot.pixels()
        .iter()
        .filter(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
                .iter()
                .zip(rgb)
                .all(|(a, b)| a.abs_diff(b) <= 6)
        })
        .count()
}

fn shot_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("windows");
    let _ = std::fs::create_dir_all(&d);
    d
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn the_window_draws_the_map_and_keeps_its_data_in_the_users_windows_folders() {
    let Some((w, _turn)) = wine() else { return };
    // A first run: no settings (another test's window may have left its last project).
    let settings = w
        .wine_home()
        .join("AppData/Roaming/QuangNinh/qn-planner/config/settings.json");
    let _ = std::fs::remove_file(&settings);
    let x = Xvfb::start();
    let (mut child, ms, _) = window(w, &w.exe, &[], &x);
    std::thread::sleep(Duration::from_secs(3));
    // A first run shows the quick guide over the map; Escape closes it (and it is not shown
    // again: the settings say so).
    x.screenshot(&shot_dir().join("window-under-wine-first-run.png"));
    let o = Command::new("xdotool")
        .args(["mousemove", "640", "400", "key", "Escape"])
        .env("DISPLAY", &x.display)
        .output()
        .expect("xdotool runs (apt-get install xdotool)");
    assert!(o.status.success(), "xdotool: {}", common::said(&o));
    let deadline = Instant::now() + Duration::from_secs(10);
    let seen =
        || std::fs::read_to_string(&settings).is_ok_and(|s| s.contains("\"guide_seen\": true"));
    while !seen() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(
        seen(),
        "the quick guide was shown and closed: {}",
        settings.display()
    );
    std::thread::sleep(Duration::from_secs(1));
    let shot = shot_dir().join("window-under-wine.png");
    x.screenshot(&shot);
    let _ = child.kill();
    let _ = child.wait();
    let img = tiny_skia::Pixmap::load_png(&shot).unwrap();
    let all = img.pixels().len();
    let (sea, land) = (
        pixels_of(&img, qn_planner::model::palette::SEA),
        pixels_of(&img, qn_planner::model::palette::LAND),
    );
    assert!(
        sea * 20 > all,
        "sea is {sea} of {all} pixels: {}",
        shot.display()
    );
    assert!(
        land * 20 > all,
        "land is {land} of {all} pixels: {}",
        shot.display()
    );
    // The built-in project went where Windows keeps a user's local data, under a Vietnamese
    // user name; the settings where they roam.
    let local = w
        .wine_home()
        .join("AppData/Local/QuangNinh/qn-planner/data/quang-ninh.gpkg");
    assert!(local.is_file(), "no {}", local.display());
    assert!(settings.is_file(), "no {}", settings.display());
    println!(
        "windows: the window's first frame after {ms} ms under Wine; sea {:.0} %, land {:.0} % of the screen; {}",
        sea as f64 * 100.0 / all as f64,
        land as f64 * 100.0 / all as f64,
        shot.display()
    );
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn a_project_open_in_one_window_opens_read_only_in_a_second() {
    let Some((w, _turn)) = wine() else { return };
    let dir = w.work.join("hai cửa sổ");
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join("dự án chung.gpkg");
    let wp = w.win(&project);
    ok(&w.qn(&["init", &wp]), "init");
    // Past the first run: no quick guide over the map, the author's name not asked.
    let settings = w
        .wine_home()
        .join("AppData/Roaming/QuangNinh/qn-planner/config/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, r#"{"guide_seen": true, "author_asked": true}"#).unwrap();
    let x = Xvfb::start();
    let (mut first, _, said) = window(w, &w.exe, &[&wp], &x);
    assert!(!said.contains("chỉ mở để xem"), "{said}");
    let lock = dir.join("dự án chung.gpkg.qnlock");
    assert!(lock.is_file(), "no lock file beside the project");
    // A point added in the first window (P, then a click on land): the edit is in the file,
    // and a backup of the project was taken before it, in the user's data folder.
    // Read by the Windows program (its locks are the window's kind: a reader from Linux
    // could not see them).
    let proposed = || {
        let o = w.qn(&["info", "--json", &wp]);
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .ok()
            .and_then(|v| {
                v["layers"].as_array().and_then(|ls| {
                    ls.iter()
                        .find(|l| l["table"] == "proposed_clusters")
                        .and_then(|l| l["count"].as_u64())
                })
            })
            .unwrap_or(0)
    };
    let wait_for = |n: u64| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while proposed() != n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(300));
        }
        proposed()
    };
    // Under load Wine may drop the first events before the window has the keyboard: the
    // gesture is made again (at most twice more) only while the file still lacks the point,
    // from the Select tool (its toolbar button, "Chọn").
    for attempt in 0..3 {
        for args in [
            vec!["mousemove", "35", "61", "click", "1"],
            vec!["mousemove", "700", "300", "click", "1"],
            vec!["key", "p"],
            vec!["mousemove", "700", "300", "click", "1"],
        ] {
            let o = Command::new("xdotool")
                .args(&args)
                .env("DISPLAY", &x.display)
                .output()
                .expect("xdotool runs (apt-get install xdotool)");
            assert!(o.status.success(), "xdotool: {}", common::said(&o));
            std::thread::sleep(Duration::from_millis(700));
        }
        if wait_for(11) == 11 {
            if attempt > 0 {
                println!(
                    "windows: the point was added at the gesture's {} try",
                    attempt + 1
                );
            }
            break;
        }
    }
    let backups = w
        .wine_home()
        .join("AppData/Local/QuangNinh/qn-planner/data/backups");
    let deadline = Instant::now() + Duration::from_secs(20);
    let found = loop {
        let found: Vec<String> = std::fs::read_dir(&backups)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("dự án chung-"))
                    .collect()
            })
            .unwrap_or_default();
        if !found.is_empty() || Instant::now() > deadline {
            break found;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(
        wait_for(11),
        11,
        "the point added in the window is in the file"
    );
    // Undo is Ctrl+Z on Windows (not Cmd), and goes through the file too.
    let o = Command::new("xdotool")
        .args(["key", "ctrl+z"])
        .env("DISPLAY", &x.display)
        .output()
        .expect("xdotool runs");
    assert!(o.status.success());
    assert_eq!(
        wait_for(10),
        10,
        "Ctrl+Z took the point back out of the file"
    );
    let (mut second, _, said) = window(w, &w.exe, &[&wp], &x);
    for c in [&mut first, &mut second] {
        let _ = c.kill();
        let _ = c.wait();
    }
    assert!(
        said.contains("tệp đang mở trong một qn-planner khác; ở đây chỉ mở để xem"),
        "the second window said: {said}"
    );
    assert_eq!(
        found.len(),
        1,
        "one backup before the first edit: {found:?}"
    );
    println!(
        "windows: an edit in the window is in the file, a backup ({}) taken before it, Ctrl+Z undoes it in the file; a second window opens the project read-only, said so",
        found[0]
    );
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn the_portable_copy_keeps_everything_beside_itself() {
    let Some((w, _turn)) = wine() else { return };
    let Some(zip) = std::env::var_os("QN_PLANNER_WINDOWS_ZIP").map(PathBuf::from) else {
        assert!(!require(), "QN_PLANNER_WINDOWS_ZIP is not set");
        eprintln!("skipped: QN_PLANNER_WINDOWS_ZIP is not set");
        return;
    };
    let usb = w.prefix.join("drive_c/USB của Lan");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    archive.extract(&usb).unwrap();
    let dir = usb.join("qn-planner");
    assert!(dir.join("portable").is_file(), "the zip holds the marker");
    assert!(dir.join("LICENCES.txt").is_file());
    w.add_shim(&dir).unwrap();
    let x = Xvfb::start();
    let (mut child, _, _) = window(w, &dir.join("qn-planner.exe"), &[], &x);
    std::thread::sleep(Duration::from_secs(2));
    x.screenshot(&shot_dir().join("portable-under-wine.png"));
    let _ = child.kill();
    let _ = child.wait();
    let data = dir.join("qn-planner-data");
    assert!(
        data.join("quang-ninh.gpkg").is_file(),
        "no project beside the program"
    );
    assert!(
        data.join("settings.json").is_file(),
        "no settings beside the program"
    );
    println!(
        "windows: the portable copy keeps its project and settings in {}",
        w.win(&data)
    );
}

#[test]
#[ignore = "needs Wine and the Windows build"]
fn the_installer_installs_for_the_user_alone_and_uninstalls_cleanly() {
    let Some((w, _turn)) = wine() else { return };
    let Some(setup) = std::env::var_os("QN_PLANNER_WINDOWS_SETUP").map(PathBuf::from) else {
        assert!(!require(), "QN_PLANNER_WINDOWS_SETUP is not set");
        eprintln!("skipped: QN_PLANNER_WINDOWS_SETUP is not set");
        return;
    };
    let t = Instant::now();
    // A project of the planner's, which uninstalling must keep.
    let mine = w.work.join("cài đặt").join("dự án của tôi.gpkg");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    ok(&w.qn(&["init", &w.win(&mine)]), "init");

    let copy = w.prefix.join("drive_c/cài đặt qn-planner.exe");
    std::fs::copy(&setup, &copy).unwrap();
    let o = w.command(copy.as_os_str()).arg("/S").output().unwrap();
    w.settle();
    assert!(o.status.success(), "{}", common::said(&o));
    // Where a per-user install goes (wine's user profile is the Linux user's).
    let found: Vec<PathBuf> = std::fs::read_dir(w.prefix.join("drive_c/users"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("AppData/Local/Programs/qn-planner"))
        .filter(|p| p.join("qn-planner.exe").is_file())
        .collect();
    assert_eq!(
        found.len(),
        1,
        "installed once, in the user's programs: {found:?}"
    );
    let installed = &found[0];
    let shortcuts: Vec<PathBuf> = std::fs::read_dir(w.prefix.join("drive_c/users"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path().join(
                "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Quy hoạch công nghiệp Quảng Ninh.lnk",
            )
        })
        .filter(|p| p.is_file())
        .collect();
    assert_eq!(
        shortcuts.len(),
        1,
        "one Start-menu entry, in the user's own menu"
    );
    let shortcut = &shortcuts[0];
    let o = w.reg(&[
        "query",
        "HKCU\\Software\\Classes\\qn-planner.gpkg\\shell\\open\\command",
    ]);
    common::assert_says(&o, "qn-planner.exe\" \"%1\"");
    let o = w.reg(&["query", "HKCU\\Software\\Classes\\.gpkg\\OpenWithProgids"]);
    common::assert_says(&o, "qn-planner.gpkg");
    step(
        "installed per user, Start-menu entry, Open with for .gpkg",
        t,
    );

    w.add_shim(installed).unwrap();
    let o = w.qn_at(&installed.join("qn-planner.exe"), &["--version"]);
    ok(&o, "the installed program");
    common::assert_says(&o, "qn-planner");
    std::fs::remove_file(installed.join("bcryptprimitives.dll")).unwrap();
    step(
        &format!(
            "installed program: {}",
            String::from_utf8_lossy(&o.stdout).trim()
        ),
        t,
    );

    let o = w
        .command(installed.join("uninstall.exe").as_os_str())
        .arg("/S")
        .output()
        .unwrap();
    w.settle();
    assert!(o.status.success(), "{}", common::said(&o));
    let deadline = Instant::now() + Duration::from_secs(30);
    while installed.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        w.settle();
    }
    assert!(
        !installed.exists(),
        "{} is still there",
        installed.display()
    );
    assert!(!shortcut.exists(), "the Start-menu entry is still there");
    let o = w.reg(&["query", "HKCU\\Software\\Classes\\qn-planner.gpkg"]);
    assert!(!o.status.success(), "the file type is still registered");
    assert!(mine.is_file(), "uninstalling removed the planner's project");
    let mut head = [0u8; 16];
    std::fs::File::open(&mine)
        .unwrap()
        .read_exact(&mut head)
        .unwrap();
    assert_eq!(&head, b"SQLite format 3\0");
    step(
        "uninstalled: program, entry and file type gone, the project kept",
        t,
    );
}
