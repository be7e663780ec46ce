//! Choosing sites by their values, as QGIS's "Select by value" does: a field, an operator and
//! a value, and what to do with the selection there is (replace it, add to it, take from it,
//! or keep only what matches within it). Text compares without regard to case; "contains"
//! and "starts with" also without regard to diacritics, as the locator does.

use super::style::{SITE_FIELDS, Value, site_value};
use super::text::{fold, nfc};
use super::validate::parse_real;
use super::{Layer, Site};
use std::collections::BTreeSet;

/// How a field is compared with the value typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    StartsWith,
    IsEmpty,
    IsNotEmpty,
}

impl Op {
    pub const ALL: [Op; 10] = [
        Op::Eq,
        Op::Ne,
        Op::Lt,
        Op::Le,
        Op::Gt,
        Op::Ge,
        Op::Contains,
        Op::StartsWith,
        Op::IsEmpty,
        Op::IsNotEmpty,
    ];

    /// The operator as written in an expression (`=`, `<>`, `LIKE '%…%'` said in words).
    pub fn symbol(self, lang: crate::lang::Language) -> &'static str {
        let vi = lang == crate::lang::Language::Vi;
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains if vi => "chứa",
            Op::Contains => "contains",
            Op::StartsWith if vi => "bắt đầu bằng",
            Op::StartsWith => "starts with",
            Op::IsEmpty if vi => "để trống",
            Op::IsEmpty => "is empty",
            Op::IsNotEmpty if vi => "có giá trị",
            Op::IsNotEmpty => "is not empty",
        }
    }

    /// Whether the operator takes a value.
    pub fn takes_value(self) -> bool {
        !matches!(self, Op::IsEmpty | Op::IsNotEmpty)
    }
}

/// What a new choice does with the sites already selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Replace,
    Add,
    Remove,
    Within,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Replace, Mode::Add, Mode::Remove, Mode::Within];

    pub fn name(self, lang: crate::lang::Language) -> &'static str {
        let vi = lang == crate::lang::Language::Vi;
        match (self, vi) {
            (Mode::Replace, true) => "Chọn mới",
            (Mode::Replace, false) => "New selection",
            (Mode::Add, true) => "Thêm vào vùng chọn",
            (Mode::Add, false) => "Add to selection",
            (Mode::Remove, true) => "Bỏ khỏi vùng chọn",
            (Mode::Remove, false) => "Remove from selection",
            (Mode::Within, true) => "Lọc trong vùng chọn",
            (Mode::Within, false) => "Select within selection",
        }
    }

    /// The selection after `found` (the sites that match) is applied to `current`.
    pub fn combine(
        self,
        current: &BTreeSet<(Layer, i64)>,
        found: &BTreeSet<(Layer, i64)>,
    ) -> BTreeSet<(Layer, i64)> {
        match self {
            Mode::Replace => found.clone(),
            Mode::Add => current.union(found).copied().collect(),
            Mode::Remove => current.difference(found).copied().collect(),
            Mode::Within => current.intersection(found).copied().collect(),
        }
    }
}

/// A condition on one field of a site.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: String,
    pub op: Op,
    pub value: String,
}

/// Why a condition cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ConditionError {
    /// No such field.
    UnknownField(String),
    /// A numeric field compared with text that is no number.
    NotANumber(String),
    /// An order (<, >) on a text field.
    NoOrder(String),
}

impl ConditionError {
    pub fn text(&self, lang: crate::lang::Language) -> String {
        let vi = lang == crate::lang::Language::Vi;
        match (self, vi) {
            (ConditionError::UnknownField(f), true) => format!("Không có trường “{f}”"),
            (ConditionError::UnknownField(f), false) => format!("There is no field “{f}”"),
            (ConditionError::NotANumber(v), true) => {
                format!("“{v}” không phải là số (trường này là số)")
            }
            (ConditionError::NotANumber(v), false) => {
                format!("“{v}” is not a number (this field holds numbers)")
            }
            (ConditionError::NoOrder(f), true) => {
                format!("Trường chữ “{f}” chỉ so sánh được bằng =, <>, chứa, bắt đầu bằng")
            }
            (ConditionError::NoOrder(f), false) => {
                format!("Text field “{f}” compares with =, <>, contains, starts with only")
            }
        }
    }
}

/// A condition checked once, ready to test many sites.
pub struct Matcher {
    field: &'static str,
    op: Op,
    number: Option<f64>,
    /// The value in lower case (NFC), and folded (no diacritics).
    lower: String,
    folded: String,
}

impl Condition {
    /// Checks the condition against the fields sites have.
    pub fn matcher(&self) -> Result<Matcher, ConditionError> {
        let Some(&(field, numeric)) = SITE_FIELDS.iter().find(|(f, _)| *f == self.field) else {
            return Err(ConditionError::UnknownField(self.field.clone()));
        };
        let number = if numeric && self.op.takes_value() && self.op != Op::Contains {
            match parse_real(&self.value) {
                Ok(Some(v)) => Some(v),
                _ => return Err(ConditionError::NotANumber(self.value.clone())),
            }
        } else {
            None
        };
        if !numeric && matches!(self.op, Op::Lt | Op::Le | Op::Gt | Op::Ge) {
            return Err(ConditionError::NoOrder(self.field.clone()));
        }
        let value = nfc(self.value.trim());
        Ok(Matcher {
            field,
            op: self.op,
            number,
            lower: value.to_lowercase(),
            folded: fold(&value),
        })
    }
}

