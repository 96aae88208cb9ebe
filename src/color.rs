//! The clinic's brand colour (`brand.color` in site.yaml) checked against WCAG 2.2 AA
//! for everything the theme uses it for (issue 17): link text on the page's backgrounds
//! and button text on it, in light mode; and a lighter shade of it, found here, for
//! dark mode. A colour that fails comes back with the nearest shade of it that passes.

/// WCAG 2.2 AA for normal-size text (1.4.3).
pub(crate) const AA_TEXT: f64 = 4.5;

/// The default theme's backgrounds and text on the accent, per mode (style.css `:root`).
const LIGHT_BACKGROUNDS: [(&str, Rgb); 3] =
    [("page", Rgb(0xfa, 0xf8, 0xf5)), ("card", Rgb(0xff, 0xff, 0xff)), ("highlight", Rgb(0xee, 0xf4, 0xf4))];
const LIGHT_ON_ACCENT: Rgb = Rgb(0xff, 0xff, 0xff);
const DARK_BACKGROUNDS: [(&str, Rgb); 3] =
    [("page", Rgb(0x14, 0x18, 0x1b)), ("card", Rgb(0x1c, 0x22, 0x26)), ("highlight", Rgb(0x1f, 0x2b, 0x2e))];
const DARK_ON_ACCENT: Rgb = Rgb(0x0d, 0x1b, 0x1d);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#0b5d5b` or `#0b5` (the `#` optional).
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().trim_start_matches('#');
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match hex.len() {
            6 => Some(Rgb(channel(&hex[0..2])?, channel(&hex[2..4])?, channel(&hex[4..6])?)),
            3 => {
                let d = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
                Some(Rgb(d(0)?, d(1)?, d(2)?))
            }
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// The same hue and saturation at HSL lightness `l` (0..=1).
    fn with_lightness(self, l: f64) -> Rgb {
        let (h, s, _) = self.hsl();
        let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
        let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
        let m = l - c / 2.0;
        let (r, g, b) = match h {
            h if h < 60.0 => (c, x, 0.0),
            h if h < 120.0 => (x, c, 0.0),
            h if h < 180.0 => (0.0, c, x),
            h if h < 240.0 => (0.0, x, c),
            h if h < 300.0 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Rgb(to(r), to(g), to(b))
    }

    fn hsl(self) -> (f64, f64, f64) {
        let [r, g, b] = [self.0, self.1, self.2].map(|c| f64::from(c) / 255.0);
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let l = (max + min) / 2.0;
        let d = max - min;
        if d == 0.0 {
            return (0.0, 0.0, l);
        }
        let s = d / (1.0 - (2.0 * l - 1.0).abs());
        let h = if max == r {
            60.0 * (((g - b) / d).rem_euclid(6.0))
        } else if max == g {
            60.0 * ((b - r) / d + 2.0)
        } else {
            60.0 * ((r - g) / d + 4.0)
        };
        (h, s, l)
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub(crate) fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The colours the theme derives from the brand colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub accent: Rgb,
    /// Hover: a darker shade in light mode.
    pub accent_strong: Rgb,
    /// The shade used in dark mode, and its hover.
    pub dark_accent: Rgb,
    pub dark_accent_strong: Rgb,
}

/// Why a colour cannot be used as it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    /// The use that fails worst, in words: "links on the page background".
    pub what: String,
    pub ratio: f64,
    /// The nearest shade of the same colour that passes everything, with its worst ratio.
    pub suggestion: Rgb,
    pub suggestion_ratio: f64,
}

/// The worst light-mode pairing of `accent`: (what, ratio).
fn worst_light(accent: Rgb) -> (String, f64) {
    let mut uses: Vec<(String, f64)> = LIGHT_BACKGROUNDS
        .iter()
        .map(|(name, bg)| (format!("links in it on the {name} background"), contrast(accent, *bg)))
        .collect();
    uses.push(("white button text on it".into(), contrast(accent, LIGHT_ON_ACCENT)));
    uses.into_iter().min_by(|a, b| a.1.total_cmp(&b.1)).expect("at least one use")
}

fn dark_passes(accent: Rgb) -> bool {
    DARK_BACKGROUNDS.iter().all(|(_, bg)| contrast(accent, *bg) >= AA_TEXT)
        && contrast(accent, DARK_ON_ACCENT) >= AA_TEXT
}

/// Checks `accent` for every use in light mode, and finds its dark-mode shade (the
/// darkest lighter shade of the same hue that passes on the dark backgrounds).
pub(crate) fn palette(accent: Rgb) -> Result<Palette, Failure> {
    let (what, ratio) = worst_light(accent);
    let (_, s, l) = accent.hsl();
    if ratio < AA_TEXT {
        // The nearest passing shade: darker, in steps of 0.5 % lightness.
        let suggestion = (0..=200)
            .map(|i| accent.with_lightness((l - f64::from(i) * 0.005).max(0.0)))
            .find(|c| worst_light(*c).1 >= AA_TEXT)
            .unwrap_or(Rgb(0, 0, 0));
        return Err(Failure { what, ratio, suggestion, suggestion_ratio: worst_light(suggestion).1 });
    }
    let accent_strong = accent.with_lightness(l * 0.75);
    let start = l.max(0.5);
    let dark_accent = (0..=100)
        .map(|i| accent.with_lightness((start + f64::from(i) * 0.005).min(1.0)))
        .find(|c| dark_passes(*c))
        .unwrap_or(Rgb(0xff, 0xff, 0xff));
    let (_, _, dl) = dark_accent.hsl();
    let dark_accent_strong = if s == 0.0 { dark_accent } else { dark_accent.with_lightness(dl + (1.0 - dl) * 0.4) };
    Ok(Palette { accent, accent_strong, dark_accent, dark_accent_strong })
}

impl Palette {
    /// The CSS that sets the theme's accent variables, in both modes.
    pub fn css(&self) -> String {
        format!(
            ":root{{--accent:{};--accent-strong:{}}}@media (prefers-color-scheme: dark){{:root{{--accent:{};--accent-strong:{}}}}}",
            self.accent.hex(),
            self.accent_strong.hex(),
            self.dark_accent.hex(),
            self.dark_accent_strong.hex()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_colours() {
        assert_eq!(Rgb::parse("#0b5d5b"), Some(Rgb(0x0b, 0x5d, 0x5b)));
        assert_eq!(Rgb::parse("0B5"), Some(Rgb(0x00, 0xbb, 0x55)));
        assert_eq!(Rgb::parse("teal"), None);
        assert_eq!(Rgb::parse("#12345"), None);
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        let (black, white) = (Rgb(0, 0, 0), Rgb(255, 255, 255));
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        assert!((contrast(Rgb(0x76, 0x76, 0x76), white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn a_dark_teal_passes_in_both_modes() {
        let p = palette(Rgb::parse("#0b5d5b").unwrap()).unwrap();
        for (_, bg) in LIGHT_BACKGROUNDS {
            assert!(contrast(p.accent, bg) >= AA_TEXT);
        }
        assert!(contrast(p.accent, LIGHT_ON_ACCENT) >= AA_TEXT);
        assert!(dark_passes(p.dark_accent), "{}", p.dark_accent.hex());
        assert!(contrast(p.accent_strong, LIGHT_ON_ACCENT) >= AA_TEXT);
    }

    #[test]
    fn a_light_colour_fails_with_the_nearest_passing_shade() {
        let light = Rgb::parse("#7fd3d9").unwrap();
        let failure = palette(light).unwrap_err();
        assert!(failure.ratio < AA_TEXT, "{failure:?}");
        assert!(failure.suggestion_ratio >= AA_TEXT);
        // The same hue, only darker: and one step lighter would fail.
        let (h, s, l) = failure.suggestion.hsl();
        let (h0, s0, l0) = light.hsl();
        assert!((h - h0).abs() < 3.0 && (s - s0).abs() < 0.05 && l < l0, "{}", failure.suggestion.hex());
        assert!(worst_light(failure.suggestion.with_lightness(l + 0.01)).1 < AA_TEXT);
        assert!(palette(failure.suggestion).is_ok());
    }

    #[test]
    fn grey_and_black_do_not_break_the_shade_search() {
        assert!(palette(Rgb(0, 0, 0)).is_ok_and(|p| dark_passes(p.dark_accent)));
        assert_eq!(
            palette(Rgb(0xcc, 0xcc, 0xcc)).unwrap_err().suggestion.0,
            palette(Rgb(0xcc, 0xcc, 0xcc)).unwrap_err().suggestion.2
        );
    }
}
