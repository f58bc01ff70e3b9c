//! What the search index reads of a page: its title, its headings and its text, with the
//! Markdown reduced to words (link labels kept, markup, raw HTML and link targets dropped).
//! Cheaper than a render: no HTML is written and nothing is sanitised.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::markdown;

/// A page as the index sees it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PageText {
    /// The text of the first level-1 heading, if any.
    pub title: Option<String>,
    /// Every heading's text, in order.
    pub headings: Vec<String>,
    /// The page's words, whitespace collapsed.
    pub body: String,
}

/// Reduces a page's Markdown to its words.
pub fn page_text(source: &str) -> PageText {
    let mut page = PageText::default();
    let mut body = String::with_capacity(source.len());
    // The heading being read, with its level.
    let mut heading: Option<(pulldown_cmark::HeadingLevel, String)> = None;
    for event in Parser::new_ext(source, markdown::options()) {
        match event {
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, words)) = &mut heading {
                    words.push_str(&text);
                }
                body.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => body.push(' '),
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, String::new()));
                body.push(' ');
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, words)) = heading.take() {
                    let words = collapse(&words);
                    if level == pulldown_cmark::HeadingLevel::H1 && page.title.is_none() {
                        page.title = Some(words.clone());
                    }
                    if !words.is_empty() {
                        page.headings.push(words);
                    }
                }
                body.push(' ');
            }
            // Inline ends keep words together (`[le budget](x).`); block ends separate them.
            Event::End(
                TagEnd::Link
                | TagEnd::Image
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough,
            ) => {}
            Event::End(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {
                body.push(' ')
            }
            _ => {}
        }
    }
    page.body = collapse(&body);
    page
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_dropped_and_labels_kept() {
        let page = page_text(
            "# Réunion d'équipe\n\nOrdre du *jour* : [le budget](Budget.md) et [[Dons|les dons]].\n\n\
             <div onclick=\"x()\">brut</div>\n\n## Présents\n\n- Anne\n- Paul\n\n| a | b |\n|---|---|\n| un | deux |\n",
        );
        assert_eq!(page.title.as_deref(), Some("Réunion d'équipe"));
        assert_eq!(page.headings, ["Réunion d'équipe", "Présents"]);
        assert!(
            page.body.contains("Ordre du jour : le budget et les dons."),
            "{}",
            page.body
        );
        assert!(page.body.contains("Anne Paul"), "{}", page.body);
        assert!(page.body.contains("un deux"), "{}", page.body);
        assert!(!page.body.contains("onclick"), "{}", page.body);
        assert!(!page.body.contains("Budget.md"), "{}", page.body);
    }

    #[test]
    fn a_page_without_a_level_one_heading_has_no_title() {
        let page = page_text("## Only a section\n\ntext");
        assert_eq!(page.title, None);
        assert_eq!(page.headings, ["Only a section"]);
    }
}
