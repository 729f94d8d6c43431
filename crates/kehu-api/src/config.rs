//! Typed configuration, built once in `main` from the environment and an optional TOML file, then
//! passed to whatever needs it. Environment variables win over the file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything `kehu serve` needs to know.
#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// `postgres://…` for PostgreSQL; otherwise a SQLite file path.
    pub database_url: String,
    pub data_dir: PathBuf,
    pub pool_size: u32,
    /// HTTP worker threads; `None` = one per core.
    pub workers: Option<usize>,
    pub admin_email: String,
    /// `None`: a password is generated for the first admin and printed once.
    pub admin_password: Option<String>,
    /// `None`: a key is generated once and kept in the database, shared by every instance.
    pub jwt_secret: Option<String>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub max_body_bytes: usize,
    pub shutdown_timeout: Duration,
    /// Failed sign-ins allowed per account and per address within `login_window`.
    pub login_max_failures: u32,
    pub login_window: Duration,
    /// Take the client's address from `Forwarded`/`X-Forwarded-For` (behind a trusted proxy only).
    pub trust_proxy: bool,
    /// API requests per minute per caller (user, API key, or address when anonymous).
    pub rate_limit_per_minute: u64,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// Serve the web app from this folder instead of the copy built into the binary.
    pub web_dir: Option<PathBuf>,
    /// How often background jobs (returning idle customers to the pool) run; `None`: never.
    pub job_interval: Option<Duration>,
    /// The largest CSV file an import accepts.
    pub max_import_bytes: usize,
}

// Secrets stay out of Debug output, and so out of any log line that prints the config.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("pool_size", &self.pool_size)
            .field("workers", &self.workers)
            .field("admin_email", &self.admin_email)
            .field("admin_password", &self.admin_password.as_ref().map(|_| "<set>"))
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "<set>"))
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("login_max_failures", &self.login_max_failures)
            .field("login_window", &self.login_window)
            .field("trust_proxy", &self.trust_proxy)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("log_filter", &self.log_filter)
            .field("log_format", &self.log_format)
            .field("web_dir", &self.web_dir)
            .field("job_interval", &self.job_interval)
            .field("max_import_bytes", &self.max_import_bytes)
            .finish()
    }
}

