//! The interface's languages: one message table per language, and the choice of language.
//!
//! Every string the interface shows comes from a [`Messages`] table; a missing translation is a
//! compile error, not a blank on screen.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's name, in itself.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// Why a page is shown as its raw text instead of HTML.
    pub fn too_complex(self, why: crate::markdown::TooComplex) -> &'static str {
        use crate::markdown::TooComplex::*;
        match (self, why) {
            (Lang::Fr, Nesting) => "ses éléments sont imbriqués sur plus de 100 niveaux.",
            (Lang::Fr, Work) => "elle compte trop d’éléments imbriqués les uns dans les autres.",
            (Lang::Fr, Size) => "elle deviendrait plus de 4 Mio de HTML.",
            (Lang::En, Nesting) => "its elements are nested more than 100 levels deep.",
            (Lang::En, Work) => "it has too many elements nested inside one another.",
            (Lang::En, Size) => "it would turn into more than 4 MiB of HTML.",
        }
    }

    /// Why a page or file name was refused, for a person.
    pub fn path_error(self, error: crate::page_path::PathError) -> &'static str {
        use crate::page_path::PathError::*;
        match (self, error) {
            (Lang::Fr, Empty) => "le nom est vide",
            (Lang::Fr, TooLong) => "le nom est trop long",
            (Lang::Fr, BadEncoding) => "l’adresse contient un encodage invalide",
            (Lang::Fr, DotSegment) => "un nom ne peut pas contenir « . » ou « .. » comme dossier",
            (Lang::Fr, ControlCharacter) => "un nom ne peut pas contenir de caractère de contrôle",
            (Lang::Fr, Reserved) => "les noms commençant par « _ » sont réservés",
            (Lang::Fr, GitDirectory) => {
                "git lit ce nom comme son propre dossier « .git » (sur Mac ou sous Windows) : il est réservé"
            }
            (Lang::Fr, GitFile) => {
                "c’est le nom d’un fichier de git lui-même (« .gitmodules », « .gitattributes », « .gitignore », tout nom en « .git… », « .mailmap » ou leur nom court Windows comme « GITMOD~1 ») : il est réservé"
            }
            (Lang::Fr, EmptySegment) => "un nom ne peut pas contenir de dossier vide (« // »)",
            (Lang::Fr, Backslash) => "un nom ne peut pas contenir « \\ »",
            (Lang::Fr, FormatCharacter) => {
                "un nom ne peut pas contenir de caractère invisible de mise en forme (espace sans chasse, marque de sens d’écriture) : il s’afficherait comme un autre nom"
            }
            (Lang::Fr, Colon) => {
                "un nom ne peut pas contenir « : » (Windows y lirait un flux caché du fichier)"
            }
            (Lang::En, error) => match error {
                Empty => "the name is empty",
                TooLong => "the name is too long",
                BadEncoding => "the address is not valid percent-encoded UTF-8",
                DotSegment => "a name may not contain '.' or '..' segments",
                ControlCharacter => "a name may not contain control characters",
                Reserved => "names beginning with '_' are reserved",
                GitDirectory => {
                    "git reads this name as its own '.git' folder (on a Mac or on Windows): it is reserved"
                }
                GitFile => {
                    "this is the name of one of git's own files ('.gitmodules', '.gitattributes', '.gitignore', any '.git…' name, '.mailmap' or their Windows short names like 'GITMOD~1'): it is reserved"
                }
                EmptySegment => "a name may not contain an empty segment ('//')",
                Backslash => "a name may not contain '\\'",
                FormatCharacter => {
                    "a name may not contain invisible format characters (zero-width spaces, writing-direction marks): it would display as another name"
                }
                Colon => {
                    "a name may not contain ':' (Windows would read a hidden stream of the file)"
                }
            },
        }
    }

    /// Why a push was refused, for the person who pushed: which commit, which path, which
    /// rule, and what to do about it.
    pub fn push_refusal(self, refusal: &crate::rules::PushRefusal) -> Vec<String> {
        use crate::rules::PushRefusal::*;
        match (self, refusal) {
            (Lang::Fr, OtherRef { name, branch }) => vec![
                format!("« {name} » : seule la branche « {branch} » d’un wiki peut être poussée."),
                format!("poussez sur elle : git push origin HEAD:{branch}"),
            ],
            (Lang::Fr, Deletion { branch }) => vec![format!(
                "la branche « {branch} » ne peut pas être supprimée : c’est le wiki lui-même."
            )],
            (Lang::Fr, NotFastForward { branch }) => vec![
                format!(
                    "« {branch} » a changé depuis votre dernière récupération (quelqu’un a modifié le wiki) ; rien n’est écrasé."
                ),
                "récupérez ses changements puis poussez de nouveau : git pull --rebase && git push".to_owned(),
            ],
            (Lang::Fr, Change { commit, subject, refusal }) => vec![
                format!("commit {} « {subject} » : {}.", commit.short(10), self.refusal(refusal)),
                "corrigez ce commit (git commit --amend, ou git rebase -i pour un commit plus ancien), puis poussez de nouveau.".to_owned(),
            ],
            (Lang::En, OtherRef { name, branch }) => vec![
                format!("“{name}”: only the branch “{branch}” of a wiki may be pushed."),
                format!("push to it: git push origin HEAD:{branch}"),
            ],
            (Lang::En, Deletion { branch }) => vec![format!(
                "the branch “{branch}” cannot be deleted: it is the wiki itself."
            )],
            (Lang::En, NotFastForward { branch }) => vec![
                format!(
                    "“{branch}” changed since you last fetched it (someone edited the wiki); nothing is overwritten."
                ),
                "fetch their changes, then push again: git pull --rebase && git push".to_owned(),
            ],
            (Lang::En, Change { commit, subject, refusal }) => vec![
                format!("commit {} “{subject}”: {}.", commit.short(10), self.refusal(refusal)),
                "fix that commit (git commit --amend, or git rebase -i for an older one), then push again.".to_owned(),
            ],
        }
    }

    /// What was wrong with a malformed request, for a person.
    pub fn bad_request(self, bad: crate::error::Bad) -> &'static str {
        use crate::error::Bad::*;
        match (self, bad) {
            (Lang::Fr, MalformedForm) => "le formulaire reçu est mal formé",
            (Lang::Fr, MalformedUpload) => "l’envoi de fichier reçu est mal formé",
            (Lang::Fr, TooManyFields) => "le formulaire a trop de champs",
            (Lang::Fr, FieldNotText) => "un champ du formulaire n’est pas du texte UTF-8",
            (Lang::Fr, NotARevision) => {
                "une version se désigne par les 40 caractères de son identifiant"
            }
            (Lang::Fr, RevisionNotOnBranch) => {
                "la version dont part cette modification n’appartient pas à l’historique du wiki"
            }
            (Lang::Fr, NotAHistoryPage) => "cette page d’historique n’existe pas",
            (Lang::Fr, MissingRevision) => "il manque la version de départ (« from »)",
            (Lang::Fr, CredentialsTooLong) => "l’identifiant ou le mot de passe est trop long",
            (Lang::Fr, UnknownLanguage) => "cette langue n’est pas proposée",
            (Lang::Fr, MalformedAddress) => "l’adresse est mal formée",
            (Lang::En, MalformedForm) => "the form received is malformed",
            (Lang::En, MalformedUpload) => "the upload received is malformed",
            (Lang::En, TooManyFields) => "the form has too many fields",
            (Lang::En, FieldNotText) => "a form field is not UTF-8 text",
            (Lang::En, NotARevision) => "a revision is named by its 40-character commit id",
            (Lang::En, RevisionNotOnBranch) => {
                "the revision this edit started from is not in the wiki's history"
            }
            (Lang::En, NotAHistoryPage) => "there is no such history page",
            (Lang::En, MissingRevision) => "the revision to compare from (`from`) is missing",
            (Lang::En, CredentialsTooLong) => "the login or password is too long",
            (Lang::En, UnknownLanguage) => "this language is not offered",
            (Lang::En, MalformedAddress) => "the address is malformed",
        }
    }

    /// Why a change was refused, for a person: what is wrong and, where it helps, what to do.
    pub fn refusal(self, refusal: &crate::rules::Refusal) -> String {
        use crate::page_path::shown;
        use crate::rules::Refusal::*;
        let kib = |bytes: usize| bytes.div_ceil(1024);
        let mib = |bytes: usize| bytes >> 20;
        match (self, refusal) {
            (Lang::Fr, Name { path, why }) => {
                format!("« {} » : {}", shown(path), self.path_error(*why))
            }
            (Lang::Fr, PageAsAttachment { path }) => format!(
                "« {path} » est un fichier Markdown : les pages se créent avec l’éditeur, pas en pièce jointe"
            ),
            (Lang::Fr, PageNotText { path }) => {
                format!("« {path} » n’est pas du texte UTF-8 : une page doit en être")
            }
            (Lang::Fr, PageTooLarge { path, bytes, limit }) => format!(
                "la page « {path} » fait {} Kio, au-delà de la limite de {} Kio",
                kib(*bytes),
                kib(*limit)
            ),
            (Lang::Fr, FileTooLarge { path, bytes, limit }) => format!(
                "le fichier « {path} » fait {} Kio, au-delà de la limite de {} Mio",
                kib(*bytes),
                mib(*limit)
            ),
            (Lang::Fr, FolderTaken { path }) => format!(
                "« {path} » est à la fois un fichier et un dossier : choisissez un autre nom"
            ),
            (Lang::Fr, CaseClash { path, existing }) => format!(
                "« {path} » ne diffère de la page existante « {existing} » que par les majuscules"
            ),
            (Lang::Fr, PageExists { path }) => format!("la page « {path} » existe déjà"),
            (Lang::Fr, NotNormalized { path }) => format!(
                "les lettres accentuées de « {path} » ne sont pas sous leur forme composée (NFC) : renommez le fichier en tapant ses accents"
            ),
            (Lang::Fr, NotAFile { path }) => format!(
                "« {path} » est un lien symbolique ou un sous-module : un wiki ne contient que des pages et des fichiers"
            ),
            (Lang::Fr, ChangeTooLarge { bytes, limit }) => format!(
                "cet envoi apporte {} Mio de fichiers, au-delà de la limite de {} Mio",
                mib(*bytes).max(1),
                mib(*limit)
            ),
            (Lang::En, Name { path, why }) => {
                format!("“{}”: {}", shown(path), self.path_error(*why))
            }
            (Lang::En, PageAsAttachment { path }) => {
                format!("“{path}” is a Markdown file: pages are made with the editor, not uploaded")
            }
            (Lang::En, PageNotText { path }) => {
                format!("“{path}” is not UTF-8 text, which a page must be")
            }
            (Lang::En, PageTooLarge { path, bytes, limit }) => format!(
                "the page “{path}” is {} KiB, over the limit of {} KiB",
                kib(*bytes),
                kib(*limit)
            ),
            (Lang::En, FileTooLarge { path, bytes, limit }) => format!(
                "the file “{path}” is {} KiB, over the limit of {} MiB",
                kib(*bytes),
                mib(*limit)
            ),
            (Lang::En, FolderTaken { path }) => {
                format!("“{path}” would be both a file and a folder: choose another name")
            }
            (Lang::En, CaseClash { path, existing }) => {
                format!("“{path}” differs from the existing page “{existing}” only by letter case")
            }
            (Lang::En, PageExists { path }) => format!("the page “{path}” already exists"),
            (Lang::En, NotNormalized { path }) => format!(
                "the accented letters of “{path}” are not in their composed form (NFC): rename the file, typing its accents"
            ),
            (Lang::En, NotAFile { path }) => format!(
                "“{path}” is a symbolic link or a submodule: a wiki holds pages and files only"
            ),
            (Lang::En, ChangeTooLarge { bytes, limit }) => format!(
                "this push brings {} MiB of files, over the limit of {} MiB",
                mib(*bytes).max(1),
                mib(*limit)
            ),
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The best language of an `Accept-Language` header, by quality then order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && quality > 0.0
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The language a wiki is written in: any language the search engine can stem. The interface
/// speaks French or English ([`Lang`]); a wiki's pages may be in any of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentLang {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

impl ContentLang {
    pub const ALL: [ContentLang; 18] = [
        ContentLang::Arabic,
        ContentLang::Danish,
        ContentLang::Dutch,
        ContentLang::English,
        ContentLang::Finnish,
        ContentLang::French,
        ContentLang::German,
        ContentLang::Greek,
        ContentLang::Hungarian,
        ContentLang::Italian,
        ContentLang::Norwegian,
        ContentLang::Portuguese,
        ContentLang::Romanian,
        ContentLang::Russian,
        ContentLang::Spanish,
        ContentLang::Swedish,
        ContentLang::Tamil,
        ContentLang::Turkish,
    ];

    /// The ISO 639-1 code, as written in `farm.toml` and in HTML `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            ContentLang::Arabic => "ar",
            ContentLang::Danish => "da",
            ContentLang::Dutch => "nl",
            ContentLang::English => "en",
            ContentLang::Finnish => "fi",
            ContentLang::French => "fr",
            ContentLang::German => "de",
            ContentLang::Greek => "el",
            ContentLang::Hungarian => "hu",
            ContentLang::Italian => "it",
            ContentLang::Norwegian => "no",
            ContentLang::Portuguese => "pt",
            ContentLang::Romanian => "ro",
            ContentLang::Russian => "ru",
            ContentLang::Spanish => "es",
            ContentLang::Swedish => "sv",
            ContentLang::Tamil => "ta",
            ContentLang::Turkish => "tr",
        }
    }

    /// The language's name in itself, for a choice of languages.
    pub fn native_name(self) -> &'static str {
        match self {
            ContentLang::Arabic => "العربية",
            ContentLang::Danish => "Dansk",
            ContentLang::Dutch => "Nederlands",
            ContentLang::English => "English",
            ContentLang::Finnish => "Suomi",
            ContentLang::French => "Français",
            ContentLang::German => "Deutsch",
            ContentLang::Greek => "Ελληνικά",
            ContentLang::Hungarian => "Magyar",
            ContentLang::Italian => "Italiano",
            ContentLang::Norwegian => "Norsk",
            ContentLang::Portuguese => "Português",
            ContentLang::Romanian => "Română",
            ContentLang::Russian => "Русский",
            ContentLang::Spanish => "Español",
            ContentLang::Swedish => "Svenska",
            ContentLang::Tamil => "தமிழ்",
            ContentLang::Turkish => "Türkçe",
        }
    }

    pub fn parse(code: &str) -> Option<ContentLang> {
        ContentLang::ALL
            .into_iter()
            .find(|lang| lang.code() == code)
    }

    /// The interface language that goes with it: the same when the interface speaks it.
    pub fn interface(self) -> Option<Lang> {
        Lang::parse(self.code())
    }
}

