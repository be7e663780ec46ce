//! TLS to the department's PostgreSQL, as libpq's `sslmode` and `sslrootcert` say, with rustls
//! on every system: the Windows build's TLS is then the very code the tests run here (under
//! Wine, whose SChannel stalls after the handshake, native-tls could not be tested), and a
//! certificate is judged the same way on a planner's Windows laptop and on Linux.
//!
//! Trusted: the system's authorities (the Windows certificate store, where a department's IT
//! puts its own authority; `/etc/ssl` on Linux) and the certificates of `sslrootcert`. A
//! self-signed server certificate given as `sslrootcert` — PostgreSQL's documentation makes
//! them so, marked as an authority — is trusted as that exact certificate.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};
use std::sync::Arc;

/// How far the server's certificate is checked, as libpq's `sslmode` says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Verify {
    /// `disable`, `prefer` (the default), `require`: encrypted when the server offers it
    /// (required with `require`), the certificate not checked.
    Nothing,
    /// `verify-ca`: the certificate must be signed by a trusted authority.
    Ca,
    /// `verify-full`: and name the host.
    Full,
}

/// The connector PostgreSQL connections (and their cancel requests) go through.
pub type Connector = tokio_postgres_rustls::MakeRustlsConnect;

/// The connector for `verify`, trusting the certificates of the PEM file `root` besides the
/// system's authorities. The error says what is wrong with `root`.
pub(super) fn connector(verify: Verify, root: Option<&str>) -> Result<Connector, String> {
    // ring, not aws-lc-rs (post-quantum key exchange, but a C build with CMake and NASM that
    // the Windows cross build here does not have); rustls 0.23.48 marks it deprecated for that.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut pinned = Vec::new();
    if let Some(file) = root {
        let pem = crate::fsutil::read_input(std::path::Path::new(file))
            .map_err(|e| format!("sslrootcert {file}: {e}"))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            pinned.push(cert.map_err(|e| format!("sslrootcert {file}: {e}"))?);
        }
        if pinned.is_empty() {
            return Err(format!("sslrootcert {file}: no PEM certificate in it"));
        }
    }
    let checks = match verify {
        Verify::Nothing => None,
        Verify::Ca | Verify::Full => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in system_authorities() {
                let _ = roots.add(cert.clone());
            }
            for cert in &pinned {
                // A certificate webpki cannot take as an authority is still pinned below.
                let _ = roots.add(cert.clone());
            }
            let webpki = if roots.is_empty() {
                None
            } else {
                Some(
                    rustls::client::WebPkiServerVerifier::builder_with_provider(
                        Arc::new(roots),
                        provider.clone(),
                    )
                    .build()
                    .map_err(|e| e.to_string())?,
                )
            };
            Some(Checks {
                webpki,
                pinned,
                name: verify == Verify::Full,
            })
        }
    };
    let verifier = Arc::new(Verifier {
        checks,
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The system's authorities (the Windows certificate store, `/etc/ssl` on Linux), read once
/// per run rather than at every connection; those that cannot be read are left out.
fn system_authorities() -> &'static [CertificateDer<'static>] {
    static SYSTEM: std::sync::OnceLock<Vec<CertificateDer<'static>>> = std::sync::OnceLock::new();
    SYSTEM.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// The server's certificate as `sslmode` asks: not checked (`require`: encrypted only, libpq's
/// meaning), or by [`Checks`]; the handshake's signatures always.
#[derive(Debug)]
struct Verifier {
    checks: Option<Checks>,
    provider: Arc<CryptoProvider>,
}

/// `verify-ca`, `verify-full`: signed by a trusted authority (or exactly a pinned
/// certificate), and with `name` valid for the host.
#[derive(Debug)]
struct Checks {
    webpki: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    pinned: Vec<CertificateDer<'static>>,
    name: bool,
}

impl Checks {
    fn verify(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let by_authority = match &self.webpki {
            Some(v) => v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now),
            None => Err(Error::InvalidCertificate(CertificateError::UnknownIssuer)),
        };
        match by_authority {
            Ok(v) => Ok(v),
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.name => Ok(ServerCertVerified::assertion()),
            Err(e) => {
                // The exact certificate given as sslrootcert (a self-signed server's).
                if !self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref())
                {
                    return Err(e);
                }
                if self.name {
                    let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                    rustls::client::verify_server_name(&parsed, server_name)?;
                }
                Ok(ServerCertVerified::assertion())
            }
        }
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match &self.checks {
            None => Ok(ServerCertVerified::assertion()),
            Some(c) => c.verify(end_entity, intermediates, server_name, ocsp, now),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
