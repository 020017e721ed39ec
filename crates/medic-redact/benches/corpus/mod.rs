//! A deterministic generator of mixed log text for the throughput bench and
//! `scripts/bench-redact`: nginx access lines, JSON application logs,
//! PostgreSQL logs, `kubectl get pods` listings and Kubernetes YAML, with a
//! share of lines holding secrets of every kind the built-in rules know
//! (multi-line PEM keys and Secret `data:` blocks among them).

/// Writes lines to a buffer, the same lines for the same seed.
pub(crate) struct Generator {
    state: u64,
    /// Lines per 100,000 that hold a secret.
    secret_rate: u64,
    line: u64,
}

impl Generator {
    /// `secret_rate`: lines per 100,000 holding a secret (500 is 0.5%).
    pub(crate) fn new(seed: u64, secret_rate: u64) -> Generator {
        Generator {
            state: seed | 1,
            secret_rate,
            line: 0,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn hex(&mut self, out: &mut Vec<u8>, len: usize) {
        const HEX: &[u8] = b"0123456789abcdef";
        for _ in 0..len {
            let i = self.below(16) as usize;
            out.push(HEX[i]);
        }
    }

    fn alnum(&mut self, out: &mut Vec<u8>, len: usize) {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for _ in 0..len {
            let i = self.below(ALNUM.len() as u64) as usize;
            out.push(ALNUM[i]);
        }
    }

    /// Appends whole lines to `out` until it holds at least `len` bytes.
    pub(crate) fn fill(&mut self, out: &mut Vec<u8>, len: usize) {
        while out.len() < len {
            self.line += 1;
            if self.below(100_000) < self.secret_rate {
                self.secret(out);
            } else {
                self.ordinary(out);
            }
        }
    }

    fn ordinary(&mut self, out: &mut Vec<u8>) {
        const PATHS: &[&str] = &[
            "/api/v1/orders",
            "/api/v1/items",
            "/static/app.js",
            "/healthz",
            "/login",
            "/api/v2/users",
        ];
        const AGENTS: &[&str] = &[
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
            "curl/8.5.0",
            "kube-probe/1.29",
            "Go-http-client/1.1",
        ];
        let n = self.line;
        let s = n % 60;
        let path = PATHS[self.below(PATHS.len() as u64) as usize];
        let agent = AGENTS[self.below(AGENTS.len() as u64) as usize];
        let status = [200, 200, 200, 201, 204, 301, 404, 500, 502][self.below(9) as usize];
        match self.below(20) {
            0..=6 => {
                let referer = if self.below(2) == 0 {
                    "https://shop.example.com/cart"
                } else {
                    "-"
                };
                out.extend_from_slice(
                    format!(
                        "10.{}.{}.{} - - [01/May/2024:10:{:02}:{s:02} +0000] \"GET {path}/{} HTTP/1.1\" {status} {} \"{referer}\" \"{agent}\"\n",
                        n % 255, (n / 7) % 255, (n / 3) % 255, (n / 60) % 60, n % 10_000, 100 + n % 9000
                    )
                    .as_bytes(),
                );
            }
            7..=12 => {
                out.extend_from_slice(
                    format!(
                        "{{\"time\":\"2024-05-01T10:{:02}:{s:02}.{:03}Z\",\"level\":\"{}\",\"msg\":\"request completed\",\"method\":\"GET\",\"path\":\"{path}\",\"status\":{status},\"duration_ms\":{}.{},\"request_id\":\"",
                        (n / 60) % 60, n % 1000, ["info", "info", "warn", "error"][self.below(4) as usize], n % 300, n % 10
                    )
                    .as_bytes(),
                );
                self.hex(out, 16);
                out.extend_from_slice(
                    b"\",\"upstream\":\"http://orders.prod.svc.cluster.local:8080\"}\n",
                );
            }
            13..=15 => {
                let message = match self.below(6) {
                    0 => "FATAL:  password authentication failed for user \"app\"".to_owned(),
                    1 => "LOG:  checkpoint complete: wrote 42 buffers (0.3%); 0 WAL file(s) added"
                        .to_owned(),
                    2 => "ERROR:  duplicate key value violates unique constraint \"orders_pkey\""
                        .to_owned(),
                    _ => format!(
                        "LOG:  duration: {}.{} ms  statement: SELECT id, total FROM orders WHERE customer_id = {} AND created_at > now() - interval '1 day'",
                        n % 900,
                        n % 1000,
                        n % 50_000
                    ),
                };
                out.extend_from_slice(
                    format!(
                        "2024-05-01 10:{:02}:{s:02}.{:03} UTC [{}] {message}\n",
                        (n / 60) % 60,
                        n % 1000,
                        4000 + n % 900
                    )
                    .as_bytes(),
                );
            }
            16..=17 => {
                let state = [
                    "Running",
                    "Running",
                    "Running",
                    "CrashLoopBackOff",
                    "Pending",
                ][self.below(5) as usize];
                out.extend_from_slice(
                    format!(
                        "api-7d9c8b6f5-{:05x}       1/1     {state:<16}  {}          {}h\n",
                        n % 0xfffff,
                        n % 7,
                        n % 90
                    )
                    .as_bytes(),
                );
            }
            _ => {
                const YAML: &[&str] = &[
                    "metadata:\n",
                    "  name: api\n",
                    "  namespace: prod\n",
                    "spec:\n",
                    "  replicas: 3\n",
                    "      secretName: api-tls\n",
                    "        image: ghcr.io/acme/api:1.4.2\n",
                    "  Warning  BackOff  2m  kubelet  Back-off restarting failed container\n",
                ];
                out.extend_from_slice(YAML[self.below(YAML.len() as u64) as usize].as_bytes());
            }
        }
    }

    fn secret(&mut self, out: &mut Vec<u8>) {
        let kind = self.line % 16;
        let prefix = format!("2024-05-01T10:00:{:02}Z ", self.line % 60);
        out.extend_from_slice(prefix.as_bytes());
        match kind {
            0 => {
                out.extend_from_slice(b"auth ok token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI");
                self.alnum(out, 12);
                out.extend_from_slice(b"In0.");
                self.alnum(out, 43);
            }
            1 => {
                out.extend_from_slice(b"> Authorization: Bearer ");
                self.alnum(out, 32);
            }
            2 => {
                out.extend_from_slice(b"aws_access_key_id = AKIA");
                let start = out.len();
                self.alnum(out, 16);
                out[start..].make_ascii_uppercase();
                out.extend_from_slice(b"\naws_secret_access_key = ");
                self.alnum(out, 40);
            }
            3 => {
                out.extend_from_slice(b"export GITHUB_TOKEN=ghp_");
                self.alnum(out, 36);
            }
            4 => {
                out.extend_from_slice(b"PRIVATE-TOKEN: glpat-");
                self.alnum(out, 20);
            }
            5 => {
                out.extend_from_slice(b"slack: xoxb-1234-5678-");
                self.alnum(out, 24);
                out.extend_from_slice(b" https://hooks.slack.com/services/T0001/B0002/");
                self.alnum(out, 24);
            }
            6 => {
                out.extend_from_slice(b"webhook=https://discord.com/api/webhooks/1234567890/");
                self.alnum(out, 60);
            }
            7 => {
                out.extend_from_slice(b"stripe key sk_live_");
                self.alnum(out, 24);
            }
            8 => {
                out.extend_from_slice(b"connecting to postgres://app:");
                self.alnum(out, 12);
                out.extend_from_slice(b"@db.prod:5432/app?sslmode=require");
            }
            9 => {
                out.extend_from_slice(b"{\"level\":\"debug\",\"msg\":\"login\",\"password\":\"");
                self.alnum(out, 14);
                out.extend_from_slice(b"\"}");
            }
            10 => {
                out.extend_from_slice(b"{\"log\":\"{\\\"api_key\\\":\\\"");
                self.alnum(out, 20);
                out.extend_from_slice(b"\\\"}\\n\",\"stream\":\"stdout\"}");
            }
            11 => {
                out.extend_from_slice(b"mysql -h db -u root --password ");
                self.alnum(out, 10);
            }
            12 => {
                out.extend_from_slice(b"Authorization: Basic ");
                self.alnum(out, 24);
            }
            13 => {
                out.extend_from_slice(
                    b"$ kubectl get secret db -o yaml\napiVersion: v1\ndata:\n  password: ",
                );
                self.alnum(out, 16);
                out.extend_from_slice(
                    b"=\n  username: YWRtaW4=\nkind: Secret\nmetadata:\n  name: db",
                );
            }
            14 => {
                out.extend_from_slice(b"key:\n-----BEGIN RSA PRIVATE KEY-----\n");
                for _ in 0..4 {
                    self.alnum(out, 64);
                    out.push(b'\n');
                }
                out.extend_from_slice(b"-----END RSA PRIVATE KEY-----");
            }
            _ => {
                out.extend_from_slice(b"client_secret=");
                self.hex(out, 32);
                out.extend_from_slice(b"&grant_type=client_credentials");
            }
        }
        out.push(b'\n');
    }
}
