//! The search box's language, read once into a [`Query`]: plain words, `"exact phrases"`,
//! `prefix*`, `-excluded` words or phrases and `wiki:slug`. Whatever is typed is a query: quotes
//! left open close at the end, operators with nothing to act on are dropped, unknown `field:`
//! names are plain words. Only a query too long or with too many terms is refused.

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most terms in one query (words, phrases, prefixes and wiki filters together).
pub const MAX_TERMS: usize = 32;

/// One thing a page must (or must not) contain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    /// A word, or a few words written together (`e-mail`), found in any form the wiki's
    /// language gives it.
    Words(String),
    /// Words in this order.
    Phrase(String),
    /// Any word that begins like this.
    Prefix(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub clause: Clause,
    pub excluded: bool,
}

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    /// `wiki:` filters, as written (lower-cased); empty for every wiki.
    pub wikis: Vec<String>,
}

/// Why a query was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TooBig {
    /// More than [`MAX_QUERY_CHARS`] characters.
    TooLong,
    /// More than [`MAX_TERMS`] terms.
    TooManyTerms,
}

impl Query {
    /// Whether anything must be found (a query of only exclusions or filters finds nothing).
    pub fn has_positive_terms(&self) -> bool {
        self.terms.iter().any(|term| !term.excluded)
    }

    /// The query as it would be typed, with `replace` applied to its plain words.
    pub fn rewritten(&self, replace: impl Fn(&str) -> Option<String>) -> String {
        let mut parts = Vec::new();
        for term in &self.terms {
            let sign = if term.excluded { "-" } else { "" };
            parts.push(match &term.clause {
                Clause::Words(words) => {
                    let words = if term.excluded {
                        words.clone()
                    } else {
                        replace(words).unwrap_or_else(|| words.clone())
                    };
                    format!("{sign}{words}")
                }
                Clause::Phrase(phrase) => format!("{sign}\"{phrase}\""),
                Clause::Prefix(prefix) => format!("{sign}{prefix}*"),
            });
        }
        for wiki in &self.wikis {
            parts.push(format!("wiki:{wiki}"));
        }
        parts.join(" ")
    }
}

/// Reads what was typed in the search box.
pub fn parse(input: &str) -> Result<Query, TooBig> {
    if input.chars().count() > MAX_QUERY_CHARS {
        return Err(TooBig::TooLong);
    }
    let mut query = Query::default();
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let mut excluded = false;
        if let Some(after) = rest.strip_prefix('-') {
            excluded = true;
            rest = after;
        }
        let clause;
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, after) = after.split_once('"').unwrap_or((after, ""));
            clause = Some(Clause::Phrase(phrase.trim().to_owned()));
            rest = after;
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            rest = after;
            if let Some(slug) = word.strip_prefix("wiki:").filter(|_| !excluded) {
                if !slug.is_empty() {
                    query.wikis.push(slug.to_lowercase());
                }
                clause = None;
            } else if let Some(prefix) = word.strip_suffix('*') {
                let prefix = prefix.trim_end_matches('*');
                clause = Some(if prefix.is_empty() {
                    Clause::Words(String::new())
                } else {
                    Clause::Prefix(prefix.to_owned())
                });
            } else {
                clause = Some(Clause::Words(word.to_owned()));
            }
        }
        // An operator with nothing after it, or a word of only punctuation, is dropped here or
        // when the wiki's analyser finds no word in it.
        if let Some(clause) = clause {
            let empty = match &clause {
                Clause::Words(text) | Clause::Phrase(text) | Clause::Prefix(text) => {
                    !text.chars().any(char::is_alphanumeric)
                }
            };
            if !empty {
                query.terms.push(Term { clause, excluded });
            }
        }
        if query.terms.len() + query.wikis.len() > MAX_TERMS {
            return Err(TooBig::TooManyTerms);
        }
        rest = rest.trim_start();
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Term {
        Term {
            clause: Clause::Words(text.to_owned()),
            excluded: false,
        }
    }

    #[test]
    fn the_search_box_language() {
        let query =
            parse(r#"  budget "assemblée générale" -brouillon équip* wiki:Remix -"vieux texte" "#)
                .expect("a query");
        assert_eq!(
            query.terms,
            vec![
                words("budget"),
                Term {
                    clause: Clause::Phrase("assemblée générale".into()),
                    excluded: false
                },
                Term {
                    clause: Clause::Words("brouillon".into()),
                    excluded: true
                },
                Term {
                    clause: Clause::Prefix("équip".into()),
                    excluded: false
                },
                Term {
                    clause: Clause::Phrase("vieux texte".into()),
                    excluded: true
                },
            ]
        );
        assert_eq!(query.wikis, ["remix"]);
    }

    #[test]
    fn anything_typed_is_a_query() {
        for input in [
            "",
            "-",
            "*",
            "\"",
            "\"\"",
            "- * \" (",
            "((((((((a))))))))",
            "title:x",
            "wiki:",
            "-wiki:x",
        ] {
            let query = parse(input).expect("never refused");
            assert!(query.terms.len() <= 2, "{input}: {query:?}");
        }
        assert_eq!(
            parse("\"open quote").expect("a query").terms[0].clause,
            Clause::Phrase("open quote".into())
        );
        assert_eq!(parse("((a))").expect("a query").terms, vec![words("((a))")]);
    }

    #[test]
    fn too_long_or_too_many_terms_is_refused() {
        assert_eq!(
            parse(&"a".repeat(MAX_QUERY_CHARS + 1)),
            Err(TooBig::TooLong)
        );
        assert!(
            parse(&"é".repeat(MAX_QUERY_CHARS)).is_ok(),
            "characters, not bytes"
        );
        let many = vec!["mot"; MAX_TERMS + 1].join(" ");
        assert_eq!(parse(&many), Err(TooBig::TooManyTerms));
        assert!(parse(&vec!["mot"; MAX_TERMS].join(" ")).is_ok());
    }

    #[test]
    fn a_correction_rewrites_plain_words_only() {
        let query = parse("equipe -equipe \"equipe\" wiki:a").expect("a query");
        let rewritten = query.rewritten(|w| (w == "equipe").then(|| "équipe".to_owned()));
        assert_eq!(rewritten, "équipe -equipe \"equipe\" wiki:a");
    }
}
