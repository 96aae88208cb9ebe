//! Which `Host` a request may name: the preview answers only requests addressed to
//! this computer (`localhost`, `127.0.0.1`, `[::1]`, the `--bind` address and, with
//! `--bind 0.0.0.0`, the network address it prints). Against DNS rebinding: a web
//! page whose own name is made to point at 127.0.0.1 sends that name, and is refused,
//! so it cannot read the preview (drafts included).

use std::net::IpAddr;

/// The host names the preview answers to, each with its port or without one (a
/// browser leaves the port out for port 80; the name is what tells a rebinding page
/// apart, and it cannot send ours).
#[derive(Debug, Clone)]
pub(super) struct Hosts {
    /// Lower case, IPv6 addresses in brackets.
    names: Vec<String>,
    port: u16,
    /// The address `serve` printed (`http://127.0.0.1:1111`), named in a refusal.
    origin: String,
}

impl Hosts {
    pub(super) fn new(bind: IpAddr, port: u16, lan: Option<IpAddr>, origin: String) -> Hosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].map(String::from).to_vec();
        names.extend([Some(bind), lan].into_iter().flatten().map(|ip| match ip {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        }));
        names.sort();
        names.dedup();
        Hosts { names, port, origin }
    }

    /// Whether `host` (a `Host` header's value, or the host of a request line's
    /// `http://host:port/`) is one of ours.
    pub(super) fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        // `[::1]:1111` ends its name at the bracket; `localhost:1111` at the colon.
        let end = match host.starts_with('[') {
            true => host.find(']').map(|at| at + 1),
            false => Some(host.find(':').unwrap_or(host.len())),
        };
        let Some((name, port)) = end.map(|end| host.split_at(end)) else { return false };
        let port_ok = match port.strip_prefix(':') {
            Some(port) => port.parse::<u16>() == Ok(self.port),
            None => port.is_empty(),
        };
        port_ok && self.names.iter().any(|n| *n == name)
    }

    /// Why a request for another host gets nothing, in one line.
    pub(super) fn refusal(&self) -> String {
        format!(
            "This preview answers only requests addressed to this computer; open {}/ (or the address smpsite serve printed) instead.\n",
            self.origin
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(bind: &str, lan: Option<&str>) -> Hosts {
        let lan = lan.map(|ip| ip.parse().unwrap());
        Hosts::new(bind.parse().unwrap(), 1111, lan, "http://127.0.0.1:1111".into())
    }

    #[test]
    fn loopback_names_with_the_port_or_none_are_ours() {
        let hosts = hosts("127.0.0.1", None);
        for host in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST:1111", "[::1]:1111", "localhost", "127.0.0.1"] {
            assert!(hosts.allows(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "evil.example",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "localhost:1112",
            "localhost:",
            "localhost:1111:1111",
            "[::1",
            "[::1]x",
            "",
            "192.168.1.20:1111",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn the_bind_and_network_addresses_are_ours_too() {
        let hosts = hosts("0.0.0.0", Some("192.168.1.20"));
        assert!(hosts.allows("192.168.1.20:1111") && hosts.allows("0.0.0.0:1111"));
        assert!(!hosts.allows("192.168.1.21:1111"));
        let v6 = Hosts::new("fe80::1".parse().unwrap(), 1111, None, String::new());
        assert!(v6.allows("[fe80::1]:1111") && !v6.allows("fe80::1:1111"));
    }
}
