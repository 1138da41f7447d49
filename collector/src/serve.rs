//! The local HTTP server for the host pages and builds: loopback only, cross-origin isolated, confined to its roots.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::files;

/// The directories served: `www/` at `/`, the profile builds at `/dist/`, the policies at `/ci/`.
#[derive(Debug, Clone)]
pub struct Roots {
    pub www: PathBuf,
    pub dist: PathBuf,
    pub ci: PathBuf,
}

impl Roots {
    /// The repository layout relative to `root`.
    pub fn in_repo(root: &Path, dist: &Path) -> Self {
        Roots {
            www: root.join("www"),
            dist: dist.to_path_buf(),
            ci: root.join("ci"),
        }
    }
}

/// A running server; dropping it stops the server.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting and waits for the server task.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// The router: static files only (path traversal is refused by `ServeDir`; symlinks out of a root,
/// `node_modules`, dot-files and foreign `Host` names by [`guard`]), with COOP/COEP so pages are
/// cross-origin isolated (finer `performance.now()`), and `no-store` so every fetch is a real fetch.
pub fn router(roots: &Roots) -> Router {
    let guarded = Arc::new(Guarded::new(roots));
    Router::new()
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

/// Binds `addr` (loopback only; port 0 picks a free port) and serves until stopped; `delay` is
/// test-only (see [`delayed`]).
pub async fn start(roots: &Roots, addr: SocketAddr, delay: Option<Duration>) -> Result<Server> {
    if !addr.ip().is_loopback() {
        bail!("refusing to serve on {addr}: the harness server listens on loopback only (use 127.0.0.1)");
    }
    for (name, dir) in [("www", &roots.www), ("ci", &roots.ci)] {
        if !dir.is_dir() {
            bail!(
                "{name} root {} is not a directory: run from the repository root",
                dir.display()
            );
        }
    }
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    // Without TCP_NODELAY, Nagle's algorithm meets delayed ACKs and stalls responses by ~40 ms,
    // which would land in the cold-init fetch phase.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = delayed(router(roots), delay);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Server {
        addr,
        stop: Some(tx),
        task,
    })
}

/// The roots as the guard checks them: canonical paths, so a symlink's target can be compared.
struct Guarded {
    www: PathBuf,
    dist: PathBuf,
    ci: PathBuf,
}

impl Guarded {
    fn new(roots: &Roots) -> Self {
        let canon = |p: &Path| files::canonical(p).unwrap_or_else(|_| p.to_path_buf());
        Guarded {
            www: canon(&roots.www),
            dist: canon(&roots.dist),
            ci: canon(&roots.ci),
        }
    }

    /// The root a decoded URL path is served from, and the path inside it.
    fn locate<'a>(&self, path: &'a str) -> (&Path, &'a str) {
        for (prefix, root) in [("/dist", &self.dist), ("/ci", &self.ci)] {
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
    let host_name = host.map(|h| h.rsplit_once(':').map_or(h, |(name, _)| name));
    if !matches!(host_name, Some("127.0.0.1" | "localhost" | "[::1]")) {
        return Some((
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "Host {:?} is not this loopback server (DNS rebinding is refused): open http://127.0.0.1:PORT/",
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
        }
    }

    #[test]
    fn foreign_hosts_node_modules_and_dot_files_are_refused() {
        let g = guarded();
        assert!(refusal(&g, Some("127.0.0.1:8000"), "/index.html").is_none());
        assert!(refusal(&g, Some("localhost:8000"), "/dist/core-min/x.wasm").is_none());
        assert!(refusal(&g, Some("[::1]:8000"), "/").is_none());
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
}
