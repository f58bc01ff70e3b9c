//! Markdown → sanitised HTML, plain text and outgoing page links; the one door through which
//! untrusted HTML becomes `SafeHtml`. It knows nothing of HTTP, git or the access policy: all it
//! learns about a wiki comes in a `RenderContext`, and it never fails.
//!
//! Rendering works on pulldown-cmark's event stream: a first pass collects headings and footnotes
//! (ids and the table of contents must be known before they are written), a second rewrites
//! links, images, headings, table cells and footnotes into events of our own, then pulldown-cmark
//! writes the HTML and ammonia cleans all of it, raw HTML included, once.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use pulldown_cmark::{Alignment, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// HTML that is safe to emit unescaped. Only this module can construct it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl maud::Render for SafeHtml {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&self.0)
    }
}

/// What the renderer needs to know about the wiki it renders for.
pub struct RenderContext<'a> {
    /// URL prefix of the wiki's pages, ending in '/': "/remix/" normally, "/" when the wiki is
    /// served at a host's root.
    pub prefix: &'a str,
    /// Folder of the page being rendered, relative to the wiki root, without leading or trailing
    /// '/'; "" at the root.
    pub folder: &'a str,
    /// Whether a page exists, given its page path without ".md" (e.g. "Guides/Getting started").
    pub page_exists: &'a dyn Fn(&str) -> bool,
    /// A link to another wiki of the farm, `[[slug:Page]]`: given the slug and the page path
    /// (`None` when the path would leave that wiki), where that wiki's pages are and whether the
    /// page may be shown as existing; `None` when the slug names no wiki, and the whole target
    /// is then an ordinary page name.
    pub other_wiki: &'a dyn Fn(&str, Option<&str>) -> Option<OtherPage>,
}

/// What the renderer learns about a link into another wiki.
pub struct OtherPage {
    /// That wiki's URL prefix, ending in '/'.
    pub prefix: String,
    /// Whether the page exists and the reader may read it: a page they may not read is shown
    /// exactly like a missing one.
    pub exists: bool,
}

/// A context that knows no page and no other wiki: for text shown out of any wiki.
pub fn no_other_wiki(_: &str, _: Option<&str>) -> Option<OtherPage> {
    None
}

#[derive(Clone, Debug)]
pub struct Rendered {
    pub html: SafeHtml,
    /// Text of the first level-1 heading, if any.
    pub title: Option<String>,
    /// Plain text of the page (no markup), for search snippets later.
    pub text: String,
    /// Page paths this page links to (resolved, without .md), deduplicated, in order.
    pub links: Vec<String>,
    /// The text of every heading, in order (for search).
    pub headings: Vec<String>,
    /// Set when the page would cost too much to show (see [`TooComplex`]): `html` is then
    /// empty, and the reader is offered the raw text instead.
    pub too_complex: Option<TooComplex>,
}

/// Why a page is not shown as HTML. Each bound keeps the cost of one render, in time and in
/// memory, proportional to what a page of ordinary shape costs, whatever its author wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TooComplex {
    /// Elements nested deeper than [`MAX_NESTING`].
    Nesting,
    /// More work than [`MAX_WORK`]: many elements, each inside many others.
    Work,
    /// More HTML than [`MAX_HTML_BYTES`].
    Size,
}

/// The deepest nesting of elements shown: no one reads a quote inside a hundred quotes, and
/// the HTML tree builder's work grows with the square of the depth.
pub const MAX_NESTING: usize = 100;

/// The bound on the tree builder's work, counted as the sum over all elements of their depth
/// (what it spends looking through the open elements). An ordinary 1 MiB page costs a tenth of
/// it; at the bound, a render takes about a quarter of a second.
pub const MAX_WORK: usize = 4_000_000;

/// The most HTML a page may turn into before sanitising.
pub const MAX_HTML_BYTES: usize = 4 << 20;

/// Renders a page. Whatever the input, the result is well-formed, sanitised HTML.
pub fn render(markdown: &str, ctx: &RenderContext) -> Rendered {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    let outline = Outline::scan(&events);
    if let Err(reason) = within_bounds(&events) {
        return too_complex(outline, reason);
    }
    let mut writer = Writer {
        ctx,
        outline: &outline,
        events: Vec::with_capacity(events.len()),
        text: String::with_capacity(markdown.len()),
        links: Vec::new(),
        linked: HashSet::new(),
    };
    writer.rewrite(events);
    let Writer {
        events,
        text,
        links,
        ..
    } = writer;

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if html.len() > MAX_HTML_BYTES {
        return too_complex(outline, TooComplex::Size);
    }
    let html = SafeHtml(SANITIZER.clean(&html).to_string());

    Rendered {
        html,
        headings: outline.headings.iter().map(|h| h.text.clone()).collect(),
        title: outline.title,
        text: collapse_whitespace(&text),
        links,
        too_complex: None,
    }
}

/// What is left of a page too complex to show: its title and headings, no HTML.
fn too_complex(outline: Outline, reason: TooComplex) -> Rendered {
    Rendered {
        html: SafeHtml(String::new()),
        headings: outline.headings.iter().map(|h| h.text.clone()).collect(),
        title: outline.title,
        text: String::new(),
        links: Vec::new(),
        too_complex: Some(reason),
    }
}

/// Measures the tree the events will build, raw HTML included, against the bounds. Linear in
/// the events, and far cheaper than building the tree.
fn within_bounds(events: &[Event]) -> Result<(), TooComplex> {
    let mut depth = 0usize;
    let mut work = 0usize;
    let mut enter = |depth: &mut usize| {
        *depth += 1;
        work += *depth;
        if *depth > MAX_NESTING {
            Err(TooComplex::Nesting)
        } else if work > MAX_WORK {
            Err(TooComplex::Work)
        } else {
            Ok(())
        }
    };
    // Raw HTML opens elements that Markdown does not see close; they count until closed.
    let mut raw = 0usize;
    for event in events {
        match event {
            Event::Start(_) => enter(&mut depth)?,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                for tag in raw_tags(html) {
                    match tag {
                        RawTag::Open => {
                            let mut total = depth + raw;
                            enter(&mut total)?;
                            raw += 1;
                        }
                        RawTag::Close => raw = raw.saturating_sub(1),
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

enum RawTag {
    Open,
    Close,
}

/// Elements that never hold others, so never deepen the tree.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The element tags in a piece of raw HTML, roughly as a browser would see them: `<name`
/// opens (unless void or self-closing), `</name` closes.
fn raw_tags(html: &str) -> impl Iterator<Item = RawTag> + '_ {
    html.match_indices('<').filter_map(|(at, _)| {
        let rest = &html[at + 1..];
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
            return None;
        }
        if closing {
            return Some(RawTag::Close);
        }
        let void = VOID_ELEMENTS.iter().any(|v| v.eq_ignore_ascii_case(name));
        let self_closing = rest[name_len..]
            .split('>')
            .next()
            .is_some_and(|attributes| attributes.ends_with('/'));
        (!void && !self_closing).then_some(RawTag::Open)
    })
}

/// Percent-encodes a page or file path for a URL, segment by segment, keeping '/'.
/// ("Guides/Café au lait" -> "Guides/Caf%C3%A9%20au%20lait")
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, SEGMENT));
    }
    out
}

