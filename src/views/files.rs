//! Attachments: the list, the upload form, and the Markdown to paste after an upload.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::urls;

pub struct FilesPage<'a> {
    pub prefix: &'a str,
    pub files: &'a [&'a str],
    pub can_write: bool,
    /// The page the upload is for: the pasted Markdown is relative to its folder.
    pub for_page: &'a str,
    /// The Markdown to paste for a file just uploaded.
    pub uploaded: Option<&'a str>,
    pub error: Option<&'a str>,
    pub max_mib: usize,
}

pub fn files_page(chrome: &Chrome, page: &FilesPage) -> Markup {
    let t = chrome.t();
    layout(
        chrome,
        t.files,
        html! {
            h1 { (t.files) }
            @if !page.for_page.is_empty() {
                p { a href=(urls::page(page.prefix, page.for_page)) { "← " (t.back_to_page) " « " (page.for_page) " »" } }
            }
            @if let Some(error) = page.error { p.error role="alert" { (error) } }
            @if let Some(markdown) = page.uploaded {
                p.notice role="status" { (t.uploaded) }
                pre.paste { code { (markdown) } }
            }
            @if page.can_write {
                form.stack method="post" action=(urls::files(page.prefix)) enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    input type="hidden" name="page" value=(page.for_page);
                    label for="file" { (t.file_to_upload) " (≤ " (page.max_mib) " " (t.mib) ")" }
                    input #file type="file" name="file" required;
                    label for="name" { (t.file_name) }
                    input #name type="text" name="name";
                    button.primary type="submit" { (t.upload) }
                }
            }
            @if page.files.is_empty() {
                p.empty { "—" }
            } @else {
                ul.page-list {
                    @for file in page.files {
                        li { a href=(urls::file(page.prefix, file)) { (file) } }
                    }
                }
            }
        },
    )
}
