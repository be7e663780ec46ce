//! Vietnam's zone and cluster rules as data: each rule has the check it drives, its figures,
//! the instrument and article, the period it is in force, its source and how sure we are.
//! Seeded from `maps/seed/rules.csv` (the team's RULES.md); the planner edits them.

use super::text::nfc;
use serde::{Deserialize, Serialize};

const RULES_CSV: &str = include_str!("../../maps/seed/rules.csv");

/// The check a rule drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// Area limits of an industrial cluster (CCN).
    CcnArea,
    /// Occupancy before a new or expanded CCN.
    CcnOccupancy,
    /// Occupancy before a new or expanded industrial zone (KCN).
    KcnOccupancy,
    /// Largest phase of a KCN.
    KcnPhaseSize,
    /// Width of the green strip around a KCN/CCN.
    GreenBuffer,
    /// Isolation distance to residential areas by pollution class.
    IsolationDistance,
    /// No overlap with a protected area.
    ProtectedOverlap,
}

impl CheckKind {
    /// The check's name in the planner's language.
    pub fn label(self, lang: crate::lang::Language) -> &'static str {
        let vi = lang == crate::lang::Language::Vi;
        let t = |v: &'static str, e: &'static str| if vi { v } else { e };
        match self {
            CheckKind::CcnArea => t("Quy mô cụm CN", "Cluster size"),
            CheckKind::CcnOccupancy => t(
                "Lấp đầy trước khi lập/mở rộng cụm",
                "Occupancy before a new cluster",
            ),
            CheckKind::KcnOccupancy => t(
                "Lấp đầy trước khi lập/mở rộng KCN",
                "Occupancy before a new zone",
            ),
            CheckKind::KcnPhaseSize => t("Phân kỳ KCN", "Zone phasing"),
            CheckKind::GreenBuffer => t("Dải cây xanh", "Green strip"),
            CheckKind::IsolationDistance => t("Khoảng cách ly", "Isolation distance"),
            CheckKind::ProtectedOverlap => t("Vùng bảo vệ", "Protected areas"),
        }
    }

    pub const ALL: [CheckKind; 7] = [
        CheckKind::CcnArea,
        CheckKind::CcnOccupancy,
        CheckKind::KcnOccupancy,
        CheckKind::KcnPhaseSize,
        CheckKind::GreenBuffer,
        CheckKind::IsolationDistance,
        CheckKind::ProtectedOverlap,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::CcnArea => "ccn_area",
            CheckKind::CcnOccupancy => "ccn_occupancy",
            CheckKind::KcnOccupancy => "kcn_occupancy",
            CheckKind::KcnPhaseSize => "kcn_phase_size",
            CheckKind::GreenBuffer => "green_buffer",
            CheckKind::IsolationDistance => "isolation_distance",
            CheckKind::ProtectedOverlap => "protected_overlap",
        }
    }

    pub fn parse(s: &str) -> Option<CheckKind> {
        CheckKind::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The figures of a rule; which ones matter depends on its check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ha: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ha: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ha_expansion: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ha_mountain_or_craft: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mountain_districts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_occupancy_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unleased_below_ha: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expansion_min_occupancy_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_phase_ha: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_buffer_m: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub class_distance_m: Vec<f64>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Row id in `rules` (0 before it is stored).
    pub id: i64,
    /// Stable key, e.g. `ccn_area_nd32_2024`; acceptances of a failed rule refer to it.
    pub key: String,
    pub check: CheckKind,
    pub params: RuleParams,
    pub instrument: String,
    pub article: String,
    /// First day in force, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last day in force (`None`: still in force).
    pub valid_to: Option<String>,
    pub source: String,
    /// ✔ read in the text, ~ secondary source, ✘ unconfirmed.
    pub confidence: String,
    pub enabled: bool,
    pub note: String,
}

impl Rule {
    /// Whether the rule is in force on `date` (`YYYY-MM-DD`, compared as text).
    pub fn in_force_on(&self, date: &str) -> bool {
        self.valid_from.as_str() <= date && self.valid_to.as_deref().is_none_or(|to| date <= to)
    }

    /// "NĐ 32/2024/NĐ-CP, khoản 1 Điều 2 (✔)".
    pub fn citation(&self) -> String {
        let mut c = self.instrument.clone();
        if !self.article.is_empty() {
            c.push_str(", ");
            c.push_str(&self.article);
        }
        format!("{c} ({})", self.confidence)
    }