/// Everything but RFC 3986's unreserved characters is encoded. This is stricter than a path
/// needs, on purpose: '\\' (which browsers read as '/'), ':' and quotes never reach an href raw.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The Markdown dialect of every wiki (also read by the search indexer).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Built once and shared: the allow-lists are the same for every page.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        // Task-list checkboxes. Whatever an author writes, an input is disabled and at most a
        // checkbox; there are no forms to submit it anyway. Only one attribute is forced, because
        // ammonia adds forced attributes in hash order and the output must be deterministic.
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .set_tag_attribute_value("input", "disabled", "")
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("img", ["title"])
        // Heading anchors, footnotes and the table of contents need ids and classes; style
        // attributes stay out (they can hide or overlay the interface). Every id in a page's
        // content starts with the content prefix and every class is one of the renderer's own,
        // so nothing an author writes can take the place of an element of the interface.
        .add_generic_attributes(["id", "class"])
        .id_prefix(Some(ID_PREFIX))
        .attribute_filter(|_element, attribute, value| match attribute {
            "class" => content_classes(value),
            _ => Some(value.into()),
        })
        // These go with everything inside them rather than leaving their text behind.
        .add_clean_content_tags([
            "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
            "math", "template", "noscript", "noembed", "noframes", "textarea", "select", "title",
            "xmp",
        ])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
});

/// The start of every id inside a page's content: heading anchors (`#h-getting-started`),
/// footnotes and ids written in raw HTML alike. No id of the interface starts with it.
pub const ID_PREFIX: &str = "h-";

/// The classes a page's content may carry: those the renderer writes, and `language-…` on code
/// blocks. None of them is a class of the interface.
pub const CONTENT_CLASSES: &[&str] = &[
    "anchor",
    "footnote-definition",
    "footnote-definition-label",
    "footnote-reference",
    "interwiki",
    "missing",
    "task-list-item",
    "toc",
    "wikilink",
];

/// Keeps the content classes of a class attribute and drops the rest (and the attribute, when
/// nothing is left).
fn content_classes(value: &str) -> Option<std::borrow::Cow<'_, str>> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| {
            CONTENT_CLASSES.contains(class)
                || class
                    .strip_prefix("language-")
                    .is_some_and(|language| !language.is_empty())
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" ").into())
}

/// A link's fragment, pointing into the content's id space: `#install` → `#h-install`.
fn content_fragment(fragment: &str) -> String {
    if fragment.starts_with(ID_PREFIX) {
        format!("#{fragment}")
    } else {
        format!("#{ID_PREFIX}{fragment}")
    }
}

/// What must be known about the whole document before any of it is written.
struct Outline {
    /// Headings in document order.
    headings: Vec<Heading>,
    title: Option<String>,
    /// Index of the heading whose text is the title: the table of contents leaves it out.
    title_heading: Option<usize>,
    /// Footnote numbers by label, in order of first appearance.
    footnotes: HashMap<String, usize>,
    /// Event indexes where a paragraph holding only `[[_TOC_]]` starts.
    tocs: HashSet<usize>,
}

struct Heading {
    level: HeadingLevel,
    id: String,
    text: String,
}

const TOC_MARKER: &str = "_TOC_";

impl Outline {
    fn scan(events: &[Event]) -> Outline {
        let mut footnotes = HashMap::new();
        let mut tocs = HashSet::new();
        // (level, custom id, text) before ids are made unique.
        let mut raw: Vec<(HeadingLevel, Option<String>, String)> = Vec::new();
        let mut in_heading = false;

        for (i, event) in events.iter().enumerate() {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    in_heading = true;
                    raw.push((*level, id.as_ref().map(|id| id.to_string()), String::new()));
                }
                Event::End(TagEnd::Heading(_)) => in_heading = false,
                Event::Text(text) | Event::Code(text) if in_heading => {
                    if let Some(heading) = raw.last_mut() {
                        heading.2.push_str(text);
                    }
                }
                Event::SoftBreak | Event::HardBreak if in_heading => {
                    if let Some(heading) = raw.last_mut() {
                        heading.2.push(' ');
                    }
                }
                Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => {
                    let next = footnotes.len() + 1;
                    footnotes.entry(label.to_string()).or_insert(next);
                }
                Event::Start(Tag::Paragraph) if is_toc(&events[i..]) => {
                    tocs.insert(i);
                }
                _ => {}
            }
        }

        // Explicit ids and footnote ids are claimed first, so generated ones step around them.
        let raw: Vec<_> = raw
            .into_iter()
            .map(|(level, id, text)| (level, id.map(|id| content_id(&id)), text))
            .collect();
        let mut used: HashSet<String> = raw.iter().filter_map(|(_, id, _)| id.clone()).collect();
        used.extend(footnotes.values().map(|n| footnote_id(*n)));
        let headings: Vec<Heading> = raw
            .into_iter()
            .map(|(level, id, text)| {
                let text = collapse_whitespace(&text);
                let id = id.unwrap_or_else(|| unique_id(content_id(&slugify(&text)), &mut used));
                Heading { level, id, text }
            })
            .collect();
        let title_heading = headings.iter().position(|h| h.level == HeadingLevel::H1);
        let title = title_heading.map(|i| headings[i].text.clone());

        Outline {
            headings,
            title,
            title_heading,
            footnotes,
            tocs,
        }
    }

    /// A nested list of the headings (h1–h4, the title left out) linking to their anchors;
    /// empty when there is nothing to list.
    fn toc_html(&self) -> String {
        let entries = self
            .headings
            .iter()
            .enumerate()
            .filter(|(i, h)| Some(*i) != self.title_heading && h.level <= HeadingLevel::H4)
            .map(|(_, heading)| heading);
        let mut html = String::from("<nav class=\"toc\">");
        // Levels of the lists currently open; each open list has an open item.
        let mut open: Vec<HeadingLevel> = Vec::new();
        for heading in entries {
            while open.len() > 1 && open.last().is_some_and(|top| *top > heading.level) {
                html.push_str("</li></ul>");
                open.pop();
            }
            match open.last_mut() {
                Some(top) if *top < heading.level => {
                    html.push_str("<ul>");
                    open.push(heading.level);
                }
                Some(top) => {
                    html.push_str("</li>");
                    // A first heading deeper than the ones that follow leaves the outer list at
                    // the shallower level.
                    *top = (*top).min(heading.level);
                }
                None => {
                    html.push_str("<ul>");
                    open.push(heading.level);
                }
            }
            html.push_str("<li><a href=\"#");
            escape_into(&mut html, &heading.id);
            html.push_str("\">");
            escape_into(&mut html, &heading.text);
            html.push_str("</a>");
        }
        if open.is_empty() {
            return String::new();
        }
        for _ in open {
            html.push_str("</li></ul>");
        }
        html.push_str("</nav>\n");
        html
    }
}

