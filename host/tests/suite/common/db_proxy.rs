//! A TCP proxy in front of the test PostgreSQL server, so a test can take the
//! database away and give it back: cut every open connection, refuse new ones
//! (as a stopped server does), and listen again on the same port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct DbProxy {
    pub address: SocketAddr,
    upstream: SocketAddr,
    state: Arc<Mutex<ProxyState>>,
}

#[derive(Default)]
struct ProxyState {
    accept: Option<JoinHandle<()>>,
    connections: Vec<JoinHandle<()>>,
}

impl DbProxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> DbProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let proxy = DbProxy {
            address: listener.local_addr().unwrap(),
            upstream,
            state: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    /// `url` with its host and port replaced by the proxy's.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("URL with a scheme");
        let (authority, path) = rest.split_once('/').expect("URL with a database");
        let user = authority
            .rsplit_once('@')
            .map(|(user, _)| format!("{user}@"))
            .unwrap_or_default();
        format!("{scheme}://{user}{}/{path}", self.address)
    }

    fn serve(&self, listener: TcpListener) {
        let state = self.state.clone();
        let upstream = self.upstream;
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let connection = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                state.lock().unwrap().connections.push(connection);
            }
        });
        self.state.lock().unwrap().accept = Some(accept);
    }

    /// Cuts every open connection; new ones are still accepted.
    pub fn cut_connections(&self) {
        for connection in self.state.lock().unwrap().connections.drain(..) {
            connection.abort();
        }
    }

    /// The database goes away: open connections are cut and new ones refused.
    pub fn stop(&self) {
        if let Some(accept) = self.state.lock().unwrap().accept.take() {
            accept.abort();
        }
        self.cut_connections();
    }

    /// The database is back, on the same port.
    pub async fn resume(&self) {
        // The aborted accept task drops its listener on its next poll; wait for the port.
        let listener = loop {
            match TcpListener::bind(self.address).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            }
        };
        self.serve(listener);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.stop();
    }
}
