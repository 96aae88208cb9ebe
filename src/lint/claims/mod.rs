//! The claims rules as data (`claims.yaml` plus a site's own `lint.rules`), compiled once
//! into one multi-pattern regex that finds which rules a page trips in a single pass; only those
//! rules' regexes then run to find where. Matching ignores case and accepts whole words
//! only, whatever the pattern says at its edges. A match is then dropped when its scope
//! says it is not the clinic's claim (`scope.yaml`: negation, advice to the reader,
//! questions) or when the rule's own `except` pattern covers it ("semi-permanent"); each
//! check looks at a bounded window around the match, so a page is still read in linear time.

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use regex_automata::{Input, MatchKind, PatternSet, meta, util::syntax};

use crate::config::{Config, FILE_NAME, RuleSpec};
use crate::error::Diagnostic;
use crate::markdown::Outline;
use crate::site::Doc;
use crate::theme::Theme;

mod scope;

use scope::{excepted, negated, out_of_mouth, whole_words};

/// The built-in rules, documented in the file itself and in the README.
pub(super) const BUILTIN: &str = include_str!("../claims.yaml");

/// The built-in rules. `claims.yaml` is part of the binary and a unit test parses it.
pub(super) fn builtin() -> Vec<RuleSpec> {
    crate::yaml::from_str(BUILTIN).expect("src/lint/claims.yaml is valid (see its unit test)")
}

/// A rule's pattern as it is matched: ignoring case.
pub(super) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).case_insensitive(true).build()
}

/// The rules in effect, compiled: the set up front (it is what every page runs), each
/// rule's own regex the first time a page trips it, since compiling them all would
/// cost every build tens of milliseconds for rules that mostly never fire.
#[derive(Clone)]
pub(super) struct Matcher {
    /// Every rule's pattern in one regex (what `regex::RegexSet` is, built without the
    /// engines a set never uses: a third of the compile time, which every build pays).
    set: meta::Regex,
    rules: Vec<(RuleSpec, OnceLock<Compiled>)>,
}

/// A rule's own regex and its `except` regex; None when one failed to compile (which
/// `Rules::new` and the unit tests rule out).
type Compiled = Option<(Regex, Option<Regex>)>;

/// The rules' ids and patterns: a compiled regex's own `Debug` prints its whole
/// automaton, and the config's `Debug` is hashed on every build.
impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.rules.iter().map(|(spec, _)| (&spec.id, &spec.pattern))).finish()
    }
}

impl Matcher {
    /// Fails when a pattern is not a valid regular expression, or when the patterns
    /// together exceed the regex size limit.
    pub(super) fn new(rules: Vec<RuleSpec>) -> Result<Matcher, String> {
        let config =
            meta::Config::new().match_kind(MatchKind::All).auto_prefilter(false).onepass(false).backtrack(false);
        let set = meta::Regex::builder()
            .syntax(syntax::Config::new().case_insensitive(true))
            .configure(config)
            .build_many(&rules.iter().map(|spec| &spec.pattern).collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
        Ok(Matcher { set, rules: rules.into_iter().map(|spec| (spec, OnceLock::new())).collect() })
    }

    /// Every match of every rule in `text`, as (rule index, byte range), in text order.
    pub(super) fn find(&self, text: &str) -> Vec<(usize, Range<usize>)> {
        let mut found = Vec::new();
        // Most pages trip nothing, and finding that out stops at the first match.
        if !self.set.is_match(text) {
            return found;
        }
        let mut tripped = PatternSet::new(self.set.pattern_len());
        self.set.which_overlapping_matches(&Input::new(text), &mut tripped);
        for rule in tripped.iter().map(|p| p.as_usize()) {
            let (spec, regex) = &self.rules[rule];
            // The set compiled this very pattern, so this cannot fail; if it did, the
            // rule would simply find nothing.
            let compiled = regex.get_or_init(|| {
                let except = match &spec.except {
                    Some(pattern) => Some(compile(pattern).ok()?),
                    None => None,
                };
                Some((compile(&spec.pattern).ok()?, except))
            });
            let Some((regex, except)) = compiled else { continue };
            let mut at = 0;
            while let Some(m) = regex.find_at(text, at) {
                let range = m.range();
                if !m.is_empty()
                    && whole_words(text, range.clone())
                    && !negated(text, m.start())
                    && !excepted(text, range.clone(), except.as_ref())
                    && !out_of_mouth(text, range)
                {
                    found.push((rule, m.range()));
                    at = m.end();
                } else {
                    // Try again one character later: `cure` in `secure` must not hide a `cure` after it.
                    at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                }
                if at >= text.len() {
                    break;
                }
            }
        }
        found.sort_by_key(|(rule, range)| (range.start, *rule));
        found
    }

    pub(super) fn spec(&self, rule: usize) -> &RuleSpec {
        &self.rules[rule].0
    }

    /// The findings in one page: its prose (positions mapped back to the Markdown) and
    /// the front matter values a reader sees.
    pub(super) fn page(&self, doc: &Doc, outline: &Outline) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (rule, range) in self.find(&outline.prose) {
            let start = doc.body_offset(outline.source_offset(range.start));
            let (last, ch) = outline.prose[..range.end].char_indices().next_back().unwrap_or((range.start, ' '));
            let end = doc.body_offset(outline.source_offset(last) + ch.len_utf8());
            out.push(self.finding(doc, rule, &outline.prose[range], doc.span(start, end)));
        }
        for (key, value) in front_matter_text(doc) {
            for (rule, range) in self.find(value) {
                let needle = &value[range];
                let (line, col) = doc.value_position(key, needle);
                out.push(self.finding(doc, rule, needle, (line, col, needle.chars().count())));
            }
        }
        out
    }

