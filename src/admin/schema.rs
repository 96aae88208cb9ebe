//! Every key smpsite reads from front matter and site.yaml, as the browser editor shows
//! it: its widget (from the key's type), whether it is required, the pattern smpsite
//! checks and the hint from smpsite's own messages. The parser's keys are serde's; a
//! test (`the_schema_lists_every_key_the_parser_accepts`) fails when the two differ.

use crate::front_matter::{MENU_TITLE_LIMIT, SLUG_HELP};

/// How the editor shows a key, from its type in smpsite.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Widget {
    /// One line of text.
    Line,
    /// Several lines of text.
    Text,
    Boolean,
    /// A whole number (`stage`, `weight`), saved as a number, never as `"2"`.
    Int,
    /// A day, `2026-03-01`.
    Date,
    Select(&'static [&'static str]),
    /// A list of lines (`aliases`, `tags`).
    Lines,
    /// A list of records, each with these keys.
    Records(&'static [Field]),
    /// One record with these keys.
    Record(&'static [Field]),
    /// A photo beside the page.
    Image,
    /// Kept as written, not shown: what staff should not change in a form.
    Hidden,
}

/// One key of front matter or site.yaml.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    pub(crate) widget: Widget,
    pub(crate) required: bool,
    /// A regular expression the value must match, and smpsite's message when it does not.
    pub(crate) pattern: Option<(&'static str, &'static str)>,
    /// What the key means and how to write it, in smpsite's words.
    pub(crate) hint: &'static str,
    /// The theme string (`themes/default/i18n/*.yaml`) that names this key in the site's
    /// language, when there is one.
    pub(crate) words: Option<&'static str>,
}

const fn f(name: &'static str, label: &'static str, widget: Widget) -> Field {
    Field { name, label, widget, required: false, pattern: None, hint: "", words: None }
}

impl Field {
    const fn required(mut self) -> Field {
        self.required = true;
        self
    }
    const fn hint(mut self, hint: &'static str) -> Field {
        self.hint = hint;
        self
    }
    const fn pattern(mut self, pattern: &'static str, message: &'static str) -> Field {
        self.pattern = Some((pattern, message));
        self
    }
    const fn words(mut self, key: &'static str) -> Field {
        self.words = Some(key);
        self
    }
}

/// Text that is not empty (smpsite trims before it checks).
const NOT_BLANK: &str = r"\S";
const DATE: &str = r"^\d{4}-\d{2}-\d{2}";
const DATE_MESSAGE: &str = "write dates as year-month-day, e.g. `2026-03-01`";

const HEALING: &[Field] = &[
    f("when", "When", Widget::Line).required().hint("e.g. \"Days 1–3\""),
    f("expect", "What to expect", Widget::Text).required().hint("what the client sees and feels then (Markdown)"),
];

const ALLOW: &[Field] = &[
    f("rule", "Rule", Widget::Line)
        .required()
        .hint("the rule's id, as `smpsite check` names it, e.g. claims/permanent"),
    f("reason", "Reason", Widget::Line)
        .required()
        .pattern(NOT_BLANK, "say why the phrase is fine on this page, e.g. \"quoting a client's question\"")
        .hint("say why the phrase is fine on this page"),
    f("phrase", "Only these words", Widget::Line)
        .hint("only the findings that quote these words; leave empty for every finding of the rule"),
];

const PHOTO: &[Field] = &[
    f("src", "Photo", Widget::Image).required().hint("the photo file, beside the page or from static/ as `/images/…`"),
    f("alt", "What it shows", Widget::Text)
        .required()
        .pattern(NOT_BLANK, "describe what the photo shows: it is read aloud to people who cannot see it")
        .hint("what the photo shows, read aloud to people who cannot see it"),
];

