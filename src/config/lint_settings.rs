//! site.yaml's `lint:` as written, and the rule shape it shares with the built-in
//! `claims.yaml`. The lint module compiles them (`lint::Rules::new`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// What a rule's findings are: nothing, warnings (the default) or errors that fail the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Findings are not reported.
    Off,
    /// Findings are reported; the build goes on.
    Warning,
    /// Findings are reported and the build fails.
    Error,
}

/// `lint:` in site.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSettings {
    /// A rule id (`claims/painless`) or a whole group (`claims`, `content`) -> its level.
    #[serde(default)]
    pub levels: BTreeMap<String, Level>,
    /// The site's own claim rules, in the shape of `claims.yaml`.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// One rule as written in `claims.yaml` or in site.yaml's `lint.rules`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// `claims/NAME`, the name `lint.levels` and a page's `allow:` use.
    pub id: String,
    /// A regular expression of the words the rule finds (whole words, any case).
    pub pattern: String,
    /// Finishes the sentence that starts with the phrase found.
    pub message: String,
    /// Why it matters, for the clinic's staff.
    pub why: String,
    /// What to write instead.
    pub fix: String,
    /// The regulation or guidance behind the rule.
    #[serde(default)]
    pub source: Option<String>,
    /// When the rule does not apply to a site (`unless: credentials`).
    #[serde(default)]
    pub unless: Option<Unless>,
    /// A pattern for honest uses of the rule's words: a match it overlaps is dropped
    /// (`semi-permanent`, `permanent makeup`).
    #[serde(default)]
    pub except: Option<String>,
}

/// When a rule does not apply to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unless {
    /// The site lists `clinic.credentials`, so credential words have something behind them.
    Credentials,
}
