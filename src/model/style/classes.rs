//! Classifying sites for a style: which category or class each site falls in, the categories
//! of a field's values, the breaks of a graduated style (equal interval, quantile, natural
//! breaks) and its colour ramp.

use super::*;

/// [`LayerStyle::class_of`] for many features: each distinct text is classified once.
pub struct Classifier<'a> {
    style: &'a LayerStyle,
    memo: std::collections::HashMap<String, Option<usize>>,
}

impl<'a> Classifier<'a> {
    pub fn new(style: &'a LayerStyle) -> Classifier<'a> {
        Classifier {
            style,
            memo: std::collections::HashMap::new(),
        }
    }

    pub fn class(&mut self, v: &Value) -> Option<usize> {
        match v {
            Value::Text(t) => {
                if let Some(c) = self.memo.get(t.as_str()) {
                    return *c;
                }
                let c = self.style.class_of(v);
                self.memo.insert(t.clone(), c);
                c
            }
            other => self.style.class_of(other),
        }
    }
}

/// The symbol of each feature, by fid (dense fids in a vector, others in a map).
#[derive(Default)]
pub struct FidClasses {
    dense: Vec<u16>,
    sparse: std::collections::HashMap<i64, u16>,
}

impl FidClasses {
    const NONE: u16 = u16::MAX;

    pub fn set(&mut self, fid: i64, class: Option<usize>) {
        let c = class.map_or(Self::NONE, |c| c.min(usize::from(Self::NONE) - 1) as u16);
        match usize::try_from(fid) {
            Ok(i) if i < 10_000_000 => {
                if self.dense.len() <= i {
                    self.dense.resize(i + 1, Self::NONE);
                }
                self.dense[i] = c;
            }
            _ => {
                self.sparse.insert(fid, c);
            }
        }
    }

    pub fn get(&self, fid: i64) -> Option<usize> {
        let c = usize::try_from(fid)
            .ok()
            .and_then(|i| self.dense.get(i).copied())
            .or_else(|| self.sparse.get(&fid).copied())
            .unwrap_or(Self::NONE);
        (c != Self::NONE).then_some(usize::from(c))
    }
}

pub(super) static FALLBACK: Symbol = Symbol {
    fill: OTHER_COLOUR,
    opacity: 0.3,
    brush: Brush::Solid,
    outline: [0x9e, 0x9e, 0x9e, 255],
    outline_mm: 0.4,
    dash: Dash::Solid,
    shape: Shape::Circle,
    size_mm: 3.0,
};

/// Categories for each distinct value of `values` (sorted, at most 60), coloured in turn from
/// [`CATEGORY_COLOURS`] on `base`, and "all other values" in grey.
pub fn categorise(field: &str, values: &[Value], base: &Symbol) -> Renderer {
    let mut keys: Vec<String> = values.iter().filter_map(Value::key).collect();
    keys.sort();
    keys.dedup();
    keys.truncate(60);
    let categories = keys
        .into_iter()
        .enumerate()
        .map(|(i, k)| Category {
            label: k.clone(),
            value: k,
            symbol: base.with_colour(CATEGORY_COLOURS[i % CATEGORY_COLOURS.len()]),
            shown: true,
        })
        .collect();
    Renderer::Categorised {
        field: field.to_string(),
        categories,
        other: Some(Category {
            value: String::new(),
            label: "all other values".into(),
            symbol: base.with_colour(OTHER_COLOUR),
            shown: true,
        }),
    }
}

/// The class breaks of `values` (n + 1 of them, first the least, last the greatest): equal
/// intervals, or quantiles as QGIS cuts them (linear between the sorted values). Empty when
/// there is no finite value.
pub fn breaks(values: &[f64], n: usize, method: Method) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || n == 0 {
        return Vec::new();
    }
    v.sort_by(f64::total_cmp);
    let (lo, hi) = (v[0], v[v.len() - 1]);
    let mut b = vec![lo];
    for i in 1..n {
        let q = i as f64 / n as f64;
        b.push(match method {
            Method::EqualInterval => lo + (hi - lo) * q,
            Method::Quantile => {
                let a = q * (v.len() - 1) as f64;
                let k = a.floor() as usize;
                let t = a - k as f64;
                if k + 1 < v.len() {
                    (1.0 - t) * v[k] + t * v[k + 1]
                } else {
                    v[k]
                }
            }
        });
    }
    b.push(hi);
    b
}

/// The colour at `t` (0–1) along the ramp.
pub fn ramp_at(ramp: [[u8; 3]; 2], t: f64) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    [
        mix(ramp[0][0], ramp[1][0]),
        mix(ramp[0][1], ramp[1][1]),
        mix(ramp[0][2], ramp[1][2]),
    ]
}

/// A graduated renderer of `values` in `n` classes coloured along `ramp`.
pub fn graduate(
    field: &str,
    values: &[f64],
    n: usize,
    method: Method,
    ramp: [[u8; 3]; 2],
    base: &Symbol,
) -> Renderer {
    let b = breaks(values, n, method);
    let k = b.len().saturating_sub(1);
    let classes = (0..k)
        .map(|i| Class {
            lower: b[i],
            upper: b[i + 1],
            label: format!("{} – {}", short(b[i]), short(b[i + 1])),
            symbol: base.with_colour(ramp_at(
                ramp,
                if k > 1 {
                    i as f64 / (k - 1) as f64
                } else {
                    0.0
                },
            )),
            shown: true,
        })
        .collect();
    Renderer::Graduated {
        field: field.to_string(),
        method,
        ramp,
        classes,
    }
}

/// A class bound as a legend shows it: at most four significant decimals, no trailing zeros.
pub(super) fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}
