//! What a [`Renderer`] makes and when `serve` must make it again: the output plan (every
//! output file and the job that makes it) and each job's key, with what the home page
//! shows of other pages.

use std::hash::{Hash, Hasher};

use super::owners::{self, AdminFile, Job, Origin, Outputs, alias_output};
use super::{FEED, FEED_ENTRIES, LATEST, Renderer, clinic, feeds, hosts, template_for};
use crate::error::Diagnostic;
use crate::site::{Kind, PageId, hash_of};

impl<'a> Renderer<'a> {
    /// A fingerprint of everything rendering `job` reads, so `serve` renders again only
    /// the files whose key changed. A page's key covers the page, its Markdown, the
    /// pages it shows (parent, breadcrumbs, prev/next, its listing: their front matter
    /// and URLs, see [`Renderer::summaries`]) and what every file shares (site.yaml,
    /// the templates, the `site` value); so a body edit renders that page again, and a
    /// title edit also the pages that list or link it. Copied files have no key (their
    /// bytes are compared). Keep it in step with `page_value`: the serve invariant test
    /// guards it.
    pub fn key(&self, job: Job) -> Option<u64> {
        let site = self.site;
        let s = &self.summaries;
        Some(match job {
            Job::Page(id) => {
                let page = &site.pages[id];
                let related = [page.parent, page.prev, page.next].map(|p| p.map(|p| s[p]));
                let latest = self.latest_of(id);
                let showcased = self.showcased(id);
                let listed = page.pages.iter().chain(&page.subsections).chain(&latest).chain(&showcased).map(|&p| s[p]);
                let faq_body =
                    if site.is_home(id) { self.faq_of(page.lang).map(|f| self.bodies.hash(f)) } else { None };
                let translations = page.translations.iter().map(|t| t.map(|t| s[t]));
                let ancestry = std::iter::successors(page.parent, |&p| site.pages[p].parent).map(|p| s[p]);
                let mut h = self.hasher();
                (1u8, s[id], site.is_home(id), template_for(page), self.bodies.hash(id), related).hash(&mut h);
                faq_body.hash(&mut h);
                translations.for_each(|t| t.hash(&mut h));
                listed.chain([u64::MAX]).chain(ancestry).for_each(|x| x.hash(&mut h));
                h.finish()
            }
            Job::Alias(target) => hash_of((self.global_key, 2u8, s[target])),
            Job::NotFound(lang) => hash_of((self.global_key, 3u8, s[site.home_of(lang)])),
            Job::Robots => hash_of((self.global_key, 4u8)),
            // What `feeds::sitemap` reads of each page: its URL, its dates and its
            // translations (a title edit leaves the sitemap as it is).
            Job::Sitemap => {
                let mut h = self.hasher();
                5u8.hash(&mut h);
                for page in &site.pages {
                    (&page.path, page.doc.meta.updated.or(page.doc.meta.date), &page.translations).hash(&mut h);
                }
                h.finish()
            }
            Job::Feed => {
                let entries: Vec<(u64, u64)> = self.newest[..FEED_ENTRIES.min(self.newest.len())]
                    .iter()
                    .map(|&id| (s[id], self.bodies.hash(id)))
                    .collect();
                hash_of((self.global_key, 6u8, entries))
            }
            Job::Stylesheet => hash_of((self.global_key, 8u8)),
            Job::Host(file) => {
                let aliases: Vec<(&String, u64)> = site.aliases.iter().map(|(a, &t)| (a, s[t])).collect();
                hash_of((self.global_key, 9u8, file, aliases))
            }
            Job::Admin(file) => {
                let mut h = self.hasher();
                (10u8, file).hash(&mut h);
                if file == AdminFile::Config {
                    // `admin::config_yml` lists the home page, the top-level pages and
                    // sections (titles, menu titles, FAQ or not): their summaries count,
                    // and where every other page sits (a title edit deeper down leaves
                    // the config as it is).
                    for (id, page) in site.pages.iter().enumerate() {
                        let parent = page.parent.map(|p| site.pages[p].kind);
                        (&page.doc.key, page.kind, page.lang, parent).hash(&mut h);
                        if page.kind != Kind::Page || parent == Some(Kind::Home) {
                            s[id].hash(&mut h);
                        }
                    }
                }
                h.finish()
            }
            Job::Copy(_) => return None,
            Job::Photo(path, variant) => hash_of((7u8, self.photos.get(path).map(|p| p.fingerprint()), variant)),
        })
    }

    /// The pages the home page shows besides its own listings: the process section, its
    /// sessions, and the FAQ page.
    pub(super) fn showcased(&self, id: PageId) -> Vec<PageId> {
        if !self.site.is_home(id) {
            return Vec::new();
        }
        let lang = self.site.pages[id].lang;
        let process = self.process_of(lang);
        let sessions = process.map(|p| self.site.pages[p].pages.clone()).unwrap_or_default();
        process.into_iter().chain(sessions).chain(self.faq_of(lang)).collect()
    }

