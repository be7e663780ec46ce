//! Which encoding a text is in: each candidate decoding scored by how Vietnamese it reads
//! (letter frequencies, whole syllables), the best chosen and the reason said.

use super::*;
use unicode_normalization::UnicodeNormalization;

pub(super) fn is_tone(c: char) -> bool {
    matches!(c, GRAVE | ACUTE | TILDE | HOOK | DOT)
}

/// How often each accented letter occurs in Vietnamese text: counted (lower-cased, NFC) in the
/// source document of this project, the 2007 report of the Quảng Ninh Department of Industry
/// (1,681 letters). Breaks ties between decodings that form equally many syllables ("dân" in
/// VISCII reads "dõn" in TCVN3: â is 41 times as common as õ there).
pub(super) const LETTER_COUNTS: [(char, u16); 67] = [
    ('à', 114),
    ('á', 86),
    ('ả', 73),
    ('ã', 19),
    ('ạ', 46),
    ('ă', 35),
    ('ằ', 0),
    ('ắ', 4),
    ('ẳ', 0),
    ('ẵ', 0),
    ('ặ', 2),
    ('â', 41),
    ('ầ', 22),
    ('ấ', 42),
    ('ẩ', 10),
    ('ẫ', 4),
    ('ậ', 12),
    ('è', 0),
    ('é', 2),
    ('ẻ', 0),
    ('ẽ', 2),
    ('ẹ', 1),
    ('ê', 45),
    ('ề', 53),
    ('ế', 67),
    ('ể', 40),
    ('ễ', 1),
    ('ệ', 103),
    ('ì', 15),
    ('í', 19),
    ('ỉ', 22),
    ('ĩ', 5),
    ('ị', 27),
    ('ò', 13),
    ('ó', 28),
    ('ỏ', 1),
    ('õ', 1),
    ('ọ', 11),
    ('ô', 127),
    ('ồ', 19),
    ('ố', 45),
    ('ổ', 10),
    ('ỗ', 4),
    ('ộ', 35),
    ('ơ', 16),
    ('ờ', 16),
    ('ớ', 34),
    ('ở', 19),
    ('ỡ', 0),
    ('ợ', 22),
    ('ù', 5),
    ('ú', 7),
    ('ủ', 27),
    ('ũ', 2),
    ('ụ', 26),
    ('ư', 78),
    ('ừ', 3),
    ('ứ', 17),
    ('ử', 6),
    ('ữ', 8),
    ('ự', 31),
    ('ỳ', 0),
    ('ý', 7),
    ('ỷ', 1),
    ('ỹ', 1),
    ('ỵ', 0),
    ('đ', 149),
];

/// Hundredths of the natural log of (count + 1) of an accented letter; 0 for others.
pub(super) fn letter_weight(c: char) -> i64 {
    let l = lower(c);
    LETTER_COUNTS
        .iter()
        .find(|(k, _)| *k == l)
        .map_or(0, |(_, n)| (f64::from(n + 1).ln() * 100.0).round() as i64)
}

/// How well a decoding reads as Vietnamese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Score {
    /// Words with a non-ASCII letter that are Vietnamese syllables.
    pub syllables: u32,
    /// Words with a non-ASCII character that are not.
    pub broken: u32,
    /// Characters that no Vietnamese text holds (symbols, controls, replacement characters).
    pub strange: u32,
    /// How common its accented letters are (see [`LETTER_COUNTS`]): breaks ties.
    pub commonness: i64,
}

impl Score {
    pub fn value(self) -> i64 {
        i64::from(self.syllables) - 2 * i64::from(self.broken) - i64::from(self.strange)
    }

    fn add(&mut self, o: Score) {
        self.syllables += o.syllables;
        self.broken += o.broken;
        self.strange += o.strange;
        self.commonness += o.commonness;
    }

    /// The ranking key: syllables formed, then how common the letters are.
    pub fn key(self) -> (i64, i64) {
        (self.value(), self.commonness)
    }
}

/// Scores one decoded text.
pub fn score(text: &str) -> Score {
    let mut s = Score::default();
    let mut word = String::new();
    let flush = |w: &mut String, s: &mut Score| {
        if !w.is_empty() && !w.is_ascii() {
            if is_syllable(w) {
                s.syllables += 1;
            } else {
                s.broken += 1;
            }
        }
        w.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c) {
            if !c.is_ascii() {
                s.commonness += letter_weight(c);
            }
            word.push(c);
            continue;
        }
        flush(&mut word, &mut s);
        let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r');
        let symbol = !c.is_ascii()
            && !matches!(
                c,
                '–' | '—' | '‘' | '’' | '“' | '”' | '…' | '₫' | '°' | '²' | '\u{A0}' | '·'
            );
        if control || symbol {
            // Controls, U+FFFD, and symbols no Vietnamese text holds («, ¶, ¹ …).
            s.strange += 1;
        }
    }
    flush(&mut word, &mut s);
    s
}

