//! The text encodings Vietnamese offices' files come in, turned into NFC Unicode: UTF-8, the
//! 8-bit TCVN3 (ABC) and VISCII, the two-byte-per-letter VNI, Windows-1258 (tone marks as
//! combining characters) and Latin-1; which one a file is in ([`detect`]: how much of each
//! decoding forms Vietnamese syllables); and the TCVN3 capitals ([`recase_tcvn3`]).
//!
//! No crate covers TCVN3 or VNI, so the tables are written here from the standards:
//! TCVN 5712:1993 VN3 (the ABC fonts), RFC 1456 (VISCII), Microsoft's code page 1258 and the
//! VNI fonts' layout (a base letter followed by a mark byte). `tests/it/encodings.rs` checks them
//! against glibc's `iconv` (TCVN5712-1, VISCII, CP1258) over 200+ place names holding all 134
//! Vietnamese letters.

use unicode_normalization::UnicodeNormalization;

mod detect;

use detect::is_tone;
pub use detect::{Choice, Said, Score, Why, choose, is_syllable, rank, score};

/// A text encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    /// TCVN 5712:1993 VN3, the ABC fonts (.VnTime): lower-case codes only for toned letters.
    Tcvn3,
    /// The VNI fonts: a base letter followed by a byte for its marks.
    Vni,
    /// RFC 1456.
    Viscii,
    /// Windows code page 1258: tones as combining marks.
    Cp1258,
    /// ISO 8859-1.
    Latin1,
}

impl Encoding {
    /// Every encoding, in the order ties are broken (most likely first).
    pub const ALL: [Encoding; 6] = [
        Encoding::Utf8,
        Encoding::Tcvn3,
        Encoding::Vni,
        Encoding::Cp1258,
        Encoding::Viscii,
        Encoding::Latin1,
    ];