    fn finding(&self, doc: &Doc, rule: usize, matched: &str, at: (usize, usize, usize)) -> Diagnostic {
        self.finding_in(&doc.display_path(), doc.text(), rule, matched, at)
    }

    /// A finding of `rule` for `matched`, at (line, col, len) of the file `path` holding `text`.
    fn finding_in(
        &self,
        path: &Path,
        text: &str,
        rule: usize,
        matched: &str,
        (line, col, len): (usize, usize, usize),
    ) -> Diagnostic {
        let spec = self.spec(rule);
        let matched = matched.split_whitespace().collect::<Vec<_>>().join(" ");
        Diagnostic::warning(path, line, col, format!("“{matched}” {}", spec.message))
            .with_len(len)
            .with_help(spec.fix.clone())
            .with_source(text)
            .with_rule(&spec.id, Some(spec.why.clone()), spec.source.clone())
    }

    /// The findings in what site.yaml shows every visitor: the site's title and
    /// description, the clinic's name, hours and credentials, and the menu titles.
    pub(super) fn config(&self, config: &Config) -> Vec<Diagnostic> {
        let text = config.text();
        let clinic = &config.clinic;
        let mut values = vec![config.title.as_str(), config.description.as_str(), clinic.name.as_str()];
        values.extend(clinic.credentials.iter().map(String::as_str));
        values.extend(clinic.hours.iter().map(String::as_str));
        values.extend(config.menu.iter().flatten().map(|item| item.title.as_str()));
        let mut out = Vec::new();
        for value in values {
            for (rule, range) in self.find(value) {
                let needle = &value[range];
                // The value's own line, else the first line holding the phrase.
                let at = [value, needle].iter().find_map(|v| {
                    text.lines().enumerate().find_map(|(i, l)| Some((i + 1, l[..l.find(v)?].chars().count())))
                });
                let (line, col) = at.map_or((0, 0), |(line, col)| {
                    let l = text.lines().nth(line - 1).unwrap_or("");
                    let from = l.char_indices().nth(col).map_or(0, |(b, _)| b);
                    (line, l[from..].find(needle).map_or(col, |b| l[..from + b].chars().count()) + 1)
                });
                out.push(self.finding_in(
                    Path::new(FILE_NAME),
                    text,
                    rule,
                    needle,
                    (line, col, needle.chars().count()),
                ));
            }
        }
        out
    }

    /// The findings in the words a theme's templates print on every page that uses them
    /// (the text between tags; template code and attributes are skipped).
    pub(super) fn theme(&self, theme: &Theme) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for template in theme.templates.values() {
            let shown = visible_text(&template.text);
            for (rule, range) in self.find(&shown) {
                let line_start = shown[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let line = shown[..range.start].matches('\n').count() + 1;
                let col = template.text[line_start..range.start].chars().count() + 1;
                let needle = &template.text[range.clone()];
                out.push(self.finding_in(
                    &template.origin,
                    &template.text,
                    rule,
                    needle,
                    (line, col, needle.chars().count()),
                ));
            }
        }
        out
    }
}

