//! Content rules (issue 5): the honest-advertising lint (`claims/*`, its patterns kept as
//! data in `claims.yaml`) and content validation (`content/*`: descriptions, alt text,
//! anchors, links to files, phone numbers, what session pages show). Every finding names
//! its rule, which site.yaml can switch off or make an error (`lint.levels`) and a page
//! can allow with a written reason (`allow:`). Pure: a parsed site in, diagnostics out.
//! The page-by-page part ([`Rules::page`]: claims, alt text, descriptions) runs where the
//! page's Markdown is rendered, on the outline that pass gathers, and is kept with the
//! body; [`check`] then adds what needs the whole site (anchors, links, sessions).

mod aftercare;
mod claims;
mod content;
mod fields;
mod placeholder;
mod world;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

pub use crate::config::{Level, LintSettings as Settings, RuleSpec, Unless};
pub(crate) use content::{Field, markdown_fields};

use crate::config::{Config, FILE_NAME};
use crate::error::{Diagnostic, Severity};
use crate::markdown::{Anchors, LinkRef, Outline};
use crate::site::{Doc, PageId, Site};
use crate::theme::Theme;
use crate::yaml;

/// The rules in effect for one site, compiled once when site.yaml is read.
#[derive(Debug, Clone)]
pub struct Rules {
    matcher: claims::Matcher,
    /// Every known rule id and its level.
    levels: BTreeMap<String, Level>,
}

/// Every built-in rule id: the claims of `claims.yaml`, then the content checks.
pub fn builtin_rule_ids() -> Vec<String> {
    let claims = claims::builtin().into_iter().map(|r| r.id);
    claims.chain(content::RULES.iter().map(|r| r.id.to_string())).collect()
}

