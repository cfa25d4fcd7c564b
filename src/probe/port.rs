//! Is a port already taken? Before starting the app, the probe makes sure nothing else answers
//! on its ports: otherwise it would judge that other process and call it the app.

use super::http::Target;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// How long a connection attempt to a free port may take (loopback refuses at once).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// Some process accepts connections at `target`: its description (`python3 (pid 1234)`) when
/// /proc tells, else an empty string. `None` when the port is free.
pub fn taken_by(target: &Target) -> Option<String> {
    let addrs = (target.host.as_str(), target.port).to_socket_addrs().ok()?;
    let answers = addrs.into_iter().any(|addr| TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).is_ok());
    answers.then(|| listener(target.port).unwrap_or_default())
}

/// The process listening on TCP `port`, from /proc/net/tcp{,6} and the processes' open sockets.
/// `None` when it cannot be told (another user's process, no /proc).
fn listener(port: u16) -> Option<String> {
    let inodes: Vec<String> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|table| listening_inodes(&table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else { continue };
        let holds = fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| wanted.iter().any(|w| l.as_os_str() == w.as_str())));
        if holds {
            let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            return Some(format!("{} (pid {pid})", name.trim()));
        }
    }
    None
}

/// The TCP ports the processes `pids` listen on, sorted, from /proc (empty when it cannot tell).
/// The probe names them when the app never answers on its own ports: `listens on 3000`.
pub fn listened_by(pids: &[i32]) -> Vec<u16> {
    let mut by_inode: std::collections::BTreeMap<String, u16> = std::collections::BTreeMap::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"].iter().filter_map(|f| std::fs::read_to_string(f).ok()) {
        by_inode.extend(listening(&table));
    }
    let mut ports: Vec<u16> = pids
        .iter()
        .filter_map(|pid| std::fs::read_dir(format!("/proc/{pid}/fd")).ok())
        .flat_map(|fds| fds.flatten().filter_map(|fd| std::fs::read_link(fd.path()).ok()))
        .filter_map(|link| {
            let link = link.to_string_lossy().into_owned();
            let inode = link.strip_prefix("socket:[")?.strip_suffix(']')?.to_string();
            by_inode.get(&inode).copied()
        })
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// Every listening socket of a /proc/net/tcp table: (inode, port).
fn listening(table: &str) -> Vec<(String, u16)> {
    const LISTEN: &str = "0A";
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let port = u16::from_str_radix(cols.get(1)?.rsplit_once(':')?.1, 16).ok()?;
            (*cols.get(3)? == LISTEN).then(|| Some((cols.get(9)?.to_string(), port))).flatten()
        })
        .collect()
}

/// The socket inodes of a /proc/net/tcp table listening on `port`.
fn listening_inodes(table: &str, port: u16) -> Vec<String> {
    listening(table).into_iter().filter(|(_, p)| *p == port).map(|(inode, _)| inode).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_listening_port_is_taken_by_this_process() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let target = Target { host: "127.0.0.1".into(), port };
        let who = taken_by(&target).expect("the port is taken");
        assert!(who.contains(&format!("(pid {})", std::process::id())), "{who}");
        drop(listener);
        assert_eq!(taken_by(&target), None);
    }

    #[test]
    fn reads_proc_net_tcp() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   \
                     0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1\n   \
                     1: 0100007F:1F91 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1\n";
        assert_eq!(listening_inodes(table, 8081), ["4242"]);
        assert!(listening_inodes(table, 8082).is_empty());
        assert_eq!(listening(table), [("4242".to_string(), 8081)]);
    }

    #[test]
    fn the_ports_a_process_listens_on_are_found() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let me = i32::try_from(std::process::id()).unwrap();
        assert!(listened_by(&[me]).contains(&port));
    }
}
