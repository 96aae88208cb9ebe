//! Phone numbers as written in site.yaml, made dialable: `tel:` links and E.164.

/// A dialable `tel:` URI: `480-555-0100` (US) -> `tel:+14805550100`. Numbers written with
/// `+` keep their country code; national numbers in the US or Canada get `+1`.
pub fn tel_uri(number: &str, country: Option<&str>) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let international = number.trim_start().starts_with('+');
    let nanp = matches!(
        country.map(str::to_ascii_uppercase).as_deref(),
        Some("US" | "CA" | "USA" | "UNITED STATES" | "CANADA")
    );
    Some(match (international, nanp, digits.len()) {
        (true, _, _) => format!("tel:+{digits}"),
        (false, true, 10) => format!("tel:+1{digits}"),
        (false, true, 11) if digits.starts_with('1') => format!("tel:+{digits}"),
        _ => format!("tel:{digits}"),
    })
}

/// The number in E.164 form (`+14805550100`) when it is one once normalised: written
/// as people dial it (spaces, dashes, dots, brackets), with `+` and its country code or
/// as a national number of the clinic's country (US/Canada). None otherwise, or when it
/// holds letters.
pub fn e164(number: &str, country: Option<&str>) -> Option<String> {
    let trimmed = number.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if !body.chars().all(|c| c.is_ascii_digit() || " -.()/\u{a0}".contains(c)) {
        return None;
    }
    let tel = tel_uri(trimmed, country)?;
    let digits = tel.strip_prefix("tel:+")?;
    if (7..=15).contains(&digits.len()) && !digits.starts_with('0') { Some(format!("+{digits}")) } else { None }
}