/// Whether these events start with a paragraph holding nothing but `[[_TOC_]]`.
fn is_toc(events: &[Event]) -> bool {
    matches!(
        events,
        [
            Event::Start(Tag::Paragraph),
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole: false }, dest_url, .. }),
            Event::Text(_),
            Event::End(TagEnd::Link),
            Event::End(TagEnd::Paragraph),
            ..
        ] if dest_url.as_ref() == TOC_MARKER
    )
}

fn footnote_id(number: usize) -> String {
    format!("{ID_PREFIX}fn-{number}")
}

/// Lowercase letters and digits of any script; runs of spaces and dashes become one '-'; other
/// punctuation is dropped.
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// An id in the content's id space.
fn content_id(id: &str) -> String {
    if id.starts_with(ID_PREFIX) {
        id.to_owned()
    } else {
        format!("{ID_PREFIX}{id}")
    }
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .expect("an unbounded range always yields an unused suffix")
}

/// The second pass: turns parser events into the events pulldown-cmark will write.
struct Writer<'r, 'c> {
    ctx: &'r RenderContext<'c>,
    outline: &'r Outline,
    events: Vec<Event<'r>>,
    text: String,
    links: Vec<String>,
    linked: HashSet<String>,
}

impl<'r> Writer<'r, '_> {
    fn rewrite(&mut self, events: Vec<Event<'r>>) {
        let outline = self.outline;
        let mut headings = outline.headings.iter();
        let mut heading_ids: Vec<&str> = Vec::new();
        let mut in_table_head = false;
        let mut alignments: Vec<Alignment> = Vec::new();
        let mut column = 0;

        let mut input = events.into_iter().enumerate();
        while let Some((i, event)) = input.next() {
            match event {
                Event::Start(Tag::Paragraph) if outline.tocs.contains(&i) => {
                    // The marker's link, its text and the paragraph's end.
                    input.by_ref().take(4).for_each(drop);
                    let toc = outline.toc_html();
                    if !toc.is_empty() {
                        self.events.push(Event::Html(toc.into()));
                    }
                }
                Event::Start(Tag::Heading { level, classes, .. }) => {
                    let heading = headings
                        .next()
                        .expect("the outline holds one heading per heading start");
                    let mut html = format!("<{level} id=\"");
                    escape_into(&mut html, &heading.id);
                    html.push('"');
                    if !classes.is_empty() {
                        html.push_str(" class=\"");
                        escape_into(&mut html, &classes.join(" "));
                        html.push('"');
                    }
                    html.push('>');
                    heading_ids.push(&heading.id);
                    self.events.push(Event::Html(html.into()));
                }
                Event::End(TagEnd::Heading(level)) => {
                    let id = heading_ids.pop().unwrap_or_default();
                    let mut html = String::from(" <a class=\"anchor\" href=\"#");
                    escape_into(&mut html, id);
                    html.push_str(&format!("\">#</a></{level}>\n"));
                    self.events.push(Event::Html(html.into()));
                    self.text.push(' ');
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) => {
                    let html = self.link_start(link_type, &dest_url, &title);
                    self.events.push(Event::InlineHtml(html.into()));
                }
                Event::End(TagEnd::Link) => self.events.push(Event::InlineHtml("</a>".into())),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) => {
                    let alt = image_alt(&mut input);
                    self.text.push_str(&alt);
                    let html = self.image(link_type, &dest_url, &title, &alt);
                    self.events.push(Event::InlineHtml(html.into()));
                }
                Event::FootnoteReference(label) => {
                    let n = self.footnote_number(&label);
                    let html = format!(
                        "<sup class=\"footnote-reference\"><a href=\"#{}\">{n}</a></sup>",
                        footnote_id(n)
                    );
                    self.events.push(Event::InlineHtml(html.into()));
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let n = self.footnote_number(&label);
                    let html = format!(
                        "<div class=\"footnote-definition\" id=\"{}\">\
                         <sup class=\"footnote-definition-label\">{n}</sup>",
                        footnote_id(n)
                    );
                    self.events.push(Event::Html(html.into()));
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    self.events.push(Event::Html("</div>\n".into()));
                    self.text.push(' ');
                }
                // pulldown-cmark aligns cells with style attributes, which the sanitiser
                // removes; the align attribute does the same job and survives.
                Event::Start(Tag::Table(aligns)) => {
                    alignments = aligns.clone();
                    self.events.push(Event::Start(Tag::Table(aligns)));
                }
                Event::Start(Tag::TableHead) => {
                    in_table_head = true;
                    column = 0;
                    self.events.push(Event::Start(Tag::TableHead));
                }
                Event::End(TagEnd::TableHead) => {
                    in_table_head = false;
                    self.events.push(Event::End(TagEnd::TableHead));
                }
                Event::Start(Tag::TableRow) => {
                    column = 0;
                    self.events.push(Event::Start(Tag::TableRow));
                }
                Event::Start(Tag::TableCell) => {
                    let cell = if in_table_head { "th" } else { "td" };
                    let align = match alignments.get(column) {
                        Some(Alignment::Left) => " align=\"left\"",
                        Some(Alignment::Center) => " align=\"center\"",
                        Some(Alignment::Right) => " align=\"right\"",
                        Some(Alignment::None) | None => "",
                    };
                    self.events
                        .push(Event::Html(format!("<{cell}{align}>").into()));
                }
                Event::End(TagEnd::TableCell) => {
                    let cell = if in_table_head { "th" } else { "td" };
                    self.events.push(Event::Html(format!("</{cell}>").into()));
                    self.text.push(' ');
                    column += 1;
                }
                Event::Text(ref text) | Event::Code(ref text) => {
                    self.text.push_str(text);
                    self.events.push(event);
                }
                Event::SoftBreak | Event::HardBreak => {
                    self.text.push(' ');
                    self.events.push(event);
                }
                Event::End(
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::BlockQuote(_),
                ) => {
                    self.text.push(' ');
                    self.events.push(event);
                }
                other => self.events.push(other),
            }
        }
    }

    fn footnote_number(&self, label: &str) -> usize {
        self.outline.footnotes.get(label).copied().unwrap_or(0)
    }

    /// The opening `<a>` of any link. Its label's events follow untouched.
    fn link_start(&mut self, link_type: LinkType, dest: &str, title: &str) -> String {
        let target = match link_type {
            LinkType::WikiLink { .. } => self.resolve_wikilink(dest),
            LinkType::Email => Target::Kept(format!("mailto:{dest}")),
            LinkType::Autolink => Target::Kept(dest.to_owned()),
            _ => self.resolve_relative(dest, false),
        };
        let mut html = String::from("<a");
        match target {
            Target::Kept(href) => {
                push_attr(&mut html, "href", &href);
                push_attr(&mut html, "title", title);
            }
            Target::File { path, suffix } => {
                push_attr(&mut html, "href", &self.file_url(&path, &suffix));
                push_attr(&mut html, "title", title);
            }
            Target::Page { path, suffix } => {
                let href = format!("{}{}{suffix}", self.ctx.prefix, encode_path(&path));
                // The empty path is the wiki's root: always there, and not a page to list.
                let exists = path.is_empty() || (self.ctx.page_exists)(&path);
                push_attr(
                    &mut html,
                    "class",
                    if exists {
                        "wikilink"
                    } else {
                        "wikilink missing"
                    },
                );
                push_attr(&mut html, "href", &href);
                if !title.is_empty() {
                    push_attr(&mut html, "title", title);
                } else if !exists {
                    push_attr(&mut html, "title", &path);
                }
                if !path.is_empty() && self.linked.insert(path.clone()) {
                    self.links.push(path);
                }
            }
            Target::Other {
                slug,
                path,
                suffix,
                prefix,
                exists,
            } => {
                let href = format!("{prefix}{}{suffix}", encode_path(&path));
                push_attr(
                    &mut html,
                    "class",
                    if exists {
                        "wikilink interwiki"
                    } else {
                        "wikilink interwiki missing"
                    },
                );
                push_attr(&mut html, "href", &href);
                // Made of what the author wrote only, so that it tells nothing of the target.
                let written = format!("{slug}:{path}");
                push_attr(
                    &mut html,
                    "title",
                    if title.is_empty() { &written } else { title },
                );
            }
            Target::Nowhere => {
                push_attr(&mut html, "class", "wikilink missing");
                push_attr(&mut html, "title", title);
            }
        }
        html.push('>');
        html
    }

    fn image(&self, link_type: LinkType, dest: &str, title: &str, alt: &str) -> String {
        let target = match link_type {
            // `![[logo.png]]` names a file from the wiki's root.
            LinkType::WikiLink { .. } => match normalize("", dest.trim().trim_start_matches('/')) {
                Some(path) => Target::File {
                    path,
                    suffix: String::new(),
                },
                None => Target::Nowhere,
            },
            _ => self.resolve_relative(dest, true),
        };
        let mut html = String::from("<img");
        match target {
            Target::Kept(src) => push_attr(&mut html, "src", &src),
            Target::File { path, suffix } | Target::Page { path, suffix } => {
                push_attr(&mut html, "src", &self.file_url(&path, &suffix));
            }
            Target::Other { .. } | Target::Nowhere => {}
        }
        push_attr(&mut html, "alt", alt);
        push_attr(&mut html, "title", title);
        html.push_str(" />");
        html
    }

    fn file_url(&self, path: &str, suffix: &str) -> String {
        format!("{}_files/{}{suffix}", self.ctx.prefix, encode_path(path))
    }

    /// `[[Target]]`: a page path from the root, or from the current folder when such a page
    /// exists there; `[[slug:Target]]` a page of another wiki of the farm. The target is a name,
    /// never a URL: it always leads inside the farm.
    fn resolve_wikilink(&self, dest: &str) -> Target {
        let written = WikiLinkDest::parse(dest);
        if let Some((slug, rest)) = interwiki(written.name) {
            let path = normalize("", rest);
            if let Some(other) = (self.ctx.other_wiki)(slug, path.as_deref()) {
                return match path {
                    Some(path) => Target::Other {
                        slug: slug.to_owned(),
                        path,
                        suffix: written.suffix,
                        prefix: other.prefix,
                        exists: other.exists,
                    },
                    None => Target::Nowhere,
                };
            }
        }
        let folder = self.ctx.folder;
        if !written.from_root
            && !folder.is_empty()
            && let Some(path) =
                normalize(folder, written.name).filter(|p| (self.ctx.page_exists)(p))
        {
            return Target::Page {
                path,
                suffix: written.suffix,
            };
        }
        match normalize("", written.name) {
            Some(path) => Target::Page {
                path,
                suffix: written.suffix,
            },
            None => Target::Nowhere,
        }
    }

    /// A Markdown link or image destination, relative to the current folder.
    fn resolve_relative(&self, dest: &str, image: bool) -> Target {
        relative_target(self.ctx.folder, dest, image)
    }
}