    /// The name `--encoding` takes.
    pub fn key(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Vni => "vni",
            Encoding::Viscii => "viscii",
            Encoding::Cp1258 => "cp1258",
            Encoding::Latin1 => "latin1",
        }
    }

    /// The name shown to a planner.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8 (Unicode)",
            Encoding::Tcvn3 => "TCVN3 (ABC, .VnTime)",
            Encoding::Vni => "VNI (VNI-Times)",
            Encoding::Viscii => "VISCII",
            Encoding::Cp1258 => "Windows-1258",
            Encoding::Latin1 => "Latin-1 (ISO 8859-1)",
        }
    }

    /// An encoding by its `--encoding` name or a common alias (`.cpg` contents, MIF
    /// `Charset`, DXF `$DWGCODEPAGE`); `None` for one not read here.
    pub fn parse(s: &str) -> Option<Encoding> {
        let t: String = s
            .trim()
            .trim_matches('"')
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match t.as_str() {
            "utf8" | "65001" | "unicode" => Encoding::Utf8,
            "tcvn3" | "tcvn" | "abc" | "tcvn5712" | "tcvn57121" | "vn3" => Encoding::Tcvn3,
            "vni" | "vnitimes" => Encoding::Vni,
            "viscii" => Encoding::Viscii,
            "cp1258" | "1258" | "windows1258" | "ansi1258" | "vietnamese" => Encoding::Cp1258,
            "latin1"
            | "iso88591"
            | "88591"
            | "1252"
            | "cp1252"
            | "windows1252"
            | "ansi1252"
            | "ansi"
            | "windowslatin1"
            | "westerneuropeanwindows"
            | "windowslatin" => Encoding::Latin1,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// TCVN3 (VN3) bytes 0xA1–0xFF; `\0` where the ABC fonts have no letter (read as Latin-1).
const TCVN3_HIGH: [char; 95] = [
    'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', '\0', // A1–AF
    '\0', '\0', '\0', '\0', '\0', 'à', 'ả', 'ã', 'á', 'ạ', '\0', 'ằ', 'ẳ', 'ẵ', 'ắ',
    '\0', // B0–BF
    '\0', '\0', '\0', '\0', '\0', '\0', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', '\0', 'ẻ',
    'ẽ', // C0–CF
    'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', '\0', '\0', '\0', 'ĩ', 'í', 'ị',
    'ò', // D0–DF
    '\0', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ',
    'ù', // E0–EF
    '\0', 'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ',
    '\0', // F0–FF
];

/// VISCII (RFC 1456) bytes 0x80–0xFF.
const VISCII_HIGH: [char; 128] = [
    'Ạ', 'Ắ', 'Ằ', 'Ặ', 'Ấ', 'Ầ', 'Ẩ', 'Ậ', 'Ẽ', 'Ẹ', 'Ế', 'Ề', 'Ể', 'Ễ', 'Ệ', 'Ố', // 80
    'Ồ', 'Ổ', 'Ỗ', 'Ộ', 'Ợ', 'Ớ', 'Ờ', 'Ở', 'Ị', 'Ỏ', 'Ọ', 'Ỉ', 'Ủ', 'Ũ', 'Ụ', 'Ỳ', // 90
    'Õ', 'ắ', 'ằ', 'ặ', 'ấ', 'ầ', 'ẩ', 'ậ', 'ẽ', 'ẹ', 'ế', 'ề', 'ể', 'ễ', 'ệ', 'ố', // A0
    'ồ', 'ổ', 'ỗ', 'Ỡ', 'Ơ', 'ộ', 'ờ', 'ở', 'ị', 'Ự', 'Ứ', 'Ừ', 'Ử', 'ơ', 'ớ', 'Ư', // B0
    'À', 'Á', 'Â', 'Ã', 'Ả', 'Ă', 'ẳ', 'ẵ', 'È', 'É', 'Ê', 'Ẻ', 'Ì', 'Í', 'Ĩ', 'ỳ', // C0
    'Đ', 'ứ', 'Ò', 'Ó', 'Ô', 'ạ', 'ỷ', 'ừ', 'ử', 'Ù', 'Ú', 'ỹ', 'ỵ', 'Ý', 'ỡ', 'ư', // D0
    'à', 'á', 'â', 'ã', 'ả', 'ă', 'ữ', 'ẫ', 'è', 'é', 'ê', 'ẻ', 'ì', 'í', 'ĩ', 'ỉ', // E0
    'đ', 'ự', 'ò', 'ó', 'ô', 'õ', 'ỏ', 'ọ', 'ụ', 'ù', 'ú', 'ũ', 'ủ', 'ý', 'ợ', 'Ữ', // F0
];

/// VISCII's six capitals in the C0 control range.
const VISCII_LOW: [(u8, char); 6] = [
    (0x02, 'Ẳ'),
    (0x05, 'Ẵ'),
    (0x06, 'Ẫ'),
    (0x14, 'Ỷ'),
    (0x19, 'Ỹ'),
    (0x1E, 'Ỵ'),
];

/// Windows-1258 bytes 0x80–0xFF (undefined bytes as the C1 control of the same number).
const CP1258_HIGH: [char; 128] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', '\u{8A}', '‹', 'Œ', '\u{8D}', '\u{8E}',
    '\u{8F}', // 80
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', '\u{9A}', '›', 'œ', '\u{9D}', '\u{9E}',
    'Ÿ', // 90
    '\u{A0}', '¡', '¢', '£', '¤', '¥', '¦', '§', '¨', '©', 'ª', '«', '¬', '\u{AD}', '®',
    '¯', // A0
    '°', '±', '²', '³', '´', 'µ', '¶', '·', '¸', '¹', 'º', '»', '¼', '½', '¾', '¿', // B0
    'À', 'Á', 'Â', 'Ă', 'Ä', 'Å', 'Æ', 'Ç', 'È', 'É', 'Ê', 'Ë', '\u{300}', 'Í', 'Î',
    'Ï', // C0
    'Đ', 'Ñ', '\u{309}', 'Ó', 'Ô', 'Ơ', 'Ö', '×', 'Ø', 'Ù', 'Ú', 'Û', 'Ü', 'Ư', '\u{303}',
    'ß', // D0
    'à', 'á', 'â', 'ă', 'ä', 'å', 'æ', 'ç', 'è', 'é', 'ê', 'ë', '\u{301}', 'í', 'î',
    'ï', // E0
    'đ', 'ñ', '\u{323}', 'ó', 'ô', 'ơ', 'ö', '÷', 'ø', 'ù', 'ú', 'û', 'ü', 'ư', '₫',
    'ÿ', // F0
];

// Combining marks: the three letter modifiers and the five tones.
const CIRCUMFLEX: char = '\u{302}';
const BREVE: char = '\u{306}';
const HORN: char = '\u{31B}';
const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const TILDE: char = '\u{303}';
const HOOK: char = '\u{309}';
const DOT: char = '\u{323}';

/// A VNI mark byte (lower-case form; the upper-case form is 0x20 less): the letter modifier
/// and the tone it adds to the base letter before it.
fn vni_mark(b: u8) -> Option<(Option<char>, Option<char>)> {
    let b = if (0xC0..=0xDF).contains(&b) {
        b + 0x20
    } else {
        b
    };
    Some(match b {
        0xF9 => (None, Some(ACUTE)),
        0xF8 => (None, Some(GRAVE)),
        0xFB => (None, Some(HOOK)),
        0xF5 => (None, Some(TILDE)),
        0xEF => (None, Some(DOT)),
        0xE2 => (Some(CIRCUMFLEX), None),
        0xE1 => (Some(CIRCUMFLEX), Some(ACUTE)),
        0xE0 => (Some(CIRCUMFLEX), Some(GRAVE)),
        0xE5 => (Some(CIRCUMFLEX), Some(HOOK)),
        0xE3 => (Some(CIRCUMFLEX), Some(TILDE)),
        0xE4 => (Some(CIRCUMFLEX), Some(DOT)),
        0xEA => (Some(BREVE), None),
        0xE9 => (Some(BREVE), Some(ACUTE)),
        0xE8 => (Some(BREVE), Some(GRAVE)),
        0xFA => (Some(BREVE), Some(HOOK)),
        0xFC => (Some(BREVE), Some(TILDE)),
        0xEB => (Some(BREVE), Some(DOT)),
        _ => return None,
    })
}

/// A VNI byte that is a letter on its own (lower-case form; upper case is 0x20 less).
fn vni_single(b: u8) -> Option<char> {
    let upper = (0xC0..=0xDF).contains(&b);
    let l = if upper { b + 0x20 } else { b };
    let c = match l {
        0xF4 => 'ơ',
        0xF6 => 'ư',
        0xF1 => 'đ',
        0xED => 'í',
        0xEC => 'ì',
        0xE6 => 'ỉ',
        0xF3 => 'ĩ',
        0xF2 => 'ị',
        0xEE => 'ỵ',
        _ => return None,
    };
    Some(if upper {
        c.to_uppercase().next().unwrap_or(c)
    } else {
        c
    })
}

/// Whether a VNI base letter takes the modifier `m` (a, e, o take marks; ơ, ư, u, y only tones).
fn vni_takes(base: char, m: Option<char>) -> bool {
    match base.to_ascii_lowercase() {
        'a' => true,
        'e' | 'o' => m != Some(BREVE),
        'u' | 'y' | 'ơ' | 'ư' => m.is_none(),
        _ => false,
    }
}

fn decode_vni(bytes: &[u8], out: &mut String) {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let base = if b.is_ascii() {
            Some(b as char)
        } else {
            vni_single(b).filter(|c| matches!(c, 'ơ' | 'ư' | 'Ơ' | 'Ư'))
        };
        if let Some(base) = base
            && let Some(&next) = bytes.get(i + 1)
            && let Some((m, tone)) = vni_mark(next)
            && vni_takes(lower(base), m)
        {
            out.push(base);
            out.extend(m);
            out.extend(tone);
            i += 2;
            continue;
        }
        if b.is_ascii() {
            out.push(b as char);
        } else {
            out.push(vni_single(b).unwrap_or(b as char));
        }
        i += 1;
    }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// `bytes` in `enc`, as NFC Unicode. Invalid UTF-8 becomes U+FFFD.
pub fn decode(bytes: &[u8], enc: Encoding) -> String {
    let controls = enc == Encoding::Viscii && bytes.iter().any(|b| *b < 0x20);
    if bytes.is_ascii() && !controls {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    // At most three bytes of UTF-8 for each byte above ASCII.
    let high = bytes.iter().filter(|b| !b.is_ascii()).count();
    let mut out = String::with_capacity(bytes.len() + 2 * high);
    match enc {
        Encoding::Utf8 => out.push_str(&String::from_utf8_lossy(bytes)),
        Encoding::Latin1 => out.extend(bytes.iter().map(|&b| b as char)),
        Encoding::Tcvn3 => out.extend(bytes.iter().map(|&b| match b {
            0xA1..=0xFF => match TCVN3_HIGH[usize::from(b - 0xA1)] {
                '\0' => b as char,
                c => c,
            },
            _ => b as char,
        })),
        Encoding::Viscii => out.extend(bytes.iter().map(|&b| {
            match b {
                0x80..=0xFF => VISCII_HIGH[usize::from(b - 0x80)],
                _ => VISCII_LOW
                    .iter()
                    .find(|(k, _)| *k == b)
                    .map_or(b as char, |(_, c)| *c),
            }
        })),
        Encoding::Cp1258 => out.extend(bytes.iter().map(|&b| match b {
            0x80..=0xFF => CP1258_HIGH[usize::from(b - 0x80)],
            _ => b as char,
        })),
        Encoding::Vni => decode_vni(bytes, &mut out),
    }
    // The 8-bit tables give precomposed letters, already NFC; VNI and CP1258 give marks.
    if out.is_ascii() || !matches!(enc, Encoding::Vni | Encoding::Cp1258 | Encoding::Utf8) {
        out
    } else {
        crate::model::text::nfc(&out)
    }
}

/// `text` in `enc`, or `None` if a character has no code there. TCVN3 writes an accented
/// capital with its lower-case code, as the ABC fonts did (the `.VnTimeH` font drew it upper
/// case); CP1258 writes tones as combining marks. For tests and the benchmark's generator.
pub fn encode(text: &str, enc: Encoding) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 8);
    match enc {
        Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
        Encoding::Latin1 => {
            for c in text.nfc() {
                out.push(u8::try_from(u32::from(c)).ok()?);
            }
        }
        Encoding::Tcvn3 | Encoding::Viscii => {
            for c in text.nfc() {
                if c.is_ascii() {
                    out.push(c as u8);
                    continue;
                }
                out.push(table_code(c, enc)?);
            }
        }
        Encoding::Cp1258 => {
            for c in text.nfc() {
                if c.is_ascii() {
                    out.push(c as u8);
                } else if let Some(k) = CP1258_HIGH.iter().position(|&t| t == c) {
                    out.push(0x80 + k as u8);
                } else {
                    // A letter with a tone: its base (which may carry a modifier) and the mark.
                    // (Canonical order puts a dot below before a circumflex: find the tone.)
                    let mut d: Vec<char> = c.nfd().collect();
                    let tone = d.remove(d.iter().position(|t| is_tone(*t))?);
                    let base: String = d.into_iter().nfc().collect();
                    for b in base.chars() {
                        if b.is_ascii() {
                            out.push(b as u8);
                        } else {
                            let k = CP1258_HIGH.iter().position(|&t| t == b)?;
                            out.push(0x80 + k as u8);
                        }
                    }
                    let k = CP1258_HIGH.iter().position(|&t| t == tone)?;
                    out.push(0x80 + k as u8);
                }
            }
        }
        Encoding::Vni => {
            for c in text.nfc() {
                if c.is_ascii() {
                    out.push(c as u8);
                    continue;
                }
                encode_vni(c, &mut out)?;
            }
        }
    }
    Some(out)
}

