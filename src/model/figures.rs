//! The figures of the 2007 report that the scenario engine starts from (production value,
//! growth, the extension programme), as data: each with its paragraph, unit and the value the
//! document gives. A project holds them in its GeoPackage table `document_figures`, where a
//! planner (or QGIS) can read and correct them; the engine reads them from the project.
//!
//! ```
//! use qn_planner::model::figures::{DocumentFigures, Figure};
//! let mut f = DocumentFigures::default();
//! // As the report gives it (¶4) until a planner corrects it.
//! assert_eq!(f.get(Figure::Output2006), 16_869.0);
//! assert!(!f.is_corrected(Figure::Output2006));
//! f.set(Figure::Output2006, 16_900.0);
//! assert!(f.is_corrected(Figure::Output2006));
//! // 2005 follows from 2006 and its growth: 16,900 / 1.2068.
//! assert!((f.output_2005() - 14_004.0).abs() < 1.0);
//! ```

use super::validate::{self, Refusal};
use crate::lang::Language;
use std::collections::BTreeMap;

/// One figure of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Figure {
    /// Industrial production value 2006, achieved (¶4).
    Output2006,
    /// Growth 2006 over 2005 (¶4).
    Growth2006,
    /// Production value 2007, target (¶10).
    Output2007Target,
    /// 2007 target growth of central (state) industry (¶10).
    SectorGrowth2007State,
    /// 2007 target growth of non-state industry (¶10).
    SectorGrowth2007NonState,
    /// 2007 target growth of foreign-invested industry (¶10).
    SectorGrowth2007Fdi,
    /// Extension projects carried out in 2006 (¶7).
    Extension2006Projects,
    /// Their total capital: "over 90 billion", a lower bound (¶7).
    Extension2006CapitalOver,
    /// Extension funds granted in 2006: 850 million VND (¶7).
    Extension2006Funds,
    /// Social capital drawn in per VND of extension funds, 2006 (¶7).
    Extension2006Leverage,
    /// 2007 plan: projects registered (¶8).
    Extension2007Projects,
    /// 2007 plan: support requested (¶8).
    Extension2007Funds,
    /// 2007 plan: investment to be drawn in (¶8).
    Extension2007SocialCapital,
}

/// The unit of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    BnVnd,
    Percent,
    Projects,
    /// VND of social capital per VND of funds.
    VndPerVnd,
}

impl Unit {
    pub fn text(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Unit::BnVnd, Language::Vi) => "tỉ đồng",
            (Unit::BnVnd, Language::En) => "bn VND",
            (Unit::Percent, _) => "%",
            (Unit::Projects, Language::Vi) => "dự án",
            (Unit::Projects, Language::En) => "projects",
            (Unit::VndPerVnd, Language::Vi) => "đồng/đồng",
            (Unit::VndPerVnd, Language::En) => "VND per VND",
        }
    }

    /// As stored in the `unit` column (Vietnamese, the file's language).
    pub fn stored(self) -> &'static str {
        self.text(Language::Vi)
    }
}

impl Figure {
    pub const ALL: [Figure; 13] = [
        Figure::Output2006,
        Figure::Growth2006,
        Figure::Output2007Target,
        Figure::SectorGrowth2007State,
        Figure::SectorGrowth2007NonState,
        Figure::SectorGrowth2007Fdi,
        Figure::Extension2006Projects,
        Figure::Extension2006CapitalOver,
        Figure::Extension2006Funds,
        Figure::Extension2006Leverage,
        Figure::Extension2007Projects,
        Figure::Extension2007Funds,
        Figure::Extension2007SocialCapital,
    ];

