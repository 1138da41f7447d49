//! The HTTP(S) server for the host pages and builds: loopback unless told otherwise, cross-origin isolated, confined
//! to its roots, answering only its own host names.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use axum_server::Handle;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::files;

/// The directories served: `www/` at `/`, the profile builds at `/dist/`, the policies at `/ci/`.
#[derive(Debug, Clone)]
pub struct Roots {
    pub www: PathBuf,
    pub dist: PathBuf,
    pub ci: PathBuf,
    /// The base build of a paired run (`run --against`), served at `/base/`.
    pub base: Option<PathBuf>,
}

impl Roots {
    /// The repository layout relative to `root`.
    pub fn in_repo(root: &Path, dist: &Path) -> Self {
        Roots {
            www: root.join("www"),
            dist: dist.to_path_buf(),
            ci: root.join("ci"),
            base: None,
        }
    }
}

/// Where the server listens and what origin browsers open.
#[derive(Debug, Clone)]
pub struct Listen {
    /// Bind address (port 0 picks a free port). Anything but loopback must be asked for explicitly.
    pub addr: SocketAddr,
    /// The origin a remote browser opens (`https://bench.lan:8443`), when not the bound address;
    /// its host is the only non-loopback `Host` the server answers.
    pub public_origin: Option<String>,
    /// PEM certificate chain and private key: serve HTTPS (rustls), so a page opened from another
    /// machine is a secure context and stays cross-origin isolated.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// TEST ONLY (`--test-server-delay-ms`): hold every response back this long (see [`delayed`]).
    pub delay: Option<Duration>,
}

/// A running server; dropping it stops the server.
pub struct Server {
    /// The bound port.
    pub port: u16,
    origin: String,
    handle: Handle,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// The origin pages are opened at: `--public-origin`, else `http(s)://ADDR:PORT`.
    pub fn origin(&self) -> String {
        self.origin.clone()
    }

    /// Stops accepting and waits for the server task.
    pub async fn stop(mut self) {
        self.handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(1)));
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

