//! Building the fantoccini client (rustls HTTP(S) connector) for a
//! WebDriver URL and requested capabilities.

use std::sync::Arc;

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};

/// Open a new WebDriver session at `url` requesting `caps`.
///
/// Uses fantoccini's rustls builder with the system's root certificates;
/// when the machine has none (minimal containers), falls back to an empty
/// root store so plain-HTTP endpoints (every local driver) still work.
pub(crate) async fn new_session(
    url: &str,
    caps: Capabilities,
) -> Result<Client, fantoccini::error::NewSessionError> {
    // Pin the crypto provider so rustls never has to guess (it panics when
    // more than one provider feature is enabled and none is installed).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut builder = match ClientBuilder::rustls() {
        Ok(builder) => builder,
        Err(_) => ClientBuilder::new(connector_without_roots()),
    };
    builder.capabilities(caps);
    builder.connect(url).await
}

fn connector_without_roots(
) -> hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = match rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
    {
        Ok(builder) => builder,
        // The provider's defaults are always valid; use the process default
        // configuration if that ever changes.
        Err(_) => rustls::ClientConfig::builder(),
    }
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .build()
}
