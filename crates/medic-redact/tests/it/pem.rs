//! PEM private keys: multi-line (plain and indented in YAML), encrypted with
//! headers, single-line inside JSON strings, cut short; certificates stay.

use crate::{redact, tok, unchanged};

const BODY: [&str; 3] = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo==",
];

#[test]
fn multi_line_body_becomes_one_token() {
    let input = format!(
        "$ cat /etc/ssl/private/api.key\n-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n{}\n-----END RSA PRIVATE KEY-----\n$ echo done\n",
        BODY[0], BODY[1], BODY[2]
    );
    let expected = format!(
        "$ cat /etc/ssl/private/api.key\n-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n$ echo done\n",
        tok("private-key", &BODY.concat())
    );
    assert_eq!(redact(&input), expected);
}

#[test]
fn indented_in_yaml_with_crlf() {
    let input = format!(
        "tls.key: |\r\n    -----BEGIN EC PRIVATE KEY-----\r\n    {}\r\n    {}\r\n    -----END EC PRIVATE KEY-----\r\nnext: 1\r\n",
        BODY[0], BODY[1]
    );
    let expected = format!(
        "tls.key: |\r\n    -----BEGIN EC PRIVATE KEY-----\r\n    {}\r\n    -----END EC PRIVATE KEY-----\r\nnext: 1\r\n",
        tok("private-key", &BODY[..2].concat())
    );
    assert_eq!(redact(&input), expected);
}

#[test]
fn encrypted_key_headers_are_part_of_the_body() {
    let input = format!(
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,5E2B3F4A1C0D9E8F7A6B5C4D3E2F1A0B\n\n{}\n-----END RSA PRIVATE KEY-----\n",
        BODY[0]
    );
    let body = format!(
        "Proc-Type: 4,ENCRYPTED{}{}",
        "DEK-Info: AES-128-CBC,5E2B3F4A1C0D9E8F7A6B5C4D3E2F1A0B", BODY[0]
    );
    let expected = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        tok("private-key", &body)
    );
    assert_eq!(redact(&input), expected);
}

#[test]
fn single_line_in_json() {
    let input = r#"{"type":"service_account","private_key_id":"abc","private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n","client_email":"ci@acme.iam.gserviceaccount.com"}"#;
    let expected = format!(
        r#"{{"type":"service_account","private_key_id":"abc","private_key":"{}","client_email":"ci@acme.iam.gserviceaccount.com"}}"#,
        tok(
            "private-key",
            r"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
        )
    );
    assert_eq!(redact(input), expected);
    // Without the `private_key` field, the body between the markers.
    let input = r#"{"msg":"loaded -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----"}"#;
    let expected = format!(
        r#"{{"msg":"loaded -----BEGIN OPENSSH PRIVATE KEY-----{}-----END OPENSSH PRIVATE KEY-----"}}"#,
        tok("private-key", r"\nb3BlbnNzaC1rZXk=\n")
    );
    assert_eq!(redact(input), expected);
}

#[test]
fn cut_short_by_other_output_or_the_end() {
    let input = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\nError: read /dev/stdin: broken pipe\n",
        BODY[0]
    );
    let expected = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\nError: read /dev/stdin: broken pipe\n",
        tok("private-key", BODY[0])
    );
    assert_eq!(redact(&input), expected);
    let input = format!("-----BEGIN PRIVATE KEY-----\n{}\n{}", BODY[0], BODY[1]);
    let expected = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n",
        tok("private-key", &BODY[..2].concat())
    );
    assert_eq!(redact(&input), expected);
}

#[test]
fn certificates_and_public_keys_stay() {
    unchanged(&[
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
    ]);
}