    /// The stable key of its row in `document_figures` (the same in every file).
    pub fn key(self) -> &'static str {
        match self {
            Figure::Output2006 => "output_2006",
            Figure::Growth2006 => "growth_2006",
            Figure::Output2007Target => "output_2007_target",
            Figure::SectorGrowth2007State => "sector_growth_2007_state",
            Figure::SectorGrowth2007NonState => "sector_growth_2007_non_state",
            Figure::SectorGrowth2007Fdi => "sector_growth_2007_fdi",
            Figure::Extension2006Projects => "extension_2006_projects",
            Figure::Extension2006CapitalOver => "extension_2006_capital_over",
            Figure::Extension2006Funds => "extension_2006_funds",
            Figure::Extension2006Leverage => "extension_2006_leverage",
            Figure::Extension2007Projects => "extension_2007_projects",
            Figure::Extension2007Funds => "extension_2007_funds",
            Figure::Extension2007SocialCapital => "extension_2007_social_capital",
        }
    }

    pub fn from_key(key: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The value as the report gives it.
    pub fn document_value(self) -> f64 {
        match self {
            Figure::Output2006 => 16_869.0,
            Figure::Growth2006 => 20.68,
            Figure::Output2007Target => 20_150.0,
            Figure::SectorGrowth2007State => 18.6,
            Figure::SectorGrowth2007NonState => 22.0,
            Figure::SectorGrowth2007Fdi => 21.9,
            Figure::Extension2006Projects => 30.0,
            Figure::Extension2006CapitalOver => 90.0,
            Figure::Extension2006Funds => 0.85,
            Figure::Extension2006Leverage => 109.4,
            Figure::Extension2007Projects => 79.0,
            Figure::Extension2007Funds => 6.029,
            Figure::Extension2007SocialCapital => 424.379,
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Figure::Output2006
            | Figure::Output2007Target
            | Figure::Extension2006CapitalOver
            | Figure::Extension2006Funds
            | Figure::Extension2007Funds
            | Figure::Extension2007SocialCapital => Unit::BnVnd,
            Figure::Growth2006
            | Figure::SectorGrowth2007State
            | Figure::SectorGrowth2007NonState
            | Figure::SectorGrowth2007Fdi => Unit::Percent,
            Figure::Extension2006Projects | Figure::Extension2007Projects => Unit::Projects,
            Figure::Extension2006Leverage => Unit::VndPerVnd,
        }
    }

    /// The paragraph of the report that gives it.
    pub fn paragraph(self) -> &'static str {
        match self {
            Figure::Output2006 | Figure::Growth2006 => "¶4",
            Figure::Output2007Target
            | Figure::SectorGrowth2007State
            | Figure::SectorGrowth2007NonState
            | Figure::SectorGrowth2007Fdi => "¶10",
            Figure::Extension2006Projects
            | Figure::Extension2006CapitalOver
            | Figure::Extension2006Funds
            | Figure::Extension2006Leverage => "¶7",
            Figure::Extension2007Projects
            | Figure::Extension2007Funds
            | Figure::Extension2007SocialCapital => "¶8",
        }
    }

    /// What it is, in `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        let (vi, en) = match self {
            Figure::Output2006 => (
                "Giá trị SXCN năm 2006 (đạt)",
                "Industrial output 2006 (achieved)",
            ),
            Figure::Growth2006 => ("Tăng trưởng 2006 so với 2005", "Growth 2006 over 2005"),
            Figure::Output2007Target => (
                "Giá trị SXCN năm 2007 (kế hoạch)",
                "Industrial output 2007 (target)",
            ),
            Figure::SectorGrowth2007State => (
                "Tăng trưởng 2007: công nghiệp trung ương",
                "2007 growth target: central (state) industry",
            ),
            Figure::SectorGrowth2007NonState => (
                "Tăng trưởng 2007: ngoài quốc doanh",
                "2007 growth target: non-state industry",
            ),
            Figure::SectorGrowth2007Fdi => (
                "Tăng trưởng 2007: có vốn đầu tư nước ngoài",
                "2007 growth target: foreign-invested industry",
            ),
            Figure::Extension2006Projects => (
                "Khuyến công 2006: số đề án",
                "Extension 2006: projects carried out",
            ),
            Figure::Extension2006CapitalOver => (
                "Khuyến công 2006: tổng vốn (trên)",
                "Extension 2006: total capital (over)",
            ),
            Figure::Extension2006Funds => (
                "Khuyến công 2006: kinh phí hỗ trợ",
                "Extension 2006: funds granted",
            ),
            Figure::Extension2006Leverage => (
                "Khuyến công 2006: vốn xã hội trên 1 đồng kinh phí",
                "Extension 2006: social capital per VND of funds",
            ),
            Figure::Extension2007Projects => (
                "Khuyến công 2007 (kế hoạch): số đề án đăng ký",
                "Extension 2007 plan: projects registered",
            ),
            Figure::Extension2007Funds => (
                "Khuyến công 2007 (kế hoạch): kinh phí đề nghị",
                "Extension 2007 plan: support requested",
            ),
            Figure::Extension2007SocialCapital => (
                "Khuyến công 2007 (kế hoạch): vốn thu hút",
                "Extension 2007 plan: investment to draw in",
            ),
        };
        match lang {
            Language::Vi => vi,
            Language::En => en,
        }
    }

    /// What the report says beside it, when the number alone would mislead (Vietnamese, as
    /// stored in the file).
    pub fn note(self) -> Option<&'static str> {
        match self {
            Figure::Extension2006CapitalOver => {
                Some("Báo cáo ghi “trên 90 tỉ đồng”: giới hạn dưới.")
            }
            Figure::Extension2006Funds => Some("Báo cáo ghi 850 triệu đồng (tỉnh và trung ương)."),
            Figure::Extension2007Funds | Figure::Extension2007SocialCapital => Some(
                "Kế hoạch tỉnh; kế hoạch khuyến công quốc gia 2007 riêng: 4 đề án, 350 triệu đồng.",
            ),
            _ => None,
        }
    }

    /// The value typed for this figure (a decimal comma is accepted), or why not.
    pub fn parse(self, text: &str) -> Result<f64, Refusal> {
        let v = match self.unit() {
            Unit::Projects => validate::parse_count(text)?.map(|n| n as f64),
            Unit::Percent => validate::parse_real(text)?,
            Unit::BnVnd | Unit::VndPerVnd => validate::parse_non_negative(text)?,
        }
        .ok_or(Refusal::Empty)?;
        if self.unit() == Unit::Percent && v <= -100.0 {
            return Err(Refusal::NotAbove(v, -100.0));
        }
        Ok(v)
    }

    /// Whether `v` is acceptable: finite; counts whole and not negative; amounts and the
    /// leverage not negative (growth rates may be).
    pub fn accepts(self, v: f64) -> bool {
        v.is_finite()
            && match self.unit() {
                Unit::Percent => v > -100.0,
                Unit::Projects => v >= 0.0 && v.fract() == 0.0,
                Unit::BnVnd | Unit::VndPerVnd => v >= 0.0,
            }
    }
}