impl Rules {
    /// The built-in rules with site.yaml's `lint:` applied. `credentials`: the site lists
    /// `clinic.credentials`. Errors point into `site_yaml`.
    pub fn new(settings: &Settings, credentials: bool, site_yaml: &str) -> Result<Rules, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        // Built-in patterns are checked by unit tests; only the site's are compiled one by
        // one here, to point at the one that is wrong.
        let mut specs: Vec<RuleSpec> = claims::builtin();
        let mut levels: BTreeMap<String, Level> = specs.iter().map(|s| (s.id.clone(), Level::Warning)).collect();
        levels.extend(content::RULES.iter().map(|r| {
            let level = if content::ERRORS_BY_DEFAULT.contains(&r.id) { Level::Error } else { Level::Warning };
            (r.id.to_string(), level)
        }));
        for spec in site_rules(settings, &levels, site_yaml, &mut problems) {
            levels.insert(spec.id.clone(), Level::Warning);
            specs.push(spec);
        }
        set_levels(settings, &mut levels, site_yaml, &mut problems);
        if credentials {
            for spec in &specs {
                if spec.unless == Some(Unless::Credentials) {
                    levels.insert(spec.id.clone(), Level::Off);
                }
            }
        }
        specs.retain(|spec| levels.get(&spec.id) != Some(&Level::Off));
        let matcher = claims::Matcher::new(specs).map_err(|e| {
            vec![
                Diagnostic::error(FILE_NAME, 0, 0, format!("the `lint.rules` patterns are too large together: {e}"))
                    .with_help("make the patterns simpler, or split a long list of words into fewer rules"),
            ]
        });
        match matcher {
            Ok(matcher) if problems.is_empty() => Ok(Rules { matcher, levels }),
            Ok(_) => Err(problems),
            Err(more) => Err(problems.into_iter().chain(more).collect()),
        }
    }

    /// The `photo/gps` finding on a source photo that records where it was taken, at its
    /// level (None when site.yaml switched it off).
    pub fn photo_gps(&self, source: &std::path::Path) -> Option<Diagnostic> {
        let d = Diagnostic::warning(source, 0, 0, "this photo records the GPS position where it was taken")
            .with_help("the published copy has no position, but do not share this file as it is: remove the position from it, e.g. with `exiftool -gps:all= PHOTO.jpg` (or in the phone's photo app: Info, Adjust location, No location); to stop phones recording it, turn off location for the camera");
        self.leveled(content::with_rule(d, content::PHOTO_GPS))
    }

    fn level(&self, rule: &str) -> Level {
        self.levels.get(rule).copied().unwrap_or(Level::Warning)
    }

    /// `finding` with its rule's level applied (errors without a rule pass as they are);
    /// None when the rule is off.
    fn leveled(&self, mut finding: Diagnostic) -> Option<Diagnostic> {
        if let Some(rule) = finding.rule_id() {
            finding.severity = match self.level(rule) {
                Level::Off => return None,
                Level::Warning => Severity::Warning,
                Level::Error => Severity::Error,
            };
        }
        Some(finding)
    }

    /// A page's findings with levels and the page's `allow:` applied: an allowed finding
    /// becomes a note carrying the reason; an `allow` naming no rule is an error, one
    /// that allows nothing a warning.
    fn settle(&self, doc: &Doc, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let allows = &doc.meta.fm.allow;
        let mut used = vec![false; allows.len()];
        let mut out = Vec::with_capacity(findings.len());
        for mut finding in findings.into_iter().filter_map(|f| self.leveled(f)) {
            let quoted = claims::quoted(&finding.message).map(normalise);
            let covers = |a: &crate::front_matter::Allow| {
                a.phrase.as_deref().is_none_or(|p| quoted.as_deref() == Some(normalise(p).as_str()))
            };
            let allowed = finding.rule_id().and_then(|rule| allows.iter().position(|a| a.rule == rule && covers(a)));
            if let (Some(i), Some(rule)) = (allowed, finding.rule.as_mut()) {
                used[i] = true;
                rule.allowed = Some(allows[i].reason.trim().to_string());
                finding.severity = Severity::Note;
            }
            out.push(finding);
        }
        for (i, allow) in allows.iter().enumerate() {
            let (line, col) = doc.entry_position("allow", i, &["rule"]);
            let at = |d: Diagnostic| d.with_len("rule".len()).with_source(doc.text());
            if !self.levels.contains_key(&allow.rule) {
                let known: Vec<String> = self.levels.keys().cloned().collect();
                let hint =
                    yaml::closest(&allow.rule, &known).map(|b| format!("did you mean `{b}`? ")).unwrap_or_default();
                out.push(at(Diagnostic::error(
                    doc.display_path(),
                    line,
                    col,
                    format!("`allow` names no rule `{}`", allow.rule),
                )
                .with_help(format!(
                    "{hint}Use the id `smpsite check` shows in brackets, e.g. warning[claims/permanent]."
                ))));
            } else if !used[i] {
                let what = match &allow.phrase {
                    Some(phrase) => format!("`{}` with “{phrase}”", allow.rule),
                    None => format!("`{}`", allow.rule),
                };
                let d = Diagnostic::warning(
                    doc.display_path(),
                    line,
                    col,
                    format!("nothing on this page trips {what}, so allowing it has no effect"),
                )
                .with_help("remove this `allow` entry, so the rule applies again if the page changes");
                out.extend(self.leveled(content::with_rule(at(d), content::UNUSED_ALLOW)));
            }
        }
        out
    }

    /// What the checks find in one page by itself, from the outline its rendering
    /// gathered; `country` completes national phone numbers.
    /// `fields` are the front-matter texts of [`markdown_fields`], as rendered.
    pub(crate) fn page(&self, doc: &Doc, outline: Outline, fields: &[Field<'_>], country: Option<&str>) -> PageFacts {
        if doc.implicit {
            // A folder's list page the build made: nothing the user wrote to check.
            return PageFacts::default();
        }
        let mut local = self.matcher.page(doc, &outline);
        local.extend(content::page(doc, &outline, fields, country));
        PageFacts { links: outline.links, anchors: outline.anchors, local }
    }
}

/// An error in site.yaml's `lint:` at `at` (or the file's start).
fn lint_error(site_yaml: &str, at: Option<(usize, usize)>, message: String, help: String) -> Diagnostic {
    let (line, col) = at.unwrap_or((0, 0));
    Diagnostic::error(FILE_NAME, line, col, message).with_help(help).with_source(site_yaml)
}