impl Matcher {
    pub fn matches(&self, s: &Site) -> bool {
        let v = site_value(s, self.field);
        match self.op {
            Op::IsEmpty => return v == Value::Null,
            Op::IsNotEmpty => return v != Value::Null,
            _ => {}
        }
        match (v, self.number) {
            (Value::Null, _) => false,
            (Value::Num(x), Some(n)) => match self.op {
                Op::Eq => x == n,
                Op::Ne => x != n,
                Op::Lt => x < n,
                Op::Le => x <= n,
                Op::Gt => x > n,
                Op::Ge => x >= n,
                _ => false,
            },
            (Value::Num(x), None) => {
                // "contains" on a number: on its digits as written.
                self.op == Op::Contains && format!("{x}").contains(&self.lower)
            }
            (Value::Text(t), _) => match self.op {
                Op::Eq => t.to_lowercase() == self.lower,
                Op::Ne => t.to_lowercase() != self.lower,
                Op::Contains => fold(&t).contains(&self.folded),
                Op::StartsWith => fold(&t).starts_with(&self.folded),
                _ => false,
            },
        }
    }
}

/// The sites of `layers` (all when empty) that meet `condition`.
pub fn select<'a>(
    sites: impl Iterator<Item = &'a Site>,
    layers: &[Layer],
    condition: &Condition,
) -> Result<BTreeSet<(Layer, i64)>, ConditionError> {
    let m = condition.matcher()?;
    Ok(sites
        .filter(|s| layers.is_empty() || layers.contains(&s.layer))
        .filter(|s| m.matches(s))
        .map(|s| (s.layer, s.fid))
        .collect())
}

/// The total area (ha) of the sites that have one, and how many have none.
pub fn total_area_ha<'a>(sites: impl Iterator<Item = &'a Site>) -> (f64, usize) {
    let mut total = 0.0;
    let mut without = 0;
    for s in sites {
        match s.area_ha {
            Some(a) if a.is_finite() => total += a,
            _ => without += 1,
        }
    }
    (total, without)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn site(fid: i64, name: &str, district: &str, jobs: Option<i64>) -> Site {
        let mut s = Site::new(Layer::ProposedClusters, name, Status::Proposed);
        s.fid = fid;
        s.district_2006 = district.into();
        s.jobs = jobs;
        s
    }

    fn cond(field: &str, op: Op, value: &str) -> Condition {
        Condition {
            field: field.into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn conditions_select_as_a_planner_reads_them() {
        let sites = [
            site(1, "CCN Hà Khánh", "Hạ Long", Some(1200)),
            site(2, "CCN Đông Mai", "Yên Hưng", Some(300)),
            site(3, "CCN Kim Sơn", "Đông Triều", None),
        ];
        let got = |c: &Condition| {
            select(sites.iter(), &[], c)
                .unwrap()
                .into_iter()
                .map(|(_, f)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(got(&cond("jobs", Op::Gt, "1000")), [1]);
        assert_eq!(got(&cond("jobs", Op::Le, "1200,0")), [1, 2]);
        assert_eq!(got(&cond("jobs", Op::IsEmpty, "")), [3]);
        // Text: "=" without regard to case; "contains" without diacritics too.
        assert_eq!(got(&cond("district_2006", Op::Eq, "hạ long")), [1]);
        assert_eq!(got(&cond("name", Op::Contains, "dong")), [2]);
        assert_eq!(got(&cond("name", Op::StartsWith, "ccn k")), [3]);
        assert_eq!(got(&cond("district_2006", Op::Ne, "Hạ Long")), [2, 3]);
        // Mistakes are said, not guessed.
        assert_eq!(
            cond("jobs", Op::Gt, "nhiều").matcher().err(),
            Some(ConditionError::NotANumber("nhiều".into()))
        );
        assert!(matches!(
            cond("name", Op::Lt, "b").matcher().err(),
            Some(ConditionError::NoOrder(_))
        ));
        assert!(matches!(
            cond("owner", Op::Eq, "x").matcher().err(),
            Some(ConditionError::UnknownField(_))
        ));
    }

    #[test]
    fn modes_combine_with_the_selection_there_is() {
        let k = |f: i64| (Layer::ProposedClusters, f);
        let current: BTreeSet<_> = [k(1), k(2)].into();
        let found: BTreeSet<_> = [k(2), k(3)].into();
        assert_eq!(Mode::Replace.combine(&current, &found), found);
        assert_eq!(
            Mode::Add.combine(&current, &found),
            [k(1), k(2), k(3)].into()
        );
        assert_eq!(Mode::Remove.combine(&current, &found), [k(1)].into());
        assert_eq!(Mode::Within.combine(&current, &found), [k(2)].into());
    }

    #[test]
    fn total_area_counts_what_has_none() {
        let mut a = site(1, "a", "", None);
        a.area_ha = Some(12.5);
        let b = site(2, "b", "", None);
        let mut c = site(3, "c", "", None);
        c.area_ha = Some(7.5);
        assert_eq!(total_area_ha([a, b, c].iter()), (20.0, 1));
    }
}
