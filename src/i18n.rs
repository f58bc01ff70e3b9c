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
    pub farm_admin: &'static str,
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
    pub page_missing_title: &'static str,
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
    pub language: &'static str,
    pub back_home: &'static str,
    pub last_change: &'static str,
    pub powered_by: &'static str,
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
    farm_admin: "Administration de la ferme",
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
    page_missing_title: "Page inexistante",
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
    language: "Langue",
    back_home: "Retour à l’accueil",
    last_change: "Dernière modification",
    powered_by: "Propulsé par konbit",
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
    farm_admin: "Farm administration",
    wikis: "Wikis",
    no_wikis: "No wiki to show.",
    owner: "Organisation",
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
    page_missing_title: "No such page",
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
    language: "Language",
    back_home: "Back to the farm",
    last_change: "Last change",
    powered_by: "Powered by konbit",
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
