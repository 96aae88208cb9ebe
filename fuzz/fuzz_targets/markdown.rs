//! Any Markdown body, rendered with a resolver that keeps, replaces or rejects each
//! link: never a panic, and every rejected link is reported at a place in the text.
#![no_main]

use std::hash::{DefaultHasher, Hash, Hasher};

use libfuzzer_sys::fuzz_target;
use smpsite::markdown::{self, LinkTarget, Resolver};

/// Decides each link by a hash of its destination, so every input exercises all three
/// outcomes, and knows the size of some images.
struct Mixed(u8);

impl Mixed {
    fn pick(&self, dest: &str) -> u64 {
        let mut h = DefaultHasher::new();
        (self.0, dest).hash(&mut h);
        h.finish()
    }
}

impl Resolver for Mixed {
    fn link(&self, dest: &str) -> LinkTarget {
        match self.pick(dest) % 3 {
            0 => LinkTarget::Keep,
            1 => LinkTarget::Replace(format!("/resolved/{}/", dest.len())),
            _ => LinkTarget::Broken { message: format!("`{dest}` leads nowhere"), help: "fix it".into() },
        }
    }

    fn image_size(&self, url: &str) -> Option<(u32, u32)> {
        let h = self.pick(url);
        h.is_multiple_of(2).then_some(((h >> 8) as u32 % 4000, (h >> 40) as u32 % 4000))
    }
}

fuzz_target!(|input: (u8, &str)| {
    let (flags, text) = input;
    let rendered = markdown::render(text, flags & 1 == 1, &Mixed(flags));
    for p in &rendered.problems {
        assert!(p.offset <= text.len(), "a link problem at {} past the end ({})", p.offset, text.len());
        assert!(text.is_char_boundary(p.offset), "a link problem inside a character at {}", p.offset);
    }
    for h in &rendered.headings {
        assert!(rendered.outline.anchors.contains(&h.id), "a heading id `#{}` that links cannot target", h.id);
    }
    for link in &rendered.outline.links {
        assert!(link.range.start <= link.range.end && link.range.end <= text.len(), "{link:?}");
    }
    for (pos, _) in rendered.outline.prose.char_indices() {
        assert!(rendered.outline.source_offset(pos) <= text.len(), "prose at {pos} maps past the end");
    }
    let mixed = Mixed(flags);
    let problems = markdown::render_inline(text, &mixed).problems;
    for p in &problems {
        assert!(p.offset <= text.len() && text.is_char_boundary(p.offset), "an inline problem at {}", p.offset);
    }
    let _ = markdown::anchor(text);
});