/// The phrase a claims finding quotes: its message starts with it, in curly quotes.
pub(super) fn quoted(message: &str) -> Option<&str> {
    Some(message.strip_prefix('“')?.split_once('”')?.0)
}

/// The front matter values a reader sees, by the key they sit under.
fn front_matter_text(doc: &Doc) -> Vec<(&'static str, &str)> {
    let fm = &doc.meta.fm;
    let mut values = vec![("title", fm.title.as_str())];
    values.extend(fm.description.as_deref().map(|d| ("description", d)));
    values.extend(fm.aftercare.iter().map(|a| ("aftercare", a.as_str())));
    values.extend(fm.healing.iter().flat_map(|h| [("healing", h.when.as_str()), ("healing", h.expect.as_str())]));
    values.extend(fm.testimonials.iter().map(|t| ("testimonials", t.quote.as_str())));
    values.extend(fm.before_after.iter().filter_map(|b| Some(("before_after", b.caption.as_deref()?))));
    values.extend(
        fm.before_after
            .iter()
            .flat_map(|b| [("before_after", b.before.alt.as_str()), ("before_after", b.after.alt.as_str())]),
    );
    values.extend(fm.testimonials.iter().filter_map(|t| Some(("testimonials", t.typical_result.as_deref()?))));
    values
}

