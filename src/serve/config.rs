//! How the server is set up (`europass serve` options) and the checks made
//! before it listens: above all, that it never serves learners' data to a
//! network without an access token.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::import::Limits;

/// Environment variable that may hold the access token.
pub const TOKEN_VARIABLE: &str = "EUROPASS_TOKEN";

/// Shortest token taken: anything shorter is guessed too easily.
const MIN_TOKEN_CHARS: usize = 16;

/// Largest school profile file taken (a `europass.toml`).
pub(crate) const MAX_PROFILE_BYTES: usize = 1 << 20;

/// How `europass serve` runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen, `HOST:PORT` (`--bind`); port 0 picks a free one.
    pub bind: String,
    /// Where job folders are made (`--data-dir`); a temporary folder,
    /// removed at shutdown, when `None`.
    pub data_dir: Option<PathBuf>,
    /// A school profile (`europass.toml`) given to every job that brings
    /// none of its own (`--profile`).
    pub profile: Option<PathBuf>,
    /// The access token; required unless the address is loopback.
    pub token: Option<Token>,
    /// Jobs run at once (`--jobs`); each uses every core.
    pub runs: usize,
    /// Jobs that may wait for a run besides those running (`--queue`).
    pub queue: usize,
    /// Largest upload, in MB (`--max-upload-mb`).
    pub max_upload_mb: u64,
    /// How long a finished job's files are kept, in minutes (`--keep-minutes`).
    pub keep_minutes: f64,
    /// The limits on what one input file may make europass do (`--limit`).
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            data_dir: None,
            profile: None,
            token: None,
            runs: 1,
            queue: 8,
            max_upload_mb: 200,
            keep_minutes: 60.0,
            limits: Limits::default(),
        }
    }
}