/// The router: static files only (path traversal is refused by `ServeDir`; symlinks out of a root,
/// `node_modules`, dot-files and foreign `Host` names by [`guard`]), with COOP/COEP so pages are
/// cross-origin isolated (finer `performance.now()`), and `no-store` so every fetch is a real fetch.
pub fn router(roots: &Roots, hosts: Vec<String>) -> Router {
    let guarded = Arc::new(Guarded::new(roots, hosts));
    let mut router = Router::new();
    if let Some(base) = &roots.base {
        router = router.nest_service("/base", ServeDir::new(base));
    }
    router
        .nest_service("/dist", ServeDir::new(&roots.dist))
        .nest_service("/ci", ServeDir::new(&roots.ci))
        .fallback_service(ServeDir::new(&roots.www).append_index_html_on_directories(true))
        .layer(middleware::from_fn_with_state(guarded, guard))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-embedder-policy"),
            HeaderValue::from_static("require-corp"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// TEST ONLY: holds every response back `delay` (a slower server), for the check that transfer never
/// reaches the cold-init gate value.
fn delayed(router: Router, delay: Option<Duration>) -> Router {
    match delay {
        None => router,
        Some(d) => router.layer(middleware::from_fn(
            move |req: Request, next: Next| async move {
                tokio::time::sleep(d).await;
                next.run(req).await
            },
        )),
    }
}

/// Binds `listen.addr` and serves until stopped (HTTPS when `listen.tls` names a certificate and key).
pub async fn start(roots: &Roots, listen: &Listen) -> Result<Server> {
    for (name, dir) in [("www", &roots.www), ("ci", &roots.ci)] {
        if !dir.is_dir() {
            bail!(
                "{name} root {} is not a directory: run from the repository root",
                dir.display()
            );
        }
    }
    let public = listen
        .public_origin
        .as_deref()
        .map(public_host)
        .transpose()?;
    if listen.addr.ip().is_unspecified() && public.is_none() {
        bail!("--bind {} listens on every interface but names no host a browser could open: add --public-origin https://HOST:PORT", listen.addr.ip());
    }
    let tls = match &listen.tls {
        Some((cert, key)) => Some(tls_config(cert, key).await?),
        None => None,
    };
    let listener = std::net::TcpListener::bind(listen.addr)
        .with_context(|| format!("cannot listen on {} (--bind/--port)", listen.addr))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let origin = match &listen.public_origin {
        Some(o) => o.trim_end_matches('/').to_owned(),
        None => format!("{scheme}://{addr}"),
    };
    let mut hosts: Vec<String> = public.into_iter().collect();
    if !addr.ip().is_unspecified() && !addr.ip().is_loopback() {
        hosts.push(match addr {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        });
    }
    let app = delayed(router(roots, hosts), listen.delay).into_make_service();
    let handle = Handle::new();
    // Without TCP_NODELAY, Nagle's algorithm meets delayed ACKs and stalls responses by ~40 ms,
    // which would land in the cold-init fetch phase.
    let server = axum_server::from_tcp(listener).handle(handle.clone());
    let task = match tls {
        Some(config) => {
            let acceptor = RustlsAcceptor::new(config).acceptor(NoDelayAcceptor::new());
            tokio::spawn(async move {
                let _ = server.acceptor(acceptor).serve(app).await;
            })
        }
        None => tokio::spawn(async move {
            let _ = server.acceptor(NoDelayAcceptor::new()).serve(app).await;
        }),
    };
    Ok(Server {
        port: addr.port(),
        origin,
        handle,
        task: Some(task),
    })
}

/// The host name of `--public-origin` as a `Host` header carries it (an IPv6 literal keeps its brackets).
fn public_host(origin: &str) -> Result<String> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .with_context(|| {
            format!("--public-origin {origin:?} must start with https:// or http://")
        })?;
    let authority = rest.trim_end_matches('/');
    if authority.is_empty() || authority.contains(['/', '@', '?', '#']) {
        bail!("--public-origin {origin:?} must be an origin only (scheme://host[:port]), like https://bench.lan:8443");
    }
    Ok(strip_port(authority).to_ascii_lowercase())
}

/// `host[:port]` → `host` (`[::1]:80` → `[::1]`).
fn strip_port(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => name,
        _ => authority,
    }
}

/// The rustls configuration from a PEM certificate chain and key (read through `files`).
async fn tls_config(cert: &Path, key: &Path) -> Result<RustlsConfig> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cert_pem = files::read_bounded(cert, 1 << 20)
        .with_context(|| format!("--tls-cert {}", cert.display()))?;
    let key_pem = files::read_bounded(key, 1 << 20)
        .with_context(|| format!("--tls-key {}", key.display()))?;
    RustlsConfig::from_pem(cert_pem, key_pem)
        .await
        .with_context(|| {
            format!(
            "--tls-cert {} / --tls-key {}: not a PEM certificate chain and matching private key",
            cert.display(),
            key.display()
        )
        })
}

/// The roots as the guard checks them: canonical paths, so a symlink's target can be compared.
struct Guarded {
    www: PathBuf,
    dist: PathBuf,
    ci: PathBuf,
    base: Option<PathBuf>,
    /// Host names answered besides loopback's: the public origin's and a bound non-loopback address.
    hosts: Vec<String>,
}

impl Guarded {
    fn new(roots: &Roots, hosts: Vec<String>) -> Self {
        let canon = |p: &Path| files::canonical(p).unwrap_or_else(|_| p.to_path_buf());
        Guarded {
            www: canon(&roots.www),
            dist: canon(&roots.dist),
            ci: canon(&roots.ci),
            base: roots.base.as_deref().map(canon),
            hosts,
        }
    }

    /// The root a decoded URL path is served from, and the path inside it.
    fn locate<'a>(&self, path: &'a str) -> (&Path, &'a str) {
        let base = self.base.as_ref().map(|b| ("/base", b));
        for (prefix, root) in [("/dist", &self.dist), ("/ci", &self.ci)]
            .into_iter()
            .chain(base)
        {
            if let Some(rest) = path.strip_prefix(prefix) {
                if rest.is_empty() || rest.starts_with('/') {
                    return (root, rest);
                }
            }
        }
        (&self.www, path)
    }
}