const BEFORE_AFTER: &[Field] = &[
    f("before", "Before", Widget::Record(PHOTO)).required().words("before"),
    f("after", "After", Widget::Record(PHOTO)).required(),
    f("session", "After session", Widget::Int).required().hint("the session after which the `after` photo was taken"),
    f("healed", "Healed", Widget::Boolean)
        .hint("whether the skin had healed when the `after` photo was taken (or give the days after)"),
    f("days_after", "Days after the session", Widget::Int).hint("how many days after that session it was taken"),
    f("consent", "Written consent", Widget::Boolean).hint(
        "on when the client agreed in writing to these photos being published; required for a client's photos",
    ),
    f("retouched", "Retouched", Widget::Boolean).hint(
        "off: the photos are as taken, without filters or smoothing (ASA/CAP: before/after photos must not be altered); required for a client's photos",
    ),
    f("illustration", "Illustration", Widget::Boolean)
        .hint("the pictures are drawn or generated, not of a client; then leave consent and retouched out"),
    f("caption", "Caption", Widget::Line),
];

const TESTIMONIAL: &[Field] = &[
    f("quote", "Quote", Widget::Text).required().hint("the client's words, as they wrote or said them"),
    f("name", "Name", Widget::Line),
    f("initials", "Initials", Widget::Line),
    f("source", "Source", Widget::Line).required().hint("where the words come from, so readers can trust them"),
    f("typical", "Typical result", Widget::Boolean)
        .required()
        .hint("on when this client's result is what most clients can expect"),
    f("typical_result", "What most clients can expect", Widget::Text)
        .hint("required when the result is not typical")
        .words("not_typical"),
    f("material_connection", "Connection to the clinic", Widget::Line)
        .required()
        .hint("what links the client to the clinic (a discount, a free session, being staff), or `none`")
        .words("connection"),
];

const HERO: &[Field] = &[
    f("photo", "Photo", Widget::Image).required(),
    f("alt", "What it shows", Widget::Text)
        .required()
        .pattern(NOT_BLANK, "the `hero` photo has no `alt` text: describe what it shows"),
];

const PRACTITIONER: &[Field] = &[
    // smpsite requires the key but lets it stay empty until the clinic fills it in
    // (`check` lists it as a placeholder): the editor must save such a page too.
    f("name", "Name", Widget::Line).hint("the practitioner's full name"),
    f("role", "Role", Widget::Line),
    f("photo", "Photo", Widget::Image),
    f("alt", "What the photo shows", Widget::Text),
    f("training", "Training", Widget::Lines).hint("each SMP course: who ran it, where, which year"),
    f("credentials", "Credentials", Widget::Lines).words("qualifications"),
    f("years", "Years practising", Widget::Int),
    f("licence", "Licence", Widget::Line).hint("the body-art licence or permit, and who issued it"),
];

/// The page keys of `extra:` the theme reads; any other key of a page's `extra` is
/// named by the build (the editor cannot show a key it does not know).
pub(crate) const PAGE_EXTRA: &[Field] = &[
    f("aftercare", "Show the aftercare table", Widget::Boolean).words("aftercare"),
    f("hero", "Home page photo", Widget::Record(HERO)),
    f("team", "Team", Widget::Records(PRACTITIONER)),
];