/// A Markdown link or image destination. URLs with a scheme and links to '/', '#' or '?' are
/// kept for the sanitiser to judge; anything else is a path relative to the current folder.
fn relative_target(folder: &str, dest: &str, image: bool) -> Target {
    if let Some(fragment) = dest.strip_prefix('#') {
        return Target::Kept(content_fragment(fragment));
    }
    if dest.is_empty() || dest.starts_with(['/', '?']) || has_scheme(dest) {
        return Target::Kept(dest.to_owned());
    }
    let split = dest.find(['?', '#']).unwrap_or(dest.len());
    let (raw_path, suffix) = dest.split_at(split);

    let decoded = percent_decode_str(raw_path).decode_utf8_lossy();
    let Some(path) = normalize(folder, &decoded) else {
        return Target::Nowhere;
    };
    let last = path.rsplit('/').next().unwrap_or_default();
    if image || (has_extension(last) && !is_markdown(last)) {
        Target::File {
            path,
            suffix: suffix.to_owned(),
        }
    } else {
        // A page's fragment names one of its anchors, which live in the content's id space.
        let suffix = match suffix.split_once('#') {
            Some((query, fragment)) => format!("{query}{}", content_fragment(fragment)),
            None => suffix.to_owned(),
        };
        Target::Page {
            path: strip_md(&path).to_owned(),
            suffix,
        }
    }
}

/// A wiki link's target as written: the name (without `.md` and leading '/'), whether it is
/// from the root, and the fragment it names.
struct WikiLinkDest<'a> {
    name: &'a str,
    from_root: bool,
    suffix: String,
}

impl<'a> WikiLinkDest<'a> {
    fn parse(dest: &'a str) -> Self {
        // In a table cell `[[P\|L]]` is how the pipe is escaped, and the backslash stays behind.
        let dest = dest.trim().trim_end_matches('\\').trim_end();
        let (name, suffix) = match dest.split_once('#') {
            // A wiki link names a heading by its text, as the heading's own anchor does.
            Some((name, fragment)) if !fragment.is_empty() => {
                (name, content_fragment(&slugify(fragment)))
            }
            _ => (dest, String::new()),
        };
        let name = strip_md(name);
        WikiLinkDest {
            name: name.trim_start_matches('/'),
            from_root: name.starts_with('/'),
            suffix,
        }
    }
}