/// The site's own rules (`lint.rules`) that are sound: a well-formed id of their own,
/// and patterns that compile and do not match empty text. The others are `problems`.
fn site_rules(
    settings: &Settings,
    levels: &BTreeMap<String, Level>,
    site_yaml: &str,
    problems: &mut Vec<Diagnostic>,
) -> Vec<RuleSpec> {
    let mut error = |at, message, help| problems.push(lint_error(site_yaml, at, message, help));
    let mut sound: Vec<RuleSpec> = Vec::new();
    for (i, spec) in settings.rules.iter().enumerate() {
        let at = |key: &str| yaml::locate_entry(site_yaml, "rules", i, &[key]);
        if !valid_id(&spec.id) {
            error(
                at("id"),
                format!("`{}` is not a rule id", spec.id),
                "a rule id is a group and a name in lowercase words joined by `-`, e.g. `clinic/no-discounts`".into(),
            );
            continue;
        }
        if levels.contains_key(&spec.id) || sound.iter().any(|s| s.id == spec.id) {
            error(
            at("id"),
            format!("there already is a rule `{}`", spec.id),
            "give your rule its own id; to replace a built-in rule, switch it off under `lint.levels` and add yours".into(),
        );
            continue;
        }
        if let Some(Err(e)) = spec.except.as_deref().map(claims::compile) {
            error(
                at("except"),
                format!("the `except` pattern of `{}` is not a valid regular expression", spec.id),
                format!(
                    "{}; the syntax is at https://docs.rs/regex/latest/regex/#syntax (write patterns in 'single quotes')",
                    e.to_string().lines().last().unwrap_or("").trim()
                ),
            );
            continue;
        }
        match claims::compile(&spec.pattern) {
            Ok(regex) if regex.is_match("") => error(
                at("pattern"),
                format!("the pattern of `{}` matches empty text, so it would flag every page", spec.id),
                "write the words to look for, e.g. `pattern: 'best\\s+price'`".into(),
            ),
            Ok(_) => sound.push(spec.clone()),
            Err(e) => error(
                at("pattern"),
                format!("the pattern of `{}` is not a valid regular expression", spec.id),
                format!(
                    "{}; the syntax is at https://docs.rs/regex/latest/regex/#syntax (write patterns in 'single quotes')",
                    e.to_string().lines().last().unwrap_or("").trim()
                ),
            ),
        }
    }
    sound
}

/// `lint.levels` applied to `levels`: groups first, so a single rule's level wins over
/// its group's. A name that is no rule nor group is one of `problems`.
fn set_levels(
    settings: &Settings,
    levels: &mut BTreeMap<String, Level>,
    site_yaml: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let mut error = |at, message, help| problems.push(lint_error(site_yaml, at, message, help));
    let known: Vec<String> = levels.keys().cloned().collect();
    let groups: HashSet<&str> = known.iter().filter_map(|id| id.split_once('/').map(|(g, _)| g)).collect();
    let (group_levels, rule_levels): (Vec<_>, Vec<_>) =
        settings.levels.iter().partition(|(key, _)| groups.contains(key.as_str()));
    for (group, level) in group_levels {
        for (id, l) in levels.iter_mut() {
            if id.split_once('/').is_some_and(|(g, _)| g == group) {
                *l = *level;
            }
        }
    }
    for (id, level) in rule_levels {
        match levels.get_mut(id) {
            Some(l) => *l = *level,
            None => {
                let mut names = known.clone();
                names.extend(groups.iter().map(|g| g.to_string()));
                let hint = yaml::closest(id, &names).map(|b| format!("did you mean `{b}`? ")).unwrap_or_default();
                error(
                    yaml::locate_key(site_yaml, id).or_else(|| yaml::locate_key(site_yaml, "levels")),
                    format!("`lint.levels` names no rule `{id}`"),
                    format!(
                        "{hint}Use a rule id from the README (e.g. `claims/painless`) or a group (`claims`, `content`)."
                    ),
                );
            }
        }
    }
}

/// Lowercase, with runs of whitespace as one space: how an `allow` phrase is compared.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `group/name`, each part lowercase words joined by `-`.
fn valid_id(id: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    id.split_once('/').is_some_and(|(group, name)| part(group) && part(name))
}

/// One page's links, anchor targets and the findings that need nothing but the page
/// ([`Rules::page`]); kept with its rendered body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts {
    links: Vec<LinkRef>,
    anchors: Anchors,
    local: Vec<Diagnostic>,
}

/// The findings of each page kept between `serve`'s rebuilds: a page's findings are
/// reused while what its links can see of the site (`key`: where every page and file
/// is published, the theme) is the same, its own document and facts are the same, and
/// so are the documents and facts of every page it consulted (whose anchors its links
/// pointed into, or whose title a session page's links were judged by). A front-matter
/// edit thus checks again that page and the pages that consulted it, not the site.
#[derive(Default)]
pub struct Memo {
    key: u64,
    pages: Vec<Option<PageMemo>>,
    /// The findings on site.yaml and the theme, which depend on nothing else.
    site_wide: Option<Vec<Diagnostic>>,
    /// The last answer, and the menu and editor findings in it: while no page's findings change,
    /// a save gets it again (shared, not copied: a big site has thousands).
    assembled: Option<(Vec<Diagnostic>, Arc<Vec<Diagnostic>>)>,
}