/// Every string of the interface, in one language.
pub struct Messages {
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub login: &'static str,
    pub password: &'static str,
    pub sign_in_failed: &'static str,
    pub too_many_attempts: &'static str,
    pub account: &'static str,
    pub your_organisations: &'static str,
    pub no_organisation: &'static str,
    /// On the account page of a farm admin.
    pub you_administer_the_farm: &'static str,
    pub wikis: &'static str,
    pub no_wikis: &'static str,
    pub owner: &'static str,
    pub visibility_public: &'static str,
    pub visibility_members: &'static str,
    pub visibility_private: &'static str,
    pub role_reader: &'static str,
    pub role_editor: &'static str,
    pub role_admin: &'static str,
    pub pages: &'static str,
    pub no_pages: &'static str,
    pub home: &'static str,
    pub raw: &'static str,
    pub page_missing: &'static str,
    pub no_home_page: &'static str,
    pub not_found_title: &'static str,
    pub not_found: &'static str,
    pub not_found_sign_in: &'static str,
    pub bad_request_title: &'static str,
    pub bad_request: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden: &'static str,
    pub internal_title: &'static str,
    pub internal: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable: &'static str,
    pub back_home: &'static str,
    pub last_change: &'static str,
    pub powered_by: &'static str,
    pub edit: &'static str,
    pub create_this_page: &'static str,
    pub editing: &'static str,
    pub creating: &'static str,
    pub preview: &'static str,
    pub save: &'static str,
    pub text_label: &'static str,
    pub commit_message: &'static str,
    pub conflict_title: &'static str,
    pub conflict_explain: &'static str,
    pub current_version: &'static str,
    pub differences: &'static str,
    pub saved: &'static str,
    pub saved_merged: &'static str,
    pub unchanged: &'static str,
    pub name_clash: &'static str,
    pub rename: &'static str,
    pub new_name: &'static str,
    pub leave_redirect: &'static str,
    pub update_links: &'static str,
    pub move_confirm_title: &'static str,
    pub move_pages_changed: &'static str,
    pub links_word: &'static str,
    pub move_own_links: &'static str,
    pub move_elsewhere: &'static str,
    pub move_confirm: &'static str,
    pub name_taken: &'static str,
    pub refused_title: &'static str,
    pub push_refused: &'static str,
    pub push_pages: &'static str,
    pub push_removed: &'static str,
    pub push_missing_link: &'static str,
    pub clone_with_git: &'static str,
    pub tokens: &'static str,
    pub tokens_help: &'static str,
    pub token_name: &'static str,
    pub create_token: &'static str,
    pub token_created: &'static str,
    pub revoke: &'static str,
    pub created: &'static str,
    pub last_used: &'static str,
    pub never: &'static str,
    pub no_tokens: &'static str,
    pub token_empty_name: &'static str,
    pub your_details: &'static str,
    pub display_name: &'static str,
    pub email_address: &'static str,
    pub save_details: &'static str,
    pub details_saved: &'static str,
    pub details_stale: &'static str,
    pub details_bad_name: &'static str,
    pub details_bad_email: &'static str,
    pub details_invalid: &'static str,
    pub token_name_too_long: &'static str,
    pub token_too_many: &'static str,
    pub nothing_saved: &'static str,
    pub delete: &'static str,
    pub delete_confirm: &'static str,
    pub history: &'static str,
    pub what_links_here: &'static str,
    pub no_backlinks: &'static str,
    pub more_backlinks: &'static str,
    pub wanted_pages: &'static str,
    pub wanted_intro: &'static str,
    pub no_wanted: &'static str,
    pub linked_from: &'static str,
    pub create: &'static str,
    pub orphan_pages: &'static str,
    pub orphans_intro: &'static str,
    pub no_orphans: &'static str,
    pub no_history: &'static str,
    pub author: &'static str,
    pub date: &'static str,
    pub message: &'static str,
    pub compare: &'static str,
    pub revert: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub old_revision: &'static str,
    pub current_page: &'static str,
    pub changes_between: &'static str,
    pub no_difference: &'static str,
    pub recent_changes: &'static str,
    pub no_changes: &'static str,
    pub feed: &'static str,
    pub files: &'static str,
    pub upload: &'static str,
    pub file_to_upload: &'static str,
    pub file_name: &'static str,
    pub uploaded: &'static str,
    pub attach_file: &'static str,
    pub redirected_from: &'static str,
    pub too_large_title: &'static str,
    pub too_large: &'static str,
    pub new_page: &'static str,
    pub page_name: &'static str,
    pub bad_name: &'static str,
    pub sign_in_to_edit: &'static str,
    pub mib: &'static str,
    pub kib: &'static str,
    pub limit: &'static str,
    pub too_large_file: &'static str,
    pub too_large_form: &'static str,
    pub unsaved_title: &'static str,
    pub unsaved: &'static str,
    pub page_deleted: &'static str,
    pub renamed: &'static str,
    pub cancel: &'static str,
    pub preview_unsaved: &'static str,
    pub markdown_help: &'static str,
    pub back_to_page: &'static str,
    pub skip_to_content: &'static str,
    pub too_complex: &'static str,
    pub too_complex_raw: &'static str,
    pub actions: &'static str,
    pub language: &'static str,
    pub markdown_cheatsheet: &'static str,
    pub commit_create: &'static str,
    pub commit_update: &'static str,
    pub commit_delete: &'static str,
    pub commit_rename: &'static str,
    pub commit_rename_to: &'static str,
    pub commit_links_updated: &'static str,
    pub commit_upload: &'static str,
    pub commit_revert: &'static str,
    pub commit_revert_to: &'static str,
    pub commit_new_wiki: &'static str,
    pub added_line: &'static str,
    pub removed_line: &'static str,
    pub old_line: &'static str,
    pub new_line: &'static str,
    pub search: &'static str,
    pub search_label: &'static str,
    pub search_syntax: &'static str,
    pub search_everywhere: &'static str,
    pub search_catching_up: &'static str,
    pub search_too_long: &'static str,
    pub search_too_many_terms: &'static str,
    pub search_too_slow: &'static str,
    pub search_unavailable: &'static str,
    pub did_you_mean: &'static str,
    pub result: &'static str,
    pub results: &'static str,
    pub no_results: &'static str,
    pub previous_results: &'static str,
    pub next_results: &'static str,
    pub config_stale: &'static str,
    pub config_broken: &'static str,
    pub refused_bad_title: &'static str,
    pub refused_bad_org_name: &'static str,
    pub refused_bad_login: &'static str,
    pub refused_bad_slug: &'static str,
    pub refused_reserved_slug: &'static str,
    pub refused_taken: &'static str,
    pub refused_no_person: &'static str,
    pub refused_no_organisation: &'static str,
    pub refused_no_wiki: &'static str,
    pub refused_unknown_theme: &'static str,
    pub refused_unknown_language: &'static str,
    pub refused_bad_host: &'static str,
    pub refused_last_farm_admin: &'static str,
    pub refused_invalid: &'static str,
    pub refused_undo_conflict: &'static str,
    pub refused_bad_role: &'static str,
    pub changes_saved: &'static str,
    pub settings: &'static str,
    pub wiki_settings: &'static str,
    pub wiki_title: &'static str,
    pub visibility: &'static str,
    pub content_language: &'static str,
    pub theme: &'static str,
    pub host_names: &'static str,
    pub grants: &'static str,
    pub no_grants: &'static str,
    pub person: &'static str,
    pub role: &'static str,
    pub remove: &'static str,
    pub change: &'static str,
    pub add: &'static str,
    pub members: &'static str,
    pub organisation_wikis: &'static str,
    pub farm_administration: &'static str,
    pub organisations: &'static str,
    pub people: &'static str,
    pub slug: &'static str,
    pub name: &'static str,
    pub create_organisation: &'static str,
    pub create_wiki: &'static str,
    pub retire: &'static str,
    pub retire_confirm: &'static str,
    pub add_person: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub disabled: &'static str,
    pub no_password_yet: &'static str,
    pub make_farm_admin: &'static str,
    /// Beside the name of a farm admin in the list of people.
    pub farm_admin_badge: &'static str,
    pub unmake_farm_admin: &'static str,
    pub password_link: &'static str,
    pub password_link_made: &'static str,
    pub health: &'static str,
    pub repository: &'static str,
    pub size_on_disk: &'static str,
    pub derived_state: &'static str,
    pub health_ok: &'static str,
    pub caught_up: &'static str,
    pub catching_up: &'static str,
    pub audit_trail: &'static str,
    pub audit_on_disk: &'static str,
    pub undo: &'static str,
    pub no_changes_recorded: &'static str,
    pub set_password: &'static str,
    pub new_password: &'static str,
    pub confirm_password: &'static str,
    pub current_password: &'static str,
    pub change_password: &'static str,
    pub password_changed: &'static str,
    pub password_set: &'static str,
    pub password_too_short: &'static str,
    pub password_too_long: &'static str,
    pub passwords_differ: &'static str,
    pub wrong_password: &'static str,
    pub link_invalid: &'static str,
    pub link_expired: &'static str,
    pub administration: &'static str,
    pub refused_passwords_not_undone: &'static str,
    pub refused_bad_visibility: &'static str,
    pub refused_failed: &'static str,
}