pub(super) const ONSETS: [&str; 27] = [
    "ngh", "ng", "nh", "gh", "gi", "kh", "ch", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Vowel nuclei that take a final consonant (ă and â must).
pub(super) const CLOSED: [&str; 27] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "yê", "oa", "oă", "oe", "oo",
    "uâ", "uê", "uô", "ươ", "uy", "uyê", "oai", "uơ", "ưa",
];

/// Vowel nuclei that end the syllable (their last vowel is a glide or they are open diphthongs).
pub(super) const OPEN: [&str; 36] = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo",
    "êu", "ia", "iu", "oa", "oe", "oi", "ôi", "ơi", "ua", "uê", "ui", "uơ", "uy", "ưa", "ưi", "ưu",
    "iêu", "yêu", "oai",
];

/// Three-vowel open nuclei.
pub(super) const OPEN3: [&str; 8] = ["oao", "oay", "oeo", "uây", "uôi", "uya", "ươi", "ươu"];

pub(super) const CODAS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Whether `word` (any case, any normalisation) is one Vietnamese syllable: an onset, a vowel
/// nucleus and a coda, at most one tone mark and on a vowel, and a stop coda (c, ch, p, t)
/// only with the sắc or nặng tone.
pub fn is_syllable(word: &str) -> bool {
    let mut tone = None;
    let mut plain = String::with_capacity(word.len());
    let mut prev_vowel = false;
    for c in word.nfd().flat_map(char::to_lowercase) {
        if is_tone(c) {
            if tone.is_some() || !prev_vowel {
                return false;
            }
            tone = Some(c);
            continue;
        }
        if matches!(c, CIRCUMFLEX | BREVE | HORN) {
            plain.push(c);
            continue;
        }
        if !"abcdđeghiklmnopqrstuvxy".contains(c) {
            return false;
        }
        prev_vowel = "aeiouy".contains(c);
        plain.push(c);
    }
    let plain: String = plain.nfc().collect();
    let rhyme_ok = |rhyme: &str| {
        CODAS.iter().any(|coda| {
            rhyme.strip_suffix(coda).is_some_and(|nucleus| {
                (if coda.is_empty() {
                    OPEN.contains(&nucleus) || OPEN3.contains(&nucleus) || nucleus == "uyu"
                } else {
                    CLOSED.contains(&nucleus)
                }) && (!matches!(*coda, "c" | "ch" | "p" | "t")
                    || matches!(tone, Some(ACUTE) | Some(DOT)))
            })
        })
    };
    if rhyme_ok(&plain) {
        return true;
    }
    ONSETS.iter().any(|o| {
        plain.strip_prefix(o).is_some_and(|rest| {
            rhyme_ok(rest)
                // "gi" before a consonant is g + i ("gìn"), "qu" + y ("quý").
                || (*o == "gi" && rhyme_ok(&format!("i{rest}")))
        })
    })
}

/// Scores of every encoding over `samples`, best first (ties in [`Encoding::ALL`] order).
/// UTF-8 is a candidate only when every sample is valid UTF-8.
pub fn rank(samples: &[&[u8]]) -> Vec<(Encoding, Score)> {
    let utf8_ok = samples.iter().all(|s| std::str::from_utf8(s).is_ok());
    let mut out: Vec<(Encoding, Score)> = Encoding::ALL
        .into_iter()
        .filter(|e| *e != Encoding::Utf8 || utf8_ok)
        .map(|e| {
            let mut s = Score::default();
            for b in samples {
                if !b.is_ascii() || b.iter().any(|x| *x < 0x20) {
                    s.add(score(&decode(b, e)));
                }
            }
            (e, s)
        })
        .collect();
    // Stable: ties keep the order of ALL.
    out.sort_by_key(|(_, s)| std::cmp::Reverse(s.key()));
    out
}

/// What in a file declared its encoding, in English and Vietnamese (".cpg says LATIN1").
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub en: String,
    pub vi: String,
}

impl Said {
    pub fn new(en: impl Into<String>, vi: impl Into<String>) -> Said {
        Said {
            en: en.into(),
            vi: vi.into(),
        }
    }

    fn text(&self, vi: bool) -> &str {
        if vi { &self.vi } else { &self.en }
    }
}

/// How the encoding of a file was chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// Given by the planner (`--encoding`, the import window).
    Given,
    /// Every sampled text is ASCII: any encoding reads it the same.
    Ascii,
    /// The file's declaration (`what`: ".cpg says UTF-8"), and the text agrees.
    Declared { what: Said },
    /// The file declares `declared` (`what`), but the text reads as Vietnamese only in the chosen one.
    Overruled {
        what: Said,
        declared: Encoding,
        declared_score: Score,
        score: Score,
    },
    /// Nothing declared: the decoding that forms the most Vietnamese syllables.
    Detected {
        score: Score,
        runner_up: Option<(Encoding, Score)>,
    },
}

