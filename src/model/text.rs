//! Vietnamese text: NFC normalisation and accent-insensitive matching.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The NFC form of `s`: every name stored or shown goes through this.
pub fn nfc(s: &str) -> String {
    // Most text is already NFC (and much is ASCII): check quickly before recomposing.
    if s.is_ascii()
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return s.to_string();
    }
    s.nfc().collect()
}

/// Folds `s` for search: lower case, no diacritics, đ → d, runs of spaces and dashes collapsed.
///
/// ```
/// use qn_planner::model::text::fold;
/// assert_eq!(fold("Hải Hòa"), "hai hoa");
/// assert_eq!(fold("ĐÔNG  Triều"), "dong trieu");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() || c == '-' || c == '–' || c == '_' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        for l in c.to_lowercase() {
            out.push(l);
        }
        last_space = false;
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Whether `haystack` matches the search `query`, ignoring case and diacritics.
/// A query with diacritics matches only names with the same diacritics.
pub fn matches(haystack: &str, query: &str) -> bool {
    let q = query.trim();
    if q.is_empty() {
        return false;
    }
    let folded_q = fold(q);
    if folded_q == q.to_lowercase() {
        fold(haystack).contains(&folded_q)
    } else {
        nfc(haystack)
            .to_lowercase()
            .contains(&nfc(q).to_lowercase())
    }
}

/// Rank of a match for ordering results: 0 for a prefix match, 1 for a word start, 2 otherwise.
pub fn match_rank(haystack: &str, query: &str) -> u8 {
    let h = fold(haystack);
    let q = fold(query);
    if h.starts_with(&q) {
        0
    } else if h.contains(&format!(" {q}")) {
        1
    } else {
        2
    }
}

/// A coordinate for a message: plain for ordinary values, in scientific notation with a few
/// digits when huge or tiny (1e308 is "1e308", not 309 digits).
pub fn fmt_coord(v: f64) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-6..1e9).contains(&a) {
        let s = format!("{v:.3e}");
        // 1.000e308 → 1e308
        match s.split_once('e') {
            Some((m, e)) => {
                let m = m.trim_end_matches('0').trim_end_matches('.');
                format!("{m}e{e}")
            }
            None => s,
        }
    } else {
        let s = format!("{v:.9}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_without_diacritics_finds_vietnamese_names() {
        assert!(matches("Hải Hòa", "hai hoa"));
        assert!(matches("Hải Hòa", "HAI HOA"));
        assert!(matches("Đông Mai", "dong mai"));
        assert!(matches("Hưng Học – Nam Hòa", "hung hoc nam hoa"));
        assert!(matches("Quảng Thành", "thanh"));
        assert!(!matches("Hải Hòa", "hai yen"));
        assert!(!matches("Hải Hòa", "  "));
    }

    #[test]
    fn search_with_diacritics_is_exact_about_them() {
        assert!(matches("Hải Hòa", "Hải Hòa"));
        assert!(matches("Hải Hòa", "hải"));
        // "Hà" is not "Hải".
        assert!(!matches("Hải Hòa", "Hà"));
        // The decomposed form of the query still matches (NFC on both sides).
        assert!(matches("Hải Hòa", "Ha\u{309}i"));
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(nfc("Qua\u{309}ng"), "Quảng");
    }

    #[test]
    fn ranks_prefixes_first() {
        assert_eq!(match_rank("Hải Yên", "hai"), 0);
        assert_eq!(match_rank("Cụm Hải Yên", "hai"), 1);
        assert_eq!(match_rank("Khải", "hai"), 2);
    }
}

/// One CSV record (RFC 4180 quoting where needed, by the `csv` crate), ending in a newline.
pub fn csv_row<I, S>(fields: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a field that is not UTF-8 cannot come from a &str.
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod csv_tests {
    #[test]
    fn fields_are_quoted_only_where_needed() {
        assert_eq!(
            super::csv_row(["Hải Hòa", "a,b", "say \"x\"", ""]),
            "Hải Hòa,\"a,b\",\"say \"\"x\"\"\",\n"
        );
    }
}