fn table_code(c: char, enc: Encoding) -> Option<u8> {
    match enc {
        Encoding::Tcvn3 => {
            let find = |c: char| {
                TCVN3_HIGH
                    .iter()
                    .position(|&t| t == c)
                    .map(|k| 0xA1 + k as u8)
            };
            find(c).or_else(|| find(lower(c)))
        }
        Encoding::Viscii => VISCII_HIGH
            .iter()
            .position(|&t| t == c)
            .map(|k| 0x80 + k as u8)
            .or_else(|| VISCII_LOW.iter().find(|(_, t)| *t == c).map(|(k, _)| *k)),
        _ => None,
    }
}

fn encode_vni(c: char, out: &mut Vec<u8>) -> Option<()> {
    let upper = c.is_uppercase();
    let shift = |b: u8| if upper { b - 0x20 } else { b };
    // Letters that are one byte.
    for b in [0xF4u8, 0xF6, 0xF1, 0xED, 0xEC, 0xE6, 0xF3, 0xF2, 0xEE] {
        if vni_single(shift(b)) == Some(c) {
            out.push(shift(b));
            return Some(());
        }
    }
    let d: Vec<char> = c.nfd().collect();
    let (&first, marks) = d.split_first()?;
    let mut modifier = None;
    let mut tone = None;
    let mut base = first;
    for &m in marks {
        match m {
            CIRCUMFLEX | BREVE => modifier = Some(m),
            HORN => {
                base = match lower(base) {
                    'o' => 'ơ',
                    'u' => 'ư',
                    _ => return None,
                };
                if upper {
                    base = base.to_uppercase().next()?;
                }
            }
            t if is_tone(t) => tone = Some(t),
            _ => return None,
        }
    }
    if base.is_ascii() {
        out.push(base as u8);
    } else {
        let b = [0xF4u8, 0xF6]
            .into_iter()
            .map(shift)
            .find(|&b| vni_single(b) == Some(base))?;
        out.push(b);
    }
    if modifier.is_none() && tone.is_none() {
        return Some(());
    }
    let code = (0xE0u8..=0xFC).find(|&b| vni_mark(b) == Some((modifier, tone)))?;
    out.push(shift(code));
    Some(())
}

