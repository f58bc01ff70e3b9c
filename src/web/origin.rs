//! Origins (scheme, host and port) as browsers compare them, for the farm's own addresses:
//! absolute links are built from the configured ones only, and a form's `Origin` is compared
//! with them (see `form`).

/// An origin as browsers compare them: scheme, host and port, in lower case, the scheme's
/// default port left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// The origin of an absolute http(s) address (`https://Wiki.Example:443/x` →
    /// `https://wiki.example`), or `None`.
    pub fn of_url(url: &str) -> Option<Origin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            return None;
        }
        let (host, port) = split_authority(authority)?;
        Some(Origin { scheme, host, port }.without_default_port())
    }

    /// The origin of a request sent with this `Host`, if it was sent with this scheme.
    pub fn of_host(scheme: &str, host: &str) -> Option<Origin> {
        let (host, port) = split_authority(host)?;
        Some(
            Origin {
                scheme: scheme.to_owned(),
                host,
                port,
            }
            .without_default_port(),
        )
    }

    /// The same scheme and port at another host name.
    pub fn with_host(&self, host: &str) -> Origin {
        Origin {
            host: host.to_ascii_lowercase(),
            ..self.clone()
        }
    }

    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn without_default_port(mut self) -> Origin {
        let default = if self.scheme == "https" { 443 } else { 80 };
        if self.port == Some(default) {
            self.port = None;
        }
        self
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// `host[:port]` (or `[v6]:port`) → lower-case host and port; `None` when malformed.
fn split_authority(authority: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            (format!("[{inside}]"), after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (authority.to_owned(), None),
        },
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok()?),
        None => None,
    };
    Some((host.to_ascii_lowercase(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_as_browsers_do() {
        let base = Origin::of_url("https://Wiki.Example.org:443/some/path").expect("an origin");
        assert_eq!(base.to_string(), "https://wiki.example.org");
        assert_eq!(
            Origin::of_url("https://wiki.example.org"),
            Some(base.clone())
        );
        assert_ne!(
            Origin::of_url("http://wiki.example.org"),
            Some(base.clone())
        );
        assert_ne!(
            Origin::of_url("https://wiki.example.org:8443"),
            Some(base.clone())
        );
        assert_eq!(
            Origin::of_url("http://127.0.0.1:8080"),
            Origin::of_host("http", "127.0.0.1:8080")
        );
        assert_eq!(
            Origin::of_url("http://[::1]:80")
                .map(|o| o.to_string())
                .as_deref(),
            Some("http://[::1]")
        );
        assert_eq!(
            base.with_host("WIKI.remix.example").to_string(),
            "https://wiki.remix.example"
        );
        let with_port = Origin::of_url("https://farm.example:8443").expect("an origin");
        assert_eq!(
            with_port.with_host("wiki.example").to_string(),
            "https://wiki.example:8443"
        );
        for not_one in [
            "null",
            "",
            "https://",
            "ftp://wiki.example.org",
            "https://user@wiki.example.org",
            "https://wiki.example.org:port",
            "https://wiki example.org",
        ] {
            assert_eq!(Origin::of_url(not_one), None, "{not_one:?}");
        }
    }
}