    /// The process section the home page of language `lang` shows: the default
    /// language's, or its translation (none when it is not translated).
    pub(super) fn process_of(&self, lang: usize) -> Option<PageId> {
        let id = self.process?;
        let shown = self.site.in_language(id, lang);
        (self.site.pages[shown].lang == lang).then_some(shown)
    }

    /// The FAQ page the home page of language `lang` shows, as [`Renderer::process_of`].
    pub(super) fn faq_of(&self, lang: usize) -> Option<PageId> {
        let id = self.faq?;
        let shown = self.site.in_language(id, lang);
        (self.site.pages[shown].lang == lang).then_some(shown)
    }

    /// Whether rendering page `id` reads another page's Markdown (the home page shows
    /// the FAQ's first questions), so an unchanged body of its own does not settle it.
    pub fn shows_other_bodies(&self, id: PageId) -> bool {
        self.site.is_home(id) && self.faq_of(self.site.pages[id].lang).is_some()
    }

    /// The newest dated pages page `id` lists: on a home page, those of its language.
    pub(super) fn latest_of(&self, id: PageId) -> Vec<PageId> {
        if !self.site.is_home(id) {
            return Vec::new();
        }
        let lang = self.site.pages[id].lang;
        if lang == 0 {
            return self.newest[..LATEST.min(self.newest.len())].to_vec();
        }
        feeds::newest_dated(self.site, LATEST, lang)
    }

    /// The part of every key that all files share (site.yaml, templates, the `site` value).
    pub fn global_key(&self) -> u64 {
        self.global_key
    }

    pub(super) fn hasher(&self) -> impl Hasher {
        let mut h = std::hash::BuildHasher::build_hasher(&crate::site::hasher());
        self.global_key.hash(&mut h);
        h
    }

    /// Every output file: pages, aliases, the 404 page, sitemap, feed, robots.txt, the
    /// fingerprinted stylesheet, the hosts' rule files, the theme's static files and the
    /// content's `assets` (output path -> bytes). A path
    /// claimed twice, or a page asking for a template the theme lacks, is an error.
    pub fn outputs(
        &self,
        assets: impl IntoIterator<Item = (String, &'a [u8])>,
    ) -> Result<Outputs<'a>, Vec<Diagnostic>> {
        let (site, theme) = (self.site, self.theme);
        let mut generated: Vec<(String, Job)> = Vec::with_capacity(site.pages.len() + site.aliases.len() + 4);
        let mut problems = Vec::new();
        for (id, page) in site.pages.iter().enumerate() {
            let name = template_for(page);
            if !theme.templates.contains_key(name) {
                let (line, col) = page.doc.key_position("template");
                problems.push(
                    Diagnostic::error(page.doc.display_path(), line, col, format!("there is no template `{name}`"))
                        .with_help(format!(
                            "use one of: {}",
                            theme.templates.keys().cloned().collect::<Vec<_>>().join(", ")
                        ))
                        .with_source(page.doc.text()),
                );
            }
            problems.extend(clinic::page_problems(page));
            generated.push((format!("{}index.html", page.path), Job::Page(id)));
        }
        for (alias, &target) in &site.aliases {
            generated.push((alias_output(alias), Job::Alias(target)));
        }
        generated.push(("404.html".into(), Job::NotFound(0)));
        for lang in 1..site.languages.len() {
            generated.push((format!("{}404.html", site.pages[site.home_of(lang)].path), Job::NotFound(lang)));
        }
        generated.push(("sitemap.xml".into(), Job::Sitemap));
        if !self.newest.is_empty() {
            generated.push((FEED.into(), Job::Feed));
        }
        generated.push(("robots.txt".into(), Job::Robots));
        if let Some((path, _)) = &self.stylesheet {
            generated.push((path.clone(), Job::Stylesheet));
        }
        generated
            .extend(hosts::files(self.config.hosting).into_iter().map(|(path, file)| (path.into(), Job::Host(file))));
        if self.config.admin.is_some() {
            for (name, file) in
                [("index.html", AdminFile::Page), ("config.yml", AdminFile::Config), ("preview.js", AdminFile::Preview)]
            {
                generated.push((format!("{}{name}", crate::admin::FOLDER), Job::Admin(file)));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let statics = theme.statics.iter().map(|(p, b)| (p.clone(), &b[..], Origin::Static));
        let assets = assets.into_iter().map(|(p, b)| (p, b, Origin::Content));
        // A photo publishes itself without metadata, and its smaller copies beside it.
        let files = statics.chain(assets).flat_map(|(path, bytes, origin)| match self.photos.entry(&path) {
            Some((key, photo)) => crate::photo::outputs(key, photo.format, photo.size.unwrap_or((0, 0)))
                .into_iter()
                .map(|(out, variant)| (out, Job::Photo(key, variant), origin))
                .collect(),
            None => vec![(path, Job::Copy(bytes), origin)],
        });
        owners::plan(site, generated.into_iter().map(|(p, j)| (p, j, Origin::Site)).chain(files))
    }
}
