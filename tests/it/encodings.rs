//! The Vietnamese encodings against independent references: glibc's `iconv` (TCVN5712-1,
//! VISCII, CP1258) encodes 259 place names, each also in capitals; our tables must read them
//! back. VNI, which iconv lacks, is checked against text as it is seen in Latin-1 (unit tests
//! in `src/io/encoding.rs`) and round trip here. Detection must name the right encoding for
//! ≥ 99 % of single-field samples of 15+ characters.

use qn_planner::io::encoding::{Encoding, choose, decode, encode, recase_tcvn3};
use std::io::Write;
use std::process::{Command, Stdio};
use unicode_normalization::UnicodeNormalization;

fn names() -> Vec<String> {
    let text = include_str!("../data/place_names.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

/// The 134 Vietnamese letters outside ASCII: the 12 vowels with none or one of five tones, đ,
/// in both cases, less the six plain ASCII vowels.
fn letters() -> Vec<char> {
    let mut out = Vec::new();
    for v in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
        for tone in ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"] {
            let s: String = format!("{v}{tone}").nfc().collect();
            let c = s.chars().next().unwrap();
            if !c.is_ascii() {
                out.push(c);
                out.extend(c.to_uppercase());
            }
        }
    }
    out.push('đ');
    out.push('Đ');
    out
}

/// Each text through `iconv -f UTF-8 -t to`, one per line.
fn iconv(texts: &[String], to: &str) -> Vec<Vec<u8>> {
    let mut child = Command::new("iconv")
        .args(["-f", "UTF-8", "-t", to])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("iconv (glibc's, package libc-bin) runs");
    let mut input = texts.join("\n");
    input.push('\n');
    let mut stdin = child.stdin.take().unwrap();
    let feed = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feed.join().unwrap().unwrap();
    assert!(out.status.success(), "iconv -t {to} failed");
    let lines: Vec<Vec<u8>> = out
        .stdout
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(
        lines.len(),
        texts.len() + 1,
        "iconv -t {to}: one line per text"
    );
    lines[..texts.len()].to_vec()
}

fn with_capitals(names: &[String]) -> Vec<String> {
    let mut all = names.to_vec();
    all.extend(names.iter().map(|n| n.to_uppercase()));
    all
}

#[test]
fn the_names_hold_all_134_letters() {
    let names = names();
    assert!(names.len() >= 200, "{} names", names.len());
    let all: String = with_capitals(&names).concat();
    let letters = letters();
    assert_eq!(letters.len(), 134);
    let missing: Vec<char> = letters
        .iter()
        .copied()
        .filter(|c| !all.contains(*c))
        .collect();
    assert!(missing.is_empty(), "letters in no name: {missing:?}");
    for n in &names {
        assert_eq!(*n, n.nfc().collect::<String>(), "{n} is NFC");
    }
}

#[test]
fn viscii_and_cp1258_read_what_iconv_writes() {
    let texts = with_capitals(&names());
    for (enc, name) in [(Encoding::Viscii, "VISCII"), (Encoding::Cp1258, "CP1258")] {
        let bytes = iconv(&texts, name);
        for (t, b) in texts.iter().zip(&bytes) {
            assert_eq!(decode(b, enc), *t, "{name}: {t} from {b:02x?}");
            assert_eq!(
                encode(t, enc).as_ref(),
                Some(b),
                "{name}: our encoding of {t}"
            );
        }
    }
}