struct PageMemo {
    doc: Arc<Doc>,
    facts: Arc<PageFacts>,
    /// The pages it consulted, with their document and facts then.
    targets: Vec<(PageId, Arc<Doc>, Arc<PageFacts>)>,
    found: Vec<Diagnostic>,
}

/// Every finding of the content rules in `site`, sorted by file and position: errors,
/// warnings, and notes for what pages allowed. `facts` gives [`Rules::page`] of each page
/// by id; `theme` tells which static files exist. With a `memo` and its `key` (which
/// must change whenever where pages and files are published, their kinds, the theme or
/// site.yaml do), unchanged pages are not checked again.
pub fn check<'a>(
    site: &Site,
    facts: impl Fn(PageId) -> &'a Arc<PageFacts> + Sync,
    theme: &Theme,
    rules: &Rules,
    config: &Config,
    memo: Option<(&mut Memo, u64)>,
) -> Arc<Vec<Diagnostic>> {
    let (activities, aftercare_problems) = aftercare::activities(config);
    let mut fresh = Memo::default();
    // Without a memo to keep (a build), the findings move out of the fresh one below.
    let keep = memo.is_some();
    let (memo, key) = memo.unwrap_or((&mut fresh, 0));
    if memo.key != key || memo.pages.len() != site.pages.len() {
        *memo = Memo { key, pages: site.pages.iter().map(|_| None).collect(), site_wide: None, assembled: None };
    }
    let pages_changed = check_pages(site, &facts, theme, rules, &activities, &mut memo.pages);
    let site_wide_changed = memo.site_wide.is_none();
    let site_wide = memo.site_wide.get_or_insert_with(|| {
        let mut found: Vec<Diagnostic> = content::phones(config);
        found.extend(aftercare_problems.into_iter().map(|d| content::with_rule(d, content::AFTERCARE_DAYS)));
        found.extend(
            placeholder::config(config.text()).into_iter().map(|d| content::with_rule(d, content::PLACEHOLDER)),
        );
        found.extend(rules.matcher.config(config));
        found.extend(rules.matcher.theme(theme));
        let world = world::World::new(site, theme, false);
        found.extend(fields::site_image(config, |url| world.has_file(url), |url| world.other_case(url)));
        let mut found: Vec<Diagnostic> = found.into_iter().filter_map(|d| rules.leveled(d)).collect();
        let site_yaml = std::path::Path::new(crate::config::FILE_NAME);
        found.extend(content::cut_by_comment(site_yaml, config.text(), config.text(), 1));
        found
    });
    // Found on every run like the menu's size: they read every page's front matter.
    let mut menu: Vec<Diagnostic> = content::menu_size(site, config).into_iter().collect();
    menu.extend(crate::admin::warnings(config, site));
    match &memo.assembled {
        Some((before, all)) if !pages_changed && !site_wide_changed && *before == menu => return all.clone(),
        _ => {}
    }
    let mut findings: Vec<Diagnostic> = if keep {
        memo.pages.iter().flatten().flat_map(|m| m.found.iter().cloned()).collect()
    } else {
        memo.pages.iter_mut().flatten().flat_map(|m| std::mem::take(&mut m.found)).collect()
    };
    findings.extend(site_wide.iter().cloned());
    findings.extend(menu.clone());
    let all = Arc::new(sorted(findings));
    if keep {
        memo.assembled = Some((menu, all.clone()));
    }
    all
}