/// Why a request is refused before it reaches the file service, if it is.
fn refusal(g: &Guarded, host: Option<&str>, raw_path: &str) -> Option<(StatusCode, String)> {
    let host_name = host.map(|h| strip_port(h).to_ascii_lowercase());
    let ours = match host_name.as_deref() {
        Some("127.0.0.1" | "localhost" | "[::1]") => true,
        Some(name) => g.hosts.iter().any(|h| h == name),
        None => false,
    };
    if !ours {
        return Some((
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "Host {:?} is not this server's (DNS rebinding is refused): open http://127.0.0.1:PORT/ or the --public-origin",
                host.unwrap_or("")
            ),
        ));
    }
    let Ok(path) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Some((StatusCode::BAD_REQUEST, "the path is not UTF-8".into()));
    };
    if path
        .split('/')
        .any(|seg| seg == "node_modules" || (seg.starts_with('.') && !seg.is_empty()))
    {
        return Some((
            StatusCode::NOT_FOUND,
            "node_modules, dot-files and `..` are not served".into(),
        ));
    }
    let (root, inside) = g.locate(&path);
    let target = root.join(inside.trim_start_matches('/'));
    match files::canonical(&target) {
        Ok(real) if !real.starts_with(root) => Some((
            StatusCode::NOT_FOUND,
            "a link out of the served roots is not followed".into(),
        )),
        _ => None,
    }
}

async fn guard(State(g): State<Arc<Guarded>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match refusal(&g, host.as_deref(), req.uri().path()) {
        Some(refused) => refused.into_response(),
        None => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded() -> Guarded {
        Guarded {
            www: PathBuf::from("/nonexistent/www"),
            dist: PathBuf::from("/nonexistent/dist"),
            ci: PathBuf::from("/nonexistent/ci"),
            base: None,
            hosts: vec!["bench.lan".into()],
        }
    }

    #[test]
    fn foreign_hosts_node_modules_and_dot_files_are_refused() {
        let g = guarded();
        assert!(refusal(&g, Some("127.0.0.1:8000"), "/index.html").is_none());
        assert!(refusal(&g, Some("localhost:8000"), "/dist/core-min/x.wasm").is_none());
        assert!(refusal(&g, Some("[::1]:8000"), "/").is_none());
        assert!(refusal(&g, Some("Bench.LAN:8443"), "/").is_none());
        for host in [
            Some("evil.example:8000"),
            Some("127.0.0.1.evil.example"),
            None,
        ] {
            let r = refusal(&g, host, "/");
            assert_eq!(
                r.map(|r| r.0),
                Some(StatusCode::MISDIRECTED_REQUEST),
                "{host:?}"
            );
        }
        for path in [
            "/node_modules/react/index.js",
            "/sdk/%6eode_modules/x",
            "/.git/config",
            "/ci/.x",
        ] {
            assert_eq!(
                refusal(&g, Some("127.0.0.1:1"), path).map(|r| r.0),
                Some(StatusCode::NOT_FOUND),
                "{path}"
            );
        }
    }

    #[test]
    fn locate_picks_the_root_by_whole_segment() {
        let g = guarded();
        assert_eq!(g.locate("/dist/a").0, Path::new("/nonexistent/dist"));
        assert_eq!(g.locate("/distx/a").0, Path::new("/nonexistent/www"));
        assert_eq!(g.locate("/ci").0, Path::new("/nonexistent/ci"));
    }

    #[test]
    fn public_origins_are_origins_only() {
        assert_eq!(public_host("https://Bench.lan:8443/").unwrap(), "bench.lan");
        assert_eq!(public_host("http://[fd00::2]:80").unwrap(), "[fd00::2]");
        assert_eq!(public_host("http://10.0.0.5").unwrap(), "10.0.0.5");
        for bad in ["bench.lan:8443", "https://", "https://a/b", "https://u@h"] {
            assert!(public_host(bad).is_err(), "{bad}");
        }
    }
}