/// The encoding chosen for a file, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub encoding: Encoding,
    pub why: Why,
}

impl Choice {
    pub fn given(encoding: Encoding) -> Choice {
        Choice {
            encoding,
            why: Why::Given,
        }
    }

    /// Why, in words, in English or Vietnamese.
    pub fn explain(&self, vi: bool) -> String {
        let e = self.encoding.label();
        match &self.why {
            Why::Given => {
                if vi {
                    format!("{e}: do người dùng chọn")
                } else {
                    format!("{e}: chosen")
                }
            }
            Why::Ascii => {
                if vi {
                    "chữ trong tệp chỉ có ký tự ASCII (bảng mã nào cũng đọc như nhau)".into()
                } else {
                    "the text is ASCII only (every encoding reads it the same)".into()
                }
            }
            Why::Declared { what } => {
                let what = what.text(vi);
                if vi {
                    format!("{e}: {what}, và chữ đọc ra là tiếng Việt")
                } else {
                    format!("{e}: {what}, and the text reads so")
                }
            }
            Why::Overruled {
                what,
                declared,
                declared_score,
                score,
            } => {
                let what = what.text(vi);
                if vi {
                    format!(
                        "{e}: {what}, nhưng đọc theo {} chỉ {} trên {} từ có dấu là âm tiết tiếng Việt, theo {e} là {} trên {}",
                        declared.label(),
                        declared_score.syllables,
                        declared_score.syllables + declared_score.broken,
                        score.syllables,
                        score.syllables + score.broken
                    )
                } else {
                    format!(
                        "{e}: {what}, but read as {} only {} of {} accented words are Vietnamese syllables, as {e} {} of {}",
                        declared.label(),
                        declared_score.syllables,
                        declared_score.syllables + declared_score.broken,
                        score.syllables,
                        score.syllables + score.broken
                    )
                }
            }
            Why::Detected { score, runner_up } => {
                let next = runner_up
                    .map(|(r, s)| {
                        if vi {
                            format!(
                                "; {}: {} trên {}",
                                r.label(),
                                s.syllables,
                                s.syllables + s.broken
                            )
                        } else {
                            format!(
                                "; {}: {} of {}",
                                r.label(),
                                s.syllables,
                                s.syllables + s.broken
                            )
                        }
                    })
                    .unwrap_or_default();
                if vi {
                    format!(
                        "{e}: tệp không khai báo bảng mã; đoán từ chữ: {} trên {} từ có dấu là âm tiết tiếng Việt{next}",
                        score.syllables,
                        score.syllables + score.broken
                    )
                } else {
                    format!(
                        "{e}: the file declares none; detected from the text: {} of {} accented words are Vietnamese syllables{next}",
                        score.syllables,
                        score.syllables + score.broken
                    )
                }
            }
        }
    }
}

/// Chooses the encoding of text `samples`: `declared` (with what declared it) when the text
/// reads at least as well in it as in any other, else the best reading.
pub fn choose(declared: Option<(Encoding, Said)>, samples: &[&[u8]]) -> Choice {
    if samples.iter().all(|s| {
        s.iter()
            .all(|b| (0x20..0x80).contains(b) || b"\t\r\n".contains(b))
    }) {
        return Choice {
            encoding: declared.map_or(Encoding::Utf8, |(e, _)| e),
            why: Why::Ascii,
        };
    }
    let ranked = rank(samples);
    let Some(&(best, best_score)) = ranked.first() else {
        return Choice {
            encoding: Encoding::Utf8,
            why: Why::Ascii,
        };
    };
    if let Some((d, what)) = declared {
        let ds = ranked.iter().find(|(e, _)| *e == d).map(|(_, s)| *s);
        return match ds {
            Some(ds) if ds.value() >= best_score.value() => Choice {
                encoding: d,
                why: Why::Declared { what },
            },
            _ => Choice {
                encoding: best,
                why: Why::Overruled {
                    what,
                    declared: d,
                    declared_score: ds.unwrap_or_default(),
                    score: best_score,
                },
            },
        };
    }
    // No decoding forms a single Vietnamese syllable: not Vietnamese text; read it as Latin-1
    // (or UTF-8 when it is valid UTF-8), not as whichever legacy table happens to score best.
    let best = if best_score.syllables == 0 {
        if ranked.iter().any(|(e, _)| *e == Encoding::Utf8) {
            Encoding::Utf8
        } else {
            Encoding::Latin1
        }
    } else {
        best
    };
    let best_score = ranked
        .iter()
        .find(|(e, _)| *e == best)
        .map_or(best_score, |(_, s)| *s);
    Choice {
        encoding: best,
        why: Why::Detected {
            score: best_score,
            runner_up: ranked.iter().find(|(e, _)| *e != best).copied(),
        },
    }
}