/// `slug:Page` → the slug and the page path, when the prefix has the shape of a wiki's slug.
/// Whether it names a wiki of the farm is for the caller to say.
fn interwiki(name: &str) -> Option<(&str, &str)> {
    let (slug, rest) = name.split_once(':')?;
    let shaped = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    shaped.then(|| (slug, rest.trim_start_matches('/')))
}

/// A link from a page, as the link index keeps it: what it names, before anyone knows which
/// pages exist. The renderer resolves the same way, once it knows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outgoing {
    /// A page of the same wiki: `preferred` (in the linking page's folder) when it exists, else
    /// `path` (from the root).
    Page {
        preferred: Option<String>,
        path: String,
    },
    /// `[[slug:Page]]`: a page of another wiki, if `wiki` is one of the farm's.
    Other { wiki: String, path: String },
}

impl Outgoing {
    /// Whether this link may lead to `path` of its own wiki.
    pub fn may_name(&self, path: &str) -> bool {
        match self {
            Outgoing::Page {
                preferred,
                path: fallback,
            } => fallback == path || preferred.as_deref() == Some(path),
            Outgoing::Other { .. } => false,
        }
    }
}

/// The links of a page (wiki links and relative links to pages), deduplicated, in order. Costs
/// a parse, no HTML.
pub fn outgoing(markdown: &str, folder: &str) -> Vec<Outgoing> {
    let mut links = Vec::new();
    let mut seen = HashSet::new();
    for event in Parser::new_ext(markdown, options()) {
        if let Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) = event
            && let Some(link) = outgoing_link(link_type, &dest_url, folder)
            && seen.insert(link.clone())
        {
            links.push(link);
        }
    }
    links
}

/// What `[[dest]]` names from a page in `folder`.
pub fn wikilink_target(dest: &str, folder: &str) -> Option<Outgoing> {
    outgoing_link(LinkType::WikiLink { has_pothole: false }, dest, folder)
}

fn outgoing_link(link_type: LinkType, dest: &str, folder: &str) -> Option<Outgoing> {
    match link_type {
        LinkType::WikiLink { .. } => {
            let written = WikiLinkDest::parse(dest);
            if let Some((wiki, rest)) = interwiki(written.name) {
                return Some(Outgoing::Other {
                    wiki: wiki.to_owned(),
                    path: normalize("", rest)?,
                });
            }
            let preferred = (!written.from_root && !folder.is_empty())
                .then(|| normalize(folder, written.name))
                .flatten();
            let path = normalize("", written.name)?;
            Some(Outgoing::Page {
                preferred: preferred.filter(|p| *p != path),
                path,
            })
        }
        LinkType::Email | LinkType::Autolink => None,
        _ => match relative_target(folder, dest, false) {
            Target::Page { path, .. } => Some(Outgoing::Page {
                preferred: None,
                path,
            }),
            _ => None,
        },
    }
}

/// The longest context shown for a link.
const CONTEXT_CHARS: usize = 240;

/// The text of the first block (paragraph, list item, heading, table cell) of a page holding a
/// link for which `wanted` holds: where a page is linked from, in words.
pub fn link_context(
    markdown: &str,
    folder: &str,
    wanted: impl Fn(&Outgoing) -> bool,
) -> Option<String> {
    let mut block = String::new();
    let mut found = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
                if !found =>
            {
                block.clear()
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) if found => break,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if !found => {
                found = outgoing_link(link_type, &dest_url, folder).is_some_and(|l| wanted(&l));
            }
            Event::Text(text) | Event::Code(text) => block.push_str(&text),
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            _ => {}
        }
    }
    if !found {
        return None;
    }
    let mut context = collapse_whitespace(&block);
    if let Some((cut, _)) = context.char_indices().nth(CONTEXT_CHARS) {
        context.truncate(cut);
        context.push('…');
    }
    Some(context)
}

/// Where a link's target is written in a page's Markdown, for a move to rewrite it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkSite {
    /// The bytes of the target as written: inside `[[…]]` up to `|` or `]]`, or the destination
    /// of `[…](…)` / `![…](…)`.
    pub range: std::ops::Range<usize>,
    pub kind: SiteKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiteKind {
    /// `[[Page]]`: what it names (`None` when it names no page, such as another wiki's).
    Wiki(Option<Outgoing>),
    /// A Markdown link or image relative to the page: the page or file path it leads to, and
    /// whether it leads to a file (an image always does).
    Relative { path: String, file: bool },
}

/// The page links, relative links and relative images of a page, with where their targets are
/// written. A link written in a way this cannot find exactly (reference links, targets with
/// escapes) is left out: a move then leaves it as it is rather than guess.
pub fn link_sites(markdown: &str, folder: &str) -> Vec<LinkSite> {
    let mut sites = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let (link_type, dest, image) = match &event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url, false),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url, true),
            _ => continue,
        };
        let written = &markdown[range.clone()];
        let site = match link_type {
            LinkType::WikiLink { .. } if !image => {
                let Some(inner) = written.strip_prefix("[[") else {
                    continue;
                };
                let end = inner
                    .find('|')
                    .or_else(|| inner.find("]]"))
                    .unwrap_or(inner.len());
                if inner[..end].trim() != dest.trim() {
                    continue;
                }
                let start = range.start + 2;
                LinkSite {
                    range: start..start + end,
                    kind: SiteKind::Wiki(outgoing_link(link_type, dest, folder)),
                }
            }
            LinkType::Inline => {
                let Some(open) = written.rfind("](") else {
                    continue;
                };
                let after = &written[open + 2..];
                let lead = after.len() - after.trim_start().len();
                let target = &after[lead..];
                let (offset, len) = match target.strip_prefix('<') {
                    Some(bracketed) => (1, bracketed.find('>').unwrap_or(0)),
                    None => (
                        0,
                        target.find([' ', '\t', '\n', ')']).unwrap_or(target.len()),
                    ),
                };
                let start = range.start + open + 2 + lead + offset;
                if len == 0 || markdown[start..start + len] != **dest {
                    continue;
                }
                let kind = match relative_target(folder, dest, image) {
                    Target::Page { path, .. } => SiteKind::Relative { path, file: false },
                    Target::File { path, .. } => SiteKind::Relative { path, file: true },
                    _ => continue,
                };
                LinkSite {
                    range: start..start + len,
                    kind,
                }
            }
            _ => continue,
        };
        sites.push(site);
    }
    sites
}

/// The relative address from a page in `folder` to `path` (both from the wiki's root), percent-
/// encoded, as a Markdown link writes it: `../Other/Page%20name`.
pub fn relative_address(folder: &str, path: &str) -> String {
    let from: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().map(|segment| encode_path(segment)));
    parts.join("/")
}

enum Target {
    /// Emitted as written; the sanitiser decides whether it may stay.
    Kept(String),
    /// A page path, and the query or fragment that followed it.
    Page { path: String, suffix: String },
    /// A page of another wiki.
    Other {
        slug: String,
        path: String,
        suffix: String,
        prefix: String,
        exists: bool,
    },
    /// An attachment's path, and the query or fragment that followed it.
    File { path: String, suffix: String },
    /// A path that would leave the wiki.
    Nowhere,
}

