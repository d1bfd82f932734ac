//! HTTPS for the simulators: a certificate authority generated at start, a server
//! certificate it signs for `localhost` and the loopback addresses, and a TLS front that
//! forwards each decrypted connection to the simulator's plain server.
//!
//! Clients trust the generated authority explicitly — the project's own clients through
//! the shared `root_certificate(pem)` builder setter, other tools through the PEM file
//! ([`TlsFront::ca_path`]: `REQUESTS_CA_BUNDLE` for Python, `NODE_EXTRA_CA_CERTS` for
//! Node.js) — never by turning certificate checks off.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A running TLS front: `https://` on its own port, forwarding to a plain loopback server.
/// Dropping it stops accepting.
#[derive(Debug)]
pub struct TlsFront {
    addr: SocketAddr,
    ca_pem: String,
    ca_path: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.ca_path);
    }
}

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TlsFront {
    /// Generates a CA and a server certificate, listens on `ip` (loopback) and forwards
    /// every connection, once decrypted, to `backend`.
    pub async fn start(ip: IpAddr, backend: SocketAddr) -> std::io::Result<TlsFront> {
        // The authority.
        let ca_key = KeyPair::generate().map_err(io_err)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(io_err)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "msp-sdk simulator CA");
        let ca_cert = ca_params.self_signed(&ca_key).map_err(io_err)?;
        let ca_pem = ca_cert.pem();
        let issuer = Issuer::new(ca_params, ca_key);

        // The server, for every name a loopback client may use.
        let key = KeyPair::generate().map_err(io_err)?;
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).map_err(io_err)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "msp-sdk simulator");
        // Every authority has the same name: the key identifier tells verifiers which one
        // signed this certificate when several are trusted at once (OpenSSL, behind Python
        // and Node.js, otherwise tries only the first of a bundle of them).
        params.use_authority_key_identifier_extension = true;
        params.subject_alt_names.push(SanType::IpAddress(ip));
        for loopback in [
            IpAddr::from([127, 0, 0, 1]),
            IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
        ] {
            if loopback != ip {
                params.subject_alt_names.push(SanType::IpAddress(loopback));
            }
        }
        let cert = params.signed_by(&key, &issuer).map_err(io_err)?;

        let chain = vec![
            CertificateDer::from(cert.der().to_vec()),
            CertificateDer::from(ca_cert.der().to_vec()),
        ];
        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io_err)?
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .map_err(io_err)?;
        let acceptor = TlsAcceptor::from(Arc::new(config));

        let listener = TcpListener::bind((ip, 0)).await?;
        let addr = listener.local_addr()?;
        let ca_path = std::env::temp_dir().join(format!(
            "msp-sim-ca-{}-{}.pem",
            std::process::id(),
            addr.port()
        ));
        std::fs::write(&ca_path, &ca_pem)?;
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Ok(TlsFront {
            addr,
            ca_pem,
            ca_path,
            task,
        })
    }

    /// The address the front listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The front's base URL (`https://127.0.0.1:PORT`; `https://[::1]:PORT` on IPv6).
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The generated authority's certificate, PEM-encoded: what a client trusts.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A file holding [`TlsFront::ca_pem`], removed when the front is dropped.
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }
}
