//! The local HTTP server for the host pages and builds: loopback only, cross-origin isolated, confined to its roots.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use axum::http::{header, HeaderValue};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

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

/// The router: static files only (path traversal is refused by `ServeDir`), with COOP/COEP so pages
/// are cross-origin isolated (finer `performance.now()`), and `no-store` so every fetch is a real fetch.
pub fn router(roots: &Roots) -> Router {
    Router::new()
        .nest_service("/dist", ServeDir::new(&roots.dist))
        .nest_service("/ci", ServeDir::new(&roots.ci))
        .fallback_service(ServeDir::new(&roots.www).append_index_html_on_directories(true))
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

/// Binds `addr` (loopback only; port 0 picks a free port) and serves until stopped.
pub async fn start(roots: &Roots, addr: SocketAddr) -> Result<Server> {
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
    let app = router(roots);
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