/// Consumes the events of an image's description up to its end, returning its plain text.
fn image_alt<'a>(input: &mut impl Iterator<Item = (usize, Event<'a>)>) -> String {
    let mut alt = String::new();
    let mut depth = 1;
    for (_, event) in input {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(text) | Event::Code(text) => alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

/// Joins `path` to `folder` and resolves "." and ".." segments; `None` when ".." would climb
/// above the wiki's root.
fn normalize(folder: &str, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in folder.split('/').chain(path.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            segment => segments.push(segment),
        }
    }
    Some(segments.join("/"))
}

fn is_markdown(name: &str) -> bool {
    name.len() > 3
        && name.is_char_boundary(name.len() - 3)
        && name[name.len() - 3..].eq_ignore_ascii_case(".md")
}

fn strip_md(name: &str) -> &str {
    if is_markdown(name) {
        &name[..name.len() - 3]
    } else {
        name
    }
}

/// A file extension is a short run of ASCII letters and digits, with at least one letter, after
/// the last dot: "logo.png" has one, "Release 1.2" and "Mr. Smith" do not.
fn has_extension(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && (1..=10).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// Whether `url` starts with a URL scheme ("https:", "mailto:", "javascript:").
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Appends ` name="value"`, escaped; nothing when the value is empty.
fn push_attr(html: &mut String, name: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    html.push(' ');
    html.push_str(name);
    html.push_str("=\"");
    escape_into(html, value);
    html.push('"');
}

/// Escapes text for an HTML attribute value or element content.
fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGES: &[&str] = &[
        "Home",
        "Other Page",
        "Café au lait",
        "Guides/Getting started",
        "Guides/Home",
        "Guides/sub/Page",
        "sub/Page",
        "a/b",
    ];

    /// The other wikis of the test farm: `lakou` (where `Charte` exists) and `secret`, which
    /// the reader may not read.
    fn other_wiki(slug: &str, path: Option<&str>) -> Option<OtherPage> {
        let exists = match slug {
            "lakou" => path == Some("Charte") || path == Some(""),
            "secret" => false,
            _ => return None,
        };
        Some(OtherPage {
            prefix: format!("/{slug}/"),
            exists,
        })
    }

    fn render_in(folder: &str, input: &str) -> Rendered {
        let exists = |path: &str| PAGES.contains(&path);
        let ctx = RenderContext {
            prefix: "/remix/",
            folder,
            page_exists: &exists,
            other_wiki: &other_wiki,
        };
        render(input, &ctx)
    }

    #[test]
    fn links_into_other_wikis() {
        check(
            "[[lakou:Charte]]",
            r#"<a class="wikilink interwiki" href="/lakou/Charte" title="lakou:Charte" rel="noopener noreferrer">lakou:Charte</a>"#,
        );
        check(
            "[[lakou:Charte|la charte]]",
            r#"href="/lakou/Charte" title="lakou:Charte" rel="noopener noreferrer">la charte</a>"#,
        );
        check(
            "[[lakou:Charte#Article 2]]",
            r#"href="/lakou/Charte#h-article-2""#,
        );
        // Missing, and unreadable: the same marks, from what was written only.
        check(
            "[[lakou:Statuts]]",
            r#"<a class="wikilink interwiki missing" href="/lakou/Statuts" title="lakou:Statuts""#,
        );
        check(
            "[[secret:Statuts]]",
            r#"<a class="wikilink interwiki missing" href="/secret/Statuts" title="secret:Statuts""#,
        );
        // A prefix that names no wiki stays part of an ordinary (and impossible) page name.
        check(
            "[[nosuch:Page]]",
            r#"<a class="wikilink missing" href="/remix/nosuch%3APage""#,
        );
        check(
            "[[Note: x]]",
            r#"class="wikilink missing" href="/remix/Note%3A%20x""#,
        );
        // Climbing out of the other wiki leads nowhere; a scheme is never a link.
        check(
            "[[lakou:../x]]",
            r#"<a class="wikilink missing" rel="noopener noreferrer">lakou:../x</a>"#,
        );
        check("[[lakou:]]", r#"class="wikilink interwiki" href="/lakou/""#);
        let html = render_in("", "[[javascript:alert(1)]]").html;
        assert!(
            !html.as_str().contains("href=\"javascript"),
            "{}",
            html.as_str()
        );
    }

    #[test]
    fn link_sites_point_at_the_targets_as_written() {
        let text = "See [[Guides/A#Top|a]], [b](../B%20c.md \"t\"), ![p](img/p.png), [[x:Y]], \
            [ref][r] and <https://example.org>.\n\n[r]: Other.md\n";
        let sites = link_sites(text, "Docs");
        let written: Vec<&str> = sites.iter().map(|s| &text[s.range.clone()]).collect();
        assert_eq!(written, ["Guides/A#Top", "../B%20c.md", "img/p.png", "x:Y"]);
        assert_eq!(
            sites[1].kind,
            SiteKind::Relative {
                path: "B c".into(),
                file: false
            }
        );
        assert_eq!(
            sites[2].kind,
            SiteKind::Relative {
                path: "Docs/img/p.png".into(),
                file: true
            }
        );
        assert_eq!(relative_address("Guides", "Guides/Voisin"), "Voisin");
        assert_eq!(relative_address("", "Équipe/A b"), "%C3%89quipe/A%20b");
        assert_eq!(
            relative_address("Équipe/Bénévoles", "Guides/images/p.png"),
            "../../Guides/images/p.png"
        );
        assert_eq!(relative_address("A/B", "A/C"), "../C");
    }

    #[test]
    fn outgoing_links_are_kept_as_written() {
        let text = "[[Home]] [[sub/Page]] [[/Top]] [[lakou:Charte]] [rel](../Up.md) \
            [[lakou:../x]] [web](https://example.org) [[Home]]";
        assert_eq!(
            outgoing(text, "Guides"),
            [
                Outgoing::Page {
                    preferred: Some("Guides/Home".into()),
                    path: "Home".into()
                },
                Outgoing::Page {
                    preferred: Some("Guides/sub/Page".into()),
                    path: "sub/Page".into()
                },
                Outgoing::Page {
                    preferred: None,
                    path: "Top".into()
                },
                Outgoing::Other {
                    wiki: "lakou".into(),
                    path: "Charte".into()
                },
                Outgoing::Page {
                    preferred: None,
                    path: "Up".into()
                },
            ]
        );
        let context = link_context(
            "# T\n\nFirst.\n\n- an item about [[lakou:Charte|the charter]], with words\n",
            "",
            |link| matches!(link, Outgoing::Other { path, .. } if path == "Charte"),
        );
        assert_eq!(
            context.as_deref(),
            Some("an item about the charter, with words")
        );
    }

    /// Renders `input` at the root and asserts the HTML contains `expected`.
    fn check(input: &str, expected: &str) {
        check_in("", input, expected);
    }

    fn check_in(folder: &str, input: &str, expected: &str) {
        let html = render_in(folder, input).html;
        assert!(
            html.as_str().contains(expected),
            "rendering {input:?} in {folder:?}\n  expected to contain: {expected}\n  got: {}",
            html.as_str()
        );
    }

    fn check_absent(input: &str, unexpected: &str) {
        let html = render_in("", input).html;
        assert!(
            !html.as_str().contains(unexpected),
            "rendering {input:?}\n  expected not to contain: {unexpected}\n  got: {}",
            html.as_str()
        );
    }

    #[test]
    fn wiki_links() {
        check(
            "[[Home]]",
            r#"<a class="wikilink" href="/remix/Home" rel="noopener noreferrer">Home</a>"#,
        );
        check(
            "[[Other Page|see there]]",
            r#"<a class="wikilink" href="/remix/Other%20Page" rel="noopener noreferrer">see there</a>"#,
        );
        check("[[Home.md]]", r#"href="/remix/Home""#);
        check("[[/Home]]", r#"href="/remix/Home""#);
        check(
            "[[Café au lait]]",
            r#"class="wikilink" href="/remix/Caf%C3%A9%20au%20lait""#,
        );
        check(
            "[[Nope]]",
            r#"<a class="wikilink missing" href="/remix/Nope" title="Nope""#,
        );
        check(
            "[[Guides/Getting started#Install]]",
            r#"class="wikilink" href="/remix/Guides/Getting%20started#h-install""#,
        );
        check("[[a/./b]]", r#"class="wikilink" href="/remix/a/b""#);
        check(
            "[[../Home]]",
            r#"<a class="wikilink missing" rel="noopener noreferrer">../Home</a>"#,
        );
        check(
            "| a |\n|---|\n| [[Home\\|home]] |",
            r#"<td><a class="wikilink" href="/remix/Home""#,
        );
    }

    #[test]
    fn wiki_links_prefer_the_current_folder() {
        check_in("Guides", "[[Home]]", r#"href="/remix/Guides/Home""#);
        check_in("Guides", "[[/Home]]", r#"href="/remix/Home""#);
        check_in(
            "Guides",
            "[[Other Page]]",
            r#"class="wikilink" href="/remix/Other%20Page""#,
        );
        check_in("Guides", "[[sub/Page]]", r#"href="/remix/Guides/sub/Page""#);
        check_in(
            "Guides",
            "[[Missing]]",
            r#"class="wikilink missing" href="/remix/Missing""#,
        );
        check_in(
            "Guides",
            "[[../Home]]",
            r#"class="wikilink" href="/remix/Home""#,
        );
    }

    #[test]
    fn wiki_link_targets_are_names_not_urls() {
        check(
            "[[javascript:alert(1)]]",
            r#"href="/remix/javascript%3Aalert%281%29""#,
        );
        check(
            "[[javascript:alert(1)|x]]",
            r#"href="/remix/javascript%3Aalert%281%29""#,
        );
        check(
            "[[https://example.com]]",
            r#"href="/remix/https%3A/example.com""#,
        );
        check_absent("[[javascript:alert(1)]]", "href=\"javascript");
    }

    #[test]
    fn relative_links_and_images() {
        check(
            "[x](<Other Page.md>)",
            r#"class="wikilink" href="/remix/Other%20Page""#,
        );
        check(
            "[x](Other%20Page)",
            r#"class="wikilink" href="/remix/Other%20Page""#,
        );
        check(
            "[x](Other%20Page.md#part)",
            r#"href="/remix/Other%20Page#h-part""#,
        );
        check(
            "[x](sub/Page)",
            r#"class="wikilink" href="/remix/sub/Page""#,
        );
        check(
            "[x](Nope.md)",
            r#"class="wikilink missing" href="/remix/Nope" title="Nope""#,
        );
        check(
            "[x](Release%201.2)",
            r#"class="wikilink missing" href="/remix/Release%201.2""#,
        );
        check_in(
            "Guides/sub",
            "[x](../Getting%20started.md)",
            r#"class="wikilink" href="/remix/Guides/Getting%20started""#,
        );
        check_in(
            "Guides",
            "[x](../../Home)",
            r#"<a class="wikilink missing" rel"#,
        );
        check(
            "[x](docs/report.pdf)",
            r#"<a href="/remix/_files/docs/report.pdf""#,
        );
        check(
            "[x](docs/report.pdf#page=2)",
            r#"href="/remix/_files/docs/report.pdf#page=2""#,
        );
        check_in(
            "Guides",
            "![the logo](images/logo.png)",
            r#"<img src="/remix/_files/Guides/images/logo.png" alt="the logo">"#,
        );
        check(
            "![logo](images/logo.png \"Logo\")",
            r#"<img src="/remix/_files/images/logo.png" alt="logo" title="Logo">"#,
        );
        check(
            "![[images/logo.png]]",
            r#"<img src="/remix/_files/images/logo.png""#,
        );
        check(
            "![x](https://example.com/a.png)",
            r#"<img src="https://example.com/a.png" alt="x">"#,
        );
    }

    #[test]
    fn other_links_are_kept() {
        check(
            "[x](https://example.com/a?b=c&d=e)",
            r#"<a href="https://example.com/a?b=c&amp;d=e" rel="noopener noreferrer">x</a>"#,
        );
        check(
            "[x](mailto:a@example.com)",
            r#"<a href="mailto:a@example.com""#,
        );
        check(
            "<https://example.com>",
            r#"<a href="https://example.com" rel="noopener noreferrer">https://example.com</a>"#,
        );
        check("<a@example.com>", r#"<a href="mailto:a@example.com""#);
        check("[x](/other/wiki)", r#"<a href="/other/wiki""#);
        check("[x](#part)", r##"<a href="#h-part""##);
        check(
            "[x](ftp://example.com)",
            r#"<a rel="noopener noreferrer">x</a>"#,
        );
    }

    #[test]
    fn gfm_extensions() {
        check(
            "| a | b |\n|:-|:-:|\n| 1 | 2 |",
            r#"<table><thead><tr><th align="left">a</th><th align="center">b</th></tr></thead><tbody>"#,
        );
        check(
            "| a | b |\n|:-|:-:|\n| 1 | 2 |",
            r#"<tr><td align="left">1</td><td align="center">2</td></tr>"#,
        );
        check("~~gone~~", "<del>gone</del>");
        check(
            "- [x] done\n- [ ] todo",
            r#"<li><input type="checkbox" checked="" disabled="">"#,
        );
        check("- [ ] todo", r#"<li><input type="checkbox" disabled="">"#);
        check(
            "<input type=\"text\" value=\"x\">",
            r#"<input disabled="">"#,
        );
        check(
            "Text[^n].\n\n[^n]: The note.",
            r##"<sup class="footnote-reference"><a href="#h-fn-1" rel="noopener noreferrer">1</a></sup>"##,
        );
        check(
            "Text[^n].\n\n[^n]: The note.",
            r#"<div class="footnote-definition" id="h-fn-1"><sup class="footnote-definition-label">1</sup>"#,
        );
        check(
            "```rust\nfn main() {}\n```",
            r#"<pre><code class="language-rust">fn main() {}"#,
        );
        check(
            "<details open><summary>More</summary><kbd>Ctrl</kbd> H<sub>2</sub>O x<sup>2</sup></details>",
            "<details open=\"\"><summary>More</summary><kbd>Ctrl</kbd> H<sub>2</sub>O x<sup>2</sup></details>",
        );
        check(
            "<img src=\"a.png\" alt=\"A\" title=\"T\" width=\"10\" height=\"20\">",
            r#"<img src="a.png" alt="A" title="T" width="10" height="20">"#,
        );
    }

    #[test]
    fn heading_ids() {
        check(
            "# Getting started",
            r##"<h1 id="h-getting-started">Getting started <a class="anchor" href="#h-getting-started" rel="noopener noreferrer">#</a></h1>"##,
        );
        check("## Café *au* `lait`!", r#"<h2 id="h-café-au-lait">"#);
        check("## Été 2024 — bilan", r#"<h2 id="h-été-2024-bilan">"#);
        check("## A\n## A\n## A", r#"<h2 id="h-a-2">"#);
        check("## A\n## A\n## A", r#"<h2 id="h-a-1">"#);
        check("## Mine {#custom .note}", r#"<h2 id="h-custom">"#);
        check("## custom\n## X {#custom}", r#"<h2 id="h-custom-1">"#);
        check("## ?!", r#"<h2 id="h-section">"#);
        check("[^1]\n\n## Fn 1\n\n[^1]: x", r#"<h2 id="h-fn-1-1">"#);
    }

    #[test]
    fn table_of_contents() {
        let input =
            "# Title\n\n[[_TOC_]]\n\n## One\n\n### One a\n\n#### deep\n\n##### deeper\n\n## Two\n";
        check(
            input,
            concat!(
                r##"<nav class="toc"><ul><li><a href="#h-one" rel="noopener noreferrer">One</a>"##,
                r##"<ul><li><a href="#h-one-a" rel="noopener noreferrer">One a</a>"##,
                r##"<ul><li><a href="#h-deep" rel="noopener noreferrer">deep</a></li></ul></li></ul></li>"##,
                r##"<li><a href="#h-two" rel="noopener noreferrer">Two</a></li></ul></nav>"##,
            ),
        );
        check_absent(input, "_TOC_");
        // Levels that skip or start deep still nest into well-formed lists.
        check(
            "[[_TOC_]]\n\n### a\n## b\n#### c\n## d",
            r##"<nav class="toc"><ul><li><a href="#h-a" rel="noopener noreferrer">a</a></li><li><a href="#h-b" rel="noopener noreferrer">b</a><ul><li><a href="#h-c" rel="noopener noreferrer">c</a></li></ul></li><li><a href="#h-d" rel="noopener noreferrer">d</a></li></ul></nav>"##,
        );
        // Only a paragraph holding the marker alone is replaced.
        check(
            "See [[_TOC_]]\n\n## a",
            r#"<a class="wikilink missing" href="/remix/_TOC_""#,
        );
        check_absent("[[_TOC_]]\n\nno headings", "<nav");
    }

    #[test]
    fn hostile_html_is_neutralised() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x]( javascript:alert(1) )",
            "[x](java&#x09;script:alert(1))",
            "![x](javascript:alert(1))",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=alert(1)>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<object data=\"x.swf\"></object>",
            "<embed src=\"x.swf\">",
            "<style>body{display:none}</style>",
            "<p style=\"position:fixed\">x</p>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "[x](data:text/html,alert)",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<form action=\"https://evil.example\"><input type=\"password\"></form>",
            "<div onclick=\"alert(1)\" onmouseover=alert(1)>x</div>",
            "<scr<script>ipt>alert(1)</script>",
            "<!-- <script>alert(1)</script> -->",
            "## Heading {onclick=alert(1)}",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<base href=\"javascript:alert(1)//\">",
            "<input type=\"image\" src=\"x\" onerror=\"alert(1)\" formaction=\"javascript:alert(1)\">",
        ];
        let forbidden = [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "onmouseover",
            "javascript:",
            "vbscript:",
            "<iframe",
            "<svg",
            "<math",
            "<object",
            "<embed",
            "<style",
            "style=",
            "data:text",
            "<form",
            "<meta",
            "<base",
            "formaction",
        ];
        for input in hostile {
            let html = render_in("", input).html.as_str().to_lowercase();
            for bad in forbidden {
                assert!(!html.contains(bad), "{input:?} rendered {bad:?}: {html}");
            }
        }
    }

    #[test]
    fn title_text_and_links() {
        let page = render_in(
            "Guides",
            "Intro *text*.\n\n# The  `Title`\n\n# Second\n\nSee [[Home]], [[Nope]], [x](Home.md), \
             [y](../Other%20Page), [[Home|again]] and [f](f.pdf).\n\n\
             ![An image](i.png)\n\n| a | b |\n|---|---|\n| c | d |\n",
        );
        assert_eq!(page.title.as_deref(), Some("The Title"));
        assert_eq!(
            page.text,
            "Intro text. The Title Second See Home, Nope, x, y, again and f. An image a b c d"
        );
        assert_eq!(page.links, ["Guides/Home", "Nope", "Other Page"]);
        assert!(!page.html.is_empty());
        assert_eq!(page.html.len(), page.html.as_str().len());

        let plain = render_in("", "no heading\nhere");
        assert_eq!(plain.title, None);
        assert_eq!(plain.text, "no heading here");
        assert!(plain.links.is_empty());
        assert!(render_in("", "").html.is_empty());
    }

    #[test]
    fn safe_html_renders_unescaped_in_maud() {
        let page = render_in("", "**bold**");
        let markup = maud::html! { div { (page.html) } };
        assert_eq!(
            markup.into_string(),
            "<div><p><strong>bold</strong></p>\n</div>"
        );
    }

    #[test]
    fn paths_are_encoded_segment_by_segment() {
        for (path, expected) in [
            ("Guides/Café au lait", "Guides/Caf%C3%A9%20au%20lait"),
            ("Home", "Home"),
            ("a b/c d", "a%20b/c%20d"),
            ("C# notes", "C%23%20notes"),
            ("What? Why", "What%3F%20Why"),
            ("100%", "100%25"),
            ("x\\y:z", "x%5Cy%3Az"),
            ("logo-v1.2_final~.png", "logo-v1.2_final~.png"),
        ] {
            assert_eq!(encode_path(path), expected, "encoding {path:?}");
        }
    }
}