/// The figures of one project: the report's values, with any correction a planner made.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentFigures {
    values: BTreeMap<Figure, f64>,
}

impl Default for DocumentFigures {
    /// The report's values.
    fn default() -> DocumentFigures {
        DocumentFigures {
            values: Figure::ALL
                .into_iter()
                .map(|f| (f, f.document_value()))
                .collect(),
        }
    }
}

impl DocumentFigures {
    pub fn get(&self, f: Figure) -> f64 {
        self.values
            .get(&f)
            .copied()
            .unwrap_or_else(|| f.document_value())
    }

    pub fn set(&mut self, f: Figure, v: f64) {
        self.values.insert(f, v);
    }

    /// Whether the project's value differs from the report's.
    pub fn is_corrected(&self, f: Figure) -> bool {
        self.get(f) != f.document_value()
    }

    /// Production value 2005, from 2006 and its growth.
    pub fn output_2005(&self) -> f64 {
        self.get(Figure::Output2006) / (1.0 + self.get(Figure::Growth2006) / 100.0)
    }

    /// The 2007 target growth by ownership: state, non-state, FDI.
    pub fn sector_growth_2007(&self) -> [f64; 3] {
        [
            self.get(Figure::SectorGrowth2007State),
            self.get(Figure::SectorGrowth2007NonState),
            self.get(Figure::SectorGrowth2007Fdi),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_round_trip() {
        let mut keys: Vec<&str> = Figure::ALL.iter().map(|f| f.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Figure::ALL.len());
        for f in Figure::ALL {
            assert_eq!(Figure::from_key(f.key()), Some(f));
            assert!(f.accepts(f.document_value()), "{f:?}");
        }
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(!Figure::Output2006.accepts(-1.0));
        assert!(!Figure::Output2006.accepts(f64::NAN));
        assert!(!Figure::Extension2007Projects.accepts(7.5));
        assert!(Figure::Growth2006.accepts(-3.0));
        assert!(!Figure::Growth2006.accepts(-100.0));
    }

    #[test]
    fn typed_values_parse_or_say_why() {
        assert_eq!(Figure::Extension2007Funds.parse("6,029"), Ok(6.029));
        assert_eq!(Figure::Growth2006.parse(" -3.5 "), Ok(-3.5));
        assert_eq!(Figure::Output2006.parse(""), Err(Refusal::Empty));
        assert_eq!(
            Figure::Output2006.parse("abc"),
            Err(Refusal::NotANumber("abc".into()))
        );
        assert_eq!(Figure::Output2006.parse("-5"), Err(Refusal::Negative(-5.0)));
        assert!(matches!(
            Figure::Extension2006Projects.parse("30,5"),
            Err(Refusal::NotAWholeNumber(_))
        ));
        assert_eq!(
            Figure::Growth2006.parse("-120"),
            Err(Refusal::NotAbove(-120.0, -100.0))
        );
        for f in Figure::ALL {
            let typed = f.document_value().to_string();
            assert_eq!(f.parse(&typed), Ok(f.document_value()), "{f:?}");
        }
    }
}
