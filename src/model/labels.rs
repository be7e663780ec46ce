//! The words a planner reads for the model's values — layer names, statuses, position
//! precisions, drafting actions and the provenance line a drafting edit writes — in Vietnamese
//! and English, in one place. They are shared by the window, the exports, the reports and the
//! command line, so they live with the model, not in the UI; the window's own text (menus,
//! buttons, field labels) is `app::i18n`. The values as the file stores them (`as_str`,
//! `table`) stay beside their types in `mod.rs`: those are data, not words.

use super::{DraftAction, Layer, Precision, Status};
use crate::lang::Language;

impl Layer {
    pub fn name_vi(self) -> &'static str {
        match self {
            Layer::IndustrialZones => "Khu công nghiệp",
            Layer::IndustrialClusters => "Cụm công nghiệp",
            Layer::ProposedClusters => "Cụm công nghiệp dự kiến",
            Layer::CraftVillages => "Làng nghề",
            Layer::IndustrialCentres => "Trung tâm công nghiệp",
            Layer::ProtectedAreas => "Vùng bảo vệ",
            Layer::ResidentialAreas => "Khu dân cư",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Layer::IndustrialZones => "Industrial zones",
            Layer::IndustrialClusters => "Industrial clusters",
            Layer::ProposedClusters => "Proposed clusters",
            Layer::CraftVillages => "Craft villages",
            Layer::IndustrialCentres => "Industrial centres",
            Layer::ProtectedAreas => "Protected areas",
            Layer::ResidentialAreas => "Residential areas",
        }
    }

    /// The layer's name in `lang`.
    pub fn name(self, lang: Language) -> &'static str {
        match lang {
            Language::Vi => self.name_vi(),
            Language::En => self.name_en(),
        }
    }
}

impl Status {
    /// The status in the planner's language.
    pub fn label(self, lang: Language) -> &'static str {
        let vi = lang == Language::Vi;
        let t = |v: &'static str, e: &'static str| if vi { v } else { e };
        match self {
            Status::Established => t("đã thành lập", "established"),
            Status::Proposed => t("dự kiến", "proposed"),
            Status::Approved => t("đã phê duyệt", "approved"),
            Status::InOperation => t("đang hoạt động", "in operation"),
            Status::Unknown => t("không rõ", "unknown"),
        }
    }
}

impl Precision {
    /// The precision as the window and the exports name it, in `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        let vi = lang == Language::Vi;
        let t = |v: &'static str, e: &'static str| if vi { v } else { e };
        match self {
            Precision::Site => t("vị trí công trình", "site position"),
            Precision::CommuneCentre => t("tâm phường/xã", "ward/commune centre"),
            Precision::Approximate => t("gần đúng", "approximate"),
            Precision::NotLocated => t("chưa định vị", "not located"),
            Precision::Drafted => t("phác thảo của người lập", "drafted by a planner"),
            Precision::Unknown => t("không rõ", "unknown"),
        }
    }
}

impl DraftAction {
    /// The action as a planner says it, in `lang`.
    pub fn words(self, lang: Language) -> &'static str {
        match lang {
            Language::En => self.as_str(),
            Language::Vi => match self {
                DraftAction::Placed => "đặt",
                DraftAction::Drawn => "vẽ",
                DraftAction::Moved => "di chuyển",
                DraftAction::Reshaped => "sửa hình",
            },
        }
    }
}

/// The line a drafting edit adds to the notes to keep the earlier position's provenance.
pub const EARLIER_LOCATION: &str = "Earlier location";
/// [`EARLIER_LOCATION`] in Vietnamese.
pub const EARLIER_LOCATION_VI: &str = "Vị trí trước";

/// The line after "Earlier location:" in `lang`.
pub fn earlier_location(lang: Language) -> &'static str {
    match lang {
        Language::Vi => EARLIER_LOCATION_VI,
        Language::En => EARLIER_LOCATION,
    }
}

/// "ACTION by AUTHOR on DATE" (or its Vietnamese), the source a drafted position cites.
pub fn drafting_source(action: DraftAction, author: &str, date: &str, lang: Language) -> String {
    let vi = lang == Language::Vi;
    let author = author.trim();
    let author = match (author.is_empty(), vi) {
        (false, _) => author,
        (true, true) => "người lập chưa ghi tên",
        (true, false) => "an unnamed planner",
    };
    if vi {
        format!("{} bởi {author} ngày {date}", action.words(lang))
    } else {
        format!("{} by {author} on {date}", action.as_str())
    }
}
