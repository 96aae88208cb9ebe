//! A deterministic generated site of any size, for the determinism test and the stage
//! benchmarks (`benches/stages.rs` includes this file by path). Same `posts` -> same
//! bytes, with no I/O until [`write`]. It exercises every kind and the places where
//! order could leak from hashing or threads: sessions with stages, expectations with
//! tied weights, FAQ pages, a dated journal (with tied dates, tags, `updated`, slugs,
//! aliases, drafts, bundles with photos and a subsection), links between all of them,
//! and images whose sizes end up in the HTML.
#![allow(dead_code)] // the bench and the tests each use a part

use std::fmt::Write as _;
use std::path::Path;

/// Every file of the site (site.yaml, content/, static/), relative path -> bytes,
/// with about `posts` journal posts on top of 25 fixed pages.
pub fn site(posts: usize) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut text = |path: &str, body: String| files.push((path.to_string(), body.into_bytes()));
    text("site.yaml", SITE_YAML.to_string());
    text("content/_index.md", home());
    text("content/contact.md", contact());
    text("content/about.md", about());
    text("content/process/_index.md", section("The SMP process", "sessions", 1));
    for stage in 1..=SESSIONS {
        text(&format!("content/process/session-{stage}.md"), session(stage));
    }
    text("content/expectations/_index.md", section("What to expect", "expectations", 2));
    for i in 0..EXPECTATIONS {
        text(&format!("content/expectations/{}.md", expectation_name(i)), expectation(i));
    }
    text("content/faq/_index.md", section("Questions", "faq", 3));
    for i in 0..FAQS {
        text(&format!("content/faq/questions-{i}.md"), faq(i));
    }
    text("content/journal/_index.md", section("Journal", "pages", 4));
    text("content/journal/archive/_index.md", section("Journal archive", "pages", 5));
    for i in 0..posts {
        text(&post_path(i), post(i, posts));
    }
    for i in (0..posts).filter(|&i| is_bundle(i)) {
        let dir = post_path(i).trim_end_matches("index.md").to_string();
        files.push((format!("{dir}photo.png"), png(40 + (i % 7) as u32, 30)));
    }
    for (k, (w, h)) in IMAGE_SIZES.iter().enumerate() {
        files.push((format!("static/images/hairline-{k}.png"), png(*w, *h)));
    }
    files.push((
        "static/images/diagram.svg".into(),
        br##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120"><rect width="320" height="120" fill="#ddd"/></svg>"##
            .to_vec(),
    ));
    files
}

/// Writes [`site`] under `dir`.
pub fn write(dir: &Path, posts: usize) {
    for (rel, bytes) in site(posts) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

const SESSIONS: usize = 6;
const EXPECTATIONS: usize = 10;
const FAQS: usize = 5;
const IMAGE_SIZES: [(u32, u32); 4] = [(64, 48), (48, 64), (32, 32), (80, 20)];

const SITE_YAML: &str = r#"title: Generated SMP Clinic
description: A generated clinic site for benchmarks and determinism tests.
base_url: https://clinic.example/smp
language: en
clinic:
  name: Generated SMP Studio
  address: { street: "9 Test Way", locality: Mesa, region: AZ, postal_code: "85201", country: US }
  phones:
    - { label: Service, number: "480-555-0142" }
    - { label: Products, number: "+44 20 7946 0018" }
  email: desk@clinic.example
  booking_url: /contact/
  hours: ["Mo-Fr 09:00-18:00", "Sa 10:00-14:00"]
extra:
  tagline: "Natural hairlines, session by session"
"#;

const WORDS: &[&str] = &[
    "pigment",
    "hairline",
    "density",
    "scalp",
    "session",
    "healing",
    "shade",
    "impression",
    "crown",
    "temple",
    "layer",
    "dot",
    "needle",
    "skin",
    "practitioner",
    "client",
    "redness",
    "flake",
    "fade",
    "touch-up",
    "follicle",
    "stubble",
    "blend",
    "contrast",
    "texture",
    "daylight",
    "aftercare",
    "moisture",
    "sun",
    "sweat",
    "week",
    "result",
    "natural",
    "soft",
    "sharp",
    "light",
    "dark",
    "even",
    "patchy",
    "careful",
    "gentle",
    "slow",
    "calm",
    "plan",
    "mirror",
    "angle",
    "shadow",
    "colour",
    "tone",
    "match",
    "settle",
    "heal",
    "retain",
    "place",
    "build",
    "refine",
    "check",
    "expect",
    "avoid",
    "wash",
    "shave",
    "protect",
    "rest",
];
const TAGS: &[&str] = &[
    "hairline",
    "density",
    "healing",
    "fading",
    "aftercare",
    "pigment",
    "crown",
    "scars",
    "alopecia",
    "women",
    "maintenance",
    "myths",
];
const HEADINGS: &[&str] = &[
    "Why it matters",
    "What we look for",
    "Aftercare",
    "How long it lasts",
    "Common questions",
    "Before you book",
    "In the chair",
    "At home",
    "Will it look natural?",
    "Aftercare",
];

/// SplitMix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for w in 0..words {
        let word = rng.pick(WORDS);
        match (w, rng.below(14)) {
            (0, _) => {
                let mut c = word.chars();
                s.extend(c.next().map(|f| f.to_ascii_uppercase()));
                s.push_str(c.as_str());
            }
            (_, 0) => write!(s, " *{word}*").unwrap(),
            (_, 1) => write!(s, " **{word}**").unwrap(),
            (_, 2) => write!(s, " \"{word}\"").unwrap(),
            (_, 3) => write!(s, " {word}'s").unwrap(),
            _ => write!(s, " {word}").unwrap(),
        }
    }
    s.push('.');
    s
}

