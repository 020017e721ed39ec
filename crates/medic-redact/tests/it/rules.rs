//! Each built-in rule on lines as tools print them, and the ordinary lines
//! that look close but must pass unchanged.

use crate::{redact, tok, unchanged};

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const GHP: &str = "ghp_R8sVkq2Lx9TzWm4Nb7Yc1Hd5Fg3Jp6Ae0Uo2";
const DISCORD_BOT: &str = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs";

#[test]
fn jwt() {
    assert_eq!(
        redact(&format!("Set-Cookie: session={JWT}; Path=/; HttpOnly")),
        format!("Set-Cookie: session={}; Path=/; HttpOnly", tok("jwt", JWT))
    );
    // A JWT in a `token:` field is named for what it is.
    assert_eq!(
        redact(&format!("  id_token: {JWT}")),
        format!("  id_token: {}", tok("jwt", JWT))
    );
    unchanged(&[
        "header eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 alone is not a token",
        "sha256:eyJ0b2tlbiI6ImFiYyJ9",
    ]);
}

#[test]
fn authorization_headers_keep_the_scheme() {
    assert_eq!(
        redact("Authorization: Bearer abc.def"),
        format!("Authorization: Bearer {}", tok("bearer", "abc.def"))
    );
    assert_eq!(
        redact("> authorization: bearer secrettoken"),
        format!("> authorization: bearer {}", tok("bearer", "secrettoken"))
    );
    assert_eq!(
        redact(r#"curl -sS -H "Authorization: Bearer mF_9.B5f-4.1JqM" https://api.internal/v1/me"#),
        format!(
            r#"curl -sS -H "Authorization: Bearer {}" https://api.internal/v1/me"#,
            tok("bearer", "mF_9.B5f-4.1JqM")
        )
    );
    assert_eq!(
        redact("Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA=="),
        format!(
            "Proxy-Authorization: Basic {}",
            tok("basic", "dXNlcjpwYXNzd29yZA==")
        )
    );
    assert_eq!(
        redact("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"),
        format!(
            "Authorization: Token {}",
            tok("token", "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b")
        )
    );
    assert_eq!(
        redact(&format!("Authorization: Bot {DISCORD_BOT}")),
        format!("Authorization: Bot {}", tok("discord-bot", DISCORD_BOT))
    );
    assert_eq!(
        redact("Authorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag"),
        format!(
            "Authorization: Negotiate {}",
            tok("authorization", "YIIGhgYGKwYBBQUCoIIGejCCBnag")
        )
    );
    // Go's http.Header, and a bearer JWT named for what it is.
    assert_eq!(
        redact(&format!(
            "headers=map[Accept:[*/*] Authorization:[Bearer {JWT}]]"
        )),
        format!(
            "headers=map[Accept:[*/*] Authorization:[Bearer {}]]",
            tok("jwt", JWT)
        )
    );
    unchanged(&[
        "authorization failed: check the RoleBinding",
        "RBAC: authorization: denied",
        r#"Error from server (Forbidden): pods is forbidden: User "dev" cannot list resource "pods""#,
    ]);
}

#[test]
fn bare_bearer_tokens() {
    assert_eq!(
        redact("retrying with Bearer mF_9.B5f-4.1JqM"),
        format!("retrying with Bearer {}", tok("bearer", "mF_9.B5f-4.1JqM"))
    );
    assert_eq!(
        redact(&format!("client.login: Bot {DISCORD_BOT}")),
        format!("client.login: Bot {}", tok("discord-bot", DISCORD_BOT))
    );
    unchanged(&[
        "error: missing bearer token",
        r#"WWW-Authenticate: Bearer realm="api", error="invalid_token""#,
        "401 Unauthorized: invalid Bearer token",
        "the bot restarted",
    ]);
}

#[test]
fn aws_keys() {
    assert_eq!(
        redact("aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
        format!(
            "aws_access_key_id = {}",
            tok("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE")
        )
    );
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    assert_eq!(
        redact(&format!("aws_secret_access_key = {secret}")),
        format!("aws_secret_access_key = {}", tok("aws-secret-key", secret))
    );
    assert_eq!(
        redact(&format!("AWS_SECRET_ACCESS_KEY={secret}")),
        format!("AWS_SECRET_ACCESS_KEY={}", tok("aws-secret-key", secret))
    );
    assert_eq!(
        redact(&format!(
            r#"        "AccessKeyId": "ASIAY34FZKBOKMUTVV7A", "SecretAccessKey": "{secret}","#
        )),
        format!(
            r#"        "AccessKeyId": "{}", "SecretAccessKey": "{}","#,
            tok("aws-access-key-id", "ASIAY34FZKBOKMUTVV7A"),
            tok("aws-secret-key", secret)
        )
    );
    unchanged(&[
        "region: ap-southeast-1 (ASIA Pacific)",
        "AKIA1234 is too short",
        "aws_access_key_id = ${AWS_ACCESS_KEY_ID}",
    ]);
}

#[test]
fn vendor_tokens() {
    assert_eq!(
        redact(&format!("export GITHUB_TOKEN={GHP}")),
        format!("export GITHUB_TOKEN={}", tok("github-token", GHP))
    );
    let pat =
        "github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01";
    assert_eq!(
        redact(&format!(
            "remote: https://x-access-token:{pat}@github.com/acme/api.git"
        )),
        format!(
            "remote: https://x-access-token:{}@github.com/acme/api.git",
            tok("github-token", pat)
        )
    );
    assert_eq!(
        redact("PRIVATE-TOKEN: glpat-xT3kP9qR2mN7vB4cL8wZ"),
        format!(
            "PRIVATE-TOKEN: {}",
            tok("gitlab-token", "glpat-xT3kP9qR2mN7vB4cL8wZ")
        )
    );
    assert_eq!(
        redact("SLACK_BOT_TOKEN=xoxb-2048-4096-aBcDeFgHiJkLmNoP"),
        format!(
            "SLACK_BOT_TOKEN={}",
            tok("slack-token", "xoxb-2048-4096-aBcDeFgHiJkLmNoP")
        )
    );
    assert_eq!(
        redact("stripe: sk_live_4eC39HqLyjWDarjtT1zdp7dc whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLSGX"),
        format!(
            "stripe: {} {}",
            tok("stripe-key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            tok("stripe-key", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLSGX")
        )
    );
    unchanged(&[
        "publishable key pk_live_4eC39HqLyjWDarjtT1zdp7dc is public",
        "ghp_short",
        "commit 3f2a9c1 (HEAD -> main, origin/main)",
        "xox is not a token",
    ]);
}

#[test]
fn webhooks_keep_the_host() {
    assert_eq!(
        redact(
            "posting to https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/aBcDeFgHiJkLmNoPqRsTuVwX"
        ),
        format!(
            "posting to https://hooks.slack.com/services/{}",
            tok(
                "slack-webhook",
                "T0A1B2C3D/B4E5F6G7H/aBcDeFgHiJkLmNoPqRsTuVwX"
            )
        )
    );
    assert_eq!(
        redact(
            r#"{"webhook":"https://discord.com/api/webhooks/123456789012345678/AbCdEf-GhIjKl_MnOpQrStUv"}"#
        ),
        format!(
            r#"{{"webhook":"https://discord.com/api/webhooks/123456789012345678/{}"}}"#,
            tok("discord-webhook", "AbCdEf-GhIjKl_MnOpQrStUv")
        )
    );
    unchanged(&[
        "see https://api.slack.com/messaging/webhooks",
        "discord.com/api/v10/gateway",
    ]);
}

#[test]
fn passwords_in_urls_and_dsns() {
    assert_eq!(
        redact("DATABASE_URL=postgres://app:s3cr3t@db.internal:5432/app?sslmode=require"),
        format!(
            "DATABASE_URL=postgres://app:{}@db.internal:5432/app?sslmode=require",
            tok("url-password", "s3cr3t")
        )
    );
    assert_eq!(
        redact("connecting to redis://:p4ss@redis-master:6379/0"),
        format!(
            "connecting to redis://:{}@redis-master:6379/0",
            tok("url-password", "p4ss")
        )
    );
    assert_eq!(
        redact("mongodb://root:p@ss@mongo-0.mongo:27017/admin"),
        format!(
            "mongodb://root:{}@mongo-0.mongo:27017/admin",
            tok("url-password", "p@ss")
        )
    );
    assert_eq!(
        redact("dsn: app:pw123@tcp(mysql:3306)/app?parseTime=true"),
        format!(
            "dsn: app:{}@tcp(mysql:3306)/app?parseTime=true",
            tok("url-password", "pw123")
        )
    );
    unchanged(&[
        r#"10.0.0.7 - - [01/May/2024:10:00:00 +0000] "GET /api/v1/items?page=2 HTTP/1.1" 200 512 "https://shop.example.com/cart" "Mozilla/5.0""#,
        "http://localhost:8080/healthz",
        "https://user@example.com/repo.git",
        "git@github.com:acme/api.git",
        "http://example.com:8080?email=ops@example.com",
        "ssh://git@github.com:22/acme/api.git",
    ]);
}

#[test]
fn password_assignments_in_every_form() {
    let pw = tok("password", "hunter2");
    for (input, expected) in [
        ("password=hunter2", format!("password={pw}")),
        (
            "PGPASSWORD=hunter2 psql -h db",
            format!("PGPASSWORD={pw} psql -h db"),
        ),
        (
            r#"{"user":"app","password":"hunter2"}"#,
            format!(r#"{{"user":"app","password":"{pw}"}}"#),
        ),
        ("{'password': 'hunter2'}", format!("{{'password': '{pw}'}}")),
        ("  password: hunter2", format!("  password: {pw}")),
        (r#"DB_PASSWORD="hunter2""#, format!(r#"DB_PASSWORD="{pw}""#)),
        (
            "mysql -u root --password hunter2 -e 'select 1'",
            format!("mysql -u root --password {pw} -e 'select 1'"),
        ),
        ("mysql --password=hunter2", format!("mysql --password={pw}")),
        (
            "pg_dump --db-password 'hunter2'",
            format!("pg_dump --db-password '{pw}'"),
        ),
        (
            "Server=db;Database=app;User Id=sa;Password=hunter2;",
            format!("Server=db;Database=app;User Id=sa;Password={pw};"),
        ),
        ("passwd: hunter2", format!("passwd: {pw}")),
        ("login pwd=hunter2 ok", format!("login pwd={pw} ok")),
        (
            r#"level=warn msg="retry" password=hunter2 attempt=2"#,
            format!(r#"level=warn msg="retry" password={pw} attempt=2"#),
        ),
    ] {
        assert_eq!(redact(input), expected, "{input}");
    }
    // A YAML or INI line's value runs to its end.
    assert_eq!(
        redact("  db_password: correct horse battery staple"),
        format!(
            "  db_password: {}",
            tok("password", "correct horse battery staple")
        )
    );
    assert_eq!(
        redact("password = correct horse"),
        format!("password = {}", tok("password", "correct horse"))
    );
    unchanged(&[
        r#"2024-05-01 10:00:00.123 UTC [4242] FATAL:  password authentication failed for user "app""#,
        r#"psql: error: connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "app""#,
        "password_file: /run/secrets/db",
        "mysqld --password-file /etc/mysql/pw",
        "password: ****",
        "password=${DB_PASSWORD}",
        "password: $DB_PASSWORD",
        "PWD=/home/app",
        "OLDPWD=/",
        "passwordless login enabled",
        "Enter password:",
        "password: null",
        "sshd[812]: Accepted password for deploy from 10.0.0.9 port 51122 ssh2",
    ]);
}

#[test]
fn other_keyword_assignments() {
    assert_eq!(
        redact("GET /oauth/callback?code=xyz&access_token=abc123&expires_in=3600"),
        format!(
            "GET /oauth/callback?code=xyz&access_token={}&expires_in=3600",
            tok("token", "abc123")
        )
    );
    assert_eq!(
        redact("X-Auth-Token: 1f2e3d4c"),
        format!("X-Auth-Token: {}", tok("token", "1f2e3d4c"))
    );
    assert_eq!(
        redact(r#"{"clientSecret": "s3cr3t", "client_id": "web"}"#),
        format!(
            r#"{{"clientSecret": "{}", "client_id": "web"}}"#,
            tok("secret", "s3cr3t")
        )
    );
    assert_eq!(
        redact("SECRET_KEY=django-insecure-abc123"),
        format!("SECRET_KEY={}", tok("secret", "django-insecure-abc123"))
    );
    assert_eq!(
        redact("curl -H 'X-Api-Key: 5up3r' --api-key abc123"),
        format!(
            "curl -H 'X-Api-Key: {}' --api-key {}",
            tok("api-key", "5up3r"),
            tok("api-key", "abc123")
        )
    );
    assert_eq!(
        redact(r#""apiKey":"k-123""#),
        format!(r#""apiKey":"{}""#, tok("api-key", "k-123"))
    );
    assert_eq!(
        redact("MINIO_ACCESS_KEY=minioadmin"),
        format!("MINIO_ACCESS_KEY={}", tok("access-key", "minioadmin"))
    );
    unchanged(&[
        "max_tokens=5",
        "token_type: Bearer",
        "usage: prompt_tokens=12 completion_tokens=40",
        "automountServiceAccountToken: false",
        "      secretName: api-tls",
        "    - secret:",
        "      secret: {}",
        "  imagePullSecrets:",
        "kind: Secret",
        "api_key_id=42",
        "tokenizer: whitespace",
    ]);
}

#[test]
fn inside_escaped_json_strings() {
    assert_eq!(
        redact(r#""{\"password\":\"x\",\"user\":\"bob\"}""#),
        format!(
            r#""{{\"password\":\"{}\",\"user\":\"bob\"}}""#,
            tok("password", "x")
        )
    );
    assert_eq!(
        redact(r#"{"level":"info","msg":"Authorization: Bearer abc"}"#),
        format!(
            r#"{{"level":"info","msg":"Authorization: Bearer {}"}}"#,
            tok("bearer", "abc")
        )
    );
    assert_eq!(
        redact(r#"{"log":"password=hunter2\n","stream":"stdout"}"#),
        format!(
            r#"{{"log":"password={}\n","stream":"stdout"}}"#,
            tok("password", "hunter2")
        )
    );
    assert_eq!(
        redact(r#"{"msg":"dial postgres://app:s3cr3t@db:5432/app: timeout"}"#),
        format!(
            r#"{{"msg":"dial postgres://app:{}@db:5432/app: timeout"}}"#,
            tok("url-password", "s3cr3t")
        )
    );
    assert_eq!(
        redact(r#"{"payload":"{\"api_key\": \"k1\", \"n\": 2}"}"#),
        format!(
            r#"{{"payload":"{{\"api_key\": \"{}\", \"n\": 2}}"}}"#,
            tok("api-key", "k1")
        )
    );
}

#[test]
fn redacting_twice_changes_nothing() {
    let input = format!(
        "password=hunter2 token: abc Authorization: Bearer abc.def {JWT} postgres://u:p@h/db"
    );
    let once = redact(&input);
    assert_ne!(once, input);
    assert_eq!(redact(&once), once);
}

#[test]
fn ordinary_output_passes_unchanged() {
    unchanged(&[
        "NAME                      READY   STATUS             RESTARTS      AGE",
        "api-7d9c8b6f5-x2x9k       1/1     Running            0             3d4h",
        "worker-5f6d7c8b9-abcde    0/1     CrashLoopBackOff   12 (2m ago)   1h",
        r#"{"time":"2024-05-01T10:00:00Z","level":"error","msg":"request failed","status":503,"path":"/api/v1/orders"}"#,
        "2024-05-01 10:00:00.123 UTC [4242] LOG:  checkpoint complete: wrote 42 buffers (0.3%)",
        "Events:\n  Type     Reason     Age   From     Message\n  Warning  BackOff    2m    kubelet  Back-off restarting failed container",
        "tls:\n  - hosts:\n      - api.example.com\n    secretName: api-tls",
    ]);
}