/// Checks each page whose findings may have changed (see [`Memo`]) into its slot of
/// `pages`; whether any page's findings are not what they were.
fn check_pages<'a>(
    site: &Site,
    facts: &(impl Fn(PageId) -> &'a Arc<PageFacts> + Sync),
    theme: &Theme,
    rules: &Rules,
    activities: &[aftercare::Activity],
    pages: &mut [Option<PageMemo>],
) -> bool {
    // Built only when a page is checked: a save that changes no finding needs no world.
    let world = std::sync::OnceLock::new();
    let world = || world.get_or_init(|| world::World::new(site, theme, !activities.is_empty()));
    let changed = std::sync::atomic::AtomicBool::new(false);
    pages.par_iter_mut().enumerate().for_each(|(id, slot)| {
        let (own, doc) = (facts(id), &site.pages[id].doc);
        if let Some(m) = slot {
            let same = |(t, d, f): &(PageId, Arc<Doc>, Arc<PageFacts>)| {
                Arc::ptr_eq(f, facts(*t)) && Arc::ptr_eq(d, &site.pages[*t].doc)
            };
            if Arc::ptr_eq(&m.facts, own) && Arc::ptr_eq(&m.doc, doc) && m.targets.iter().all(same) {
                return;
            }
        }
        let consulted = std::cell::RefCell::new(Vec::new());
        let mut found = own.local.clone();
        found.extend(world().links(id, &own.links, |other| {
            consulted.borrow_mut().push(other);
            &facts(other).anchors
        }));
        found.extend(world().structure(id, &own.links, |other| consulted.borrow_mut().push(other)));
        found.extend(
            aftercare::page_days(doc, activities).into_iter().map(|d| content::with_rule(d, content::AFTERCARE_DAYS)),
        );
        found.extend(placeholder::page(doc).into_iter().map(|d| content::with_rule(d, content::PLACEHOLDER)));
        let mut targets = consulted.into_inner();
        targets.sort_unstable();
        targets.dedup();
        let targets = targets.into_iter().map(|t| (t, site.pages[t].doc.clone(), facts(t).clone())).collect();
        let found = rules.settle(doc, found);
        if slot.as_ref().is_none_or(|m| m.found != found) {
            changed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        *slot = Some(PageMemo { doc: doc.clone(), facts: own.clone(), targets, found });
    });
    changed.into_inner()
}

/// `findings` in the order of [`Diagnostic::sort_key`] (stable), each path cut into its
/// parts once rather than at every comparison: a big site has thousands of findings.
fn sorted(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let order: Vec<usize> = {
        let mut keys: Vec<_> = findings
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path.components().collect::<Vec<_>>(), d.line, d.col, i))
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|(.., i)| i).collect()
    };
    let mut slots: Vec<Option<Diagnostic>> = findings.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(yaml: &str) -> Settings {
        crate::yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn levels_switch_groups_and_rules_and_credentials_switch_their_rule_off() {
        let text = "levels:\n  claims: error\n  claims/painless: off\n";
        let rules = Rules::new(&settings(text), true, text).unwrap();
        assert_eq!(rules.level("claims/guarantee"), Level::Error);
        assert_eq!(rules.level("claims/painless"), Level::Off);
        assert_eq!(rules.level("claims/credentials"), Level::Off, "the site lists credentials");
        assert_eq!(rules.level("content/anchor"), Level::Warning);
    }

    #[test]
    fn errors_on_unknown_levels_bad_ids_and_bad_patterns_at_their_line() {
        let text = "levels:\n  claims/painles: off\nrules:\n  - id: Clinic\n    pattern: x\n    message: m\n    why: w\n    fix: f\n  - id: clinic/bad\n    pattern: '(unclosed'\n    message: m\n    why: w\n    fix: f\n";
        let errs = Rules::new(&settings(text), false, text).unwrap_err();
        let found: Vec<(usize, usize, &str)> = errs.iter().map(|e| (e.line, e.col, e.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (4, 5, "`Clinic` is not a rule id"),
                (10, 5, "the pattern of `clinic/bad` is not a valid regular expression"),
                (2, 3, "`lint.levels` names no rule `claims/painles`"),
            ]
        );
        assert!(errs[2].help.as_deref().unwrap().starts_with("did you mean `claims/painless`?"), "{:?}", errs[2].help);
    }

    #[test]
    fn a_site_rule_is_matched_like_a_builtin_one() {
        let text = "rules:\n  - { id: clinic/cheap, pattern: 'cheapest', message: m, why: w, fix: f }\n";
        let rules = Rules::new(&settings(text), false, text).unwrap();
        let found = rules.matcher.find("The CHEAPEST in town");
        assert_eq!(found.len(), 1);
        assert_eq!(rules.matcher.spec(found[0].0).id, "clinic/cheap");
    }

    #[test]
    fn positions_map_back_through_smart_punctuation_without_panicking() {
        let text = "rules:\n  - { id: clinic/x, pattern: 'x’', message: m, why: w, fix: f }\n";
        let rules = Rules::new(&settings(text), false, text).unwrap();
        let doc =
            Doc::parse("p.md".into(), "---\ntitle: P\ndescription: D\n---\nSay x'aé and \"x\"é.\n".as_bytes().into())
                .unwrap();
        let outline = crate::markdown::render(doc.body(), false, &|_: &str| crate::markdown::LinkTarget::Keep).outline;
        let found: Vec<(usize, usize)> = rules
            .page(&doc, outline, &[], None)
            .local
            .iter()
            .filter(|d| d.rule_id() == Some("clinic/x"))
            .map(|d| (d.line, d.col))
            .collect();
        assert_eq!(found, [(5, 5)]);
    }

    #[test]
    fn rule_ids_are_unique_and_well_formed() {
        let ids = builtin_rule_ids();
        assert!(ids.iter().all(|id| valid_id(id)), "{ids:?}");
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }
}