/// Plain words, safe inside a quoted or plain YAML value.
fn words(rng: &mut Rng, n: usize) -> String {
    let mut s = (0..n).map(|_| rng.pick(WORDS)).collect::<Vec<_>>().join(" ");
    s[..1].make_ascii_uppercase();
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let n = 2 + rng.below(4);
    (0..n)
        .map(|_| {
            let words = 6 + rng.below(12);
            sentence(rng, words)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn front(lines: &[String]) -> String {
    format!("---\n{}\n---\n", lines.join("\n"))
}

fn section(title: &str, kind: &str, weight: i64) -> String {
    let mut rng = Rng::new(weight as u64 + 1000);
    let mut fm = vec![format!("title: {title}"), format!("weight: {weight}")];
    if kind != "pages" {
        fm.push(format!("kind: {kind}"));
    }
    if weight != 5 {
        fm.push(format!("description: {}", words(&mut rng, 8)));
    }
    format!("{}{}\n", front(&fm), paragraph(&mut rng))
}

fn home() -> String {
    let mut rng = Rng::new(1);
    let fm = front(&["title: Welcome".into(), format!("description: {}", words(&mut rng, 10))]);
    format!(
        "{fm}{}\n\nStart with [the process](process/_index.md), read [what to expect](expectations/_index.md), \
         or [book a consultation](contact.md).\n\n![A healed hairline](/images/hairline-0.png)\n",
        paragraph(&mut rng)
    )
}

fn contact() -> String {
    let mut rng = Rng::new(2);
    let fm = front(&["title: Book a consultation".into(), "description: Call or write to us.".into()]);
    format!("{fm}{}\n\n- [ ] Bring photos\n- [x] Read the [FAQ](faq/_index.md)\n", paragraph(&mut rng))
}

/// A single page that is an FAQ by `faq: true`, outside the FAQ section.
fn about() -> String {
    let mut rng = Rng::new(3);
    let fm = front(&["title: About the studio".into(), "faq: true".into(), "aliases: [\"/studio/\"]".into()]);
    let mut body = format!("{fm}{}\n", paragraph(&mut rng));
    for q in ["Who are we?", "Where are we?", "Who are we?"] {
        write!(body, "\n## {q}\n\n{}\n", paragraph(&mut rng)).unwrap();
    }
    body
}

fn session(stage: usize) -> String {
    let mut rng = Rng::new(100 + stage as u64);
    let mut fm = vec![
        format!("title: Session {stage}"),
        format!("description: {}", words(&mut rng, 9)),
        format!("stage: {stage}"),
        format!("duration: \"{}–{} hours\"", 2 + stage % 2, 3 + stage % 2),
        format!("aliases: [\"/old/session-{stage}/\", \"/old/session-{stage}.html\"]"),
        "healing:".into(),
    ];
    for when in ["Days 1–3", "Days 4–7", "Weeks 2–4"] {
        fm.push(format!("  - {{ when: \"{when}\", expect: \"{} *soon*.\" }}", words(&mut rng, 7)));
    }
    fm.push("aftercare:".into());
    for _ in 0..3 {
        fm.push(format!("  - \"Keep the scalp **{}** for {} days.\"", rng.pick(WORDS), 2 + rng.below(5)));
    }
    let next = if stage < SESSIONS { format!("[the next session](session-{}.md)", stage + 1) } else { "rest".into() };
    format!(
        "{}{}\n\n## In the chair\n\n{}\n\n> [!WARNING]\n> {}\n\nAfter this comes {next}; see \
         [aftercare](../expectations/{}.md#aftercare).\n",
        front(&fm),
        paragraph(&mut rng),
        paragraph(&mut rng),
        sentence(&mut rng, 8),
        expectation_name(stage % EXPECTATIONS)
    )
}

fn expectation_name(i: usize) -> String {
    format!("week-{i:02}")
}

fn expectation(i: usize) -> String {
    let mut rng = Rng::new(200 + i as u64);
    // Weights tie in pairs, so the order falls back to dates and titles.
    let fm = vec![
        format!("title: \"{} {}\"", ["Healing", "Fading", "Colour"][i % 3], i / 3),
        format!("description: {}", words(&mut rng, 9)),
        format!("weight: {}", i / 2),
    ];
    format!(
        "{}{}\n\n## Aftercare\n\n{}\n\n| Week | What you see |\n|---|---|\n| 1 | {} |\n| 2 | {} |\n\n\
         Back to [the first session](../process/session-1.md).\n",
        front(&fm),
        paragraph(&mut rng),
        paragraph(&mut rng),
        sentence(&mut rng, 4),
        sentence(&mut rng, 4)
    )
}

fn faq(i: usize) -> String {
    let mut rng = Rng::new(300 + i as u64);
    let fm = vec![format!("title: Questions, part {i}"), format!("description: {}", words(&mut rng, 8))];
    let mut body = format!("{}{}\n", front(&fm), paragraph(&mut rng));
    for q in 0..3 + i % 4 {
        write!(body, "\n## Does {} {}?\n\n{}\n", rng.pick(WORDS), q, paragraph(&mut rng)).unwrap();
        if q == 1 {
            write!(body, "\n### Detail\n\n{}\n\n- {}\n- {}\n", paragraph(&mut rng), rng.pick(WORDS), rng.pick(WORDS))
                .unwrap();
        }
    }
    body
}

fn is_bundle(i: usize) -> bool {
    i % 7 == 3
}

fn is_draft(i: usize) -> bool {
    i % 37 == 36
}

fn in_archive(i: usize) -> bool {
    i % 5 == 4
}

/// `content/journal/[archive/]post-0007.md`, or `.../post-0013/index.md` for a bundle.
fn post_path(i: usize) -> String {
    format!("content/{}", post_source(i))
}

fn post_source(i: usize) -> String {
    let dir = if in_archive(i) { "journal/archive" } else { "journal" };
    if is_bundle(i) { format!("{dir}/post-{i:04}/index.md") } else { format!("{dir}/post-{i:04}.md") }
}

/// A relative Markdown link from post `from` to post `to`.
fn post_link(from: usize, to: usize) -> String {
    let mut up = String::new();
    if is_bundle(from) {
        up.push_str("../");
    }
    if in_archive(from) {
        up.push_str("../");
    }
    let target = post_source(to);
    format!("{up}{}", target.strip_prefix("journal/").unwrap())
}

fn post(i: usize, posts: usize) -> String {
    let mut rng = Rng::new(10_000 + i as u64);
    // Three posts share each date, so the feed and listings need their tie-breaks.
    let day = i / 3;
    let date = format!("{}-{:02}-{:02}", 2019 + day % 6, 1 + (day / 6) % 12, 1 + (day / 72) % 28);
    let mut fm = vec![format!("title: \"{} {i}\"", words(&mut rng, 3)), format!("date: {date}")];
    if i % 9 != 8 {
        fm.push(format!("description: {}", words(&mut rng, 10)));
    }
    if i.is_multiple_of(4) {
        fm.push(format!("updated: {}-06-{:02}", 2025, 1 + i % 28));
    }
    let tags: Vec<&str> = (0..2 + rng.below(3)).map(|_| rng.pick(TAGS)).collect();
    fm.push(format!("tags: [{}]", tags.join(", ")));
    if i % 13 == 12 {
        fm.push(format!("slug: story-{i}"));
    }
    if i % 11 == 10 {
        fm.push(format!("aliases: [\"/old/posts/{i}/\"]"));
    }
    if is_draft(i) {
        fm.push("draft: true".into());
    }
    if i % 17 == 16 {
        fm.push("extra: { featured: true, rating: 5 }".into());
    }

    let up = match (is_bundle(i), in_archive(i)) {
        (false, false) => "../",
        (true, true) => "../../../",
        _ => "../../",
    };
    let mut body = front(&fm);
    writeln!(body, "{}\n", paragraph(&mut rng)).unwrap();
    for h in 0..2 + rng.below(3) {
        writeln!(body, "## {}\n\n{}\n", rng.pick(HEADINGS), paragraph(&mut rng)).unwrap();
        match (h + i) % 6 {
            0 => writeln!(body, "- {}\n- {}\n- {}\n", sentence(&mut rng, 4), sentence(&mut rng, 5), rng.pick(WORDS)),
            1 => writeln!(body, "1. {}\n2. {}\n", sentence(&mut rng, 4), sentence(&mut rng, 6)),
            2 => writeln!(body, "> [!TIP]\n> {}\n", sentence(&mut rng, 9)),
            3 => writeln!(body, "| Area | Sessions |\n|---|---:|\n| crown | {} |\n| temple | {} |\n", i % 4, 1 + i % 3),
            4 => writeln!(body, "### {}\n\n> {}\n", rng.pick(HEADINGS), sentence(&mut rng, 7)),
            _ => writeln!(body, "~~{}~~ {}\n", rng.pick(WORDS), sentence(&mut rng, 5)),
        }
        .unwrap();
    }
    // Links to published posts (never to a draft: that is an error), the sessions,
    // and an expectation's heading.
    let others: Vec<usize> = (1..=3).map(|k| (i + k * 7 + rng.below(50)) % posts).filter(|&j| j != i).collect();
    for j in others.into_iter().filter(|&j| !is_draft(j)) {
        writeln!(body, "Related: [post {j}]({}).", post_link(i, j)).unwrap();
    }
    writeln!(
        body,
        "\nSee [session {s}]({up}process/session-{s}.md) and [aftercare]({up}expectations/{e}.md#aftercare).\n",
        s = 1 + i % SESSIONS,
        e = expectation_name(i % EXPECTATIONS),
    )
    .unwrap();
    writeln!(body, "![Healed result {i}](/images/hairline-{}.png \"Healed\")\n", i % IMAGE_SIZES.len()).unwrap();
    if is_bundle(i) {
        writeln!(body, "![The client's crown after {i} weeks](photo.png)\n").unwrap();
    }
    if i.is_multiple_of(6) {
        writeln!(body, "![Diagram](/images/diagram.svg)\n").unwrap();
    }
    if i % 4 == 1 {
        writeln!(body, "Results vary[^1].\n\n[^1]: {}\n", sentence(&mut rng, 6)).unwrap();
    }
    body
}

/// A real RGBA PNG of `width` x `height` (one stored deflate block), so image sizes
/// come from a genuine header.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend([(x * 5) as u8, (y * 7) as u8, 120, 255]);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    for (k, block) in raw.chunks(65_535).enumerate() {
        let last = u8::from((k + 1) * 65_535 >= raw.len());
        let len = block.len() as u16;
        zlib.push(last);
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (&b"IDAT"[..], &zlib[..]), (&b"IEND"[..], &[][..])] {
        png.extend((data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend(kind);
        png.extend(data);
        let crc = crc32(&png[start..]);
        png.extend(crc.to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