pub static FR: Messages = Messages {
    sign_in: "Se connecter",
    sign_out: "Se déconnecter",
    login: "Identifiant",
    password: "Mot de passe",
    sign_in_failed: "Identifiant ou mot de passe incorrect.",
    too_many_attempts: "Trop de tentatives. Réessayez dans quelques instants.",
    account: "Mon compte",
    your_organisations: "Vos organisations",
    no_organisation: "Vous n’êtes membre d’aucune organisation.",
    you_administer_the_farm: "Vous administrez la ferme.",
    wikis: "Wikis",
    no_wikis: "Aucun wiki à afficher.",
    owner: "Organisation",
    visibility_public: "public",
    visibility_members: "membres",
    visibility_private: "privé",
    role_reader: "lecture",
    role_editor: "édition",
    role_admin: "administration",
    pages: "Pages",
    no_pages: "Ce wiki n’a encore aucune page.",
    home: "Accueil",
    raw: "Source",
    page_missing: "Cette page n’existe pas encore.",
    no_home_page: "Ce wiki n’a pas encore de page d’accueil.",
    not_found_title: "Introuvable",
    not_found: "Il n’y a rien à cette adresse.",
    not_found_sign_in: "Si cette page est réservée, connectez-vous pour la voir.",
    bad_request_title: "Requête invalide",
    bad_request: "Cette adresse ou ce formulaire n’est pas valide.",
    forbidden_title: "Accès refusé",
    forbidden: "Vous n’avez pas le droit de faire cela.",
    internal_title: "Erreur du serveur",
    internal: "Une erreur est survenue. Elle a été consignée ; réessayez plus tard.",
    unavailable_title: "Wiki indisponible",
    unavailable: "Ce wiki est momentanément indisponible. L’équipe technique a été prévenue.",
    back_home: "Retour à l’accueil",
    last_change: "Dernière modification",
    powered_by: "Propulsé par konbit",
    edit: "Modifier",
    create_this_page: "Créer cette page",
    editing: "Modification",
    creating: "Création",
    preview: "Aperçu",
    save: "Enregistrer",
    text_label: "Texte (Markdown)",
    commit_message: "Résumé de la modification (facultatif)",
    conflict_title: "Conflit de modification",
    conflict_explain: "Quelqu’un a modifié les mêmes lignes pendant que vous écriviez, et rien n’a été enregistré. Votre texte est intact dans le formulaire ci-dessous ; la version actuelle et les différences sont affichées. Reprenez ce qui doit l’être, puis enregistrez à nouveau.",
    current_version: "Version actuelle",
    differences: "Différences entre la version actuelle et votre texte",
    saved: "Modification enregistrée.",
    saved_merged: "Modification enregistrée, fusionnée avec des changements faits entre-temps.",
    unchanged: "Aucun changement : rien n’a été enregistré.",
    name_clash: "Une page au nom presque identique existe déjà (seules les majuscules ou les accents diffèrent) :",
    rename: "Renommer",
    new_name: "Nouveau nom (dossiers séparés par /)",
    leave_redirect: "Laisser une page de redirection à l’ancien nom",
    update_links: "Mettre à jour les liens qui mènent à cette page",
    move_confirm_title: "Confirmer le déplacement",
    move_pages_changed: "Ces pages seront modifiées dans le même enregistrement, pour que leurs liens mènent au nouveau nom :",
    links_word: "liens",
    move_own_links: "Liens de la page elle-même réécrits pour son nouvel emplacement :",
    move_elsewhere: "Ces pages d’autres wikis mènent ici et ne seront pas modifiées ; une page de redirection à l’ancien nom les garde valides :",
    move_confirm: "Déplacer et mettre à jour les liens",
    name_taken: "Une page porte déjà ce nom :",
    refused_title: "Modification refusée",
    push_refused: "poussée refusée, rien n’a changé dans le wiki :",
    push_pages: "pages modifiées :",
    push_removed: "supprimée",
    push_missing_link: "lien vers une page qui n’existe pas encore :",
    clone_with_git: "Cloner avec git",
    tokens: "Jetons personnels pour git",
    tokens_help: "Un jeton remplace votre mot de passe quand git le demande (git clone, git push). Il n’est montré qu’une fois : copiez-le tout de suite. Révoquez-le s’il est perdu.",
    token_name: "Nom du jeton (par exemple : portable)",
    create_token: "Créer un jeton",
    token_created: "Votre nouveau jeton — copiez-le maintenant, il ne sera plus affiché :",
    revoke: "Révoquer",
    created: "Créé",
    last_used: "Dernière utilisation",
    never: "jamais",
    no_tokens: "Aucun jeton.",
    your_details: "Vos coordonnées",
    display_name: "Nom affiché",
    email_address: "Adresse e-mail",
    save_details: "Enregistrer",
    details_saved: "Vos coordonnées sont enregistrées.",
    details_stale: "La liste des personnes a été modifiée entre-temps : voici les valeurs actuelles. Rien n’a été enregistré.",
    details_bad_name: "Le nom affiché doit compter de 1 à 100 caractères, sans caractère de contrôle ni « < » ou « > ».",
    details_bad_email: "L’adresse e-mail doit avoir la forme nom@domaine, sans espace.",
    details_invalid: "La configuration de la ferme n’est pas valide sur le disque ; rien n’est enregistré tant qu’elle n’est pas réparée.",
    token_empty_name: "Donnez un nom au jeton.",
    token_name_too_long: "Ce nom est trop long (60 caractères au plus, sans caractère de contrôle).",
    token_too_many: "Vous avez déjà 20 jetons : révoquez-en un d’abord.",
    nothing_saved: "Rien n’a été enregistré :",
    delete: "Supprimer",
    delete_confirm: "Supprimer cette page ? Elle restera consultable dans l’historique du wiki.",
    history: "Historique",
    what_links_here: "Pages liées",
    no_backlinks: "Aucune page ne mène ici.",
    more_backlinks: "autres pages, non montrées",
    wanted_pages: "Pages demandées",
    wanted_intro: "Ces pages n’existent pas encore, mais d’autres pages y mènent ; les plus demandées d’abord.",
    no_wanted: "Aucune page demandée : chaque lien mène à une page qui existe.",
    linked_from: "liée depuis",
    create: "Créer",
    orphan_pages: "Pages orphelines",
    orphans_intro: "Aucune autre page de ce wiki ne mène à ces pages.",
    no_orphans: "Aucune page orpheline : chaque page est liée depuis une autre.",
    no_history: "Aucune modification enregistrée pour cette page.",
    author: "Auteur",
    date: "Date",
    message: "Message",
    compare: "Comparer",
    revert: "Rétablir cette version",
    newer: "Plus récentes",
    older: "Plus anciennes",
    old_revision: "Vous consultez une ancienne version de cette page, du",
    current_page: "Voir la version actuelle",
    changes_between: "Différences",
    no_difference: "Aucune différence.",
    recent_changes: "Modifications récentes",
    no_changes: "Aucune modification pour l’instant.",
    feed: "Flux Atom",
    files: "Fichiers",
    upload: "Téléverser",
    file_to_upload: "Fichier",
    file_name: "Nom dans le wiki (facultatif, dossiers séparés par /)",
    uploaded: "Fichier ajouté. Markdown à coller dans une page :",
    attach_file: "Joindre un fichier",
    redirected_from: "Redirigé depuis",
    too_large_title: "Contenu trop volumineux",
    too_large: "Ce contenu dépasse la taille permise ; rien n’a été enregistré. Revenez en arrière : votre texte est toujours dans le formulaire.",
    new_page: "Nouvelle page",
    page_name: "Nom de la page",
    bad_name: "Ce nom de page n’est pas valide",
    sign_in_to_edit: "Connectez-vous pour modifier ce wiki.",
    mib: "Mio",
    kib: "Kio",
    limit: "limite :",
    too_large_file: "Ce fichier dépasse la taille permise ; rien n’a été enregistré. Choisissez un fichier plus petit.",
    too_large_form: "Ce formulaire est trop volumineux ; rien n’a été enregistré.",
    unsaved_title: "Texte non enregistré",
    unsaved: "Votre texte n’a pas été enregistré : votre session a expiré ou vous n’avez pas (ou plus) le droit de modifier ce wiki. Le voici, intact : copiez-le, reconnectez-vous dans un nouvel onglet, puis enregistrez à nouveau.",
    page_deleted: "Cette page a été supprimée. Son historique est conservé : vous pouvez y rétablir une version.",
    renamed: "Page renommée.",
    cancel: "Annuler",
    preview_unsaved: "Aperçu — pas encore enregistré",
    markdown_help: "Aide-mémoire de mise en forme",
    back_to_page: "Retour à la page",
    skip_to_content: "Aller au contenu",
    too_complex: "Cette page est trop complexe pour être affichée :",
    too_complex_raw: "Lire son texte source",
    actions: "Actions",
    language: "Langue",
    markdown_cheatsheet: r"# Titre, ## Sous-titre
**gras**, *italique*, ~~barré~~, `code`
[[Autre page]] ou [[Autre page|texte du lien]]
[[autre-wiki:Une page]] : une page d’un autre wiki
[texte du lien](https://exemple.org)
![description](images/photo.png)
- une liste
1. une liste numérotée
- [ ] une tâche, - [x] une tâche faite
| Colonne | Autre |
|---------|-------|
| case    | case  |
> une citation
[[_TOC_]] : la table des matières",
    commit_create: "Créer",
    commit_update: "Modifier",
    commit_delete: "Supprimer",
    commit_rename: "Renommer",
    commit_rename_to: "en",
    commit_links_updated: "Liens mis à jour :",
    commit_upload: "Ajouter",
    commit_revert: "Rétablir",
    commit_revert_to: "à la version du",
    commit_new_wiki: "Créer le wiki",
    added_line: "ajouté",
    removed_line: "retiré",
    old_line: "ancienne ligne",
    new_line: "nouvelle ligne",
    search: "Rechercher",
    search_label: "Rechercher dans les wikis",
    search_syntax: "Des mots, une « expression exacte » entre guillemets, un début de mot*, -un mot à exclure, wiki:nom pour un seul wiki.",
    search_everywhere: "Chercher dans tous les wikis",
    search_catching_up: "L’index de recherche se met à jour : des résultats peuvent manquer pour quelques instants.",
    search_too_long: "La recherche est trop longue : 1 000 caractères au plus.",
    search_too_many_terms: "La recherche a trop de termes : 32 au plus.",
    search_too_slow: "La recherche a pris trop de temps ; précisez-la.",
    search_unavailable: "La recherche est indisponible pour le moment.",
    did_you_mean: "Vouliez-vous dire",
    result: "résultat",
    results: "résultats",
    no_results: "Aucune page ne correspond à cette recherche.",
    previous_results: "Résultats précédents",
    next_results: "Résultats suivants",
    config_stale: "La configuration a été modifiée entre-temps (sur le disque ou par quelqu’un d’autre) : voici les valeurs actuelles. Rien n’a été enregistré.",
    config_broken: "La configuration de la ferme n’est pas valide sur le disque ; rien n’est enregistré tant qu’elle n’est pas réparée :",
    refused_bad_title: "Le titre doit compter de 1 à 200 caractères, sans caractère de contrôle ni « < » ou « > ».",
    refused_bad_org_name: "Le nom doit compter de 1 à 100 caractères, sans caractère de contrôle ni « < » ou « > ».",
    refused_bad_login: "Un identifiant compte de 1 à 64 caractères parmi a-z, 0-9, « . », « _ » et « - ».",
    refused_bad_slug: "Un identifiant d’adresse ne contient que des lettres minuscules sans accent, des chiffres et « - » (pas en premier), 63 au plus.",
    refused_reserved_slug: "Cet identifiant est une adresse de la ferme elle-même ; choisissez-en un autre.",
    refused_taken: "Cet identifiant est déjà pris.",
    refused_no_person: "Cette personne n’est pas dans le registre.",
    refused_no_organisation: "Cette organisation n’existe pas.",
    refused_no_wiki: "Ce wiki n’existe pas.",
    refused_unknown_theme: "Ce thème n’existe pas.",
    refused_unknown_language: "Cette langue n’est pas connue.",
    refused_bad_host: "Ce nom d’hôte n’en est pas un, ou un autre wiki l’a déjà :",
    refused_last_farm_admin: "La ferme doit garder au moins une personne qui l’administre.",
    refused_invalid: "Ce changement rendrait la configuration invalide ; rien n’a été enregistré.",
    refused_undo_conflict: "Des changements plus récents touchent les mêmes lignes : annulez-les d’abord, ou corrigez à la main.",
    refused_bad_role: "Ce rôle n’existe pas (lecture, édition ou administration).",
    changes_saved: "Le changement est enregistré ; il s’applique dès maintenant.",
    settings: "Paramètres",
    wiki_settings: "Paramètres du wiki",
    wiki_title: "Titre",
    visibility: "Visibilité",
    content_language: "Langue des pages",
    theme: "Thème",
    host_names: "Noms d’hôte (un par ligne)",
    grants: "Droits accordés hors de l’organisation",
    no_grants: "Aucun droit accordé.",
    person: "Personne",
    role: "Rôle",
    remove: "Retirer",
    change: "Changer",
    add: "Ajouter",
    members: "Membres",
    organisation_wikis: "Wikis de l’organisation",
    farm_administration: "Administration de la ferme",
    organisations: "Organisations",
    people: "Personnes",
    slug: "Identifiant",
    name: "Nom",
    create_organisation: "Créer l’organisation",
    create_wiki: "Créer le wiki",
    retire: "Retirer du service",
    retire_confirm: "Retirer ce wiki ? Son dépôt est gardé, archivé, mais il n’est plus servi.",
    add_person: "Ajouter la personne",
    disable: "Désactiver",
    enable: "Réactiver",
    disabled: "désactivée",
    no_password_yet: "sans mot de passe",
    make_farm_admin: "Nommer administratrice de la ferme",
    farm_admin_badge: "administre la ferme",
    unmake_farm_admin: "Retirer l’administration de la ferme",
    password_link: "Lien pour choisir un mot de passe",
    password_link_made: "Lien à usage unique, valable 72 heures — transmettez-le à la personne :",
    health: "État",
    repository: "Dépôt",
    size_on_disk: "Taille",
    derived_state: "Index",
    health_ok: "valide",
    caught_up: "à jour",
    catching_up: "en rattrapage",
    audit_trail: "Journal des changements",
    audit_on_disk: "modifié sur le disque",
    undo: "Annuler ce changement",
    no_changes_recorded: "Aucun changement enregistré.",
    set_password: "Choisir un mot de passe",
    new_password: "Nouveau mot de passe (8 caractères au moins)",
    confirm_password: "Le même, une seconde fois",
    current_password: "Mot de passe actuel",
    change_password: "Changer de mot de passe",
    password_changed: "Votre mot de passe est changé.",
    password_set: "Votre mot de passe est enregistré : vous pouvez vous connecter.",
    password_too_short: "Le mot de passe doit compter au moins 8 caractères.",
    password_too_long: "Ce mot de passe est trop long (1024 octets au plus).",
    passwords_differ: "Les deux mots de passe ne sont pas les mêmes.",
    wrong_password: "Le mot de passe actuel n’est pas le bon.",
    link_invalid: "Ce lien n’est pas valable, ou il a déjà servi. Demandez-en un nouveau à l’administration de la ferme.",
    link_expired: "Ce lien a expiré. Demandez-en un nouveau à l’administration de la ferme.",
    administration: "Administration",
    refused_passwords_not_undone: "Ce changement touche un mot de passe : un mot de passe n’est jamais remis en arrière. Demandez plutôt un lien pour en choisir un nouveau.",
    refused_bad_visibility: "La visibilité est publique, membres ou privée.",
    refused_failed: "Le changement n’a pas pu être écrit ; rien n’a changé. Le journal du serveur en dit la raison.",
};

pub static EN: Messages = Messages {
    sign_in: "Sign in",
    sign_out: "Sign out",
    login: "Login",
    password: "Password",
    sign_in_failed: "Wrong login or password.",
    too_many_attempts: "Too many attempts. Try again in a moment.",
    account: "My account",
    your_organisations: "Your organisations",
    no_organisation: "You are not a member of any organisation.",
    you_administer_the_farm: "You administer the farm.",
    no_wikis: "No wiki to show.",
    visibility_public: "public",
    visibility_members: "members",
    visibility_private: "private",
    role_reader: "reader",
    role_editor: "editor",
    role_admin: "admin",
    pages: "Pages",
    no_pages: "This wiki has no pages yet.",
    home: "Home",
    raw: "Source",
    page_missing: "This page does not exist yet.",
    no_home_page: "This wiki has no home page yet.",
    not_found_title: "Not found",
    not_found: "There is nothing at this address.",
    not_found_sign_in: "If this page is restricted, sign in to see it.",
    bad_request_title: "Bad request",
    bad_request: "This address or form is not valid.",
    forbidden_title: "Forbidden",
    forbidden: "You are not allowed to do this.",
    internal_title: "Server error",
    internal: "Something went wrong. It has been logged; please try again later.",
    unavailable_title: "Wiki unavailable",
    unavailable: "This wiki is unavailable for now. The technical team has been told.",
    back_home: "Back to the farm",
    last_change: "Last change",
    powered_by: "Powered by konbit",
    edit: "Edit",
    create_this_page: "Create this page",
    editing: "Editing",
    creating: "New page",
    preview: "Preview",
    save: "Save",
    text_label: "Text (Markdown)",
    commit_message: "Summary of the change (optional)",
    conflict_title: "Edit conflict",
    conflict_explain: "Someone changed the same lines while you were writing, and nothing was saved. Your text is intact in the form below; the current version and the differences are shown. Bring in what you need, then save again.",
    current_version: "Current version",
    differences: "Differences between the current version and your text",
    saved: "Change saved.",
    saved_merged: "Change saved, merged with changes made in the meantime.",
    unchanged: "No change: nothing was saved.",
    name_clash: "A page with almost the same name already exists (only letter case or accents differ):",
    rename: "Rename",
    new_name: "New name (folders separated by /)",
    leave_redirect: "Leave a redirect page at the old name",
    update_links: "Update the links that lead to this page",
    move_confirm_title: "Confirm the move",
    move_pages_changed: "These pages will be changed in the same commit, so that their links lead to the new name:",
    links_word: "links",
    move_own_links: "Links of the page itself rewritten for its new place:",
    move_elsewhere: "These pages of other wikis link here and will not be changed; a redirect page at the old name keeps them working:",
    move_confirm: "Move and update the links",
    name_taken: "A page already has this name:",
    refused_title: "Change refused",
    push_refused: "push refused, nothing changed in the wiki:",
    push_pages: "pages changed:",
    push_removed: "removed",
    push_missing_link: "link to a page that does not exist yet:",
    clone_with_git: "Clone with git",
    tokens: "Personal tokens for git",
    tokens_help: "A token stands in for your password when git asks for it (git clone, git push). It is shown once: copy it now. Revoke it if it is lost.",
    token_name: "Token name (for example: laptop)",
    create_token: "Create a token",
    token_created: "Your new token — copy it now, it will not be shown again:",
    revoke: "Revoke",
    created: "Created",
    last_used: "Last used",
    never: "never",
    no_tokens: "No tokens.",
    your_details: "Your details",
    display_name: "Display name",
    email_address: "E-mail address",
    save_details: "Save",
    details_saved: "Your details are saved.",
    details_stale: "The list of people was changed meanwhile: here are the current values. Nothing was saved.",
    details_bad_name: "The display name must be 1 to 100 characters long, without control characters, '<' or '>'.",
    details_bad_email: "The e-mail address must look like name@domain, without spaces.",
    details_invalid: "The farm's configuration on disk is not valid; nothing is saved until it is repaired.",
    token_empty_name: "Give the token a name.",
    token_name_too_long: "This name is too long (60 characters at most, no control characters).",
    token_too_many: "You already have 20 tokens: revoke one first.",
    nothing_saved: "Nothing was saved:",
    delete: "Delete",
    delete_confirm: "Delete this page? It will remain in the wiki’s history.",
    history: "History",
    what_links_here: "What links here",
    no_backlinks: "No page links here.",
    more_backlinks: "more pages, not shown",
    wanted_pages: "Wanted pages",
    wanted_intro: "These pages do not exist yet, but other pages link to them; the most wanted first.",
    no_wanted: "No wanted pages: every link leads to a page that exists.",
    linked_from: "linked from",
    create: "Create",
    orphan_pages: "Orphan pages",
    orphans_intro: "No other page of this wiki links to these pages.",
    no_orphans: "No orphan pages: every page is linked from another.",
    no_history: "No recorded change for this page.",
    author: "Author",
    date: "Date",
    message: "Message",
    compare: "Compare",
    revert: "Restore this version",
    newer: "Newer",
    older: "Older",
    old_revision: "You are viewing an old version of this page, from",
    current_page: "See the current version",
    changes_between: "Differences",
    no_difference: "No difference.",
    recent_changes: "Recent changes",
    no_changes: "No changes yet.",
    feed: "Atom feed",
    files: "Files",
    upload: "Upload",
    file_to_upload: "File",
    file_name: "Name in the wiki (optional, folders separated by /)",
    uploaded: "File added. Markdown to paste into a page:",
    attach_file: "Attach a file",
    redirected_from: "Redirected from",
    too_large_title: "Content too large",
    too_large: "This content is larger than allowed; nothing was saved. Go back: your text is still in the form.",
    new_page: "New page",
    page_name: "Page name",
    bad_name: "This page name is not valid",
    sign_in_to_edit: "Sign in to edit this wiki.",
    mib: "MiB",
    kib: "KiB",
    limit: "limit:",
    too_large_file: "This file is larger than allowed; nothing was saved. Choose a smaller file.",
    too_large_form: "This form is too large; nothing was saved.",
    unsaved_title: "Text not saved",
    unsaved: "Your text was not saved: your session has expired, or you may not (or no longer) edit this wiki. Here it is, intact: copy it, sign in again in a new tab, then save again.",
    page_deleted: "This page was deleted. Its history is kept: you can restore a version from it.",
    renamed: "Page renamed.",
    cancel: "Cancel",
    preview_unsaved: "Preview — not saved yet",
    markdown_help: "Formatting cheat sheet",
    back_to_page: "Back to the page",
    skip_to_content: "Skip to content",
    too_complex: "This page is too complex to be shown:",
    too_complex_raw: "Read its source text",
    actions: "Actions",
    language: "Language",
    markdown_cheatsheet: r"# Title, ## Subtitle
**bold**, *italic*, ~~struck~~, `code`
[[Other page]] or [[Other page|link text]]
[[other-wiki:A page]]: a page of another wiki
[link text](https://example.org)
![description](images/photo.png)
- a list
1. a numbered list
- [ ] a task, - [x] a done task
| Column | Other |
|--------|-------|
| cell   | cell  |
> a quote
[[_TOC_]]: the table of contents",
    commit_create: "Create",
    commit_update: "Update",
    commit_delete: "Delete",
    commit_rename: "Rename",
    commit_rename_to: "to",
    commit_links_updated: "Links updated:",
    commit_upload: "Upload",
    commit_revert: "Revert",
    commit_revert_to: "to the version of",
    commit_new_wiki: "Create the wiki",
    added_line: "added",
    removed_line: "removed",
    old_line: "old line",
    new_line: "new line",
    search: "Search",
    search_label: "Search the wikis",
    search_syntax: "Words, an \"exact phrase\" in quotes, the start of a word*, -a word to exclude, wiki:name for one wiki.",
    search_everywhere: "Search every wiki",
    search_catching_up: "The search index is catching up: some results may be missing for a moment.",
    search_too_long: "The search is too long: 1,000 characters at most.",
    search_too_many_terms: "The search has too many terms: 32 at most.",
    search_too_slow: "The search took too long; make it more precise.",
    search_unavailable: "Search is unavailable for the moment.",
    did_you_mean: "Did you mean",
    result: "result",
    results: "results",
    no_results: "No page matches this search.",
    previous_results: "Previous results",
    next_results: "Next results",
    config_stale: "The configuration changed meanwhile (on disk or by someone else): here are the current values. Nothing was saved.",
    config_broken: "The farm’s configuration on disk is not valid; nothing is saved until it is repaired:",
    refused_bad_title: "A title is 1 to 200 characters, without control characters, '<' or '>'.",
    refused_bad_org_name: "A name is 1 to 100 characters, without control characters, '<' or '>'.",
    refused_bad_login: "A login is 1 to 64 characters among a-z, 0-9, '.', '_' and '-'.",
    refused_bad_slug: "A slug is lower-case letters, digits and '-' (not first), at most 63.",
    refused_reserved_slug: "This slug is one of the farm’s own addresses; choose another.",
    refused_taken: "This name is already taken.",
    refused_no_person: "This person is not on the roster.",
    refused_no_organisation: "This organisation does not exist.",
    refused_no_wiki: "This wiki does not exist.",
    refused_unknown_theme: "There is no such theme.",
    refused_unknown_language: "This language is not known.",
    refused_bad_host: "This host name is not one, or another wiki has it:",
    refused_last_farm_admin: "The farm must keep at least one farm admin.",
    refused_invalid: "This change would make the configuration invalid; nothing was saved.",
    refused_undo_conflict: "Later changes touched the same lines: undo them first, or edit by hand.",
    refused_bad_role: "There is no such role (reader, editor or admin).",
    changes_saved: "The change is saved; it applies from now on.",
    settings: "Settings",
    wiki_settings: "Wiki settings",
    wiki_title: "Title",
    visibility: "Visibility",
    content_language: "Language of the pages",
    theme: "Theme",
    host_names: "Host names (one per line)",
    grants: "Grants to people outside the organisation",
    no_grants: "No grants.",
    person: "Person",
    role: "Role",
    remove: "Remove",
    change: "Change",
    add: "Add",
    members: "Members",
    organisation_wikis: "The organisation’s wikis",
    farm_administration: "Farm administration",
    organisations: "Organisations",
    people: "People",
    slug: "Slug",
    name: "Name",
    create_organisation: "Create the organisation",
    create_wiki: "Create the wiki",
    retire: "Retire",
    retire_confirm: "Retire this wiki? Its repository is kept, archived, but no longer served.",
    add_person: "Add the person",
    disable: "Disable",
    enable: "Re-enable",
    disabled: "disabled",
    no_password_yet: "no password yet",
    make_farm_admin: "Make farm admin",
    farm_admin_badge: "farm admin",
    unmake_farm_admin: "Remove farm admin",
    password_link: "Link to set a password",
    password_link_made: "One-time link, valid for 72 hours — pass it on:",
    health: "Health",
    repository: "Repository",
    size_on_disk: "Size",
    derived_state: "Indexes",
    health_ok: "valid",
    caught_up: "caught up",
    catching_up: "catching up",
    audit_trail: "Audit trail",
    audit_on_disk: "changed on disk",
    undo: "Undo this change",
    no_changes_recorded: "No change recorded.",
    set_password: "Set a password",
    new_password: "New password (at least 8 characters)",
    confirm_password: "The same, once more",
    current_password: "Current password",
    change_password: "Change password",
    password_changed: "Your password is changed.",
    password_set: "Your password is saved: you may sign in.",
    password_too_short: "A password is at least 8 characters.",
    password_too_long: "This password is too long (1024 bytes at most).",
    passwords_differ: "The two passwords differ.",
    wrong_password: "The current password is wrong.",
    link_invalid: "This link is not valid, or it was already used. Ask the farm’s admins for a new one.",
    link_expired: "This link has expired. Ask the farm’s admins for a new one.",
    administration: "Administration",
    wikis: "Wikis",
    owner: "Organisation",
    refused_passwords_not_undone: "This change touches a password: a password is never set back. Issue a link to set a new one instead.",
    refused_bad_visibility: "Visibility is public, members or private.",
    refused_failed: "The change could not be written; nothing changed. The server’s log says why.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        let check =
            |header, expected| assert_eq!(Lang::from_accept_language(header), expected, "{header}");
        check("fr-CA,fr;q=0.9,en;q=0.8", Some(Lang::Fr));
        check("en-US,en;q=0.9,fr;q=0.8", Some(Lang::En));
        check("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", Some(Lang::Fr));
        check("de", None);
        check("", None);
        check("fr;q=0,en", Some(Lang::En));
    }
}