/// TCVN3 capitals: the ABC fonts drew accented capitals with the lower-case codes in a
/// `.VnTimeH` font, so "QUẢNG NINH" was stored as "QUảNG NINH". Recases a text whose ASCII
/// letters are all upper case and in which some word has at least two of them, else each word
/// with at least two upper-case ASCII letters and no lower-case one. A text such as "Cô Tô"
/// (one ASCII letter a word) reads the same typed in capitals or in title case, and stays as it
/// is. Returns the recased text, or `None` when nothing changes.
pub fn recase_tcvn3(text: &str) -> Option<String> {
    // (ASCII letters, all of them upper case)
    let ascii = |s: &str| {
        s.bytes()
            .filter(u8::is_ascii_alphabetic)
            .fold((0usize, true), |(n, up), b| {
                (n + 1, up && b.is_ascii_uppercase())
            })
    };
    let needs = |s: &str| s.chars().any(|c| !c.is_ascii() && c.is_lowercase());
    if !needs(text) {
        return None;
    }
    let (_, all_upper) = ascii(text);
    if all_upper && text.split(' ').any(|w| ascii(w).0 >= 2) {
        return Some(text.to_uppercase());
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let (n, up) = ascii(word);
        if n >= 2 && up && needs(word) {
            out.push_str(&word.to_uppercase());
            changed = true;
        } else {
            out.push_str(word);
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_mojibake_reads_back() {
        // "Côm c«ng nghiÖp H¶i Hßa" is TCVN3 shown as Latin-1.
        let bytes = encode("Côm c«ng nghiÖp H¶i Hßa", Encoding::Latin1).unwrap();
        assert_eq!(decode(&bytes, Encoding::Tcvn3), "Cụm công nghiệp Hải Hòa");
        let bytes = encode("QU¶NG NINH", Encoding::Latin1).unwrap();
        let t = decode(&bytes, Encoding::Tcvn3);
        assert_eq!(recase_tcvn3(&t).as_deref(), Some("QUẢNG NINH"));
        // Title case and capitals store "Cô Tô" alike: it stays; "HÀ NỘI" has a word of two.
        assert_eq!(recase_tcvn3("Cô Tô"), None);
        assert_eq!(recase_tcvn3("Hà NộI").as_deref(), Some("HÀ NỘI"));
        assert_eq!(recase_tcvn3("Huyện Cô Tô"), None);
        assert_eq!(
            recase_tcvn3("Xã HảI HÀ mới").as_deref(),
            Some("Xã HẢI HÀ mới")
        );
        assert_eq!(choose(None, &[&bytes]).encoding, Encoding::Tcvn3);
    }

    #[test]
    fn vni_as_it_is_seen_in_latin1() {
        for (seen, meant) in [
            ("Vieät Nam", "Việt Nam"),
            ("Haø Noäi", "Hà Nội"),
            ("Quaûng Ninh", "Quảng Ninh"),
            ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
            ("Cuïm coâng nghieäp Haûi Hoøa", "Cụm công nghiệp Hải Hòa"),
            ("Uoâng Bí", "Uông Bí"),
            ("Moùng Caùi", "Móng Cái"),
            ("ÑOÂNG TRIEÀU", "ĐÔNG TRIỀU"),
            ("Khu coâng nghieäp Caùi Laân", "Khu công nghiệp Cái Lân"),
            ("Tieân Yeân", "Tiên Yên"),
            ("Hoaønh Boà", "Hoành Bồ"),
            ("Vaân Ñoàn", "Vân Đồn"),
            ("Quaûng Yeân", "Quảng Yên"),
            ("Ñaàm Haø", "Đầm Hà"),
            ("nöôùc", "nước"),
            ("Ñöôøng", "Đường"),
        ] {
            let bytes = encode(seen, Encoding::Latin1).unwrap();
            assert_eq!(decode(&bytes, Encoding::Vni), meant, "{seen}");
            assert_eq!(encode(meant, Encoding::Vni).unwrap(), bytes, "{meant}");
        }
    }

    #[test]
    fn text_that_is_not_vietnamese_is_latin1() {
        let b = encode("Société Générale, Zürich", Encoding::Latin1).unwrap();
        assert_eq!(choose(None, &[&b]).encoding, Encoding::Latin1);
        assert_eq!(
            choose(None, &["Zürich".as_bytes()]).encoding,
            Encoding::Utf8
        );
    }

    #[test]
    fn syllables() {
        for w in [
            "nghiệp", "Quảng", "gìn", "quý", "quyền", "khuya", "xoong", "người", "được", "Đông",
            "Triều", "oẳn", "giữ", "ạch", "uống",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in ["côc", "hßa", "nghiÖp", "viẹot", "ả̀", "đườngg", "tàc", "fả"] {
            assert!(!is_syllable(w), "{w}");
        }
    }

    #[test]
    fn declared_latin1_is_overruled_by_tcvn3_text() {
        let b = encode("C«ng ty CP xi m¨ng H¹ Long", Encoding::Latin1).unwrap();
        let c = choose(
            Some((
                Encoding::Latin1,
                Said::new(".cpg says 1252", ".cpg ghi 1252"),
            )),
            &[&b],
        );
        assert_eq!(c.encoding, Encoding::Tcvn3);
        assert!(matches!(c.why, Why::Overruled { .. }), "{c:?}");
        let u = "Công ty CP xi măng Hạ Long".as_bytes();
        let c = choose(
            Some((
                Encoding::Utf8,
                Said::new(".cpg says UTF-8", ".cpg ghi UTF-8"),
            )),
            &[u],
        );
        assert_eq!(c.encoding, Encoding::Utf8);
        assert!(matches!(c.why, Why::Declared { .. }));
    }
}