/// Every front matter key (`FrontMatter`), the ones most pages use first, then the
/// body. A collection lists every key, so a save never drops one a page has.
pub(crate) const FRONT_MATTER: &[Field] = &[
    f("title", "Title", Widget::Line)
        .required()
        .pattern(NOT_BLANK, "the `title` is empty: write the page's title")
        .hint("the title, shown as the heading and in search results"),
    f("description", "Description", Widget::Text).hint("one or two sentences for search results and link previews"),
    f("menu_title", "Menu title", Widget::Line)
        .pattern(r"^\S.{0,23}$", "the menu title must be one short line of at most 24 characters, to fit the menu")
        .hint("a shorter name for the menu, e.g. FAQ; empty: the title"),
    f("weight", "Order", Widget::Int).hint("the page's place in its section: lower comes first"),
    f("stage", "Session number", Widget::Int).hint("which session this page describes: 1, 2, 3"),
    f("duration", "Duration", Widget::Line).hint("how long the session takes, e.g. \"3–4 hours\""),
    f("healing", "Healing", Widget::Records(HEALING)).words("healing_heading"),
    f("aftercare", "Aftercare", Widget::Lines)
        .hint("this session's own extras; the waiting times of every session are in site.yaml")
        .words("aftercare"),
    f("faq", "FAQ page", Widget::Boolean)
        .hint("on: each `## heading` of the text is a question, the text under it its answer"),
    f("before_after", "Before and after", Widget::Records(BEFORE_AFTER)).words("before_and_after"),
    f("testimonials", "Testimonials", Widget::Records(TESTIMONIAL)).words("what_clients_said"),
    f("date", "Date", Widget::Date).pattern(DATE, DATE_MESSAGE),
    f("updated", "Updated", Widget::Date).pattern(DATE, DATE_MESSAGE),
    f("draft", "Draft", Widget::Boolean).hint("on: not published (`smpsite serve --drafts` shows it)"),
    f("slug", "Address", Widget::Line).pattern(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$", SLUG_HELP),
    f("aliases", "Old addresses", Widget::Lines)
        .hint("addresses this page had before, e.g. /first-session/: they lead here"),
    f("tags", "Tags", Widget::Lines),
    f("kind", "Section kind", Widget::Select(&["sessions", "expectations", "faq", "pages"]))
        .hint("only in a section's own page: what the section lists"),
    f("allow", "Allowed content rules", Widget::Records(ALLOW)),
    f("template", "Template", Widget::Hidden),
    f("extra", "More", Widget::Record(PAGE_EXTRA)),
];

const ADDRESS: &[Field] = &[
    f("street", "Street", Widget::Line),
    f("locality", "Town or city", Widget::Line),
    f("region", "Region", Widget::Line),
    f("postal_code", "Postal code", Widget::Line),
    f("country", "Country", Widget::Line)
        .pattern("^[A-Za-z]{2}$", "the country as its two-letter code, e.g. US, GB, ES")
        .hint("the two-letter code, e.g. US: phone numbers are completed with it"),
];

const PHONE: &[Field] = &[
    f("label", "Label", Widget::Line).required(),
    f("number", "Number", Widget::Line).required().pattern(r"\d", "a phone number needs digits"),
    f("text_only", "Text messages only", Widget::Boolean),
];

const REVIEW: &[Field] =
    &[f("name", "Name", Widget::Line).required().hint("e.g. Google"), f("url", "Address", Widget::Line).required()];

const CLINIC: &[Field] = &[
    f("name", "Name", Widget::Line).required().hint("the clinic's name"),
    f("address", "Address", Widget::Record(ADDRESS)),
    f("phones", "Phones", Widget::Records(PHONE)),
    f("email", "Email", Widget::Line),
    f("booking_url", "Booking address", Widget::Line).hint("/contact/ or a full address"),
    f("hours", "Opening hours", Widget::Lines).hint("e.g. Mo-Fr 09:00-18:00, one line each").words("opening_hours"),
    f("credentials", "Credentials", Widget::Lines).words("qualifications"),
    f("reviews", "Review profiles", Widget::Records(REVIEW)).words("reviews"),
];

const BRAND: &[Field] = &[
    f("logo", "Logo", Widget::Line).hint("a file of static/, e.g. static/logo.svg"),
    f("color", "Colour", Widget::Line)
        .pattern(r"^#[0-9A-Fa-f]{6}$", "write the colour as `#` and six hex digits, e.g. \"#0b5d5b\""),
    f("image", "Social preview image", Widget::Line),
];

const MENU: &[Field] = &[f("title", "Title", Widget::Line).required(), f("url", "Address", Widget::Line).required()];

const ACTIVITY: &[Field] = &[
    f("activity", "Activity", Widget::Line).required().words("aftercare_activity"),
    f("days", "Days", Widget::Int).required().words("aftercare_wait"),
    f("advice", "Until then", Widget::Text).required().words("aftercare_until"),
    f("why", "Why", Widget::Text).required().words("aftercare_why"),
    f("words", "Words that name it", Widget::Lines),
];

/// The keys of site.yaml's `extra:` smpsite reads.
pub(crate) const SITE_EXTRA: &[Field] = &[f("aftercare", "Aftercare after every session", Widget::Records(ACTIVITY))];

/// Every key of site.yaml (`RawConfig`).
pub(crate) const SITE: &[Field] = &[
    f("title", "Site title", Widget::Line).required().pattern(NOT_BLANK, "the site `title` is empty"),
    f("description", "Description", Widget::Text),
    f("base_url", "Address", Widget::Line)
        .required()
        .pattern(r"^https?://", "write the address the site will live at, starting with https://")
        .hint("the address the site will live at"),
    f("language", "Language", Widget::Line).hint("the language code, e.g. en or es"),
    f("theme", "Theme", Widget::Hidden),
    f("clinic", "Clinic", Widget::Record(CLINIC)).required(),
    f("brand", "Brand", Widget::Record(BRAND)),
    f("menu", "Menu", Widget::Records(MENU)).words("menu"),
    f("lint", "Content rules", Widget::Hidden),
    f("strings", "Theme words", Widget::Hidden),
    f("languages", "Languages", Widget::Hidden),
    f("hosting", "Hosting", Widget::Hidden),
    f("admin", "Editor", Widget::Hidden),
    f("extra", "More", Widget::Record(SITE_EXTRA)),
];

/// `menu_title`'s limit as the pattern above writes it.
const _: () = assert!(MENU_TITLE_LIMIT == 24);

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::*;

    /// The keys serde accepts for `T`, from its own "unknown field" message.
    fn parser_keys<T: DeserializeOwned>() -> Vec<String> {
        let message =
            crate::yaml::from_str::<T>("zz_not_a_key: 1").err().expect("an unknown key is refused").to_string();
        let expected = message.split("expected").nth(1).unwrap_or_else(|| panic!("{message}"));
        let mut keys: Vec<String> = expected.split('`').skip(1).step_by(2).map(String::from).collect();
        keys.sort();
        keys
    }

    fn names(fields: &[Field]) -> Vec<String> {
        let mut names: Vec<String> = fields.iter().map(|f| f.name.to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn the_schema_lists_every_key_the_parser_accepts() {
        use crate::config::{Address, Brand, Clinic, MenuItem, Phone, RawConfig, Review};
        use crate::front_matter::{Allow, FrontMatter, HealingStep};
        use crate::showcase::{BeforeAfter, Photo, Testimonial};
        let pairs = [
            ("front matter", names(FRONT_MATTER), parser_keys::<FrontMatter>()),
            ("healing", names(HEALING), parser_keys::<HealingStep>()),
            ("allow", names(ALLOW), parser_keys::<Allow>()),
            ("before_after", names(BEFORE_AFTER), parser_keys::<BeforeAfter>()),
            ("photo", names(PHOTO), parser_keys::<Photo>()),
            ("testimonials", names(TESTIMONIAL), parser_keys::<Testimonial>()),
            ("site.yaml", names(SITE), parser_keys::<RawConfig>()),
            ("clinic", names(CLINIC), parser_keys::<Clinic>()),
            ("address", names(ADDRESS), parser_keys::<Address>()),
            ("phones", names(PHONE), parser_keys::<Phone>()),
            ("reviews", names(REVIEW), parser_keys::<Review>()),
            ("brand", names(BRAND), parser_keys::<Brand>()),
            ("menu", names(MENU), parser_keys::<MenuItem>()),
        ];
        for (what, schema, parser) in pairs {
            assert_eq!(schema, parser, "the editor's keys of {what} differ from the parser's");
        }
    }
}
