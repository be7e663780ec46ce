//! The language a planner works in: the bottom layer, used by the domain (labels, messages,
//! texts written into the file) and the window alike. It touches nothing: where the choice is
//! remembered is `settings`.

use serde::{Deserialize, Serialize};

/// Vietnamese (the department's language, the default) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Language {
    #[default]
    Vi,
    En,
}