    /// Checks the figures a planner can edit; an empty list means the rule may be stored.
    /// Each reason in English (for the command line) and in Vietnamese.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let p = &self.params;
        let k = &self.key;
        for (name, v) in [
            ("min_ha", p.min_ha),
            ("max_ha", p.max_ha),
            ("max_ha_expansion", p.max_ha_expansion),
            ("min_ha_mountain_or_craft", p.min_ha_mountain_or_craft),
            ("unleased_below_ha", p.unleased_below_ha),
            ("max_phase_ha", p.max_phase_ha),
            ("min_buffer_m", p.min_buffer_m),
        ] {
            if let Some(v) = v
                && (!v.is_finite() || v < 0.0)
            {
                out.push((
                    format!("{k}: {name} {v} must be 0 or more"),
                    format!("{k}: {name} {v} phải từ 0 trở lên"),
                ));
            }
        }
        for (name, v) in [
            ("min_occupancy_pct", p.min_occupancy_pct),
            ("expansion_min_occupancy_pct", p.expansion_min_occupancy_pct),
        ] {
            if let Some(v) = v
                && (!v.is_finite() || !(0.0..=100.0).contains(&v))
            {
                out.push((
                    format!("{k}: {name} {v} must be 0–100 %"),
                    format!("{k}: {name} {v} phải trong khoảng 0–100 %"),
                ));
            }
        }
        if let (Some(a), Some(b)) = (p.min_ha, p.max_ha)
            && a > b
        {
            out.push((
                format!("{k}: minimum {a} ha is above maximum {b} ha"),
                format!("{k}: tối thiểu {a} ha lớn hơn tối đa {b} ha"),
            ));
        }
        if p.class_distance_m
            .iter()
            .any(|d| !d.is_finite() || *d < 0.0)
        {
            out.push((
                format!("{k}: distances must be 0 or more"),
                format!("{k}: khoảng cách phải từ 0 trở lên"),
            ));
        }
        let date_ok = |d: &str| matches!(super::validate::parse_date(d), Ok(Some(_)));
        if !date_ok(&self.valid_from) {
            out.push((
                format!("{k}: valid_from '{}' is not YYYY-MM-DD", self.valid_from),
                format!(
                    "{k}: ngày hiệu lực «{}» không phải dạng NNNN-TT-NN",
                    self.valid_from
                ),
            ));
        }
        if let Some(to) = &self.valid_to
            && (!date_ok(to) || to.as_str() < self.valid_from.as_str())
        {
            out.push((
                format!("{k}: valid_to '{to}' is not a date after valid_from"),
                format!("{k}: ngày hết hiệu lực «{to}» phải là ngày sau ngày hiệu lực"),
            ));
        }
        if self.key.trim().is_empty() {
            out.push(("a rule needs a key".into(), "quy định cần có mã".into()));
        }
        out
    }
}

/// The rules built into the binary.
pub fn seed_rules() -> Result<Vec<Rule>, String> {
    let mut r = csv::Reader::from_reader(RULES_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("rules.csv line {line}: {e}"))?;
        let f = |k: usize| nfc(rec.get(k).unwrap_or_default().trim());
        let check = CheckKind::parse(&f(1))
            .ok_or_else(|| format!("rules.csv line {line}: unknown check '{}'", f(1)))?;
        let params: RuleParams = serde_json::from_str(&f(2))
            .map_err(|e| format!("rules.csv line {line}: params: {e}"))?;
        let to = f(6);
        out.push(Rule {
            id: 0,
            key: f(0),
            check,
            params,
            instrument: f(3),
            article: f(4),
            valid_from: f(5),
            valid_to: (!to.is_empty()).then_some(to),
            source: f(7),
            confidence: f(8),
            enabled: true,
            note: f(9),
        });
    }
    for rule in &out {
        let errs = rule.validate();
        if !errs.is_empty() {
            return Err(errs
                .into_iter()
                .map(|(en, _)| en)
                .collect::<Vec<_>>()
                .join("; "));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_rules_are_valid_and_dated() {
        let rules = seed_rules().unwrap();
        assert_eq!(rules.len(), 12);
        let nd32 = rules
            .iter()
            .find(|r| r.key == "ccn_area_nd32_2024")
            .unwrap();
        assert!(nd32.in_force_on("2025-01-01") && !nd32.in_force_on("2024-04-30"));
        assert_eq!(nd32.citation(), "NĐ 32/2024/NĐ-CP, khoản 1 Điều 2 (✔)");
        let qd105 = rules
            .iter()
            .find(|r| r.key == "ccn_area_qd105_2009")
            .unwrap();
        assert!(qd105.in_force_on("2012-12-31") && !qd105.in_force_on("2009-01-01"));
        assert_eq!(qd105.params.max_ha_expansion, Some(75.0));
    }
}