/// Why the server cannot start as configured.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A non-loopback address without a token.
    #[error(
        "refusing to listen on {0} without an access token: anyone who can reach that address could read the learners' data. \
Give a token with --token-file FILE or the {TOKEN_VARIABLE} environment variable, or listen on 127.0.0.1 only"
    )]
    TokenRequired(SocketAddr),
    /// The token file cannot be read.
    #[error("cannot read the token file {path}: {source}")]
    TokenFile {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The token is too short (or empty).
    #[error("the access token must be at least {MIN_TOKEN_CHARS} characters long (it has {0})")]
    WeakToken(usize),
    /// `--bind` names no address.
    #[error("cannot listen on `{bind}`: {detail}")]
    Bind {
        /// As given.
        bind: String,
        /// Why.
        detail: String,
    },
    /// The `--profile` file cannot be used.
    #[error("cannot use the profile {path}: {detail}")]
    Profile {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// A number option out of its range.
    #[error("{0}")]
    Range(String),
}

/// A secret that lets a request in. Never printed, compared in constant time.
#[derive(Clone)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl Token {
    /// A token from its text (surrounding white space, such as a file's
    /// last newline, is not part of it).
    pub fn new(text: &str) -> Result<Token, ConfigError> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars < MIN_TOKEN_CHARS {
            return Err(ConfigError::WeakToken(chars));
        }
        Ok(Token(text.to_string()))
    }

    /// The token from `--token-file` if given, else from the environment
    /// variable's value `env`; `None` when neither is.
    pub fn from_sources(
        file: Option<&Path>,
        env: Option<String>,
    ) -> Result<Option<Token>, ConfigError> {
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::TokenFile {
                path: path.display().to_string(),
                source,
            })?;
            return Token::new(&text).map(Some);
        }
        env.filter(|t| !t.is_empty())
            .map(|t| Token::new(&t))
            .transpose()
    }

    /// True when `given` is the token. Both are hashed first, so the time
    /// taken says nothing about how much of it matched (BLAKE3 hashes
    /// compare in constant time), nor about its length.
    pub(crate) fn matches(&self, given: &[u8]) -> bool {
        blake3::hash(given) == blake3::hash(self.0.as_bytes())
    }

    /// True when two secrets (a cookie and its expected value) are equal,
    /// compared as [`Token::matches`] compares.
    pub(crate) fn same(given: &str, expected: &str) -> bool {
        blake3::hash(given.as_bytes()) == blake3::hash(expected.as_bytes())
    }

    /// What the login cookie holds: derived from the token, so the cookie
    /// never carries the token itself.
    pub(crate) fn cookie_value(&self) -> String {
        blake3::derive_key("europass serve 2026 login cookie", self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Config {
    /// The address to listen on, checked: a token is required unless every
    /// address the name stands for is loopback.
    pub(crate) fn address(&self) -> Result<SocketAddr, ConfigError> {
        let bind_error = |detail: String| ConfigError::Bind {
            bind: self.bind.clone(),
            detail,
        };
        let addrs: Vec<SocketAddr> = self
            .bind
            .to_socket_addrs()
            .map_err(|e| bind_error(format!("{e} (write HOST:PORT, e.g. 127.0.0.1:8080)")))?
            .collect();
        let first = *addrs
            .first()
            .ok_or_else(|| bind_error("the name stands for no address".into()))?;
        if self.token.is_none()
            && let Some(open) = addrs.iter().find(|a| !a.ip().is_loopback())
        {
            return Err(ConfigError::TokenRequired(*open));
        }
        Ok(first)
    }

    /// Checks the numbers: at least one run, a keeping time that is a time.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        if self.runs == 0 {
            return Err(ConfigError::Range("--jobs must be at least 1".into()));
        }
        if self.max_upload_mb == 0 {
            return Err(ConfigError::Range(
                "--max-upload-mb must be at least 1".into(),
            ));
        }
        if !(self.keep_minutes.is_finite() && self.keep_minutes >= 0.0) {
            return Err(ConfigError::Range(
                "--keep-minutes must be a number of minutes, 0 or more".into(),
            ));
        }
        Ok(())
    }

    /// How long a finished job is kept.
    pub(crate) fn keep(&self) -> Duration {
        Duration::from_secs_f64(self.keep_minutes * 60.0)
    }

    /// The `--profile` file's text, checked to be TOML of a sensible size.
    pub(crate) fn profile_text(&self) -> Result<Option<String>, ConfigError> {
        let Some(path) = &self.profile else {
            return Ok(None);
        };
        let fail = |detail: String| ConfigError::Profile {
            path: path.display().to_string(),
            detail,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        check_profile(&text).map_err(fail)?;
        Ok(Some(text))
    }
}

/// A school profile is read as a job would read it, so that a bad one is
/// refused when it is given, naming the line and key at fault.
pub(crate) fn check_profile(text: &str) -> Result<(), String> {
    if text.len() > MAX_PROFILE_BYTES {
        return Err(format!("larger than {MAX_PROFILE_BYTES} bytes"));
    }
    crate::profile::parse(text, crate::profile::PROFILE_FILE)
        .map(|_| ())
        .map_err(|e| match e {
            crate::profile::ProfileError::Invalid { line, message, .. } => {
                format!("wrong at line {line}: {message}")
            }
            other => other.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(bind: &str, token: Option<&str>) -> Config {
        Config {
            bind: bind.into(),
            token: token.map(|t| Token::new(t).unwrap()),
            ..Config::default()
        }
    }

    #[test]
    fn loopback_needs_no_token() {
        assert!(config("127.0.0.1:0", None).address().is_ok());
        assert!(config("[::1]:0", None).address().is_ok());
    }

    #[test]
    fn any_other_address_needs_a_token() {
        let err = config("0.0.0.0:8080", None).address().unwrap_err();
        assert!(matches!(err, ConfigError::TokenRequired(_)));
        assert!(err.to_string().contains("--token-file"));
        assert!(
            config("0.0.0.0:8080", Some("a-long-enough-token"))
                .address()
                .is_ok()
        );
    }

    #[test]
    fn a_short_token_is_refused() {
        assert!(matches!(
            Token::new("  short \n"),
            Err(ConfigError::WeakToken(5))
        ));
    }

    #[test]
    fn the_token_file_wins_over_the_environment_and_loses_its_newline() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-the-file-0123456789\n").unwrap();
        let token = Token::from_sources(Some(&file), Some("from-the-environment-0123".into()))
            .unwrap()
            .unwrap();
        assert!(token.matches(b"from-the-file-0123456789"));
        assert!(!token.matches(b"from-the-environment-0123"));
        assert!(Token::from_sources(None, None).unwrap().is_none());
    }

    #[test]
    fn the_cookie_does_not_carry_the_token() {
        let token = Token::new("a-long-enough-token").unwrap();
        assert!(!token.cookie_value().contains("a-long-enough-token"));
        assert_eq!(token.cookie_value().len(), 64);
    }

    #[test]
    fn a_profile_must_be_toml() {
        assert!(check_profile("[school]\nname = \"X\"\n").is_ok());
        assert!(check_profile("[school\n").is_err());
        let typo = check_profile("[school]\nnmae = \"X\"\n").unwrap_err();
        assert!(
            typo.contains("line 2") && typo.contains("school.name"),
            "{typo}"
        );
    }
}