/// `html` with its tags and template code (`{{ }}`, `{% %}`, `{# #}`) blanked out, byte
/// for byte, so positions in the result are positions in `html`; line breaks are kept.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut close: Option<&str> = None;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let (skip, blank) = match close {
            Some(end) if rest.starts_with(end) => {
                close = None;
                (end.len(), true)
            }
            Some(_) => (c.len_utf8(), true),
            None => match ["{{", "{%", "{#", "<"].into_iter().find(|open| rest.starts_with(open)) {
                Some(open) => {
                    close = Some(match open {
                        "{{" => "}}",
                        "{%" => "%}",
                        "{#" => "#}",
                        _ => ">",
                    });
                    (open.len(), true)
                }
                None => (c.len_utf8(), false),
            },
        };
        let piece = &rest[..skip];
        if blank {
            // As many spaces as bytes, so positions stay the same.
            for c in piece.chars() {
                if c == '\n' {
                    out.push('\n');
                } else {
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
        } else {
            out.push_str(piece);
        }
        rest = &rest[skip..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(rules: &[(&str, &str)]) -> Matcher {
        let spec = |(id, pattern): &(&str, &str)| RuleSpec {
            id: id.to_string(),
            pattern: pattern.to_string(),
            message: "m".into(),
            why: "w".into(),
            fix: "f".into(),
            source: None,
            unless: None,
            except: None,
        };
        Matcher::new(rules.iter().map(spec).collect()).unwrap()
    }

    /// One part of the labelled corpus in `tests/fixtures/claims-corpus/`: (is a claim, rule
    /// name, sentence). `train` is what the rules are tuned on, `dev` is for thresholds, and
    /// the `test` parts were written by someone who never saw the rules, train or dev.
    fn corpus(part: &'static str) -> Vec<(bool, &'static str, &'static str)> {
        part.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut cols = l.splitn(3, '\t');
                let (label, rule, text) = (cols.next().unwrap(), cols.next().unwrap(), cols.next().unwrap());
                assert!(label == "claim" || label == "honest", "label `{label}` in: {l}");
                (label == "claim", rule, text)
            })
            .collect()
    }

    /// Per rule: [claims, caught by it, caught by any rule, honest, flagged].
    type Table = std::collections::BTreeMap<&'static str, [usize; 5]>;

    /// Scores one corpus part: the table, and what was missed or flagged.
    fn score(m: &Matcher, part: &[(bool, &'static str, &'static str)]) -> (Table, Vec<String>) {
        let ids: Vec<&str> = (0..m.rules.len()).map(|r| m.spec(r).id.as_str()).collect();
        let mut table = Table::new();
        let mut misses = Vec::new();
        for &(claim, rule, text) in part {
            let fired: Vec<&str> = m.find(text).into_iter().map(|(r, _)| ids[r]).collect();
            let row = table.entry(rule).or_default();
            if claim {
                let caught = fired.contains(&format!("claims/{rule}").as_str());
                row[0] += 1;
                row[1] += caught as usize;
                row[2] += !fired.is_empty() as usize;
                if !caught {
                    misses.push(format!("missed   [{rule}] {text}  (fired: {fired:?})"));
                }
            } else {
                row[3] += 1;
                row[4] += !fired.is_empty() as usize;
                if !fired.is_empty() {
                    misses.push(format!("flagged  [{rule}] {text}  (fired: {fired:?})"));
                }
            }
        }
        (table, misses)
    }

    fn pct(a: usize, b: usize) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }

    /// Prints the table (per rule when `rows`) and returns the totals.
    fn print(name: &str, table: &Table, rows: bool) -> [usize; 5] {
        let line = |rule: &str, row: &[usize; 5]| {
            println!(
                "{rule:<18} {:>6} {:>7} {:>6.1}% {:>6} {:>7} {:>5.1}%",
                row[0],
                row[1],
                pct(row[1], row[0]) * 100.0,
                row[3],
                row[4],
                pct(row[4], row[3]) * 100.0
            )
        };
        println!("\n== {name}");
        println!(
            "{:<18} {:>6} {:>7} {:>7} {:>6} {:>7} {:>6}",
            "rule", "claims", "caught", "recall", "honest", "flagged", "FP"
        );
        let mut total = [0; 5];
        for (rule, row) in table {
            for i in 0..5 {
                total[i] += row[i];
            }
            if rows {
                line(rule, row);
            }
        }
        line("TOTAL", &total);
        println!("(caught by any rule: {} of {} claims)", total[2], total[0]);
        total
    }

    /// Recall on claims (caught by the rule they are labelled with) and false alarms on
    /// honest sentences (flagged by any rule), per rule and in total. The floors hold on
    /// `train`; `dev` and the held-out `test` parts are reported beside it, `test` without
    /// the sentences, so that nobody tunes on them by reading the output. Run with
    /// `cargo test --lib corpus -- --nocapture` to see the tables and what train missed.
    #[test]
    fn corpus_recall_and_false_alarms_meet_the_floor() {
        /// The floors on train: at least this recall and at most this false-alarm rate, in
        /// total and for every rule with at least `MIN_EXAMPLES` claims or honest sentences.
        const RECALL: f64 = 0.95;
        const FALSE_ALARMS: f64 = 0.05;
        const MIN_EXAMPLES: usize = 10;
        let m = Matcher::new(builtin()).unwrap();
        let (train, misses) = score(&m, &corpus(include_str!("../../../tests/fixtures/claims-corpus/train.tsv")));
        let total = print("train", &train, true);
        for miss in &misses {
            println!("{miss}");
        }
        let (dev, dev_misses) = score(&m, &corpus(include_str!("../../../tests/fixtures/claims-corpus/dev.tsv")));
        print("dev", &dev, false);
        for miss in &dev_misses {
            println!("{miss}");
        }
        for (name, part) in [
            ("test (English, held out)", include_str!("../../../tests/fixtures/claims-corpus/test.tsv")),
            ("test-es (Spanish, held out)", include_str!("../../../tests/fixtures/claims-corpus/test-es.tsv")),
            ("test-fr (held out)", include_str!("../../../tests/fixtures/claims-corpus/test-fr.tsv")),
            ("test-de (held out)", include_str!("../../../tests/fixtures/claims-corpus/test-de.tsv")),
            ("test-it (held out)", include_str!("../../../tests/fixtures/claims-corpus/test-it.tsv")),
            ("test-pt (held out)", include_str!("../../../tests/fixtures/claims-corpus/test-pt.tsv")),
        ] {
            print(name, &score(&m, &corpus(part)).0, true);
        }
        let mut failures = Vec::new();
        for (rule, row) in &train {
            if row[0] >= MIN_EXAMPLES && pct(row[1], row[0]) < RECALL {
                failures.push(format!("{rule}: recall {:.1}%", pct(row[1], row[0]) * 100.0));
            }
            if row[3] >= MIN_EXAMPLES && pct(row[4], row[3]) > FALSE_ALARMS {
                failures.push(format!("{rule}: false alarms {:.1}%", pct(row[4], row[3]) * 100.0));
            }
        }
        let (recall, fp) = (pct(total[1], total[0]), pct(total[4], total[3]));
        assert!(total[0] >= 200 && total[3] >= 200, "train needs 200 claims and 200 honest sentences");
        assert!(recall >= RECALL, "train: total recall {:.1}%", recall * 100.0);
        assert!(fp <= FALSE_ALARMS, "train: total false alarms {:.1}%", fp * 100.0);
        assert!(failures.is_empty(), "train: {failures:?}");
    }

    #[test]
    fn builtin_rules_parse_compile_and_are_documented() {
        let rules = builtin();
        assert!(rules.len() >= 15, "{}", rules.len());
        for rule in &rules {
            assert!(rule.id.starts_with("claims/"), "{}", rule.id);
            compile(&rule.pattern).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
            if let Some(except) = &rule.except {
                compile(except).unwrap_or_else(|e| panic!("{} except: {e}", rule.id));
            }
            assert!(!compile(&rule.pattern).unwrap().is_match(""), "{} matches empty text", rule.id);
            assert!(rule.source.is_some() && !rule.why.is_empty() && !rule.fix.is_empty(), "{}", rule.id);
        }
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules.len(), "duplicate ids");
    }

    #[test]
    fn matches_ignore_case_and_respect_word_boundaries() {
        let m = matcher(&[("claims/cure", "cures?"), ("claims/pct", r"100\s*%")]);
        let text = "Secure, procured. It CURES it, 100 % sure; 1100% no";
        let found: Vec<(usize, &str)> = m.find(text).into_iter().map(|(r, range)| (r, &text[range])).collect();
        assert_eq!(found, [(0, "CURES"), (1, "100 %")]);
    }

    #[test]
    fn a_rejected_match_does_not_hide_a_later_one() {
        let m = matcher(&[("claims/pain", "no pain")]);
        let text = "no painkillers, no pain";
        assert_eq!(m.find(text), [(0, 16..23)]);
    }

    #[test]
    fn builtin_rules_catch_their_phrases_and_spare_honest_ones() {
        let m = Matcher::new(builtin()).unwrap();
        let hits =
            |text: &str| -> Vec<String> { m.find(text).into_iter().map(|(r, _)| m.spec(r).id.clone()).collect() };
        for (text, rule) in [
            ("Results guaranteed!", "claims/guarantee"),
            ("A 100% natural look", "claims/undetectable"),
            ("It never fades.", "claims/permanent"),
            ("Completely pain-free", "claims/painless"),
            ("It doesn’t hurt", "claims/painless"),
            ("No downtime at all", "claims/no-risk"),
            ("Done in just one session", "claims/one-session"),
            ("SMP stops hair loss", "claims/regrowth"),
            ("FDA-approved ink", "claims/fda"),
            ("No one will ever know", "claims/no-one-will-know"),
            ("Only 3 spots left", "claims/booking-pressure"),
            ("Win a free SMP session", "claims/prize"),
            ("That embarrassing bald spot", "claims/shaming"),
            ("Our master artist", "claims/credentials"),
            ("Medical-grade pigment", "claims/medical-grade"),
            ("Rated 4.9/5 by clients", "claims/star-rating"),
            ("Results may vary.", "claims/not-typical"),
            // A negation in another clause does not excuse the claim.
            ("Don't worry, it's painless.", "claims/painless"),
            ("There is no waiting list; results guaranteed.", "claims/guarantee"),
        ] {
            assert_eq!(hits(text), [rule], "{text}");
        }
        for honest in [
            "Most clients describe it as uncomfortable rather than painful.",
            "Does it hurt?",
            "SMP is long-lasting, but it is not forever.",
            "Book a free, no-obligation consultation.",
            "Touch-ups every three to five years.",
            "No painkillers are needed for most people.",
            "Figures are typical for our clinic and are not a guarantee.",
            "SMP is not permanent: it softens over the years.",
            "We can’t promise it will be painless.",
            "It does not regrow hair.",
        ] {
            assert_eq!(hits(honest), Vec::<String>::new(), "{honest}");
        }
    }
}