/// Drops the password from a URL like `postgres://user:secret@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// The optional file named by `KEHU_CONFIG`: the same settings, lowercase, without the prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database_url: Option<String>,
    data_dir: Option<String>,
    pool_size: Option<u32>,
    workers: Option<usize>,
    admin_email: Option<String>,
    admin_password: Option<String>,
    jwt_secret: Option<String>,
    access_token_ttl_secs: Option<u64>,
    refresh_token_ttl_days: Option<u64>,
    max_body_bytes: Option<usize>,
    shutdown_timeout_secs: Option<u64>,
    login_max_failures: Option<u32>,
    login_window_secs: Option<u64>,
    trust_proxy: Option<bool>,
    rate_limit_per_minute: Option<u64>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    web_dir: Option<String>,
    job_interval_secs: Option<u64>,
    max_import_bytes: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("config file {path} is invalid: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("{name} is invalid: {detail}")]
    Invalid { name: &'static str, detail: String },
}

impl Config {
    /// Reads `KEHU_*` from the process environment (and `KEHU_CONFIG`'s file, if set).
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any variable source; tests pass a map.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let file = match var("KEHU_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| ConfigError::Read { path: path.clone(), source })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse { path, source })?
            }
            None => FileConfig::default(),
        };
        let string = |name: &str, from_file: Option<String>| var(name).or(from_file);
        let number = |name: &'static str, from_file: Option<u64>| -> Result<Option<u64>, ConfigError> {
            match var(name) {
                Some(v) => {
                    v.trim().parse::<u64>().map(Some).map_err(|e| ConfigError::Invalid { name, detail: e.to_string() })
                }
                None => Ok(from_file),
            }
        };

        let bind_text = string("KEHU_BIND", file.bind).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind = bind_text.parse().map_err(|_| ConfigError::Invalid {
            name: "KEHU_BIND",
            detail: format!("{bind_text:?} is not host:port"),
        })?;
        let data_dir = PathBuf::from(string("KEHU_DATA_DIR", file.data_dir).unwrap_or_else(|| "data".to_owned()));
        let database_url = string("KEHU_DATABASE_URL", file.database_url)
            .unwrap_or_else(|| data_dir.join("kehu.db").to_string_lossy().into_owned());
        let log_format = match var("KEHU_LOG_FORMAT") {
            Some(v) if v == "json" => LogFormat::Json,
            Some(v) if v == "text" => LogFormat::Text,
            Some(v) => {
                return Err(ConfigError::Invalid {
                    name: "KEHU_LOG_FORMAT",
                    detail: format!("{v:?}: use text or json"),
                });
            }
            None => file.log_format.unwrap_or(LogFormat::Text),
        };
        let to_u32 = |name: &'static str, v: u64| {
            u32::try_from(v).map_err(|e| ConfigError::Invalid { name, detail: e.to_string() })
        };
        let to_usize = |name: &'static str, v: u64| {
            usize::try_from(v).map_err(|e| ConfigError::Invalid { name, detail: e.to_string() })
        };
        let pool_size =
            to_u32("KEHU_POOL_SIZE", number("KEHU_POOL_SIZE", file.pool_size.map(u64::from))?.unwrap_or(10))?;
        if pool_size == 0 {
            return Err(ConfigError::Invalid { name: "KEHU_POOL_SIZE", detail: "must be at least 1".into() });
        }
        let workers =
            number("KEHU_WORKERS", file.workers.map(|w| w as u64))?.map(|w| to_usize("KEHU_WORKERS", w)).transpose()?;
        let trust_proxy = match var("KEHU_TRUST_PROXY").as_deref() {
            Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "KEHU_TRUST_PROXY",
                    detail: format!("{other:?}: use true or false"),
                });
            }
            None => file.trust_proxy.unwrap_or(false),
        };
        let login_max_failures = to_u32(
            "KEHU_LOGIN_MAX_FAILURES",
            number("KEHU_LOGIN_MAX_FAILURES", file.login_max_failures.map(u64::from))?.unwrap_or(10),
        )?;
        let max_body = number("KEHU_MAX_BODY_BYTES", file.max_body_bytes.map(|b| b as u64))?.unwrap_or(1024 * 1024);

        Ok(Config {
            bind,
            database_url,
            data_dir,
            pool_size,
            workers,
            admin_email: string("KEHU_ADMIN_EMAIL", file.admin_email).unwrap_or_else(|| "admin@kehu.local".to_owned()),
            admin_password: string("KEHU_ADMIN_PASSWORD", file.admin_password).filter(|p| !p.is_empty()),
            jwt_secret: string("KEHU_JWT_SECRET", file.jwt_secret).filter(|s| !s.is_empty()),
            access_token_ttl: Duration::from_secs(
                number("KEHU_ACCESS_TOKEN_TTL_SECS", file.access_token_ttl_secs)?.unwrap_or(15 * 60),
            ),
            refresh_token_ttl: Duration::from_secs(
                number("KEHU_REFRESH_TOKEN_TTL_DAYS", file.refresh_token_ttl_days)?.unwrap_or(30) * 24 * 3600,
            ),
            max_body_bytes: to_usize("KEHU_MAX_BODY_BYTES", max_body)?,
            shutdown_timeout: Duration::from_secs(
                number("KEHU_SHUTDOWN_TIMEOUT_SECS", file.shutdown_timeout_secs)?.unwrap_or(30),
            ),
            login_max_failures,
            login_window: Duration::from_secs(
                number("KEHU_LOGIN_WINDOW_SECS", file.login_window_secs)?.unwrap_or(15 * 60),
            ),
            trust_proxy,
            rate_limit_per_minute: number("KEHU_RATE_LIMIT_PER_MINUTE", file.rate_limit_per_minute)?
                .unwrap_or(600)
                .max(1),
            log_filter: string("KEHU_LOG", file.log).unwrap_or_else(|| "info".to_owned()),
            log_format,
            web_dir: string("KEHU_WEB_DIR", file.web_dir).map(PathBuf::from),
            job_interval: match number("KEHU_JOB_INTERVAL_SECS", file.job_interval_secs)?.unwrap_or(60) {
                0 => None,
                secs => Some(Duration::from_secs(secs)),
            },
            max_import_bytes: to_usize(
                "KEHU_MAX_IMPORT_BYTES",
                number("KEHU_MAX_IMPORT_BYTES", file.max_import_bytes.map(|b| b as u64))?.unwrap_or(100 * 1024 * 1024),
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_are_sqlite_on_localhost() {
        let c = Config::from_lookup(lookup(&[])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert!(c.database_url.ends_with("kehu.db"));
        assert_eq!(c.access_token_ttl, Duration::from_secs(900));
        assert!(c.admin_password.is_none());
    }

    #[test]
    fn environment_overrides_and_validates() {
        let c = Config::from_lookup(lookup(&[("KEHU_BIND", "0.0.0.0:9000"), ("KEHU_POOL_SIZE", "3")])).unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.pool_size, 3);
        assert!(Config::from_lookup(lookup(&[("KEHU_BIND", "nope")])).is_err());
        assert!(Config::from_lookup(lookup(&[("KEHU_POOL_SIZE", "0")])).is_err());
        assert!(Config::from_lookup(lookup(&[("KEHU_LOG_FORMAT", "xml")])).is_err());
    }

    #[test]
    fn file_is_read_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kehu.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:7000\"\npool_size = 4\n").unwrap();
        let p = path.to_string_lossy().to_string();
        let c = Config::from_lookup(lookup(&[("KEHU_CONFIG", &p), ("KEHU_POOL_SIZE", "6")])).unwrap();
        assert_eq!(c.bind.port(), 7000);
        assert_eq!(c.pool_size, 6);
        std::fs::write(&path, "colour = \"blue\"\n").unwrap();
        assert!(Config::from_lookup(lookup(&[("KEHU_CONFIG", &p)])).is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Config::from_lookup(lookup(&[
            ("KEHU_ADMIN_PASSWORD", "hunter2hunter2"),
            ("KEHU_JWT_SECRET", "topsecretkey"),
            ("KEHU_DATABASE_URL", "postgres://kehu:dbpass@localhost/kehu"),
        ]))
        .unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("hunter2") && !text.contains("topsecret") && !text.contains("dbpass"), "{text}");
    }
}
