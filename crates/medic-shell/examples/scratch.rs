//! scratch
fn main() {
    let inputs = [
        "kubectl get pods > out.txt 2>&1",
        "kubectl patch secret discord-creds -n x \\\n  -p '{\"data\":{\"token\":\"'$(echo -n \"NEW_TOKEN\" | base64)'\"}}'",
        "cat <<EOF | psql\nSELECT 1;\nEOF\n",
        "echo 'unterminated",
        "echo `date` && ls; for i in a b; do echo $i; done # c",
        "psql <<< 'select 1'",
        "cmd &> /dev/null; x=1 y=$(ls) env",
        "cat <<EOF\nunterminated",
        "diff <(ls a) >(cat)",
        "f() { ls; }; f",
        "echo ${POD:-x} \"$(date)\" ~ $((1+2))",
        "export A=b",
        "echo hi >& 2; echo x 2>&-",
    ];
    for i in inputs {
        let mut p = brush_parser::Parser::new(std::io::Cursor::new(i), &brush_parser::ParserOptions::default());
        match p.parse_program() {
            Ok(prog) => println!("OK {i:?}\n{prog:#?}\n"),
            Err(e) => println!("ERR {i:?}: {e}\n"),
        }
    }
    for w in ["'{\"data\":{\"token\":\"'$(echo -n \"NEW_TOKEN\" | base64)'\"}}'", "\"a\\\"b\"", "a\\ b", "${POD}x", "~/x"] {
        println!("{w}: {:?}", brush_parser::word::parse(w, &brush_parser::ParserOptions::default()));
    }
}
