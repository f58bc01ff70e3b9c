//! Pages built to make rendering expensive, shared by the tests (`pathological`) and the
//! benchmark (`benches/render.rs`), so that both measure the same inputs.

/// The cmark pathological inputs and what an attack on the farm tried, by name.
pub fn inputs() -> Vec<(&'static str, String)> {
    let n = 50_000;
    vec![
        ("quotes", "> ".repeat(n) + "x\n"),
        ("quotes-1mib", "> ".repeat(500_000) + "x\n"),
        ("lists", "- ".repeat(n) + "x\n"),
        (
            "indented-lists",
            (0..700)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
        ("divs", "<div>".repeat(n) + "x"),
        ("emphasis", "*a ".repeat(n / 2) + &" b*".repeat(n / 2)),
        ("open-emphasis", "*a **b ".repeat(n / 2)),
        ("links", "[".repeat(n) + &"](x)".repeat(n)),
        ("brackets", "[a](".repeat(n)),
        ("entities", "&#9999999;&amp;".repeat(n / 2)),
        (
            "table-rows",
            format!("|a|b|\n|-|-|\n{}", "|x|y|\n".repeat(n)),
        ),
        (
            "table-columns",
            format!("{}\n{}\n", "|a".repeat(n / 2), "|-".repeat(n / 2)),
        ),
        ("backticks", "`a``".repeat(n)),
        ("wiki-links", "[[a".repeat(n)),
        (
            "footnotes",
            (0..n / 5)
                .map(|i| format!("[^{i}]\n\n[^{i}]: [^{}]\n", i + 1))
                .collect(),
        ),
        ("ordinary", ordinary_page()),
    ]
}

/// A long page of ordinary shape, near the page limit: sections, lists, a table, links.
pub fn ordinary_page() -> String {
    let mut page = String::from("# Un long compte rendu\n\n[[_TOC_]]\n\n");
    let mut n = 0;
    while page.len() < 900 << 10 {
        n += 1;
        page.push_str(&format!(
            "## Séance {n}\n\n\
             Présents : Marie, Jean et *les autres* membres du **bureau**. Voir [[Accueil]] \
             et [la séance précédente](#séance-{}).\n\n\
             - point un, avec `du code`\n  - un sous-point\n- point deux\n\n\
             > Une citation de la séance.\n\n\
             | Sujet | Décision |\n|---|---|\n| budget | adopté |\n| local | reporté |\n\n",
            n.max(2) - 1
        ));
    }
    page
}
