//! Who may write: a bearer token (or HTTP basic with the token as password, the two ways
//! Alertmanager's `http_config` sends credentials), or the UI's session cookie set by
//! logging in with the same token. Reads need no credentials.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "medic_session";

/// How write requests are authorised.
#[derive(Clone)]
pub enum Auth {
    /// Requests must carry this token.
    Token(String),
    /// Anyone may write (only allowed on a loopback address).
    Disabled,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Token(_) => f.write_str("Token(«redacted»)"),
            Auth::Disabled => f.write_str("Disabled"),
        }
    }
}

impl Auth {
    /// Whether the request's credentials allow writing.
    #[must_use]
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Auth::Token(token) = self else {
            return true;
        };
        let expected = digest(token);
        let given = headers
            .get_all(AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(credential);
        let cookies = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
            .filter(|v| *v == session(token))
            .map(|_| token.clone());
        given.chain(cookies).any(|c| digest(&c) == expected)
    }

    /// The session cookie value for a login with `token`, when it is the right one.
    #[must_use]
    pub fn login(&self, token: &str) -> Option<String> {
        match self {
            Auth::Token(t) if digest(t) == digest(token) => Some(session(t)),
            Auth::Token(_) => None,
            Auth::Disabled => Some(String::new()),
        }
    }

    /// Whether a session cookie (or no auth) lets the UI show write actions.
    #[must_use]
    pub fn is_operator(&self, headers: &HeaderMap) -> bool {
        matches!(self, Auth::Disabled) || self.allows(headers)
    }
}

/// The token an `Authorization` header carries.
fn credential(header: &str) -> Option<String> {
    let (scheme, value) = header.split_once(' ')?;
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => Some(value.trim().to_owned()),
        "basic" => {
            let decoded = STANDARD.decode(value.trim()).ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (_, password) = text.split_once(':')?;
            Some(password.to_owned())
        }
        _ => None,
    }
}

/// Tokens are compared by digest, so the comparison time does not follow the token.
fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn session(token: &str) -> String {
    format!(
        "{:x}",
        Sha256::digest(format!("medic-session\0{token}").as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: axum::http::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).expect("header"));
        h
    }

    #[test]
    fn bearer_basic_and_session_are_accepted_and_nothing_else() {
        let auth = Auth::Token("s3cret".into());
        assert!(auth.allows(&headers(AUTHORIZATION, "Bearer s3cret")));
        let basic = STANDARD.encode("alertmanager:s3cret");
        assert!(auth.allows(&headers(AUTHORIZATION, &format!("Basic {basic}"))));
        let cookie = auth.login("s3cret").expect("right token");
        assert!(auth.allows(&headers(COOKIE, &format!("a=b; {SESSION_COOKIE}={cookie}"))));
        assert!(!auth.allows(&HeaderMap::new()));
        assert!(!auth.allows(&headers(AUTHORIZATION, "Bearer s3cre")));
        assert!(!auth.allows(&headers(AUTHORIZATION, "s3cret")));
        assert!(!auth.allows(&headers(COOKIE, &format!("{SESSION_COOKIE}=s3cret"))));
        assert_eq!(auth.login("wrong"), None);
        assert!(Auth::Disabled.allows(&HeaderMap::new()));
    }
}
