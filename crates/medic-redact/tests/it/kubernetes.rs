//! `kubectl get secret` in YAML and JSON, single and list, with the
//! `last-applied-configuration` annotation; and manifests that mention
//! secrets without holding any.

use crate::{redact, tok, unchanged};

fn k(value: &str) -> String {
    tok("k8s-secret", value)
}

/// `kubectl get secret db-creds -o yaml`
#[test]
fn secret_yaml() {
    let input = r#"apiVersion: v1
data:
  password: cGFzc3dvcmQxMjM=
  username: YWRtaW4=
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","data":{"password":"cGFzc3dvcmQxMjM=","username":"YWRtaW4="},"kind":"Secret","metadata":{"annotations":{},"name":"db-creds","namespace":"prod"},"type":"Opaque"}
  creationTimestamp: "2024-05-01T10:00:00Z"
  name: db-creds
  namespace: prod
  resourceVersion: "12345"
  uid: 0b8a6c1e-3f2d-4c5b-9a7e-1d2c3b4a5f6e
type: Opaque
"#;
    let pw = k("cGFzc3dvcmQxMjM=");
    let user = k("YWRtaW4=");
    let expected = format!(
        r#"apiVersion: v1
data:
  password: {pw}
  username: {user}
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {{"apiVersion":"v1","data":{{"password":"{pw}","username":"{user}"}},"kind":"Secret","metadata":{{"annotations":{{}},"name":"db-creds","namespace":"prod"}},"type":"Opaque"}}
  creationTimestamp: "2024-05-01T10:00:00Z"
  name: db-creds
  namespace: prod
  resourceVersion: "12345"
  uid: 0b8a6c1e-3f2d-4c5b-9a7e-1d2c3b4a5f6e
type: Opaque
"#
    );
    assert_eq!(redact(input), expected);
}

/// `kubectl get secrets -o yaml`: a list, `stringData` with a block scalar,
/// a TLS secret, and a ConfigMap (masked too: `data:` comes before `kind:`).
#[test]
fn secret_list_yaml() {
    let input = "apiVersion: v1
items:
- apiVersion: v1
  data:
    tls.crt: LS0tLS1CRUdJTiBDRVJU
    tls.key: LS0tLS1CRUdJTiBQUklW
  kind: Secret
  metadata:
    name: api-tls
  type: kubernetes.io/tls
- apiVersion: v1
  kind: Secret
  metadata:
    name: app-config
  stringData:
    config.yaml: |
      url: https://internal
      key: abc
    mode: \"strict\"
- apiVersion: v1
  data:
    LOG_LEVEL: debug
  kind: ConfigMap
kind: List
metadata:
  resourceVersion: \"\"
";
    let expected = format!(
        "apiVersion: v1
items:
- apiVersion: v1
  data:
    tls.crt: {}
    tls.key: {}
  kind: Secret
  metadata:
    name: api-tls
  type: kubernetes.io/tls
- apiVersion: v1
  kind: Secret
  metadata:
    name: app-config
  stringData:
    config.yaml: |
      {}
      {}
    mode: \"{}\"
- apiVersion: v1
  data:
    LOG_LEVEL: {}
  kind: ConfigMap
kind: List
metadata:
  resourceVersion: \"\"
",
        k("LS0tLS1CRUdJTiBDRVJU"),
        k("LS0tLS1CRUdJTiBQUklW"),
        k("url: https://internal"),
        k("key: abc"),
        k("strict"),
        k("debug"),
    );
    assert_eq!(redact(input), expected);
}

/// `kubectl get secret db-creds -o json`
#[test]
fn secret_json() {
    let input = r#"{
    "apiVersion": "v1",
    "data": {
        "password": "cGFzc3dvcmQxMjM=",
        "username": "YWRtaW4="
    },
    "kind": "Secret",
    "metadata": {
        "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"data\":{\"password\":\"cGFzc3dvcmQxMjM=\"},\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"name\":\"db-creds\",\"namespace\":\"prod\"}}\n"
        },
        "creationTimestamp": "2024-05-01T10:00:00Z",
        "name": "db-creds",
        "namespace": "prod"
    },
    "type": "Opaque"
}
"#;
    let pw = k("cGFzc3dvcmQxMjM=");
    let expected = format!(
        r#"{{
    "apiVersion": "v1",
    "data": {{
        "password": "{pw}",
        "username": "{}"
    }},
    "kind": "Secret",
    "metadata": {{
        "annotations": {{
            "kubectl.kubernetes.io/last-applied-configuration": "{{\"apiVersion\":\"v1\",\"data\":{{\"password\":\"{pw}\"}},\"kind\":\"Secret\",\"metadata\":{{\"annotations\":{{}},\"name\":\"db-creds\",\"namespace\":\"prod\"}}}}\n"
        }},
        "creationTimestamp": "2024-05-01T10:00:00Z",
        "name": "db-creds",
        "namespace": "prod"
    }},
    "type": "Opaque"
}}
"#,
        k("YWRtaW4=")
    );
    assert_eq!(redact(input), expected);
}

/// `kubectl get secrets -o json | jq -c '.items[]'`
#[test]
fn secret_compact_json() {
    let input = r#"{"apiVersion":"v1","data":{"tls.crt":"LS0tLS1CRUdJTg==","tls.key":"LS0tLS1CRUdJTiBQUklW"},"kind":"Secret","metadata":{"name":"api-tls"}}"#;
    let expected = format!(
        r#"{{"apiVersion":"v1","data":{{"tls.crt":"{}","tls.key":"{}"}},"kind":"Secret","metadata":{{"name":"api-tls"}}}}"#,
        k("LS0tLS1CRUdJTg=="),
        k("LS0tLS1CRUdJTiBQUklW")
    );
    assert_eq!(redact(input), expected);
}

#[test]
fn manifests_and_listings_pass_unchanged() {
    unchanged(&[
        "NAME            TYPE                DATA   AGE
db-creds        Opaque              2      3d
api-tls         kubernetes.io/tls   2      41d
",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.4.2
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: db-creds
              key: password
        volumeMounts:
        - mountPath: /etc/tls
          name: tls
      volumes:
      - name: tls
        secret:
          secretName: api-tls
",
        "Name:         db-creds
Namespace:    prod
Type:         Opaque

Data
====
password:  14 bytes
username:  5 bytes
",
        // Application logs with a `data` field are not Kubernetes objects.
        r#"{"level":"info","msg":"fetched","data":{"user":"bob","items":3}}"#,
    ]);
}