#[test]
fn tcvn3_reads_what_iconv_writes_and_recases_capitals() {
    let names = names();
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    // As typed: lower-case letters and the seven plain capitals (Ă Â Ê Ô Ơ Ư Đ) are in VN3;
    // accented capitals are not (the ABC fonts wrote them with lower-case codes).
    let plain: Vec<String> = names
        .iter()
        .filter(|n| {
            n.chars()
                .all(|c| c.is_ascii() || c.is_lowercase() || "ĂÂÊÔƠƯĐ".contains(c))
        })
        .cloned()
        .collect();
    assert!(plain.len() > 100, "{}", plain.len());
    for set in [&lower, &plain] {
        let bytes = iconv(set, "TCVN5712-1");
        for (t, b) in set.iter().zip(&bytes) {
            assert!(
                b.iter().all(|&x| x.is_ascii() || x >= 0xA1),
                "{t}: iconv wrote a VN1-only code {b:02x?}"
            );
            assert_eq!(decode(b, Encoding::Tcvn3), *t, "{t} from {b:02x?}");
            assert_eq!(encode(t, Encoding::Tcvn3).as_ref(), Some(b), "our {t}");
        }
    }
    // A name typed in capitals with the .VnTimeH font: the lower-case codes of the accented
    // letters, ASCII capitals. Read and recased, it is the name in capitals.
    let mut recased = 0;
    for n in &names {
        let upper = n.to_uppercase();
        let typed: String = upper
            .chars()
            .map(|c| {
                if c.is_ascii() || "ĂÂÊÔƠƯĐ".contains(c) {
                    c
                } else {
                    c.to_lowercase().next().unwrap()
                }
            })
            .collect();
        let bytes = iconv(std::slice::from_ref(&typed), "TCVN5712-1").remove(0);
        let read = decode(&bytes, Encoding::Tcvn3);
        let recase = recase_tcvn3(&read);
        // A word of two ASCII capitals shows the name is in capitals; "CÔ TÔ" (one a word) is
        // stored as "Cô Tô" is, and stays.
        let evident = upper
            .split(' ')
            .any(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2);
        if evident {
            assert_eq!(recase.as_deref().unwrap_or(&read), upper, "{typed}");
            recased += usize::from(recase.is_some());
        } else {
            assert_eq!(recase, None, "{typed}");
        }
        // The name as typed in title case is never recased.
        let title = iconv(std::slice::from_ref(n), "TCVN5712-1").remove(0);
        assert_eq!(recase_tcvn3(&decode(&title, Encoding::Tcvn3)), None, "{n}");
    }
    assert!(recased > 150, "{recased} names recased");
}

#[test]
fn vni_round_trips_every_name() {
    for t in with_capitals(&names()) {
        let b = encode(&t, Encoding::Vni).unwrap_or_else(|| panic!("VNI has {t}"));
        assert_eq!(decode(&b, Encoding::Vni), t);
    }
}

/// Fields a planning file holds: the names themselves when long enough, and the names inside
/// the phrases of a zoning table, in capitals too.
fn samples() -> Vec<String> {
    let mut out = Vec::new();
    for n in names() {
        for s in [
            n.clone(),
            format!("Cụm công nghiệp {n}"),
            format!("Khu dân cư {n}"),
            format!("XÃ {}", n.to_uppercase()),
            format!("{n}, tỉnh Quảng Ninh"),
        ] {
            if s.chars().count() >= 15 {
                out.push(s);
            }
        }
    }
    out
}

#[test]
fn detection_names_the_encoding_of_99_percent_of_single_fields() {
    let samples = samples();
    assert!(samples.len() >= 700, "{}", samples.len());
    let mut total = (0usize, 0usize);
    for enc in [
        Encoding::Utf8,
        Encoding::Tcvn3,
        Encoding::Vni,
        Encoding::Viscii,
        Encoding::Cp1258,
    ] {
        let bytes: Vec<Vec<u8>> = match enc {
            Encoding::Viscii => iconv(&samples, "VISCII"),
            Encoding::Cp1258 => iconv(&samples, "CP1258"),
            // Capitals typed as the ABC fonts did: read with lower-case codes.
            Encoding::Tcvn3 => iconv(
                &samples
                    .iter()
                    .map(|s| {
                        s.chars()
                            .map(|c| {
                                if c.is_ascii() || "ĂÂÊÔƠƯĐ".contains(c) {
                                    c
                                } else {
                                    c.to_lowercase().next().unwrap()
                                }
                            })
                            .collect::<String>()
                    })
                    .collect::<Vec<_>>(),
                "TCVN5712-1",
            ),
            _ => samples.iter().map(|s| encode(s, enc).unwrap()).collect(),
        };
        let mut right = 0;
        let mut wrong = Vec::new();
        for (s, b) in samples.iter().zip(&bytes) {
            let got = choose(None, &[b.as_slice()]).encoding;
            if got == enc {
                right += 1;
            } else {
                wrong.push(format!("{s} → {got}"));
            }
        }
        let share = right as f64 / samples.len() as f64;
        eprintln!(
            "{enc}: {right} of {} right ({:.2} %); wrong: {:?}",
            samples.len(),
            share * 100.0,
            &wrong[..wrong.len().min(8)]
        );
        assert!(share >= 0.99, "{enc}: {:.2} %", share * 100.0);
        total.0 += right;
        total.1 += samples.len();
    }
    eprintln!("all: {} of {}", total.0, total.1);
}
